//! Articles marked `draft: true`, on the `drafts` fixture.

use tradekb::Overrides;

use crate::support::{unminified, Site};

const DRAFT: &str = "policies/work-in-progress/index.html";

#[test]
fn drafts_are_left_out_by_default() {
    let out = Site::fixture("drafts").build();
    assert!(!out.exists(DRAFT));
    assert_eq!(
        out.page("policies/index.html").texts(".card-title a"),
        ["已发布的文章"]
    );
    assert!(!out.read("index.html").contains("尚未完成的草稿"));
}

#[test]
fn drafts_are_built_when_asked_and_marked_as_drafts() {
    let out = Site::fixture("drafts").build_with(Overrides {
        drafts: true,
        ..unminified()
    });
    let page = out.page(DRAFT);
    assert_eq!(page.text(".article-header .badge-draft"), "草稿");
    assert_eq!(page.attrs(r#"meta[name="robots"]"#, "content"), ["noindex"]);
    assert_eq!(
        out.page("policies/index.html").texts(".card-title a"),
        ["尚未完成的草稿", "已发布的文章"]
    );
}

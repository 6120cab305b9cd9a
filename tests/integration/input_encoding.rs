//! Input as editors on Windows write it (a BOM, CRLF line endings), and RFC 3339 dates.

use crate::support::Site;

#[test]
fn bom_and_crlf_input_builds() {
    let site = Site::from_files(&[(
        "content/policies/windows.md",
        "\u{FEFF}---\r\ntitle: Windows 编辑的文章\r\ndate: 2014-03-05\r\ntags: [海关]\r\n---\r\n第一段。\r\n\r\n## 小节标题\r\n\r\n正文。\r\n",
    )]);
    let out = site.build();
    let page = out.page("policies/windows/index.html");
    assert_eq!(page.text(".article-header h1"), "Windows 编辑的文章");
    assert_eq!(page.attrs(".article-body h2", "id"), ["小节标题"]);
    assert_eq!(page.description(), "第一段。");
    assert!(out.exists("tags/海关/index.html"));
    assert!(!out.read("policies/windows/index.html").contains('\r'));
}

#[test]
fn rfc3339_date_with_a_time_zone_is_accepted_and_keeps_its_day() {
    // 23:30 in New York is already the next day in UTC; the author's day is the one shown.
    let site = Site::from_files(&[(
        "content/policies/late.md",
        "---\ntitle: 深夜发布\ndate: 2014-03-05T23:30:00-05:00\n---\n正文。\n",
    )]);
    let page = site.build().page("policies/late/index.html");
    assert_eq!(
        page.attrs(".article-header time", "datetime"),
        ["2014-03-05T23:30:00-05:00"]
    );
    assert_eq!(page.text(".article-header time"), "2014年3月5日");
}

#[test]
fn dates_with_offsets_as_hugo_writes_them_are_accepted() {
    let site = Site::from_files(&[
        (
            "content/policies/a.md",
            "---\ntitle: 甲\ndate: 2015-01-08 10:31:58 -0400\n---\n正文。\n",
        ),
        (
            "content/policies/b.md",
            "---\ntitle: 乙\ndate: '2017-07-15T0:10:32+00:00'\n---\n正文。\n",
        ),
    ]);
    let out = site.build();
    let a = out.page("policies/a/index.html");
    assert_eq!(
        a.attrs(".article-header time", "datetime"),
        ["2015-01-08T10:31:58-04:00"]
    );
    let b = out.page("policies/b/index.html");
    assert_eq!(
        b.attrs(".article-header time", "datetime"),
        ["2017-07-15T00:10:32+00:00"]
    );
}

#[test]
fn toml_front_matter_builds_like_yaml() {
    let site = Site::from_files(&[(
        "content/policies/zola.md",
        "+++\ntitle = \"用 TOML 写的文章\"\ndate = 2014-03-05\ntags = [\"海关\"]\nsummary = \"一句话。\"\n+++\n正文。\n",
    )]);
    let out = site.build();
    let page = out.page("policies/zola/index.html");
    assert_eq!(page.text(".article-header h1"), "用 TOML 写的文章");
    assert_eq!(page.description(), "一句话。");
    assert!(out.exists("tags/海关/index.html"));
}

#[test]
fn toml_front_matter_is_checked_like_yaml() {
    let site = Site::from_files(&[(
        "content/policies/zola.md",
        "+++\ntitle = \"甲\"\ndate = 2014-03-05\ntgas = [\"海关\"]\n+++\n正文。\n",
    )]);
    let d = site.diagnostics();
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].location(), "content/policies/zola.md:4:1");
    assert_eq!(d[0].help.as_deref(), Some("did you mean `tags`?"));
}

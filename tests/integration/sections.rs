//! Sections, pagination and pages at the content root, on the `sections` fixture
//! (`paginate_by: 2`, five policies).

use crate::support::{Page, Site};

fn titles(page: &Page) -> Vec<String> {
    page.texts(".card-title a")
}

fn prev_next(page: &Page) -> (Vec<String>, Vec<String>) {
    (
        page.attrs(".paginator a[rel=prev]", "href"),
        page.attrs(".paginator a[rel=next]", "href"),
    )
}

#[test]
fn section_is_paginated_newest_first() {
    let out = Site::fixture("sections").build();
    let pages = [
        "policies/index.html",
        "policies/page/2/index.html",
        "policies/page/3/index.html",
    ];
    let lists: Vec<Vec<String>> = pages.iter().map(|p| titles(&out.page(p))).collect();
    assert_eq!(
        lists,
        [
            vec!["第5号政策", "第4号政策"],
            vec!["第3号政策", "第2号政策"],
            vec!["第1号政策"],
        ]
    );
    assert!(!out.exists("policies/page/4/index.html"));
    assert!(
        !out.exists("policies/page/1/index.html"),
        "page 1 is the section itself"
    );
}

#[test]
fn paginator_links_to_previous_and_next_pages() {
    let out = Site::fixture("sections").build();
    let none: Vec<String> = Vec::new();
    assert_eq!(
        prev_next(&out.page("policies/index.html")),
        (none.clone(), vec!["/policies/page/2/".to_string()])
    );
    assert_eq!(
        prev_next(&out.page("policies/page/2/index.html")),
        (
            vec!["/policies/".to_string()],
            vec!["/policies/page/3/".to_string()]
        )
    );
    assert_eq!(
        prev_next(&out.page("policies/page/3/index.html")),
        (vec!["/policies/page/2/".to_string()], none)
    );
}

#[test]
fn section_without_index_file_still_gets_a_list() {
    let page = Site::fixture("sections")
        .build()
        .page("analysis/index.html");
    assert_eq!(page.text("main h1"), "分析", "titled by its built-in kind");
    assert_eq!(titles(&page), ["没有栏目首页的分析"]);
}

#[test]
fn custom_section_takes_kind_and_title_from_its_index_file() {
    let out = Site::fixture("sections").build();
    let list = out.page("notes/index.html");
    assert_eq!(list.text("main h1"), "研究笔记");
    assert_eq!(titles(&list), ["第一篇笔记"]);
    let article = out.page("notes/first-note/index.html");
    assert_eq!(article.attrs("body", "class"), ["page-article kind-note"]);
    assert_eq!(
        article.attrs(".breadcrumb a", "href"),
        ["/", "/notes/", "/notes/first-note/"]
    );
    let nav = out.page("index.html").texts(".site-nav a");
    assert!(nav.contains(&"研究笔记".to_string()), "{nav:?}");
}

#[test]
fn page_at_content_root_is_served_at_its_own_url() {
    let out = Site::fixture("sections").build();
    let page = out.page("about/index.html");
    assert_eq!(page.text(".article-header h1"), "关于本站");
    assert_eq!(page.attrs("body", "class"), ["page-article kind-page"]);
    assert_eq!(
        page.attrs(".breadcrumb a", "href"),
        ["/", "/about/"],
        "a root page belongs to no section"
    );
    for section in ["policies", "analysis", "notes"] {
        let list = out.page(&format!("{section}/index.html"));
        assert!(!titles(&list).contains(&"关于本站".to_string()));
    }
}

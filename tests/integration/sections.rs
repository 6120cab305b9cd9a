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

/// A front matter with `title` and, unless empty, `date`, and a line of body.
fn article(title: &str, date: &str) -> String {
    let date = if date.is_empty() {
        String::new()
    } else {
        format!("date: {date}\n")
    };
    format!("---\ntitle: {title}\n{date}tags: [海关]\n---\n{title}的正文。\n")
}

/// Policies with a sub-section `2014` (with `_index.md`), a folder `2015` without one, and
/// `extra` front matter in the section's own `_index.md`.
fn nested_site(extra: &str) -> Site {
    Site::from_files(&[
        (
            "content/policies/_index.md",
            &format!("---\ntitle: 政策\n{extra}---\n"),
        ),
        (
            "content/policies/2014/_index.md",
            "---\ntitle: 2014年\ndescription: 当年的政策\n---\n这一年的政策。\n",
        ),
        ("content/policies/2014/a.md", &article("甲", "2014-05-01")),
        (
            "content/policies/2014/q1/b.md",
            &article("乙", "2014-02-01"),
        ),
        ("content/policies/2015/c.md", &article("丙", "2015-01-01")),
        ("content/policies/d.md", &article("丁", "2013-01-01")),
    ])
}

#[test]
fn a_sub_section_has_its_own_list_breadcrumbs_and_a_place_in_its_section() {
    let out = nested_site("").build();
    let sub = out.page("policies/2014/index.html");
    assert_eq!(sub.text("main h1"), "2014年");
    assert_eq!(
        titles(&sub),
        ["甲", "乙"],
        "its articles and those of the folders inside it"
    );
    assert_eq!(
        sub.attrs(".breadcrumb a", "href"),
        ["/", "/policies/", "/policies/2014/"]
    );
    let top = out.page("policies/index.html");
    assert_eq!(
        titles(&top),
        ["丙", "甲", "乙", "丁"],
        "the section lists every article"
    );
    assert_eq!(top.texts(".subsections a"), ["2014年 2 篇"]);
    assert_eq!(top.attrs(".subsections a", "href"), ["/policies/2014/"]);
    // URLs stay flat by default; a folder without `_index.md` is only for tidiness.
    let a = out.page("policies/a/index.html");
    assert_eq!(
        a.texts(".breadcrumb a"),
        ["首页", "政策", "2014年", "甲"],
        "the breadcrumb goes through the sub-section"
    );
    assert!(out.exists("policies/b/index.html") && out.exists("policies/c/index.html"));
    assert!(!out.exists("policies/2015/index.html"));
    assert!(!out.exists("policies/2014/q1/index.html"));
    let nav = out.page("index.html").texts(".site-nav a");
    assert!(
        !nav.contains(&"2014年".to_string()),
        "only top sections in the menu: {nav:?}"
    );
    assert!(out.read("sitemap.xml").contains("/policies/2014/</loc>"));
}

#[test]
fn nested_urls_follow_the_folders_and_every_folder_gets_a_list() {
    let site = nested_site("urls: nested\n");
    site.write(
        "content/policies/2016/x/index.md",
        "---\ntitle: 戊\ndate: 2016-01-01\n---\n![图](map.png)\n",
    );
    site.write("content/policies/2016/x/map.png", "png");
    let out = site.build();
    for page in ["2014/a", "2014/q1/b", "2015/c", "d", "2016/x"] {
        assert!(out.exists(&format!("policies/{page}/index.html")), "{page}");
    }
    assert!(
        out.exists("policies/2016/x/map.png"),
        "a bundle's files beside its page"
    );
    assert!(!out.exists("policies/2016/x/page/index.html"));
    let q1 = out.page("policies/2014/q1/index.html");
    assert_eq!(
        q1.text("main h1"),
        "q1",
        "a sub-section without a title takes its folder's name"
    );
    assert_eq!(titles(&q1), ["乙"]);
    assert_eq!(
        out.page("policies/2014/q1/b/index.html")
            .attrs(".breadcrumb a", "href"),
        [
            "/",
            "/policies/",
            "/policies/2014/",
            "/policies/2014/q1/",
            "/policies/2014/q1/b/"
        ]
    );
    assert_eq!(titles(&out.page("policies/2015/index.html")), ["丙"]);
    let children = out.page("policies/index.html").texts(".subsections a");
    assert_eq!(children, ["2014年 2 篇", "2015 1 篇", "2016 1 篇"]);
}

#[test]
fn a_sub_section_cannot_change_its_sections_kind_or_urls() {
    let site = nested_site("");
    site.write(
        "content/policies/2014/_index.md",
        "---\ntitle: 2014年\nkind: note\nurls: nested\n---\n",
    );
    let shown = crate::support::shown(&site.diagnostics());
    assert_eq!(shown.len(), 2, "{shown:#?}");
    assert!(
        shown[0].starts_with("content/policies/2014/_index.md:3:1 `kind`"),
        "{shown:#?}"
    );
    assert!(
        shown[1].starts_with("content/policies/2014/_index.md:4:1 `urls`"),
        "{shown:#?}"
    );
    assert!(shown[1].contains("top folder's _index.md"), "{shown:#?}");
}

#[test]
fn a_sub_section_and_an_article_on_one_url_are_named_both() {
    let site = nested_site("");
    site.write("content/policies/2014.md", article("同名", "2014-01-01"));
    let shown = crate::support::shown(&site.diagnostics());
    assert_eq!(shown.len(), 1, "{shown:#?}");
    assert!(shown[0].contains("/policies/2014/"), "{shown:#?}");
    assert!(
        shown[0].contains("content/policies/2014/_index.md"),
        "{shown:#?}"
    );
    assert!(shown[0].contains("content/policies/2014.md"), "{shown:#?}");
}

/// A law collection: undated articles sorted by title, one dated article among them.
fn undated_site() -> Site {
    Site::from_files(&[
        (
            "content/laws/_index.md",
            "---\ntitle: 法律\nundated: true\n---\n",
        ),
        ("content/laws/b.md", &article("中华人民共和国海关法", "")),
        (
            "content/laws/a.md",
            &article("中华人民共和国对外贸易法", ""),
        ),
        (
            "content/laws/c.md",
            &article("中华人民共和国电子商务法", "2018-08-31"),
        ),
        ("content/policies/p.md", &article("一项政策", "2014-01-01")),
    ])
}

#[test]
fn an_undated_section_lists_by_title_and_shows_no_date() {
    let out = undated_site().build();
    assert_eq!(
        titles(&out.page("laws/index.html")),
        [
            "中华人民共和国电子商务法",
            "中华人民共和国对外贸易法",
            "中华人民共和国海关法"
        ],
        "by title in pinyin (dian, dui, hai), the dated one too"
    );
    let law = out.page("laws/b/index.html");
    assert_eq!(
        law.count(".article-header time, .meta-panel time"),
        0,
        "no date shown where there is none"
    );
    let middle = out.page("laws/a/index.html");
    assert_eq!(
        middle.texts(".post-nav-title"),
        ["中华人民共和国电子商务法", "中华人民共和国海关法"],
        "the articles before and after it by title"
    );
    assert_eq!(middle.texts(".post-nav-label"), ["← 上一篇", "下一篇 →"]);
    assert_eq!(
        law.text(".article-kicker .kind"),
        "法律",
        "a site's own kind is named by its section's title, not its ASCII key"
    );
    assert!(!out
        .read("laws/b/index.html")
        .contains("article:published_time"));
    let feed = out.read("atom.xml");
    assert!(
        !feed.contains("海关法"),
        "a feed tells what is new: no undated article"
    );
    assert!(feed.contains("电子商务法") && feed.contains("一项政策"));
    let tag_feed = out.read("tags/海关/atom.xml");
    assert!(!tag_feed.contains("海关法"));
    let sitemap = out.read("sitemap.xml");
    assert!(
        sitemap.contains("<url><loc>https://example.org/laws/b/</loc></url>"),
        "{sitemap}"
    );
    let latest = out.page("index.html").texts(".home-latest .card-title a");
    assert_eq!(
        latest,
        ["中华人民共和国电子商务法", "一项政策"],
        "only dated articles are the latest"
    );
    let tag = titles(&out.page("tags/海关/index.html"));
    assert_eq!(
        tag.len(),
        4,
        "undated articles are on their tags' lists: {tag:?}"
    );
    assert!(
        tag[2..].contains(&"中华人民共和国海关法".to_string()),
        "after the dated ones: {tag:?}"
    );
}

#[test]
fn an_article_without_a_date_elsewhere_is_an_error_that_names_the_ways_out() {
    let site = undated_site();
    site.write("content/policies/q.md", article("没有日期", ""));
    site.write("content/about.md", article("关于", ""));
    let draft = "---\ntitle: 草稿\ndraft: true\n---\n正文。\n";
    site.write("content/policies/draft.md", draft);
    site.write("content/laws/t.md", "---\ntags: [海关]\n---\n没有标题。\n");
    site.write(
        "content/policies/t.md",
        "---\ntags: [海关]\n---\n没有标题。\n",
    );
    let mut errors = site.diagnostics();
    errors.retain(|d| d.is_error());
    let with_title_missing: Vec<String> = crate::support::shown(&errors)
        .into_iter()
        .filter(|d| d.contains("/t.md"))
        .collect();
    assert_eq!(
        with_title_missing.len(),
        3,
        "in one run, the date too where its section wants one: {with_title_missing:#?}"
    );
    for one in [
        "content/laws/t.md:1:1 missing required key `title`",
        "content/policies/t.md:1:1 missing required key `title`",
        "content/policies/t.md:1:1 missing required key `date`",
    ] {
        let found = with_title_missing.iter().any(|d| d.starts_with(one));
        assert!(found, "{one}: {with_title_missing:#?}");
    }
    site.write("content/laws/t.md", "---\ntitle: 标题\n---\n");
    site.write(
        "content/policies/t.md",
        "---\ntitle: 标题\ndate: 2014-01-01\n---\n",
    );
    let mut errors = site.diagnostics();
    errors.retain(|d| d.is_error());
    let shown = crate::support::shown(&errors);
    assert_eq!(shown.len(), 2, "a root page may be undated: {shown:#?}");
    assert!(
        shown[0].starts_with("content/policies/draft.md:1:1 missing required key `date`"),
        "a draft too, as with every other problem of its front matter: {shown:#?}"
    );
    assert!(
        shown[1].starts_with("content/policies/q.md:1:1 missing required key `date`"),
        "{shown:#?}"
    );
    for way in ["add `date:`", "2014-03-05-name.md", "`undated: true`"] {
        assert!(shown[1].contains(way), "{way}: {shown:#?}");
    }
}

#[test]
fn neighbours_are_the_articles_beside_one_in_its_own_folder_each_way() {
    let out = nested_site("").build();
    let beside = |page: &str| {
        out.page(&format!("policies/{page}/index.html"))
            .texts(".post-nav-title")
    };
    assert_eq!(beside("a"), ["乙"], "甲 and 乙 are the sub-section's");
    assert_eq!(beside("b"), ["甲"]);
    assert_eq!(beside("c"), ["丁"], "丙 and 丁 are the section's own");
    assert_eq!(beside("d"), ["丙"]);
}

#[test]
fn a_sub_section_without_a_date_order_of_its_own_follows_its_undated() {
    let site = nested_site("");
    site.write(
        "content/policies/laws/_index.md",
        "---\ntitle: 法规\nundated: true\n---\n",
    );
    site.write(
        "content/policies/laws/law-b.md",
        article("乙法", "2014-01-03"),
    );
    site.write(
        "content/policies/laws/law-a.md",
        article("甲法", "2014-01-01"),
    );
    site.write("content/policies/laws/law-c.md", article("丙法", ""));
    let out = site.build();
    assert_eq!(
        titles(&out.page("policies/laws/index.html")),
        ["丙法", "甲法", "乙法"],
        "by title (in pinyin: bing, jia, yi), not by its section's dates"
    );
}

#[test]
fn a_sub_section_inside_a_page_bundle_is_refused_where_it_is_written() {
    let site = nested_site("");
    site.write("content/policies/x/index.md", article("附图", "2014-01-01"));
    site.write("content/policies/x/_index.md", "---\ntitle: 不行\n---\n");
    site.write(
        "content/policies/x/more/_index.md",
        "---\ntitle: 也不行\n---\n",
    );
    let shown = crate::support::shown(&site.diagnostics());
    assert_eq!(shown.len(), 2, "{shown:#?}");
    for (line, folder) in shown.iter().zip(["x", "x/more"]) {
        assert!(
            line.starts_with(&format!("content/policies/{folder}/_index.md")),
            "{shown:#?}"
        );
        assert!(
            line.contains("inside the page bundle of content/policies/x/index.md"),
            "{shown:#?}"
        );
    }
}

#[test]
fn a_broken_undated_line_is_one_error_not_one_per_article() {
    let site = undated_site();
    site.write(
        "content/laws/_index.md",
        "---\ntitle: 法律\nundated: yes\n---\n",
    );
    let shown = crate::support::shown(&site.diagnostics());
    assert_eq!(shown.len(), 1, "{shown:#?}");
    assert!(
        shown[0].starts_with("content/laws/_index.md:3:"),
        "{shown:#?}"
    );
}

#[test]
fn fields_name_top_sections_only() {
    let site = nested_site("");
    site.write(
        "site.yaml",
        "title: 测试站\nbase_url: https://example.org/\nfields:\n  文号:\n    type: text\n    sections: [policies/2014]\n",
    );
    let warnings = crate::support::shown(&site.warnings());
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(
        warnings[0].contains("names the section `policies/2014`"),
        "{warnings:#?}"
    );
}

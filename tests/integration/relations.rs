//! Relations between articles: front matter `amends`, `supersedes` and `implements` name
//! other articles' sources, are checked like links, and are shown on both ends, with a
//! banner on an article that something else replaced or changed.

use crate::support::{shown, Site};

fn site() -> Site {
    Site::from_files(&[
        (
            "content/policies/old.md",
            "---\ntitle: 旧办法\ndate: 2013-05-01\nstatus: repealed\n---\n正文。\n",
        ),
        (
            "content/policies/new.md",
            "---\ntitle: 新办法\ndate: 2014-03-01\nstatus: in-force\nsupersedes: old.md\n---\n正文。\n",
        ),
        (
            "content/policies/base.md",
            "---\ntitle: 基本规定\ndate: 2012-01-01\nstatus: amended\n---\n正文。\n",
        ),
        (
            "content/policies/fix-1.md",
            "---\ntitle: 第一次修订\ndate: 2013-01-01\namends: [base.md]\n---\n正文。\n",
        ),
        (
            "content/policies/fix-2.md",
            "---\ntitle: 第二次修订\ndate: 2015-01-01\namends: /policies/base.md\n---\n正文。\n",
        ),
        (
            "content/pilots/plan.md",
            "---\ntitle: 实施方案\ndate: 2014-06-01\nimplements: ../policies/new.md\n---\n正文。\n",
        ),
    ])
}

#[test]
fn a_relation_shows_on_both_ends_with_links() {
    let out = site().build();
    let new = out.page("policies/new/index.html");
    assert_eq!(
        new.texts(".relations li"),
        ["取代了《旧办法》", "由《实施方案》落实"],
        "what it does first, then what others do to it"
    );
    assert_eq!(
        new.attrs(".relations a", "href"),
        ["/policies/old/", "/pilots/plan/"]
    );
    let plan = out.page("pilots/plan/index.html");
    assert_eq!(plan.texts(".relations li"), ["落实《新办法》"]);
    let base = out.page("policies/base/index.html");
    assert_eq!(
        base.texts(".relations li"),
        ["被《第二次修订》、《第一次修订》修订"],
        "several in one line, newest first"
    );
    assert_eq!(
        out.page("policies/fix-1/index.html").texts(".relations li"),
        ["修订了《基本规定》"]
    );
}

#[test]
fn a_replaced_or_changed_article_says_so_at_its_top_and_links_to_what_did_it() {
    let out = site().build();
    let old = out.page("policies/old/index.html");
    assert_eq!(
        old.texts(".article-header .notice"),
        ["本文件已被《新办法》取代，以下内容仅供查考。"]
    );
    assert_eq!(
        old.attrs(".article-header .notice a", "href"),
        ["/policies/new/"]
    );
    let base = out.page("policies/base/index.html");
    assert_eq!(
        base.texts(".article-header .notice"),
        ["本文件已被《第二次修订》、《第一次修订》修订，引用时请核对修订后的规定。"]
    );
    for unchanged in ["policies/new/index.html", "pilots/plan/index.html"] {
        let page = out.page(unchanged);
        assert_eq!(page.count(".article-header .notice"), 0, "{unchanged}");
    }
}

#[test]
fn an_article_without_relations_has_no_relations_row() {
    let site = Site::from_files(&[(
        "content/policies/a.md",
        "---\ntitle: 甲\ndate: 2014-03-05\nstatus: repealed\n---\n正文。\n",
    )]);
    let a = site.build().page("policies/a/index.html");
    assert_eq!(a.count(".relations"), 0);
    assert_eq!(
        a.texts(".article-header .notice"),
        ["本文件已废止，以下内容仅供查考。"],
        "repealed with nothing named as its successor"
    );
}

#[test]
fn a_relation_that_leads_nowhere_is_an_error_at_its_line_and_column() {
    let site = site();
    site.write(
        "content/policies/broken.md",
        "---\ntitle: 坏\ndate: 2014-03-05\namends:\n  - nothing.md\n  - ../pilots/\nsupersedes: broken.md\nimplements: ../../outside.md\n---\n正文。\n",
    );
    site.write(
        "content/policies/draft.md",
        "---\ntitle: 草稿\ndate: 2014-03-05\ndraft: true\n---\n正文。\n",
    );
    site.write(
        "content/policies/to-draft.md",
        "---\ntitle: 引草稿\ndate: 2014-03-05\nimplements: [draft.md, _index.md]\n---\n正文。\n",
    );
    site.write("content/policies/_index.md", "---\ntitle: 政策\n---\n");
    let shown = shown(&site.diagnostics());
    let expected = [
        "content/policies/broken.md:5:5 `amends`: no article at `nothing.md`: content/policies/nothing.md does not exist ()",
        "content/policies/broken.md:6:5 `amends`: no article at `../pilots/`: name the article's Markdown source, relative to this file (../policies/name.md) ()",
        "content/policies/broken.md:7:13 `supersedes`: `broken.md` is this article itself ()",
        "content/policies/broken.md:8:13 `implements`: no article at `../../outside.md`: it points above the content folder ()",
        "content/policies/to-draft.md:4:14 `implements`: no article at `draft.md`: content/policies/draft.md is a draft, left out of this build (publish it, or remove the link) ()",
        "content/policies/to-draft.md:4:24 `implements`: no article at `_index.md`: content/policies/_index.md is not an article but a section's, a city's or a tag's page ()",
    ];
    assert_each_once(&shown, &expected);
}

#[test]
fn articles_that_replace_each_other_in_a_circle_are_an_error() {
    let site = Site::from_files(&[
        (
            "content/policies/a.md",
            "---\ntitle: 甲\ndate: 2014-03-05\nsupersedes: b.md\n---\n正文。\n",
        ),
        (
            "content/policies/b.md",
            "---\ntitle: 乙\ndate: 2014-03-05\namends: c.md\n---\n正文。\n",
        ),
        (
            "content/policies/c.md",
            "---\ntitle: 丙\ndate: 2014-03-05\nsupersedes: a.md\nimplements: b.md\n---\n正文。\n",
        ),
    ]);
    let shown = shown(&site.diagnostics());
    assert_eq!(shown.len(), 1, "one circle, reported once: {shown:#?}");
    assert!(
        shown[0].contains("closes a circle of articles that replace each other")
            && [
                "content/policies/a.md",
                "content/policies/b.md",
                "content/policies/c.md"
            ]
            .iter()
            .all(|f| shown[0].contains(f)),
        "{shown:#?}"
    );
}

#[test]
fn a_status_or_a_date_that_a_relation_contradicts_is_a_warning() {
    let site = Site::from_files(&[
        (
            "content/policies/old.md",
            "---\ntitle: 旧\ndate: 2015-01-01\nstatus: in-force\n---\n正文。\n",
        ),
        (
            "content/policies/new.md",
            "---\ntitle: 新\ndate: 2014-03-01\nsupersedes: old.md\n---\n正文。\n",
        ),
        (
            "content/policies/base.md",
            "---\ntitle: 基\ndate: 2014-03\nstatus: in-force\n---\n正文。\n",
        ),
        (
            "content/policies/fix.md",
            "---\ntitle: 修\ndate: 2014-03-20\namends: base.md\n---\n正文。\n",
        ),
    ]);
    let warnings = shown(&site.warnings());
    assert_eq!(
        warnings,
        [
            "content/policies/base.md:4:9 `status`: `in-force`, but content/policies/fix.md amends this article (set `status: amended`, or check `amends:` in content/policies/fix.md)",
            "content/policies/new.md:4:13 `supersedes`: `old.md` is dated 2015-01-01, after this article (2014-03-01) (an article amends or supersedes older ones: check both dates, or which way round the relation goes)",
            "content/policies/old.md:4:9 `status`: `in-force`, but content/policies/new.md supersedes this article (set `status: repealed`, or check `supersedes:` in content/policies/new.md)",
        ],
        "a month (2014-03) is not after a day in it"
    );
}

/// `source:` may name an article of the site: the knowledge base's entry for the document
/// its facts come from.
fn sourced() -> Site {
    Site::from_files(&[
        (
            "content/sources/article.md",
            "---\ntitle: 《外贸电商的新机会》\ndate: 2014-03\n---\n正文。\n",
        ),
        (
            "content/analysis/a.md",
            "---\ntitle: 甲\ndate: 2014-03-05\nsource: ../sources/article.md\n---\n正文。\n",
        ),
        (
            "content/analysis/b.md",
            "---\ntitle: 乙\ndate: 2014-03-06\nsource: { name: 原文, url: /sources/article.md }\n---\n正文。\n",
        ),
        (
            "content/analysis/d.md",
            "---\ntitle: 丁\ndate: 2014-03-04\nsource: { url: ../sources/article.md }\n---\n正文。\n",
        ),
        (
            "content/analysis/e.md",
            "---\ntitle: 戊\ndate: 2014-03-03\nsource: \"https://example.org/report\"\n---\n正文。\n",
        ),
        (
            "content/analysis/c.md",
            "---\ntitle: 丙\ndate: 2014-03-07\nsource: { name: 报告, url: \"https://example.org/r\" }\n---\n正文。\n",
        ),
    ])
}

#[test]
fn a_source_that_names_an_article_links_to_it_and_it_lists_who_cites_it() {
    let out = sourced().build();
    let a = out.page("analysis/a/index.html");
    assert_eq!(
        a.texts(".meta-panel a[href='/sources/article/']"),
        ["《外贸电商的新机会》"]
    );
    let b = out.page("analysis/b/index.html");
    assert_eq!(b.texts(".meta-panel a[href='/sources/article/']"), ["原文"]);
    assert_eq!(
        b.texts(".meta-panel a[href='/sources/article/'] .external-mark"),
        [""; 0],
        "a link inside the site is not marked external"
    );
    let d = out.page("analysis/d/index.html");
    assert_eq!(
        d.texts(".meta-panel a[href='/sources/article/']"),
        ["《外贸电商的新机会》"],
        "a url without a name shows the article's title"
    );
    let e = out.page("analysis/e/index.html");
    let shown = e.texts(".meta-panel a[rel~=external]");
    assert!(
        shown.len() == 1 && shown[0].starts_with("https://example.org/report"),
        "a web address alone is shown as itself: {shown:?}"
    );
    let c = out.page("analysis/c/index.html");
    assert_eq!(
        c.attrs(".meta-panel a[rel~=external]", "href"),
        ["https://example.org/r"]
    );
    let source = out.page("sources/article/index.html");
    assert_eq!(
        source.attrs(".backlink-list > li > a", "href"),
        ["/analysis/b/", "/analysis/a/", "/analysis/d/"],
        "the articles that name it as their source, newest first"
    );
}

#[test]
fn a_source_that_names_no_article_is_an_error_at_its_line_and_column() {
    let site = sourced();
    site.write(
        "content/analysis/g.md",
        "---\ntitle: 庚\ndate: 2014-03-08\nsource: { name: 原文, url: ../sources/gone.md }\n---\n正文。\n",
    );
    site.write(
        "content/analysis/h.md",
        "---\ntitle: 辛\ndate: 2014-03-08\nsource: 原文\n---\n正文。\n",
    );
    site.write(
        "content/analysis/f.md",
        "---\ntitle: 己\ndate: 2014-03-08\nsource: f.md\n---\n正文。\n",
    );
    let shown = shown(&site.diagnostics());
    let expected = [
        "content/analysis/g.md:4:26 `source`: no article at `../sources/gone.md`: content/sources/gone.md does not exist ()",
        "content/analysis/h.md:4:9 `source`: `原文` is neither an article's Markdown source nor an address",
        "content/analysis/f.md:4:9 `source`: `f.md` is this article itself ()",
    ];
    assert_each_once(&shown, &expected);
}

/// Every expected problem is among those shown, and nothing else is.
fn assert_each_once(shown: &[String], expected: &[&str]) {
    for e in expected {
        assert!(
            shown.iter().any(|s| s.contains(e)),
            "missing {e}\nin {shown:#?}"
        );
    }
    assert_eq!(shown.len(), expected.len(), "{shown:#?}");
}

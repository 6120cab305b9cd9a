//! Backlinks: every article lists the articles whose bodies link to it, with the heading
//! they link to when they name one.

use crate::support::{unminified, Site};

fn site() -> Site {
    Site::from_files(&[
        (
            "content/policies/a.md",
            "---\ntitle: 甲\ndate: 2014-03-05\n---\n见[乙的要点](b.md#要点)和[丙](c.md)。\n",
        ),
        (
            "content/policies/b.md",
            "---\ntitle: 乙\ndate: 2014-03-04\n---\n## 要点\n正文[^1]。\n\n[^1]: 注。\n",
        ),
        ("content/policies/c.md", "---\ntitle: 丙\ndate: 2014-03-03\n---\n正文。\n"),
        (
            "content/analysis/d.md",
            "---\ntitle: 丁\ndate: 2014-03-01\n---\n[乙](../policies/b.md)，再见[乙](../policies/b.md)，[乙的注](../policies/b.md#fn-1)，[本文](d.md)。\n",
        ),
    ])
}

#[test]
fn an_article_lists_the_articles_that_link_to_it_and_the_heading_they_link_to() {
    let out = site().build_with(unminified());
    let b = out.page("policies/b/index.html");
    assert_eq!(
        b.grouped(".backlink-list li", "a"),
        [vec!["甲", "要点"], vec!["丁"]],
        "newest first; each article once however often it links (to a footnote too); the \
         heading it names"
    );
    assert_eq!(
        b.attrs(".backlink-list a", "href"),
        ["/policies/a/", "#要点", "/analysis/d/"]
    );
    assert_eq!(b.texts("#tkb-backlinks-heading"), ["被引用 2"]);
    let c = out.page("policies/c/index.html");
    assert_eq!(c.texts(".backlink-list > li > a"), ["甲"]);
    for unlinked in ["policies/a/index.html", "analysis/d/index.html"] {
        let page = out.page(unlinked);
        assert_eq!(
            page.count(".backlinks"),
            0,
            "{unlinked}: a link to itself is no backlink"
        );
    }
}

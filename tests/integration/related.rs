//! Related articles: the few that share the most cities and tags, a shared city counting
//! more than a shared tag and a rare term more than a common one; ties to the newer.

use crate::support::{unminified, Site};

fn article(title: &str, date: &str, terms: &str) -> String {
    format!("---\ntitle: {title}\ndate: {date}\n{terms}---\n正文。\n")
}

fn site() -> Site {
    Site::from_files(&[
        (
            "content/cities/changsha.md",
            "---\nname: 长沙\nslug: changsha\n---\n",
        ),
        (
            "content/policies/a.md",
            &article("甲", "2014-03-05", "cities: [长沙]\ntags: [海关, 试点]\n"),
        ),
        (
            "content/policies/b.md",
            &article("乙", "2014-01-01", "cities: [长沙]\n"),
        ),
        (
            "content/policies/c.md",
            &article("丙", "2014-02-01", "tags: [海关, 试点]\n"),
        ),
        (
            "content/policies/d.md",
            &article("丁", "2013-05-01", "tags: [海关]\n"),
        ),
        (
            "content/analysis/f.md",
            &article("己", "2013-06-01", "tags: [海关]\n"),
        ),
        (
            "content/policies/e.md",
            &article("戊", "2014-04-01", "tags: [别的]\n"),
        ),
        (
            "content/about.md",
            &article("关于", "2014-04-02", "tags: [海关]\n"),
        ),
    ])
}

#[test]
fn related_articles_share_the_most_weighted_terms_and_ties_go_to_the_newer() {
    let out = site().build_with(unminified());
    let related = |rel: &str| out.page(rel).texts(".related .link-list a");
    assert_eq!(
        related("policies/a/index.html"),
        ["乙", "丙", "己", "丁"],
        "the shared city first (more than two shared tags), then two tags, then one: \
         the newer of a tie first; nothing shared, nothing shown; no page at the root"
    );
    assert_eq!(related("policies/b/index.html"), ["甲"]);
    let lonely = out.page("policies/e/index.html");
    assert_eq!(
        lonely.count(".related"),
        0,
        "no section without related articles"
    );
}

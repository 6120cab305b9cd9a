//! The timeline: every dated article of a section by the year and month of its `date`,
//! newest first, with a chart of the years drawn at build time, and a page per year.

use crate::support::{unminified, Output, Page, Site};

fn site() -> Site {
    let article =
        |title: &str, date: &str| format!("---\ntitle: {title}\ndate: {date}\n---\n正文。\n");
    Site::from_files(&[
        (
            "content/policies/a.md",
            &article("三月五日的报告", "2014-03-05"),
        ),
        ("content/policies/b.md", &article("三月的建议", "2014-03")),
        (
            "content/policies/c.md",
            &article("一月的复函", "2014-01-02"),
        ),
        (
            "content/pilots/d.md",
            &article("十一月的试点", "2013-11-20"),
        ),
        (
            "content/analysis/e.md",
            &article("十一月的分析", "2013-11-01"),
        ),
        (
            "content/analysis/f.md",
            &article("五月的分析", "2012-05-05"),
        ),
        ("content/about.md", &article("关于", "2020-01-01")),
    ])
}

fn built() -> Output {
    site().build_with(unminified())
}

#[test]
fn the_timeline_lists_every_dated_article_by_month_newest_first() {
    let out = built();
    let page = out.page("timeline/index.html");
    assert_eq!(
        page.texts(".timeline-month h2"),
        [
            "2014年3月 2 篇",
            "2014年1月 1 篇",
            "2013年11月 2 篇",
            "2012年5月 1 篇"
        ],
        "the About page at the content root is no entry"
    );
    assert_eq!(
        page.grouped(".timeline-month", ".timeline-list a"),
        [
            vec!["三月五日的报告", "三月的建议"],
            vec!["一月的复函"],
            vec!["十一月的试点", "十一月的分析"],
            vec!["五月的分析"],
        ]
    );
    assert_eq!(page.texts(".list-count"), ["共 6 篇文章 · 3 个年份"]);
}

#[test]
fn the_chart_has_a_bar_per_year_linking_to_it_and_a_table_of_the_counts() {
    let out = built();
    let page = out.page("timeline/index.html");
    assert_eq!(page.texts("svg title"), ["各年条目数（按类型）"]);
    assert_eq!(
        page.attrs("a.chart-bar", "href"),
        ["/timeline/2012/", "/timeline/2013/", "/timeline/2014/"],
        "oldest year on the left, each bar a link (reachable by keyboard)"
    );
    assert_eq!(
        page.attrs("a.chart-bar", "aria-label"),
        ["2012：1 篇", "2013：2 篇", "2014：3 篇"]
    );
    let heights: Vec<Vec<f32>> = (page.inner_html("a.chart-bar").iter())
        .map(|bar| {
            let one = Page::parse(&format!("<svg>{bar}</svg>"));
            let h = one.attrs("rect.chart-seg", "height");
            h.iter().map(|v| v.parse().unwrap()).collect()
        })
        .collect();
    assert_eq!(heights[2], [120.0], "the largest year is full height");
    assert_eq!(
        heights[1],
        [40.0, 40.0],
        "2013: a pilot and an analysis, stacked"
    );
    assert_eq!(heights[0], [40.0]);
    assert_eq!(
        page.texts(".chart-table thead th"),
        ["年份", "政策", "试点", "分析", "合计"]
    );
    assert_eq!(
        page.grouped(".chart-table tbody tr", "th, td"),
        [
            vec!["2014", "3", "0", "0", "3"],
            vec!["2013", "0", "1", "1", "2"],
            vec!["2012", "0", "0", "1", "1"],
        ]
    );
}

#[test]
fn a_year_has_a_page_of_its_own() {
    let out = built();
    assert!(!out.exists("timeline/2020/index.html"));
    let page = out.page("timeline/2013/index.html");
    assert_eq!(page.texts("h1"), ["2013年"]);
    assert_eq!(
        page.texts(".timeline-list a"),
        ["十一月的试点", "十一月的分析"]
    );
    assert_eq!(
        page.attrs("a.chart-bar[aria-current=page]", "href"),
        ["/timeline/2013/"]
    );
    assert_eq!(
        page.attrs(".breadcrumb a", "href"),
        ["/", "/timeline/", "/timeline/2013/"]
    );
    let sitemap = out.read("sitemap.xml");
    for path in ["timeline/", "timeline/2013/"] {
        assert!(
            sitemap.contains(&format!("{path}</loc>")),
            "{path} in {sitemap}"
        );
    }
}

#[test]
fn every_page_links_to_the_timeline_when_the_site_has_one() {
    let out = built();
    for rel in [
        "index.html",
        "policies/a/index.html",
        "timeline/index.html",
        "404.html",
    ] {
        let nav = out
            .page(rel)
            .attrs(".site-nav a, .not-found-links a", "href");
        let links = nav.iter().filter(|h| *h == "/timeline/").count();
        assert_eq!(
            links,
            if rel == "404.html" { 2 } else { 1 },
            "{rel}: {nav:?}"
        );
    }
    let undated = Site::from_files(&[("content/about.md", "---\ntitle: 关于\n---\n说明。\n")]);
    let out = undated.build_with(unminified());
    assert!(!out.exists("timeline/index.html"));
    let nav = out.page("index.html").attrs(".site-nav a", "href");
    assert!(!nav.contains(&"/timeline/".to_string()), "{nav:?}");
}

#[test]
fn a_site_with_its_own_page_at_timeline_keeps_it() {
    let s = site();
    s.write(
        "content/timeline.md",
        "---\ntitle: 我们自己的大事记\n---\n正文。\n",
    );
    let out = s.build_with(unminified());
    let page = out.page("timeline/index.html");
    assert_eq!(page.texts("h1"), ["我们自己的大事记"]);
    assert!(!out.exists("timeline/2014/index.html"));
    let nav = out.page("index.html").texts(".site-nav a");
    assert!(!nav.contains(&"时间线".to_string()), "{nav:?}");
}

#[test]
fn a_year_without_articles_keeps_its_place_on_the_chart() {
    let article = |date: &str| format!("---\ntitle: 文{date}\ndate: {date}\n---\n正文。\n");
    let s = Site::from_files(&[
        ("content/policies/a.md", &article("2010-05-01")),
        ("content/policies/b.md", &article("2012-05-01")),
    ]);
    let page = s.build_with(unminified()).page("timeline/index.html");
    assert_eq!(page.texts(".chart-year"), ["2010", "2011", "2012"]);
    assert_eq!(
        page.attrs("a.chart-bar", "href"),
        ["/timeline/2010/", "/timeline/2012/"],
        "an empty year has no page to link to"
    );
    assert_eq!(page.count(".chart-bar.is-empty .chart-seg"), 0);
}

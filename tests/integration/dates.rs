//! Dates that mean one thing: `date` is the date of the document or event an article is
//! about and orders lists and prev/next; `published` (when the entry was written, falling
//! back to `date`) orders what tells readers what is new: feeds, the home page's latest
//! entries, the sitemap's lastmod and `--future`.

use crate::support::{unminified, Site};
use tradekb::Problem;

fn article(kind_dir: &str, slug: &str, title: &str, dates: &str) -> (String, String) {
    (
        format!("content/{kind_dir}/{slug}.md"),
        format!("---\ntitle: {title}\n{dates}---\n正文。\n"),
    )
}

/// A 2014 work report written up in 2026, a 2014 reply with no `published`, a 2020 notice
/// published the next day, and an About page at the content root.
fn site() -> Site {
    let files = [
        (
            "site.yaml".to_string(),
            "title: 日期站\nfeed_limit: 10\n".to_string(),
        ),
        article(
            "policies",
            "report",
            "政府工作报告",
            "date: 2014-03-05\npublished: 2026-11-02\nupdated: 2026-11-20\n",
        ),
        article("policies", "reply", "复函", "date: 2014-01-02\n"),
        article(
            "policies",
            "notice",
            "通知",
            "date: 2020-06-01\npublished: 2020-06-02\n",
        ),
        (
            "content/about.md".to_string(),
            "---\ntitle: 关于\ndate: 2026-11-26\n---\n说明。\n".to_string(),
        ),
    ];
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    Site::from_files(&files)
}

fn feed_ids(atom: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(atom).expect("well-formed feed");
    let entries = doc.descendants().filter(|n| n.has_tag_name("entry"));
    entries
        .map(|e| {
            let id = e.children().find(|c| c.has_tag_name("id")).unwrap();
            id.text().unwrap().to_string()
        })
        .collect()
}

#[test]
fn lists_and_prev_next_go_by_the_date_of_the_document() {
    let out = site().build_with(unminified());
    let list = out.page("policies/index.html");
    assert_eq!(
        list.texts(".card-title"),
        ["通知", "政府工作报告", "复函"],
        "2020, then March 2014, then January 2014: when each document is from"
    );
    let report = out.page("policies/report/index.html");
    assert_eq!(report.texts(".post-nav-prev .post-nav-title"), ["复函"]);
    assert_eq!(report.texts(".post-nav-next .post-nav-title"), ["通知"]);
}

#[test]
fn what_is_new_goes_by_when_the_entry_was_published() {
    let out = site().build_with(unminified());
    let home = out.page("index.html");
    assert_eq!(
        home.texts(".card-title"),
        ["政府工作报告", "通知", "复函"],
        "written up in 2026, published in 2020, dated 2014; the About page is no entry"
    );
    let feed = out.read("atom.xml");
    let ids = feed_ids(&feed);
    let policies: Vec<&str> = (ids.iter())
        .filter_map(|id| id.split("/policies/").nth(1))
        .collect();
    assert_eq!(policies, ["report/", "notice/", "reply/"]);
    assert!(
        feed.contains("<published>2026-11-02T00:00:00Z</published>"),
        "an entry is published when it was written: {feed}"
    );
    let sitemap = out.read("sitemap.xml");
    let report = sitemap
        .lines()
        .find(|l| l.contains("/policies/report/"))
        .unwrap();
    assert!(
        report.contains("<lastmod>2026-11-20</lastmod>"),
        "the later of published and updated: {report}"
    );
    let reply = sitemap
        .lines()
        .find(|l| l.contains("/policies/reply/"))
        .unwrap();
    assert!(reply.contains("<lastmod>2014-01-02</lastmod>"), "{reply}");
    let page = out.read("policies/report/index.html");
    assert!(
        page.contains(r#"<meta property="article:published_time" content="2026-11-02">"#),
        "{page}"
    );
}

#[test]
fn an_entry_published_after_today_waits_whatever_its_date() {
    let s = site();
    let (path, text) = article(
        "policies",
        "later",
        "旧文新录",
        "date: 2014-03-05\npublished: 2999-01-01\n",
    );
    s.write(&path, text);
    s.assert_waits_for_future("policies/later/index.html");
}

#[test]
fn the_info_panel_names_each_date_for_what_it_is() {
    let s = site();
    for (dir, slug, kind) in [("pilots", "p", "pilot"), ("analysis", "a", "analysis")] {
        let (path, text) = article(dir, slug, kind, "date: 2014-03-05\n");
        s.write(&path, text);
    }
    let out = s.build_with(unminified());
    let labels = |rel: &str| out.page(rel).texts(".meta dt");
    let report = labels("policies/report/index.html");
    for label in ["成文日期", "收录日期", "更新日期"] {
        assert!(report.contains(&label.to_string()), "{label} in {report:?}");
    }
    assert!(labels("pilots/p/index.html").contains(&"获批日期".to_string()));
    assert!(labels("analysis/a/index.html").contains(&"事件日期".to_string()));
    let reply = labels("policies/reply/index.html");
    assert!(
        !reply.contains(&"收录日期".to_string()),
        "no published, no row: {reply:?}"
    );
}

#[test]
fn a_month_alone_is_a_date_shown_as_a_month() {
    let s = site();
    let (path, text) = article("policies", "march", "三月的报告", "date: 2014-03\n");
    s.write(&path, text);
    let out = s.build_with(unminified());
    let page = out.page("policies/march/index.html");
    assert_eq!(page.attrs(".article-kicker time", "datetime"), ["2014-03"]);
    assert_eq!(page.texts(".article-kicker time"), ["2014年3月"]);
    assert_eq!(
        out.page("policies/index.html").texts(".card-title"),
        ["通知", "政府工作报告", "三月的报告", "复函"],
        "2014-03 sorts as its first day, before 2014-03-05"
    );
}

#[test]
fn a_month_that_does_not_exist_is_refused_at_its_line() {
    let s = site();
    let (path, text) = article("policies", "bad", "坏日期", "date: 2014-13\n");
    s.write(&path, text);
    let d = s
        .diagnostics()
        .into_iter()
        .find(|d| matches!(d.problem, Problem::InvalidDate { .. }))
        .expect("a date error");
    assert_eq!(
        d.problem,
        Problem::InvalidDate {
            key: "date".into(),
            value: "2014-13".into(),
            reason: "there is no month 13".into(),
        }
    );
    assert_eq!(d.location(), "content/policies/bad.md:3:7");
}

//! The article page as a reader sees it, in a real browser (see `browser`): on a phone the
//! text starts on the first screen, with the info panel and the table of contents folded
//! above it (and opening when tapped); beside the text on a wide screen they stand open;
//! tables of up to four columns fit a phone's width; a footnote leads back to where it is
//! referred to; the main navigation wraps into even rows on a narrow screen.

use serde_json::Value;

use crate::browser::Browser;
use crate::search::{built_sample, StaticHost};
use crate::support::sample_built;

/// A phone's screen, in CSS pixels.
const PHONE: (u32, u32) = (390, 844);

fn sample() -> &'static std::path::Path {
    built_sample("https://example.org/")
}

/// The URLs of the sample's articles, from its data export.
fn articles(public: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(public.join("api/articles.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    (doc["articles"].as_array().unwrap().iter())
        .map(|a| a["url"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn on_a_phone_every_article_starts_its_text_on_the_first_screen_and_nothing_scrolls_sideways() {
    let public = sample();
    let host = StaticHost::serve(public, "/");
    let browser = Browser::open(PHONE.0, PHONE.1);
    let mut late = Vec::new();
    for url in articles(public) {
        browser.goto(&format!("{}{}", host.url, url.trim_start_matches('/')));
        let seen = browser.eval(
            "const first = document.querySelector('.article-body > p, .article-body > :first-child');
             const tables = [...document.querySelectorAll('.article-body table')]
               .filter(t => t.rows[0].cells.length <= 4 && t.scrollWidth > t.clientWidth)
               .map(t => t.scrollWidth - t.clientWidth);
             return { top: first ? first.getBoundingClientRect().top : 1e9,
                      sideways: document.documentElement.scrollWidth - innerWidth, tables };",
        );
        let top = seen["top"].as_f64().unwrap();
        if top >= f64::from(PHONE.1) {
            late.push(format!("{url}: the text starts {top:.0} px down"));
        }
        assert_eq!(seen["sideways"], 0, "{url} scrolls sideways");
        assert_eq!(
            seen["tables"],
            serde_json::json!([]),
            "{url}: a table scrolls by so many pixels"
        );
    }
    assert!(late.is_empty(), "{}", late.join("\n"));
}

#[test]
fn the_panels_fold_on_a_phone_and_stand_open_beside_the_text() {
    let public = sample();
    let host = StaticHost::serve(public, "/");
    let page = format!("{}policies/changsha-customs-reply/", host.url);
    let shown = "return ['.meta-panel .meta', '.toc ol']
        .map(s => document.querySelector(s).checkVisibility())";
    let phone = Browser::open(PHONE.0, PHONE.1);
    phone.goto(&page);
    assert_eq!(
        phone.eval(shown),
        serde_json::json!([false, false]),
        "folded"
    );
    phone.eval("document.querySelectorAll('.fold-summary').forEach(s => s.click())");
    assert_eq!(
        phone.eval(shown),
        serde_json::json!([true, true]),
        "opened by a tap"
    );
    let desk = Browser::open(1280, 900);
    desk.goto(&page);
    assert_eq!(
        desk.eval(shown),
        serde_json::json!([true, true]),
        "open beside the text"
    );
    let summaries =
        "return [...document.querySelectorAll('.fold-summary')].map(s => s.checkVisibility())";
    assert_eq!(
        desk.eval(summaries),
        serde_json::json!([false, false]),
        "no summary to click"
    );
}

/// How many of the main navigation's links stand on each row, top to bottom.
const NAV_ROWS: &str = "const rows = new Map();
    for (const a of document.querySelectorAll('.site-nav a')) {
      const top = Math.round(a.getBoundingClientRect().top);
      rows.set(top, (rows.get(top) || 0) + 1);
    }
    return [...rows.entries()].sort((x, y) => x[0] - y[0]).map(r => r[1]);";

/// The sample's eight links took a row of seven and one alone at 390 px; minified or not,
/// the same rows.
#[test]
fn on_a_narrow_screen_the_main_navigation_wraps_into_even_rows() {
    for public in [sample(), sample_built("https://example.org/", false)] {
        let host = StaticHost::serve(public, "/");
        for (width, rows) in [(320, 2), (390, 2), (600, 1)] {
            let browser = Browser::open(width, 700);
            browser.goto(&format!("{}timeline/", host.url));
            let seen: Vec<u64> = serde_json::from_value(browser.eval(NAV_ROWS)).unwrap();
            assert_eq!(seen.len(), rows, "{width} px: rows of {seen:?}");
            let (least, most) = (seen.iter().min().unwrap(), seen.iter().max().unwrap());
            assert!(most - least <= 1, "{width} px: rows of {seen:?}");
        }
    }
}

#[test]
fn a_footnote_leads_back_to_where_it_is_referred_to() {
    let public = sample();
    let host = StaticHost::serve(public, "/");
    let browser = Browser::open(1280, 900);
    browser.prefer_less_motion();
    browser.goto(&format!("{}policies/changsha-customs-reply/", host.url));
    browser.eval("document.querySelector('.footnote-reference a').click()");
    browser.eval("document.querySelector(':target .footnote-backref').click()");
    assert_eq!(
        browser.eval("return document.querySelector(':target').className"),
        "footnote-reference"
    );
    browser.wait_until(
        "the reference in view",
        std::time::Duration::from_secs(10),
        "const top = document.querySelector(':target').getBoundingClientRect().top;
         return top >= 0 && top < innerHeight",
    );
}

//! axe-core, the accessibility rules engine, on every kind of page of the sample site in a
//! real browser (see `browser`): wide and phone-sized, light and dark. Every page passes
//! the WCAG 2.1 A and AA rules and axe's best practices. The dark scheme changes colours
//! only (the theme's dark rules set its colour properties, the highlighting's its colours),
//! so in it axe checks the rules colours decide, on the wide screen (where every colour of
//! the theme shows: a phone's folded panels take their colours from the same properties).
//!
//! axe-core comes from the npm registry (`tests/browser/package.json`, its version locked);
//! `.ci/run` installs it, and a test run without it installs it first.

use std::path::Path;
use std::sync::OnceLock;

use crate::browser::Browser;
use crate::search::{built_sample, wait_for_results, StaticHost};
use crate::support::repo_root;

/// A page of each kind the theme makes, of the sample.
const PAGES: &[&str] = &[
    "",
    "policies/",
    // A policy with a relation, a table and a footnote.
    "policies/changsha-customs-reply/",
    // A pilot with a four-column table.
    "pilots/later-approved-cities/",
    // A plan with a task list and a source inside the site; the source, cited by every
    // article (a long list of backlinks).
    "policies/anhui-plans/",
    "sources/new-opportunities-for-trade-ecommerce/",
    // A page at the content root.
    "about/",
    "tags/",
    "tags/central-western/",
    "cities/",
    "cities/changsha/",
    // The timeline (a year's page is made from the same template, with the same chart).
    "timeline/",
    "search/?q=长沙",
    "404.html",
];

/// axe-core's script, installed from the npm registry on first use.
fn axe() -> &'static str {
    static AXE: OnceLock<String> = OnceLock::new();
    AXE.get_or_init(|| {
        let dir = repo_root().join("tests/browser");
        let script = dir.join("node_modules/axe-core/axe.min.js");
        if !script.is_file() {
            install(&dir);
        }
        std::fs::read_to_string(&script).unwrap()
    })
}

fn install(dir: &Path) {
    let status = std::process::Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--prefix"])
        .arg(dir)
        .status()
        .expect("npm runs (apt-get install npm)");
    assert!(status.success(), "npm ci in {} failed", dir.display());
}

/// Every rule of WCAG 2.1 A and AA, and axe's best practices.
const ALL_RULES: &str =
    "{ type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }";
/// The rules colours decide.
const COLOUR_RULES: &str = "{ type: 'rule', values: ['color-contrast', 'link-in-text-block'] }";

/// The violations axe finds on the page `browser` shows under `rules`, one line each: rule,
/// impact and the elements.
fn violations(browser: &Browser, rules: &str) -> Vec<String> {
    let found = browser.eval_async(&format!(
        "const done = arguments[arguments.length - 1];
         axe.run(document, {{ runOnly: {rules} }})
           .then(r => done(r.violations.map(v =>
             `${{v.id}} (${{v.impact}}): ${{v.nodes.map(n => n.target.join(' ')).join(', ')}}`)))
           .catch(e => done([`axe failed: ${{e}}`]));"
    ));
    serde_json::from_value(found).expect("lines")
}

/// Every page of [`PAGES`] in a window `width` wide, light then (if `dark`) dark: what axe
/// finds.
fn check_at(width: u32, height: u32, dark_too: bool) -> Vec<String> {
    let host = StaticHost::serve(built_sample("https://example.org/"), "/");
    let browser = Browser::open(width, height);
    browser.add_to_every_page(axe());
    let mut found = Vec::new();
    for dark in [false, true].into_iter().filter(|&d| !d || dark_too) {
        browser.prefer_dark(dark);
        for page in PAGES {
            browser.goto(&format!("{}{page}", host.url));
            let seen = browser.eval("return matchMedia('(prefers-color-scheme: dark)').matches");
            assert_eq!(seen, dark, "the page sees the scheme asked for");
            if page.starts_with("search/") {
                wait_for_results(&browser);
            }
            let (scheme, rules) = if dark {
                ("dark", COLOUR_RULES)
            } else {
                ("light", ALL_RULES)
            };
            found.extend(
                violations(&browser, rules)
                    .into_iter()
                    .map(|v| format!("/{page} at {width} px, {scheme}: {v}")),
            );
        }
    }
    found
}

#[test]
fn every_kind_of_page_passes_axe_on_a_wide_screen_light_and_dark() {
    let found = check_at(1280, 900, true);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn every_kind_of_page_passes_axe_on_a_phone() {
    let found = check_at(390, 844, false);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

//! axe-core, the accessibility rules engine, on every kind of page of the sample site in a
//! real browser (see `browser`): wide and phone-sized, light and dark. Every page passes
//! the WCAG 2.1 A and AA rules and axe's best practices, with nothing left to check by hand
//! that axe could decide.
//!
//! axe-core comes from the npm registry (`tests/browser/package.json`, its version locked);
//! `.ci/run` installs it, and a test run without it installs it first.

use std::path::{Path, PathBuf};
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
    "analysis/two-sessions-overview/",
    // A page at the content root.
    "about/",
    "tags/",
    "tags/central-western/",
    "cities/",
    "cities/changsha/",
    "timeline/",
    "timeline/2014/",
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

/// The violations axe finds on the page `browser` shows, one line each: rule, impact and
/// the elements.
fn violations(browser: &Browser) -> Vec<String> {
    browser.eval(&format!("{};return true", axe()));
    let found = browser.eval_async(
        "const done = arguments[arguments.length - 1];
         axe.run(document, { runOnly: { type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
           .then(r => done(r.violations.map(v =>
             `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)))
           .catch(e => done([`axe failed: ${e}`]));",
    );
    serde_json::from_value(found).expect("lines")
}

fn sample() -> &'static (tempfile::TempDir, PathBuf) {
    static BUILT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    BUILT.get_or_init(|| built_sample("https://example.org/"))
}

/// Every page of [`PAGES`] in a window `width` wide, light then dark: what axe finds.
fn check_at(width: u32, height: u32) -> Vec<String> {
    let host = StaticHost::serve(&sample().1, "/");
    let browser = Browser::open(width, height);
    let mut found = Vec::new();
    for dark in [false, true] {
        browser.prefer_dark(dark);
        for page in PAGES {
            browser.goto(&format!("{}{page}", host.url));
            if page.starts_with("search/") {
                wait_for_results(&browser);
            }
            let scheme = if dark { "dark" } else { "light" };
            found.extend(
                violations(&browser)
                    .into_iter()
                    .map(|v| format!("/{page} at {width} px, {scheme}: {v}")),
            );
        }
    }
    found
}

#[test]
fn every_kind_of_page_passes_axe_on_a_wide_screen_light_and_dark() {
    let found = check_at(1280, 900);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn every_kind_of_page_passes_axe_on_a_phone_light_and_dark() {
    let found = check_at(390, 844);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

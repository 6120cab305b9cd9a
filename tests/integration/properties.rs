//! Property tests: random front matter, random Markdown and random `site.yaml` thrown at the
//! loader and the renderer through the public API (`Config::load` + `tradekb::build`), in a
//! tiny site in a temporary folder. Whatever the input: no panic; a failure is a list of
//! diagnostics, each naming a file of the site (under `content/`, or `site.yaml`, or
//! `templates/`) with a line and column, when given, inside that file; a success publishes
//! the article's page.
//!
//! 64 cases a property keep the suite fast; raise them for a longer run with
//! `PROPTEST_CASES=2000 cargo test --test integration properties`.

use std::fs;
use std::path::Path;

use proptest::prelude::*;
use tradekb::{Config, Diagnostic, Error, Overrides, Problem};

const ARTICLE: &str = "content/policies/x.md";
const SITE_YAML: &str = "title: 测试站\nbase_url: https://example.org/\n";

// ---------------------------------------------------------------------------------------
// Generators

const ARTICLE_KEYS: &[&str] = tradekb::content::meta::ARTICLE_KEYS;
const CONFIG_KEYS: &[&str] = tradekb::config::KEYS;

/// Text of any script, emoji included, without control characters (so without NUL).
fn text() -> impl Strategy<Value = String> {
    "[\\PC]{0,12}"
}

fn key(known: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(known).prop_map(str::to_string),
        1 => "[a-z_]{1,10}",
        1 => text(),
    ]
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("2014-01-02".to_string()),
        Just("2014-02-30".to_string()),
        Just("2014-03-05T09:00:00+08:00".to_string()),
        "[0-9]{1,4}-[0-9]{1,2}-[0-9]{1,2}",
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| n.to_string()),
        Just("true".to_string()),
        Just("~".to_string()),
        Just("in-force".to_string()),
        Just("https://www.gov.cn/".to_string()),
        Just("javascript:alert(1)".to_string()),
        Just("\"<script>alert(1)</script>\"".to_string()),
        Just("../../x".to_string()),
        Just("*alias".to_string()),
        Just("&anchor x".to_string()),
        Just("!!binary aGk=".to_string()),
        Just("'".to_string()),
        Just("\"".to_string()),
        Just("{".to_string()),
        Just("[".to_string()),
        Just(":".to_string()),
        Just("|".to_string()),
        Just(">-".to_string()),
        text(),
        text().prop_map(|t| format!("\"{}\"", t.replace('\\', "\\\\").replace('"', "\\\""))),
        text().prop_map(|t| format!("'{}'", t.replace('\'', "''"))),
    ]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => scalar(),
        1 => Just(String::new()),
        2 => proptest::collection::vec(scalar(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
        1 => proptest::collection::vec(scalar(), 1..3)
            .prop_map(|v| v.iter().map(|s| format!("\n  - {s}")).collect()),
        1 => (scalar(), scalar()).prop_map(|(a, b)| format!("{{ name: {a}, url: {b} }}")),
        1 => (text(), scalar()).prop_map(|(k, v)| format!("\n  {k}: {v}")),
    ]
}

fn yaml_line(known: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (key(known), value()).prop_map(|(k, v)| format!("{k}: {v}")),
        1 => Just("---".to_string()),
        1 => scalar().prop_map(|s| format!("- {s}")),
        1 => text(),
        1 => Just(String::new()),
        1 => (key(known), scalar()).prop_map(|(k, v)| format!("  {k}: {v}")),
        1 => text().prop_map(|t| format!("# {t}")),
    ]
}

/// A file that mostly looks like an article: usually fenced, usually with a title and a date.
fn front_matter_file() -> impl Strategy<Value = String> {
    (
        proptest::bool::weighted(0.9),
        proptest::bool::weighted(0.7),
        proptest::collection::vec(yaml_line(ARTICLE_KEYS), 0..8),
        proptest::bool::weighted(0.9),
        markdown(),
    )
        .prop_map(|(open, base, lines, close, body)| {
            let mut s = String::new();
            if open {
                s.push_str("---\n");
            }
            if base {
                s.push_str("title: 随机文章\ndate: 2014-01-02\n");
            }
            for l in lines {
                s.push_str(&l);
                s.push('\n');
            }
            if close {
                s.push_str("---\n");
            }
            s.push_str(&body);
            s
        })
}

/// Random Markdown: block starts, inline punctuation, links (good and dead), CJK, emoji.
fn markdown() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\n"),
        Just("\n\n"),
        Just("# "),
        Just("## 第一批试点城市"),
        Just("### Next {#next}"),
        Just("- "),
        Just("1. "),
        Just("> "),
        Just("    "),
        Just("`"),
        Just("```"),
        Just("```rust\nfn main() {}\n```\n"),
        Just("["),
        Just("]"),
        Just("("),
        Just(")"),
        Just("<"),
        Just(">"),
        Just("&"),
        Just("&amp;"),
        Just("&#0;"),
        Just("*"),
        Just("_"),
        Just("~~"),
        Just("|"),
        Just("| a | b |\n| - | - |\n| 1 | 2 |\n"),
        Just("---"),
        Just("[^1]"),
        Just("[^1]: 脚注"),
        Just("[链接](x.md)"),
        Just("[链接](x.md#第一批试点城市)"),
        Just("[死链](nowhere.md)"),
        Just("[标签](/tags/)"),
        Just("[外部](https://example.org/)"),
        Just("<https://example.org/>"),
        Just("![图](a.png)"),
        Just("<!-- more -->"),
        Just("<b>粗</b>"),
        Just("<div>"),
        Just("跨境电子商务"),
        Just("😀"),
        Just("\u{FEFF}"),
        Just("\u{200B}"),
        Just("word "),
    ];
    proptest::collection::vec(
        prop_oneof![4 => piece.prop_map(str::to_string), 1 => text()],
        0..80,
    )
    .prop_map(|v| v.concat())
}

fn site_yaml() -> impl Strategy<Value = String> {
    proptest::collection::vec(yaml_line(CONFIG_KEYS), 0..8).prop_map(|lines| {
        let mut s = String::from("title: 测试站\n");
        for l in lines {
            s.push_str(&l);
            s.push('\n');
        }
        s
    })
}

// ---------------------------------------------------------------------------------------
// The site and the checks

/// Writes a site of `site_yaml` and one article, builds it in-process, checks the outcome.
fn build_and_check(site_yaml: &str, article: &str) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("site.yaml"), site_yaml).unwrap();
    fs::create_dir_all(root.join("content/policies")).unwrap();
    fs::write(root.join(ARTICLE), article).unwrap();
    let config = match Config::load(root, &Overrides::default()) {
        Ok(c) => c,
        Err(diags) => return check_diagnostics(root, &diags),
    };
    match tradekb::build(&config) {
        Ok(report) => {
            prop_assert!(report.articles <= 1);
            if report.articles == 1 {
                let pages = article_pages(&root.join("public/policies"));
                prop_assert_eq!(pages.len(), 1, "article pages: {:?}", pages);
            } else {
                prop_assert!(
                    article.contains("draft") || article.contains("date"),
                    "the article was left out, but it is neither a draft nor dated"
                );
            }
            check_diagnostics(root, &report.warnings)
        }
        Err(Error::Site(diags)) => {
            prop_assert!(!diags.is_empty());
            prop_assert!(diags.iter().any(Diagnostic::is_error));
            check_diagnostics(root, &diags)
        }
        Err(e) => Err(TestCaseError::fail(format!("a write error: {e}"))),
    }
}

/// The `policies/SLUG/index.html` files of an output (not the section's list pages).
fn article_pages(policies: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(policies) else {
        return Vec::new();
    };
    entries
        .map(|e| e.unwrap())
        .filter(|e| e.file_name() != "page" && e.path().join("index.html").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

/// Every diagnostic names a file of the site, and its position lies inside that file.
fn check_diagnostics(root: &Path, diags: &[Diagnostic]) -> Result<(), TestCaseError> {
    for d in diags {
        let path = d.path.to_string_lossy().replace('\\', "/");
        // A list page the minifier refuses (see render::minify) has no one source to name.
        let unminified_list = matches!(d.problem, Problem::NotMinified { .. })
            && path.starts_with("public/")
            && !d.is_error();
        prop_assert!(
            unminified_list
                || path.starts_with("content/")
                || path == "site.yaml"
                || path.starts_with("templates/"),
            "diagnostic without a site file: {}",
            d
        );
        let Some(p) = d.position else { continue };
        let text = fs::read(root.join(&d.path))
            .map(|b| String::from_utf8_lossy(&b).replace("\r\n", "\n"))
            .unwrap_or_default();
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
        let lines: Vec<&str> = text.split('\n').collect();
        prop_assert!(
            p.line >= 1 && p.line <= lines.len(),
            "line {} of a {}-line file: {}",
            p.line,
            lines.len(),
            d
        );
        let chars = lines[p.line - 1].chars().count();
        prop_assert!(
            p.column >= 1 && p.column <= chars + 1,
            "column {} of a {}-character line: {}",
            p.column,
            chars,
            d
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(crate::support::proptest_cases(64))]

    #[test]
    fn random_front_matter_never_panics_and_is_located(article in front_matter_file()) {
        build_and_check(SITE_YAML, &article)?;
    }

    #[test]
    fn random_markdown_never_panics_and_is_located(body in markdown()) {
        let article = format!("---\ntitle: 随机正文\ndate: 2014-01-02\n---\n{body}");
        build_and_check(SITE_YAML, &article)?;
    }

    #[test]
    fn random_site_yaml_never_panics_and_is_located(yaml in site_yaml()) {
        build_and_check(&yaml, "---\ntitle: 文章\ndate: 2014-01-02\n---\n正文。\n")?;
    }
}

//! The real sample site (the repository's own `content/`, `site.yaml` and `themes/`), built
//! and crawled: every internal link must reach a file, every fragment an id.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use percent_encoding::percent_decode_str;

use crate::support::{is_external, repo_root, Output};

/// The sample site built unminified with `base_url`, once per test process.
pub(crate) fn build_sample(base_url: &str) -> Output {
    Output::at(crate::support::sample_built(base_url, false).to_path_buf())
}

/// Every link of every page that leads nowhere, as `page: link (why)`. Links under `base`
/// (the absolute base URL: canonical links, `og:url`) are checked like root-relative ones.
pub(crate) fn dead_links(out: &Output, base: &str) -> Vec<String> {
    let root = &base[base.find("://").map_or(0, |i| i + 3)..];
    let root = &root[root.find('/').unwrap_or(root.len())..];
    let files: BTreeSet<String> = out.tree().into_keys().collect();
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut ids_of = |file: &str| -> BTreeSet<String> {
        ids.entry(file.to_string())
            .or_insert_with(|| out.page(file).ids().into_iter().collect())
            .clone()
    };
    let mut dead = Vec::new();
    for file in files.iter().filter(|f| f.ends_with(".html")) {
        for link in out.page(file).links() {
            let link = match link.strip_prefix(base) {
                Some(rest) => format!("{root}{rest}"),
                None => link,
            };
            if is_external(&link) {
                continue;
            }
            let (path, fragment) = match link.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (link.as_str(), None),
            };
            let target = if path.is_empty() {
                file.clone()
            } else {
                let Some(rest) = path.strip_prefix(root) else {
                    dead.push(format!("{file}: {link} (outside the site root {root})"));
                    continue;
                };
                let rest = rest.split('?').next().unwrap_or("");
                let rest = percent_decode_str(rest).decode_utf8_lossy().into_owned();
                if rest.is_empty() || rest.ends_with('/') {
                    format!("{rest}index.html")
                } else {
                    rest
                }
            };
            if !files.contains(&target) {
                dead.push(format!("{file}: {link} (no file {target})"));
                continue;
            }
            if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                let id = percent_decode_str(fragment)
                    .decode_utf8_lossy()
                    .into_owned();
                if !target.ends_with(".html") || !ids_of(&target).contains(&id) {
                    dead.push(format!("{file}: {link} (no id `{id}` in {target})"));
                }
            }
        }
    }
    dead
}

#[test]
fn sample_site_has_no_dead_links_at_the_domain_root() {
    let out = build_sample("https://example.org/");
    let dead = dead_links(&out, "https://example.org/");
    assert!(
        dead.is_empty(),
        "{} dead links:\n{}",
        dead.len(),
        dead.join("\n")
    );
}

#[test]
fn sample_site_has_no_dead_links_under_a_sub_path() {
    let out = build_sample("https://example.org/kb/");
    let dead = dead_links(&out, "https://example.org/kb/");
    assert!(
        dead.is_empty(),
        "{} dead links:\n{}",
        dead.len(),
        dead.join("\n")
    );
}

#[test]
fn sample_site_pages_have_unique_ids() {
    let out = build_sample("https://example.org/");
    let clashes: Vec<String> = out
        .html_files()
        .into_iter()
        .filter_map(|f| {
            let dups = out.page(&f).duplicate_ids();
            (!dups.is_empty()).then(|| format!("{f}: {dups:?}"))
        })
        .collect();
    assert!(
        clashes.is_empty(),
        "ids used twice:\n{}",
        clashes.join("\n")
    );
}

#[test]
fn sample_site_has_every_expected_page() {
    let out = build_sample("https://example.org/");
    let missing: Vec<String> = expected_pages(&repo_root().join("content"))
        .into_iter()
        .filter(|p| !out.exists(p))
        .collect();
    assert!(missing.is_empty(), "missing pages:\n{}", missing.join("\n"));
}

/// The pages the sample's sources call for, worked out from the sources alone.
fn expected_pages(content: &Path) -> BTreeSet<String> {
    let mut pages: BTreeSet<String> = [
        "index.html",
        "404.html",
        "tags/index.html",
        "cities/index.html",
    ]
    .map(String::from)
    .into();
    for section in ["policies", "pilots", "analysis"] {
        pages.insert(format!("{section}/index.html"));
    }
    let mut tag_slugs: BTreeMap<String, String> = BTreeMap::new();
    let mut city_slugs: BTreeMap<String, String> = BTreeMap::new();
    let mut used_tags = BTreeSet::new();
    let mut used_cities = BTreeSet::new();
    for entry in walkdir::WalkDir::new(content) {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(content)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if !rel.ends_with(".md") || rel.ends_with("_index.md") {
            continue;
        }
        let meta = front_matter(entry.path());
        let stem = rel
            .rsplit('/')
            .next()
            .unwrap()
            .trim_end_matches(".md")
            .to_string();
        let slug = text(&meta, "slug").unwrap_or(stem);
        match rel.split_once('/') {
            Some(("tags", _)) => {
                tag_slugs.insert(text(&meta, "name").unwrap(), slug);
            }
            Some(("cities", _)) => {
                city_slugs.insert(text(&meta, "name").unwrap(), slug);
            }
            _ if meta.get("draft").and_then(|d| d.as_bool()) == Some(true) => {}
            folder => {
                let section = folder.map_or(String::new(), |(s, _)| format!("{s}/"));
                pages.insert(format!("{section}index.html"));
                pages.insert(format!("{section}{slug}/index.html"));
                used_tags.extend(list(&meta, "tags"));
                used_cities.extend(list(&meta, "cities"));
            }
        }
    }
    for (name, slug) in &tag_slugs {
        used_tags.remove(name);
        pages.insert(format!("tags/{slug}/index.html"));
    }
    pages.extend(
        used_tags
            .iter()
            .map(|t| format!("tags/{}/index.html", readable(t))),
    );
    for (name, slug) in &city_slugs {
        used_cities.remove(name);
        pages.insert(format!("cities/{slug}/index.html"));
    }
    pages.extend(
        used_cities
            .iter()
            .map(|c| format!("cities/{}/index.html", readable(c))),
    );
    pages
}

fn front_matter(path: &Path) -> serde_yaml::Mapping {
    let text = std::fs::read_to_string(path).unwrap().replace("\r\n", "\n");
    let yaml = text
        .trim_start_matches('\u{FEFF}')
        .strip_prefix("---\n")
        .and_then(|t| t.split_once("\n---\n"))
        .map(|(y, _)| y)
        .unwrap_or_else(|| panic!("no front matter in {}", path.display()));
    serde_yaml::from_str(yaml).unwrap()
}

fn text(meta: &serde_yaml::Mapping, key: &str) -> Option<String> {
    meta.get(key).and_then(|v| v.as_str()).map(str::to_string)
}

fn list(meta: &serde_yaml::Mapping, key: &str) -> Vec<String> {
    match meta.get(key) {
        Some(serde_yaml::Value::Sequence(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        Some(serde_yaml::Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// The documented fallback slug of a name without a profile: letters and digits of any script
/// kept, ASCII lowercased, whitespace runs joined by `-`, other punctuation dropped.
fn readable(name: &str) -> String {
    name.split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_'))
                .map(|c| c.to_ascii_lowercase())
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

#[test]
fn crawler_reports_dead_links_anchors_and_canonicals() {
    // The crawler itself must be able to fail: hand-made pages with every kind of dead link,
    // beside live ones (a page, a percent-encoded Chinese anchor, a same-page anchor).
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        r##"<link rel="canonical" href="https://example.org/gone/">
<a href="/a/">ok</a><a href="/a/#%E7%AC%AC%E4%B8%80%E6%89%B9">ok</a><a href="#top">ok</a>
<a href="/nowhere/">x</a><a href="/a/#no-such-id">y</a><a href="#bottom">z</a><p id="top"></p>"##,
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("a")).unwrap();
    std::fs::write(dir.path().join("a/index.html"), "<h2 id=\"第一批\"></h2>").unwrap();
    let dead = dead_links(
        &Output::at(dir.path().to_path_buf()),
        "https://example.org/",
    );
    let expected = ["/gone/", "/nowhere/", "/a/#no-such-id", "#bottom"];
    assert_eq!(dead.len(), expected.len(), "{dead:#?}");
    for (d, e) in dead.iter().zip(expected) {
        assert!(d.starts_with(&format!("index.html: {e} (")), "{dead:#?}");
    }
}

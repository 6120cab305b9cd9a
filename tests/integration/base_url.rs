//! A base URL with a sub-path (`https://example.org/kb/`): every internal link carries it.

use tradekb::Overrides;

use crate::support::{is_external, Site};

fn sub_path() -> Overrides {
    Overrides {
        base_url: Some("https://example.org/kb/".into()),
        no_minify: true,
        ..Overrides::default()
    }
}

#[test]
fn sub_path_prefixes_every_internal_link() {
    let mut outside = Vec::new();
    for fixture in ["sections", "taxonomies", "links", "markdown"] {
        let out = Site::fixture(fixture).build_with(sub_path());
        for file in out.html_files() {
            for link in out.page(&file).links() {
                if !(link.starts_with("/kb/") || link.starts_with('#') || is_external(&link)) {
                    outside.push(format!("{fixture}: {file}: {link}"));
                }
            }
        }
    }
    assert!(
        outside.is_empty(),
        "links outside /kb/:\n{}",
        outside.join("\n")
    );
}

#[test]
fn canonical_links_are_absolute_under_the_sub_path() {
    let out = Site::fixture("sections").build_with(sub_path());
    let cases = [
        ("index.html", "https://example.org/kb/"),
        (
            "policies/page/2/index.html",
            "https://example.org/kb/policies/page/2/",
        ),
        (
            "notes/first-note/index.html",
            "https://example.org/kb/notes/first-note/",
        ),
        ("about/index.html", "https://example.org/kb/about/"),
        ("tags/index.html", "https://example.org/kb/tags/"),
    ];
    for (file, url) in cases {
        let page = out.page(file);
        assert_eq!(page.attrs("link[rel=canonical]", "href"), [url], "{file}");
        assert_eq!(
            page.attrs(r#"meta[property="og:url"]"#, "content"),
            [url],
            "{file}"
        );
        assert_eq!(
            page.attrs(r#"meta[property="og:locale"]"#, "content"),
            ["zh_CN"]
        );
        assert_eq!(
            page.attrs(r#"meta[name="twitter:card"]"#, "content"),
            ["summary"]
        );
    }
    // The not-found page is served at any URL: it names none as its own.
    let missing = out.page("404.html");
    assert_eq!(missing.count("link[rel=canonical]"), 0);
    assert_eq!(missing.count(r#"meta[property="og:url"]"#), 0);
}

#[test]
fn every_html_file_has_an_absolute_canonical_link() {
    let out = Site::fixture("taxonomies").build_with(sub_path());
    for file in out.html_files().into_iter().filter(|f| f != "404.html") {
        let canonical = out.page(&file).attrs("link[rel=canonical]", "href");
        assert_eq!(canonical.len(), 1, "{file}");
        assert!(
            canonical[0].starts_with("https://example.org/kb/"),
            "{file}: {}",
            canonical[0]
        );
    }
}

//! Publishing: Atom feeds, the sitemap, robots.txt, redirects for aliases, and articles left
//! out of a build (drafts, future dates) that a published page must not link to.

use crate::support::{unminified, Site};
use tradekb::{Error, Overrides, Problem};

const SITE: &str = "title: 测试站 <&>\nbase_url: https://example.org/kb/\nfeed_limit: 2\n";

fn article(title: &str, date: &str, extra: &str) -> String {
    format!(
        "---\ntitle: {title}\ndate: {date}\ntags: [海关]\ncities: [长沙]\n{extra}---\n第一段。\n"
    )
}

fn site() -> Site {
    Site::from_files(&[
        ("site.yaml", SITE),
        (
            "content/cities/changsha.md",
            "---\nname: 长沙\nslug: changsha\n---\n",
        ),
        (
            "content/policies/a.md",
            &article("甲 <script>alert(1)</script>", "2014-01-02", ""),
        ),
        (
            "content/policies/b.md",
            &article("乙 ]]> \"引号\"", "2014-03-05", "updated: 2014-04-01\n"),
        ),
        (
            "content/policies/c.md",
            &article("丙", "2014-02-01", "aliases: [/old/c/, /legacy.html]\n"),
        ),
    ])
}

fn xml(text: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{text}"))
}

fn texts<'a>(doc: &'a roxmltree::Document, name: &str) -> Vec<&'a str> {
    doc.descendants()
        .filter(|n| n.has_tag_name(name))
        .filter_map(|n| n.text())
        .collect()
}

#[test]
fn site_feed_is_atom_with_absolute_urls_newest_first_and_limited() {
    let out = site().build();
    let feed = out.read("atom.xml");
    let doc = xml(&feed);
    let root = doc.root_element();
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2005/Atom")
    );
    assert_eq!(
        texts(&doc, "title")[0],
        "测试站 <&>",
        "the site title, unescaped by the parser"
    );
    let ids = texts(&doc, "id");
    assert_eq!(
        ids,
        [
            "https://example.org/kb/atom.xml",
            "https://example.org/kb/policies/b/",
            "https://example.org/kb/policies/c/"
        ],
        "newest first, limited to feed_limit entries"
    );
    assert_eq!(
        texts(&doc, "updated")[0],
        "2014-04-01T00:00:00Z",
        "the feed's updated is the newest change"
    );
    assert_eq!(texts(&doc, "title")[1], "乙 ]]> \"引号\"");
}

#[test]
fn tag_and_city_feeds_exist_and_pages_link_to_them() {
    let out = site().build();
    for (feed, page) in [
        ("tags/海关/atom.xml", "tags/海关/index.html"),
        ("cities/changsha/atom.xml", "cities/changsha/index.html"),
    ] {
        let doc_text = out.read(feed);
        let doc = xml(&doc_text);
        assert_eq!(
            doc.descendants()
                .filter(|n| n.has_tag_name("entry"))
                .count(),
            2,
            "limited to feed_limit: {feed}"
        );
        let links = out.page(page).attrs(
            r#"link[rel=alternate][type="application/atom+xml"]"#,
            "href",
        );
        assert!(
            links.contains(&format!("/kb/{feed}")),
            "{page} links {links:?}"
        );
    }
    let home = out
        .page("index.html")
        .attrs(r#"link[rel=alternate]"#, "href");
    assert_eq!(home, ["/kb/atom.xml"]);
}

#[test]
fn hostile_titles_are_inert_in_feeds_and_pages() {
    let out = site().build();
    let feed = out.read("atom.xml");
    assert!(!feed.contains("<script>"), "{feed}");
    let page = out.read("policies/a/index.html");
    assert!(!page.contains("<script>alert(1)</script>"));
    assert!(page.contains("&lt;script&gt;"));
}

#[test]
fn sitemap_lists_every_page_with_lastmod_and_robots_names_it() {
    let out = site().build();
    let text = out.read("sitemap.xml");
    let doc = xml(&text);
    let locs = texts(&doc, "loc");
    for page in [
        "",
        "policies/",
        "policies/a/",
        "policies/b/",
        "tags/",
        "tags/%E6%B5%B7%E5%85%B3/",
        "cities/",
        "cities/changsha/",
    ] {
        assert!(
            locs.contains(&format!("https://example.org/kb/{page}").as_str()),
            "{page} missing from {locs:?}"
        );
    }
    assert!(
        !locs
            .iter()
            .any(|l| l.contains("old") || l.contains("legacy")),
        "no redirects in the sitemap"
    );
    let b = doc
        .descendants()
        .find(|n| n.text() == Some("https://example.org/kb/policies/b/"))
        .unwrap();
    let lastmod = b.next_sibling_element().and_then(|n| n.text());
    assert_eq!(
        lastmod,
        Some("2014-04-01"),
        "lastmod is `updated` when there is one"
    );
    assert_eq!(
        out.read("robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://example.org/kb/sitemap.xml\n"
    );
}

#[test]
fn sitemap_and_robots_and_feeds_can_be_switched_off() {
    let s = site();
    s.write(
        "site.yaml",
        "title: t\nbase_url: https://example.org/\nsitemap: false\nrobots: false\nfeed_limit: 0\n",
    );
    let out = s.build();
    assert!(!out.exists("sitemap.xml") && !out.exists("robots.txt") && !out.exists("atom.xml"));
    assert_eq!(
        out.page("index.html")
            .count(r#"link[type="application/atom+xml"]"#),
        0
    );
}

#[test]
fn aliases_write_redirect_pages_to_the_new_url() {
    let out = site().build();
    for old in ["old/c/index.html", "legacy.html"] {
        let page = out.page(old);
        assert_eq!(
            page.attrs("link[rel=canonical]", "href"),
            ["https://example.org/kb/policies/c/"]
        );
        let refresh = page.attrs(r#"meta[http-equiv=refresh]"#, "content");
        assert_eq!(
            refresh,
            ["0; url=https://example.org/kb/policies/c/"],
            "{old}"
        );
    }
}

#[test]
fn alias_colliding_with_a_page_names_both_files() {
    let s = site();
    s.write(
        "content/policies/d.md",
        article("丁", "2014-01-01", "aliases: [/policies/a/]\n"),
    );
    let diags = s.diagnostics();
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let text = diags[0].to_string();
    assert!(
        matches!(diags[0].problem, Problem::UrlCollision { .. }),
        "{text}"
    );
    assert!(
        text.contains("content/policies/a.md") && text.contains("content/policies/d.md"),
        "{text}"
    );
}

#[test]
fn alias_leaving_the_site_is_refused_at_its_line() {
    let s = site();
    s.write(
        "content/policies/d.md",
        article("丁", "2014-01-01", "aliases: [/../../etc/passwd]\n"),
    );
    let diags = s.diagnostics();
    assert_eq!(
        diags[0].location(),
        "content/policies/d.md:6:1",
        "{}",
        diags[0]
    );
}

#[test]
fn future_articles_wait_unless_asked_for() {
    let s = site();
    s.write(
        "content/policies/later.md",
        article("未来", "2999-01-01", ""),
    );
    s.assert_waits_for_future("policies/later/index.html");
}

#[test]
fn link_to_a_draft_is_an_error_that_says_so() {
    let s = site();
    s.write(
        "content/policies/draft.md",
        article("草稿", "2014-01-01", "draft: true\n"),
    );
    s.write(
        "content/policies/e.md",
        "---\ntitle: 戊\ndate: 2014-01-01\n---\n见[草稿](draft.md)。\n",
    );
    match s.try_build(unminified()) {
        Err(Error::Site(d)) => {
            assert_eq!(d[0].location(), "content/policies/e.md:5:2", "{}", d[0]);
            assert!(d[0].to_string().contains("is a draft"), "{}", d[0]);
        }
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("a published page linked to a draft"),
    }
    assert!(s
        .build_with(Overrides {
            drafts: true,
            ..unminified()
        })
        .exists("policies/draft/index.html"));
}

#[test]
fn dead_link_written_by_a_template_stops_the_build() {
    let s = site();
    s.write(
        "templates/404.html",
        "{% extends \"base.html\" %}\n{% block main %}<a href=\"{{ site.root }}nowhere/\">x</a><a href=\"{{ site.root }}policies/a/#no-such-id\">y</a>{% endblock main %}\n",
    );
    let diags = s.diagnostics();
    // Named by the template and where it writes the link, not by the output file.
    let shown = crate::support::shown(&diags);
    assert_eq!(
        shown,
        [
            "templates/404.html:2:41 link to `/kb/nowhere/` leads nowhere: no file nowhere/index.html in the built site (found on public/404.html, which 404.html renders)",
            "templates/404.html:2:80 link to `/kb/policies/a/#no-such-id` leads nowhere: policies/a/index.html has no element with id `no-such-id` (found on public/404.html, which 404.html renders)",
        ]
    );
}

#[test]
fn raw_html_links_in_content_are_checked_too() {
    let s = site();
    s.write(
        "content/policies/e.md",
        "---\ntitle: 戊\ndate: 2014-01-01\n---\n<a href=\"/kb/tags/nope/\">x</a>\n",
    );
    let diags = s.diagnostics();
    assert_eq!(diags.len(), 1, "{diags:#?}");
    // Named by the source file and where the link is in it, not by the output file.
    assert_eq!(diags[0].location(), "content/policies/e.md:5:10");
}

#[test]
fn every_kind_of_problem_is_reported_in_one_run() {
    let s = site();
    s.write(
        "content/policies/bad.md",
        "---\ntitle: 坏\ndate: 2014-13-01\n---\n",
    );
    s.write(
        "content/policies/e.md",
        "---\ntitle: 戊\ndate: 2014-01-01\n---\n见[没有](missing.md)。\n",
    );
    s.write(
        "templates/404.html",
        "{% extends \"base.html\" %}\n{% block main %}{{ nope }}{% endblock main %}\n",
    );
    let locations: Vec<String> = s.diagnostics().iter().map(|d| d.location()).collect();
    assert_eq!(
        locations,
        [
            "content/policies/bad.md:3:7",
            "content/policies/e.md:5:2",
            "templates/404.html:2:20"
        ]
    );
}

#[test]
fn a_city_without_profile_warns_by_default_and_can_be_made_an_error() {
    let s = site();
    s.write(
        "content/policies/e.md",
        "---\ntitle: 戊\ndate: 2014-01-01\ncities: [合肥]\n---\n正文。\n",
    );
    let config = tradekb::Config::load(s.root(), &unminified()).unwrap();
    let report = tradekb::build(&config).unwrap();
    let warnings: Vec<String> = report.warnings.iter().map(|d| d.to_string()).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with(
            "warning: city `合肥` has no profile in content/cities/ (used by 1 article)"
        ),
        "{}",
        warnings[0]
    );
    assert!(
        warnings[0].contains("--> content/policies/e.md:4:10"),
        "{}",
        warnings[0]
    );

    s.write(
        "site.yaml",
        format!("{SITE}unprofiled: {{ cities: error, tags: warning }}\n"),
    );
    let diags = s.diagnostics();
    let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{diags:#?}");
    assert!(matches!(&errors[0].problem, Problem::NoProfile { name, .. } if name == "合肥"));
    assert!(diags.iter().any(|d| !d.is_error()
        && matches!(&d.problem, Problem::NoProfile { name, .. } if name == "海关")));
}

#[test]
fn every_feed_and_sitemap_of_the_sample_site_is_well_formed_xml() {
    let dir = tempfile::tempdir().unwrap();
    let out = crate::support::build_site(
        crate::support::repo_root(),
        Overrides {
            output: Some(dir.path().join("public")),
            base_url: Some("https://example.org/kb/".into()),
            ..Overrides::default()
        },
    )
    .unwrap();
    let xml_files: Vec<String> = out
        .tree()
        .into_keys()
        .filter(|p| p.ends_with(".xml"))
        .collect();
    assert!(
        xml_files.len() > 20,
        "a feed per tag and city: {xml_files:?}"
    );
    for f in &xml_files {
        let text = out.read(f);
        let doc = xml(&text);
        let root = doc.root_element().tag_name().name();
        assert!(
            ["feed", "urlset", "sitemapindex"].contains(&root),
            "{f}: {root}"
        );
        for loc in texts(&doc, "loc").into_iter().chain(texts(&doc, "id")) {
            assert!(loc.starts_with("https://example.org/kb/"), "{f}: {loc}");
        }
    }
}

#[test]
fn a_file_where_pages_need_a_folder_is_reported_once_at_its_source() {
    // A static file named like the section the articles are published under.
    let s = Site::from_files(&[
        ("content/policies/a.md", &article("甲", "2014-01-02", "")),
        ("content/policies/b.md", &article("乙", "2014-01-03", "")),
        ("static/policies", "not a folder"),
    ]);
    let folders: Vec<_> = s
        .diagnostics()
        .into_iter()
        .filter(|d| d.problem.to_string().contains("needs it to be a folder"))
        .collect();
    assert_eq!(folders.len(), 1, "{folders:?}");
    assert_eq!(folders[0].path, std::path::Path::new("static/policies"));
}

//! Links written in bodies, on the `links` fixture: sources and site URLs become final URLs;
//! a link that leads nowhere stops the build at its own line and column.

use percent_encoding::percent_decode_str;
use tradekb::{Overrides, Problem};

use crate::support::{unminified, Site};

/// The hrefs of the body of `policies/b/`, percent-decoded (Chinese anchors may be written
/// either way; browsers treat both alike).
fn body_links(site: &Site, overrides: Overrides) -> Vec<String> {
    site.build_with(overrides)
        .page("policies/b/index.html")
        .attrs(".article-body a", "href")
        .iter()
        .map(|h| percent_decode_str(h).decode_utf8().unwrap().into_owned())
        .collect()
}

#[test]
fn source_links_become_page_urls() {
    let site = Site::fixture("links");
    assert_eq!(
        body_links(&site, unminified()),
        ["/pilots/a/", "/pilots/a/#第一批", "/tags/"]
    );
}

#[test]
fn same_page_anchor_stays_a_fragment() {
    let site = Site::fixture("links");
    let overrides = Overrides {
        base_url: Some("https://example.org/kb/".into()),
        ..unminified()
    };
    let hrefs = site
        .build_with(overrides)
        .page("pilots/a/index.html")
        .attrs(".article-body a:not(.heading-link)", "href");
    let hrefs: Vec<String> = hrefs
        .iter()
        .map(|h| percent_decode_str(h).decode_utf8().unwrap().into_owned())
        .collect();
    assert_eq!(hrefs, ["#第一批"]);
}

#[test]
fn source_links_honour_a_sub_path_base_url() {
    let site = Site::fixture("links");
    let overrides = Overrides {
        base_url: Some("https://example.org/kb/".into()),
        ..unminified()
    };
    assert_eq!(
        body_links(&site, overrides),
        ["/kb/pilots/a/", "/kb/pilots/a/#第一批", "/kb/tags/"]
    );
}

const BROKEN_HEAD: &str = "---\ntitle: 坏链接\ndate: 2014-01-03\n---\n第一行。\n\n";

#[test]
fn dead_link_names_path_line_and_column() {
    let site = Site::fixture("links");
    site.write(
        "content/policies/broken.md",
        format!("{BROKEN_HEAD}见[缺失的页面](../pilots/missing.md)。\n"),
    );
    let diags = site.diagnostics();
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(
        matches!(&diags[0].problem, Problem::BrokenLink { target, .. } if target == "../pilots/missing.md"),
        "{:?}",
        diags[0].problem
    );
    assert_eq!(diags[0].location(), "content/policies/broken.md:7:2");
}

#[test]
fn dead_anchor_names_path_line_and_column() {
    let site = Site::fixture("links");
    site.write(
        "content/policies/broken.md",
        format!("{BROKEN_HEAD}正文。\n\n另见[第二批](../pilots/a.md#第二批)。\n"),
    );
    let diags = site.diagnostics();
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(
        matches!(&diags[0].problem, Problem::BrokenLink { target, .. } if target == "../pilots/a.md#第二批"),
        "{:?}",
        diags[0].problem
    );
    assert_eq!(diags[0].location(), "content/policies/broken.md:9:3");
    let help = diags[0].help.as_deref().unwrap_or_default();
    assert!(
        help.contains("第一批"),
        "the help names the ids that exist: {help}"
    );
}

#[test]
fn dead_site_url_is_reported() {
    let site = Site::fixture("links");
    site.write(
        "content/policies/broken.md",
        format!("{BROKEN_HEAD}[不存在的栏目](/no-such-section/)\n"),
    );
    let diags = site.diagnostics();
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(matches!(diags[0].problem, Problem::BrokenLink { .. }));
    assert_eq!(diags[0].location(), "content/policies/broken.md:7:1");
}

#[test]
fn dead_same_page_anchor_is_reported() {
    let site = Site::fixture("links");
    site.write(
        "content/policies/broken.md",
        format!("{BROKEN_HEAD}## 小节\n\n回到[小结](#小结)。\n"),
    );
    let diags = site.diagnostics();
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(matches!(diags[0].problem, Problem::BrokenLink { .. }));
    assert_eq!(diags[0].location(), "content/policies/broken.md:9:3");
}

#[test]
fn links_to_files_the_site_does_not_write_lead_nowhere() {
    // With `sitemap: false` and `robots: false` there is no sitemap.xml or robots.txt to
    // link to; the feed exists.
    let site = Site::from_files(&[
        (
            "site.yaml",
            "title: 测试站\nbase_url: https://example.org/\nsitemap: false\nrobots: false\n",
        ),
        (
            "content/policies/a.md",
            "---\ntitle: 甲\ndate: 2014-01-02\n---\n[地图](/sitemap.xml)、[机器人](/robots.txt)、[订阅](/atom.xml)\n",
        ),
    ]);
    let mut broken: Vec<(String, String)> = site
        .diagnostics()
        .into_iter()
        .filter_map(|d| match d.problem {
            Problem::BrokenLink { target, .. } => Some((target, d.path.display().to_string())),
            _ => None,
        })
        .collect();
    broken.sort();
    // Found at the link in the source, not only in the rendered page.
    let source = "content/policies/a.md".to_string();
    assert_eq!(
        broken,
        [
            ("/robots.txt".to_string(), source.clone()),
            ("/sitemap.xml".to_string(), source)
        ]
    );
}

// ---------------------------------------------------------------------------------------
// Raw HTML in bodies: its ids are link targets, its links are checked where it is written.

#[test]
fn ids_and_a_names_in_raw_html_are_link_targets() {
    let site = Site::from_files(&[
        (
            "content/policies/guide.md",
            "---\ntitle: 指南\ndate: 2014-01-01\n---\n# <span id=\"quick\">快速入门</span>\n\n<a name=\"format\"></a>\n\n## 格式\n\n见[快速入门](#quick)与[格式](#format)。\n",
        ),
        (
            "content/policies/other.md",
            "---\ntitle: 其他\ndate: 2014-01-02\n---\n见[指南](guide.md#quick)。\n",
        ),
    ]);
    site.build();
}

#[test]
fn relative_urls_in_raw_html_are_checked_against_the_page_url() {
    let site = Site::from_files(&[
        (
            "content/policies/b.md",
            "---\ntitle: 乙\ndate: 2014-01-01\n---\n正文。\n\n<img src=\"missing.png\">\n\n<p>见 <a href=\"nope/\">此处</a>，<a href=\"../\">上级</a>，<a href=\"../../tags/\">标签</a>。</p>\n",
        ),
        ("content/policies/c.md", "---\ntitle: 丙\ndate: 2014-01-02\n---\n<div>\n<img\n  src=\"gone.jpg\">\n</div>\n"),
    ]);
    let shown: Vec<String> = site
        .diagnostics()
        .iter()
        .map(|d| format!("{} {}", d.location(), d.problem))
        .collect();
    assert_eq!(
        shown,
        [
            "content/policies/b.md:7:11 link to `missing.png` leads nowhere: relative to the page it is /policies/b/missing.png, and no page or file of this site has that URL",
            "content/policies/b.md:9:15 link to `nope/` leads nowhere: relative to the page it is /policies/b/nope/, and no page or file of this site has that URL",
            "content/policies/c.md:7:8 link to `gone.jpg` leads nowhere: relative to the page it is /policies/c/gone.jpg, and no page or file of this site has that URL",
        ]
    );
}

#[test]
fn raw_html_problems_come_in_the_same_run_as_front_matter_ones() {
    let site = Site::from_files(&[
        (
            "content/policies/a.md",
            "---\ntitle: 甲\ndate: 2014-13-01\n---\n正文。\n",
        ),
        (
            "content/policies/b.md",
            "---\ntitle: 乙\ndate: 2014-01-01\n---\n<a href=\"/nope/\">x</a>\n",
        ),
    ]);
    let files: Vec<String> = site.diagnostics().iter().map(|d| d.location()).collect();
    assert_eq!(
        files,
        ["content/policies/a.md:3:7", "content/policies/b.md:5:10"]
    );
}

// ---------------------------------------------------------------------------------------
// Page bundles: `FOLDER/index.md` with its files beside it.

#[test]
fn page_bundles_take_their_folder_name_and_publish_their_files_beside_the_page() {
    let page =
        |title: &str, body: &str| format!("---\ntitle: {title}\ndate: 2014-01-01\n---\n{body}\n");
    let changsha = page(
        "长沙",
        "![地图](map.png)\n\n<img src=\"map.png\" alt=\"地图\">",
    );
    let hangzhou = page("杭州", "<a href=\"note.pdf\">附件</a>");
    let about = page("关于", "本站说明。");
    let site = Site::from_files(&[
        ("content/policies/changsha/index.md", changsha.as_str()),
        ("content/policies/changsha/map.png", "png"),
        ("content/policies/2015/hangzhou/index.md", hangzhou.as_str()),
        ("content/policies/2015/hangzhou/note.pdf", "pdf"),
        ("content/about/index.md", about.as_str()),
    ]);
    let out = site.build();
    assert!(out.exists("policies/changsha/index.html"));
    assert!(out.exists("policies/changsha/map.png"));
    assert!(out.exists("policies/hangzhou/index.html"));
    assert!(out.exists("policies/hangzhou/note.pdf"));
    assert!(out.exists("about/index.html"));
    assert!(!out.exists("about/index/index.html"));
    let images = out
        .page("policies/changsha/index.html")
        .attrs(".article-body img", "src");
    assert_eq!(images, ["/policies/changsha/map.png", "map.png"]);
    // A bundle at the content root is a page of its own, not a section.
    let nav = out.page("index.html").attrs(".site-nav a", "href");
    assert!(nav.iter().any(|h| h == "/policies/"), "{nav:?}");
    assert!(!nav.iter().any(|h| h.starts_with("/about")), "{nav:?}");
}

#[test]
fn links_off_the_site_and_to_the_themes_ids_are_not_dead() {
    let body = "---\ntitle: 联系\ndate: 2014-01-01\n---\n[邮件](mailto:kb@example.org)、<tel:+8610>、[跳到正文](#tkb-main)、<https://example.org/>。\n\n<p><a href=\"tel:+8610\">电话</a> <a href=\"HTTPS://EXAMPLE.ORG/\">网站</a> <img src=\"data:image/gif;base64,R0lGOD\" alt=\"\"></p>\n";
    Site::from_files(&[("content/policies/contact.md", body)]).build();
}

#[test]
fn a_link_to_an_old_url_goes_to_its_page_and_finds_the_anchor_there() {
    let moved = "---\ntitle: 深圳前海\ndate: 2017-07-15\naliases: [/2017/07/15/shenzhen-qianhai/]\n---\n## 监管创新\n\n正文。\n";
    let linking = "---\ntitle: 天津\ndate: 2017-06-01\n---\n见[深圳前海](/2017/07/15/shenzhen-qianhai/#监管创新)与<a href=\"/2017/07/15/shenzhen-qianhai/#监管创新\">原址</a>。\n";
    let out = Site::from_files(&[
        ("content/posts/shenzhen-qianhai.md", moved),
        ("content/posts/tianjin.md", linking),
    ])
    .build();
    let hrefs = out
        .page("posts/tianjin/index.html")
        .attrs(".article-body a:not(.heading-link)", "href");
    let decoded: Vec<String> = hrefs
        .iter()
        .map(|h| percent_decode_str(h).decode_utf8().unwrap().into_owned())
        .collect();
    // The Markdown link is written to the page itself; raw HTML stays as written.
    assert_eq!(
        decoded,
        [
            "/posts/shenzhen-qianhai/#监管创新",
            "/2017/07/15/shenzhen-qianhai/#监管创新"
        ]
    );
}

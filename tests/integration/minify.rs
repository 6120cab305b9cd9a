//! Minification (tradekb's own single-pass minifier) changes bytes, never what a reader
//! gets: every page of the minified sample site has the same elements, attributes and
//! visible text as the unminified page, and the same visible text as minify-html makes of
//! it. Random documents keep their elements, attributes and text through the minifier too.

use std::collections::BTreeMap;

use ego_tree::NodeRef;
use proptest::prelude::*;
use scraper::{Html, Node};
use tradekb::render::html::process;
use tradekb::Overrides;

use crate::support::{build_site, describe, repo_root, Output};

fn build_sample(dir: &std::path::Path, minify: bool) -> Output {
    let overrides = Overrides {
        output: Some(dir.to_path_buf()),
        no_minify: !minify,
        ..Overrides::default()
    };
    build_site(repo_root(), overrides)
        .unwrap_or_else(|e| panic!("the sample site does not build: {}", describe(&e)))
}

/// Elements in document order, each with its attributes (sorted): the page's structure.
fn shape(html: &Html) -> Vec<String> {
    html.tree
        .root()
        .descendants()
        .filter_map(|n| n.value().as_element())
        .map(|e| {
            let mut attrs: Vec<String> = e.attrs().map(|(k, v)| format!("{k}={v:?}")).collect();
            attrs.sort();
            format!("<{} {}>", e.name(), attrs.join(" "))
        })
        .collect()
}

/// Elements a browser lays out as blocks by default (the HTML standard's rendering
/// section): whitespace beside them never shows.
const BLOCKS: &[&str] = &[
    "html",
    "body",
    "address",
    "blockquote",
    "center",
    "dialog",
    "div",
    "figure",
    "figcaption",
    "footer",
    "form",
    "header",
    "hr",
    "legend",
    "listing",
    "main",
    "p",
    "plaintext",
    "pre",
    "search",
    "xmp",
    "article",
    "aside",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hgroup",
    "nav",
    "section",
    "dir",
    "dd",
    "dl",
    "dt",
    "menu",
    "ol",
    "ul",
    "li",
    "table",
    "caption",
    "colgroup",
    "col",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "details",
    "summary",
    "fieldset",
    "optgroup",
    "option",
];

/// What a reader sees as text: the title, then the body's text with whitespace collapsed as
/// CSS collapses it, a line break at every block's start and end, and `pre`, `code` and
/// `textarea` text as written.
fn visible_text(html: &Html) -> String {
    fn walk(node: NodeRef<Node>, keep: bool, out: &mut String) {
        match node.value() {
            Node::Text(t) if keep => out.push_str(&t.replace(' ', "\u{a0}")),
            Node::Text(t) => {
                for (i, part) in t.split_ascii_whitespace().enumerate() {
                    if i > 0 || t.starts_with(|c: char| c.is_ascii_whitespace()) {
                        out.push(' ');
                    }
                    out.push_str(part);
                }
                if t.ends_with(|c: char| c.is_ascii_whitespace()) {
                    out.push(' ');
                }
            }
            Node::Element(e) => {
                let name = e.name();
                if matches!(name, "script" | "style" | "head") {
                    return;
                }
                let block = BLOCKS.contains(&name);
                let keep = keep || matches!(name, "pre" | "code" | "textarea");
                if block {
                    out.push('\n');
                }
                for child in node.children() {
                    walk(child, keep, out);
                }
                if block {
                    out.push('\n');
                }
            }
            _ => {
                for child in node.children() {
                    walk(child, keep, out);
                }
            }
        }
    }
    let mut raw = String::new();
    walk(html.tree.root(), false, &mut raw);
    // Collapse as layout does: runs of spaces to one, none at a line's start or end.
    let mut out = String::new();
    for line in raw.split('\n') {
        let mut collapsed = String::new();
        for word in line.split(' ').filter(|w| !w.is_empty()) {
            if !collapsed.is_empty() {
                collapsed.push(' ');
            }
            collapsed.push_str(word);
        }
        if !collapsed.is_empty() {
            out.push_str(&collapsed);
            out.push('\n');
        }
    }
    let title = html
        .tree
        .root()
        .descendants()
        .find(|n| n.value().as_element().is_some_and(|e| e.name() == "title"))
        .map(|t| {
            t.children()
                .filter_map(|c| c.value().as_text().map(|s| s.to_string()))
                .collect::<String>()
        })
        .unwrap_or_default();
    format!("title: {title}\n{out}")
}

fn reference_minify(html: &[u8]) -> Vec<u8> {
    let cfg = minify_html::Cfg {
        minify_css: true,
        minify_js: false,
        keep_closing_tags: true,
        keep_html_and_head_opening_tags: true,
        ..minify_html::Cfg::default()
    };
    minify_html::minify(html, &cfg)
}

#[test]
fn minified_pages_read_the_same_as_unminified_ones_and_as_minify_html_makes_them() {
    let dir = tempfile::tempdir().unwrap();
    let plain = build_sample(&dir.path().join("plain"), false);
    let minified = build_sample(&dir.path().join("min"), true);
    let plain_tree = plain.tree();
    let min_tree = minified.tree();
    assert_eq!(
        plain_tree.keys().collect::<Vec<_>>(),
        min_tree.keys().collect::<Vec<_>>(),
        "the same files"
    );
    let mut sizes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut pages = 0;
    for (path, bytes) in plain_tree.iter().filter(|(p, _)| p.ends_with(".html")) {
        pages += 1;
        let ours = &min_tree[path];
        let reference = reference_minify(bytes);
        *sizes.entry("unminified").or_default() += bytes.len();
        *sizes.entry("tradekb").or_default() += ours.len();
        *sizes.entry("minify-html").or_default() += reference.len();
        let plain_html = Html::parse_document(&String::from_utf8_lossy(bytes));
        let ours_html = Html::parse_document(&String::from_utf8_lossy(ours));
        let reference_html = Html::parse_document(&String::from_utf8_lossy(&reference));
        assert_eq!(shape(&ours_html), shape(&plain_html), "{path}: elements");
        let text = visible_text(&ours_html);
        assert_eq!(text, visible_text(&plain_html), "{path}: text");
        assert_eq!(text, visible_text(&reference_html), "{path}: text");
    }
    assert!(pages > 50, "{pages} pages");
    // Minifying is worth it: close to minify-html's size, well below the templates' own.
    let (plain, ours, reference) = (sizes["unminified"], sizes["tradekb"], sizes["minify-html"]);
    assert!(ours * 10 < plain * 9, "{sizes:?}");
    assert!(ours * 100 < reference * 106, "{sizes:?}");
}

fn space() -> BoxedStrategy<&'static str> {
    prop_oneof![
        Just(""),
        Just(" "),
        Just("\n  "),
        Just("\t"),
        Just("  \n\n ")
    ]
    .boxed()
}

/// Attribute values that need quotes and that do not, bare attributes.
fn attrs() -> BoxedStrategy<String> {
    let value = prop_oneof![
        Just("\"plain\""),
        Just("\"two words\""),
        Just("\"\""),
        Just("'say \"hi\"'"),
        Just("\"it's\""),
        Just("\"/p/\""),
        Just("\"a=b\""),
        Just("\"x/\""),
        Just("bare"),
        Just("\"&amp;&quot;\""),
    ];
    let attr = (
        prop_oneof![
            Just("class"),
            Just("id"),
            Just("href"),
            Just("title"),
            Just("data-x")
        ],
        proptest::option::of(value),
    )
        .prop_map(|(name, v)| match v {
            Some(v) => format!(" {name}={v}"),
            None => format!(" {name}"),
        });
    proptest::collection::vec(attr, 0..3)
        .prop_map(|a| a.concat())
        .boxed()
}

fn element(names: Vec<&'static str>, content: BoxedStrategy<String>) -> BoxedStrategy<String> {
    (
        proptest::sample::select(names),
        attrs(),
        proptest::collection::vec(content, 0..4),
        space(),
        space(),
    )
        .prop_map(|(name, a, children, s1, s2)| {
            format!("{s1}<{name}{a}>{}</{name}>{s2}", children.concat())
        })
        .boxed()
}

/// Documents with every kind of whitespace between and inside inline, block and
/// whitespace-keeping elements, nested as HTML allows: inline elements hold inline content
/// only, as do `p`, `h2` and `pre`.
fn document() -> BoxedStrategy<String> {
    let word = prop_oneof![
        Just("中文"),
        Just("word"),
        Just("a&amp;b"),
        Just("x &lt; y"),
        Just("1"),
    ];
    let text = proptest::collection::vec((space(), word, space()), 0..3).prop_map(|parts| {
        parts
            .into_iter()
            .map(|(a, w, b)| format!("{a}{w}{b}"))
            .collect::<String>()
    });
    let leaf = prop_oneof![
        text,
        (attrs(), space()).prop_map(|(a, s)| format!("<br{a}>{s}")),
        (attrs(), space()).prop_map(|(a, s)| format!("<img{a}>{s}")),
        Just("<!-- a comment -->".to_string()),
    ];
    let inline = leaf
        .prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                inner.clone(),
                element(vec!["span", "a", "em", "code"], inner.boxed())
            ]
        })
        .boxed();
    let phrasing = element(vec!["p", "h2", "pre"], inline.clone());
    prop_oneof![inline.clone(), phrasing.clone()]
        .prop_recursive(3, 40, 4, move |inner| {
            prop_oneof![
                inline.clone(),
                phrasing.clone(),
                element(vec!["div", "section", "li"], inner.boxed())
            ]
        })
        .boxed()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn minifying_keeps_elements_attributes_and_visible_text(body in document()) {
        let doc = format!("<!doctype html>\n<html>\n<head>\n<title> t </title>\n</head>\n<body>\n{body}\n</body>\n</html>\n");
        let (out, _) = process(doc.as_bytes(), true);
        let out = String::from_utf8(out.expect("minified")).expect("UTF-8");
        let before = Html::parse_document(&doc);
        let after = Html::parse_document(&out);
        prop_assert_eq!(shape(&after), shape(&before), "{}", out);
        prop_assert_eq!(visible_text(&after), visible_text(&before), "{}", out);
        prop_assert!(out.len() <= doc.len());
    }
}

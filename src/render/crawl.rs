//! Render stage, last check: crawls the rendered HTML as a reader would, so that a link a
//! template writes (or raw HTML in content) to a page or an anchor that does not exist stops
//! the build, just as a broken Markdown link does.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rayon::prelude::*;

use super::{Contents, OutputFile};
use crate::diagnostic::{Diagnostic, Problem};
use crate::site::links::percent_decode;

/// What one HTML file offers and asks for.
struct Scan {
    ids: BTreeSet<String>,
    links: Vec<String>,
}

/// Every internal link of every HTML file in `files` must reach a file of `files`, and its
/// fragment an id of that file. `root` is the base URL's path (`/` or `/kb/`).
pub fn check(files: &[OutputFile], root: &str, output_name: &Path) -> Vec<Diagnostic> {
    let scans: BTreeMap<&str, Scan> = files
        .par_iter()
        .filter_map(|f| match &f.contents {
            Contents::Bytes(b) if f.path.ends_with(".html") => {
                Some((f.path.as_str(), scan(&String::from_utf8_lossy(b))))
            }
            _ => None,
        })
        .collect();
    let existing: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut problems: Vec<Diagnostic> = scans
        .par_iter()
        .flat_map_iter(|(page, s)| {
            let mut seen = BTreeSet::new();
            s.links
                .iter()
                .filter(move |l| seen.insert(l.as_str()))
                .filter_map(|href| dead(href, page, root, &existing, &scans))
                .map(|reason| (page.to_string(), reason))
                .collect::<Vec<_>>()
        })
        .map(|(page, (href, reason))| {
            let problem = Problem::BrokenLink {
                target: href,
                reason,
            };
            Diagnostic::new(problem, output_name.join(&page))
                .with_help("the link is written by a template or by raw HTML in the content")
        })
        .collect();
    crate::diagnostic::sort(&mut problems);
    problems
}

/// Why `href`, found on `page`, leads nowhere; none when it works or is not ours to check.
fn dead(
    href: &str,
    page: &str,
    root: &str,
    existing: &BTreeSet<&str>,
    scans: &BTreeMap<&str, Scan>,
) -> Option<(String, String)> {
    let (path, fragment) = match href.split_once('#') {
        Some((p, f)) => (p, Some(percent_decode(f))),
        None => (href, None),
    };
    let path = path.split_once('?').map_or(path, |(p, _)| p);
    let target = if path.is_empty() {
        page.to_string()
    } else {
        let inside = path.strip_prefix(root)?;
        let inside = percent_decode(inside);
        if inside.is_empty() || inside.ends_with('/') {
            format!("{inside}index.html")
        } else {
            inside
        }
    };
    if !existing.contains(target.as_str()) {
        return Some((
            href.to_string(),
            format!("no file {target} in the built site"),
        ));
    }
    let fragment = fragment.filter(|f| !f.is_empty())?;
    let ids = &scans.get(target.as_str())?.ids;
    (!ids.contains(&fragment)).then(|| {
        (
            href.to_string(),
            format!("{target} has no element with id `{fragment}`"),
        )
    })
}

/// The `href` and `src` values of one HTML document, in order.
pub fn links_in(html: &str) -> Vec<String> {
    scan(html).links
}

/// Collects the `id`s and the `href`/`src` values of one HTML document.
fn scan(html: &str) -> Scan {
    let mut out = Scan {
        ids: BTreeSet::new(),
        links: Vec::new(),
    };
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if let Some(after) = rest.strip_prefix("!--") {
            rest = after.find("-->").map_or("", |e| &after[e + 3..]);
            continue;
        }
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let end = tag_end(rest);
        let tag = &rest[..end];
        let name_end = tag
            .find(|c: char| c.is_whitespace() || c == '/')
            .unwrap_or(tag.len());
        let name = tag[..name_end].to_ascii_lowercase();
        for (attr, value) in attributes(&tag[name_end..]) {
            match attr.as_str() {
                "id" => {
                    out.ids.insert(unescape(value));
                }
                "href" | "src" => out.links.push(unescape(value)),
                _ => {}
            }
        }
        rest = &rest[end..];
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            rest = rest.find(&close).map_or("", |e| &rest[e..]);
        }
    }
    out
}

/// Where a tag ends: the first `>` outside quotes.
fn tag_end(tag: &str) -> usize {
    let mut quote = None;
    for (i, c) in tag.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return i,
            _ => {}
        }
    }
    tag.len()
}

/// `name=value` pairs of a tag's attribute text; values may be quoted or bare.
fn attributes(mut s: &str) -> Vec<(String, &str)> {
    let mut out = Vec::new();
    loop {
        s = s.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if s.is_empty() {
            return out;
        }
        let name_end = s
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(s.len());
        let name = s[..name_end].to_ascii_lowercase();
        s = s[name_end..].trim_start();
        let Some(after_eq) = s.strip_prefix('=') else {
            continue;
        };
        s = after_eq.trim_start();
        let (value, rest) = match s.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let body = &s[1..];
                let close = body.find(q).unwrap_or(body.len());
                (&body[..close], body.get(close + 1..).unwrap_or(""))
            }
            _ => {
                let end = s.find(char::is_whitespace).unwrap_or(s.len());
                (&s[..end], &s[end..])
            }
        };
        out.push((name, value));
        s = rest;
    }
}

/// Undoes the entities templates and Markdown write into attribute values.
fn unescape(v: &str) -> String {
    if !v.contains('&') {
        return v.to_string();
    }
    v.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, html: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            contents: Contents::Bytes(html.as_bytes().to_vec()),
        }
    }

    #[test]
    fn scan_reads_quoted_bare_and_escaped_attributes() {
        let s = scan("<a href=\"/a/?x=1&amp;y=2\" id='top'><img src=/i.png><!-- <a href=\"/no/\"> --><script>var a = '<a href=\"/js/\">';</script>");
        assert_eq!(s.links, ["/a/?x=1&y=2", "/i.png"]);
        assert!(s.ids.contains("top"));
    }

    #[test]
    fn dead_pages_and_anchors_are_found_live_ones_pass() {
        let files = vec![
            file("index.html", "<a href=\"/kb/a/\">a</a><a href=\"/kb/a/#x\">x</a><a href=\"/kb/a/#nope\">n</a><a href=\"/kb/gone/\">g</a><a href=\"https://e.org/\">e</a><a href=\"#self\" id=\"self\">s</a>"),
            file("a/index.html", "<h2 id=\"x\">x</h2>"),
        ];
        let problems = check(&files, "/kb/", Path::new("public"));
        let targets: Vec<String> = problems
            .iter()
            .map(|d| match &d.problem {
                Problem::BrokenLink { target, .. } => target.clone(),
                _ => String::new(),
            })
            .collect();
        assert_eq!(targets, ["/kb/a/#nope", "/kb/gone/"]);
        assert_eq!(problems[0].path, Path::new("public/index.html"));
    }
}

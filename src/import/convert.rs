//! From the files found to the files planned: where each goes under `content/`, what it
//! is there (home or section intro, article, or a file copied as it is), and its text.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

use super::article::{self, Article};
use super::body;
use super::dest::{Payload, Planned};
use super::emit::Yaml;
use super::front::Sink;
use super::links::LinkIndex;
use super::report::{ImportReport, NoteKind};
use super::tools::{is_markdown, Source};
use super::walk::Found;
use super::Tool;
use crate::text::file::read_text;
use crate::text::yaml;

/// A file found, and its path inside the new `content/`.
#[derive(Debug, Clone)]
pub struct Placed {
    pub found: Found,
    pub dest: String,
}

/// What a file is in the new site, from where it lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Home,
    Section,
    Article,
    Asset,
}

fn role_of(dest: &str) -> Role {
    if !dest.ends_with(".md") {
        return Role::Asset;
    }
    match dest.split('/').collect::<Vec<_>>().as_slice() {
        ["_index.md"] => Role::Home,
        [.., "_index.md"] => Role::Section,
        _ => Role::Article,
    }
}

/// Every file for the new site, `site.yaml` included, sorted by path.
pub fn convert(
    src: &Path,
    files: &[Found],
    source: &dyn Source,
    report: &mut ImportReport,
) -> Vec<Planned> {
    let placed = place(files, source, report);
    let index = link_index(src, &placed);
    let mut planned = Vec::new();
    let mut articles = Vec::new();
    let mut intros = Vec::new();
    for p in &placed {
        match role_of(&p.dest) {
            Role::Asset => planned.push(copy(src, p)),
            Role::Article => articles.extend(article::convert(src, p, source, &index, report)),
            Role::Home | Role::Section => intros.push(p),
        }
    }
    let undated = undated_sections(&articles);
    for p in intros {
        planned.extend(intro(src, p, source, &index, &undated, report));
    }
    article::settle_urls(&mut articles, report);
    let author = articles.iter().any(|a| a.front.author.is_some());
    planned.push(article::site_yaml(source, author, report));
    planned.extend(articles.iter().map(Article::planned));
    planned.extend(made_intros(source, &planned, &undated));
    planned.sort_by(|a, b| a.rel.cmp(&b.rel));
    planned
}

/// An intro for each section that has articles and none: one the import made (Hexo's
/// `posts/`, with its title), or one with undated articles (saying so).
fn made_intros(
    source: &dyn Source,
    planned: &[Planned],
    undated: &BTreeMap<String, Undated>,
) -> Vec<Planned> {
    let has = |section: &str| {
        let rel = format!("content/{section}/_index.md");
        planned.iter().any(|p| p.rel == rel)
    };
    let used = |section: &str| {
        planned
            .iter()
            .any(|p| p.rel.starts_with(&format!("content/{section}/")))
    };
    let mut made: BTreeMap<String, Yaml> = BTreeMap::new();
    for (section, title) in source.made_sections() {
        if used(section) && !has(section) {
            made.entry(section.to_string())
                .or_default()
                .text("title", title);
        }
    }
    for (section, how) in undated.iter().filter(|(s, _)| !has(s)) {
        how.write(made.entry(section.clone()).or_default(), false);
    }
    (made.into_iter())
        .map(|(section, yaml)| Planned {
            rel: format!("content/{section}/_index.md"),
            payload: Payload::Made(yaml.front_matter("")),
            shown: format!("content/{section}/_index.md"),
        })
        .collect()
}

/// How a section holds undated articles: only those, or among dated ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Undated {
    /// Only undated articles: listed by title, as a law collection is.
    Only,
    /// Dated ones too: listed newest first as before, the undated ones last.
    Mixed,
}

impl Undated {
    /// `undated: true`, and the order the section had when it gives none (`sorted`).
    fn write(self, yaml: &mut Yaml, sorted: bool) {
        yaml.raw("undated", true);
        if self == Undated::Mixed && !sorted {
            yaml.raw("sort_by", "date");
        }
    }
}

/// The top sections with articles that have no date.
fn undated_sections(articles: &[Article]) -> BTreeMap<String, Undated> {
    let mut sections: BTreeMap<String, (bool, bool)> = BTreeMap::new();
    for a in articles {
        let Some((top, _)) = a.dest.split_once('/') else {
            continue;
        };
        if a.dest.strip_suffix("/index.md") == Some(top) {
            continue;
        }
        let (dated, undated) = sections.entry(top.to_string()).or_default();
        *dated |= a.front.date.is_some();
        *undated |= a.front.date.is_none();
    }
    (sections.into_iter())
        .filter(|(_, (_, undated))| *undated)
        .map(|(s, (dated, _))| (s, if dated { Undated::Mixed } else { Undated::Only }))
        .collect()
}

/// Where each file goes; files tradekb keeps for profiles, and a second file for one
/// path, are reported instead.
fn place(files: &[Found], source: &dyn Source, report: &mut ImportReport) -> Vec<Placed> {
    let mut taken: BTreeMap<String, String> = BTreeMap::new();
    let mut placed = Vec::new();
    for found in files {
        let dest = source.dest_rel(&found.root, &found.rel);
        let top = dest.split('/').next().unwrap_or_default();
        let why = if matches!(top, "tags" | "cities") && dest.contains('/') {
            format!("content/{top}/ holds tradekb's {top} profiles: not imported")
        } else if let Some(first) = taken.get(&dest) {
            format!("{first} is written to content/{dest} already: not imported")
        } else {
            taken.insert(dest.clone(), found.shown.clone());
            placed.push(Placed {
                found: found.clone(),
                dest,
            });
            continue;
        };
        report.note(&found.shown, None, NoteKind::NotWritten, why);
    }
    placed
}

/// Every Markdown file's new path and its headings (read once more: import is not hot).
fn link_index(src: &Path, placed: &[Placed]) -> LinkIndex {
    let mut index = LinkIndex::default();
    for p in placed.iter().filter(|p| is_markdown(&p.found.rel)) {
        let text = std::fs::read_to_string(src.join(&p.found.shown)).unwrap_or_default();
        index.add(&p.found.rel, &p.dest, super::links::headings(&text));
    }
    index
}

fn copy(src: &Path, p: &Placed) -> Planned {
    Planned {
        rel: format!("content/{}", p.dest),
        payload: Payload::Copy(src.join(&p.found.shown)),
        shown: p.found.shown.clone(),
    }
}

/// A Markdown file read and cut: its front matter as data, its body, and the line the
/// body starts on. Files that cannot be read are reported.
pub struct Cut<'t> {
    pub text: &'t str,
    pub map: Map<String, Value>,
    pub body: &'t str,
    pub body_line: usize,
}

/// Front matter larger than this is not read.
const MAX_FRONT_MATTER: usize = 1 << 20;

/// The text of a Markdown file, or none (reported) when it cannot be read.
/// Reads the file of `p` and cuts off its front matter, then gives `then` the parts and a
/// sink for what is found in them (times without an offset read in `zone`); none when the
/// file cannot be read (reported).
pub fn with_source<T>(
    src: &Path,
    p: &Placed,
    zone: Option<&'static str>,
    report: &mut ImportReport,
    then: impl FnOnce(&Cut, &mut Sink) -> Option<T>,
) -> Option<T> {
    let text = read(src, p, report)?;
    let cut = cut(&text, &p.found.shown, report)?;
    let mut sink = Sink {
        report,
        file: &p.found.shown,
        source: cut.text,
        zone,
    };
    then(&cut, &mut sink)
}

fn read(src: &Path, p: &Placed, report: &mut ImportReport) -> Option<String> {
    let path = src.join(&p.found.shown);
    match read_text(&path, Path::new(&p.found.shown)) {
        Ok(text) => Some(text),
        Err(d) => {
            let line = d.position.map(|p| p.line);
            report.note(
                &p.found.shown,
                line,
                NoteKind::NotWritten,
                d.problem.to_string(),
            );
            None
        }
    }
}

/// Cuts `text` at its front matter, if it has one.
pub fn cut<'t>(text: &'t str, shown: &str, report: &mut ImportReport) -> Option<Cut<'t>> {
    let Ok(split) = yaml::split(Path::new(shown), text) else {
        let map = Map::new();
        return Some(Cut {
            text,
            map,
            body: text,
            body_line: 1,
        });
    };
    if split.front.text.len() > MAX_FRONT_MATTER {
        let message = format!(
            "the front matter is {} KiB, more than import reads (1 MiB): not imported",
            split.front.text.len() >> 10
        );
        report.note(shown, Some(1), NoteKind::NotWritten, message);
        return None;
    }
    let map = match yaml::free_value(Path::new(shown), text, split.front) {
        Ok(Value::Object(map)) => map,
        Ok(Value::Null) => Map::new(),
        Ok(_) => return not_read(report, shown, Some(2), "the front matter is not a mapping"),
        Err(d) => {
            return not_read(
                report,
                shown,
                d.position.map(|p| p.line),
                &d.problem.to_string(),
            )
        }
    };
    Some(Cut {
        text,
        map,
        body: split.body,
        body_line: split.body_line,
    })
}

fn not_read<T>(
    report: &mut ImportReport,
    shown: &str,
    line: Option<usize>,
    why: &str,
) -> Option<T> {
    report.note(
        shown,
        line,
        NoteKind::NotWritten,
        format!("{why}: not imported"),
    );
    None
}

/// A body converted, its links to other pages resolved in `index`.
pub fn convert_body(
    body: &str,
    first_line: usize,
    p: &Placed,
    tool: Tool,
    index: &LinkIndex,
    sink: &mut Sink,
) -> String {
    let resolve = |t: &str| index.resolve(&p.found.rel, &p.dest, t);
    let anchor = |t: &str, a: &str| index.anchor(&p.found.rel, t, a);
    let ctx = body::Context {
        tool,
        first_line,
        resolve: &resolve,
        anchor: &anchor,
    };
    body::convert(body, &ctx, sink)
}

/// The home page's or a section's `_index.md`: the keys tradekb reads there, the others
/// reported; its body converted like an article's.
fn intro(
    src: &Path,
    p: &Placed,
    source: &dyn Source,
    index: &LinkIndex,
    undated: &BTreeMap<String, Undated>,
    report: &mut ImportReport,
) -> Option<Planned> {
    with_source(src, p, None, report, |cut, sink| {
        // Without a `title:`, the first `# heading` is the title, as for an article (a
        // README's heading, which the page would otherwise show twice).
        let mut body = cut.body.to_string();
        let heading = text(&cut.map, "title")
            .is_none()
            .then(|| article::take_heading(&mut body))
            .flatten();
        let mut yaml = intro_front(&cut.map, heading, p, source, sink);
        let section = p.dest.trim_end_matches("_index.md").trim_end_matches('/');
        if let Some(how) = undated.get(section) {
            how.write(&mut yaml, cut.map.contains_key("sort_by"));
        }
        let body = convert_body(&body, cut.body_line, p, source.tool(), index, sink);
        Some(Planned {
            rel: format!("content/{}", p.dest),
            payload: Payload::Converted(yaml.front_matter(&body)),
            shown: p.found.shown.clone(),
        })
    })
}

fn intro_front(
    map: &Map<String, Value>,
    heading: Option<String>,
    p: &Placed,
    source: &dyn Source,
    sink: &mut Sink,
) -> Yaml {
    let home = role_of(&p.dest) == Role::Home;
    let mut yaml = Yaml::default();
    let title = (text(map, "title").or(heading)).unwrap_or_else(|| fallback_title(p, source, home));
    yaml.text("title", &title);
    if let Some(d) = text(map, "description") {
        yaml.text("description", &d);
    }
    let mut kept = vec!["title", "description"];
    if !home {
        kept.extend(section_numbers(map, &mut yaml));
    }
    let left: Vec<&str> = (map.keys())
        .map(String::as_str)
        .filter(|k| !kept.contains(&k.to_ascii_lowercase().as_str()))
        .collect();
    if !left.is_empty() {
        let what = if home {
            "the home page's"
        } else {
            "a section's"
        };
        let message = format!(
            "{} left out: {what} intro takes only {}",
            left.join(", "),
            kept.join(", ")
        );
        sink.note(Some(1), NoteKind::Dropped, message);
    }
    yaml
}

/// `weight` and `paginate_by` (Hugo's `paginate`) of a section, when they are numbers, and
/// Zola's `sort_by` when it is by date or title.
fn section_numbers(map: &Map<String, Value>, yaml: &mut Yaml) -> Vec<&'static str> {
    let mut kept = Vec::new();
    if let Some(order) = map.get("sort_by").and_then(Value::as_str) {
        if matches!(order, "date" | "title") {
            yaml.raw("sort_by", order);
            kept.push("sort_by");
        }
    }
    if let Some(w) = map.get("weight").and_then(Value::as_i64) {
        yaml.raw("weight", w);
        kept.push("weight");
    }
    for key in ["paginate_by", "paginate"] {
        if let Some(n) = map.get(key).and_then(Value::as_u64).filter(|n| *n >= 1) {
            yaml.raw("paginate_by", n);
            kept.push(key);
            break;
        }
    }
    kept
}

fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    let v = map.get(key)?.as_str()?.trim();
    (!v.is_empty() && !v.contains('\n')).then(|| v.to_string())
}

fn fallback_title(p: &Placed, source: &dyn Source, home: bool) -> String {
    match (home, &source.site().title) {
        (true, Some(title)) => title.clone(),
        (true, None) => article::PLACEHOLDER_TITLE.to_string(),
        (false, _) => {
            let folder = p.dest.trim_end_matches("/_index.md");
            folder.rsplit('/').next().unwrap_or(folder).to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_follow_tradekbs_content_model() {
        assert_eq!(role_of("_index.md"), Role::Home);
        assert_eq!(role_of("posts/_index.md"), Role::Section);
        assert_eq!(role_of("posts/sub/_index.md"), Role::Section);
        assert_eq!(role_of("posts/a.md"), Role::Article);
        assert_eq!(role_of("posts/a/index.md"), Role::Article);
        assert_eq!(role_of("posts/a/map.png"), Role::Asset);
    }
}

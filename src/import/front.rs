//! Front matter of another tool, key by key, into tradekb's: each key goes to its home
//! (`categories` → `tags`, `lastmod` → `updated`, `description` → `summary`, …) and every
//! other key under `extra:`. Each mapping is counted for the report.

use serde_json::{Map, Value};

use super::dates;
use super::report::{ImportReport, NoteKind};
use super::Tool;
use crate::content::Date;
use crate::text::slug::is_valid_slug;

/// An article's front matter as tradekb reads it, before the old URL is added.
#[derive(Debug, Clone, Default)]
pub struct ArticleFront {
    pub title: Option<String>,
    pub date: Option<Date>,
    /// When the page came out (Hugo's `publishDate`) where it also gives a `date`.
    pub published: Option<Date>,
    pub updated: Option<Date>,
    pub summary: Option<String>,
    pub tags: Vec<String>,
    pub draft: bool,
    pub slug: Option<String>,
    /// Old URLs, as site paths (`/a/b/`).
    pub aliases: Vec<String>,
    /// The page gave its own URL (`url`, `permalink`, `path`): no default one to keep.
    pub own_url: bool,
    pub author: Option<String>,
    pub extra: Vec<(String, Value)>,
}

/// Where findings about one file go: the report, at that file's lines.
pub struct Sink<'a> {
    pub report: &'a mut ImportReport,
    pub file: &'a str,
    /// The whole source file, to find where a key is written.
    pub source: &'a str,
    /// The source site's time zone as an offset (`+08:00`), for times written without one.
    pub zone: Option<&'static str>,
}

impl Sink<'_> {
    /// The line `key` is written on in the front matter.
    pub fn line_of(&self, key: &str) -> Option<usize> {
        crate::text::yaml::key_position(self.source, key).map(|p| p.line)
    }

    pub fn note(&mut self, line: Option<usize>, kind: NoteKind, message: String) {
        self.report.note(self.file, line, kind, message);
    }

    fn at_key(&mut self, key: &str, kind: NoteKind, message: String) {
        let line = self.line_of(key);
        self.note(line, kind, message);
    }
}

/// Where a key of another tool goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Home {
    Title,
    Date,
    /// `publishDate`: the date where a page gives no `date`, else when it came out.
    FallbackDate,
    PublishedOn,
    Updated,
    Summary,
    Description,
    Tags,
    Taxonomies,
    Draft,
    Published,
    Slug,
    Aliases,
    OwnUrl,
    Author,
    Extra,
    FreeData,
}

fn home_of(tool: Tool, key: &str) -> Home {
    match (tool, key.to_ascii_lowercase().as_str()) {
        (_, "title") => Home::Title,
        (_, "date") => Home::Date,
        (_, "publishdate" | "pubdate") => Home::FallbackDate,
        (_, "lastmod" | "updated" | "modified") => Home::Updated,
        (_, "summary") => Home::Summary,
        (_, "description") => Home::Description,
        (_, "tags" | "tag" | "categories" | "category" | "topics") => Home::Tags,
        (Tool::Zola, "taxonomies") => Home::Taxonomies,
        (_, "draft") => Home::Draft,
        (_, "published") => Home::Published,
        (_, "slug") => Home::Slug,
        (_, "aliases" | "alias") => Home::Aliases,
        (Tool::Hugo, "url") | (Tool::Hexo, "permalink") | (Tool::Zola, "path") => Home::OwnUrl,
        (_, "author" | "authors") => Home::Author,
        (_, "extra") => Home::FreeData,
        _ => Home::Extra,
    }
}

/// Converts the keys of `map`, written by `tool`, reporting what it cannot keep.
pub fn convert(tool: Tool, map: &Map<String, Value>, sink: &mut Sink) -> ArticleFront {
    let mut front = ArticleFront::default();
    let has = |home: Home| map.keys().any(|k| home_of(tool, k) == home);
    let (has_summary, has_date) = (has(Home::Summary), has(Home::Date));
    for (key, value) in map {
        let home = match home_of(tool, key) {
            Home::Description if has_summary => Home::Extra,
            Home::FallbackDate if has_date => Home::PublishedOn,
            home => home,
        };
        take(&mut front, home, key, value, sink);
    }
    front
}

fn take(front: &mut ArticleFront, home: Home, key: &str, value: &Value, sink: &mut Sink) {
    let to = match home {
        Home::Title => text_value(value)
            .map(|t| front.title = Some(t))
            .map(|_| "title"),
        Home::Date | Home::FallbackDate => take_date(&mut front.date, "date", key, value, sink),
        Home::PublishedOn => take_date(&mut front.published, "published", key, value, sink),
        Home::Updated => take_date(&mut front.updated, "updated", key, value, sink),
        Home::Summary | Home::Description => text_value(value)
            .map(|t| front.summary = Some(t))
            .map(|_| "summary"),
        Home::Tags => {
            add_tags(&mut front.tags, value);
            Some("tags")
        }
        Home::Taxonomies => take_taxonomies(front, value, sink),
        Home::Draft => value.as_bool().map(|b| front.draft = b).map(|_| "draft"),
        Home::Published => value.as_bool().map(|b| front.draft = !b).map(|_| "draft"),
        Home::Slug => take_slug(front, key, value, sink),
        Home::Aliases | Home::OwnUrl => take_aliases(front, home, key, value, sink),
        Home::Author => author(value)
            .map(|a| front.author = Some(a))
            .map(|_| "author"),
        Home::FreeData => take_free_data(front, value),
        Home::Extra => None,
    };
    match to {
        Some("") => {}
        Some(to) => sink.report.mapped(key, to),
        None if value.is_null() => {}
        None => {
            sink.report.mapped(key, "extra");
            front.extra.push((key.to_string(), value.clone()));
        }
    }
}

/// A one-line text value: a string or a number.
fn text_value(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!text.is_empty() && !text.contains(['\n', '\r'])).then_some(text)
}

fn take_date(
    slot: &mut Option<Date>,
    to: &'static str,
    key: &str,
    value: &Value,
    sink: &mut Sink,
) -> Option<&'static str> {
    let text = text_value(value)?;
    match dates::normalise(&text, sink.zone) {
        Ok(read) => {
            if let Some(changed) = read.changed {
                sink.at_key(key, NoteKind::Changed, format!("`{key}`: {changed}"));
            }
            *slot = Some(read.date);
            Some(to)
        }
        Err(why) => {
            let message = format!("`{key}`: `{text}` is not a date ({why}); left out");
            sink.at_key(key, NoteKind::Dropped, message);
            Some("(left out)")
        }
    }
}

/// Every name in a tag list: a string, a list, or Hexo's nested category lists.
fn add_tags(tags: &mut Vec<String>, value: &Value) {
    match value {
        Value::String(s) if !s.trim().is_empty() => push_unique(tags, s.trim()),
        Value::Number(n) => push_unique(tags, &n.to_string()),
        Value::Array(items) => items.iter().for_each(|i| add_tags(tags, i)),
        _ => {}
    }
}

fn push_unique(items: &mut Vec<String>, item: &str) {
    if !items.iter().any(|i| i == item) {
        items.push(item.to_string());
    }
}

/// Zola's `[taxonomies]`: `tags` and `categories` become tags; others stay as free data.
fn take_taxonomies(
    front: &mut ArticleFront,
    value: &Value,
    sink: &mut Sink,
) -> Option<&'static str> {
    let map = value.as_object()?;
    let mut rest = Map::new();
    for (name, terms) in map {
        if matches!(name.as_str(), "tags" | "categories") {
            add_tags(&mut front.tags, terms);
            sink.report.mapped(&format!("taxonomies.{name}"), "tags");
        } else {
            rest.insert(name.clone(), terms.clone());
        }
    }
    if !rest.is_empty() {
        sink.report.mapped("taxonomies (others)", "extra");
        front.extra.push(("taxonomies".into(), Value::Object(rest)));
    }
    // Each taxonomy is counted on its own.
    Some("")
}

fn take_slug(
    front: &mut ArticleFront,
    key: &str,
    value: &Value,
    sink: &mut Sink,
) -> Option<&'static str> {
    let slug = text_value(value)?;
    if is_valid_slug(&slug) {
        front.slug = Some(slug);
        return Some("slug");
    }
    let message = format!(
        "`{key}: {slug}` is not a plain ASCII slug (letters, digits, `-`, `_`, `.`): left out, \
         the file name gives the URL"
    );
    sink.at_key(key, NoteKind::Dropped, message);
    Some("(left out)")
}

fn take_aliases(
    front: &mut ArticleFront,
    home: Home,
    key: &str,
    value: &Value,
    sink: &mut Sink,
) -> Option<&'static str> {
    let mut written = Vec::new();
    add_tags(&mut written, value);
    for alias in written {
        match as_site_path(&alias) {
            Ok(path) => push_unique(&mut front.aliases, &path),
            Err(why) => {
                let message = format!("`{key}`: `{alias}` {why}; left out");
                sink.at_key(key, NoteKind::Dropped, message);
            }
        }
    }
    front.own_url |= home == Home::OwnUrl;
    Some("aliases")
}

/// An old URL as a site path (`/a/b/` or `/a.html`), or why it cannot redirect.
pub fn as_site_path(url: &str) -> Result<String, String> {
    let decoded = percent_encoding::percent_decode_str(url.trim()).decode_utf8_lossy();
    let path = crate::site::alias_path(&decoded)?;
    Ok(format!("/{path}"))
}

/// `author` or `authors`: one name, or several joined with "、".
fn author(value: &Value) -> Option<String> {
    let names: Vec<String> = match value {
        Value::Array(items) => items.iter().filter_map(author).collect(),
        Value::Object(map) => return map.get("name").and_then(text_value),
        other => return text_value(other),
    };
    (!names.is_empty()).then(|| names.join("、"))
}

/// Zola's `[extra]` table: its keys join the other free data.
fn take_free_data(front: &mut ArticleFront, value: &Value) -> Option<&'static str> {
    let map = value.as_object()?;
    for (k, v) in map {
        front.extra.push((k.clone(), v.clone()));
    }
    Some("extra")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert_yaml(tool: Tool, yaml: &str) -> (ArticleFront, ImportReport) {
        let source = format!("---\n{yaml}---\n");
        let map: Map<String, Value> = serde_json::from_str(&yaml_to_json(&source)).unwrap();
        let mut report = ImportReport::new(tool);
        let mut sink = Sink {
            report: &mut report,
            file: "content/a.md",
            source: &source,
            zone: None,
        };
        let front = convert(tool, &map, &mut sink);
        (front, report)
    }

    fn yaml_to_json(source: &str) -> String {
        let split = crate::text::yaml::split(std::path::Path::new("a"), source).unwrap();
        let value =
            crate::text::yaml::free_value(std::path::Path::new("a"), source, split.front).unwrap();
        value.to_string()
    }

    #[test]
    fn hugo_publish_date_is_when_the_page_came_out_or_its_date_without_one() {
        let (front, _) = convert_yaml(
            Tool::Hugo,
            "title: 标题\ndate: 2014-03-05\npublishDate: 2026-11-02\n",
        );
        assert_eq!(front.date.unwrap().iso(), "2014-03-05");
        assert_eq!(front.published.unwrap().iso(), "2026-11-02");
        assert!(front.extra.is_empty(), "{:?}", front.extra);
        let (front, _) = convert_yaml(Tool::Hugo, "title: 标题\npublishDate: 2026-11-02\n");
        assert_eq!(front.date.unwrap().iso(), "2026-11-02");
        assert_eq!(front.published, None);
    }

    #[test]
    fn keys_go_home_and_the_rest_to_extra() {
        let (front, report) = convert_yaml(
            Tool::Hexo,
            "title: 标题\ndate: 2014-03-05 10:00:00\nupdated: 2014-03-06\ntags: [a, b]\n\
             categories: [[政策, 海关], b]\ndescription: 摘要\nauthor: [甲, 乙]\nlayout: post\n\
             permalink: old/path/\npublished: false\n",
        );
        assert_eq!(front.title.as_deref(), Some("标题"));
        assert_eq!(front.date.unwrap().iso(), "2014-03-05");
        assert_eq!(front.updated.unwrap().iso(), "2014-03-06");
        assert_eq!(front.tags, ["政策", "海关", "b", "a"]);
        assert_eq!(front.summary.as_deref(), Some("摘要"));
        assert_eq!(front.author.as_deref(), Some("甲、乙"));
        assert_eq!(front.aliases, ["/old/path/"]);
        assert!(front.draft && front.own_url);
        assert_eq!(front.extra, [("layout".to_string(), Value::from("post"))]);
        assert_eq!(report.fields["categories → tags"], 1);
        assert_eq!(report.fields["layout → extra"], 1);
        let changed: Vec<_> = report.of_kind(NoteKind::Changed).collect();
        assert_eq!(changed.len(), 1);
        assert_eq!(changed[0].line, Some(3));
    }

    #[test]
    fn a_summary_keeps_its_place_and_the_description_goes_to_extra() {
        let (front, _) = convert_yaml(Tool::Hugo, "summary: 一\ndescription: 二\n");
        assert_eq!(front.summary.as_deref(), Some("一"));
        assert_eq!(
            front.extra,
            [("description".to_string(), Value::from("二"))]
        );
    }

    #[test]
    fn slugs_that_are_not_plain_ascii_are_reported() {
        let (front, report) = convert_yaml(Tool::Hugo, "title: x\nslug: 中文\n");
        assert_eq!(front.slug, None);
        let note = report.of_kind(NoteKind::Dropped).next().unwrap();
        assert_eq!(note.line, Some(3));
    }

    #[test]
    fn old_urls_become_site_paths() {
        assert_eq!(as_site_path("/a/b").unwrap(), "/a/b/");
        assert_eq!(as_site_path("a/b.html").unwrap(), "/a/b.html");
        assert_eq!(as_site_path("/%E6%B3%95/").unwrap(), "/法/");
        assert!(as_site_path("https://example.org/a/").is_err());
        assert!(as_site_path("/").is_err());
    }
}

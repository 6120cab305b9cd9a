//! What differs between the tools a site is imported from: where the content lies, what
//! their configuration says, and the URL each gave a page by default.

use std::path::Path;

use chrono::NaiveDate;
use serde_json::Value;

use super::report::{ImportReport, NoteKind};
use super::{hexo, hugo, markdown, vuepress, zola, ImportError, Tool};
use crate::text::yaml::{self, Format, Front};

/// A folder of the source whose files go under `content/` of the new site.
#[derive(Debug, Clone)]
pub struct Root {
    /// Inside the source folder, with `/` (empty for the source folder itself).
    pub src: String,
    /// Inside the new `content/` folder (empty for `content/` itself).
    pub dest: String,
    /// Names of files and folders (below the root) that are not content.
    pub skip: fn(&str) -> bool,
}

impl Root {
    pub fn new(src: &str, dest: &str, skip: fn(&str) -> bool) -> Root {
        Root {
            src: src.into(),
            dest: dest.into(),
            skip,
        }
    }
}

/// Skips nothing but what every walk skips (hidden files).
pub fn skip_none(_: &str) -> bool {
    false
}

/// Title and address of the site, from the source's configuration.
#[derive(Debug, Clone, Default)]
pub struct SiteInfo {
    pub title: Option<String>,
    pub base_url: Option<String>,
    pub description: Option<String>,
    /// Named in the feeds.
    pub author: Option<String>,
    /// The offset of the site's time zone (`+08:00`), for times written without one.
    pub zone: Option<&'static str>,
}

/// What import needs to know of a page to name the URL its tool gave it.
#[derive(Debug, Clone, Copy)]
pub struct PageFacts<'a> {
    pub root: &'a Root,
    /// Path inside the root, with `/`, as in the source (`sub/a.md`).
    pub rel: &'a str,
    pub slug: Option<&'a str>,
    /// As written in the source's front matter.
    pub title: Option<&'a str>,
    pub date: NaiveDate,
}

/// The URL a tool gave a page by default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OldUrl {
    /// A site path such as `/posts/a/`.
    At(String),
    /// The tool has no URLs of its own (plain Markdown).
    None,
    /// Import cannot tell it; the reason is reported.
    Unknown(&'static str),
}

/// One source tool, with what its configuration says.
pub trait Source {
    fn tool(&self) -> Tool;
    fn roots(&self) -> Vec<Root>;
    fn site(&self) -> &SiteInfo;
    /// The path a file takes under `content/`, given its path inside its root.
    fn dest_rel(&self, root: &Root, rel: &str) -> String {
        join(&root.dest, &markdown_ext(rel))
    }
    fn old_url(&self, page: &PageFacts) -> OldUrl;
    /// Folders of the source whose files the tool published at the site's root as they are
    /// (Hugo's `static/`): they go to the new site's `static/`.
    fn statics(&self) -> Vec<&'static str> {
        Vec::new()
    }
    /// Sections the import makes that the source had no intro for, with a title for their
    /// list and the navigation (Hexo's `posts/`, which would read "posts").
    fn made_sections(&self) -> Vec<(&'static str, &'static str)> {
        Vec::new()
    }
}

/// Opens the site at `src` as `tool` made it.
pub fn open(
    tool: Tool,
    src: &Path,
    report: &mut ImportReport,
) -> Result<Box<dyn Source>, ImportError> {
    let meta = std::fs::metadata(src).map_err(|source| ImportError::Unreadable {
        path: src.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        return Err(ImportError::NotAFolder {
            path: src.to_path_buf(),
        });
    }
    Ok(match tool {
        Tool::Hugo => Box::new(hugo::Hugo::open(src, report)?),
        Tool::Zola => Box::new(zola::Zola::open(src, report)?),
        Tool::Hexo => Box::new(hexo::Hexo::open(src, report)?),
        Tool::Vuepress => Box::new(vuepress::Vuepress::open(src, report)),
        Tool::Markdown => Box::new(markdown::Plain::open(src)),
    })
}

/// Fails unless `src/folder` is a folder.
pub fn require_folder(src: &Path, folder: &'static str, tool: Tool) -> Result<(), ImportError> {
    if src.join(folder).is_dir() {
        return Ok(());
    }
    Err(ImportError::NoContent {
        src: src.to_path_buf(),
        what: folder,
        tool: tool.name(),
    })
}

/// The first of `names` (inside `src`) that exists, read as YAML, TOML or JSON by its
/// extension. A file that does not parse is reported and skipped.
pub fn read_config(src: &Path, names: &[&str], report: &mut ImportReport) -> Option<Value> {
    let name = names.iter().find(|n| src.join(n).is_file())?;
    let text = match std::fs::read_to_string(src.join(name)) {
        Ok(t) => t,
        Err(e) => {
            report.note(
                name,
                None,
                NoteKind::Dropped,
                format!("cannot read it: {e}"),
            );
            return None;
        }
    };
    match parse_config(name, &text) {
        Ok(v) => Some(v),
        Err(why) => {
            let message =
                format!("not read ({why}); the site's title and address are placeholders");
            report.note(name, None, NoteKind::Dropped, message);
            None
        }
    }
}

fn parse_config(name: &str, text: &str) -> Result<Value, String> {
    let format = match name.rsplit('.').next() {
        Some("json") => return serde_json::from_str(text).map_err(|e| e.to_string()),
        Some("toml") => Format::Toml,
        _ => Format::Yaml,
    };
    let front = Front {
        text,
        line: 1,
        format,
    };
    yaml::free_value(Path::new(name), text, front).map_err(|d| d.problem.to_string())
}

/// The text at the first of `keys` (any case) in a mapping.
pub fn text_at(value: &Value, keys: &[&str]) -> Option<String> {
    let map = value.as_object()?;
    keys.iter().find_map(|key| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .and_then(|(_, v)| v.as_str())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    })
}

/// The text at `keys` of the table at `table` (`params.author` in Hugo's config).
pub fn text_in(value: &Value, table: &str, keys: &[&str]) -> Option<String> {
    let map = value.as_object()?;
    let (_, inner) = map.iter().find(|(k, _)| k.eq_ignore_ascii_case(table))?;
    text_at(inner, keys)
}

/// `a/b` from `a` and `b`, either of which may be empty.
pub fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}/{b}"),
    }
}

/// `x.markdown` as `x.md`: tradekb reads `.md` files.
pub fn markdown_ext(rel: &str) -> String {
    match rel.strip_suffix(".markdown") {
        Some(stem) => format!("{stem}.md"),
        None => rel.to_string(),
    }
}

/// Whether a file is Markdown, which import converts (other files are copied).
pub fn is_markdown(rel: &str) -> bool {
    rel.ends_with(".md") || rel.ends_with(".markdown")
}

/// A path inside a root as the tool names its page: extension dropped, a bundle's
/// `index.md` or `_index.md` dropped with it, the last part replaced by `slug`.
pub fn page_path(rel: &str, slug: Option<&str>) -> Vec<String> {
    let stem = rel
        .strip_suffix(".md")
        .or_else(|| rel.strip_suffix(".markdown"))
        .unwrap_or(rel);
    let mut parts: Vec<String> = stem.split('/').map(str::to_string).collect();
    if parts.len() > 1 && matches!(parts.last().map(String::as_str), Some("index" | "_index")) {
        parts.pop();
    }
    if let (Some(slug), Some(last)) = (slug, parts.last_mut()) {
        *last = slug.to_string();
    }
    parts
}

/// `/a/b/` from path segments.
pub fn site_path(segments: &[String]) -> String {
    format!("/{}/", segments.join("/"))
}

//! Scaffolding, beside the build pipeline: `init` writes the files of a new site and `new` the
//! skeleton of one article. Input: a folder and options. Output: a report of what was written.
//! Neither ever overwrites a file.

use std::fmt::Write as _;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

use crate::config::CONFIG_FILE;
use crate::content::{Date, Kind};
use crate::text::file::is_hidden;
use crate::text::slug::is_valid_slug;

/// Why a scaffolding command wrote nothing, or stopped part-way.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    #[error(
        "{} already exists and is not empty; choose a new folder, or pass --force to add the \
         starter files that are missing (existing files are never overwritten)",
        .dir.display()
    )]
    NotEmpty { dir: PathBuf },
    #[error("{} exists and is not a folder", .path.display())]
    NotAFolder { path: PathBuf },
    #[error(
        "no {CONFIG_FILE} in {}: run this in the site's folder, pass --root DIR, or create a \
         site with `tradekb init DIR`",
        .root.display()
    )]
    NoSite { root: PathBuf },
    #[error("{} already exists; refusing to overwrite it", .path.display())]
    Exists { path: PathBuf },
    #[error(
        "unknown kind or section `{name}`: use policy, pilot or analysis, or the folder of a \
         section of this site{}",
        if known.is_empty() { String::from(" (it has none)") } else { format!(": {}", known.join(", ")) }
    )]
    NoSection { name: String, known: Vec<String> },
    #[error("`{slug}` is not a valid slug: {SLUG_RULE}")]
    InvalidSlug { slug: String },
    #[error("invalid title: {reason}")]
    InvalidTitle { reason: &'static str },
    #[error("cannot write {}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// What a slug may be, as `tradekb::site::slug::is_valid_slug` checks it.
pub const SLUG_RULE: &str = "a slug is the file name and the last part of the URL: 1 to 200 \
     ASCII letters, digits, `-`, `_` or `.`, not starting with `.` (e.g. hangzhou-pilot-2015)";

// ---------------------------------------------------------------------------------------
// init

/// What `init` does with a folder that already holds files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IfNotEmpty {
    /// Write nothing and fail.
    #[default]
    Refuse,
    /// Write the starter files that are missing; keep every file already there.
    AddMissing,
}

#[derive(Debug, Clone)]
pub struct InitOptions {
    pub if_not_empty: IfNotEmpty,
    /// The date of the example articles.
    pub today: chrono::NaiveDate,
}

/// What `init` wrote, as paths inside the new site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitReport {
    pub dir: PathBuf,
    pub created: Vec<PathBuf>,
    /// Starter files that were already there and were left as they were.
    pub kept: Vec<PathBuf>,
}

/// Writes a new site into `dir`, creating the folder if it is missing. A folder holding
/// only hidden entries (such as `.git`) counts as empty.
pub fn init(dir: &Path, options: &InitOptions) -> Result<InitReport, ScaffoldError> {
    check_target(dir, options.if_not_empty)?;
    let mut report = InitReport {
        dir: dir.to_path_buf(),
        created: Vec::new(),
        kept: Vec::new(),
    };
    let date = options.today.format("%Y-%m-%d").to_string();
    for (rel, text) in starter_files() {
        match write_new(&dir.join(&rel), &text.replace("{date}", &date)) {
            Ok(()) => report.created.push(rel),
            Err(ScaffoldError::Exists { .. }) => report.kept.push(rel),
            Err(e) => return Err(e),
        }
    }
    Ok(report)
}

fn check_target(dir: &Path, if_not_empty: IfNotEmpty) -> Result<(), ScaffoldError> {
    let io_err = |source| ScaffoldError::Io {
        path: dir.to_path_buf(),
        source,
    };
    match fs::metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_err(e)),
        Ok(m) if !m.is_dir() => Err(ScaffoldError::NotAFolder {
            path: dir.to_path_buf(),
        }),
        Ok(_) if if_not_empty == IfNotEmpty::AddMissing => Ok(()),
        Ok(_) => {
            let mut entries = fs::read_dir(dir).map_err(io_err)?;
            let visible = entries.any(|e| e.map_or(true, |e| !is_hidden(&e.file_name())));
            if visible {
                Err(ScaffoldError::NotEmpty {
                    dir: dir.to_path_buf(),
                })
            } else {
                Ok(())
            }
        }
    }
}

/// Creates `path` (and its folders) holding `text`; fails with `Exists` rather than replace a file.
fn write_new(path: &Path, text: &str) -> Result<(), ScaffoldError> {
    let io_err = |source| ScaffoldError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(io_err)?;
    }
    let mut file = match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            return Err(ScaffoldError::Exists {
                path: path.to_path_buf(),
            })
        }
        Err(e) => return Err(io_err(e)),
    };
    file.write_all(text.as_bytes()).map_err(io_err)
}

/// The files of a new site, as they are in `src/scaffold/starter/`; `{date}` becomes the
/// day of `init`.
static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/scaffold/starter");

/// Every starter file, by path inside the new site, with its text.
fn starter_files() -> Vec<(PathBuf, &'static str)> {
    fn walk(dir: &'static Dir<'static>, out: &mut Vec<(PathBuf, &'static str)>) {
        for file in dir.files() {
            let text = file.contents_utf8().expect("starter files are UTF-8");
            out.push((file.path().to_path_buf(), text));
        }
        for sub in dir.dirs() {
            walk(sub, out);
        }
    }
    let mut out = Vec::new();
    walk(&STARTER, &mut out);
    out.sort();
    out
}

// ---------------------------------------------------------------------------------------
// new

/// Checks a slug given on the command line; a trailing `.md` is taken as part of a file name
/// and dropped.
pub fn parse_slug(s: &str) -> Result<String, ScaffoldError> {
    let slug = s.strip_suffix(".md").unwrap_or(s);
    if is_valid_slug(slug) {
        Ok(slug.to_string())
    } else {
        Err(ScaffoldError::InvalidSlug { slug: s.into() })
    }
}

/// Checks a title: one line of text, surrounding whitespace dropped.
pub fn parse_title(s: &str) -> Result<String, ScaffoldError> {
    let title = s.trim();
    let reason = if title.is_empty() {
        "it is empty"
    } else if title.contains(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}']) {
        "it must be one line"
    } else {
        return Ok(title.to_string());
    };
    Err(ScaffoldError::InvalidTitle { reason })
}

/// One article for `new` to write.
#[derive(Debug, Clone)]
pub struct NewArticle {
    /// A built-in kind or its folder (`policy`, `policies`), or the folder of a section of
    /// the site (`notes`, `policies/customs`): where the article goes.
    pub section: String,
    pub slug: String,
    /// `None` writes a placeholder title.
    pub title: Option<String>,
    pub date: Date,
}

/// What `new` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReport {
    /// The file, relative to the site root: `content/policies/SLUG.md`.
    pub file: PathBuf,
}

pub const PLACEHOLDER_TITLE: &str = "待定标题";

/// Writes the skeleton of a new article into the site at `root`, which must hold `site.yaml`.
pub fn new_article(root: &Path, article: &NewArticle) -> Result<NewReport, ScaffoldError> {
    if !root.join(CONFIG_FILE).is_file() {
        // `.` says little in a message; the absolute path says where tradekb looked.
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        return Err(ScaffoldError::NoSite { root });
    }
    let slug = parse_slug(&article.slug)?;
    let title = match &article.title {
        Some(t) => parse_title(t)?,
        None => PLACEHOLDER_TITLE.to_string(),
    };
    let (folder, kind) = section(root, &article.section)?;
    let file = Path::new("content").join(folder).join(format!("{slug}.md"));
    let text = skeleton(&kind, &title, &article.date);
    match write_new(&root.join(&file), &text) {
        Err(ScaffoldError::Exists { .. }) => Err(ScaffoldError::Exists { path: file }),
        other => other.map(|()| NewReport { file }),
    }
}

/// Where `new` writes an article of `name` (see [`NewArticle::section`]; `content/` before
/// it and `/` around it are let be), and the kind of its skeleton: the section's `kind:`, or
/// the nearest one above it, or its top folder's.
fn section(root: &Path, name: &str) -> Result<(String, Kind), ScaffoldError> {
    let content = root.join("content");
    let folder = name.trim_matches('/');
    let folder = folder.strip_prefix("content/").unwrap_or(folder);
    let plain = folder
        .split('/')
        .all(|p| !p.is_empty() && p != "." && p != "..");
    let top = folder.split('/').next().unwrap_or(folder);
    if plain && is_section(&content, top) && content.join(folder).is_dir() {
        let kind = (folder.match_indices('/').map(|(at, _)| &folder[..at]))
            .chain([folder])
            .rev()
            .find_map(|f| written_kind(&content.join(f).join("_index.md")))
            .unwrap_or_else(|| Kind::of_folder(top));
        return Ok((folder.to_string(), kind));
    }
    if let Ok(kind) = Kind::built_in(folder) {
        return Ok((kind.folder().to_string(), kind));
    }
    let mut known: Vec<String> = fs::read_dir(&content)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|name| is_section(&content, name))
        .collect();
    known.sort();
    Err(ScaffoldError::NoSection {
        name: name.into(),
        known,
    })
}

/// Whether the top folder `name` of `content` holds articles: the profiles of cities and
/// tags, and hidden folders, do not.
fn is_section(content: &Path, name: &str) -> bool {
    !matches!(name, "cities" | "tags") && !name.starts_with('.') && content.join(name).is_dir()
}

/// The `kind:` an `_index.md` gives its section, if it can be read and gives one.
fn written_kind(index: &Path) -> Option<Kind> {
    let text = fs::read_to_string(index).ok()?;
    let split = crate::text::yaml::split(index, &text).ok()?;
    let mut fields = crate::text::yaml::Fields::parse(index, &text, split.front).ok()?;
    crate::content::meta::SectionMeta::read(&mut fields).kind
}

/// The text of a new article. Keys left empty load as absent, so every key written loads.
fn skeleton(kind: &Kind, title: &str, date: &Date) -> String {
    let mut s = String::from("---\n");
    let _ = writeln!(s, "title: {}", yaml_text(title));
    let _ = writeln!(s, "date: {}", date.iso());
    s.push_str("summary:            # one sentence; left empty, the first paragraph is used\n");
    s.push_str("tags: []\n");
    s.push_str("cities: []          # names as in content/cities/\n");
    if *kind == Kind::Policy {
        s.push_str("issuer:             # the issuing body\n");
        s.push_str(
            "status:             # in-force 现行有效 | amended 已修订 | repealed 已废止 | draft 草案 | proposal 建议\n",
        );
    }
    s.push_str("draft: true         # delete this line to publish\n");
    s.push_str("---\n");
    s.push_str(BODY);
    s
}

const BODY: &str = "\
在这里用一两句话概括本条目；没有写 `summary` 时，这一段就是摘要。

## 小标题

正文用 Markdown 书写。链接站内文章时写源文件的相对路径，例如 `[标题](../pilots/some-article.md)`。
";

/// `text` as a YAML scalar: plain when that is sure to read back as the same string,
/// double-quoted otherwise.
pub(crate) fn yaml_text(text: &str) -> String {
    if is_plain_safe(text) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\U{:08X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Plain only for text that holds a character outside ASCII (so it cannot read as a number,
/// a boolean or null) and no ASCII punctuation YAML gives a meaning to.
fn is_plain_safe(text: &str) -> bool {
    let ordinary = |c: char| {
        if c.is_ascii() {
            c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | '(' | ')' | '/')
        } else {
            !needs_escape(c)
        }
    };
    !text.is_empty()
        && text.trim() == text
        && !text.starts_with('-')
        && !text.is_ascii()
        && text.chars().all(ordinary)
}

/// Characters YAML does not take as they are: controls, line and other breaks, a BOM, and the
/// two non-characters outside its printable set.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || (c.is_whitespace() && c != ' ')
        || matches!(c, '\u{feff}' | '\u{fffe}' | '\u{ffff}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::meta::{ArticleMeta, ARTICLE_KEYS};
    use crate::text::yaml;

    fn load(text: &str) -> ArticleMeta {
        let path = Path::new("content/policies/x.md");
        let split = yaml::split(path, text).expect("front matter fences");
        let mut fields = yaml::Fields::parse(path, text, split.front).expect("front matter parses");
        let meta = ArticleMeta::read(&mut fields, &Default::default(), None, None);
        if let Err(d) = fields.finish(ARTICLE_KEYS) {
            panic!("{text}\n{}", d[0]);
        }
        meta.expect("the article loads")
    }

    fn day(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn every_skeleton_loads_as_a_draft() {
        for kind in Kind::BUILT_IN {
            let meta = load(&skeleton(&kind, PLACEHOLDER_TITLE, &day("2015-03-07")));
            assert_eq!(meta.title, PLACEHOLDER_TITLE);
            assert_eq!(meta.date.map(|d| d.iso()).unwrap_or_default(), "2015-03-07");
            assert!(meta.draft, "{kind:?}");
            assert_eq!(meta.summary, None);
            assert!(meta.tags.is_empty() && meta.cities.is_empty());
            assert_eq!(meta.status, None, "a draft article, not a draft policy");
            assert_eq!(meta.issuer, None);
        }
    }

    #[test]
    fn any_one_line_title_reads_back_unchanged() {
        let titles = [
            "示例：如何记录一项政策",
            "Plain English",
            "true",
            "null",
            "2014",
            "0x1F",
            "~",
            "- 列表",
            "标题: 冒号",
            "# 井号",
            "标题 #号",
            "\"引号\" 和 \\ 反斜杠",
            "'单引号'",
            "[方括号]",
            "{花括号}",
            "*星号 &与 !叹号 %百分 @at `反引号`",
            "| 竖线 > 大于",
            "制表\t符",
            "全角　空格",
            "ok:",
        ];
        for title in titles {
            let meta = load(&skeleton(&Kind::Analysis, title, &day("2015-03-07")));
            assert_eq!(meta.title, title);
        }
    }

    #[test]
    fn chinese_titles_stay_unquoted() {
        assert_eq!(
            yaml_text("示例：如何记录一项政策"),
            "示例：如何记录一项政策"
        );
        assert_eq!(
            yaml_text("2014年政府工作报告 (摘要)"),
            "2014年政府工作报告 (摘要)"
        );
        assert_eq!(yaml_text("Plain English"), "\"Plain English\"");
        assert_eq!(yaml_text("标题: 冒号"), "\"标题: 冒号\"");
    }

    #[test]
    fn an_rfc3339_date_is_written_in_full() {
        let date = day("2015-03-07T09:30:00+08:00");
        let meta = load(&skeleton(&Kind::Pilot, "试点", &date));
        assert_eq!(meta.date, Some(date));
    }

    #[test]
    fn slugs_follow_the_slug_rule() {
        assert_eq!(parse_slug("hangzhou-2015").unwrap(), "hangzhou-2015");
        assert_eq!(parse_slug("hangzhou-2015.md").unwrap(), "hangzhou-2015");
        for bad in ["杭州", "a/b", ".hidden", "", "a b"] {
            let err = parse_slug(bad).unwrap_err().to_string();
            assert!(err.contains("ASCII letters, digits"), "{err}");
        }
    }

    #[test]
    fn titles_are_one_nonempty_line() {
        assert_eq!(parse_title("  标题 ").unwrap(), "标题");
        assert!(parse_title("  ").is_err());
        assert!(parse_title("一\n二").is_err());
    }

    #[test]
    fn the_starter_files_are_the_ones_a_site_needs() {
        let files = starter_files();
        let names: Vec<&Path> = files.iter().map(|(p, _)| p.as_path()).collect();
        assert!(names.contains(&Path::new(CONFIG_FILE)));
        assert!(names.contains(&Path::new("content/policies/_index.md")));
        assert!(names.iter().all(|n| !n.starts_with("themes")));
        let gitignore = files
            .iter()
            .find(|(p, _)| p == Path::new(".gitignore"))
            .unwrap();
        assert!(gitignore.1.lines().any(|l| l == "/public"));
    }
}

//! Load stage: walks `content/`, reads every file, splits and checks its front matter.
//! Input: the config. Output: [`Content`], every source typed, or every problem found.

mod cjk_emphasis;
pub mod custom;
pub mod kind;
pub mod markdown;
pub mod meta;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use walkdir::WalkDir;

use crate::config::{Config, Schema};
use crate::diagnostic::{self, Diagnostic, Problem};
use crate::progress::{self, Observer, Step};
use crate::text::file::{has_hidden_part, is_hidden, read_text, relative};
use crate::text::yaml::{self as front_matter, Fields};
pub use kind::{Kind, Region};
pub use meta::{ArticleMeta, CityMeta, Date, HomeMeta, Pilot, SectionMeta, Status, TagMeta};

/// One source file, read and normalised (no BOM, `\n` line endings).
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path as shown in messages: relative to the site root, e.g. `content/pilots/changsha.md`.
    pub path: PathBuf,
    /// Path inside `content/`, with `/` separators, e.g. `pilots/changsha.md`.
    pub rel: String,
    /// Shared: a source kept between builds (`serve`) is not copied into each.
    pub text: std::sync::Arc<String>,
    /// A hash of the whole text as read (kept when the text is forgotten): `serve` keys an
    /// article's rendered body by it, without hashing every text again on each edit.
    pub digest: u64,
    /// Byte offset and 1-based line where the Markdown body starts.
    pub body_offset: usize,
    pub body_line: usize,
}

impl SourceFile {
    /// The Markdown body; empty once the text is forgotten.
    pub fn body(&self) -> &str {
        self.text.get(self.body_offset..).unwrap_or_default()
    }

    /// Drops the text (the resolve stage calls this for every source once rendered).
    pub fn forget_text(&mut self) {
        self.text = std::sync::Arc::default();
        self.body_offset = 0;
    }

    /// The file name without `.md`.
    pub fn stem(&self) -> &str {
        let name = self.rel.rsplit('/').next().unwrap_or(&self.rel);
        name.strip_suffix(".md").unwrap_or(name)
    }

    /// The top folder under `content/`, if the file is not at the root.
    pub fn top_folder(&self) -> Option<&str> {
        self.rel.split_once('/').map(|(top, _)| top)
    }

    /// The folder of a page bundle (`policies/x` for `policies/x/index.md`): a page whose
    /// other files (images, attachments) sit beside it and are published beside it.
    pub fn bundle(&self) -> Option<&str> {
        self.rel.strip_suffix("/index.md")
    }

    /// The folder whose section lists the page (see [`section_of`]).
    pub fn section_folder(&self) -> Option<&str> {
        section_of(&self.rel)
    }

    /// What the page's slug is made of when it gives none: the bundle's folder name, or the
    /// file name without `.md`; without the date written in it when that date is the
    /// article's (`dated_by_name`, see [`dated_name`]).
    pub fn slug_source(&self, dated_by_name: bool) -> &str {
        let name = page_name(&self.rel);
        match dated_name(name) {
            Some((_, rest)) if dated_by_name => rest,
            _ => name,
        }
    }
}

/// The name of the page at `rel` inside `content/`: its bundle's folder name, or its file
/// name without `.md`.
pub fn page_name(rel: &str) -> &str {
    let path = rel.strip_suffix("/index.md").unwrap_or(rel);
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".md").unwrap_or(name)
}

/// A day written in a page's name, and the name without it: `2014-03-05-changsha` and
/// `changsha-20140305` are `changsha` of 5 March 2014. An article without `date:` takes it.
pub fn dated_name(name: &str) -> Option<(Date, &str)> {
    let day = |text: &str| Date::parse(text).ok().filter(|d| d.instant.is_none());
    let leading = name.get(..10).zip(name.get(10..));
    if let Some((head, rest)) = leading {
        if let (Some(d), Some(rest)) = (day(head), rest.strip_prefix('-')) {
            return Some((d, rest)).filter(|(_, r)| !r.is_empty());
        }
    }
    let (rest, digits) = name.rsplit_once('-')?;
    if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) || rest.is_empty() {
        return None;
    }
    let iso = format!("{}-{}-{}", &digits[..4], &digits[4..6], &digits[6..]);
    Some((day(&iso)?, rest))
}

/// The folder whose section lists the article at `rel` inside `content/`: its top folder,
/// but none for a bundle at the content root (`about/index.md` is the page `/about/`).
pub fn section_of(rel: &str) -> Option<&str> {
    match rel.strip_suffix("/index.md") {
        Some(folder) if !folder.contains('/') => None,
        _ => rel.split_once('/').map(|(top, _)| top),
    }
}

/// A parsed file: its source and its typed front matter.
#[derive(Debug, Clone)]
pub struct Doc<M> {
    pub file: SourceFile,
    pub meta: M,
}

/// Everything under `content/`, typed.
#[derive(Debug, Default)]
pub struct Content {
    pub home: Option<Doc<HomeMeta>>,
    /// `_index.md` of sections and sub-sections, keyed by folder (`policies`, `policies/2014`).
    pub sections: Vec<(String, Doc<SectionMeta>)>,
    /// Articles in sections and pages at the content root.
    pub articles: Vec<Doc<ArticleMeta>>,
    pub cities: Vec<Doc<CityMeta>>,
    pub tags: Vec<Doc<TagMeta>>,
    /// Other files (images, PDFs), copied beside the pages: path inside `content/`.
    pub assets: Vec<String>,
    /// Files that could not be read or parsed, by path inside `content/`.
    pub broken: std::collections::BTreeSet<String>,
    /// Of the articles among them, those without a date, each with the problem to report if
    /// its section wants one (so that one run names it with the file's other problems).
    pub dateless: Vec<(String, Diagnostic)>,
}

/// What a file under `content/` is, from where it lies.
#[derive(Debug, Clone, PartialEq)]
enum Role {
    Home,
    Section(String),
    Article,
    City,
    Tag,
    Asset,
    Misplaced(&'static str),
}

fn role_of(rel: &str) -> Role {
    if !rel.ends_with(".md") {
        return Role::Asset;
    }
    let parts: Vec<&str> = rel.split('/').collect();
    match parts.as_slice() {
        ["_index.md"] => Role::Home,
        ["cities" | "tags", "_index.md"] => {
            Role::Misplaced("the city and tag indexes take no `_index.md`; remove this file")
        }
        ["cities" | "tags", .., "_index.md"] => {
            Role::Misplaced("city and tag profiles take no sub-sections; remove this file")
        }
        [.., "_index.md"] => Role::Section(rel.trim_end_matches("/_index.md").to_string()),
        ["cities", ..] => Role::City,
        ["tags", ..] => Role::Tag,
        _ => Role::Article,
    }
}

/// Reads and checks every file under the content folder. Files with problems are left out
/// of the content (their paths are in `Content::broken`) so that later stages can go on
/// and find every other problem in the same run.
pub fn load(config: &Config, observer: &dyn Observer) -> (Content, Vec<Diagnostic>) {
    load_cached(config, observer, None)
}

/// [`load`], reading again only the files that changed since `cache` saw them (by size,
/// modification and change time, and inode, as `make` and cargo decide), and keeping what
/// it read in `cache` for the next time.
pub fn load_cached(
    config: &Config,
    observer: &dyn Observer,
    cache: Option<&mut Cache>,
) -> (Content, Vec<Diagnostic>) {
    let (files, mut problems) = walk(config);
    let parsed: Vec<Result<Parsed, Vec<Diagnostic>>> = match cache {
        None => progress::each(observer, Step::Load, &files, |rel| parse_file(config, rel)),
        Some(cache) => cache.parse(config, observer, &files),
    };
    let mut content = Content::default();
    for (rel, result) in files.into_iter().zip(parsed) {
        match result {
            Ok(item) => item.add_to(&mut content),
            Err(d) => {
                let no_date = Problem::MissingKey { key: "date".into() };
                let (dateless, mut d): (Vec<_>, Vec<_>) =
                    d.into_iter().partition(|d| d.problem == no_date);
                problems.append(&mut d);
                content
                    .dateless
                    .extend(dateless.into_iter().map(|d| (rel.clone(), d)));
                content.broken.insert(rel);
            }
        }
    }
    diagnostic::sort(&mut problems);
    (content, problems)
}

/// What [`load_cached`] read, by path inside `content/`, with the file's stamp then.
#[derive(Default)]
pub struct Cache {
    files: HashMap<String, Cached>,
}

/// A file's stamp when it was read, when that was, and what reading it gave.
type Cached = (Stamp, SystemTime, Result<Parsed, Vec<Diagnostic>>);

/// What tells that a file changed without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    changed: (i64, i64),
    inode: u64,
}

impl Stamp {
    /// Whether a file read at `read_at`, when its stamp was this one, is as it was read now
    /// that its stamp is `now`.
    fn still(&self, read_at: SystemTime, now: Option<Stamp>) -> bool {
        Some(*self) == now && !self.racy(read_at)
    }

    /// Whether the file may have changed again without changing its stamp after it was read
    /// at `read_at`: file times tick in steps (nanoseconds on ext4 and tmpfs, one or two
    /// seconds on some file systems), so a change within a tick of the read can leave the
    /// same stamp. Such an entry is not trusted and the file is read again, as git does with
    /// its "racy" entries; two seconds covers the coarsest tick.
    fn racy(&self, read_at: SystemTime) -> bool {
        const TICK: Duration = Duration::from_secs(2);
        let changed = u64::try_from(self.changed.0).ok().map(|s| {
            SystemTime::UNIX_EPOCH + Duration::new(s, u32::try_from(self.changed.1).unwrap_or(0))
        });
        [self.modified, changed]
            .into_iter()
            .any(|t| t.is_none_or(|t| t + TICK > read_at))
    }

    #[cfg(unix)]
    fn of(path: &Path) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path).ok()?;
        Some(Stamp {
            len: m.len(),
            modified: m.modified().ok(),
            changed: (m.ctime(), m.ctime_nsec()),
            inode: m.ino(),
        })
    }

    /// Elsewhere the change time and the inode are not at hand: the modification time stands
    /// for both.
    #[cfg(not(unix))]
    fn of(path: &Path) -> Option<Stamp> {
        let m = std::fs::metadata(path).ok()?;
        let modified = m.modified().ok();
        let since = modified.and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok());
        Some(Stamp {
            len: m.len(),
            modified,
            changed: since.map_or((0, 0), |d| {
                (d.as_secs() as i64, i64::from(d.subsec_nanos()))
            }),
            inode: 0,
        })
    }
}

impl Cache {
    /// Each of `files` parsed: taken from the cache while its stamp is the same, read
    /// otherwise. Each source is copied once (into the content; the cache keeps its own).
    fn parse(
        &mut self,
        config: &Config,
        observer: &dyn Observer,
        files: &[String],
    ) -> Vec<Result<Parsed, Vec<Diagnostic>>> {
        let mut old = std::mem::take(&mut self.files);
        let read_at = SystemTime::now();
        let stamps = stamps(config, files);
        let known: Vec<Option<Cached>> = files
            .iter()
            .zip(&stamps)
            .map(|(rel, now)| {
                let (then, at, parsed) = old.remove(rel)?;
                then.still(at, *now).then_some((then, at, parsed))
            })
            .collect();
        crate::drop_in_background(old);
        let jobs: Vec<(&String, &Option<_>)> = files.iter().zip(&known).collect();
        let parsed = progress::each(observer, Step::Load, &jobs, |(rel, known)| match known {
            Some((_, _, parsed)) => parsed.clone(),
            None => parse_file(config, rel),
        });
        for (((rel, stamp), known), parsed) in files.iter().zip(stamps).zip(known).zip(&parsed) {
            match (known, stamp) {
                (Some(entry), _) => self.files.insert(rel.clone(), entry),
                (None, Some(stamp)) => {
                    let entry = (stamp, read_at, parsed.clone());
                    self.files.insert(rel.clone(), entry)
                }
                (None, None) => None,
            };
        }
        parsed
    }
}

impl Cache {
    /// The articles whose Markdown body alone changed since the cache last saw them, read
    /// again: no file came or went, every other file keeps its stamp, and each changed file
    /// is an article that still parses, with its front matter unchanged to the byte (so
    /// that nothing the resolve stage made of it, messages included, can differ). None
    /// otherwise; the cache is then as it was, for a full load.
    ///
    /// `seen`: the files a watcher saw change since the last build, as paths inside
    /// `content/` (read again whatever their stamp); none to look at every file's stamp.
    pub fn body_edits(
        &mut self,
        config: &Config,
        seen: Option<&[String]>,
    ) -> Option<Vec<Doc<ArticleMeta>>> {
        let read_at = SystemTime::now();
        let changed = match seen {
            Some(seen) => self.seen_changes(config, seen)?,
            None => self.stamp_changes(config)?,
        };
        let mut reread = Vec::with_capacity(changed.len());
        let mut edits = Vec::new();
        for (rel, stamp) in changed {
            // A file that no longer parses is for a full load to report.
            let new = parse_file(config, &rel).ok()?;
            let Some((_, _, Ok(old))) = self.files.get(&rel) else {
                return None;
            };
            // Read again for a racy stamp, a file may be unchanged: not an edit. (Assets
            // are copied again by every build.)
            if old.text() != new.text() {
                match (old, &new) {
                    (Parsed::Article(o), Parsed::Article(n))
                        if front_matter_text(o) == front_matter_text(n) =>
                    {
                        edits.push(n.clone());
                    }
                    _ => return None,
                }
            }
            reread.push((rel, stamp, new));
        }
        for (rel, stamp, parsed) in reread {
            self.files.insert(rel, (stamp, read_at, Ok(parsed)));
        }
        Some(edits)
    }
}

impl Cache {
    /// The files whose stamp changed (or is racy), when the same files are there.
    fn stamp_changes(&self, config: &Config) -> Option<Vec<(String, Stamp)>> {
        let (files, problems) = walk(config);
        let same_files = problems.is_empty()
            && files.len() == self.files.len()
            && files.iter().all(|f| self.files.contains_key(f));
        if !same_files {
            return None;
        }
        let stamps = stamps(config, &files);
        let mut changed = Vec::new();
        for (rel, now) in files.into_iter().zip(stamps) {
            let (then, at, _) = &self.files[&rel];
            if !then.still(*at, now) {
                changed.push((rel, now?));
            }
        }
        Some(changed)
    }

    /// The files of `seen` the cache has, with their stamps now; none when one of them is
    /// new or gone. Hidden files are not sources.
    fn seen_changes(&self, config: &Config, seen: &[String]) -> Option<Vec<(String, Stamp)>> {
        let mut changed: Vec<(String, Stamp)> = Vec::new();
        let mut taken = std::collections::HashSet::new();
        for rel in seen {
            if has_hidden_part(Path::new(rel)) || !taken.insert(rel) {
                continue;
            }
            if !self.files.contains_key(rel) {
                return None;
            }
            changed.push((rel.clone(), Stamp::of(&config.content_dir.join(rel))?));
        }
        Some(changed)
    }
}

/// An article's text before its Markdown body.
fn front_matter_text(doc: &Doc<ArticleMeta>) -> &str {
    doc.file
        .text
        .get(..doc.file.body_offset)
        .unwrap_or_default()
}

/// Every file under `content/`, as paths inside it, in a stable order; hidden files skipped.
fn walk(config: &Config) -> (Vec<String>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let walker = WalkDir::new(&config.content_dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => match relative(&config.content_dir, e.path()) {
                Some(rel) => files.push(rel),
                None => problems.push(unreadable(config, e.path(), "file name is not valid UTF-8")),
            },
            Ok(_) => {}
            Err(e) => {
                let path = e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| config.content_dir.clone());
                let message = walk_error_message(&e);
                problems.push(unreadable(config, &path, &message));
            }
        }
    }
    (files, problems)
}

fn walk_error_message(e: &walkdir::Error) -> String {
    if let Some(ancestor) = e.loop_ancestor() {
        return format!("symbolic link loop back to {}", ancestor.display());
    }
    match e.io_error() {
        Some(io) => io.to_string(),
        None => e.to_string(),
    }
}

fn unreadable(config: &Config, path: &Path, message: &str) -> Diagnostic {
    Diagnostic::new(
        Problem::Unreadable {
            message: message.into(),
        },
        config.display_path(path),
    )
}

/// The stamp of each of `files` (inside `content/`) now; none for a file that is gone.
fn stamps(config: &Config, files: &[String]) -> Vec<Option<Stamp>> {
    use rayon::prelude::*;
    files
        .par_iter()
        .map(|rel| Stamp::of(&config.content_dir.join(rel)))
        .collect()
}

/// One file's result, before it is sorted into [`Content`].
#[derive(Clone)]
// Nearly every file is an article: boxing the largest variant would allocate for the common
// case to save space in the rare ones.
#[allow(clippy::large_enum_variant)]
enum Parsed {
    Home(Doc<HomeMeta>),
    Section(String, Doc<SectionMeta>),
    Article(Doc<ArticleMeta>),
    City(Doc<CityMeta>),
    Tag(Doc<TagMeta>),
    Asset(String),
}

impl Parsed {
    /// The source's text; none for an asset.
    fn text(&self) -> Option<&str> {
        match self {
            Parsed::Home(d) => Some(&d.file.text),
            Parsed::Section(_, d) => Some(&d.file.text),
            Parsed::Article(d) => Some(&d.file.text),
            Parsed::City(d) => Some(&d.file.text),
            Parsed::Tag(d) => Some(&d.file.text),
            Parsed::Asset(_) => None,
        }
    }

    fn add_to(self, c: &mut Content) {
        match self {
            Parsed::Home(d) => c.home = Some(d),
            Parsed::Section(k, d) => c.sections.push((k, d)),
            Parsed::Article(d) => c.articles.push(d),
            Parsed::City(d) => c.cities.push(d),
            Parsed::Tag(d) => c.tags.push(d),
            Parsed::Asset(a) => c.assets.push(a),
        }
    }
}

fn parse_file(config: &Config, rel: &str) -> Result<Parsed, Vec<Diagnostic>> {
    let role = role_of(rel);
    let display = config.display_path(&config.content_dir.join(rel));
    if let Role::Misplaced(why) = role {
        return Err(vec![Diagnostic::new(
            Problem::Unsupported {
                message: why.into(),
            },
            display,
        )]);
    }
    if role == Role::Asset {
        return Ok(Parsed::Asset(rel.to_string()));
    }
    let text = read_text(&config.content_dir.join(rel), &display).map_err(|d| vec![d])?;
    let split = front_matter::split(&display, &text).map_err(|d| vec![d])?;
    let body_line = split.body_line;
    let body_offset = text.len() - split.body.len();
    let mut fields = Fields::parse(&display, &text, split.front).map_err(|d| vec![d])?;
    let section = section_of(rel);
    let dateless =
        role == Role::Article && !fields.has("date") && dated_name(page_name(rel)).is_none();
    let typed = read_meta(&role, &mut fields, &config.schema, rel);
    fields
        .finish(&known_keys(&role, &config.schema, section))
        .map_err(|mut problems| {
            // Whether it may have no date is known once sections are: see `Content::dateless`.
            if dateless {
                problems.push(meta::no_date(&display, &text));
            }
            problems
        })?;
    let file = SourceFile {
        path: display,
        rel: rel.to_string(),
        digest: xxhash_rust::xxh3::xxh3_64(text.as_bytes()),
        text: std::sync::Arc::new(text),
        body_offset,
        body_line,
    };
    let typed = typed.expect("a problem was recorded for every missing value");
    Ok(typed.with_file(file))
}

/// Front matter read for a role, waiting for its source file.
// Nearly every file is an article: boxing the largest variant would allocate for the common
// case to save space in the rare ones.
#[allow(clippy::large_enum_variant)]
enum Meta {
    Home(HomeMeta),
    Section(String, SectionMeta),
    Article(ArticleMeta),
    City(CityMeta),
    Tag(TagMeta),
}

impl Meta {
    fn with_file(self, file: SourceFile) -> Parsed {
        match self {
            Meta::Home(meta) => Parsed::Home(Doc { file, meta }),
            Meta::Section(k, meta) => Parsed::Section(k, Doc { file, meta }),
            Meta::Article(meta) => Parsed::Article(Doc { file, meta }),
            Meta::City(meta) => Parsed::City(Doc { file, meta }),
            Meta::Tag(meta) => Parsed::Tag(Doc { file, meta }),
        }
    }
}

fn read_meta(role: &Role, f: &mut Fields, schema: &Schema, rel: &str) -> Option<Meta> {
    let section = section_of(rel);
    match role {
        Role::Home => Some(Meta::Home(HomeMeta::read(f))),
        Role::Section(key) => Some(Meta::Section(key.clone(), SectionMeta::read(f))),
        Role::Article => {
            let named = dated_name(page_name(rel)).map(|(date, _)| date);
            ArticleMeta::read(f, schema, section, named).map(Meta::Article)
        }
        Role::City => CityMeta::read(f).map(Meta::City),
        Role::Tag => TagMeta::read(f).map(Meta::Tag),
        Role::Asset | Role::Misplaced(_) => None,
    }
}

fn known_keys<'a>(role: &Role, schema: &'a Schema, section: Option<&str>) -> Vec<&'a str> {
    match role {
        Role::Home => meta::HOME_KEYS.to_vec(),
        Role::Section(_) => meta::SECTION_KEYS.to_vec(),
        Role::City => meta::CITY_KEYS.to_vec(),
        Role::Tag => meta::TAG_KEYS.to_vec(),
        _ => custom::known_keys(meta::ARTICLE_KEYS, schema, section),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_written_in_names_are_found_and_left_out_of_the_slug() {
        fn of(name: &str) -> Option<(String, &str)> {
            dated_name(name).map(|(d, rest)| (d.iso(), rest))
        }
        assert_eq!(
            of("2014-03-05-changsha"),
            Some(("2014-03-05".into(), "changsha"))
        );
        assert_eq!(
            of("changsha-20140305"),
            Some(("2014-03-05".into(), "changsha"))
        );
        assert_eq!(
            of("2014-03-05-长沙试点"),
            Some(("2014-03-05".into(), "长沙试点"))
        );
        assert_eq!(of("2014-02-30-x"), None);
        assert_eq!(of("2014-03-05"), None);
        assert_eq!(of("changsha-2014"), None);
        assert_eq!(of("长沙-试点"), None);
        assert_eq!(page_name("posts/2015-01-08-hz/index.md"), "2015-01-08-hz");
        assert_eq!(page_name("posts/a.md"), "a");
    }

    #[test]
    fn roles_follow_the_content_model() {
        assert_eq!(role_of("_index.md"), Role::Home);
        assert_eq!(
            role_of("policies/_index.md"),
            Role::Section("policies".into())
        );
        assert_eq!(role_of("policies/a.md"), Role::Article);
        assert_eq!(role_of("policies/2014/a.md"), Role::Article);
        assert_eq!(role_of("about.md"), Role::Article);
        assert_eq!(role_of("cities/chongqing.md"), Role::City);
        assert_eq!(role_of("tags/customs.md"), Role::Tag);
        assert_eq!(role_of("pilots/map.png"), Role::Asset);
        assert_eq!(
            role_of("policies/2014/_index.md"),
            Role::Section("policies/2014".into())
        );
        assert!(matches!(
            role_of("cities/east/_index.md"),
            Role::Misplaced(_)
        ));
    }
}

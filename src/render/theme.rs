//! Render stage, theme: the templates, static files and UI strings of the site's theme, taken
//! from `themes/NAME/` or, for `default`, from the copy embedded in the binary; a site's own
//! `templates/` and `static/` override the theme's files by name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use walkdir::WalkDir;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Problem};

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Templates every theme must provide.
pub const REQUIRED_TEMPLATES: &[&str] = &[
    "index.html",
    "section.html",
    "page.html",
    "tags.html",
    "tag.html",
    "cities.html",
    "city.html",
    "404.html",
];

/// The page written at an old URL. Optional: a theme without it gets the built-in one.
pub const REDIRECT: &str = "redirect.html";
/// The search page. Optional: a theme without it (written before search existed) has no
/// search page, no search box and no index; the built-in theme has one.
pub const SEARCH: &str = "search.html";

/// The timeline. Optional: a theme without it (written before the timeline existed) has
/// none; the built-in theme has one.
pub const TIMELINE: &str = "timeline.html";

impl Theme {
    /// The optional pages the theme has templates for.
    pub fn optional_pages(&self) -> crate::site::plan::OptionalPages {
        crate::site::plan::OptionalPages {
            search: self.templates.contains_key(SEARCH),
            timeline: self.templates.contains_key(TIMELINE),
        }
    }
}

pub struct Theme {
    /// Template name (path inside `templates/`) to its source and where it came from.
    pub templates: BTreeMap<String, Template>,
    /// Output path to where the file's bytes come from.
    pub statics: BTreeMap<String, StaticFile>,
    /// The UI strings for the site's language.
    pub strings: serde_json::Value,
    /// What loading the theme found wrong that does not stop the build (a string of the
    /// site's language file that no template uses).
    pub warnings: Vec<Diagnostic>,
}

pub struct Template {
    pub source: String,
    pub origin: PathBuf,
}

#[derive(Debug, Clone)]
pub enum StaticFile {
    Embedded(&'static [u8]),
    Disk(PathBuf),
}

/// Where a theme's files are read from.
enum Origin {
    Embedded,
    Folder(PathBuf),
}

pub fn load(config: &Config) -> Result<Theme, Vec<Diagnostic>> {
    let origin = locate(config)?;
    let mut theme = Theme {
        templates: BTreeMap::new(),
        statics: BTreeMap::new(),
        strings: serde_json::Value::Null,
        warnings: Vec::new(),
    };
    match &origin {
        Origin::Embedded => load_embedded(&mut theme),
        Origin::Folder(dir) => load_folder(config, dir, &mut theme)?,
    }
    load_overrides(config, &mut theme)?;
    if !theme.templates.contains_key(REDIRECT) {
        let template = built_in(REDIRECT).map(|t| (REDIRECT.into(), t));
        theme.templates.extend(template);
    }
    (theme.strings, theme.warnings) = load_strings(config, &origin, &theme.templates)?;
    check_required(config, &theme)?;
    Ok(theme)
}

fn locate(config: &Config) -> Result<Origin, Vec<Diagnostic>> {
    let dir = config.root.join("themes").join(&config.theme);
    if dir.is_dir() {
        return Ok(Origin::Folder(dir));
    }
    if config.theme == "default" {
        return Ok(Origin::Embedded);
    }
    let problem = Problem::Unsupported {
        message: format!(
            "theme `{}` not found: no folder {}",
            config.theme,
            config.display_path(&dir).display()
        ),
    };
    let help =
        "put the theme in themes/NAME/, or remove `theme:` to use the built-in default theme";
    Err(vec![
        Diagnostic::new(problem, crate::config::CONFIG_FILE).with_help(help)
    ])
}

fn load_embedded(theme: &mut Theme) {
    let embedded = Path::new("(built-in theme)");
    if let Some(dir) = DEFAULT_THEME.get_dir("templates") {
        for file in all_files(dir) {
            let name = strip(file.path(), "templates");
            let source = String::from_utf8_lossy(file.contents()).into_owned();
            theme.templates.insert(
                name.clone(),
                Template {
                    source,
                    origin: embedded.join("templates").join(&name),
                },
            );
        }
    }
    if let Some(dir) = DEFAULT_THEME.get_dir("static") {
        for file in all_files(dir) {
            theme.statics.insert(
                strip(file.path(), "static"),
                StaticFile::Embedded(file.contents()),
            );
        }
    }
}

/// A template of the built-in theme.
fn built_in(name: &str) -> Option<Template> {
    let file = DEFAULT_THEME.get_file(format!("templates/{name}"))?;
    Some(Template {
        source: String::from_utf8_lossy(file.contents()).into_owned(),
        origin: Path::new("(built-in theme)").join("templates").join(name),
    })
}

fn all_files<'a>(dir: &'a Dir<'a>) -> Vec<&'a include_dir::File<'a>> {
    let mut out: Vec<&include_dir::File> = dir.files().collect();
    for sub in dir.dirs() {
        out.extend(all_files(sub));
    }
    out
}

fn strip(path: &Path, prefix: &str) -> String {
    let rel = path.strip_prefix(prefix).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn load_folder(config: &Config, dir: &Path, theme: &mut Theme) -> Result<(), Vec<Diagnostic>> {
    read_templates(config, &dir.join("templates"), &mut theme.templates)?;
    for (name, path) in files_under(config, &dir.join("static"))? {
        theme.statics.insert(name, StaticFile::Disk(path));
    }
    Ok(())
}

fn load_overrides(config: &Config, theme: &mut Theme) -> Result<(), Vec<Diagnostic>> {
    read_templates(config, &config.root.join("templates"), &mut theme.templates)?;
    for (name, path) in files_under(config, &config.root.join("static"))? {
        theme.statics.insert(name, StaticFile::Disk(path));
    }
    Ok(())
}

fn read_templates(
    config: &Config,
    dir: &Path,
    into: &mut BTreeMap<String, Template>,
) -> Result<(), Vec<Diagnostic>> {
    let mut problems = Vec::new();
    for (name, path) in files_under(config, dir)? {
        let display = config.display_path(&path);
        match crate::text::file::read_text(&path, &display) {
            Ok(source) => {
                into.insert(
                    name,
                    Template {
                        source,
                        origin: display,
                    },
                );
            }
            Err(d) => problems.push(d),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Files under `dir` (none if it does not exist), by path inside it, hidden ones skipped.
fn files_under(config: &Config, dir: &Path) -> Result<Vec<(String, PathBuf)>, Vec<Diagnostic>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let real_dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let walker = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !crate::text::file::is_hidden(e.file_name()));
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => match outside(&real_dir, e.path()) {
                Some(target) => problems.push(leads_outside(config, e.path(), &target)),
                None => out.push((
                    strip(e.path().strip_prefix(dir).unwrap_or(e.path()), ""),
                    e.into_path(),
                )),
            },
            Ok(_) => {}
            Err(e) => {
                let path = e
                    .path()
                    .map_or_else(|| dir.to_path_buf(), Path::to_path_buf);
                let problem = Problem::Unreadable {
                    message: e.to_string(),
                };
                problems.push(Diagnostic::new(problem, config.display_path(&path)));
            }
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// Where `path` really is, when a symbolic link takes it out of `real_dir`.
fn outside(real_dir: &Path, path: &Path) -> Option<PathBuf> {
    let real = path.canonicalize().ok()?;
    (!real.starts_with(real_dir)).then_some(real)
}

/// A file reached through a symbolic link that leads out of its folder is not published:
/// a link to a secret outside the site would otherwise be served to everyone.
fn leads_outside(config: &Config, path: &Path, target: &Path) -> Diagnostic {
    let problem = Problem::Unsupported {
        message: format!(
            "this is a symbolic link to {}, outside its folder; tradekb does not publish files \
             from outside the site",
            target.display()
        ),
    };
    Diagnostic::new(problem, config.display_path(path))
        .with_help("copy the file into the folder, or remove the link")
}

/// A language file as read: its strings, and its name and text for messages.
struct LanguageFile {
    strings: serde_json::Map<String, serde_json::Value>,
    display: PathBuf,
    text: String,
}

/// The UI strings: the theme's `i18n/LANG.yaml` with the site's own file of that name laid
/// over it key by key, so that a site can change one string (or one kind's name) and keep
/// the theme's others; a language the theme lacks takes the site's file alone. With them,
/// the warnings about the site's file (a string no template uses, likely misspelt).
fn load_strings(
    config: &Config,
    origin: &Origin,
    templates: &BTreeMap<String, Template>,
) -> Result<(serde_json::Value, Vec<Diagnostic>), Vec<Diagnostic>> {
    let file = format!("{}.yaml", config.language);
    let own = language_file(config, &config.root.join("i18n").join(&file))?;
    let theme = match origin {
        Origin::Folder(dir) => language_file(config, &dir.join("i18n").join(&file))?,
        Origin::Embedded => match DEFAULT_THEME.get_file(format!("i18n/{file}")) {
            Some(f) => {
                let display = Path::new("(built-in theme)/i18n").join(&file);
                let text = String::from_utf8_lossy(f.contents()).into_owned();
                Some(read_language(display, text)?)
            }
            None => None,
        },
    };
    let mut errors: Vec<Diagnostic> = (theme.iter().chain(&own))
        .flat_map(|file| ["date_format", "month_format"].map(|key| bad_date_format(file, key)))
        .flatten()
        .collect();
    let (strings, warnings) = match (theme, own) {
        (Some(theme), Some(own)) => lay_over(theme.strings, &own, templates, &mut errors),
        (Some(one), None) | (None, Some(one)) => (one.strings.into(), Vec::new()),
        (None, None) => return Err(vec![no_strings(config, &file)]),
    };
    if errors.is_empty() {
        Ok((strings, warnings))
    } else {
        Err(errors)
    }
}

/// Neither the theme nor the site has a language file for the site's language.
fn no_strings(config: &Config, file: &str) -> Diagnostic {
    let problem = Problem::Unsupported {
        message: format!(
            "the theme has no strings for language `{}` (i18n/{file})",
            config.language
        ),
    };
    Diagnostic::new(problem, crate::config::CONFIG_FILE)
        .with_help("set `language:` to zh-CN or en, or add the file to your site's i18n/ folder")
}

/// The language file at `path`, if there is one.
fn language_file(config: &Config, path: &Path) -> Result<Option<LanguageFile>, Vec<Diagnostic>> {
    if !path.is_file() {
        return Ok(None);
    }
    let folder = path.parent().and_then(|p| p.canonicalize().ok());
    if let Some(target) = folder.and_then(|folder| outside(&folder, path)) {
        return Err(vec![leads_outside(config, path, &target)]);
    }
    let display = config.display_path(path);
    let text = crate::text::file::read_text(path, &display).map_err(|d| vec![d])?;
    read_language(display, text).map(Some)
}

/// A language file's strings: a mapping of names (an empty file has none).
fn read_language(display: PathBuf, text: String) -> Result<LanguageFile, Vec<Diagnostic>> {
    let strings = match crate::text::yaml::parse_value(&display, &text).map_err(|d| vec![d])? {
        serde_json::Value::Null => serde_json::Map::new(),
        serde_json::Value::Object(map) => map,
        other => {
            let problem = Problem::Unsupported {
                message: format!(
                    "a language file must be a mapping of names to strings, not {}",
                    json_kind(&other)
                ),
            };
            let d = Diagnostic::new(problem, &display).at(&text, 1, 1, 1);
            return Err(vec![d.with_help(
                "write each string as `name: text`, such as `skip_to_content: 跳到正文`",
            )]);
        }
    };
    Ok(LanguageFile {
        strings,
        display,
        text,
    })
}

/// What is wrong with the date format at `key`, if it has one chrono cannot write a day in
/// (an unknown field, or one a day has not, such as `%H`).
fn bad_date_format(file: &LanguageFile, key: &str) -> Option<Diagnostic> {
    use std::fmt::Write;
    let format = file.strings.get(key)?.as_str()?;
    let day = chrono::NaiveDate::from_ymd_opt(2014, 3, 5)?;
    if write!(String::new(), "{}", day.format(format)).is_ok() {
        return None;
    }
    let problem = Problem::InvalidValue {
        key: key.into(),
        message: format!("`{format}` is not a date format"),
    };
    let help = "use strftime fields: %Y year, %m month, %-m month without a zero, %d day, \
                %-d day without a zero (`%Y年%-m月%-d日`)";
    Some(file.diagnostic(&[key], problem).with_help(help))
}

impl LanguageFile {
    /// `problem` shown at the key at `path` (`["kinds", "policy"]`).
    fn diagnostic(&self, path: &[&str], problem: Problem) -> Diagnostic {
        let d = Diagnostic::new(problem, &self.display);
        match crate::text::yaml::key_path_position(&self.text, path) {
            Some(at) => d.at(&self.text, at.line, at.column, at.width),
            None => d,
        }
    }
}

/// The theme's strings with `own` laid over them ([`overlay`], its errors added to
/// `errors`); and warnings for `own`'s strings that neither the theme's file nor any
/// template names.
fn lay_over(
    mut strings: serde_json::Map<String, serde_json::Value>,
    own: &LanguageFile,
    templates: &BTreeMap<String, Template>,
    errors: &mut Vec<Diagnostic>,
) -> (serde_json::Value, Vec<Diagnostic>) {
    let theme_keys: Vec<&str> = strings.keys().map(String::as_str).collect();
    let unused = (own.strings.keys())
        .filter(|k| !strings.contains_key(*k) && !ENGINE_STRINGS.contains(&k.as_str()))
        .filter(|k| {
            !templates
                .values()
                .any(|t| names(&t.source, k) || builds(&t.source, k))
        });
    let warnings = unused
        .map(|key| {
            let problem = Problem::Unsupported {
                message: format!("no template uses the string `{key}`"),
            };
            let help = match crate::diagnostic::did_you_mean(key, &theme_keys) {
                Some(near) => format!("did you mean `{near}`?"),
                None => "to change one of the theme's strings, write its name as the \
                         theme's i18n file does"
                    .to_string(),
            };
            own.diagnostic(&[key], problem).with_help(help).warning()
        })
        .collect();
    overlay(&mut strings, &own.strings, &[], own, errors);
    (strings.into(), warnings)
}

/// The strings tradekb reads itself, whatever the theme's file has.
const ENGINE_STRINGS: &[&str] = &[
    "date_format",
    "month_format",
    "batch",
    "region_other",
    "kinds",
    "status",
    "task_done",
    "task_todo",
    "footnote_back",
    "nav_home",
    "nav_cities",
    "tag_title",
    "timeline_description",
];

/// Whether `source` builds `key` from a part it writes out and a variable part: a name
/// joined with `~` to a quoted start (`t["meta_date_" ~ page.kind]`) or end (`key ~ "_one"`).
fn builds(source: &str, key: &str) -> bool {
    source.match_indices('~').any(|(at, _)| {
        let before = source[..at].trim_end();
        let start = before
            .strip_suffix('"')
            .and_then(|b| b.rsplit_once('"'))
            .map(|(_, s)| s);
        let after = source[at + 1..].trim_start();
        let end = after
            .strip_prefix('"')
            .and_then(|a| a.split_once('"'))
            .map(|(e, _)| e);
        start.is_some_and(|s| !s.is_empty() && key.len() > s.len() && key.starts_with(s))
            || end.is_some_and(|e| !e.is_empty() && key.len() > e.len() && key.ends_with(e))
    })
}

/// Whether `source` names `key` as a whole word (`t.footer_note` does not name
/// `footer_not`).
fn names(source: &str, key: &str) -> bool {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    source.match_indices(key).any(|(at, _)| {
        !word(source[..at].chars().next_back()) && !word(source[at + key.len()..].chars().next())
    })
}

/// `top` laid over `base`, at the keys `path`: groups merge key by key, at every depth; an
/// empty value keeps the theme's; any other value takes the place of the theme's, but a
/// group and a single string do not take each other's place (an error in `errors`).
fn overlay(
    base: &mut serde_json::Map<String, serde_json::Value>,
    top: &serde_json::Map<String, serde_json::Value>,
    path: &[&str],
    file: &LanguageFile,
    errors: &mut Vec<Diagnostic>,
) {
    use serde_json::Value;
    for (key, value) in top {
        let here = [path, &[key.as_str()]].concat();
        let message = match (base.get_mut(key), value) {
            (_, Value::Null) => None,
            (Some(Value::Object(base)), Value::Object(top)) => {
                overlay(base, top, &here, file, errors);
                None
            }
            (Some(Value::Object(_)), _) => Some((
                "is a group of strings in the theme, not one string",
                format!("write `{key}:` and under it, indented, each string to change"),
            )),
            (Some(_), Value::Object(_)) => Some((
                "is one string in the theme, not a group",
                format!("write `{key}: text`"),
            )),
            (Some(slot), value) => {
                *slot = value.clone();
                None
            }
            (None, value) => {
                base.insert(key.clone(), value.clone());
                None
            }
        };
        if let Some((message, help)) = message {
            let problem = Problem::InvalidValue {
                key: here.join("."),
                message: message.into(),
            };
            errors.push(file.diagnostic(&here, problem).with_help(help));
        }
    }
}

/// A JSON value's kind, in words.
fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Null | serde_json::Value::Object(_) => "a mapping",
    }
}

fn check_required(config: &Config, theme: &Theme) -> Result<(), Vec<Diagnostic>> {
    let missing: Vec<Diagnostic> = REQUIRED_TEMPLATES
        .iter()
        .filter(|t| !theme.templates.contains_key(**t))
        .map(|t| {
            let message = format!("theme `{}` has no template `{t}`", config.theme);
            Diagnostic::new(
                Problem::Template { message },
                Path::new("templates").join(t),
            )
        })
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> LanguageFile {
        read_language(PathBuf::from("i18n/zh-CN.yaml"), text.into()).unwrap()
    }

    #[test]
    fn a_group_merges_key_by_key_and_an_empty_value_keeps_the_themes() {
        let theme =
            file("kinds:\n  policy: 政策\n  pilot: 试点\nfooter_note: 注\nnav_home: 首页\n");
        let own = file("kinds:\n  policy: 政策文件\nfooter_note:\nnav_home: 主页\n");
        let mut errors = Vec::new();
        let (strings, warnings) = lay_over(theme.strings, &own, &BTreeMap::new(), &mut errors);
        assert_eq!((errors, warnings), (vec![], vec![]));
        let expected =
            "kinds:\n  policy: 政策文件\n  pilot: 试点\nfooter_note: 注\nnav_home: 主页\n";
        assert_eq!(strings, serde_json::Value::Object(file(expected).strings));
    }

    /// A status's Chinese name, which messages about `status:` give, is the one the built-in
    /// theme shows: the two are written in two places.
    #[test]
    fn the_status_names_in_messages_are_the_themes() {
        use crate::content::meta::Status;
        let zh = DEFAULT_THEME.get_file("i18n/zh-CN.yaml").unwrap();
        let text = String::from_utf8_lossy(zh.contents()).into_owned();
        let strings = read_language(PathBuf::from("zh-CN.yaml"), text)
            .unwrap()
            .strings;
        for status in Status::ALL {
            assert_eq!(
                strings["status"][status.key()],
                status.chinese(),
                "{status:?}"
            );
        }
    }

    #[test]
    fn a_template_builds_a_name_from_a_written_start_or_end() {
        let source = r#"{{ t["meta_date_" ~ page.kind] }} {{ t[key ~ "_one"] }}"#;
        assert!(builds(source, "meta_date_notes"));
        assert!(builds(source, "article_count_one"));
        assert!(!builds(source, "meta_date_"), "the written part alone");
        assert!(!builds(source, "footer_not"));
    }

    #[test]
    fn a_template_names_a_string_as_a_whole_word() {
        assert!(names("{{ t.footer_note }}", "footer_note"));
        assert!(!names("{{ t.footer_note }}", "footer_not"));
        assert!(!names("{{ t.my_footer_note }}", "footer_note"));
    }
}

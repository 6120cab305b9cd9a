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
    theme.strings = load_strings(config, &origin)?;
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

/// The language file: the theme's `i18n/LANG.yaml` with the site's own file of that name laid
/// over it key by key, so that a site can change one string (or one kind's name) and keep
/// the theme's others; a language the theme lacks takes the site's file alone.
fn load_strings(config: &Config, origin: &Origin) -> Result<serde_json::Value, Vec<Diagnostic>> {
    let file = format!("{}.yaml", config.language);
    let own = strings_file(config, &config.root.join("i18n").join(&file))?;
    let theme = match origin {
        Origin::Folder(dir) => strings_file(config, &dir.join("i18n").join(&file))?,
        Origin::Embedded => match DEFAULT_THEME.get_file(format!("i18n/{file}")) {
            Some(f) => {
                let display = Path::new("(built-in theme)/i18n").join(&file);
                let text = String::from_utf8_lossy(f.contents());
                Some(strings(&display, &text)?)
            }
            None => None,
        },
    };
    match (theme, own) {
        (Some(mut theme), Some(own)) => {
            overlay(&mut theme, own);
            Ok(theme)
        }
        (Some(strings), None) | (None, Some(strings)) => Ok(strings),
        (None, None) => {
            let problem = Problem::Unsupported {
                message: format!(
                    "the theme has no strings for language `{}` (i18n/{file})",
                    config.language
                ),
            };
            Err(vec![Diagnostic::new(problem, crate::config::CONFIG_FILE)
                .with_help(
                    "set `language:` to zh-CN or en, or add the file to your site's i18n/ folder",
                )])
        }
    }
}

/// The strings of the language file at `path`, if there is one.
fn strings_file(
    config: &Config,
    path: &Path,
) -> Result<Option<serde_json::Value>, Vec<Diagnostic>> {
    if !path.is_file() {
        return Ok(None);
    }
    let display = config.display_path(path);
    let text = crate::text::file::read_text(path, &display).map_err(|d| vec![d])?;
    strings(&display, &text).map(Some)
}

/// A language file's strings: a mapping of names (an empty file has none).
fn strings(display: &Path, text: &str) -> Result<serde_json::Value, Vec<Diagnostic>> {
    match crate::text::yaml::parse_value(display, text).map_err(|d| vec![d])? {
        serde_json::Value::Null => Ok(serde_json::Value::Object(serde_json::Map::new())),
        map @ serde_json::Value::Object(_) => Ok(map),
        _ => {
            let problem = Problem::Unsupported {
                message: "a language file is a mapping of names to strings".to_string(),
            };
            Err(vec![Diagnostic::new(problem, display).with_help(
                "write each string as `name: text`, as in the theme's own i18n/ files",
            )])
        }
    }
}

/// `top` laid over `base`: mappings merge key by key, at every depth; anything else in
/// `top` takes the place of what `base` had.
fn overlay(base: &mut serde_json::Value, top: serde_json::Value) {
    match (base, top) {
        (serde_json::Value::Object(base), serde_json::Value::Object(top)) => {
            for (key, value) in top {
                match base.get_mut(&key) {
                    Some(slot) => overlay(slot, value),
                    None => {
                        base.insert(key, value);
                    }
                }
            }
        }
        (base, top) => *base = top,
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

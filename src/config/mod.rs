//! Configuration: `site.yaml` read key by key (the raw layer) and checked into [`Config`],
//! with the command line's overrides applied.

use std::path::{Path, PathBuf};

mod fields;

use crate::diagnostic::{Diagnostic, Problem};
use crate::text::yaml::{self, Fields};
pub use fields::{FieldKind, FieldSpec, Schema, UnknownKeys, BUILT_IN_ARTICLE_KEYS};

pub const CONFIG_FILE: &str = "site.yaml";

/// The keys `site.yaml` may have.
pub const KEYS: &[&str] = &[
    "title",
    "base_url",
    "language",
    "theme",
    "description",
    "author",
    "paginate_by",
    "minify",
    "highlight",
    "feed_limit",
    "sitemap",
    "robots",
    "search",
    "api",
    "unprofiled",
    "raw_html",
    "fields",
    "unknown_keys",
    "extra",
];

/// What the command line may change for one build.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    pub future: bool,
    pub no_minify: bool,
    /// Build no search index (`--no-search`).
    pub no_search: bool,
    /// Replace an output folder that tradekb did not write.
    pub force: bool,
    /// What to do when another build is writing the same output folder.
    pub if_locked: IfLocked,
    /// Sleep this long before writing each file: lets tests make builds overlap.
    #[doc(hidden)]
    pub write_delay: Option<std::time::Duration>,
}

/// What a build does when another build holds its output folder.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum IfLocked {
    /// Wait until the other build is done, then build.
    #[default]
    Wait,
    /// Stop at once with an error (`--no-wait`).
    Fail,
}

/// `site.yaml` as written: every key optional.
#[derive(Debug, Default)]
struct RawConfig {
    title: Option<String>,
    base_url: Option<String>,
    language: Option<String>,
    theme: Option<String>,
    description: Option<String>,
    author: Option<String>,
    paginate_by: Option<usize>,
    minify: Option<bool>,
    highlight: Option<RawHighlight>,
    feed_limit: Option<usize>,
    sitemap: Option<bool>,
    robots: Option<bool>,
    search: Option<bool>,
    api: Option<bool>,
    unprofiled: Option<RawUnprofiled>,
    raw_html: Option<RawHtml>,
    schema: Schema,
    extra: Option<serde_json::Value>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, expecting = "a mapping with `cities` and `tags`")]
struct RawUnprofiled {
    cities: Option<Level>,
    tags: Option<Level>,
}

/// How `check` treats a finding that is not always a mistake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase", expecting = "one of error, warning, allow")]
pub enum Level {
    Error,
    Warning,
    Allow,
}

/// What `check` says of cities and tags that articles use but that have no profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unprofiled {
    pub cities: Level,
    pub tags: Level,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, expecting = "a mapping with `light` and `dark`")]
struct RawHighlight {
    light: Option<String>,
    dark: Option<String>,
}

/// Checked configuration for one build.
#[derive(Debug, Clone)]
pub struct Config {
    pub root: PathBuf,
    pub content_dir: PathBuf,
    pub output_dir: PathBuf,
    pub title: String,
    pub description: String,
    /// Named as the author of the feeds; the site title when not set.
    pub author: String,
    pub language: String,
    pub base_url: BaseUrl,
    pub theme: String,
    pub paginate_by: usize,
    pub minify: bool,
    pub highlight: Highlight,
    /// Entries per Atom feed; 0 writes no feeds.
    pub feed_limit: usize,
    pub sitemap: bool,
    pub robots: bool,
    /// Build the search index (`public/pagefind/`) and the search page.
    pub search: bool,
    /// Write the data export (`api/articles.json`, `tags.json`, `cities.json`).
    pub api: bool,
    pub unprofiled: Unprofiled,
    /// Raw HTML in Markdown: allowed (the default) or escaped.
    pub raw_html: RawHtml,
    /// The site's own article fields, and what becomes of unknown keys.
    pub schema: Schema,
    pub extra: serde_json::Value,
    pub drafts: bool,
    /// Publish articles dated after `today`.
    pub future: bool,
    /// Replace an output folder that tradekb did not write.
    pub force: bool,
    pub if_locked: IfLocked,
    #[doc(hidden)]
    pub write_delay: Option<std::time::Duration>,
    /// The day the build counts as today, for leaving out future-dated articles.
    pub today: chrono::NaiveDate,
}

/// Raw HTML in Markdown bodies: passed through (authors are trusted) or shown as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase", expecting = "one of allow, escape")]
pub enum RawHtml {
    #[default]
    Allow,
    Escape,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Highlight {
    pub light: String,
    pub dark: String,
}

/// The site's public address, split into what absolute and root-relative URLs need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// `https://example.org/kb/`: always ends with `/`.
    pub absolute: String,
    /// `/kb/`: the path part; every internal link starts with it.
    pub root: String,
}

impl BaseUrl {
    pub fn parse(text: &str) -> Result<BaseUrl, String> {
        let text = text.trim();
        let rest = text
            .strip_prefix("https://")
            .or_else(|| text.strip_prefix("http://"))
            .ok_or("must start with http:// or https://")?;
        if text
            .chars()
            .any(|c| c.is_whitespace() || c == '\\' || c.is_control())
        {
            return Err("must not contain spaces, backslashes or control characters".into());
        }
        if text.contains(['?', '#']) {
            return Err("must not contain a query or a fragment".into());
        }
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        if host.is_empty() {
            return Err("has no host name".into());
        }
        if path.split('/').any(|seg| seg == ".." || seg == ".") {
            return Err("must not contain `.` or `..` segments".into());
        }
        let path = path.trim_end_matches('/');
        let root = if path.is_empty() {
            "/".to_string()
        } else {
            format!("/{path}/")
        };
        let scheme = &text[..text.len() - rest.len()];
        Ok(BaseUrl {
            absolute: format!("{scheme}{host}{root}"),
            root,
        })
    }

    /// Root-relative URL of a site path such as `policies/x/`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.root, path)
    }

    /// Absolute URL of a site path.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.absolute, path)
    }
}

impl Config {
    /// Reads `site.yaml` in `root` and applies the overrides.
    pub fn load(root: &Path, overrides: &Overrides) -> Result<Config, Vec<Diagnostic>> {
        let root = absolute(root);
        let path = root.join(CONFIG_FILE);
        let display = PathBuf::from(CONFIG_FILE);
        if !path.is_file() {
            let message = format!("no {CONFIG_FILE} in {}", root.display());
            let help = "run tradekb in the site's folder, pass --root DIR, or create one with `tradekb init DIR`";
            return Err(vec![Diagnostic::new(
                Problem::Unreadable { message },
                display,
            )
            .with_help(help)]);
        }
        let source = crate::text::file::read_text(&path, &display).map_err(|d| vec![d])?;
        let mut fields = yaml::parse_file(&display, &source).map_err(|d| vec![d])?;
        let raw = RawConfig::read(&mut fields);
        let base_url = check_base_url(&mut fields, raw.base_url.as_deref(), overrides);
        check_highlight(&mut fields, raw.highlight.as_ref());
        fields.finish(KEYS)?;
        Ok(Config::from_raw(raw, root, base_url, overrides))
    }

    fn from_raw(raw: RawConfig, root: PathBuf, base_url: BaseUrl, o: &Overrides) -> Config {
        let RawConfig {
            title,
            base_url: _,
            language,
            theme,
            description,
            author,
            paginate_by,
            minify,
            highlight,
            feed_limit,
            sitemap,
            robots,
            search,
            api,
            unprofiled,
            raw_html,
            schema,
            extra,
        } = raw;
        let RawUnprofiled { cities, tags } = unprofiled.unwrap_or_default();
        let RawHighlight { light, dark } = highlight.unwrap_or_default();
        let output_dir = o
            .output
            .as_ref()
            .map_or_else(|| root.join("public"), |p| root.join(p));
        Config {
            content_dir: root.join("content"),
            output_dir,
            author: author
                .or_else(|| title.clone())
                .unwrap_or_else(|| "tradekb".into()),
            title: title.unwrap_or_else(|| "tradekb".into()),
            description: description.unwrap_or_default(),
            language: language.unwrap_or_else(|| "zh-CN".into()),
            base_url,
            theme: theme.unwrap_or_else(|| "default".into()),
            paginate_by: paginate_by.unwrap_or(10),
            minify: minify.unwrap_or(true) && !o.no_minify,
            highlight: Highlight {
                light: light.unwrap_or_else(|| "InspiredGitHub".into()),
                dark: dark.unwrap_or_else(|| "base16-ocean.dark".into()),
            },
            feed_limit: feed_limit.unwrap_or(20),
            sitemap: sitemap.unwrap_or(true),
            robots: robots.unwrap_or(true),
            search: search.unwrap_or(true) && !o.no_search,
            api: api.unwrap_or(true),
            raw_html: raw_html.unwrap_or_default(),
            schema,
            unprofiled: Unprofiled {
                cities: cities.unwrap_or(Level::Warning),
                tags: tags.unwrap_or(Level::Allow),
            },
            extra: extra.unwrap_or(serde_json::Value::Object(Default::default())),
            drafts: o.drafts,
            future: o.future,
            force: o.force,
            if_locked: o.if_locked,
            write_delay: o.write_delay,
            today: chrono::Local::now().date_naive(),
            root,
        }
    }

    /// A path as shown in messages: relative to the site root when it lies inside it.
    pub fn display_path(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.root)
            .map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
    }
}

impl RawConfig {
    fn read(f: &mut Fields) -> RawConfig {
        RawConfig {
            title: f.take("title"),
            base_url: f.take("base_url"),
            language: f.take("language"),
            theme: f.take("theme"),
            description: f.take("description"),
            author: f.take("author"),
            paginate_by: f.take_positive("paginate_by"),
            minify: f.take("minify"),
            highlight: f.take("highlight"),
            feed_limit: f.take("feed_limit"),
            sitemap: f.take("sitemap"),
            robots: f.take("robots"),
            search: f.take("search"),
            api: f.take("api"),
            unprofiled: f.take("unprofiled"),
            raw_html: f.take("raw_html"),
            schema: fields::read(f),
            extra: f.take("extra"),
        }
    }
}

fn check_base_url(f: &mut Fields, written: Option<&str>, o: &Overrides) -> BaseUrl {
    if let Some(cli) = &o.base_url {
        // A bad --base-url is a usage error reported by the CLI before loading.
        if let Ok(b) = BaseUrl::parse(cli) {
            return b;
        }
    }
    let default = BaseUrl::parse("http://127.0.0.1:1111/").expect("the default base URL is valid");
    let Some(text) = written else {
        return default;
    };
    BaseUrl::parse(text).unwrap_or_else(|reason| {
        let help = "for example https://example.org/ or https://example.org/kb/";
        f.invalid("base_url", format!("`{text}` {reason}"), help);
        default
    })
}

fn check_highlight(f: &mut Fields, h: Option<&RawHighlight>) {
    let Some(h) = h else { return };
    let known = crate::highlight::theme_names();
    for name in [&h.light, &h.dark].into_iter().flatten() {
        if !known.iter().any(|k| k == name) {
            let message = format!("unknown highlight theme `{name}`");
            f.invalid(
                "highlight",
                message,
                format!("known themes: {}", known.join(", ")),
            );
        }
    }
}

/// `root` made absolute, without `.` segments, so that messages show clean paths.
fn absolute(root: &Path) -> PathBuf {
    let joined = if root.is_absolute() {
        root.to_path_buf()
    } else {
        std::env::current_dir().map_or_else(|_| root.to_path_buf(), |cwd| cwd.join(root))
    };
    joined
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_keeps_a_sub_path() {
        let b = BaseUrl::parse("https://example.org/kb").unwrap();
        assert_eq!(b.absolute, "https://example.org/kb/");
        assert_eq!(b.root, "/kb/");
        assert_eq!(b.url("tags/"), "/kb/tags/");
        let b = BaseUrl::parse("https://example.org").unwrap();
        assert_eq!(b.root, "/");
    }

    #[test]
    fn bad_base_urls_are_refused() {
        assert!(BaseUrl::parse("example.org").is_err());
        assert!(BaseUrl::parse("https://").is_err());
        assert!(BaseUrl::parse("https://a.org/x?y").is_err());
        assert!(BaseUrl::parse("https://a.org/../x").is_err());
    }
}

//! Shared helpers: a site in a temporary folder (copied from a fixture or written from
//! strings), built in-process, and its output read back as text, parsed HTML or a whole tree.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use scraper::{Html, Selector};
use tempfile::TempDir;
use tradekb::{Config, Diagnostic, Error, Overrides};
use walkdir::WalkDir;

/// The repository itself, whose `content/`, `themes/` and `site.yaml` are the sample site.
pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of the sample site (`content/`, `themes/`, `site.yaml`) in a temporary folder.
pub fn sample_copy() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in ["content", "themes", "site.yaml"] {
        let from = repo_root().join(name);
        if from.is_dir() {
            copy_tree(&from, &dir.path().join(name));
        } else {
            fs::copy(&from, dir.path().join(name)).unwrap();
        }
    }
    dir
}

/// The sample site built with `base_url`, minified as a user's build is or not, once per
/// test process, for the tests that only read it: its output folder, under Cargo's folder
/// for tests' files (`target/tmp/`), made afresh by each test process.
pub fn sample_built(base_url: &str, minify: bool) -> &'static Path {
    static BUILT: std::sync::Mutex<BTreeMap<(String, bool), &'static Path>> =
        std::sync::Mutex::new(BTreeMap::new());
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    let key = (base_url.to_string(), minify);
    built.entry(key).or_insert_with(|| {
        let name: String = (base_url.chars())
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let plain = if minify { "" } else { "-unminified" };
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("sample-{name}{plain}"));
        let _ = fs::remove_dir_all(&out);
        let overrides = Overrides {
            output: Some(out.clone()),
            base_url: Some(base_url.into()),
            no_minify: !minify,
            ..Overrides::default()
        };
        build_site(repo_root(), overrides)
            .unwrap_or_else(|e| panic!("the sample site does not build: {}", describe(&e)));
        Box::leak(out.into_boxed_path())
    })
}

/// Proptest's settings: `PROPTEST_CASES` cases a property (`default` if unset); failing
/// inputs are shown in the failure message, no files are written beside the tests.
pub fn proptest_cases(default: u32) -> proptest::test_runner::Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default);
    proptest::test_runner::Config {
        cases,
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    }
}

/// Overrides for tests: unminified HTML, so that snapshots and selectors see the templates' shape.
pub fn unminified() -> Overrides {
    Overrides {
        no_minify: true,
        ..Overrides::default()
    }
}

/// A site in a temporary folder, removed when it and every [`Output`] built from it are dropped.
pub struct Site {
    dir: Arc<TempDir>,
}

impl Site {
    /// A copy of `tests/fixtures/NAME`.
    pub fn fixture(name: &str) -> Site {
        let from = repo_root().join("tests/fixtures").join(name);
        assert!(from.is_dir(), "no fixture {}", from.display());
        let site = Site::empty();
        copy_tree(&from, site.root());
        site
    }

    /// A site made of `files` (path inside the site, contents); a minimal `site.yaml` is added
    /// unless `files` has one.
    pub fn from_files(files: &[(&str, &str)]) -> Site {
        let site = Site::empty();
        if !files.iter().any(|(p, _)| *p == "site.yaml") {
            site.write(
                "site.yaml",
                "title: 测试站\nbase_url: https://example.org/\n",
            );
        }
        for (path, text) in files {
            site.write(path, text);
        }
        site
    }

    fn empty() -> Site {
        Site {
            dir: Arc::new(tempfile::tempdir().expect("a temporary folder")),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes (or replaces) a file of the site, creating its folders.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.root().join(rel);
        fs::create_dir_all(path.parent().expect("a file has a folder")).unwrap();
        fs::write(&path, contents).unwrap();
    }

    pub fn remove_dir(&self, rel: &str) {
        fs::remove_dir_all(self.root().join(rel)).unwrap();
    }

    /// Builds with [`unminified`] overrides; panics, showing every diagnostic, if it fails.
    pub fn build(&self) -> Output {
        self.build_with(unminified())
    }

    pub fn build_with(&self, overrides: Overrides) -> Output {
        match self.try_build(overrides) {
            Ok(out) => out,
            Err(e) => panic!("the build failed: {}", describe(&e)),
        }
    }

    pub fn try_build(&self, overrides: Overrides) -> Result<Output, Error> {
        let mut out = build_site(self.root(), overrides)?;
        out.keep = Some(Arc::clone(&self.dir));
        Ok(out)
    }

    /// The warnings of a build that must succeed.
    /// Asserts that the page at `rel` is left out of a build, and written by one with
    /// `--future`.
    pub fn assert_waits_for_future(&self, rel: &str) {
        assert!(!self.build().exists(rel), "{rel} waits");
        let out = self.build_with(Overrides {
            future: true,
            ..unminified()
        });
        assert!(out.exists(rel), "{rel} is built with --future");
    }

    pub fn warnings(&self) -> Vec<Diagnostic> {
        let config = Config::load(self.root(), &unminified()).expect("a valid site.yaml");
        match tradekb::build(&config) {
            Ok(report) => report.warnings,
            Err(e) => panic!("the build failed: {}", describe(&e)),
        }
    }

    /// The diagnostics of a build that must fail with problems in the site's files.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self.try_build(unminified()) {
            Ok(out) => panic!("the build succeeded into {}", out.dir.display()),
            Err(Error::Site(d)) => d,
            Err(e) => panic!("the build failed, but not with diagnostics: {e}"),
        }
    }
}

/// Each diagnostic on a line: `path:line:column problem (help)`.
pub fn shown(diagnostics: &[Diagnostic]) -> Vec<String> {
    let line = |d: &Diagnostic| {
        let help = d.help.as_deref().unwrap_or_default();
        format!("{} {} ({help})", d.location(), d.problem)
    };
    diagnostics.iter().map(line).collect()
}

/// Builds the site at `root` in-process, as `tradekb build` does.
pub fn build_site(root: &Path, overrides: Overrides) -> Result<Output, Error> {
    let config = Config::load(root, &overrides)?;
    tradekb::build(&config)?;
    Ok(Output::at(config.output_dir))
}

/// Every diagnostic of a failed build, rendered as the CLI prints it.
pub fn describe(e: &Error) -> String {
    match e {
        Error::Site(diags) => diags.iter().map(|d| format!("\n{d}")).collect(),
        other => other.to_string(),
    }
}

/// A built site's output folder.
pub struct Output {
    pub dir: PathBuf,
    /// The temporary site folder the output lies in, kept alive as long as the output.
    keep: Option<Arc<TempDir>>,
}

impl Output {
    pub fn at(dir: PathBuf) -> Output {
        Output { dir, keep: None }
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.dir.join(rel).is_file()
    }

    pub fn read(&self, rel: &str) -> String {
        let path = self.dir.join(rel);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    pub fn page(&self, rel: &str) -> Page {
        Page::parse(&self.read(rel))
    }

    /// The `<main …>…</main>` element of a page, as written.
    pub fn main(&self, rel: &str) -> String {
        main_element(&self.read(rel))
    }

    /// Every file of the output, by path relative to it (with `/`).
    pub fn tree(&self) -> BTreeMap<String, Vec<u8>> {
        tree(&self.dir)
    }

    /// Every HTML file of the output, by path relative to it.
    pub fn html_files(&self) -> Vec<String> {
        self.tree()
            .into_keys()
            .filter(|p| p.ends_with(".html"))
            .collect()
    }
}

/// The `<main …>…</main>` element of an HTML text.
pub fn main_element(html: &str) -> String {
    let start = html.find("<main").expect("the page has a <main> element");
    let end = html[start..].find("</main>").expect("<main> is closed") + start;
    html[start..end + "</main>".len()].to_string()
}

/// Every file under `dir`, by relative path, with its bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.expect("a readable output tree"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            (rel, fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Asserts two trees are equal, naming the files that differ rather than dumping bytes.
pub fn assert_same_tree(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) {
    let only_a: Vec<&String> = a.keys().filter(|k| !b.contains_key(*k)).collect();
    let only_b: Vec<&String> = b.keys().filter(|k| !a.contains_key(*k)).collect();
    let differ: Vec<&String> = a
        .iter()
        .filter(|(k, v)| b.get(*k).is_some_and(|w| w != *v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        only_a.is_empty() && only_b.is_empty() && differ.is_empty(),
        "trees differ: only in the first {only_a:?}; only in the second {only_b:?}; different bytes {differ:?}"
    );
}

pub fn copy_tree(from: &Path, to: &Path) {
    for entry in WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A parsed HTML page, queried with CSS selectors.
pub struct Page {
    html: Html,
}

impl Page {
    pub fn parse(text: &str) -> Page {
        Page {
            html: Html::parse_document(text),
        }
    }

    fn select(&self, selector: &str) -> Vec<scraper::ElementRef<'_>> {
        let s =
            Selector::parse(selector).unwrap_or_else(|e| panic!("bad selector {selector}: {e}"));
        self.html.select(&s).collect()
    }

    /// The text of every match, whitespace collapsed.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        self.select(selector).iter().map(text_of).collect()
    }

    /// The text of the only match.
    pub fn text(&self, selector: &str) -> String {
        let all = self.texts(selector);
        assert_eq!(all.len(), 1, "expected one `{selector}`, found {all:?}");
        all.into_iter().next().unwrap()
    }

    /// The attribute `attr` of every match that has it.
    pub fn attrs(&self, selector: &str, attr: &str) -> Vec<String> {
        self.select(selector)
            .iter()
            .filter_map(|e| e.value().attr(attr).map(str::to_string))
            .collect()
    }

    pub fn count(&self, selector: &str) -> usize {
        self.select(selector).len()
    }

    /// The inner HTML of every match.
    pub fn inner_html(&self, selector: &str) -> Vec<String> {
        self.select(selector)
            .iter()
            .map(|e| e.inner_html())
            .collect()
    }

    /// For each match of `outer`, the texts of the matches of `inner` inside it.
    pub fn grouped(&self, outer: &str, inner: &str) -> Vec<Vec<String>> {
        let inner = Selector::parse(inner).unwrap();
        self.select(outer)
            .iter()
            .map(|e| e.select(&inner).map(|i| text_of(&i)).collect())
            .collect()
    }

    /// Every `href` and `src` of the page.
    pub fn links(&self) -> Vec<String> {
        self.select("[href], [src]")
            .iter()
            .flat_map(|e| {
                let v = e.value();
                [v.attr("href"), v.attr("src")]
            })
            .flatten()
            .map(str::to_string)
            .collect()
    }

    /// The page's `<meta name="description">`, where the theme puts an article's summary.
    pub fn description(&self) -> String {
        let all = self.attrs(r#"meta[name="description"]"#, "content");
        assert_eq!(all.len(), 1, "expected one description, found {all:?}");
        all.into_iter().next().unwrap()
    }

    /// Every `id` of the page.
    pub fn ids(&self) -> Vec<String> {
        self.attrs("[id]", "id")
    }

    /// The ids that more than one element of the page carries.
    pub fn duplicate_ids(&self) -> Vec<String> {
        let mut seen = std::collections::BTreeSet::new();
        let mut dups: Vec<String> = self
            .ids()
            .into_iter()
            .filter(|id| !seen.insert(id.clone()))
            .collect();
        dups.dedup();
        dups
    }
}

fn text_of(e: &scraper::ElementRef) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a link leaves the site (has a scheme such as `https:` or `mailto:`, or is `//host`).
pub fn is_external(href: &str) -> bool {
    if href.starts_with("//") {
        return true;
    }
    match href.split_once(':') {
        Some((scheme, _)) => {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !scheme.contains('/')
        }
        None => false,
    }
}

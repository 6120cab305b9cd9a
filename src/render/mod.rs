//! Render stage: Markdown bodies to HTML, then every page of the site through the theme's
//! templates. Input: the config, the theme and the resolved [`Site`]. Output: a [`Plan`] of
//! files for the write stage, or every problem found.

mod crawl;
pub mod feeds;
pub mod minify;
pub mod scan;
pub mod theme;
pub mod views;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use tera::{Tera, Value};

use crate::config::Config;
use crate::content::highlight::{self, Highlighter};
use crate::content::markdown::{Markdown, Rendered};
use crate::content::SourceFile;
use crate::diagnostic::{self, Diagnostic, Problem};
use crate::progress::{self, Observer, Step};
use crate::site::links::Targets;
use crate::site::Site;
pub use crawl::Crawled;
pub use scan::Scan;
use theme::{StaticFile, Theme};
use views::{map, Strings, Views};

/// Where rendered files go: the staging folder of a build, or nowhere for a check.
pub trait Sink: Sync {
    /// Whether the files are wanted at all (a check only reads them).
    fn keeps(&self) -> bool;
    /// Takes one finished file; `path` is relative to the output folder.
    fn put(&self, path: &str, bytes: &[u8]);
}

/// A sink for checks: files are rendered and crawled, then dropped.
pub struct Discard;

impl Sink for Discard {
    fn keeps(&self) -> bool {
        false
    }
    fn put(&self, _: &str, _: &[u8]) {}
}

/// What the render stage produced.
pub struct Produced {
    /// Files handed to the sink.
    pub files: usize,
    /// The HTML pages among them, with what is left of each after its links were checked.
    pub pages: Vec<(String, Crawled)>,
    /// Problems that did not stop the build: pages written unminified.
    pub warnings: Vec<Diagnostic>,
}

/// Markdown bodies of everything that has one, by the same indexes as in [`Site`].
struct Bodies {
    home: Option<Rendered>,
    sections: Vec<Option<Rendered>>,
    pages: Vec<Rendered>,
    tags: Vec<Option<Rendered>>,
    cities: Vec<Option<Rendered>>,
}

const SYNTAX_CSS: &str = "syntax.css";

/// One file of the finished site, before it is made.
enum FileJob<'a> {
    Page(Job),
    Feed(feeds::Feed<'a>),
    /// Made up front: the sitemaps and robots.txt.
    Text(String),
    Redirect(usize),
    Syntax,
    Static(&'a StaticFile),
    Asset,
}

/// The first half of the render stage: every Markdown body to HTML, with the problems of
/// their links and of the output paths. After this the site's source texts are no longer
/// needed (see [`Site::forget_sources`]).
pub struct Prepared {
    bodies: Bodies,
    problems: Vec<Diagnostic>,
}

pub fn prepare(config: &Config, theme: &Theme, site: &Site, observer: &dyn Observer) -> Prepared {
    let highlighter = Highlighter::default();
    let targets = link_targets(config, theme, site);
    let md = Markdown {
        highlighter: &highlighter,
        raw_html: config.raw_html,
    };
    let (bodies, mut problems) = render_bodies(site, &md, &targets, observer);
    let all: Vec<usize> = (0..site.pages.len()).collect();
    let jobs = file_jobs(config, theme, site, &all);
    let paths: Vec<&str> = jobs.iter().map(|(p, _)| p.as_str()).collect();
    problems.append(&mut clashing_files(config, theme, site, &paths));
    Prepared { bodies, problems }
}

/// Renders every file of the site and hands each to `sink` as soon as it is finished
/// (minified when the config says so), checking its links as it goes. Files go to the
/// sink only while no problem is known; the caller throws them away if any turns up later.
/// With `errors_known` (from earlier stages) nothing goes to the sink and links are not
/// crawled: the render only looks for more problems.
pub fn render(
    config: &Config,
    theme: &Theme,
    site: &Site,
    prepared: Prepared,
    sink: &dyn Sink,
    errors_known: bool,
    observer: &dyn Observer,
) -> Result<Produced, Vec<Diagnostic>> {
    let Prepared {
        bodies,
        mut problems,
    } = prepared;
    let strings = Strings::new(theme.strings.clone(), &config.language);
    let views = Views {
        config,
        site,
        strings: &strings,
    };
    let tera = match setup(config, theme, &views) {
        Ok(tera) => tera,
        Err(mut p) => {
            problems.append(&mut p);
            return Err(problems);
        }
    };
    let refs: Vec<Value> = site
        .pages
        .par_iter()
        .zip(&bodies.pages)
        .map(|(p, b)| views.page_ref(p, b))
        .collect();
    let pages = Pages {
        views: &views,
        bodies: &bodies,
        refs: &refs,
    };
    let all: Vec<usize> = (0..site.pages.len()).collect();
    let jobs = file_jobs(config, theme, site, &all);
    let paths: Vec<&str> = jobs.iter().map(|(p, _)| p.as_str()).collect();
    let quiet = !problems.is_empty() || errors_known;
    let sink: &dyn Sink = if quiet { &Discard } else { sink };
    let make = Make {
        config,
        site,
        theme,
        tera: &tera,
        pages: &pages,
        keep: sink.keeps(),
    };
    let crawl = crawl::Crawl::new(&paths, &config.base_url.root);
    let made: Vec<Result<Emitted, Diagnostic>> =
        progress::each(observer, Step::Render, &jobs, |(path, job)| {
            let made = make.file(path, job)?;
            let minify = config.minify && sink.keeps();
            let crawl = (!quiet).then_some(&crawl);
            Ok(emit(path, made, minify, sink, crawl))
        });
    let mut crawled = Vec::new();
    let mut made_problems = Vec::new();
    let mut warnings = Vec::new();
    for ((path, job), m) in jobs.iter().zip(made) {
        match m {
            Ok(emitted) => {
                if let Some(refused) = emitted.unminified {
                    warnings.push(unminified(config, site, path, job, &refused));
                }
                crawled.extend(emitted.crawled.map(|c| (path.clone(), c)));
            }
            Err(d) => made_problems.push(d),
        }
    }
    diagnostic::sort(&mut made_problems);
    made_problems
        .dedup_by(|a, b| a.problem == b.problem && a.path == b.path && a.position == b.position);
    problems.append(&mut made_problems);
    if !problems.is_empty() || errors_known {
        // A crawl now would only repeat the links already reported.
        return Err(problems);
    }
    crate::drop_in_background((bodies, refs));
    let output_name = config.display_path(&config.output_dir);
    let dead = crawl::report(&crawled, &output_name);
    if !dead.is_empty() {
        return Err(dead);
    }
    Ok(Produced {
        files: jobs.len(),
        pages: crawled,
        warnings,
    })
}

/// What became of one finished file.
struct Emitted {
    /// For generated HTML: what is left to check of its links.
    crawled: Option<Crawled>,
    /// Why the minifier refused an HTML file, which was then written as rendered.
    unminified: Option<String>,
}

/// Minifies one finished file, hands it to the sink and scans it for the crawl. The
/// content's own HTML files are copied as they are.
fn emit(
    path: &str,
    made: Made,
    minify: bool,
    sink: &dyn Sink,
    crawl: Option<&crawl::Crawl>,
) -> Emitted {
    let mut emitted = Emitted {
        crawled: None,
        unminified: None,
    };
    if let (Made::Text(text), true) = (&made, path.ends_with(".html")) {
        let scan = scan::scan(text);
        let minified = minify.then(|| minify::html(text, scan.depth));
        let bytes = match &minified {
            Some(Ok(small)) => &small[..],
            Some(Err(refused)) => {
                emitted.unminified = Some(refused.clone());
                text
            }
            None => text,
        };
        sink.put(path, bytes);
        emitted.crawled = crawl.map(|c| c.page(path, scan));
        return emitted;
    }
    if minify && path.ends_with(".css") {
        sink.put(path, &minify::css(made.bytes()));
    } else {
        sink.put(path, made.bytes());
    }
    emitted
}

/// The warning for an HTML file the minifier refused, at the source its HTML comes from.
fn unminified(config: &Config, site: &Site, path: &str, job: &FileJob, why: &str) -> Diagnostic {
    let problem = Problem::NotMinified {
        reason: why.to_string(),
    };
    let output = || config.display_path(&config.output_dir).join(path);
    let d = Diagnostic::new(problem, body_source(site, job).unwrap_or_else(output)).warning();
    d.with_help(format!(
        "the page is /{path}; look for raw HTML in its source that is not closed, closes the \
         wrong element, or has a comment written `<!-->`"
    ))
}

/// The source whose Markdown body a generated page shows, if it has one.
fn body_source(site: &Site, job: &FileJob) -> Option<PathBuf> {
    let FileJob::Page(job) = job else {
        return None;
    };
    let file = match *job {
        Job::Page(i) => Some(&site.pages[i].doc.file),
        Job::Home => site.home.as_ref().map(|h| &h.file),
        Job::Section(i, _) => site.sections[i].intro.as_ref(),
        Job::Tag(i, _) => site.tags[i].profile.as_ref(),
        Job::City(i) => site.cities[i].profile.as_ref(),
        Job::Tags | Job::Cities | Job::NotFound => None,
    };
    file.map(|f| f.path.clone())
}

/// Every file of the site with its output path, in a fixed order: pages, then support and
/// machine-read files.
fn file_jobs<'a>(
    config: &'a Config,
    theme: &'a Theme,
    site: &'a Site,
    all: &'a [usize],
) -> Vec<(String, FileJob<'a>)> {
    let mut jobs: Vec<(String, FileJob)> = page_jobs(config, site)
        .into_iter()
        .map(|job| (job_path(site, job), FileJob::Page(job)))
        .collect();
    jobs.push((SYNTAX_CSS.into(), FileJob::Syntax));
    for (path, file) in &theme.statics {
        jobs.push((path.clone(), FileJob::Static(file)));
    }
    for asset in &site.assets {
        jobs.push((asset.clone(), FileJob::Asset));
    }
    for f in feeds(config, site, all) {
        jobs.push((f.path.clone(), FileJob::Feed(f)));
    }
    if config.sitemap {
        let urls = feeds::sitemap_urls(site, &listed(site, all));
        for (path, xml) in feeds::sitemaps(config, &urls, feeds::SITEMAP_LIMIT) {
            jobs.push((path, FileJob::Text(xml)));
        }
    }
    if config.robots {
        jobs.push(("robots.txt".into(), FileJob::Text(feeds::robots(config))));
    }
    for (i, r) in site.redirects.iter().enumerate() {
        jobs.push((r.output_path(), FileJob::Redirect(i)));
    }
    jobs
}

/// The output path of a page job.
fn job_path(site: &Site, job: Job) -> String {
    let dir = match job {
        Job::NotFound => return "404.html".into(),
        Job::Home => "",
        Job::Section(i, n) => return format!("{}index.html", paged(&site.sections[i].path, n)),
        Job::Page(i) => &site.pages[i].path,
        Job::Tags => "tags/",
        Job::Tag(i, n) => return format!("{}index.html", paged(&site.tags[i].path, n)),
        Job::Cities => "cities/",
        Job::City(i) => &site.cities[i].path,
    };
    format!("{dir}index.html")
}

/// The site path of page `n` of the list at `base`.
fn paged(base: &str, n: usize) -> String {
    if n == 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

/// What every file job needs to be made.
struct Make<'a> {
    config: &'a Config,
    site: &'a Site,
    theme: &'a Theme,
    tera: &'a Tera,
    pages: &'a Pages<'a>,
    /// Whether the bytes are wanted; static and content files are not read when not.
    keep: bool,
}

/// A finished file before minifying: text tradekb generated, or a file copied as it is.
enum Made<'j> {
    Text(Cow<'j, [u8]>),
    Binary(Cow<'j, [u8]>),
}

impl Made<'_> {
    fn bytes(&self) -> &[u8] {
        match self {
            Made::Text(b) | Made::Binary(b) => b,
        }
    }
}

impl Make<'_> {
    fn file<'j>(&self, path: &str, job: &'j FileJob) -> Result<Made<'j>, Diagnostic> {
        let text = |s: String| Made::Text(Cow::Owned(s.into_bytes()));
        Ok(match job {
            FileJob::Page(job) => {
                Made::Text(Cow::Owned(self.pages.render(self.tera, self.theme, job)?))
            }
            FileJob::Feed(f) => text(feeds::atom(
                self.config,
                self.site,
                &self.pages.bodies.pages,
                f,
            )),
            FileJob::Text(s) => Made::Text(Cow::Borrowed(s.as_bytes())),
            FileJob::Redirect(i) => Made::Text(Cow::Owned(self.pages.redirect(
                self.tera,
                self.theme,
                &self.site.redirects[*i],
            )?)),
            FileJob::Syntax => text(highlight::stylesheet(&self.config.highlight)),
            FileJob::Static(StaticFile::Embedded(b)) => Made::Binary(Cow::Borrowed(b)),
            FileJob::Static(StaticFile::Disk(src)) => Made::Binary(self.read(src)?),
            FileJob::Asset => Made::Binary(self.read(&self.config.content_dir.join(path))?),
        })
    }

    fn read(&self, src: &Path) -> Result<Cow<'static, [u8]>, Diagnostic> {
        if !self.keep {
            return Ok(Cow::Borrowed(&[]));
        }
        std::fs::read(src).map(Cow::Owned).map_err(|e| {
            let problem = Problem::Unreadable {
                message: e.to_string(),
            };
            Diagnostic::new(problem, self.config.display_path(src))
        })
    }
}

/// Two files of the plan at one output path: an alias onto a feed, a content file where a
/// page goes. The URL claims of the resolve stage see pages; this sees every file.
fn clashing_files(config: &Config, theme: &Theme, site: &Site, files: &[&str]) -> Vec<Diagnostic> {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut problems = Vec::new();
    for &path in files {
        let count = seen.entry(path).or_default();
        *count += 1;
        if *count == 2 && !claimed_by_resolve(site, path, files) {
            let origins = origins_of(config, theme, site, path);
            let problem = Problem::UrlCollision {
                what: "output file".into(),
                url: format!("/{path}"),
                other: origins
                    .get(1)
                    .cloned()
                    .unwrap_or_else(|| "a file tradekb generates".into()),
            };
            // An alias is the likely mistake: point at its line.
            let alias = site.redirects.iter().find(|r| r.output_path() == path);
            let d = match alias {
                Some(r) => crate::site::at_key(&site.pages[r.to].doc.file, "aliases", problem),
                None => {
                    let source = origins
                        .first()
                        .cloned()
                        .unwrap_or_else(|| "(generated)".into());
                    Diagnostic::new(problem, source)
                }
            };
            let d = d.with_help("change the alias or move the file");
            problems.push(d);
        }
    }
    for &path in files {
        // `a/b` cannot be both a file and the folder of `a/b/index.html`.
        let mut ancestors = path.match_indices('/').map(|(i, _)| &path[..i]);
        if let Some(folder) = ancestors.find(|a| seen.contains_key(a)) {
            let origins = origins_of(config, theme, site, folder);
            let message =
                format!("/{folder} is written as a file, but /{path} needs it to be a folder");
            let source = origins
                .first()
                .cloned()
                .unwrap_or_else(|| "(generated)".into());
            problems.push(Diagnostic::new(Problem::Unsupported { message }, source));
        }
    }
    diagnostic::sort(&mut problems);
    problems
}

/// Whether every writer of `path` is a page or redirect whose URL the resolve stage claims
/// (and so has reported already when two of them meet).
fn claimed_by_resolve(site: &Site, path: &str, files: &[&str]) -> bool {
    let writers = files.iter().filter(|&&f| f == path).count();
    let page_dir = path.strip_suffix("index.html");
    let is_list = |p: &str| {
        p.is_empty()
            || p == "tags/"
            || p == "cities/"
            || site.sections.iter().any(|s| s.path == p)
            || site.tags.iter().any(|t| t.path == p)
            || site.cities.iter().any(|c| c.path == p)
    };
    let pages = page_dir.map_or(0, |d| {
        site.pages.iter().filter(|p| p.path == d).count() + usize::from(is_list(d))
    });
    let redirects = site
        .redirects
        .iter()
        .filter(|r| r.output_path() == path)
        .count();
    pages + redirects >= writers
}

/// Where the files written at `path` come from, sources first.
fn origins_of(config: &Config, theme: &Theme, site: &Site, path: &str) -> Vec<String> {
    let mut out: Vec<String> = site
        .redirects
        .iter()
        .filter(|r| r.output_path() == path)
        .map(|r| site.pages[r.to].doc.file.path.display().to_string())
        .collect();
    if site.assets.binary_search(&path.to_string()).is_ok() {
        out.push(
            config
                .display_path(&config.content_dir.join(path))
                .display()
                .to_string(),
        );
    }
    if theme.statics.contains_key(path) {
        out.push(format!("the theme's static/{path}"));
    }
    out
}

/// Everything a link in a body may point at: pages, lists, feeds and files.
fn link_targets<'a>(config: &'a Config, theme: &Theme, site: &'a Site) -> Targets<'a> {
    let generated = [
        SYNTAX_CSS,
        "404.html",
        "sitemap.xml",
        "robots.txt",
        feeds::SITE_FEED,
    ];
    let files = theme
        .statics
        .keys()
        .cloned()
        .chain(generated.map(String::from));
    Targets::new(
        site,
        &config.base_url,
        list_paths(config, site).into_iter().chain(files),
    )
}

/// The site's feed and one per tag and per city with articles.
fn feeds<'a>(config: &'a Config, site: &'a Site, all: &'a [usize]) -> Vec<feeds::Feed<'a>> {
    let mut out = Vec::new();
    if let Some(path) = feeds::feed_path(config, "", all) {
        out.push(feeds::Feed {
            title: config.title.clone(),
            path,
            page_path: "",
            subtitle: Some(&config.description),
            entries: all,
        });
    }
    for t in &site.tags {
        if let Some(path) = feeds::feed_path(config, &t.path, &t.pages) {
            let title = format!("{} · {}", t.name, config.title);
            out.push(feeds::Feed {
                title,
                path,
                page_path: &t.path,
                subtitle: t.description.as_deref(),
                entries: &t.pages,
            });
        }
    }
    for c in &site.cities {
        if let Some(path) = feeds::feed_path(config, &c.path, &c.pages) {
            let title = format!("{} · {}", c.name, config.title);
            out.push(feeds::Feed {
                title,
                path,
                page_path: &c.path,
                subtitle: None,
                entries: &c.pages,
            });
        }
    }
    out
}

/// The list pages of the sitemap (first pages only) with the articles they show.
fn listed<'a>(site: &'a Site, all: &'a [usize]) -> Vec<(String, &'a [usize])> {
    let mut lists = vec![
        (String::new(), all),
        ("tags/".to_string(), all),
        ("cities/".to_string(), all),
    ];
    lists.extend(
        site.sections
            .iter()
            .map(|s| (s.path.clone(), s.pages.as_slice())),
    );
    lists.extend(
        site.tags
            .iter()
            .map(|t| (t.path.clone(), t.pages.as_slice())),
    );
    lists.extend(
        site.cities
            .iter()
            .map(|c| (c.path.clone(), c.pages.as_slice())),
    );
    lists
}

/// Site paths of the lists: pagination pages and taxonomy indexes, which have no source file.
fn list_paths(config: &Config, site: &Site) -> Vec<String> {
    let mut paths = vec![String::new(), "tags/".to_string(), "cities/".to_string()];
    for s in &site.sections {
        let per = s.meta.paginate_by.unwrap_or(config.paginate_by);
        paths.extend((2..=page_count(s.pages.len(), per)).map(|n| format!("{}page/{n}/", s.path)));
    }
    for t in &site.tags {
        paths.push(t.path.clone());
        paths.extend(
            (2..=page_count(t.pages.len(), config.paginate_by))
                .map(|n| format!("{}page/{n}/", t.path)),
        );
    }
    paths.extend(site.cities.iter().map(|c| c.path.clone()));
    let feeds = site
        .tags
        .iter()
        .map(|t| (&t.path, &t.pages))
        .chain(site.cities.iter().map(|c| (&c.path, &c.pages)));
    paths.extend(feeds.filter_map(|(path, pages)| feeds::feed_path(config, path, pages)));
    paths.extend(site.sections.iter().map(|s| s.path.clone()));
    paths.extend(site.pages.iter().map(|p| p.path.clone()));
    paths
}

fn page_count(items: usize, per: usize) -> usize {
    items.div_ceil(per.max(1)).max(1)
}

/// Loads the templates into Tera and sets the data every template receives.
fn setup(config: &Config, theme: &Theme, views: &Views) -> Result<Tera, Vec<Diagnostic>> {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    let sources = theme
        .templates
        .iter()
        .map(|(name, t)| (name.as_str(), t.source.as_str()));
    tera.add_raw_templates(sources)
        .map_err(|e| vec![template_error(theme, &e, None)])?;
    let site = map(vec![
        ("title", config.title.as_str().into()),
        ("description", config.description.as_str().into()),
        ("language", config.language.as_str().into()),
        ("base_url", config.base_url.absolute.as_str().into()),
        ("root", config.base_url.root.as_str().into()),
        ("extra", Value::from_serializable(&config.extra)),
    ]);
    let nav: Vec<Value> = views
        .site
        .sections
        .iter()
        .map(|s| nav_item(views, s))
        .collect();
    let globals = tera.global_context();
    globals.insert_value("site", site);
    globals.insert_value("t", Value::from_serializable(&views.strings.all));
    globals.insert_value("nav", Value::from(nav));
    let all: Vec<usize> = (0..views.site.pages.len()).collect();
    let feed = feeds::feed_path(config, "", &all).map(|p| config.base_url.url(&p));
    globals.insert_value("feed_url", feed.into());
    Ok(tera)
}

fn nav_item(views: &Views, s: &crate::site::Section) -> Value {
    map(vec![
        ("key", s.key.as_str().into()),
        ("title", views.section_title(s).into()),
        ("url", views.config.base_url.url(&s.path).into()),
        ("kind", s.kind.as_str().into()),
    ])
}

/// A template error as a diagnostic of the template's file: Tera's report is taken apart
/// into its message, `name:line:column`, caret width and notes.
fn template_error(theme: &Theme, e: &tera::Error, rendering: Option<&str>) -> Diagnostic {
    let report = e.to_string();
    let mut lines = report.lines();
    let first = lines.next().unwrap_or_default();
    let message = first.strip_prefix("error: ").unwrap_or(first).to_string();
    let rest: Vec<&str> = lines.collect();
    let located = rest
        .iter()
        .find_map(|l| l.trim_start().strip_prefix("--> "))
        .and_then(parse_location);
    let notes: Vec<&str> = rest
        .iter()
        .filter_map(|l| l.trim_start().strip_prefix("note: "))
        .collect();
    let named = located.as_ref().map(|(name, ..)| name.as_str());
    let template = named.and_then(|n| theme.templates.get(n)).or_else(|| {
        theme
            .templates
            .iter()
            .find(|(n, _)| report.contains(&format!("'{n}'")))
            .map(|(_, t)| t)
    });
    let origin = template.map_or_else(|| PathBuf::from("templates"), |t| t.origin.clone());
    let mut d = Diagnostic::new(Problem::Template { message }, origin);
    if let (Some(t), Some((_, line, column))) = (template, &located) {
        let width = rest
            .iter()
            .map(|l| l.matches('^').count())
            .max()
            .unwrap_or(1);
        d = d.at(&t.source, *line, *column, width);
    }
    let mut help: Vec<String> = notes.iter().map(|n| n.to_string()).collect();
    if let Some(path) = rendering {
        help.push(format!("while rendering /{path}"));
    }
    if !help.is_empty() {
        d = d.with_help(help.join("; "));
    }
    d
}

/// `name:line:column` from Tera's report.
fn parse_location(text: &str) -> Option<(String, usize, usize)> {
    let mut parts = text.trim().rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    Some((parts.next()?.to_string(), line, column))
}

fn render_bodies(
    site: &Site,
    md: &Markdown,
    targets: &Targets,
    observer: &dyn Observer,
) -> (Bodies, Vec<Diagnostic>) {
    let one =
        |file: &SourceFile, path: &str| md.render(file.body(), &targets.for_file(&file.rel, path));
    let opt = |file: Option<&SourceFile>, path: &str| file.map(|f| one(f, path));
    let (pages, (sections, (tags, cities))) = rayon::join(
        || {
            progress::each(observer, Step::Markdown, &site.pages, |p| {
                one(&p.doc.file, &p.path)
            })
        },
        || {
            rayon::join(
                || {
                    site.sections
                        .iter()
                        .map(|s| opt(s.intro.as_ref(), &s.path))
                        .collect()
                },
                || {
                    rayon::join(
                        || {
                            site.tags
                                .iter()
                                .map(|t| opt(t.profile.as_ref(), &t.path))
                                .collect()
                        },
                        || {
                            site.cities
                                .iter()
                                .map(|c| opt(c.profile.as_ref(), &c.path))
                                .collect()
                        },
                    )
                },
            )
        },
    );
    let home = opt(site.home.as_ref().map(|h| &h.file), "");
    let bodies = Bodies {
        home,
        sections,
        pages,
        tags,
        cities,
    };
    let problems = check_links(site, &bodies);
    (bodies, problems)
}

/// Every body with its source, for checks that look at all of them.
fn each_body<'a>(site: &'a Site, b: &'a Bodies) -> Vec<(&'a SourceFile, &'a str, &'a Rendered)> {
    let mut all = Vec::new();
    if let (Some(h), Some(r)) = (&site.home, &b.home) {
        all.push((&h.file, "", r));
    }
    for (s, r) in site.sections.iter().zip(&b.sections) {
        if let (Some(f), Some(r)) = (&s.intro, r) {
            all.push((f, s.path.as_str(), r));
        }
    }
    for (p, r) in site.pages.iter().zip(&b.pages) {
        all.push((&p.doc.file, p.path.as_str(), r));
    }
    for (t, r) in site.tags.iter().zip(&b.tags) {
        if let (Some(f), Some(r)) = (&t.profile, r) {
            all.push((f, t.path.as_str(), r));
        }
    }
    for (c, r) in site.cities.iter().zip(&b.cities) {
        if let (Some(f), Some(r)) = (&c.profile, r) {
            all.push((f, c.path.as_str(), r));
        }
    }
    all
}

/// Links that lead nowhere: to a missing page (found while rendering) or a missing anchor.
fn check_links(site: &Site, bodies: &Bodies) -> Vec<Diagnostic> {
    let all = each_body(site, bodies);
    let anchors: HashMap<&str, (&BTreeSet<String>, &Path)> = all
        .iter()
        .map(|(f, path, r)| (*path, (&r.anchors, f.path.as_path())))
        .collect();
    let mut problems = Vec::new();
    for (file, _, r) in &all {
        let at = |span: &std::ops::Range<usize>, problem: Problem| {
            Diagnostic::new(problem, file.path.clone()).at_offset(
                &file.text,
                file.body_offset + span.start,
                span.len(),
            )
        };
        if let Some(offset) = r.too_deep {
            let problem = Problem::NestedTooDeep {
                limit: crate::content::markdown::MAX_NESTING,
            };
            let d = Diagnostic::new(problem, file.path.clone()).at_offset(
                &file.text,
                file.body_offset + offset,
                1,
            );
            problems.push(d.with_help("flatten the quotes or lists that open here"));
        }
        for b in &r.broken {
            let problem = Problem::BrokenLink {
                target: b.dest.clone(),
                reason: b.reason.clone(),
            };
            problems.push(at(&b.span, problem));
        }
        for l in &r.links {
            let Some(anchor) = &l.anchor else {
                continue;
            };
            let Some((ids, target_file)) = anchors.get(l.target.as_str()) else {
                continue;
            };
            if !ids.contains(anchor) {
                let reason = format!(
                    "{} has no heading or footnote with the id `{anchor}`",
                    target_file.display()
                );
                let d = at(
                    &l.span,
                    Problem::BrokenLink {
                        target: l.dest.clone(),
                        reason,
                    },
                );
                problems.push(d.with_help(suggest_anchor(anchor, ids)));
            }
        }
    }
    diagnostic::sort(&mut problems);
    problems
}

fn suggest_anchor(anchor: &str, ids: &BTreeSet<String>) -> String {
    let known: Vec<&str> = ids.iter().map(String::as_str).collect();
    match diagnostic::did_you_mean(anchor, &known) {
        Some(near) => format!("did you mean `#{near}`?"),
        None if known.is_empty() => "that page has no headings".to_string(),
        None => format!(
            "ids on that page: {}",
            known
                .iter()
                .take(12)
                .copied()
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// One output page to render.
#[derive(Debug, Clone, Copy)]
enum Job {
    Home,
    Section(usize, usize),
    Page(usize),
    Tags,
    Tag(usize, usize),
    Cities,
    City(usize),
    NotFound,
}

fn page_jobs(config: &Config, site: &Site) -> Vec<Job> {
    let mut jobs = vec![Job::Home, Job::Tags, Job::Cities, Job::NotFound];
    for (i, s) in site.sections.iter().enumerate() {
        let per = s.meta.paginate_by.unwrap_or(config.paginate_by);
        jobs.extend((1..=page_count(s.pages.len(), per)).map(|n| Job::Section(i, n)));
    }
    for (i, t) in site.tags.iter().enumerate() {
        jobs.extend((1..=page_count(t.pages.len(), config.paginate_by)).map(|n| Job::Tag(i, n)));
    }
    jobs.extend((0..site.cities.len()).map(Job::City));
    jobs.extend((0..site.pages.len()).map(Job::Page));
    jobs
}

mod pages;
use pages::Pages;

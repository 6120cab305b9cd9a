//! Render stage: Markdown bodies to HTML, then every file of the output [`Plan`] through the
//! theme's templates, minified, crawled for dead links and handed to a [`Sink`]. Input: the
//! config, the theme, the resolved [`Site`] and its plan (and, for `serve`, the [`Memo`] of
//! the last build: then only what changed is made). Output: what was produced, or every
//! problem found.

mod api;
mod backlinks;
pub mod context;
mod crawl;
pub mod feeds;
mod memo;
pub mod minify;
pub mod search;
mod structured;
pub mod theme;
mod timeline;
pub mod views;

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use tera::Tera;

use crate::config::Config;
use crate::content::markdown::{Markdown, Rendered, Words};
use crate::content::SourceFile;
use crate::diagnostic::{self, Diagnostic, Problem};
use crate::highlight::{self, Highlighter};
use crate::progress::{self, Observer, Step};
use crate::site::links::Targets;
use crate::site::plan::{self, Output, PageJob, Plan, Planned};
use crate::site::{CityId, PageId, SectionId, Site, Table, TagId};
pub use crate::text::html::Scan;
pub use crawl::Crawled;
pub use memo::Memo;
use theme::{StaticFile, Theme};
use views::{Strings, Views};

/// Where rendered files go: the staging folder of a build, `serve`'s folder, memory, or
/// nowhere for a check.
pub trait Sink: Sync {
    /// Whether the files are wanted at all (a check only reads them).
    fn keeps(&self) -> bool;
    /// Takes one finished file; `path` is relative to the output folder.
    fn put(&self, path: &str, bytes: &[u8]);
    /// Who makes the search index from its records, when not the render (which then puts
    /// the index's files like any others).
    fn handoff(&self) -> Option<&dyn search::Handoff> {
        None
    }
}

/// A sink for checks: files are rendered and crawled, then dropped.
pub struct Discard;

impl Sink for Discard {
    fn keeps(&self) -> bool {
        false
    }
    fn put(&self, _: &str, _: &[u8]) {}
}

/// A sink that keeps every file in memory, in the order they were made.
#[derive(Default)]
pub struct Memory {
    files: std::sync::Mutex<Vec<(String, Vec<u8>)>>,
}

impl Sink for Memory {
    fn keeps(&self) -> bool {
        true
    }

    fn put(&self, path: &str, bytes: &[u8]) {
        if let Ok(mut files) = self.files.lock() {
            files.push((path.to_string(), bytes.to_vec()));
        }
    }
}

impl Memory {
    pub fn into_files(self) -> Vec<(String, Vec<u8>)> {
        self.files.into_inner().unwrap_or_default()
    }
}

/// What the render stage produced.
pub struct Produced {
    /// Files handed to the sink.
    pub files: usize,
    /// The HTML pages among them, with what is left of each after its links were checked.
    pub pages: Vec<(String, Arc<Crawled>)>,
    /// Problems that did not stop the build: pages written unminified.
    pub warnings: Vec<Diagnostic>,
}

/// Markdown bodies of everything that has one, by the same indexes as in [`Site`].
struct Bodies {
    home: Option<Rendered>,
    sections: Table<SectionId, Option<Rendered>>,
    pages: Table<PageId, Rendered>,
    tags: Table<TagId, Option<Rendered>>,
    cities: Table<CityId, Option<Rendered>>,
}

/// The first half of the render stage: every Markdown body to HTML, with the problems of
/// their links. After this the site's source texts are no longer
/// needed (see [`Site::forget_sources`]).
pub struct Prepared {
    bodies: Bodies,
    /// Per article, its body's key; only when a [`Memo`] is kept.
    body_keys: Table<PageId, u64>,
    problems: Vec<Diagnostic>,
    /// What the bodies publish that their authors may not mean to (Hugo shortcodes).
    warnings: Vec<Diagnostic>,
}

/// Renders every Markdown body; with a `memo`, only those whose key is not in it.
pub fn prepare(
    config: &Config,
    theme: &Theme,
    site: &Site,
    plan: &Plan,
    observer: &dyn Observer,
    memo: Option<&mut Memo>,
) -> Prepared {
    let highlighter = Highlighter::default();
    let targets = Targets::new(site, &config.base_url, plan.link_targets());
    let word = |key: &str| theme.strings.get(key).and_then(|v| v.as_str());
    let words = Words {
        done: word("task_done").unwrap_or("done"),
        todo: word("task_todo").unwrap_or("to do"),
        back: word("footnote_back").unwrap_or("back to text"),
    };
    let md = Markdown {
        highlighter: &highlighter,
        raw_html: config.raw_html,
        words,
    };
    let (keys, known) = match memo {
        Some(memo) => {
            let keys = body_keys(config, site, &targets, words);
            let known = keys.iter().map(|k| memo.bodies.remove(k)).collect();
            (keys, known)
        }
        None => (Table::default(), site.pages.iter().map(|_| None).collect()),
    };
    let (bodies, problems) = render_bodies(site, &md, &targets, observer, known);
    let mut warnings = shortcode_warnings(site, &bodies);
    warnings.extend(unlisted_pages(site, &bodies));
    warnings.extend(theme.warnings.iter().cloned());
    Prepared {
        bodies,
        body_keys: keys,
        problems,
        warnings,
    }
}

/// The key of each article's body: its whole source file (front matter too: its page shows
/// both), its page's path, and everything its links resolve against.
fn body_keys(config: &Config, site: &Site, targets: &Targets, words: Words) -> Table<PageId, u64> {
    let links = targets.fingerprint();
    let raw_html = format!("{:?}", config.raw_html);
    site.pages
        .par_iter()
        .map(|p| {
            memo::Key::new("body")
                .number(links)
                .text(&raw_html)
                .text(words.done)
                .text(words.todo)
                .text(words.back)
                .text(&p.doc.file.rel)
                .text(&p.path)
                .number(p.doc.file.digest)
                .finish()
        })
        .collect::<Vec<u64>>()
        .into()
}

/// What the render stage renders from.
pub struct Inputs<'a> {
    pub config: &'a Config,
    pub theme: &'a Theme,
    pub site: &'a Site,
    pub plan: &'a Plan,
    /// Which resolve made the site and plan, for `serve`'s memo: the same number as the last
    /// good build's means the same site and plan, with only article bodies edited since, so
    /// that files showing no edited article keep their key.
    pub epoch: u64,
}

/// What a render is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Hand every file to the sink and check its links.
    Publish,
    /// Earlier stages found errors: nothing goes to the sink and links are not crawled; the
    /// render only looks for more problems (in templates).
    ProblemsOnly,
}

/// Renders every file of the plan and hands each to `sink` as soon as it is finished
/// (minified when the config says so), checking its links as it goes. Files go to the
/// sink only while no problem is known; the caller throws them away if any turns up later.
pub fn render(
    inputs: &Inputs,
    prepared: Prepared,
    sink: &dyn Sink,
    mode: Mode,
    observer: &dyn Observer,
    mut memo: Option<&mut Memo>,
) -> Result<Produced, Vec<Diagnostic>> {
    let Inputs {
        config,
        theme,
        site,
        plan,
        ..
    } = *inputs;
    let Prepared {
        bodies,
        body_keys,
        mut problems,
        warnings: body_warnings,
    } = prepared;
    let strings = Strings::new(theme.strings.clone(), &config.language);
    let views = Views {
        config,
        site,
        strings: &strings,
    };
    let (tera, template_data) = match setup(theme, &views, plan) {
        Ok(tera) => tera,
        Err(mut p) => {
            if let Some(memo) = memo {
                memo.take_back(body_keys, bodies.pages, false);
            }
            problems.append(&mut p);
            return Err(problems);
        }
    };
    let global = memo
        .is_some()
        .then(|| memo::site_key(config, theme, template_data, plan));
    let remembered = global
        .zip(memo.as_deref_mut())
        .map(|(g, m)| (g, inputs.epoch, m));
    // Made side by side: the records on every thread, the backlinks on one.
    let ((refs, ref_keys), backlinks) = rayon::join(
        || memo::page_refs(&views, &bodies.pages, &body_keys, remembered),
        || backlinks::of(site, &bodies.pages),
    );
    let pages = Pages {
        views: &views,
        bodies: &bodies,
        refs: &refs,
        backlinks: &backlinks,
    };
    let paths: Vec<&str> = plan.files.iter().map(|f| f.path.as_str()).collect();
    let quiet = !problems.is_empty() || mode == Mode::ProblemsOnly;
    let sink: &dyn Sink = if quiet { &Discard } else { sink };
    let all = PageId::all(&site.pages);
    let make = Make {
        config,
        site,
        theme,
        tera: &tera,
        pages: &pages,
        all: &all,
        sitemap: std::sync::OnceLock::new(),
        keep: sink.keeps(),
        timeline: plan.has_timeline(),
    };
    let redirects = (site.redirects.iter())
        .map(|r| {
            (
                r.output_path(),
                format!("{}index.html", site.pages[r.to].path),
            )
        })
        .collect();
    let crawl = crawl::Crawl::new(&paths, &config.base_url.root, redirects);
    let keys = match global.zip(memo.as_deref_mut()) {
        Some((global, memo)) => {
            let keys = memo::Keys {
                global,
                epoch: inputs.epoch,
                site,
                config,
                theme,
                all: &all,
                pages: &pages,
                refs: &ref_keys,
                bodies: &body_keys,
                links: backlinks::digest(&backlinks),
            };
            memo::file_keys(&keys, plan, memo)
        }
        None => vec![None; plan.files.len()],
    };
    let known = memo.as_deref().map(|m| &m.files);
    let shared = (config.minify && sink.keeps()).then(minify::Shared::default);
    // The search index is made on threads of its own while the pages are (waiting for it
    // on one of rayon's would starve Pagefind, which works on rayon's threads too).
    let (searched, files): (Vec<_>, Vec<_>) = (plan.files.iter().zip(keys.iter().copied()))
        .partition(|(f, _)| f.output == Output::SearchIndex);
    let index_wanted = !searched.is_empty() && !quiet && sink.keeps();
    let jobs = files;
    let (made, index) = std::thread::scope(|s| {
        let index = index_wanted.then(|| {
            s.spawn(|| match sink.handoff() {
                Some(to) => {
                    search::hand_off(&views, &bodies.pages, to);
                    Ok(())
                }
                None => search::index(&views, &bodies.pages, sink),
            })
        });
        let made: Vec<Result<Emitted, Diagnostic>> =
            progress::each(observer, Step::Render, &jobs, |&(planned, key)| {
                let Planned { path, output } = planned;
                if let Some(kept) = known
                    .and_then(|k| k.get(path))
                    .filter(|k| Some(k.key) == key)
                {
                    return Ok(Emitted::kept(kept, quiet));
                }
                let made = make.file(path, output)?;
                let minify = shared.as_ref();
                let crawl = (!quiet).then_some(&crawl);
                emit(path, made, minify, sink, crawl, || make.file(path, output))
            });
        (
            made,
            index.map(|h| h.join().expect("indexing does not panic")),
        )
    });
    if let Some(Err(d)) = index {
        problems.push(d);
    }
    let Sorted {
        crawled,
        mut made_problems,
        mut warnings,
        kept,
    } = sort_out(inputs, jobs, made, memo.is_some());
    problems.append(&mut made_problems);
    warnings.extend(body_warnings);
    diagnostic::sort(&mut warnings);
    match memo.as_deref_mut() {
        Some(memo) => memo.give_back_refs(refs, &ref_keys),
        None => crate::drop_in_background(refs),
    }
    let checked = if !problems.is_empty() || mode == Mode::ProblemsOnly {
        // A crawl now would only repeat the links already reported.
        problems.append(&mut warnings);
        diagnostic::sort(&mut problems);
        Err(problems)
    } else {
        crawl::no_dead_links(config, theme, plan, &crawled)
    };
    match memo {
        Some(memo) => memo.finish(
            body_keys,
            bodies.pages,
            checked.is_ok().then_some((kept, &paths[..])),
        ),
        None => crate::drop_in_background(bodies),
    }
    checked?;
    Ok(Produced {
        files: plan.files.len(),
        pages: crawled,
        warnings,
    })
}

/// What the files of a render came to.
struct Sorted {
    /// HTML pages, with what is left to check of their links.
    crawled: Vec<(String, Arc<Crawled>)>,
    /// Problems found making files (templates), sorted, each once.
    made_problems: Vec<Diagnostic>,
    /// Pages written unminified.
    warnings: Vec<Diagnostic>,
    /// What the memo keeps of each file with a key, when there is a memo.
    kept: HashMap<String, memo::Kept>,
}

fn sort_out(
    inputs: &Inputs,
    jobs: Vec<(&Planned, Option<u64>)>,
    made: Vec<Result<Emitted, Diagnostic>>,
    keep: bool,
) -> Sorted {
    let mut sorted = Sorted {
        crawled: Vec::new(),
        made_problems: Vec::new(),
        warnings: Vec::new(),
        kept: HashMap::new(),
    };
    for ((Planned { path, output }, key), m) in jobs.into_iter().zip(made) {
        match m {
            Ok(emitted) => {
                if let Some(refused) = &emitted.unminified {
                    let w = unminified(inputs.config, inputs.site, path, output, refused);
                    sorted.warnings.push(w);
                }
                if let (Some(key), true) = (key, keep) {
                    sorted.kept.insert(path.clone(), emitted.to_keep(key));
                }
                sorted
                    .crawled
                    .extend(emitted.crawled.map(|c| (path.clone(), c)));
            }
            Err(d) => sorted.made_problems.push(d),
        }
    }
    let problems = &mut sorted.made_problems;
    diagnostic::sort(problems);
    problems
        .dedup_by(|a, b| a.problem == b.problem && a.path == b.path && a.position == b.position);
    sorted
}

/// The crawl's verdict on every page's links, once all pages are known.
/// What became of one finished file.
struct Emitted {
    /// For generated HTML: what is left to check of its links.
    crawled: Option<Arc<Crawled>>,
    /// Why the minifier refused an HTML file, which was then written as rendered.
    unminified: Option<String>,
}

impl Emitted {
    /// A file the last good build made from the same inputs: not made again.
    fn kept(kept: &memo::Kept, quiet: bool) -> Emitted {
        Emitted {
            crawled: kept.crawled.clone().filter(|_| !quiet),
            unminified: kept.unminified.clone(),
        }
    }

    fn to_keep(&self, key: u64) -> memo::Kept {
        memo::Kept {
            key,
            crawled: self.crawled.clone(),
            unminified: self.unminified.clone(),
        }
    }
}

/// Minifies one finished file (when there are `shared` parts to minify it with), hands it
/// to the sink and reads it for the crawl. The content's own HTML files are copied as they
/// are. `remake` makes the file again: the minifier overwrites a page it refuses, which is
/// then written as it was rendered.
fn emit<'m>(
    path: &str,
    made: Made<'m>,
    shared: Option<&minify::Shared>,
    sink: &dyn Sink,
    crawl: Option<&crawl::Crawl>,
    remake: impl FnOnce() -> Result<Made<'m>, Diagnostic>,
) -> Result<Emitted, Diagnostic> {
    let mut emitted = Emitted {
        crawled: None,
        unminified: None,
    };
    if shared.is_some() && path.ends_with(".css") {
        sink.put(path, &minify::css(made.bytes()));
        return Ok(emitted);
    }
    let (Made::Text(text), true) = (&made, path.ends_with(".html")) else {
        sink.put(path, made.bytes());
        return Ok(emitted);
    };
    let mut read = |reading: crate::text::html::Reading<'_>| {
        emitted.crawled = crawl.map(|c| Arc::new(c.page(path, reading)));
    };
    let Some(shared) = shared else {
        read(crate::text::html::scan(text).reading());
        sink.put(path, text);
        return Ok(emitted);
    };
    match minify::page(made.into_bytes(), shared, read) {
        Ok(small) => sink.put(path, &small),
        Err(refusal) => {
            let page = remake()?;
            emitted.unminified = Some(refusal.explain(page.bytes()));
            sink.put(path, page.bytes());
        }
    }
    Ok(emitted)
}

/// The warning for an HTML file the minifier refused, at the source its HTML comes from.
fn unminified(config: &Config, site: &Site, path: &str, output: &Output, why: &str) -> Diagnostic {
    let problem = Problem::NotMinified {
        reason: why.to_string(),
    };
    let output_path = || config.display_path(&config.output_dir).join(path);
    let d = Diagnostic::new(
        problem,
        body_source(site, output).unwrap_or_else(output_path),
    );
    let d = d.warning();
    d.with_help(format!(
        "the page is /{path}. If the quoted HTML is raw HTML of a source, close its elements \
         in order and write no `<!-->`. Text with an `&` just before `<`, `\"` or `'` is also \
         refused by the minifier (a limit of minify-html-onepass); such a page reads right \
         as it is"
    ))
}

/// The source whose Markdown body a generated page shows, if it has one.
fn body_source(site: &Site, output: &Output) -> Option<PathBuf> {
    let Output::Page(job) = output else {
        return None;
    };
    let file = match *job {
        PageJob::Article(i) => Some(&site.pages[i].doc.file),
        PageJob::Home => site.home.as_ref().map(|h| &h.file),
        PageJob::Section(i, _) => site.sections[i].intro.as_ref(),
        PageJob::Tag(i, _) => site.tags[i].profile.as_ref(),
        PageJob::City(i) => site.cities[i].profile.as_ref(),
        PageJob::Tags
        | PageJob::Cities
        | PageJob::Timeline
        | PageJob::TimelineYear(_)
        | PageJob::Search
        | PageJob::NotFound => None,
    };
    file.map(|f| f.path.clone())
}

/// What every file of the plan needs to be made.
struct Make<'a> {
    config: &'a Config,
    site: &'a Site,
    theme: &'a Theme,
    tera: &'a Tera,
    pages: &'a Pages<'a>,
    /// Every article, for the site's feed.
    all: &'a [PageId],
    /// Worked out when a sitemap file is made (a build of `serve` may keep them all).
    sitemap: std::sync::OnceLock<Vec<feeds::SitemapUrl>>,
    /// Whether the bytes are wanted; static and content files are not read when not.
    keep: bool,
    /// Whether the site has a timeline (for the sitemap).
    timeline: bool,
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

    /// The bytes, owned (a copy only if they were borrowed).
    fn into_bytes(self) -> Vec<u8> {
        match self {
            Made::Text(b) | Made::Binary(b) => b.into_owned(),
        }
    }
}

impl Make<'_> {
    fn file(&self, path: &str, output: &Output) -> Result<Made<'_>, Diagnostic> {
        let (config, site) = (self.config, self.site);
        let text = |s: String| Made::Text(Cow::Owned(s.into_bytes()));
        Ok(match *output {
            Output::Page(job) => {
                Made::Text(Cow::Owned(self.pages.render(self.tera, self.theme, &job)?))
            }
            Output::Feed(of) => {
                let feed = feeds::Feed::of(config, site, self.all, of, path);
                text(feeds::atom(config, site, &self.pages.bodies.pages, &feed))
            }
            Output::Sitemap(file) => {
                let urls = (self.sitemap).get_or_init(|| {
                    feeds::sitemap_urls(site, &plan::sitemap_lists(site, self.timeline))
                });
                text(feeds::sitemap(config, urls, file))
            }
            Output::Robots => text(feeds::robots(config)),
            Output::Redirect(i) => {
                let page = self
                    .pages
                    .redirect(self.tera, self.theme, &site.redirects[i])?;
                Made::Text(Cow::Owned(page))
            }
            Output::Syntax => text(highlight::stylesheet(
                &config.highlight.light,
                &config.highlight.dark,
            )),
            Output::ThemeStatic => match self.theme.statics.get(path) {
                Some(StaticFile::Embedded(b)) => Made::Binary(Cow::Borrowed(b)),
                Some(StaticFile::Disk(src)) => Made::Binary(self.read(src)?),
                None => Made::Binary(Cow::Borrowed(&[])),
            },
            Output::Asset(i) => {
                let source = config.content_dir.join(&self.site.assets[i]);
                Made::Binary(self.read(&source)?)
            }
            Output::Api(which) => {
                text(api::file(self.pages.views, &self.pages.bodies.pages, which))
            }
            Output::SearchIndex => unreachable!("made beside the other files (see `render`)"),
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

/// Loads the templates into Tera and sets the data every template receives.
/// Also returns the key of the data every template receives.
fn setup(theme: &Theme, views: &Views, plan: &Plan) -> Result<(Tera, u64), Vec<Diagnostic>> {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    let sources = theme
        .templates
        .iter()
        .map(|(name, t)| (name.as_str(), t.source.as_str()));
    tera.add_raw_templates(sources)
        .map_err(|e| vec![template_error(theme, &e, None)])?;
    let globals = views.globals(plan.has_search_page(), plan.has_timeline());
    let key = memo::Key::new("globals").value(&globals).finish();
    let globals = tera::Context::from_serialize(&globals)
        .map_err(|e| vec![template_error(theme, &e, None)])?;
    tera.global_context().extend(globals);
    Ok((tera, key))
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

/// Every body to HTML, but for the articles whose body is `known` already.
fn render_bodies(
    site: &Site,
    md: &Markdown,
    targets: &Targets,
    observer: &dyn Observer,
    known: Table<PageId, Option<Rendered>>,
) -> (Bodies, Vec<Diagnostic>) {
    let one =
        |file: &SourceFile, path: &str| md.render(file.body(), &targets.for_file(&file.rel, path));
    let opt = |file: Option<&SourceFile>, path: &str| file.map(|f| one(f, path));
    let (pages, (sections, (tags, cities))) = rayon::join(
        || {
            let missing: Vec<&crate::site::Page> = (site.pages.iter().zip(&known))
                .filter(|(_, k)| k.is_none())
                .map(|(p, _)| p)
                .collect();
            let fresh = progress::each(observer, Step::Markdown, &missing, |p| {
                one(&p.doc.file, &p.path)
            });
            let mut fresh = fresh.into_iter();
            known
                .into_iter()
                .map(|k| k.or_else(|| fresh.next()).unwrap_or_default())
                .collect()
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

/// A warning at each shortcode (Hugo, Zola) or tag plugin (Hexo) a body publishes as text.
fn shortcode_warnings(site: &Site, bodies: &Bodies) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (file, _, r) in each_body(site, bodies) {
        for span in &r.shortcodes {
            let text = file
                .body()
                .get(span.clone())
                .unwrap_or_default()
                .to_string();
            let problem = Problem::Shortcode { text };
            let at = file.body_offset + span.start;
            let help = "tradekb has no shortcodes: write it in Markdown (`tradekb import --from hugo` converts Hugo's figure, ref, relref, youtube and highlight)";
            let d =
                Diagnostic::new(problem, file.path.clone()).at_offset(&file.text, at, span.len());
            out.push(d.with_help(help).warning());
        }
    }
    out
}

/// A warning for each page at the content root that no body links to: no list shows it,
/// so readers cannot find it (unless a template of the site's own links to it).
fn unlisted_pages(site: &Site, bodies: &Bodies) -> Vec<Diagnostic> {
    let linked: std::collections::HashSet<&str> = (each_body(site, bodies).into_iter())
        .flat_map(|(_, _, r)| r.links.iter().map(|l| l.target.as_str()))
        .collect();
    let unlisted = site.pages.iter().filter(|p| p.section.is_none());
    unlisted
        .filter(|p| !linked.contains(p.path.as_str()))
        .map(|p| {
            let problem = Problem::Unlisted {
                url: format!("/{}", p.path),
            };
            let help = format!(
                "link to it from another page (`[{}]({})`), or move it into a section folder",
                p.doc.meta.title, p.doc.file.rel
            );
            let first = p
                .doc
                .file
                .text
                .lines()
                .next()
                .unwrap_or_default()
                .chars()
                .count();
            Diagnostic::new(problem, p.doc.file.path.clone())
                .at(&p.doc.file.text, 1, 1, first.max(1))
                .with_help(help)
                .warning()
        })
        .collect()
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
            // Ids of the theme (`tkb-main`) are the crawl's to check: the body has none.
            let theme_id = |a: &String| a.starts_with(crate::content::markdown::THEME_ID_PREFIX);
            let Some(anchor) = l.anchor.as_ref().filter(|a| !theme_id(a)) else {
                continue;
            };
            let Some((ids, target_file)) = anchors.get(l.target.as_str()) else {
                continue;
            };
            if !ids.contains(anchor) {
                let reason = format!(
                    "{} has no heading, footnote or element with the id `{anchor}`",
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

mod pages;
use pages::Pages;

//! tradekb: a static site generator for trade-policy knowledge bases.
//!
//! A build runs four stages, each taking data and returning data:
//! load (`content`) → resolve (`site`) → render (`render`) → write (`output`).

// Diagnostics are returned on the cold path only; boxing them would buy nothing measurable.
#![allow(clippy::result_large_err)]

pub mod check;
pub mod config;
pub mod content;
pub mod diagnostic;
pub mod highlight;
pub mod import;
pub mod output;
pub mod progress;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod text;

use std::time::{Duration, Instant};

pub use config::{Config, IfLocked, Overrides};
pub use diagnostic::{Diagnostic, Problem};
pub use progress::{Observer, Step, Unobserved};

/// Why a build stopped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Problems in the site's files: content, config, templates. All of them, sorted;
    /// warnings among them too.
    #[error("{}", count_errors(.0))]
    Site(Vec<Diagnostic>),
    #[error(transparent)]
    Write(#[from] output::WriteError),
}

fn count_errors(d: &[Diagnostic]) -> String {
    let n = d.iter().filter(|d| d.is_error()).count();
    format!("the site has {n} error{}", if n == 1 { "" } else { "s" })
}

impl From<Vec<Diagnostic>> for Error {
    fn from(d: Vec<Diagnostic>) -> Self {
        Error::Site(d)
    }
}

/// What a build did, for the summary line.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub articles: usize,
    pub pages: usize,
    pub files: usize,
    pub tags: usize,
    pub cities: usize,
    /// Problems that did not stop the build.
    pub warnings: Vec<Diagnostic>,
    pub stages: Stages,
}

/// How long each stage took. Files are written while they are rendered, so `render`
/// includes writing them (`writing` says how much thread time that took); `write` is
/// putting the finished site in place.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stages {
    pub load: Duration,
    pub resolve: Duration,
    pub render: Duration,
    pub write: Duration,
    /// Thread time spent writing files during the render stage.
    pub writing: Duration,
}

impl Stages {
    pub fn total(&self) -> Duration {
        self.load + self.resolve + self.render + self.write
    }
}

/// Builds the site described by `config` into its output folder. The output folder is
/// replaced only when the site has no error; warnings are returned in the report.
pub fn build(config: &Config) -> Result<Report, Error> {
    build_observed(config, &Unobserved)
}

/// [`build`], telling `observer` what happens.
pub fn build_observed(config: &Config, observer: &dyn Observer) -> Result<Report, Error> {
    let staging = output::Staging::begin(config, |pid| observer.waiting_for_output(pid))?;
    let mut report = render_into(config, &staging, observer)?;
    report.stages.writing = staging.busy();
    timed(&mut report.stages.write, || staging.finish())?;
    Ok(report)
}

/// Loads, resolves and renders the site, handing every file to `sink` (a staging folder,
/// or `serve`'s memory); the report when the site has no error.
pub fn render_into(
    config: &Config,
    sink: &dyn render::Sink,
    observer: &dyn Observer,
) -> Result<Report, Error> {
    render_memo(config, sink, observer, None)
}

/// What one build leaves for the next, so that `serve` re-runs only what an edit touched:
/// each source as read (while the file is unchanged), each article's Markdown body (while
/// its file and everything its links resolve against are), what made each file of the last
/// good build, and that build's resolved site and plan (reused while an edit changes only
/// article bodies). A default `Memo` remembers nothing: the next build is a full one.
#[derive(Default)]
pub struct Memo {
    sources: content::Cache,
    render: render::Memo,
    last: Option<Resolved>,
    /// What a watcher saw change since the last build.
    seen: Seen,
    /// Counts the builds that resolved their site (rather than patching the last one).
    epoch: u64,
}

impl Memo {
    /// Every file of the last good build, by path inside the output folder.
    pub fn planned(&self) -> &[String] {
        self.render.planned()
    }

    /// Tells what a watcher saw change: paths inside the site's folder (`content/a.md`), or
    /// none when it cannot tell (it lost events). Without this, a build looks at the stamp
    /// of every source; with it, at the sources seen only.
    pub fn saw(&mut self, changed: Option<Vec<String>>) {
        self.seen = match (std::mem::take(&mut self.seen), changed) {
            (Seen::Unknown, _) | (_, None) => Seen::Unknown,
            (Seen::Unwatched, Some(paths)) => Seen::Paths(paths),
            (Seen::Paths(mut before), Some(paths)) => {
                before.extend(paths);
                Seen::Paths(before)
            }
        };
    }

    /// The last good build's site and plan, with the bodies of the articles edited since
    /// put in, when nothing else changed: the same config (today's date included), the same
    /// static files, and no source but article bodies (see [`content::Cache::body_edits`]).
    /// Also the problems (warnings) loading and resolving found then, which such an edit
    /// cannot change.
    fn patched(&mut self, config: &Config, theme: &render::theme::Theme) -> Option<Resolved> {
        let seen = self.take_seen();
        let last = self.last.take()?;
        let same = last.config == format!("{config:?}") && last.statics == statics(config, theme);
        let edits = same
            .then(|| self.sources.body_edits(config, seen.as_deref()))
            .flatten();
        let Some(edits) = edits else {
            drop_in_background(last);
            return None;
        };
        let mut last = last;
        for doc in edits {
            // An unpublished article (a draft) has no page: it stays unpublished.
            if let Some(&id) = last.pages.get(&doc.file.rel) {
                last.site.pages[id].doc = doc;
            }
        }
        Some(last)
    }
}

impl Memo {
    /// The sources the watcher saw change since they were last read, as paths inside
    /// `content/`; none when every stamp must be looked at.
    fn take_seen(&mut self) -> Option<Vec<String>> {
        match std::mem::take(&mut self.seen) {
            Seen::Unwatched => None,
            Seen::Unknown => {
                self.seen = Seen::Paths(Vec::new());
                None
            }
            Seen::Paths(paths) => {
                self.seen = Seen::Paths(Vec::new());
                content_paths(paths)
            }
        }
    }

    /// Before the sources are loaded and the site resolved again: the cache will hold what
    /// the sources say now, which the last good site may not (a build that then fails, on
    /// a broken template for one, must not leave that site to be patched later).
    fn forget_site(&mut self) {
        let _ = self.take_seen();
        if let Some(last) = self.last.take() {
            drop_in_background(last);
        }
    }
}

/// What a watcher saw change since the last build.
#[derive(Default)]
enum Seen {
    /// No watcher: every source's stamp is looked at.
    #[default]
    Unwatched,
    /// These paths inside the site's folder.
    Paths(Vec<String>),
    /// Something it cannot name (lost events): every stamp is looked at once.
    Unknown,
}

/// The paths inside `content/` among paths inside the site's folder; none when the folder
/// itself changed (moved, replaced, or a link to it pointed elsewhere).
fn content_paths(paths: Vec<String>) -> Option<Vec<String>> {
    if paths.iter().any(|p| p == "content") {
        return None;
    }
    let inside = paths
        .into_iter()
        .filter_map(|p| p.strip_prefix("content/").map(str::to_string));
    Some(inside.collect())
}

/// A good build's site and plan, and what they were made from.
struct Resolved {
    /// The config, as `Debug` shows all of it.
    config: String,
    statics: Vec<(String, Option<std::path::PathBuf>)>,
    site: site::Site,
    plan: site::plan::Plan,
    /// The problems (warnings) of the load and resolve stages.
    problems: Vec<Diagnostic>,
    /// Each article's page, by its path inside `content/` (so that an edit does not look
    /// through all of them).
    pages: std::collections::HashMap<String, site::PageId>,
}

impl Resolved {
    /// `pages`: the index of the site's pages, when the site is one it was made for.
    fn new(
        config: &Config,
        theme: &render::theme::Theme,
        (site, plan, problems): (site::Site, site::plan::Plan, Vec<Diagnostic>),
        pages: Option<std::collections::HashMap<String, site::PageId>>,
    ) -> Resolved {
        let pages = pages.unwrap_or_else(|| {
            site::PageId::each(&site.pages)
                .map(|(id, p)| (p.doc.file.rel.clone(), id))
                .collect()
        });
        Resolved {
            config: format!("{config:?}"),
            statics: statics(config, theme),
            site,
            plan,
            problems,
            pages,
        }
    }
}

/// The theme's static files by output path, with the file each comes from (none for the
/// built-in theme's).
fn statics(
    config: &Config,
    theme: &render::theme::Theme,
) -> Vec<(String, Option<std::path::PathBuf>)> {
    let source = |file: &render::theme::StaticFile| match file {
        render::theme::StaticFile::Disk(src) => Some(config.display_path(src)),
        render::theme::StaticFile::Embedded(_) => None,
    };
    theme
        .statics
        .iter()
        .map(|(path, file)| (path.clone(), source(file)))
        .collect()
}

/// [`render_into`], handing `sink` only the files whose inputs changed since the last good
/// build `memo` remembers (all of them the first time); `memo` then remembers this one.
pub fn render_again(
    config: &Config,
    sink: &dyn render::Sink,
    observer: &dyn Observer,
    memo: &mut Memo,
) -> Result<Report, Error> {
    render_memo(config, sink, observer, Some(memo))
}

fn render_memo(
    config: &Config,
    sink: &dyn render::Sink,
    observer: &dyn Observer,
    memo: Option<&mut Memo>,
) -> Result<Report, Error> {
    let mut stages = Stages::default();
    let checked = run(config, &mut stages, sink, observer, memo)?;
    let Some(produced) = checked.produced else {
        return Err(Error::Site(checked.problems));
    };
    let report = Report {
        articles: checked.counts.articles,
        pages: produced.pages.len(),
        files: produced.files,
        tags: checked.counts.tags,
        cities: checked.counts.cities,
        warnings: checked.problems,
        stages,
    };
    drop_in_background(produced);
    Ok(report)
}

/// Frees `value` on a thread of its own: freeing a large site's data takes a while and
/// nobody needs to wait for it.
pub(crate) fn drop_in_background<T: Send + 'static>(value: T) {
    // Should no thread start, the closure (value and all) is dropped here instead.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

/// A site taken through every stage but the write, and all it had to say.
pub struct Checked {
    pub counts: Counts,
    /// What was rendered; none when any problem is an error.
    pub produced: Option<render::Produced>,
    /// Errors and warnings, sorted by file and position.
    pub problems: Vec<Diagnostic>,
}

/// How many articles (published ones), tags and cities a site has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub articles: usize,
    pub tags: usize,
    pub cities: usize,
}

/// Loads, resolves and renders without writing, going as far as the problems allow so that
/// one run reports them all. `check` starts here.
pub fn validate(config: &Config, stages: &mut Stages) -> Result<Checked, Error> {
    run(config, stages, &render::Discard, &Unobserved, None)
}

/// Loads, resolves and renders into `sink`; with a memo, from what the last build left.
fn run(
    config: &Config,
    stages: &mut Stages,
    sink: &dyn render::Sink,
    observer: &dyn Observer,
    mut memo: Option<&mut Memo>,
) -> Result<Checked, Error> {
    let theme = render::theme::load(config);
    let patched = match (&theme, memo.as_deref_mut()) {
        (Ok(theme), Some(memo)) => timed(&mut stages.load, || memo.patched(config, theme)),
        _ => None,
    };
    // Which resolve made the site: a patched one is the same site and plan.
    let epoch = match (memo.as_deref_mut(), patched.is_some()) {
        (Some(memo), false) => {
            memo.forget_site();
            memo.epoch += 1;
            memo.epoch
        }
        (Some(memo), true) => memo.epoch,
        (None, _) => 0,
    };
    let (mut site, plan, theme, mut problems, index) = match patched {
        Some(r) => (
            r.site,
            r.plan,
            theme.map_err(Error::Site)?,
            r.problems,
            Some(r.pages),
        ),
        None => {
            let cache = memo.as_deref_mut().map(|m| &mut m.sources);
            let (site, plan, theme, problems) =
                resolve_and_plan(config, stages, observer, cache, theme)?;
            (site, plan, theme, problems, None)
        }
    };
    let resolved = memo.is_some().then(|| problems.clone());
    let mode = if problems.iter().any(Diagnostic::is_error) {
        render::Mode::ProblemsOnly
    } else {
        render::Mode::Publish
    };
    let rendered = timed(&mut stages.render, || {
        let mut render_memo = memo.as_deref_mut().map(|m| &mut m.render);
        let prepared = render::prepare(
            config,
            &theme,
            &site,
            &plan,
            observer,
            render_memo.as_deref_mut(),
        );
        if render_memo.is_none() {
            // Every diagnostic that quotes a source has been made: the texts can go. (A memo
            // shares them with its source cache: they cost nothing more there.)
            site.forget_sources();
        }
        let inputs = render::Inputs {
            config,
            theme: &theme,
            site: &site,
            plan: &plan,
            epoch,
        };
        render::render(&inputs, prepared, sink, mode, observer, render_memo)
    });
    let produced = match rendered {
        Ok(mut p) => {
            problems.append(&mut p.warnings);
            Some(p)
        }
        Err(mut p) => {
            problems.append(&mut p);
            None
        }
    };
    diagnostic::sort(&mut problems);
    let produced = produced.filter(|_| !problems.iter().any(Diagnostic::is_error));
    let counts = Counts {
        articles: site.pages.len(),
        tags: site.tags.len(),
        cities: site.cities.len(),
    };
    match (memo, resolved, &produced) {
        (Some(memo), Some(problems), Some(_)) => {
            let resolved = (site, plan, problems);
            memo.last = Some(Resolved::new(config, &theme, resolved, index));
        }
        _ => drop_in_background((site, plan)),
    }
    Ok(Checked {
        counts,
        produced,
        problems,
    })
}

/// The load and resolve stages, and the plan: the site from its sources.
fn resolve_and_plan(
    config: &Config,
    stages: &mut Stages,
    observer: &dyn Observer,
    cache: Option<&mut content::Cache>,
    theme: Result<render::theme::Theme, Vec<Diagnostic>>,
) -> Result<
    (
        site::Site,
        site::plan::Plan,
        render::theme::Theme,
        Vec<Diagnostic>,
    ),
    Error,
> {
    let (content, mut problems) = timed(&mut stages.load, || {
        content::load_cached(config, observer, cache)
    });
    let (site, mut resolved) = timed(&mut stages.resolve, || site::resolve(config, content));
    problems.append(&mut resolved);
    let theme = match theme {
        Ok(theme) => theme,
        Err(mut p) => {
            problems.append(&mut p);
            diagnostic::sort(&mut problems);
            return Err(Error::Site(problems));
        }
    };
    // The plan is the last step of the resolve stage.
    let mut planning = Duration::ZERO;
    let statics = statics(config, &theme);
    let (plan, mut clashes) = timed(&mut planning, || {
        let statics = statics
            .iter()
            .map(|(path, src)| (path.as_str(), src.clone()));
        site::plan::Plan::new(config, &site, statics, theme.optional_pages())
    });
    stages.resolve += planning;
    problems.append(&mut clashes);
    Ok((site, plan, theme, problems))
}

fn timed<T>(slot: &mut Duration, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    *slot = start.elapsed();
    out
}

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
/// its file and everything its links resolve against are), and what made each file of the
/// last good build. A default `Memo` remembers nothing: the next build is a full one.
#[derive(Default)]
pub struct Memo {
    sources: content::Cache,
    render: render::Memo,
}

impl Memo {
    /// Every file of the last good build, by path inside the output folder.
    pub fn planned(&self) -> &[String] {
        self.render.planned()
    }
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
    let site = checked.site;
    let report = Report {
        articles: site.pages.len(),
        pages: produced.pages.len(),
        files: produced.files,
        tags: site.tags.len(),
        cities: site.cities.len(),
        warnings: checked.problems,
        stages,
    };
    drop_in_background((site, produced));
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
    pub site: site::Site,
    /// What was rendered; none when any problem is an error.
    pub produced: Option<render::Produced>,
    /// Errors and warnings, sorted by file and position.
    pub problems: Vec<Diagnostic>,
}

/// Loads, resolves and renders without writing, going as far as the problems allow so that
/// one run reports them all. `check` starts here.
pub fn validate(config: &Config, stages: &mut Stages) -> Result<Checked, Error> {
    run(config, stages, &render::Discard, &Unobserved, None)
}

/// Loads, resolves and renders into `sink`.
fn run(
    config: &Config,
    stages: &mut Stages,
    sink: &dyn render::Sink,
    observer: &dyn Observer,
    mut memo: Option<&mut Memo>,
) -> Result<Checked, Error> {
    let (content, mut problems) = timed(&mut stages.load, || {
        let cache = memo.as_deref_mut().map(|m| &mut m.sources);
        content::load_cached(config, observer, cache)
    });
    let (site, mut resolved) = timed(&mut stages.resolve, || site::resolve(config, content));
    problems.append(&mut resolved);
    let theme = match render::theme::load(config) {
        Ok(theme) => theme,
        Err(mut p) => {
            problems.append(&mut p);
            diagnostic::sort(&mut problems);
            return Err(Error::Site(problems));
        }
    };
    let statics = theme.statics.iter().map(|(path, file)| {
        let source = match file {
            render::theme::StaticFile::Disk(src) => Some(config.display_path(src)),
            render::theme::StaticFile::Embedded(_) => None,
        };
        (path.as_str(), source)
    });
    // The plan is the last step of the resolve stage.
    let mut planning = Duration::ZERO;
    let (plan, mut clashes) = timed(&mut planning, || {
        site::plan::Plan::new(config, &site, statics)
    });
    stages.resolve += planning;
    problems.append(&mut clashes);
    let mode = if problems.iter().any(Diagnostic::is_error) {
        render::Mode::ProblemsOnly
    } else {
        render::Mode::Publish
    };
    let mut site = site;
    let rendered = timed(&mut stages.render, || {
        let mut memo = memo.map(|m| &mut m.render);
        let prepared = render::prepare(config, &site, &plan, observer, memo.as_deref_mut());
        // Every diagnostic that quotes a source has been made: the texts can go.
        site.forget_sources();
        let inputs = render::Inputs {
            config,
            theme: &theme,
            site: &site,
            plan: &plan,
        };
        render::render(&inputs, prepared, sink, mode, observer, memo)
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
    Ok(Checked {
        site,
        produced,
        problems,
    })
}

fn timed<T>(slot: &mut Duration, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    *slot = start.elapsed();
    out
}

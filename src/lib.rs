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
pub mod output;
pub mod render;
pub mod scaffold;
pub mod site;

use std::time::{Duration, Instant};

pub use config::{Config, Overrides};
pub use diagnostic::{Diagnostic, Problem};

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

/// How long each stage took.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stages {
    pub load: Duration,
    pub resolve: Duration,
    pub render: Duration,
    pub write: Duration,
}

impl Stages {
    pub fn total(&self) -> Duration {
        self.load + self.resolve + self.render + self.write
    }
}

/// Builds the site described by `config` into its output folder. Nothing is written when
/// the site has any error; warnings are returned in the report.
pub fn build(config: &Config) -> Result<Report, Error> {
    let mut stages = Stages::default();
    let checked = validate(config, &mut stages)?;
    let Some(plan) = checked.plan else {
        return Err(Error::Site(checked.problems));
    };
    let site = &checked.site;
    let written = timed(&mut stages.write, || output::write(config, plan))?;
    Ok(Report {
        articles: site.pages.len(),
        pages: written.html,
        files: written.files,
        tags: site.tags.len(),
        cities: site.cities.len(),
        warnings: checked.problems,
        stages,
    })
}

/// A site taken through every stage but the write, and all it had to say.
pub struct Checked {
    pub site: site::Site,
    /// The files to write; none when any problem is an error.
    pub plan: Option<render::Plan>,
    /// Errors and warnings, sorted by file and position.
    pub problems: Vec<Diagnostic>,
}

/// Loads, resolves and renders without writing, going as far as the problems allow so that
/// one run reports them all. `build` and `check` both start here.
pub fn validate(config: &Config, stages: &mut Stages) -> Result<Checked, Error> {
    let (content, mut problems) = timed(&mut stages.load, || content::load(config));
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
    let rendered = timed(&mut stages.render, || render::render(config, &theme, &site));
    let plan = match rendered {
        Ok(plan) => Some(plan),
        Err(mut p) => {
            problems.append(&mut p);
            None
        }
    };
    diagnostic::sort(&mut problems);
    let plan = plan.filter(|_| !problems.iter().any(Diagnostic::is_error));
    Ok(Checked {
        site,
        plan,
        problems,
    })
}

fn timed<T>(slot: &mut Duration, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    *slot = start.elapsed();
    out
}

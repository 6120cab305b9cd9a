//! tradekb: a static site generator for trade-policy knowledge bases.
//!
//! A build runs four stages, each taking data and returning data:
//! load (`content`) → resolve (`site`) → render (`render`) → write (`output`).

// Diagnostics are returned on the cold path only; boxing them would buy nothing measurable.
#![allow(clippy::result_large_err)]

pub mod config;
pub mod content;
pub mod diagnostic;
pub mod output;
pub mod render;
pub mod site;

use std::time::{Duration, Instant};

pub use config::{Config, Overrides};
pub use diagnostic::{Diagnostic, Problem};

/// Why a build stopped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Problems in the site's files: content, config, templates. All of them, sorted.
    #[error("the site has {} problem{}", .0.len(), if .0.len() == 1 { "" } else { "s" })]
    Site(Vec<Diagnostic>),
    #[error(transparent)]
    Write(#[from] output::WriteError),
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

/// Builds the site described by `config` into its output folder.
pub fn build(config: &Config) -> Result<Report, Error> {
    let mut stages = Stages::default();
    let site = load_and_resolve(config, &mut stages)?;
    let plan = timed(&mut stages.render, || render_site(config, &site))?;
    let written = timed(&mut stages.write, || output::write(config, plan))?;
    Ok(Report {
        articles: site.pages.len(),
        pages: written.html,
        files: written.files,
        tags: site.tags.len(),
        cities: site.cities.len(),
        stages,
    })
}

/// The load and resolve stages: everything `check` validates before rendering.
pub fn load_and_resolve(config: &Config, stages: &mut Stages) -> Result<site::Site, Error> {
    let content = timed(&mut stages.load, || content::load(config))?;
    Ok(timed(&mut stages.resolve, || {
        site::resolve(config, content)
    })?)
}

/// The render stage: the theme, then every page.
pub fn render_site(config: &Config, site: &site::Site) -> Result<render::Plan, Error> {
    let theme = render::theme::load(config)?;
    Ok(render::render(config, &theme, site)?)
}

fn timed<T>(slot: &mut Duration, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    *slot = start.elapsed();
    out
}

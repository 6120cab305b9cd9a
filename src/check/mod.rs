//! `check`: everything `build` validates, without writing, plus what only a check does:
//! external links (optional). Input: the config and options. Output: a [`CheckReport`].

pub mod external;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Severity};
use crate::{Error, Stages};

#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Also request every external link; none leaves them alone.
    pub external: Option<external::Options>,
}

/// What a check found.
#[derive(Debug)]
pub struct CheckReport {
    pub problems: Vec<Diagnostic>,
    pub external: Vec<external::LinkReport>,
    pub articles: usize,
    /// Pages rendered; none when errors stopped the rendering (so it is not known).
    pub pages: Option<usize>,
}

impl CheckReport {
    /// Clean means nothing to report: no error, no warning, no external link that failed.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty() && self.external.iter().all(|l| l.ok())
    }

    pub fn errors(&self) -> usize {
        self.problems.iter().filter(|d| d.is_error()).count()
            + self.external.iter().filter(|l| !l.ok()).count()
    }

    pub fn warnings(&self) -> usize {
        self.problems.iter().filter(|d| !d.is_error()).count()
    }

    /// The report as JSON, for CI.
    pub fn to_json(&self) -> String {
        let json = JsonReport {
            clean: self.is_clean(),
            errors: self.errors(),
            warnings: self.warnings(),
            articles: self.articles,
            pages: self.pages,
            problems: self.problems.iter().map(JsonProblem::from).collect(),
            external: &self.external,
        };
        serde_json::to_string_pretty(&json).expect("the report serialises")
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    clean: bool,
    errors: usize,
    warnings: usize,
    articles: usize,
    pages: Option<usize>,
    problems: Vec<JsonProblem<'a>>,
    external: &'a [external::LinkReport],
}

#[derive(Serialize)]
struct JsonProblem<'a> {
    severity: &'static str,
    message: String,
    path: String,
    line: Option<usize>,
    column: Option<usize>,
    snippet: Option<&'a str>,
    help: Option<&'a str>,
}

impl<'a> From<&'a Diagnostic> for JsonProblem<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        JsonProblem {
            severity: match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            message: d.problem.to_string(),
            path: d.path.display().to_string(),
            line: d.position.map(|p| p.line),
            column: d.position.map(|p| p.column),
            snippet: d.snippet.as_deref(),
            help: d.help.as_deref(),
        }
    }
}

pub fn check(config: &Config, options: &CheckOptions) -> Result<CheckReport, Error> {
    let mut stages = Stages::default();
    let checked = match crate::validate(config, &mut stages) {
        Ok(c) => c,
        Err(Error::Site(problems)) => {
            return Ok(CheckReport {
                problems,
                external: Vec::new(),
                articles: 0,
                pages: None,
            });
        }
        Err(e) => return Err(e),
    };
    let pages = checked.produced.as_ref().map(|p| p.pages.len());
    let external = match (&options.external, &checked.produced) {
        (Some(opts), Some(produced)) => external::check(&external_links(produced), opts),
        _ => Vec::new(),
    };
    Ok(CheckReport {
        problems: checked.problems,
        external,
        articles: checked.counts.articles,
        pages,
    })
}

/// Every http(s) link of the rendered pages, with the pages (output paths) that hold it.
fn external_links(produced: &crate::render::Produced) -> BTreeMap<String, Vec<String>> {
    let mut links: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (path, crawled) in &produced.pages {
        for href in &crawled.external {
            let pages = links.entry(href.clone()).or_default();
            if pages.last() != Some(path) {
                pages.push(path.clone());
            }
        }
    }
    links
}

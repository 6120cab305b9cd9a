//! Diagnostics: every problem a build finds in its input, located in a file, rendered rustc-style.

use std::fmt;
use std::path::{Path, PathBuf};

/// What is wrong. `check` and the tests match on this; the rendered text comes from `Display`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Problem {
    #[error("file has no front matter: it must start with a `---` line")]
    MissingFrontMatter,
    #[error("front matter is not closed: no `---` line ends it")]
    UnclosedFrontMatter,
    #[error("front matter is empty")]
    EmptyFrontMatter,
    #[error("front matter must be a mapping of keys to values, found {found}")]
    NotAMapping { found: String },
    #[error("invalid YAML: {message}")]
    InvalidYaml { message: String },
    #[error("unknown key `{key}`")]
    UnknownKey { key: String },
    #[error("missing required key `{key}`")]
    MissingKey { key: String },
    #[error("`{key}`: {message}")]
    InvalidValue { key: String, message: String },
    #[error("`{key}`: invalid date `{value}`: {reason}")]
    InvalidDate {
        key: String,
        value: String,
        reason: String,
    },
    #[error("file is not valid UTF-8")]
    NotUtf8,
    #[error("file is empty")]
    EmptyFile,
    #[error("file contains a NUL byte")]
    NulByte,
    #[error("cannot read: {message}")]
    Unreadable { message: String },
    #[error("{what} `{url}` is written by two sources: this file and {other}")]
    UrlCollision {
        what: String,
        url: String,
        other: String,
    },
    #[error("link to `{target}` leads nowhere: {reason}")]
    BrokenLink { target: String, reason: String },
    #[error("{message}")]
    Unsupported { message: String },
    #[error("Markdown nested more than {limit} levels deep")]
    NestedTooDeep { limit: usize },
    #[error("{what} `{name}` has no profile in content/{folder}/ (used by {count} article{plural})", plural = if *.count == 1 { "" } else { "s" })]
    NoProfile {
        what: String,
        name: String,
        folder: String,
        count: usize,
    },
    #[error("template: {message}")]
    Template { message: String },
    #[error("the HTML minifier cannot read this page ({reason}); it is published unminified")]
    NotMinified { reason: String },
}

/// Whether a problem stops the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Severity {
    #[default]
    Error,
    Warning,
}

/// One problem at one place.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub problem: Problem,
    pub severity: Severity,
    pub path: PathBuf,
    /// 1-based line and column (in characters), when the file has them.
    pub position: Option<Position>,
    /// The offending line, shown under the location.
    pub snippet: Option<String>,
    pub help: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    /// Characters to underline.
    pub width: usize,
}

impl Diagnostic {
    pub fn new(problem: Problem, path: impl Into<PathBuf>) -> Self {
        Diagnostic {
            problem,
            severity: Severity::Error,
            path: path.into(),
            position: None,
            snippet: None,
            help: None,
        }
    }

    /// Places the diagnostic at `line`/`column` of `source` and keeps that line as the snippet.
    pub fn at(mut self, source: &str, line: usize, column: usize, width: usize) -> Self {
        self.snippet = source
            .lines()
            .nth(line.saturating_sub(1))
            .map(|l| l.trim_end_matches('\r').to_string());
        self.position = Some(Position {
            line,
            column: column.max(1),
            width: width.max(1),
        });
        self
    }

    /// Places the diagnostic at a byte offset of `source`.
    pub fn at_offset(self, source: &str, offset: usize, width_bytes: usize) -> Self {
        let (line, column) = line_column(source, offset);
        let end = (offset + width_bytes).min(source.len());
        let width = source
            .get(offset..end)
            .map(|s| s.lines().next().unwrap_or("").chars().count())
            .unwrap_or(1);
        self.at(source, line, column, width)
    }

    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `path:line:column`, the way editors and CI annotations want it.
    pub fn location(&self) -> String {
        match self.position {
            Some(p) => format!("{}:{}:{}", self.path.display(), p.line, p.column),
            None => self.path.display().to_string(),
        }
    }

    /// The path relative to `base`, for messages that should not show the whole machine path.
    pub fn relative_to(mut self, base: &Path) -> Self {
        if let Ok(rel) = self.path.strip_prefix(base) {
            self.path = rel.to_path_buf();
        }
        self
    }

    fn sort_key(&self) -> (PathBuf, Option<Position>) {
        (self.path.clone(), self.position)
    }
}

/// 1-based line and character column of a byte offset.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(source, offset.min(source.len()));
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Sorts diagnostics by file and position so that output is stable whatever the thread order.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| d.sort_key());
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", self.problem)?;
        writeln!(f, "  --> {}", self.location())?;
        if let (Some(p), Some(snippet)) = (self.position, &self.snippet) {
            let gutter = p.line.to_string().len();
            let pad = " ".repeat(gutter);
            let (shown, column) = window(snippet, p.column);
            writeln!(f, "{pad} |")?;
            writeln!(f, "{} | {}", p.line, shown)?;
            let lead: String = shown
                .chars()
                .take(column - 1)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let marks = "^".repeat(p.width.min(SNIPPET_CHARS));
            writeln!(f, "{pad} | {lead}{marks}")?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "  = help: {help}")?;
        }
        Ok(())
    }
}

/// Longest snippet shown, in characters; longer lines are cut around the column.
const SNIPPET_CHARS: usize = 100;

/// The part of a long line around `column`, and the column within that part.
fn window(line: &str, column: usize) -> (String, usize) {
    let count = line.chars().count();
    if count <= SNIPPET_CHARS {
        return (line.to_string(), column);
    }
    let start = column
        .saturating_sub(SNIPPET_CHARS / 2)
        .min(count - SNIPPET_CHARS);
    let mut shown: String = line.chars().skip(start).take(SNIPPET_CHARS).collect();
    let mut column = column - start;
    if start > 0 {
        shown.insert(0, '…');
        column += 1;
    }
    if start + SNIPPET_CHARS < count {
        shown.push('…');
    }
    (shown, column)
}

/// The nearest known name to `unknown`, if one is close enough to be what was meant.
pub fn did_you_mean<'a>(unknown: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(unknown, k), *k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters_not_bytes() {
        let src = "---\ntitle: 长沙试点\ndate: x\n";
        let off = src.find('x').unwrap();
        assert_eq!(line_column(src, off), (3, 7));
        let off = src.find("试").unwrap();
        assert_eq!(line_column(src, off), (2, 10));
    }

    #[test]
    fn renders_location_snippet_and_caret() {
        let src = "---\ntitle: a\ndate: 2014-13-01\n---\n";
        let d = Diagnostic::new(
            Problem::InvalidDate {
                key: "date".into(),
                value: "2014-13-01".into(),
                reason: "month out of range".into(),
            },
            "content/a.md",
        )
        .at(src, 3, 7, 10)
        .with_help("use YYYY-MM-DD");
        let text = d.to_string();
        assert!(text.contains("--> content/a.md:3:7"), "{text}");
        assert!(text.contains("3 | date: 2014-13-01"), "{text}");
        assert!(text.contains("  |       ^^^^^^^^^^"), "{text}");
        assert!(text.contains("= help: use YYYY-MM-DD"), "{text}");
    }

    #[test]
    fn long_lines_are_cut_around_the_column() {
        let line = format!("{}x{}", "a".repeat(500), "b".repeat(500));
        let (shown, column) = window(&line, 501);
        assert_eq!(shown.chars().nth(column - 1), Some('x'));
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(window("short", 2), ("short".to_string(), 2));
    }

    #[test]
    fn suggests_near_names_only() {
        let known = ["title", "date", "tags"];
        assert_eq!(did_you_mean("titel", &known), Some("title"));
        assert_eq!(did_you_mean("zzz", &known), None);
    }
}

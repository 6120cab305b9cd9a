//! Diagnostics: every problem a build finds in its input, located in a file, and drawn the
//! way rustc draws its own. A leaf: it imports nothing of the crate.
//!
//! Drawing is left to annotate-snippets, the renderer of rustc's and cargo's messages. Its
//! output is the format readers of Rust tools already know (`error:`, ` --> path:line:col`,
//! the line, carets, `= help:`); it measures columns with unicode-width, so a Chinese
//! character takes two columns and the carets stay under the text they mean; it shows a tab
//! as spaces, so that the line and its carets agree whatever a terminal or CI log makes of
//! tabs; and it shortens long lines around the span. It takes the offending line and its
//! number as they are, which is what a [`Diagnostic`] keeps. codespan-reporting draws the
//! same shape but numbers lines itself from the text it is handed, so every whole file would
//! have to be kept until the report; miette's default report is a boxed layout of its own
//! rather than rustc's.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Element, Group, Level, Origin, Renderer, Snippet};

/// What is wrong. `check` and the tests match on this; the rendered text comes from `Display`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Problem {
    #[error("file has no front matter: it must start with a `---` line (or `+++` for TOML)")]
    MissingFrontMatter,
    #[error("front matter is not closed: no line like its first one ends it")]
    UnclosedFrontMatter,
    #[error("front matter is empty")]
    EmptyFrontMatter,
    #[error("front matter must be a mapping of keys to values, found {found}")]
    NotAMapping { found: String },
    #[error("invalid YAML: {message}")]
    InvalidYaml { message: String },
    #[error("invalid TOML: {message}")]
    InvalidToml { message: String },
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
    #[error("{what} name `{name}` is given by two profiles: this file and {other}")]
    NameCollision {
        what: String,
        name: String,
        other: String,
    },
    #[error(
        "{what} `{name}` is written `{canonical}` in {other}: one {what}, named `{canonical}`"
    )]
    Spelling {
        what: String,
        name: String,
        canonical: String,
        other: String,
    },
    #[error("no list or link leads to {url}: a page at the content root is listed nowhere")]
    Unlisted { url: String },
    #[error(
        "`{text}` looks like a shortcode or tag plugin of another tool: it is published as text"
    )]
    Shortcode { text: String },
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

/// How a diagnostic is drawn: plain text for pipes, files and tests; colours for a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Style {
    #[default]
    Plain,
    Coloured,
}

impl Diagnostic {
    /// The diagnostic drawn as rustc draws its own, ending with a newline.
    pub fn render(&self, style: Style) -> String {
        let renderer = match style {
            Style::Plain => Renderer::plain(),
            Style::Coloured => Renderer::styled(),
        };
        let mut text = renderer.render(&[self.report()]);
        text.push('\n');
        text
    }

    fn report(&self) -> Group<'_> {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let group = level
            .primary_title(self.problem.to_string())
            .element(self.source());
        match &self.help {
            Some(help) => group.element(Level::HELP.message(help.as_str())),
            None => group,
        }
    }

    /// The offending line with its span underlined; only the location when the line is unknown.
    fn source(&self) -> Element<'_> {
        let path = self.path.display().to_string();
        match (self.position, &self.snippet) {
            (Some(p), Some(line)) => Snippet::source(line.as_str())
                .line_start(p.line)
                .path(path)
                .annotation(AnnotationKind::Primary.span(byte_span(line, p)))
                .into(),
            (Some(p), None) => Origin::path(path).line(p.line).char_column(p.column).into(),
            (None, _) => Origin::path(path).into(),
        }
    }
}

/// The bytes of `line` that a position's characters cover, cut at the end of the line.
fn byte_span(line: &str, p: Position) -> Range<usize> {
    let byte = |chars: usize| {
        line.char_indices()
            .nth(chars)
            .map_or(line.len(), |(i, _)| i)
    };
    let first = p.column.saturating_sub(1);
    byte(first)..byte(first + p.width)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Style::Plain))
    }
}

/// The nearest known name to `unknown`, if one is close enough to be what was meant: alike
/// by Jaro-Winkler, or one character off (a Chinese key or value of two characters, `文中`
/// for `文号`, is as near as a name gets).
pub fn did_you_mean<'a>(unknown: &str, known: &[&'a str]) -> Option<&'a str> {
    let one_off = |k: &str| unknown.chars().count() >= 2 && strsim::osa_distance(unknown, k) == 1;
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(unknown, k), *k))
        .filter(|(score, k)| *score > 0.8 || one_off(k))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

/// The known name that `unknown` most likely means: one that holds it or that it holds
/// (长沙市 and 长沙), or else one a slip of the keyboard away. Two Chinese names of two
/// characters that differ in one are two cities (长春, 长沙), so the edits allowed grow with
/// the length: one for every three characters.
pub fn closest_name<'a>(unknown: &str, known: &[&'a str]) -> Option<&'a str> {
    let chars = |s: &str| s.chars().count();
    let holds =
        |k: &str| chars(k).min(chars(unknown)) >= 2 && (k.contains(unknown) || unknown.contains(k));
    let held = known
        .iter()
        .filter(|k| holds(k))
        .min_by_key(|k| chars(k).abs_diff(chars(unknown)));
    let near = || {
        known
            .iter()
            .map(|k| (strsim::osa_distance(unknown, k), k))
            .filter(|(edits, k)| *edits <= chars(unknown).max(chars(k)) / 3)
            .min_by_key(|(edits, _)| *edits)
            .map(|(_, k)| k)
    };
    held.or_else(near).copied()
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
        assert!(text.starts_with("error: `date`: invalid date"), "{text}");
        assert!(text.contains(" --> content/a.md:3:7\n"), "{text}");
        assert!(text.contains("3 | date: 2014-13-01\n"), "{text}");
        assert!(text.contains("  |       ^^^^^^^^^^\n"), "{text}");
        assert!(text.contains("  = help: use YYYY-MM-DD\n"), "{text}");
        assert!(d.warning().to_string().starts_with("warning: `date`"));
    }

    /// Where `needle` first starts on `line`, in terminal columns: wide characters take two,
    /// and a tab moves to the next multiple of 8, as terminals show it.
    fn display_column(line: &str, needle: char) -> usize {
        use unicode_width::UnicodeWidthChar;
        let mut column = 0;
        for c in line.chars() {
            if c == needle {
                return column;
            }
            column = match c {
                '\t' => (column / 8 + 1) * 8,
                c => column + c.width().unwrap_or(0),
            };
        }
        panic!("no {needle:?} in {line:?}")
    }

    /// A broken-link diagnostic for the `[…](…)` of `line`, which is line 5 of its file.
    fn link_diagnostic(line: &str) -> String {
        let src = format!("---\ntitle: 甲\ndate: 2014-01-01\n---\n{line}\n");
        let start = src.find('[').unwrap();
        let end = src.find(')').unwrap() + 1;
        let problem = Problem::BrokenLink {
            target: "../pilots/nothing.md".into(),
            reason: "no such file".into(),
        };
        let d = Diagnostic::new(problem, "content/policies/x.md");
        d.at_offset(&src, start, end - start).to_string()
    }

    /// The shown line 5 and the caret line under it.
    fn line_and_carets(text: &str) -> (&str, &str) {
        let mut lines = text.lines();
        let shown = lines.by_ref().find(|l| l.starts_with("5 | "));
        (shown.expect(text), lines.next().expect(text))
    }

    #[test]
    fn carets_sit_under_the_span_after_chinese_text() {
        let text = link_diagnostic("正文，见[不存在的链接](../pilots/nothing.md)。");
        let (shown, carets) = line_and_carets(&text);
        assert_eq!(
            display_column(carets, '^'),
            display_column(shown, '['),
            "\n{text}"
        );
        let link = "[不存在的链接](../pilots/nothing.md)";
        let underlined = carets.matches('^').count();
        assert_eq!(
            underlined,
            unicode_width::UnicodeWidthStr::width(link),
            "\n{text}"
        );
    }

    #[test]
    fn carets_sit_under_the_span_after_a_tab() {
        let text = link_diagnostic("正文\t[链接](../pilots/nothing.md)");
        let (shown, carets) = line_and_carets(&text);
        assert_eq!(
            display_column(carets, '^'),
            display_column(shown, '['),
            "\n{text}"
        );
        assert!(!text.contains('\t'), "a tab is shown as spaces:\n{text}");
    }

    #[test]
    fn names_that_hold_each_other_or_differ_by_a_slip_are_close() {
        let known = ["杭州", "长沙", "哈尔滨", "customs"];
        assert_eq!(closest_name("长沙市", &known), Some("长沙"));
        assert_eq!(closest_name("浙江杭州", &known), Some("杭州"));
        assert_eq!(closest_name("哈尔宾", &known), Some("哈尔滨"));
        assert_eq!(closest_name("Customs", &known), Some("customs"));
        assert_eq!(closest_name("长春", &known), None, "another city");
        assert_eq!(closest_name("合肥", &known), None);
        assert_eq!(
            closest_name("沙", &known),
            None,
            "one character holds too little"
        );
    }

    #[test]
    fn suggests_near_names_only() {
        let known = ["title", "date", "tags"];
        assert_eq!(did_you_mean("titel", &known), Some("title"));
        assert_eq!(did_you_mean("zzz", &known), None);
    }
}

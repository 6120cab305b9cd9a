//! Load stage, front matter: splits a file into front matter (YAML between `---` lines, or
//! TOML between `+++` lines as Hugo and Zola write it) and body, and reads the mapping key
//! by key, so that every problem points at its own line. The only user of serde_yaml, of
//! saphyr-parser, which finds where list items are written (serde_yaml keeps no positions),
//! and of the toml crate, whose values are read as YAML ones so that one schema reads both.

use std::borrow::Cow;
use std::path::Path;

use saphyr_parser::{Event, Parser, Span};
use serde::de::DeserializeOwned;

use super::slips;
use crate::diagnostic::{did_you_mean, Diagnostic, Position, Problem};

/// The language of a front matter, told by its fence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Toml,
}

impl Format {
    fn fence(self) -> &'static str {
        match self {
            Format::Yaml => "---",
            Format::Toml => "+++",
        }
    }
}

/// The front matter of a file as written.
#[derive(Debug, Clone, Copy)]
pub struct Front<'a> {
    pub text: &'a str,
    /// 1-based line of the file where it starts.
    pub line: usize,
    pub format: Format,
}

/// A Markdown file cut in two: the front matter between its fences and the body after them.
#[derive(Debug)]
pub struct Split<'a> {
    pub front: Front<'a>,
    pub body: &'a str,
    /// 1-based line of the file where the body starts.
    pub body_line: usize,
}

/// Cuts `source` (BOM already removed, line endings already `\n`) at its `---` (YAML) or
/// `+++` (TOML) fences.
pub fn split<'a>(path: &Path, source: &'a str) -> Result<Split<'a>, Diagnostic> {
    let mut lines = source.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    let format = match first.trim_end() {
        "---" => Format::Yaml,
        "+++" => Format::Toml,
        other => {
            let problem = Problem::MissingFrontMatter;
            return Err(Diagnostic::new(problem, path)
                .at(source, 1, 1, other.chars().count())
                .with_help("start the file with `---`, then `title:` and `date:`, then `---`"));
        }
    };
    let start = first.len();
    let mut offset = start;
    for (line, l) in (2..).zip(lines) {
        if l.trim_end() == format.fence() {
            let text = &source[start..offset];
            return Ok(Split {
                front: Front {
                    text,
                    line: 2,
                    format,
                },
                body: &source[offset + l.len()..],
                body_line: line + 1,
            });
        }
        offset += l.len();
    }
    let fence = format.fence();
    Err(Diagnostic::new(Problem::UnclosedFrontMatter, path)
        .at(source, 1, 1, 3)
        .with_help(format!(
            "end the front matter with a line holding only `{fence}`"
        )))
}

/// The keys of one YAML mapping, taken one by one by the caller; what is left over is unknown.
pub struct Fields<'a> {
    path: &'a Path,
    source: &'a str,
    front: Front<'a>,
    entries: Vec<(String, serde_yaml::Value)>,
    errors: Vec<Diagnostic>,
}

impl<'a> Fields<'a> {
    /// A whole number of at least 1 at `key`.
    pub fn take_positive(&mut self, key: &str) -> Option<usize> {
        let n: i64 = self.take(key)?;
        if n >= 1 {
            return Some(n as usize);
        }
        self.invalid(
            key,
            format!("must be at least 1, found {n}"),
            "write a whole number such as 10",
        );
        None
    }

    /// Parses `front`, the front matter of `source`, as a mapping.
    pub fn parse(path: &'a Path, source: &'a str, front: Front<'a>) -> Result<Self, Diagnostic> {
        let value = match front.format {
            Format::Yaml => parse_yaml(path, source, front)?,
            Format::Toml => parse_toml(path, source, front)?,
        };
        let yaml_line = front.line;
        let mapping = match value {
            serde_yaml::Value::Mapping(m) => m,
            serde_yaml::Value::Null => {
                let at = yaml_line.saturating_sub(1).max(1);
                return Err(Diagnostic::new(Problem::EmptyFrontMatter, path)
                    .at(source, at, 1, 3)
                    .with_help("add at least `title:` and `date:`"));
            }
            other => {
                let found = kind_name(&other).to_string();
                return Err(Diagnostic::new(Problem::NotAMapping { found }, path)
                    .at(source, yaml_line, 1, 1)
                    .with_help("write one `key: value` per line"));
            }
        };
        let mut fields = Fields {
            path,
            source,
            front,
            entries: Vec::with_capacity(mapping.len()),
            errors: Vec::new(),
        };
        for (key, value) in mapping {
            match key {
                serde_yaml::Value::String(k) => fields.entries.push((k, value)),
                other => {
                    let key = scalar_text(&other);
                    fields.report(
                        &key,
                        Problem::InvalidValue {
                            key: key.clone(),
                            message: "keys must be plain names".into(),
                        },
                    );
                }
            }
        }
        Ok(fields)
    }

    /// Takes an optional key. A key with an empty value counts as absent.
    pub fn take<T: DeserializeOwned>(&mut self, key: &str) -> Option<T> {
        let value = self.take_raw(key)?;
        match serde_yaml::from_value(value) {
            Ok(v) => Some(v),
            Err(e) => {
                let message = yaml_message(&e);
                self.report(
                    key,
                    Problem::InvalidValue {
                        key: key.into(),
                        message,
                    },
                );
                None
            }
        }
    }

    /// Takes an optional key whose value, when a mapping, has only the `known` keys: any
    /// other is reported at its own place (a typo of `url` under `source:`), with the known
    /// key nearest to it, and the value is not taken.
    pub fn take_mapping<T: DeserializeOwned>(&mut self, key: &str, known: &[&str]) -> Option<T> {
        let unknown: Vec<String> = (self.entries.iter())
            .find(|(k, _)| k == key)
            .and_then(|(_, value)| value.as_mapping())
            .into_iter()
            .flat_map(|map| map.keys())
            .map(scalar_text)
            .filter(|k| !known.contains(&k.as_str()))
            .collect();
        if unknown.is_empty() {
            return self.take(key);
        }
        self.take_raw(key);
        let takes = match known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>()[..] {
            [ref first @ .., ref last] if !first.is_empty() => {
                format!("`{key}` takes {} and {last}", first.join(", "))
            }
            ref one => format!("`{key}` takes {}", one.join("")),
        };
        for child in unknown {
            let help = match did_you_mean(&child, known) {
                Some(near) => format!("did you mean `{near}`? {takes}"),
                None => takes.clone(),
            };
            let message = format!("`{child}` is not a key of `{key}`");
            self.invalid_in(key, &child, message, help);
        }
        None
    }

    /// Takes a key that must be present.
    pub fn require<T: DeserializeOwned>(&mut self, key: &str) -> Option<T> {
        let present = self.has(key);
        let value = self.take(key);
        if !present {
            let line = self.front.line.saturating_sub(1).max(1);
            let d = Diagnostic::new(Problem::MissingKey { key: key.into() }, self.path)
                .at(self.source, line, 1, 3)
                .with_help(match self.front.format {
                    Format::Yaml => format!("add `{key}:` to the front matter"),
                    Format::Toml => format!("add `{key} = …` to the front matter"),
                });
            self.errors.push(d);
        }
        value
    }

    /// Takes a list of strings; a single string is a one-item list.
    pub fn take_list(&mut self, key: &str) -> Vec<String> {
        let Some(value) = self.take_raw(key) else {
            return Vec::new();
        };
        let items = match value {
            serde_yaml::Value::Sequence(items) => items,
            single => vec![single],
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item {
                serde_yaml::Value::String(s) if !s.trim().is_empty() => out.push(s.trim().into()),
                serde_yaml::Value::Number(n) => out.push(n.to_string()),
                other => {
                    let message = format!("expected a list of names, found {}", kind_name(&other));
                    self.report(
                        key,
                        Problem::InvalidValue {
                            key: key.into(),
                            message,
                        },
                    );
                }
            }
        }
        out
    }

    /// Takes every key not taken yet, in the order written.
    pub fn take_rest(&mut self) -> Vec<(String, serde_yaml::Value)> {
        std::mem::take(&mut self.entries)
    }

    pub fn has(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, v)| k == key && !v.is_null())
    }

    /// Records a problem with the value of `key`, pointing at that key's line.
    pub fn report(&mut self, key: &str, problem: Problem) {
        self.report_with_help(key, problem, None::<String>);
    }

    pub fn report_with_help(
        &mut self,
        key: &str,
        problem: Problem,
        help: Option<impl Into<String>>,
    ) {
        let (line, column, width) = self.locate(key);
        let mut d = Diagnostic::new(problem, self.path).at(self.source, line, column, width);
        if let Some(h) = help {
            d = d.with_help(h);
        }
        self.errors.push(d);
    }

    /// Records that the value of `key` is wrong, saying why and what to write instead.
    pub fn invalid(&mut self, key: &str, message: String, help: impl Into<String>) {
        let problem = Problem::InvalidValue {
            key: key.into(),
            message,
        };
        self.report_with_help(key, problem, Some(help));
    }

    /// Records that the entry `child` of the mapping at `key` is wrong (`fields:` → `文号:`),
    /// pointing at the child where it is written (block or flow mapping, or a TOML table),
    /// else at `key`'s value.
    pub fn invalid_in(&mut self, key: &str, child: &str, message: String, help: impl Into<String>) {
        let problem = Problem::InvalidValue {
            key: format!("{key}.{child}"),
            message,
        };
        let (line, column, width) =
            (self.child_position(key, child)).unwrap_or_else(|| self.locate(key));
        let d = Diagnostic::new(problem, self.path).at(self.source, line, column, width);
        self.errors.push(d.with_help(help));
    }

    /// Line, column and width of `child` written as a key of the mapping at the top-level
    /// `key`.
    fn child_position(&self, key: &str, child: &str) -> Option<(usize, usize, usize)> {
        let (line, column) = match self.front.format {
            Format::Yaml => {
                let span = nested_key_span(self.front.text, &[key, child])?;
                (span.start.line(), span.start.col() + 1)
            }
            Format::Toml => toml_key_position(self.front.text, key, child)?,
        };
        let line = self.front.line + line - 1;
        // A quoted key is shown from its first letter.
        let text = self.source.lines().nth(line - 1)?;
        let quoted = (text.chars().nth(column - 1)).is_some_and(|c| c == '"' || c == '\'');
        let column = column + usize::from(quoted);
        Some((line, column, child.chars().count()))
    }

    /// Ends reading: every key not taken is unknown. Returns all problems found, if any.
    pub fn finish(mut self, known: &[&str]) -> Result<(), Vec<Diagnostic>> {
        let leftover: Vec<String> = self.entries.drain(..).map(|(k, _)| k).collect();
        for key in leftover {
            let help = match did_you_mean(&key, known) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("known keys: {}", known.join(", ")),
            };
            // Keys are found at the start of their line: underline the key, not its value.
            let (line, _, _) = self.locate(&key);
            let width = key.chars().count();
            let d = Diagnostic::new(Problem::UnknownKey { key }, self.path)
                .at(self.source, line, 1, width)
                .with_help(help);
            self.errors.push(d);
        }
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }

    fn take_raw(&mut self, key: &str) -> Option<serde_yaml::Value> {
        let i = self.entries.iter().position(|(k, _)| k == key)?;
        let (_, value) = self.entries.remove(i);
        (!value.is_null()).then_some(value)
    }

    /// Line, column and width of the value of a top-level `key:` (`key =`, or a `[key]`
    /// table, in TOML) in the file.
    fn locate(&self, key: &str) -> (usize, usize, usize) {
        let yaml_line = self.front.line;
        for (i, line) in self.front.text.lines().enumerate() {
            let Some(rest) = strip_key(line, key, self.front.format) else {
                continue;
            };
            let value = rest.trim_start();
            let key_chars = line.chars().count() - rest.chars().count();
            let column = key_chars + (rest.chars().count() - value.chars().count()) + 1;
            let width = value.trim_end().chars().count();
            if width == 0 {
                return (yaml_line + i, 1, key.chars().count());
            }
            return (yaml_line + i, column, width);
        }
        (yaml_line.saturating_sub(1).max(1), 1, 3)
    }
}

/// Line (from 1) and column (in characters, from 1) of `child` as a key of the TOML table
/// `key` in `toml`: inline on `key`'s line (`source = { name = "…", urll = "…" }`), or on
/// the lines of a `[key]` table.
fn toml_key_position(toml: &str, key: &str, child: &str) -> Option<(usize, usize)> {
    let lines: Vec<&str> = toml.lines().collect();
    let first = (lines.iter()).position(|l| strip_key(l, key, Format::Toml).is_some())?;
    let rest = strip_key(lines[first], key, Format::Toml)?;
    if rest.trim().is_empty() {
        let table = lines.iter().enumerate().skip(first + 1);
        let mut table = table.take_while(|(_, l)| !l.trim_start().starts_with('['));
        let (i, l) = table.find(|(_, l)| strip_key(l, child, Format::Toml).is_some())?;
        let indent = l.chars().count() - l.trim_start().chars().count();
        return Some((i + 1, indent + 1));
    }
    let from = lines[first].chars().count() - rest.trim_start().chars().count() + 1;
    flow_key_column(lines[first], from, child, '=').map(|column| (first + 1, column))
}

/// The column (in characters, from 1) of `child` as a key of the flow mapping that starts
/// at `from` in `line` (`{ name = "复函", urll = "…" }`), if it is one.
fn flow_key_column(line: &str, from: usize, child: &str, separator: char) -> Option<usize> {
    if child.is_empty() {
        return None;
    }
    let start = line.char_indices().nth(from.checked_sub(1)?)?.0;
    let value = &line[start..];
    if !value.starts_with('{') {
        return None;
    }
    let mut found = value.match_indices(child).map(|(at, _)| at);
    found
        .find(|&at| {
            let before = value[..at].trim_end_matches([' ', '"', '\'']);
            let after = value[at + child.len()..].trim_start_matches(['"', '\'', ' ']);
            (before.ends_with('{') || before.ends_with(',')) && after.starts_with(separator)
        })
        .map(|at| from + value[..at].chars().count())
}

/// Where the key at the end of `path` is written in `yaml`, below the top level (`["source",
/// "url"]`: `url` in the mapping `source`), in either form of mapping, over any number of
/// lines; `None` for a path of one key, or one the file does not have.
fn nested_key_span(yaml: &str, path: &[&str]) -> Option<Span> {
    let (first, rest) = path.split_first()?;
    with_value(yaml, first, |mut value, events| {
        let mut at = None;
        for key in rest {
            if !matches!(value.0, Event::MappingStart(..)) {
                return None;
            }
            at = loop {
                let (Event::Scalar(name, ..), span) = events.next()? else {
                    return None;
                };
                let next = events.next()?;
                if name == *key {
                    value = next;
                    break Some(span);
                }
                skip(&next.0, events);
            };
        }
        at
    })?
}

/// The rest of `line` after `key:` (`key =` in TOML, whose `[key]` table header gives an
/// empty rest).
fn strip_key<'l>(line: &'l str, key: &str, format: Format) -> Option<&'l str> {
    let separator = match format {
        Format::Yaml => ':',
        Format::Toml => '=',
    };
    if format == Format::Toml {
        let header = line
            .trim()
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'));
        if header.is_some_and(|h| h.trim().trim_matches(['"', '\'']) == key) {
            return Some("");
        }
    }
    let line = if format == Format::Toml {
        line.trim_start()
    } else {
        line
    };
    for quote in ["", "\"", "'"] {
        if let Some(rest) = line
            .strip_prefix(quote)
            .and_then(|r| r.strip_prefix(key))
            .and_then(|r| r.strip_prefix(quote))
        {
            let rest = rest.trim_start_matches([' ', '\t']);
            if let Some(value) = rest.strip_prefix(separator) {
                return Some(value);
            }
        }
    }
    None
}

/// serde_yaml places a duplicate key at the start of its mapping; point at the second copy.
fn duplicate_key_position(yaml: &str, message: &str) -> Option<(usize, usize, usize)> {
    let key = message
        .strip_prefix("duplicate entry with key \"")?
        .strip_suffix('"')?;
    let (i, _) = yaml
        .lines()
        .enumerate()
        .filter(|(_, l)| strip_key(l, key, Format::Yaml).is_some())
        .nth(1)?;
    Some((i + 1, 1, key.chars().count()))
}

/// Where `item` of the top-level list `key` is written in the front matter of `source` (a
/// whole file): in `cities: [长沙市, 杭州]`, in a block list, as the key's single value, or
/// as a value of the key's mapping.
/// None when the front matter does not hold it as written.
pub fn item_position(source: &str, key: &str, item: &str) -> Option<Position> {
    let split = split(Path::new(""), source).ok()?;
    if split.front.format == Format::Toml {
        return toml_item_position(split.front, key, item);
    }
    let (_, span) = list_items(split.front.text, key)
        .into_iter()
        .find(|(text, _)| text.trim() == item)?;
    let line = split.front.line + span.start.line() - 1;
    let text = source.lines().nth(line - 1)?;
    // A span ends where the next token starts, after any blanks; an item spans one line.
    let end = (span.end.line() == span.start.line()).then_some(span.end.col());
    let written: String = text
        .chars()
        .skip(span.start.col())
        .take(end.map_or(usize::MAX, |e| e - span.start.col()))
        .collect();
    Some(Position {
        line,
        column: span.start.col() + 1,
        width: written.trim_end().chars().count(),
    })
}

type Spanned<'a> = (Event<'a>, Span);

/// The scalars of the top-level `key` of `yaml`, with where each is written.
fn list_items<'a>(yaml: &'a str, key: &str) -> Vec<(Cow<'a, str>, Span)> {
    with_value(yaml, key, |value, events| scalars(value, events)).unwrap_or_default()
}

/// What `read` makes of the value of the top-level `key` of `yaml`: its first event, and
/// the events after it.
fn with_value<'a, T>(
    yaml: &'a str,
    key: &str,
    read: impl FnOnce(Spanned<'a>, &mut dyn Iterator<Item = Spanned<'a>>) -> T,
) -> Option<T> {
    let mut events = Parser::new_from_str(yaml).map_while(Result::ok);
    // A stream, a document, then the mapping of the front matter.
    if !events
        .by_ref()
        .take(3)
        .any(|(e, _)| matches!(e, Event::MappingStart(..)))
    {
        return None;
    }
    while let Some((Event::Scalar(name, ..), _)) = events.next() {
        let value = events.next()?;
        if name == key {
            return Some(read(value, &mut events));
        }
        skip(&value.0, &mut events);
    }
    None
}

/// The scalars of the node that starts with `first`: itself, the items of its list, or the
/// values of its mapping.
fn scalars<'a>(
    first: Spanned<'a>,
    events: &mut (impl Iterator<Item = Spanned<'a>> + ?Sized),
) -> Vec<(Cow<'a, str>, Span)> {
    let mut out = Vec::new();
    match first {
        (Event::Scalar(text, ..), span) => out.push((text, span)),
        (Event::SequenceStart(..), _) => {
            while let Some((event, span)) = events.next() {
                match event {
                    Event::SequenceEnd => break,
                    Event::Scalar(text, ..) => out.push((text, span)),
                    nested => skip(&nested, events),
                }
            }
        }
        // A mapping's values (`source: { name: …, url: … }`).
        (Event::MappingStart(..), _) => {
            while let Some((Event::Scalar(..), _)) = events.next() {
                match events.next() {
                    Some((Event::Scalar(text, ..), span)) => out.push((text, span)),
                    Some((nested, _)) => skip(&nested, events),
                    None => break,
                }
            }
        }
        _ => {}
    }
    out
}

/// Consumes the rest of the node that starts with `first`.
fn skip<'a>(first: &Event<'a>, events: &mut (impl Iterator<Item = Spanned<'a>> + ?Sized)) {
    let mut depth = nesting(first);
    while depth > 0 {
        let Some((event, _)) = events.next() else {
            return;
        };
        depth += nesting(&event);
    }
}

fn nesting(event: &Event) -> isize {
    match event {
        Event::MappingStart(..) | Event::SequenceStart(..) => 1,
        Event::MappingEnd | Event::SequenceEnd => -1,
        _ => 0,
    }
}

/// Where the key at `path` (`["kinds", "policy"]`: `policy` in the mapping `kinds`) is
/// written in the YAML file `yaml`.
pub fn key_path_position(yaml: &str, path: &[&str]) -> Option<Position> {
    let (line, column) = match nested_key_span(yaml, path) {
        Some(span) => (span.start.line(), span.start.col() + 1),
        None => {
            let first = path.first()?;
            let line = (yaml.lines()).position(|l| strip_key(l, first, Format::Yaml).is_some())?;
            (line + 1, 1)
        }
    };
    let key = path.last()?;
    Some(Position {
        line,
        column,
        width: key.chars().count(),
    })
}

/// Where the top-level `key` is written in the front matter of `source` (a whole file).
pub fn key_position(source: &str, key: &str) -> Option<Position> {
    let front = split(Path::new(""), source).ok()?.front;
    let i = (front.text.lines()).position(|l| strip_key(l, key, front.format).is_some())?;
    Some(Position {
        line: front.line + i,
        column: 1,
        width: key.chars().count(),
    })
}

/// Where `item` of the TOML list `key` is written: quoted, after `key =` on that line or
/// the lines of the list that follow it.
fn toml_item_position(front: Front, key: &str, item: &str) -> Option<Position> {
    let lines: Vec<&str> = front.text.lines().collect();
    let first = (lines.iter()).position(|l| strip_key(l, key, Format::Toml).is_some())?;
    for (i, text) in lines.iter().enumerate().skip(first) {
        let value = if i == first {
            strip_key(text, key, Format::Toml)?
        } else {
            text
        };
        for quote in ['"', '\''] {
            if let Some(at) = value.find(&format!("{quote}{item}{quote}")) {
                let before = text.len() - value.len() + at + 1;
                let line = front.line + i;
                return Some(Position {
                    line,
                    column: text[..before].chars().count() + 1,
                    width: item.chars().count(),
                });
            }
        }
        if value.contains(']') {
            break;
        }
    }
    None
}

/// YAML front matter as a value; a problem points at its line.
fn parse_yaml(path: &Path, source: &str, front: Front) -> Result<serde_yaml::Value, Diagnostic> {
    let (yaml, yaml_line) = (front.text, front.line);
    serde_yaml::from_str(yaml).map_err(|e| {
        let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
        let text = e.to_string();
        if let Some(slip) = slips::explain(yaml, &slips::Stop::new(&text, line, column)) {
            return slipped(path, source, yaml_line, slip);
        }
        let message = yaml_message(&e);
        let help = (message == "repetition limit exceeded").then_some(
            "YAML aliases (`*name`) here expand into too much data; write the values out",
        );
        let (line, column, width) =
            duplicate_key_position(yaml, &message).unwrap_or((line, column, 1));
        let d = Diagnostic::new(Problem::InvalidYaml { message }, path).at(
            source,
            yaml_line + line - 1,
            column,
            width,
        );
        match help {
            Some(h) => d.with_help(h),
            None => d,
        }
    })
}

/// TOML front matter read as the YAML value it says the same as: its dates and times
/// become text, as YAML's are to serde_yaml.
fn parse_toml(path: &Path, source: &str, front: Front) -> Result<serde_yaml::Value, Diagnostic> {
    let table: toml::Table = toml::from_str(front.text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let before = &front.text[..span.start.min(front.text.len())];
        let line = front.line + before.matches('\n').count();
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        let width = front
            .text
            .get(span.clone())
            .map_or(1, |t| t.chars().count().max(1));
        let message = e.message().trim().to_string();
        Diagnostic::new(Problem::InvalidToml { message }, path).at(source, line, column, width)
    })?;
    Ok(from_toml(toml::Value::Table(table)))
}

fn from_toml(value: toml::Value) -> serde_yaml::Value {
    use serde_yaml::Value as Y;
    match value {
        toml::Value::String(s) => Y::String(s),
        toml::Value::Integer(i) => Y::Number(i.into()),
        toml::Value::Float(f) => Y::Number(f.into()),
        toml::Value::Boolean(b) => Y::Bool(b),
        toml::Value::Datetime(d) => Y::String(d.to_string()),
        toml::Value::Array(items) => Y::Sequence(items.into_iter().map(from_toml).collect()),
        toml::Value::Table(t) => Y::Mapping(
            t.into_iter()
                .map(|(k, v)| (Y::String(k), from_toml(v)))
                .collect(),
        ),
    }
}

/// A front matter, or another tool's whole YAML or TOML configuration file, as free-form
/// data: for `import`, which carries every key over rather than checking it.
pub fn free_value(
    path: &Path,
    source: &str,
    front: Front,
) -> Result<serde_json::Value, Diagnostic> {
    let value = match front.format {
        Format::Yaml => parse_yaml(path, source, front)?,
        Format::Toml => parse_toml(path, source, front)?,
    };
    Ok(to_json(value))
}

fn to_json(value: serde_yaml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    use serde_yaml::Value as Y;
    match value {
        Y::Null => J::Null,
        Y::Bool(b) => J::Bool(b),
        Y::Number(n) => serde_json::to_value(n).unwrap_or(J::Null),
        Y::String(s) => J::String(s),
        Y::Sequence(items) => J::Array(items.into_iter().map(to_json).collect()),
        Y::Mapping(m) => J::Object(
            m.into_iter()
                .map(|(k, v)| (scalar_text(&k), to_json(v)))
                .collect(),
        ),
        Y::Tagged(t) => to_json(t.value),
    }
}

/// Parses a whole YAML file (such as `site.yaml` or a language file) as a mapping.
pub fn parse_file<'a>(path: &'a Path, source: &'a str) -> Result<Fields<'a>, Diagnostic> {
    let front = Front {
        text: source,
        line: 1,
        format: Format::Yaml,
    };
    Fields::parse(path, source, front)
}

/// Parses a whole YAML file into a free-form value (language files).
pub fn parse_value(path: &Path, source: &str) -> Result<serde_json::Value, Diagnostic> {
    let whole = Front {
        text: source,
        line: 1,
        format: Format::Yaml,
    };
    free_value(path, source, whole)
}

/// A slip of YAML found in the text that starts at line `first` of `source`, shown there.
fn slipped(path: &Path, source: &str, first: usize, slip: slips::Slip) -> Diagnostic {
    let problem = Problem::InvalidYaml {
        message: slip.message,
    };
    Diagnostic::new(problem, path)
        .at(source, first + slip.line - 1, slip.column, slip.width)
        .with_help(slip.help)
}

/// serde_yaml's message without the trailing " at line L column C", which we show ourselves.
/// serde_yaml's message without its position (the diagnostic has it); a Rust type name a
/// derive left in it (`expected struct X`) becomes "a mapping" (the types tradekb reads say
/// what they expect, so this is only a guard).
fn yaml_message(e: &serde_yaml::Error) -> String {
    let text = e.to_string();
    let text = match text.find(" at line ") {
        Some(i) => &text[..i],
        None => &text,
    };
    // serde's words for a value outside a list of names (an enum's variants).
    if let Some(rest) = text.strip_prefix("unknown variant ") {
        if let Some((value, expected)) = rest.split_once(", expected ") {
            return format!("{value} is not {expected}");
        }
    }
    let struct_at = text
        .find("expected struct ")
        .or_else(|| text.find("expected enum "));
    if let Some(i) = struct_at {
        return format!("{}expected a mapping", &text[..i]);
    }
    let number = NUMBERS
        .iter()
        .find(|(t, _)| text.ends_with(&format!("expected {t}")));
    match number {
        Some((t, words)) => format!("{}{words}", &text[..text.len() - t.len()]),
        None => text.to_string(),
    }
}

/// Rust's number types as serde names them, in an author's words.
const NUMBERS: [(&str, &str); 10] = [
    ("i64", "a whole number"),
    ("isize", "a whole number"),
    ("i32", "a whole number"),
    ("u64", "a whole number of at least 0"),
    ("usize", "a whole number of at least 0"),
    ("u32", "a whole number of at least 0"),
    ("u16", "a whole number of at least 0"),
    ("u8", "a whole number from 0 to 255"),
    ("f64", "a number"),
    ("f32", "a number"),
];

fn kind_name(v: &serde_yaml::Value) -> &'static str {
    match v {
        serde_yaml::Value::Null => "nothing",
        serde_yaml::Value::Bool(_) => "a boolean",
        serde_yaml::Value::Number(_) => "a number",
        serde_yaml::Value::String(_) => "a string",
        serde_yaml::Value::Sequence(_) => "a list",
        serde_yaml::Value::Mapping(_) => "a mapping",
        serde_yaml::Value::Tagged(_) => "a tagged value",
    }
}

fn scalar_text(v: &serde_yaml::Value) -> String {
    match v {
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::String(s) => s.clone(),
        other => kind_name(other).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("a.md")
    }

    /// Where `take_mapping` shows each key of `source` that it does not take, in `src`.
    fn unknown_source_keys(src: &str) -> Vec<(String, String)> {
        let s = split(p(), src).unwrap();
        let mut f = Fields::parse(p(), src, s.front).unwrap();
        let taken: Option<serde_yaml::Value> = f.take_mapping("source", &["name", "url"]);
        assert_eq!(taken, None);
        f.take_rest();
        let errs = f.finish(&[]).unwrap_err();
        let shown = |e: &Diagnostic| match &e.problem {
            Problem::InvalidValue { key, .. } => (key.clone(), e.location()),
            other => panic!("{other:?}"),
        };
        errs.iter().map(shown).collect()
    }

    #[test]
    fn a_key_a_mapping_does_not_take_is_shown_where_it_is_written() {
        let shown = |key: &str, at: &str| vec![(key.to_string(), at.to_string())];
        // After another key on its line, in a flow mapping over two lines, quoted.
        let src = "---\nsource: { name: 复函,\n  url: x, \"urll\": y }\n---\n";
        assert_eq!(unknown_source_keys(src), shown("source.urll", "a.md:3:12"));
        let src = "---\nsource:\n  name: 复函\n  link: y\n---\n";
        assert_eq!(unknown_source_keys(src), shown("source.link", "a.md:4:3"));
        // A key that is no text is named as written; an empty one does not hang the search.
        let src = "---\nsource: { 1: x }\n---\n";
        assert_eq!(unknown_source_keys(src), shown("source.1", "a.md:2:11"));
        let src = "+++\nsource = { \"\" = \"x\" }\n+++\n";
        assert_eq!(unknown_source_keys(src), shown("source.", "a.md:2:10"));
        // A TOML table, inline or on lines of its own.
        let src = "+++\nsource = { name = \"复函\", urll = \"y\" }\n+++\n";
        assert_eq!(unknown_source_keys(src), shown("source.urll", "a.md:2:25"));
        let src = "+++\ntitle = \"甲\"\n[source]\nname = \"复函\"\nurll = \"y\"\n+++\n";
        assert_eq!(unknown_source_keys(src), shown("source.urll", "a.md:5:1"));
    }

    #[test]
    fn a_key_of_a_flow_mapping_is_found_as_a_key_not_inside_a_value() {
        let line = "source: { name: urll 原文, urll: x }";
        assert_eq!(flow_key_column(line, 9, "urll", ':'), Some(26));
        assert_eq!(
            flow_key_column(line, 9, "url", ':'),
            None,
            "a key's beginning"
        );
        let toml = "source = { name = \"复函\", \"urll\" = \"x\" }";
        assert_eq!(flow_key_column(toml, 10, "urll", '='), Some(26));
        assert_eq!(
            flow_key_column("source:", 1, "urll", ':'),
            None,
            "no flow mapping"
        );
        assert_eq!(
            flow_key_column("{ a: b }", 1, "", ':'),
            None,
            "an empty key"
        );
    }

    /// Where and what the parser's error in `yaml` (a whole file) is shown as.
    fn slip(yaml: &str) -> (String, String, Option<String>) {
        let d = parse_value(p(), yaml).unwrap_err();
        (d.location(), d.problem.to_string(), d.help)
    }

    #[test]
    fn the_yaml_slips_are_shown_where_they_are() {
        let shown = |yaml| {
            let (at, problem, _) = slip(yaml);
            format!("{at} {problem}")
        };
        let colon = "a.md:1:6 invalid YAML: `title` is followed by a full-width colon `：`";
        assert_eq!(shown("title：关于\ndate: 2015-02-01\n"), colon);
        let (_, _, help) = slip("title：关于\ndate: 2015-02-01\n");
        let help = help.unwrap();
        assert_eq!(
            help,
            "YAML needs the ASCII colon and a space: `title: 关于`"
        );
        let last = "a.md:2:6 invalid YAML: `title` is followed by a full-width colon `：`";
        assert_eq!(shown("date: 2015-02-01\ntitle：关于\n"), last);
        let tab = "invalid YAML: this line is indented with a tab";
        assert_eq!(shown("tags:\n\t- 乙\n"), format!("a.md:2:1 {tab}"));
        assert_eq!(shown("tags:\n  - 甲\n\t- 乙\n"), format!("a.md:3:1 {tab}"));
        let open = "invalid YAML: this `[` is not closed with `]`";
        let list = "title: 甲\ntags: [跨境电商, 试点城市\nissuer: 海关\n";
        assert_eq!(shown(list), format!("a.md:2:7 {open}"));
        let map = "a: {x: 1\nb: 2\n";
        assert_eq!(
            shown(map),
            "a.md:1:4 invalid YAML: this `{` is not closed with `}`"
        );
        let quoted = "a.md:1:10 invalid YAML: the value of `title` holds `: `";
        assert_eq!(shown("title: 解读: 关于\n"), quoted);
        let (_, _, help) = slip("title: 解读: 它's\n");
        assert_eq!(
            help.unwrap(),
            "put the value in quotes: `title: '解读: 它''s'`"
        );
    }

    #[test]
    fn valid_yaml_is_never_questioned_and_other_errors_keep_their_words() {
        // Full-width colons in values, keys and continued values; a tab inside a block.
        let valid = [
            "summary: \"第一行\n第二行：说明\"\n",
            "tags: [甲,\n乙：丙]\n",
            "注：说明: x\n",
            "summary: |\n  代码\n  \t缩进\n",
            "summary: 他说：好\n",
        ];
        for yaml in valid {
            assert!(parse_value(p(), yaml).is_ok(), "{yaml:?}");
        }
        // An error elsewhere is not blamed on a tab or a bracket above it.
        let below = "summary: |\n  代码\n  \t缩进\ntitle: 解读: 关于\n";
        assert_eq!(slip(below).0, "a.md:4:10");
        let comma = "summary: 适用区间[2014, 2015)\ntags: [甲, \"乙\" 丙]\n";
        let (at, problem, help) = slip(comma);
        assert_eq!(at, "a.md:2:15");
        assert_eq!(problem, "invalid YAML: did not find expected ',' or ']'");
        assert_eq!(help, None);
    }

    #[test]
    fn splits_front_matter_and_body() {
        let src = "---\ntitle: x\n---\nbody\n";
        let s = split(p(), src).unwrap();
        assert_eq!(s.front.text, "title: x\n");
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn toml_front_matter_reads_as_yaml_does() {
        let src = "+++\ntitle = \"长沙\"\ndate = 2015-01-08T10:31:58-04:00\ntags = [\"海关\", \"试点\"]\n\n[extra]\nauthor = \"某人\"\n+++\n正文\n";
        let s = split(p(), src).unwrap();
        assert_eq!(s.front.format, Format::Toml);
        assert_eq!(s.body_line, 9);
        let mut f = Fields::parse(p(), src, s.front).unwrap();
        assert_eq!(f.take::<String>("title").as_deref(), Some("长沙"));
        assert_eq!(
            f.take::<String>("date").as_deref(),
            Some("2015-01-08T10:31:58-04:00")
        );
        assert_eq!(f.take_list("tags"), ["海关", "试点"]);
        assert_eq!(f.locate("tags"), (4, 8, 12));
        assert_eq!(f.locate("extra"), (6, 1, 5));
        let e = f.finish(&["title"]).unwrap_err();
        assert_eq!(
            e[0].problem,
            Problem::UnknownKey {
                key: "extra".into()
            }
        );
        assert_eq!(e[0].location(), "a.md:6:1");
    }

    #[test]
    fn toml_errors_point_at_their_line() {
        let src = "+++\ntitle = \"x\"\ndate = = 2014\n+++\n";
        let s = split(p(), src).unwrap();
        let e = Fields::parse(p(), src, s.front).err().unwrap();
        assert!(matches!(e.problem, Problem::InvalidToml { .. }), "{e}");
        assert_eq!(e.location().split(':').nth(1), Some("3"), "{e}");
        assert!(item_position(src, "tags", "x").is_none());
        let src = "+++\ncities = [\"长沙\", \"杭州\"]\n+++\n";
        let at = item_position(src, "cities", "杭州").unwrap();
        assert_eq!((at.line, at.column, at.width), (2, 18, 2));
    }

    #[test]
    fn missing_and_unclosed_fences_are_errors() {
        let e = split(p(), "title: x\n").unwrap_err();
        assert_eq!(e.problem, Problem::MissingFrontMatter);
        let e = split(p(), "---\ntitle: x\n").unwrap_err();
        assert_eq!(e.problem, Problem::UnclosedFrontMatter);
        let e = split(p(), "+++\ntitle = 1\n---\n").unwrap_err();
        assert_eq!(e.problem, Problem::UnclosedFrontMatter);
        assert_eq!(
            e.help.as_deref(),
            Some("end the front matter with a line holding only `+++`")
        );
    }

    #[test]
    fn yaml_errors_point_into_the_file() {
        let src = "---\ntitle: x\ndate: [1\n---\n";
        let s = split(p(), src).unwrap();
        let e = Fields::parse(p(), src, s.front).err().unwrap();
        assert!(matches!(e.problem, Problem::InvalidYaml { .. }));
        assert!(e.position.unwrap().line >= 3, "{e}");
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let src = "---\ntitle: x\ntitle: y\n---\n";
        let s = split(p(), src).unwrap();
        let e = Fields::parse(p(), src, s.front).err().unwrap();
        assert!(e.to_string().contains("duplicate"), "{e}");
        assert_eq!(e.position.unwrap().line, 3, "{e}");
    }

    #[test]
    fn unknown_keys_suggest_the_nearest() {
        let src = "---\ntitel: x\n---\n";
        let s = split(p(), src).unwrap();
        let f = Fields::parse(p(), src, s.front).unwrap();
        let errs = f.finish(&["title", "date"]).unwrap_err();
        assert_eq!(
            errs[0].problem,
            Problem::UnknownKey {
                key: "titel".into()
            }
        );
        assert_eq!(errs[0].help.as_deref(), Some("did you mean `title`?"));
        assert_eq!(errs[0].location(), "a.md:2:1");
    }

    #[test]
    fn wrong_types_point_at_the_value() {
        let src = "---\ndraft: \"yes\"\n---\n";
        let s = split(p(), src).unwrap();
        let mut f = Fields::parse(p(), src, s.front).unwrap();
        assert_eq!(f.take::<bool>("draft"), None);
        let errs = f.finish(&["draft"]).unwrap_err();
        assert_eq!(errs[0].location(), "a.md:2:8");
    }

    #[test]
    fn list_items_are_found_where_they_are_written() {
        let src = "---\ntitle: 长沙\ncities: [长沙市, \"杭州\" , 宁波]\ntags:\n  - 海关\n  -   物流 # 注释\nx: 物流\n---\ntags: [正文]\n";
        let at = |key, item| item_position(src, key, item).map(|p| (p.line, p.column, p.width));
        assert_eq!(at("cities", "长沙市"), Some((3, 10, 3)));
        assert_eq!(at("cities", "杭州"), Some((3, 15, 4)));
        assert_eq!(at("tags", "物流"), Some((6, 7, 2)));
        assert_eq!(at("title", "长沙"), Some((2, 8, 2)));
        assert_eq!(at("tags", "正文"), None, "the body is not front matter");
        assert_eq!(at("summary", "长沙"), None);
    }

    #[test]
    fn a_list_item_may_follow_a_nested_value_and_a_line_break() {
        let src = "---\nsource: { name: [a, b] }\ncities: [长沙,\n  杭州]\n---\n";
        let p = item_position(src, "cities", "杭州").unwrap();
        assert_eq!((p.line, p.column, p.width), (4, 3, 2));
    }

    #[test]
    fn a_single_string_is_a_one_item_list() {
        let src = "---\ntags: 海关\ncities: [长沙, 重庆]\n---\n";
        let s = split(p(), src).unwrap();
        let mut f = Fields::parse(p(), src, s.front).unwrap();
        assert_eq!(f.take_list("tags"), vec!["海关"]);
        assert_eq!(f.take_list("cities"), vec!["长沙", "重庆"]);
    }
}

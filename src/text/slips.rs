//! The slips an author makes in YAML that its parser reports in its own words, away from
//! where they are: a full-width colon after a key (`title：…`), a tab that indents a line,
//! a list or mapping left open, a value that holds `: ` unquoted. Each is looked for only
//! where the parser stopped (its line, the line before, and the place it names as what it
//! was reading), so that valid YAML is never questioned.

/// What the parser's error most likely comes from: where it is (line from 1, column in
/// characters from 1, width), what it is and what to write.
#[derive(Debug, PartialEq, Eq)]
pub struct Slip {
    pub line: usize,
    pub column: usize,
    pub width: usize,
    pub message: String,
    pub help: String,
}

/// The parser's error: what it found, where (line and column from 1), and where what it was
/// reading began, as its text says (`…, while parsing a flow sequence at line 2 column 7`).
pub struct Stop<'a> {
    pub problem: &'a str,
    pub line: usize,
    pub column: usize,
    pub context: Option<(&'a str, usize, usize)>,
}

impl<'a> Stop<'a> {
    /// The error whose whole text is `text`, found at `line` and `column`.
    pub fn new(text: &'a str, line: usize, column: usize) -> Stop<'a> {
        let problem = text.split(" at line ").next().unwrap_or(text);
        let context = text.split_once(", while ").and_then(|(_, context)| {
            let (what, at) = context.split_once(" at line ")?;
            let (l, c) = at.split_once(" column ")?;
            Some((what, l.trim().parse().ok()?, c.trim().parse().ok()?))
        });
        Stop {
            problem,
            line,
            column,
            context,
        }
    }
}

/// The slip behind `stop` in `yaml`, if it is one of these.
pub fn explain(yaml: &str, stop: &Stop) -> Option<Slip> {
    let lines: Vec<&str> = yaml.lines().collect();
    full_width_colon(&lines, stop)
        .or_else(|| tab(&lines, stop))
        .or_else(|| unclosed(stop))
        .or_else(|| colon_in_value(&lines, stop))
}

/// A line that starts a key but ends it with `：`: the parser reads it as text and stops
/// on the next line (or names it as the key it was reading).
fn full_width_colon(lines: &[&str], stop: &Stop) -> Option<Slip> {
    let reading = stop.context.map(|(_, line, _)| line);
    let near = [Some(stop.line.saturating_sub(1)), Some(stop.line), reading];
    near.into_iter().flatten().find_map(|n| {
        let text = lines.get(n.checked_sub(1)?)?;
        let (key, value) = text.split_once('：')?;
        let starts_key = !key.is_empty()
            && !key.starts_with(['#', '-', ' ', '\t', '"', '\'', '[', '{'])
            && !key.contains([':', ' ', '\t']);
        starts_key.then(|| Slip {
            line: n,
            column: key.chars().count() + 1,
            width: 1,
            message: format!("`{key}` is followed by a full-width colon `：`"),
            help: format!(
                "YAML needs the ASCII colon and a space: `{key}: {}`",
                value.trim()
            ),
        })
    })
}

/// The line the parser stopped at is indented with a tab, which YAML does not allow.
fn tab(lines: &[&str], stop: &Stop) -> Option<Slip> {
    let about_tabs = stop.problem == "found a tab character that violates indentation"
        || stop.problem == "found character that cannot start any token";
    let text = lines.get(stop.line.checked_sub(1)?)?;
    let indent = text.chars().take_while(|c| *c == ' ').count();
    (about_tabs && text[indent..].starts_with('\t')).then(|| Slip {
        line: stop.line,
        column: indent + 1,
        width: 1,
        message: "this line is indented with a tab".into(),
        help: "YAML indents with spaces only: replace the tab with two spaces".into(),
    })
}

/// A flow list or mapping (`[…`, `{…`) that its line leaves open: the parser names where it
/// began, and stops on a later line.
fn unclosed(stop: &Stop) -> Option<Slip> {
    let (what, line, column) = stop.context?;
    let (open, close, help) = match what {
        "parsing a flow sequence" => ('[', ']', "end the list on its line: `[一, 二]`"),
        "parsing a flow mapping" => ('{', '}', "end the mapping on its line: `{ name: 一 }`"),
        _ => return None,
    };
    (stop.problem.starts_with("did not find expected") && stop.line > line).then(|| Slip {
        line,
        column,
        width: 1,
        message: format!("this `{open}` is not closed with `{close}`"),
        help: help.into(),
    })
}

/// `key: text: more`, where the parser stopped at the second colon: a value that holds `: `
/// must be quoted, or the parser takes it for a mapping inside the value.
fn colon_in_value(lines: &[&str], stop: &Stop) -> Option<Slip> {
    if stop.problem != "mapping values are not allowed in this context" {
        return None;
    }
    let text = lines.get(stop.line.checked_sub(1)?)?;
    let at = text.char_indices().nth(stop.column.checked_sub(1)?)?.0;
    let (key, value) = text.split_once(": ")?;
    let inside_value = text[at..].starts_with(':') && at > key.len() + 1;
    let value = value.trim();
    (inside_value && !key.trim().is_empty()).then(|| Slip {
        line: stop.line,
        column: stop.column,
        width: 1,
        message: format!("the value of `{}` holds `: `", key.trim()),
        help: format!(
            "put the value in quotes: `{}: '{}'`",
            key.trim(),
            value.replace('\'', "''")
        ),
    })
}

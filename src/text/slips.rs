//! The slips an author makes in YAML that its parser reports in its own words, far from
//! where they are: a full-width colon after a key (`title：…`), a tab that indents a line,
//! a value that holds `: ` unquoted, a list or mapping left open. Each is found in the text
//! around the parser's error and told where it is, with what to write.

/// What the parser's error at `line` (from 1, in `yaml`) most likely comes from: where it
/// is (line from 1, column in characters from 1, width), what it is and what to write.
#[derive(Debug, PartialEq, Eq)]
pub struct Slip {
    pub line: usize,
    pub column: usize,
    pub width: usize,
    pub message: String,
    pub help: String,
}

/// The slip behind the parser's `message` at `line` of `yaml`, if it is one of these.
pub fn explain(yaml: &str, line: usize, message: &str) -> Option<Slip> {
    let lines: Vec<&str> = yaml.lines().collect();
    tab(&lines)
        .or_else(|| unclosed(&lines, line, message))
        .or_else(|| colon_in_value(&lines, line, message))
}

/// A line that starts a key but ends it with `：`. Looked for before parsing: the parser
/// reads such a line as text, and stumbles on the next line or, at the end, takes it into
/// the value above without a word.
pub fn full_width_colon(yaml: &str) -> Option<Slip> {
    yaml.lines().enumerate().find_map(|(i, text)| {
        let (key, _) = text.split_once('：')?;
        let starts_key = !key.is_empty()
            && !key.starts_with(['#', '-', ' ', '\t', '"', '\'', '[', '{'])
            && !key.contains([':', ' ', '\t']);
        starts_key.then(|| Slip {
            line: i + 1,
            column: key.chars().count() + 1,
            width: 1,
            message: format!("`{key}` is followed by a full-width colon `：`"),
            help: format!(
                "YAML needs the ASCII colon and a space: `{key}: {}`",
                text[key.len() + '：'.len_utf8()..].trim()
            ),
        })
    })
}

/// A line indented with a tab, which YAML does not allow.
fn tab(lines: &[&str]) -> Option<Slip> {
    let i = lines
        .iter()
        .position(|l| l.starts_with([' ', '\t']) && l.trim_start_matches(' ').starts_with('\t'))?;
    let column = lines[i].chars().take_while(|c| *c == ' ').count() + 1;
    Some(Slip {
        line: i + 1,
        column,
        width: 1,
        message: "this line is indented with a tab".into(),
        help: "YAML indents with spaces only: replace the tab with two spaces".into(),
    })
}

/// A flow list or mapping (`[…`, `{…`) that its line leaves open, when the parser reports a
/// missing `]` or `}` at a later line.
fn unclosed(lines: &[&str], line: usize, message: &str) -> Option<Slip> {
    let (open, close) = if message.contains("']'") {
        ('[', ']')
    } else if message.contains("'}'") {
        ('{', '}')
    } else {
        return None;
    };
    let before = lines.get(..line.saturating_sub(1).min(lines.len()))?;
    let i = before.iter().rposition(|l| {
        let depth = |c| l.chars().filter(|x| *x == c).count();
        depth(open) > depth(close)
    })?;
    let column = lines[i].chars().position(|c| c == open)? + 1;
    Some(Slip {
        line: i + 1,
        column,
        width: 1,
        message: format!("this `{open}` is not closed"),
        help: format!("end the list with `{close}` on the same line: `[一, 二]`"),
    })
}

/// `key: text: more`: a value that holds `: ` must be quoted, or the parser takes it for a
/// mapping inside the value.
fn colon_in_value(lines: &[&str], line: usize, message: &str) -> Option<Slip> {
    if !message.starts_with("mapping values are not allowed") {
        return None;
    }
    let text = lines.get(line.checked_sub(1)?)?;
    let (key, value) = text.split_once(": ")?;
    let value = value.trim();
    if key.trim().is_empty() || !value.contains(": ") || value.starts_with(['"', '\'']) {
        return None;
    }
    // At the colon inside the value, where the parser stopped.
    let after_key = key.len() + ": ".len();
    let colon = after_key + text[after_key..].find(": ")?;
    let column = text[..colon].chars().count() + 1;
    Some(Slip {
        line,
        column,
        width: 1,
        message: format!("the value of `{}` holds `: `", key.trim()),
        help: format!(
            "put the value in quotes: `{}: \"{}\"`",
            key.trim(),
            value.replace('"', "\\\"")
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(slip: Option<Slip>) -> Option<(usize, usize, String)> {
        slip.map(|s| (s.line, s.column, s.message))
    }

    #[test]
    fn a_full_width_colon_after_a_key_is_found_on_its_own_line() {
        let yaml = "title：关于全角冒号的测试\ndate: 2015-02-01\n";
        let slip = full_width_colon(yaml).unwrap();
        assert_eq!((slip.line, slip.column), (1, 6));
        assert_eq!(
            slip.help,
            "YAML needs the ASCII colon and a space: `title: 关于全角冒号的测试`"
        );
        // In a value, or after an ASCII colon, it is text.
        let fine = "summary: 他说：好\n  第二行：说明\n- 一：二\n";
        assert_eq!(full_width_colon(fine), None);
    }

    #[test]
    fn a_tab_that_indents_is_found_where_it_is() {
        let yaml = "tags:\n  - 甲\n\t- 乙\n";
        assert_eq!(
            at(explain(
                yaml,
                3,
                "found character that cannot start any token"
            )),
            Some((3, 1, "this line is indented with a tab".into()))
        );
        assert_eq!(tab(&["a: 一\tb"]), None, "a tab inside a value");
    }

    #[test]
    fn an_open_list_is_found_on_its_line_not_at_the_end() {
        let yaml = "title: 甲\ntags: [跨境电商, 试点城市\ndate: 2014-01-02\n";
        assert_eq!(
            at(explain(yaml, 4, "did not find expected ',' or ']'")),
            Some((2, 7, "this `[` is not closed".into()))
        );
    }

    #[test]
    fn a_colon_in_a_value_asks_for_quotes() {
        let yaml = "title: 解读: 关于试点的通知\n";
        let slip = explain(yaml, 1, "mapping values are not allowed in this context").unwrap();
        assert_eq!(
            (slip.line, slip.column),
            (1, 10),
            "at the colon inside the value"
        );
        assert_eq!(
            slip.help,
            "put the value in quotes: `title: \"解读: 关于试点的通知\"`"
        );
        assert_eq!(
            explain("title: \"a: b\"\n", 1, "mapping values are not allowed"),
            None
        );
    }
}

//! Writing YAML for the new site: front matter with its keys in a fixed order, and free
//! data (`extra:`) with its keys sorted, so the same source always gives the same bytes.

use std::fmt::Write as _;

use serde_json::Value;

use crate::scaffold::yaml_text;

/// Lines of YAML: `key: value`, for a front matter or a configuration file.
#[derive(Debug, Default)]
pub struct Yaml {
    text: String,
}

impl Yaml {
    pub fn text(&mut self, key: &str, value: &str) {
        let _ = writeln!(self.text, "{key}: {}", yaml_text(value));
    }

    /// A value written as it is (a date, a number, a boolean).
    pub fn raw(&mut self, key: &str, value: impl std::fmt::Display) {
        let _ = writeln!(self.text, "{key}: {value}");
    }

    pub fn list(&mut self, key: &str, items: &[String]) {
        let items: Vec<String> = items.iter().map(|i| yaml_text(i)).collect();
        let _ = writeln!(self.text, "{key}: [{}]", items.join(", "));
    }

    /// A mapping of free data, one key a line, nested values in flow style.
    pub fn mapping(&mut self, key: &str, entries: &[(String, Value)]) {
        let _ = writeln!(self.text, "{key}:");
        for (k, v) in entries {
            let _ = writeln!(self.text, "  {}: {}", yaml_key(k), flow(v));
        }
    }

    /// Text to add as it is (a block the caller wrote).
    pub fn block(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// The text between `---` fences, then `body`.
    pub fn front_matter(self, body: &str) -> String {
        format!("---\n{}---\n{body}", self.text)
    }

    pub fn into_text(self) -> String {
        self.text
    }
}

/// A key as it is when it is a plain ASCII name YAML reads as text, quoted otherwise.
fn yaml_key(key: &str) -> String {
    let plain = key.starts_with(|c: char| c.is_ascii_alphabetic())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
        && !is_yaml_word(key);
    if plain {
        key.to_string()
    } else {
        yaml_text(key)
    }
}

/// Words YAML 1.1 readers take as booleans or null.
fn is_yaml_word(key: &str) -> bool {
    const WORDS: &[&str] = &["true", "false", "null", "yes", "no", "on", "off", "y", "n"];
    WORDS.iter().any(|w| key.eq_ignore_ascii_case(w))
}

/// Any value in YAML's flow style, on one line; mapping keys sorted.
fn flow(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => yaml_text(s),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(flow).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let items: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}: {}", yaml_key(k), flow(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::yaml::{free_value, Format, Front};

    fn read_back(text: &str) -> Value {
        let front = Front {
            text,
            line: 1,
            format: Format::Yaml,
        };
        free_value(std::path::Path::new("x"), text, front).expect("valid YAML")
    }

    #[test]
    fn free_data_reads_back_as_it_was() {
        let data = serde_json::json!({
            "layout": "post",
            "true": "yes",
            "数": [1, 2.5, "3", "a, b", "[x]", "“引号”", null, true],
            "nested": {"b": {"c": "d: e"}, "a": "#"},
            "line\u{2028}break": "a\u{85}b",
        });
        let entries: Vec<(String, Value)> = data
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut yaml = Yaml::default();
        yaml.mapping("extra", &entries);
        yaml.list("tags", &["跨境电商".into(), "true".into(), "a, b".into()]);
        let back = read_back(&yaml.into_text());
        assert_eq!(back["extra"], data);
        assert_eq!(
            back["tags"],
            serde_json::json!(["跨境电商", "true", "a, b"])
        );
    }
}

//! Load stage, a site's own article fields: each value read and checked as its field in
//! `site.yaml` declares it, like a built-in key; and keys no schema knows, as the site's
//! `unknown_keys` says.

use serde::Serialize;

use super::meta::{take_date, take_text, unsafe_url, Date};
use crate::config::{FieldKind, FieldSpec, Schema, UnknownKeys};
use crate::diagnostic::did_you_mean;
use crate::text::yaml::Fields;

/// One of the site's own fields, as an article gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Custom {
    pub key: String,
    pub value: FieldValue,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum FieldValue {
    /// Text, and a choice's value.
    Text(String),
    Date(Date),
    Integer(i64),
    Url(String),
    List(Vec<String>),
}

/// What the site's schema makes of an article's keys beyond the built-in ones.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Read {
    /// In the order the schema declares them.
    pub custom: Vec<Custom>,
    /// Keys no schema knows, left out with a warning (`unknown_keys: warn`).
    pub unknown: Vec<String>,
    /// Keys no schema knows, kept for `extra` (`unknown_keys: extra`).
    pub extra: Vec<(String, serde_json::Value)>,
}

/// Reads the fields of `schema` that articles of `section` have; keys left over are for
/// [`Fields::finish`] to report, unless the schema warns of them or keeps them.
pub fn read(f: &mut Fields, schema: &Schema, section: Option<&str>) -> Read {
    let mut read = Read::default();
    for spec in &schema.fields {
        if !spec.applies_to(section) {
            elsewhere(f, spec);
        } else if let Some(value) = value(f, spec) {
            let key = spec.key.clone();
            read.custom.push(Custom { key, value });
        }
    }
    match schema.unknown_keys {
        UnknownKeys::Error => {}
        UnknownKeys::Warn => read.unknown = f.take_rest().into_iter().map(|(k, _)| k).collect(),
        UnknownKeys::Extra => {
            let rest = f.take_rest().into_iter();
            read.extra = rest
                .filter_map(|(k, v)| Some((k, serde_json::to_value(v).ok()?)))
                .collect();
        }
    }
    read
}

/// The keys an article of `section` may have: the built-in ones and its own fields.
pub fn known_keys<'a>(
    builtin: &[&'a str],
    schema: &'a Schema,
    section: Option<&str>,
) -> Vec<&'a str> {
    let own = schema.fields.iter().filter(|s| s.applies_to(section));
    builtin
        .iter()
        .copied()
        .chain(own.map(|s| s.key.as_str()))
        .collect()
}

/// The value of `spec` in the front matter, checked; none when absent or wrong (reported).
fn value(f: &mut Fields, spec: &FieldSpec) -> Option<FieldValue> {
    let key = spec.key.as_str();
    if !f.has(key) {
        if spec.required {
            let _: Option<String> = f.require(key);
        } else {
            // An empty value is taken too, or it would be left over as unknown.
            let _: Option<serde_yaml::Value> = f.take(key);
        }
        return None;
    }
    match &spec.kind {
        FieldKind::Text => take_text(f, key, false).map(FieldValue::Text),
        FieldKind::Date => take_date(f, key, false).map(FieldValue::Date),
        FieldKind::Integer => f.take::<i64>(key).map(FieldValue::Integer),
        FieldKind::List => Some(FieldValue::List(f.take_list(key))),
        FieldKind::Url => url(f, key).map(FieldValue::Url),
        FieldKind::Choice(values) => choice(f, key, values).map(FieldValue::Text),
    }
}

/// A field of other sections, written here: an error saying where it belongs.
fn elsewhere(f: &mut Fields, spec: &FieldSpec) {
    let key = spec.key.as_str();
    if !f.has(key) {
        return;
    }
    let _: Option<serde_yaml::Value> = f.take(key);
    let sections = spec.sections.as_deref().unwrap_or_default().join(", ");
    let message = format!("`{key}` is a field of the sections {sections} only");
    let help =
        format!("add this section to `sections:` of `{key}` in site.yaml, or leave the key out");
    f.invalid(key, message, help);
}

fn url(f: &mut Fields, key: &str) -> Option<String> {
    let url = take_text(f, key, false)?;
    let web = url.starts_with("https://") || url.starts_with("http://");
    match unsafe_url(&url).or((!web).then_some("is not an http:// or https:// address")) {
        None => Some(url),
        Some(why) => {
            f.invalid(
                key,
                format!("`{url}` {why}"),
                "write the full address, https://…",
            );
            None
        }
    }
}

fn choice(f: &mut Fields, key: &str, values: &[String]) -> Option<String> {
    let value = take_text(f, key, false)?;
    if values.contains(&value) {
        return Some(value);
    }
    let names: Vec<&str> = values.iter().map(String::as_str).collect();
    let help = match did_you_mean(&value, &names) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!("write one of: {}", names.join(", ")),
    };
    f.invalid(
        key,
        format!("`{value}` is not one of the values of `{key}`"),
        help,
    );
    None
}

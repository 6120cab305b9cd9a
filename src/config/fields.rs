//! Configuration, the site's own front-matter fields (`fields:` in `site.yaml`): each with
//! its type, whether it is required, its labels, where it is shown and which sections have
//! it; and what becomes of keys no schema knows (`unknown_keys:`).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diagnostic::did_you_mean;
use crate::text::yaml::Fields;

/// The keys every article may have (read by `content::meta`); a site's own fields may not
/// declare them again. Here, so that `site.yaml` is checked against them.
pub const BUILT_IN_ARTICLE_KEYS: &[&str] = &[
    "title",
    "date",
    "published",
    "updated",
    "summary",
    "tags",
    "cities",
    "issuer",
    "status",
    "source",
    "slug",
    "aliases",
    "amends",
    "supersedes",
    "implements",
    "draft",
    "extra",
];

/// The article front matter a site declares beyond the built-in keys.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schema {
    /// In the order `site.yaml` declares them.
    pub fields: Vec<FieldSpec>,
    pub unknown_keys: UnknownKeys,
}

/// What an article key that no schema knows is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase", expecting = "one of error, warn, extra")]
pub enum UnknownKeys {
    /// An error with a did-you-mean (the default: a typo is caught).
    #[default]
    Error,
    /// A warning; the key is left out.
    Warn,
    /// Kept under `extra`, for templates (while moving a collection in).
    Extra,
}

/// One field a site declares.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldSpec {
    /// As written in front matter (`文号`, `doc_number`).
    pub key: String,
    pub kind: FieldKind,
    pub required: bool,
    /// By language (`zh-CN`, `en`).
    pub labels: BTreeMap<String, String>,
    /// In the article's info panel.
    pub show: bool,
    /// A filter of the search page.
    pub filter: bool,
    /// Listed in `/api/`.
    pub api: bool,
    /// The sections whose articles have it; none for every article.
    pub sections: Option<Vec<String>>,
}

/// What a field's value is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Date,
    Integer,
    Url,
    List,
    /// One of these values.
    Choice(Vec<String>),
}

impl FieldKind {
    pub fn name(&self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::Date => "date",
            FieldKind::Integer => "integer",
            FieldKind::Url => "url",
            FieldKind::List => "list",
            FieldKind::Choice(_) => "choice",
        }
    }
}

const TYPES: &[&str] = &["text", "date", "integer", "url", "list", "choice"];

impl FieldSpec {
    /// Whether articles of the section `folder` (none: at the content root) have it.
    pub fn applies_to(&self, folder: Option<&str>) -> bool {
        match (&self.sections, folder) {
            (None, _) => true,
            (Some(sections), Some(f)) => sections.iter().any(|s| s == f),
            (Some(_), None) => false,
        }
    }

    /// The label in `language` (or its main part: `zh` for `zh-CN`), else the first given,
    /// else the key.
    pub fn label(&self, language: &str) -> &str {
        let main = language.split('-').next().unwrap_or(language);
        (self.labels.get(language))
            .or_else(|| {
                self.labels
                    .iter()
                    .find(|(l, _)| l.split('-').next() == Some(main))
                    .map(|(_, v)| v)
            })
            .or_else(|| self.labels.values().next())
            .map_or(&self.key, String::as_str)
    }
}

/// One field as `site.yaml` writes it.
#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping with `type` and optional `required`, `label`, `show`, `filter`, `api`, `sections`, `values`"
)]
struct RawField {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    label: BTreeMap<String, String>,
    #[serde(default)]
    show: bool,
    #[serde(default)]
    filter: bool,
    #[serde(default)]
    api: bool,
    #[serde(default)]
    sections: Option<Vec<String>>,
    #[serde(default)]
    values: Option<Vec<String>>,
}

/// Reads `fields:` and `unknown_keys:` of `site.yaml`; `builtin` are the keys articles
/// have already, which a field may not declare again.
pub(super) fn read(f: &mut Fields) -> Schema {
    let builtin = BUILT_IN_ARTICLE_KEYS;
    let unknown_keys = f.take("unknown_keys").unwrap_or_default();
    // A mapping keeps the order the fields are declared in.
    let raw: serde_yaml::Mapping = f.take("fields").unwrap_or_default();
    let mut fields = Vec::with_capacity(raw.len());
    for (key, value) in raw {
        let Some(key) = key.as_str().map(str::to_string) else {
            let help = "write `文号:` or `doc_number:`";
            f.invalid("fields", "field names must be text".into(), help);
            continue;
        };
        match spec(&key, value, builtin) {
            Ok(spec) => fields.push(spec),
            Err((message, help)) => f.invalid_in("fields", &key, message, help),
        }
    }
    Schema {
        fields,
        unknown_keys,
    }
}

/// A field checked, or what is wrong with it and what to write instead.
fn spec(
    key: &str,
    value: serde_yaml::Value,
    builtin: &[&str],
) -> Result<FieldSpec, (String, String)> {
    let raw: RawField = serde_yaml::from_value(value).map_err(|e| {
        let message = format!("field `{key}`: {e}");
        (
            message,
            "see the README's \"Custom fields\" for what a field takes".to_string(),
        )
    })?;
    if builtin.contains(&key) {
        let message =
            format!("`{key}` is a built-in key of articles; a field may not declare it again");
        return Err((message, "give the field another name".into()));
    }
    let kind = match (raw.kind.as_str(), raw.values) {
        ("choice", Some(values)) if !values.is_empty() => FieldKind::Choice(values),
        ("choice", _) => {
            let message = format!("field `{key}` is a choice without `values`");
            return Err((
                message,
                "list the values it may take: `values: [现行有效, 已废止]`".into(),
            ));
        }
        (_, Some(_)) => {
            let message = format!("field `{key}` has `values` but is not a choice");
            return Err((
                message,
                "write `type: choice`, or leave `values` out".into(),
            ));
        }
        ("text", None) => FieldKind::Text,
        ("date", None) => FieldKind::Date,
        ("integer", None) => FieldKind::Integer,
        ("url", None) => FieldKind::Url,
        ("list", None) => FieldKind::List,
        (other, None) => {
            let message = format!("field `{key}` has the unknown type `{other}`");
            let help = match did_you_mean(other, TYPES) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("types: {}", TYPES.join(", ")),
            };
            return Err((message, help));
        }
    };
    if raw.sections.as_ref().is_some_and(Vec::is_empty) {
        let message = format!("field `{key}` lists no section in `sections`");
        return Err((message, "name the section folders (`sections: [policies]`), or leave `sections` out for every article".into()));
    }
    Ok(FieldSpec {
        key: key.to_string(),
        kind,
        required: raw.required,
        labels: raw.label,
        show: raw.show,
        filter: raw.filter,
        api: raw.api,
        sections: raw.sections,
    })
}

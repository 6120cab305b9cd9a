//! Load stage, typed front matter: turns the YAML keys of each kind of file into checked
//! structs (articles, sections, city and tag profiles, the home intro).

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Deserialize;

use super::custom::Custom;
use super::kind::{Kind, Region};
use crate::config::Schema;
use crate::diagnostic::Problem;
use crate::text::yaml::Fields;

/// A date as authors write it: a month (`2014-03`, where only the month is known), a day,
/// or an RFC 3339 instant (whose day is kept in its zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// The day; for a month alone, its first day (so a month sorts with the days in it).
    pub day: NaiveDate,
    pub instant: Option<DateTime<FixedOffset>>,
    /// Written as a month alone.
    pub month_only: bool,
}

impl Date {
    /// A day without a time.
    pub fn of_day(day: NaiveDate) -> Date {
        Date {
            day,
            instant: None,
            month_only: false,
        }
    }

    /// Month `month` (1 to 12) of `year`, as a date written as a month alone.
    pub fn of_month(year: i32, month: u32) -> Option<Date> {
        NaiveDate::from_ymd_opt(year, month, 1).map(|day| Date {
            month_only: true,
            ..Date::of_day(day)
        })
    }

    /// A month (`2014-03`), a day (`2014-01-02`) or a day and time with its offset from
    /// UTC, in the forms YAML and Hugo accept: `T` or a space between them, one-digit
    /// hours, seconds and their fractions optional, the offset as `Z`, `+08:00`, `+0800` or
    /// `+08`, a space before it allowed (`2015-01-08 10:31:58 -0400`). The error says what
    /// is wrong.
    pub fn parse(text: &str) -> Result<Date, String> {
        let text = text.trim();
        if let Some(month) = parse_month(text) {
            return month;
        }
        let (day, rest) = match text.char_indices().nth(10) {
            Some((at, _)) => text.split_at(at),
            None => (text, ""),
        };
        let day = parse_day(day)?;
        if rest.is_empty() {
            return Ok(Date::of_day(day));
        }
        let time = rest
            .strip_prefix(['T', 't', ' '])
            .map(str::trim_start)
            .ok_or("expected YYYY-MM-DD, then `T` or a space before a time")?;
        let rfc3339 = format!("{}T{}", day.format("%Y-%m-%d"), parse_time(time)?);
        let instant = DateTime::parse_from_rfc3339(&rfc3339)
            .map_err(|e| format!("not a valid date and time ({e})"))?;
        Ok(Date {
            day: instant.date_naive(),
            instant: Some(instant),
            month_only: false,
        })
    }

    /// [`iso`](Self::iso) without a time of day: `2014-03` or `2014-01-02`.
    pub fn day_iso(&self) -> String {
        Date {
            instant: None,
            ..*self
        }
        .iso()
    }

    /// `2014-03` for a month, `2014-01-02` for a day, or the full RFC 3339 form when a time
    /// was given: as HTML's `datetime` and the sitemap take them.
    pub fn iso(&self) -> String {
        match self.instant {
            Some(i) => i.to_rfc3339(),
            None if self.month_only => self.day.format("%Y-%m").to_string(),
            None => self.day.format("%Y-%m-%d").to_string(),
        }
    }
}

/// `YYYY-MM`, checked; None for text of another shape.
fn parse_month(text: &str) -> Option<Result<Date, String>> {
    let b = text.as_bytes();
    let shaped = b.len() == 7
        && (b.iter().enumerate())
            .all(|(i, c)| (i == 4) == (*c == b'-') && (i == 4 || c.is_ascii_digit()));
    shaped.then(|| {
        let (year, month) = (text[..4].parse().ok(), text[5..].parse().ok());
        (year.zip(month))
            .and_then(|(y, m)| Date::of_month(y, m))
            .ok_or_else(|| format!("there is no month {}", &text[5..]))
    })
}

/// `YYYY-MM-DD`, checked against the calendar.
fn parse_day(text: &str) -> Result<NaiveDate, String> {
    let b = text.as_bytes();
    let shaped = b.len() == 10
        && (b.iter().enumerate()).all(|(i, c)| {
            matches!(i, 4 | 7) == (*c == b'-') && (matches!(i, 4 | 7) || c.is_ascii_digit())
        });
    if !shaped {
        return Err("expected YYYY-MM-DD, YYYY-MM or RFC 3339".into());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        let (month, day) = (&text[5..7], &text[8..]);
        if !("01"..="12").contains(&month) {
            format!("there is no month {month}")
        } else {
            format!("{} has no day {day}", &text[..7])
        }
    })
}

/// The date `text` means, in the form to write, when it is one written another way
/// (`2014/3/5`, `2014-3-5`, `2014.03.05`, `2014年3月5日`, `2014年3月`).
fn meant_date(text: &str) -> Option<String> {
    let text = text.trim().trim_end_matches(['日', '号', '月']);
    // `2014.10` is a number to YAML, read as `2014.1`: a month written so is not guessed.
    if text.matches('.').count() == 1 {
        return None;
    }
    let parts = text.split(['/', '-', '.', '年', '月']);
    let numbers: Option<Vec<u32>> = parts
        .map(|p| {
            let digits = (1..=4).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
            digits.then(|| p.parse().ok()).flatten()
        })
        .collect();
    match numbers?[..] {
        [y, m, d] if y >= 1000 => NaiveDate::from_ymd_opt(y.try_into().ok()?, m, d)
            .map(|day| day.format("%Y-%m-%d").to_string()),
        [y, m] if y >= 1000 => Date::of_month(y.try_into().ok()?, m).map(|d| d.iso()),
        _ => None,
    }
}

/// A time and its offset as written after the day, in RFC 3339's form (`09:05:00+08:00`).
fn parse_time(text: &str) -> Result<String, String> {
    let zone_at = text.find(['Z', 'z', '+', '-']).ok_or(
        "a date with a time needs a time zone: add an offset such as +08:00, or Z for UTC",
    )?;
    let (clock, zone) = text.split_at(zone_at);
    let clock = clock.trim_end();
    let (hms, fraction) = match clock.split_once('.') {
        Some((hms, f)) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => (hms, f),
        Some(_) => return Err(format!("`{clock}` is not a time: expected HH:MM:SS.fff")),
        None => (clock, ""),
    };
    let parts: Vec<&str> = hms.split(':').collect();
    let number = |p: &str, max: u32, what: &str| -> Result<u32, String> {
        let ok = (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
        let n: u32 = if ok {
            p.parse().unwrap_or(u32::MAX)
        } else {
            u32::MAX
        };
        match n {
            n if n <= max => Ok(n),
            _ if ok => Err(format!("{what} {p} is out of range")),
            _ => Err(format!(
                "`{clock}` is not a time: expected HH:MM or HH:MM:SS"
            )),
        }
    };
    let (h, m, sec) = match parts.as_slice() {
        [h, m] if fraction.is_empty() => (number(h, 23, "hour")?, number(m, 59, "minute")?, 0),
        [h, m, s] => (
            number(h, 23, "hour")?,
            number(m, 59, "minute")?,
            number(s, 60, "second")?,
        ),
        _ => {
            return Err(format!(
                "`{clock}` is not a time: expected HH:MM or HH:MM:SS"
            ))
        }
    };
    let fraction = if fraction.is_empty() {
        String::new()
    } else {
        format!(".{fraction}")
    };
    Ok(format!(
        "{h:02}:{m:02}:{sec:02}{fraction}{}",
        parse_offset(zone)?
    ))
}

/// `Z`, `+08:00`, `+0800` or `+08` as RFC 3339 writes it.
fn parse_offset(zone: &str) -> Result<String, String> {
    if zone.eq_ignore_ascii_case("z") {
        return Ok("Z".into());
    }
    let (sign, rest) = zone.split_at(1);
    let digits = |t: &str| t.len() == 2 && t.bytes().all(|b| b.is_ascii_digit());
    let (h, m) = match rest.len() {
        _ if !rest.is_ascii() => ("", ""),
        2 => (rest, "00"),
        4 => rest.split_at(2),
        5 if rest.as_bytes()[2] == b':' => (&rest[..2], &rest[3..]),
        _ => ("", ""),
    };
    if !(digits(h) && digits(m)) {
        let expected = "expected Z, +08:00, +0800 or +08";
        return Err(format!("`{zone}` is not a time zone offset: {expected}"));
    }
    if h > "23" || m > "59" {
        return Err(format!("the offset {zone} is out of range"));
    }
    Ok(format!("{sign}{h}:{m}"))
}

/// As [`Date::iso`] writes it.
impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

/// An article without the date its section wants, at its front matter's first line: found
/// when resolving, where the sections are known (see `undated`).
pub fn no_date(path: &std::path::Path, text: &str) -> crate::diagnostic::Diagnostic {
    let key = if text.starts_with("+++") {
        "date = …"
    } else {
        "date:"
    };
    let help = format!(
        "add `{key}` to the front matter, or start the file name with the day \
         (2014-03-05-name.md); a section whose articles have no dates says `undated: true` \
         in its _index.md"
    );
    let problem = Problem::MissingKey { key: "date".into() };
    crate::diagnostic::Diagnostic::new(problem, path)
        .at(text, 1, 1, 3)
        .with_help(help)
}

const DATE_HELP: &str = "write dates as YYYY-MM-DD (2014-03-05), a month alone as YYYY-MM \
     (2014-03), or RFC 3339 (2014-03-05T09:00:00+08:00)";

pub(super) fn take_date(f: &mut Fields, key: &str, required: bool) -> Option<Date> {
    let raw: Option<scalar::Scalar> = if required {
        f.require(key)
    } else {
        f.take(key)
    };
    let text = raw?.0;
    match Date::parse(&text) {
        Ok(d) => Some(d),
        Err(reason) => {
            let help = match meant_date(&text) {
                Some(meant) => format!("did you mean `{meant}`? {DATE_HELP}"),
                None => DATE_HELP.to_string(),
            };
            let problem = Problem::InvalidDate {
                key: key.into(),
                value: text,
                reason,
            };
            f.report_with_help(key, problem, Some(help));
            None
        }
    }
}

/// A scalar read as text, so that `date: 2014` reports a bad date rather than a type error.
mod scalar {
    use serde::{Deserialize, Deserializer};

    pub struct Scalar(pub String);

    impl<'de> Deserialize<'de> for Scalar {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            #[derive(Deserialize)]
            #[serde(untagged)]
            enum Any {
                S(String),
                I(i64),
                F(f64),
            }
            match Any::deserialize(d) {
                Ok(Any::S(s)) => Ok(Scalar(s)),
                Ok(Any::I(i)) => Ok(Scalar(i.to_string())),
                Ok(Any::F(x)) => Ok(Scalar(x.to_string())),
                Err(_) => Err(serde::de::Error::custom(
                    "expected a date, found a list or mapping",
                )),
            }
        }
    }
}

/// Where a policy stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    InForce,
    Amended,
    Repealed,
    Draft,
    /// A proposal (建议, 提案) that asks for a policy: no text that is or will be in force.
    Proposal,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::InForce,
        Status::Amended,
        Status::Repealed,
        Status::Draft,
        Status::Proposal,
    ];

    /// How the default theme shows it in Chinese, which authors may write instead of the key.
    pub fn chinese(self) -> &'static str {
        match self {
            Status::InForce => "现行有效",
            Status::Amended => "已修订",
            Status::Repealed => "已废止",
            Status::Draft => "草案",
            Status::Proposal => "建议",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Status::InForce => "in-force",
            Status::Amended => "amended",
            Status::Repealed => "repealed",
            Status::Draft => "draft",
            Status::Proposal => "proposal",
        }
    }
}

/// How one article stands to another that its front matter names (`amends: ../x.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Relation {
    /// Changes part of the other, which stays in force as changed.
    Amends,
    /// Replaces the other, which is no longer in force.
    Supersedes,
    /// Carries out the other (implementing measures for a policy).
    Implements,
}

impl Relation {
    pub const ALL: [Relation; 3] = [Relation::Amends, Relation::Supersedes, Relation::Implements];

    /// Its front-matter key.
    pub fn key(self) -> &'static str {
        match self {
            Relation::Amends => "amends",
            Relation::Supersedes => "supersedes",
            Relation::Implements => "implements",
        }
    }
}

/// An article another one names under a relation key, as written: a Markdown source
/// relative to the naming file (`../policies/x.md`), resolved when resolving.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RelationRef {
    pub relation: Relation,
    pub target: String,
}

/// Where an article's facts come from: a document named (and perhaps linked to), or an
/// article of this site, named by its Markdown source and resolved like a link.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceRef {
    /// The name to show; without one, the article named is shown by its title.
    pub name: Option<String>,
    pub to: SourceLink,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SourceLink {
    /// A name alone.
    Unlinked,
    /// An address as written: `http://` or `https://`, or a path of the site.
    Web(String),
    /// A Markdown source of this site, as written (relative to the article's file, or to
    /// `content/` with a leading `/`).
    Article(String),
}

/// `source:` as written: an address alone, or a mapping with a name, an address or both.
/// Written by hand (not `untagged`) so that a mapping's own errors (a name that is not
/// text) are told as they are; a key it does not take is found before, where it is written
/// ([`SOURCE_KEYS`]).
struct WrittenSource {
    name: Option<String>,
    url: Option<String>,
    /// Written as a string alone, not as a mapping.
    bare: bool,
}

/// The keys of `source:` written as a mapping: [`NamedSource`]'s.
const SOURCE_KEYS: &[&str] = &["name", "url"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NamedSource {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    url: Option<String>,
}

impl<'de> Deserialize<'de> for WrittenSource {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Written;
        impl<'de> serde::de::Visitor<'de> for Written {
            type Value = WrittenSource;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an article's Markdown source (../sources/name.md), a web address, or a mapping with `name` and `url`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<WrittenSource, E> {
                Ok(WrittenSource {
                    name: None,
                    url: Some(v.to_string()),
                    bare: true,
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<WrittenSource, A::Error> {
                let named =
                    NamedSource::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(WrittenSource {
                    name: named.name,
                    url: named.url,
                    bare: false,
                })
            }
        }
        d.deserialize_any(Written)
    }
}

/// The front matter of an article.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleMeta {
    pub title: String,
    /// The date of the document or event the article is about (a policy's 成文日期, a
    /// pilot's approval, the day of the report an analysis discusses): what lists, the
    /// timeline and prev/next order by. None only where the section allows undated articles
    /// (checked when resolving).
    pub date: Option<Date>,
    /// When the entry was written, if the author says.
    pub published: Option<Date>,
    /// When the entry was last revised.
    pub updated: Option<Date>,
    pub summary: Option<String>,
    pub tags: Vec<String>,
    pub cities: Vec<String>,
    pub issuer: Option<String>,
    pub status: Option<Status>,
    pub source: Option<SourceRef>,
    pub slug: Option<String>,
    pub aliases: Vec<String>,
    /// The articles it amends, supersedes or implements, in that order, each as written.
    pub relations: Vec<RelationRef>,
    pub draft: bool,
    pub extra: serde_json::Value,
    /// The site's own fields, in the order `site.yaml` declares them.
    pub custom: Vec<Custom>,
    /// Keys no schema knows, left out with a warning (`unknown_keys: warn`).
    pub unknown: Vec<String>,
    /// The date is the one written in the file's name: the slug leaves it out.
    pub dated_by_name: bool,
}

pub const ARTICLE_KEYS: &[&str] = crate::config::BUILT_IN_ARTICLE_KEYS;

impl ArticleMeta {
    /// When the entry came out, as feeds, the sitemap, the home page's latest entries and
    /// `--future` see it: `published`, or else `date`.
    pub fn published_or_date(&self) -> Option<Date> {
        self.published.or(self.date)
    }

    /// When the entry last changed: the latest of `published` (or `date`) and `updated`.
    pub fn last_changed(&self) -> Option<Date> {
        self.published_or_date().max(self.updated)
    }

    /// The built-in keys, then the fields `schema` gives articles of `section`. `named`: a
    /// date written in the file's name, taken when the front matter gives none.
    pub fn read(
        f: &mut Fields,
        schema: &Schema,
        section: Option<&str>,
        named: Option<Date>,
    ) -> Option<ArticleMeta> {
        let title = take_text(f, "title", true);
        // A date in the file's name counts when the front matter gives none (an empty
        // `date:` is taken too, or it would be left over as unknown).
        let from_name = named.filter(|_| !f.has("date"));
        let date = match from_name {
            Some(d) => {
                let _: Option<serde_yaml::Value> = f.take("date");
                Some(d)
            }
            None => take_date(f, "date", false),
        };
        let published = take_date(f, "published", false);
        let updated = take_date(f, "updated", false);
        let summary = take_text(f, "summary", false);
        let tags = f.take_list("tags");
        let cities = f.take_list("cities");
        let issuer = take_text(f, "issuer", false);
        let status = take_status(f);
        let source = take_source(f);
        let slug = take_slug(f);
        let aliases = f.take_list("aliases");
        let relations = Relation::ALL
            .into_iter()
            .flat_map(|relation| {
                let targets = dedup(f.take_list(relation.key()));
                targets
                    .into_iter()
                    .map(move |target| RelationRef { relation, target })
            })
            .collect();
        let draft = f.take::<bool>("draft").unwrap_or(false);
        let mut extra = f.take("extra").unwrap_or(serde_json::Value::Null);
        let own = super::custom::read(f, schema, section);
        if !own.extra.is_empty() {
            let map = match &mut extra {
                serde_json::Value::Object(map) => map,
                other => {
                    *other = serde_json::Value::Object(Default::default());
                    other.as_object_mut().expect("just made an object")
                }
            };
            for (k, v) in own.extra {
                map.entry(k).or_insert(v);
            }
        }
        Some(ArticleMeta {
            title: title?,
            date,
            published,
            updated,
            summary,
            tags: dedup(tags),
            cities: dedup(cities),
            issuer,
            status,
            source,
            slug,
            aliases,
            relations,
            draft,
            extra,
            custom: own.custom,
            unknown: own.unknown,
            dated_by_name: from_name.is_some(),
        })
    }
}

/// `status:`, one of [`Status`]'s keys. Its Chinese name (`现行有效`), the likeliest slip,
/// is answered with the key to write.
fn take_status(f: &mut Fields) -> Option<Status> {
    let written: String = f.take("status")?;
    let written = written.trim();
    if let Some(status) = Status::ALL.into_iter().find(|s| s.key() == written) {
        return Some(status);
    }
    let keys = Status::ALL.map(Status::key);
    let meant = (Status::ALL.into_iter())
        .find(|s| s.chinese() == written)
        .or_else(|| {
            let near = crate::diagnostic::did_you_mean(written, &keys)?;
            Status::ALL.into_iter().find(|s| s.key() == near)
        });
    let help = match meant {
        Some(s) => format!("write `{}` ({})", s.key(), s.chinese()),
        None => {
            let each = Status::ALL.map(|s| format!("`{}` ({})", s.key(), s.chinese()));
            format!("write one of {}", each.join(", "))
        }
    };
    f.invalid("status", format!("`{written}` is not a status"), help);
    None
}

/// `source:`, whose URL must be one a reader can safely follow or an article's Markdown
/// source (checked when resolving).
fn take_source(f: &mut Fields) -> Option<SourceRef> {
    let WrittenSource { name, url, bare } = f.take_mapping("source", SOURCE_KEYS)?;
    let to = match url {
        // A word alone is more likely a name than a relative address.
        Some(url) if bare && !is_article_source(&url) && !is_address(&url) => {
            let message = format!("`{url}` is neither an article's Markdown source nor an address");
            let help = "write the Markdown source of an article of this site \
                        (../sources/name.md), an http:// or https:// address, or \
                        `{ name: …, url: … }`";
            f.invalid("source", message, help);
            return None;
        }
        None if name.is_none() => {
            let message = "names neither a document nor an address".to_string();
            f.invalid("source", message, "give `name`, `url` or both");
            return None;
        }
        None => SourceLink::Unlinked,
        Some(url) if is_article_source(&url) => SourceLink::Article(url),
        Some(url) => match unsafe_url(&url) {
            None => SourceLink::Web(url),
            Some(why) => {
                let message = format!("url `{url}` {why}");
                f.invalid("source", message, "use an http:// or https:// address");
                return None;
            }
        },
    };
    Some(SourceRef { name, to })
}

/// Whether a string alone reads as an address: with a scheme, or a path from the site's
/// root.
fn is_address(url: &str) -> bool {
    url.starts_with('/')
        || url
            .split_once(':')
            .is_some_and(|(scheme, _)| !scheme.is_empty())
}

/// Whether an address names a Markdown source of the site (`../sources/name.md`), not a web
/// address (`https://…/README.md`, `//host/README.md`).
fn is_article_source(url: &str) -> bool {
    url.ends_with(".md") && !url.contains(':') && !url.starts_with("//")
}

/// Why a URL from front matter must not become a link, if it must not.
pub fn unsafe_url(url: &str) -> Option<&'static str> {
    // Browsers ignore whitespace and control characters inside a scheme: so do we.
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    let (scheme, _) = cleaned.split_once(':')?;
    let is_scheme = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !is_scheme {
        return None;
    }
    match scheme.to_ascii_lowercase().as_str() {
        "http" | "https" | "mailto" => None,
        "javascript" | "vbscript" | "data" => {
            Some("would run or embed code in the reader's browser")
        }
        _ => Some("uses a scheme that is not http, https or mailto"),
    }
}

/// A non-empty one-line text value.
pub(super) fn take_text(f: &mut Fields, key: &str, required: bool) -> Option<String> {
    let value: Option<String> = if required {
        f.require(key)
    } else {
        f.take(key)
    };
    match value.map(|v| v.trim().to_string()) {
        Some(v) if v.is_empty() => {
            let problem = Problem::InvalidValue {
                key: key.into(),
                message: "must not be empty".into(),
            };
            f.report(key, problem);
            None
        }
        other => other,
    }
}

/// `slug:` as written by an author: an ASCII path segment.
fn take_slug(f: &mut Fields) -> Option<String> {
    let slug: String = f.take("slug")?;
    if crate::text::slug::is_valid_slug(&slug) {
        return Some(slug);
    }
    let help = "use ASCII letters, digits, `-`, `_` and `.`, without `/` or `..`";
    f.invalid("slug", format!("`{slug}` is not a valid slug"), help);
    None
}

fn dedup(items: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    items
        .into_iter()
        .filter(|i| seen.insert(i.clone()))
        .collect()
}

/// `_index.md` of a section or a sub-section.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SectionMeta {
    pub title: Option<String>,
    pub kind: Option<Kind>,
    pub description: Option<String>,
    pub weight: Option<i64>,
    pub paginate_by: Option<usize>,
    /// Where its articles' URLs come from (a top section's key; sub-sections follow it).
    pub urls: Option<Urls>,
    /// Its articles may have no date.
    pub undated: Option<bool>,
    /// How its list is ordered.
    pub sort_by: Option<SortBy>,
}

pub const SECTION_KEYS: &[&str] = &[
    "title",
    "kind",
    "description",
    "weight",
    "paginate_by",
    "urls",
    "undated",
    "sort_by",
];

/// Where articles' URLs come from: the section and the slug alone (`/policies/SLUG/`), or
/// every folder on the way (`/policies/2014/SLUG/`), each then a sub-section with its list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase", expecting = "one of flat, nested")]
pub enum Urls {
    #[default]
    Flat,
    Nested,
}

/// The order of a list: newest first, or by title (undated collections such as laws).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase", expecting = "one of date, title")]
pub enum SortBy {
    Date,
    Title,
}

impl SectionMeta {
    pub fn read(f: &mut Fields) -> SectionMeta {
        SectionMeta {
            title: take_text(f, "title", false),
            kind: take_kind(f),
            description: take_text(f, "description", false),
            weight: f.take("weight"),
            paginate_by: f.take_positive("paginate_by"),
            urls: f.take("urls"),
            undated: f.take("undated"),
            sort_by: f.take("sort_by"),
        }
    }
}

fn take_kind(f: &mut Fields) -> Option<Kind> {
    let kind: String = f.take("kind")?;
    if crate::text::slug::is_valid_slug(&kind) {
        return Some(Kind::from_key(&kind));
    }
    let help = "a kind is a short ASCII name such as policy, pilot or analysis";
    f.invalid("kind", format!("`{kind}` is not a valid kind"), help);
    None
}

/// The home page's `content/_index.md`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HomeMeta {
    pub title: Option<String>,
    pub description: Option<String>,
}

pub const HOME_KEYS: &[&str] = &["title", "description"];

impl HomeMeta {
    pub fn read(f: &mut Fields) -> HomeMeta {
        HomeMeta {
            title: take_text(f, "title", false),
            description: take_text(f, "description", false),
        }
    }
}

/// One pilot programme a city takes part in.
#[derive(Debug, Clone, PartialEq)]
pub struct Pilot {
    pub programme: String,
    pub batch: Option<u32>,
    pub approved: Option<Date>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping with `programme` and optional `batch` and `approved`"
)]
struct RawPilot {
    programme: String,
    #[serde(default)]
    batch: Option<u32>,
    #[serde(default)]
    approved: Option<String>,
}

/// `content/cities/*.md`.
#[derive(Debug, Clone, PartialEq)]
pub struct CityMeta {
    pub name: String,
    /// Other names articles may call the city by (长沙市 for 长沙); they lead to this city.
    pub other_names: Vec<String>,
    pub slug: Option<String>,
    pub province: Option<String>,
    pub region: Option<Region>,
    pub pilots: Vec<Pilot>,
    pub coordinates: Option<[f64; 2]>,
}

pub const CITY_KEYS: &[&str] = &[
    "name",
    "other_names",
    "slug",
    "province",
    "region",
    "pilots",
    "coordinates",
];

impl CityMeta {
    pub fn read(f: &mut Fields) -> Option<CityMeta> {
        let name = take_text(f, "name", true);
        let other_names = dedup(f.take_list("other_names"));
        let slug = take_slug(f);
        let province = take_text(f, "province", false);
        let region = take_region(f);
        let pilots = take_pilots(f);
        let coordinates = take_coordinates(f);
        Some(CityMeta {
            name: name?,
            other_names,
            slug,
            province,
            region,
            pilots,
            coordinates,
        })
    }
}

fn take_region(f: &mut Fields) -> Option<Region> {
    let text = take_text(f, "region", false)?;
    Region::parse(&text)
        .map_err(|message| f.invalid("region", message, Region::HELP))
        .ok()
}

fn take_pilots(f: &mut Fields) -> Vec<Pilot> {
    let raw: Vec<RawPilot> = f.take("pilots").unwrap_or_default();
    let mut pilots = Vec::with_capacity(raw.len());
    for p in raw {
        let approved = match p.approved.as_deref().map(Date::parse) {
            Some(Err(reason)) => {
                let value = p.approved.clone().unwrap_or_default();
                let problem = Problem::InvalidDate {
                    key: "pilots.approved".into(),
                    value,
                    reason,
                };
                f.report_with_help("pilots", problem, Some(DATE_HELP));
                None
            }
            Some(Ok(d)) => Some(d),
            None => None,
        };
        pilots.push(Pilot {
            programme: p.programme,
            batch: p.batch,
            approved,
        });
    }
    pilots
}

fn take_coordinates(f: &mut Fields) -> Option<[f64; 2]> {
    let c: [f64; 2] = f.take("coordinates")?;
    if (-90.0..=90.0).contains(&c[0]) && (-180.0..=180.0).contains(&c[1]) {
        return Some(c);
    }
    let message = "latitude must be within ±90 and longitude within ±180".to_string();
    f.invalid(
        "coordinates",
        message,
        "write [latitude, longitude], e.g. [29.56, 106.55]",
    );
    None
}

/// `content/tags/*.md`.
#[derive(Debug, Clone, PartialEq)]
pub struct TagMeta {
    pub name: String,
    pub slug: Option<String>,
    pub description: Option<String>,
}

pub const TAG_KEYS: &[&str] = &["name", "slug", "description"];

impl TagMeta {
    pub fn read(f: &mut Fields) -> Option<TagMeta> {
        let name = take_text(f, "name", true);
        let slug = take_slug(f);
        let description = take_text(f, "description", false);
        Some(TagMeta {
            name: name?,
            slug,
            description,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_urls_are_unsafe_web_urls_are_not() {
        assert_eq!(unsafe_url("https://www.gov.cn/"), None);
        assert_eq!(unsafe_url("/policies/x/"), None);
        assert!(unsafe_url("javascript:alert(1)").is_some());
        assert!(unsafe_url(" JaVa\tScript:alert(1)").is_some());
        assert!(unsafe_url("data:text/html,<script>").is_some());
        assert!(unsafe_url("file:///etc/passwd").is_some());
    }

    #[test]
    fn dates_accept_days_and_rfc3339() {
        let d = Date::parse("2014-01-02").unwrap();
        assert_eq!(d.iso(), "2014-01-02");
        let d = Date::parse("2014-01-02T23:30:00+08:00").unwrap();
        assert_eq!(d.day.to_string(), "2014-01-02");
    }

    #[test]
    fn a_month_alone_is_a_date_that_sorts_with_its_days() {
        let march = Date::parse("2014-03").unwrap();
        assert!(march.month_only);
        assert_eq!(march.iso(), "2014-03");
        assert_eq!(Date::parse(&march.iso()), Ok(march));
        let fifth = Date::parse("2014-03-05").unwrap();
        let february = Date::parse("2014-02-28").unwrap();
        assert!(february < march && march < fifth);
        assert_eq!(Date::parse("2014-13").unwrap_err(), "there is no month 13");
        assert_eq!(Date::parse("2014-00").unwrap_err(), "there is no month 00");
        assert!(Date::parse("2014-3").is_err());
        assert!(Date::parse("2014").is_err());
    }

    #[test]
    fn a_date_written_another_way_is_given_as_it_should_be_written() {
        let meant = |t: &str| meant_date(t);
        assert_eq!(meant("2014/3/5").as_deref(), Some("2014-03-05"));
        assert_eq!(meant("2014-3-5").as_deref(), Some("2014-03-05"));
        assert_eq!(meant("2014.03.05").as_deref(), Some("2014-03-05"));
        assert_eq!(meant("2014年3月5日").as_deref(), Some("2014-03-05"));
        assert_eq!(meant("2014年3月").as_deref(), Some("2014-03"));
        assert_eq!(meant("2014/2/30"), None, "no such day");
        assert_eq!(meant("3/5/2014"), None, "day or month first: not guessed");
        assert_eq!(meant("去年三月"), None);
        assert_eq!(meant("2014.1"), None, "2014.10 as YAML reads it");
    }

    #[test]
    fn impossible_and_malformed_dates_are_refused() {
        assert_eq!(
            Date::parse("2014-02-30").unwrap_err(),
            "2014-02 has no day 30"
        );
        assert_eq!(
            Date::parse("2014-13-40").unwrap_err(),
            "there is no month 13"
        );
        assert_eq!(
            Date::parse("2014-00-01").unwrap_err(),
            "there is no month 00"
        );
        assert!(Date::parse("2014/01/02").is_err());
        let no_zone = Date::parse("2014-01-02 10:00").unwrap_err();
        assert!(no_zone.contains("needs a time zone"), "{no_zone}");
        assert_eq!(
            Date::parse("2014-01-02T25:00:00Z").unwrap_err(),
            "hour 25 is out of range"
        );
        assert_eq!(
            Date::parse("2014-01-02T10:00:00+2500").unwrap_err(),
            "the offset +2500 is out of range"
        );
        let odd = Date::parse("2014-01-02T10:00:00+aéb").unwrap_err();
        assert!(odd.contains("is not a time zone offset"), "{odd}");
        let zone = Date::parse("2014-01-02T10:00:00+8").unwrap_err();
        assert!(zone.contains("`+8` is not a time zone offset"), "{zone}");
        let clock = Date::parse("2014-01-02T10h00Z").unwrap_err();
        assert!(clock.contains("`10h00` is not a time"), "{clock}");
    }

    proptest::proptest! {
        /// Whatever follows a day, reading it never panics (multibyte text in a time or an
        /// offset included) and a date read writes back as one that reads the same.
        #[test]
        fn any_text_after_a_day_reads_without_panicking(rest in "[ Tt0-9:.+zZ\\-中é\t]{0,16}") {
            let text = format!("2014-01-02{rest}");
            if let Ok(d) = Date::parse(&text) {
                proptest::prop_assert_eq!(Date::parse(&d.iso()), Ok(d));
            }
        }
    }

    #[test]
    fn offsets_are_read_in_the_forms_yaml_and_hugo_write() {
        let same = |text: &str, rfc3339: &str| {
            let d = Date::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(d.iso(), rfc3339, "{text}");
        };
        same("2015-01-08 10:31:58 -0400", "2015-01-08T10:31:58-04:00");
        same("2017-07-15T0:10:32+00:00", "2017-07-15T00:10:32+00:00");
        same("2017-07-15T00:10:32Z", "2017-07-15T00:10:32+00:00");
        same("2017-07-15t00:10:32z", "2017-07-15T00:10:32+00:00");
        same("2014-03-05 09:00+0800", "2014-03-05T09:00:00+08:00");
        same("2014-03-05T09:00:00+08", "2014-03-05T09:00:00+08:00");
        same(
            "2014-03-05T09:00:00.123+08:00",
            "2014-03-05T09:00:00.123+08:00",
        );
        same("1965-12-31T23:59:59-05:00", "1965-12-31T23:59:59-05:00");
        // The day is the author's, in the offset written.
        assert_eq!(
            Date::parse("2014-03-05T23:30:00-10:00")
                .unwrap()
                .day
                .to_string(),
            "2014-03-05"
        );
    }
}

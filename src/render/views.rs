//! Render stage, views: the data templates receive (see the theme contract in the README).
//! Each article's list record is built once and shared, as a cheap-to-clone `tera::Value`,
//! by every list that shows it.

use serde::Serialize;
use tera::Value;

use crate::config::Config;
use crate::content::markdown::Rendered;
use crate::content::{Date, Pilot};
use crate::site::{City, Page, PageId, Section, Site, Term};

/// The UI strings and the formats the engine itself reads from them.
pub struct Strings {
    pub all: serde_json::Value,
    date_format: String,
    batch: String,
    chinese_numerals: bool,
    pub region_other: String,
}

impl Strings {
    pub fn new(all: serde_json::Value, language: &str) -> Strings {
        let text = |key: &str, default: &str| {
            all.get(key)
                .and_then(|v| v.as_str())
                .unwrap_or(default)
                .to_string()
        };
        Strings {
            date_format: text("date_format", "%Y-%m-%d"),
            batch: text("batch", "{n}"),
            region_other: text("region_other", "其他"),
            chinese_numerals: language.starts_with("zh"),
            all,
        }
    }

    pub fn lookup(&self, group: &str, key: &str) -> Option<String> {
        self.all.get(group)?.get(key)?.as_str().map(str::to_string)
    }

    pub fn kind_label(&self, kind: &str) -> String {
        self.lookup("kinds", kind)
            .unwrap_or_else(|| kind.to_string())
    }

    pub fn date(&self, d: &Date) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        // An unknown strftime directive makes chrono fail while formatting; fall back to ISO.
        match write!(out, "{}", d.day.format(&self.date_format)) {
            Ok(()) => out,
            Err(_) => d.day.format("%Y-%m-%d").to_string(),
        }
    }

    pub fn batch(&self, n: u32) -> String {
        let number = if self.chinese_numerals {
            chinese_numeral(n)
        } else {
            n.to_string()
        };
        self.batch.replace("{n}", &number)
    }
}

/// 一 to 九十九, then Arabic digits.
fn chinese_numeral(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n as usize].to_string(),
        10..=19 => format!(
            "十{}",
            if n == 10 {
                ""
            } else {
                DIGITS[(n % 10) as usize]
            }
        ),
        20..=99 => {
            let ones = if n.is_multiple_of(10) {
                ""
            } else {
                DIGITS[(n % 10) as usize]
            };
            format!("{}十{ones}", DIGITS[(n / 10) as usize])
        }
        _ => n.to_string(),
    }
}

#[derive(Serialize)]
pub struct Link<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub url: String,
}

#[derive(Serialize)]
pub struct SectionLink<'a> {
    pub key: &'a str,
    pub title: String,
    pub url: String,
}

#[derive(Serialize)]
struct PageRef<'a> {
    title: &'a str,
    url: String,
    permalink: String,
    date: String,
    date_text: String,
    updated: Option<String>,
    updated_text: Option<String>,
    summary: String,
    /// The summary is an excerpt of the body rather than written in the front matter.
    excerpt: bool,
    kind: &'a str,
    kind_label: String,
    section: Option<SectionLink<'a>>,
    tags: Vec<Link<'a>>,
    cities: Vec<Link<'a>>,
    issuer: Option<&'a str>,
    status: Option<&'static str>,
    status_label: Option<String>,
    reading_time: u32,
    draft: bool,
}

pub struct Views<'a> {
    pub config: &'a Config,
    pub site: &'a Site,
    pub strings: &'a Strings,
}

impl<'a> Views<'a> {
    pub fn section_title(&self, s: &Section) -> String {
        s.meta
            .title
            .clone()
            .unwrap_or_else(|| self.strings.kind_label(&s.kind))
    }

    pub fn section_link(&self, s: &'a Section) -> SectionLink<'a> {
        SectionLink {
            key: &s.key,
            title: self.section_title(s),
            url: self.config.base_url.url(&s.path),
        }
    }

    pub fn page_ref(&self, page: &'a Page, body: &Rendered) -> Value {
        let m = &page.doc.meta;
        let s = self.strings;
        let base = &self.config.base_url;
        let summary = m.summary.clone().unwrap_or_else(|| body.summary.clone());
        let view = PageRef {
            title: &m.title,
            url: base.url(&page.path),
            permalink: base.permalink(&page.path),
            date: m.date.iso(),
            date_text: s.date(&m.date),
            updated: m.updated.map(|d| d.iso()),
            updated_text: m.updated.map(|d| s.date(&d)),
            summary,
            excerpt: m.summary.is_none(),
            kind: &page.kind,
            kind_label: s.kind_label(&page.kind),
            section: page
                .section
                .map(|i| self.section_link(&self.site.sections[i])),
            tags: page
                .tags
                .iter()
                .map(|&t| self.term_link(&self.site.tags[t]))
                .collect(),
            cities: page
                .cities
                .iter()
                .map(|&c| self.city_link(&self.site.cities[c]))
                .collect(),
            issuer: m.issuer.as_deref(),
            status: m.status.map(|st| st.key()),
            status_label: m.status.map(|st| {
                s.lookup("status", st.key())
                    .unwrap_or_else(|| st.key().into())
            }),
            reading_time: body.reading_time,
            draft: m.draft,
        };
        Value::from_serializable(&view)
    }

    pub fn term_link(&self, t: &'a Term) -> Link<'a> {
        Link {
            name: &t.name,
            slug: &t.slug,
            url: self.config.base_url.url(&t.path),
        }
    }

    pub fn city_link(&self, c: &'a City) -> Link<'a> {
        Link {
            name: &c.name,
            slug: &c.slug,
            url: self.config.base_url.url(&c.path),
        }
    }

    pub fn tag(&self, t: &Term) -> Value {
        #[derive(Serialize)]
        struct TagView<'b> {
            name: &'b str,
            slug: &'b str,
            url: String,
            count: usize,
            description: Option<&'b str>,
            feed_url: Option<String>,
        }
        Value::from_serializable(&TagView {
            name: &t.name,
            slug: &t.slug,
            url: self.config.base_url.url(&t.path),
            count: t.pages.len(),
            description: t.description.as_deref(),
            feed_url: self.feed_url(&t.path, &t.pages),
        })
    }

    pub fn city(&self, c: &City, body: Option<&Rendered>) -> Value {
        #[derive(Serialize)]
        struct CityView<'b> {
            name: &'b str,
            other_names: &'b [String],
            slug: &'b str,
            url: String,
            province: Option<&'b str>,
            region: Option<&'b str>,
            has_profile: bool,
            pilots: Vec<PilotView>,
            coordinates: Option<[f64; 2]>,
            count: usize,
            summary: String,
            feed_url: Option<String>,
        }
        let meta = c.meta.as_ref();
        Value::from_serializable(&CityView {
            name: &c.name,
            other_names: meta.map_or(&[], |m| m.other_names.as_slice()),
            slug: &c.slug,
            url: self.config.base_url.url(&c.path),
            province: meta.and_then(|m| m.province.as_deref()),
            region: meta.and_then(|m| m.region.as_deref()),
            has_profile: meta.is_some(),
            pilots: meta
                .map(|m| m.pilots.iter().map(|p| self.pilot(p)).collect())
                .unwrap_or_default(),
            coordinates: meta.and_then(|m| m.coordinates),
            count: c.pages.len(),
            summary: body.map(|b| b.summary.clone()).unwrap_or_default(),
            feed_url: self.feed_url(&c.path, &c.pages),
        })
    }

    fn feed_url(&self, list_path: &str, pages: &[PageId]) -> Option<String> {
        crate::site::plan::feed_path(self.config, list_path, pages)
            .map(|p| self.config.base_url.url(&p))
    }

    fn pilot(&self, p: &Pilot) -> PilotView {
        PilotView {
            programme: p.programme.clone(),
            batch: p.batch,
            batch_label: p.batch.map(|n| self.strings.batch(n)),
            approved: p.approved.map(|d| d.iso()),
            approved_text: p.approved.map(|d| self.strings.date(&d)),
        }
    }
}

#[derive(Serialize)]
struct PilotView {
    programme: String,
    batch: Option<u32>,
    batch_label: Option<String>,
    approved: Option<String>,
    approved_text: Option<String>,
}

/// A map value from key-value pairs, keeping their order.
pub fn map(entries: Vec<(&'static str, Value)>) -> Value {
    let mut m = tera::Map::new();
    for (k, v) in entries {
        m.insert(k.into(), v);
    }
    Value::from(m)
}

/// `base` (a map) with more keys.
pub fn extend(base: &Value, entries: Vec<(&'static str, Value)>) -> Value {
    let mut m = base.as_map().cloned().unwrap_or_default();
    for (k, v) in entries {
        m.insert(k.into(), v);
    }
    Value::from(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals_for_batches() {
        assert_eq!(chinese_numeral(1), "一");
        assert_eq!(chinese_numeral(10), "十");
        assert_eq!(chinese_numeral(12), "十二");
        assert_eq!(chinese_numeral(30), "三十");
        assert_eq!(chinese_numeral(47), "四十七");
        let s = Strings::new(serde_json::json!({"batch": "第{n}批"}), "zh-CN");
        assert_eq!(s.batch(3), "第三批");
        let s = Strings::new(serde_json::json!({"batch": "Batch {n}"}), "en");
        assert_eq!(s.batch(3), "Batch 3");
    }
}

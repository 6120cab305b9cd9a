//! Render stage, views: fills in the types of the theme contract ([`super::context`]) from
//! the site, the config and the language file's strings. Each article's list record is built
//! once and shared by every list that shows it.

use super::context::{
    CityView, FieldView, Globals, Link, NavItem, PageRef, PilotView, Record, SectionLink,
    SectionSummary, SiteInfo, TagView,
};
use crate::config::Config;
use crate::content::custom::{Custom, FieldValue};
use crate::content::markdown::Rendered;
use crate::content::{Date, Kind, Pilot};
use crate::site::{City, Page, PageId, Section, SectionId, Site, Term};

/// The UI strings and the formats the engine itself reads from them.
pub struct Strings {
    pub all: serde_json::Value,
    date_format: String,
    month_format: String,
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
            month_format: text("month_format", "%Y-%m"),
            batch: text("batch", "{n}"),
            region_other: text("region_other", "其他"),
            chinese_numerals: language.starts_with("zh"),
            all,
        }
    }

    pub fn lookup(&self, group: &str, key: &str) -> Option<String> {
        self.all.get(group)?.get(key)?.as_str().map(str::to_string)
    }

    /// A string at the top of the language file, or its key where the file has none.
    pub fn lookup_top(&self, key: &str) -> String {
        let text = self.all.get(key).and_then(|v| v.as_str());
        text.unwrap_or(key).to_string()
    }

    pub fn kind_label(&self, kind: &Kind) -> String {
        self.lookup("kinds", kind.key())
            .unwrap_or_else(|| kind.key().to_string())
    }

    /// A date in the language file's `date_format`, or `month_format` for a month alone.
    pub fn date(&self, d: &Date) -> String {
        use std::fmt::Write;
        let (format, iso) = if d.month_only {
            (&self.month_format, "%Y-%m")
        } else {
            (&self.date_format, "%Y-%m-%d")
        };
        let mut out = String::new();
        // An unknown strftime directive makes chrono fail while formatting; fall back to ISO.
        match write!(out, "{}", d.day.format(format)) {
            Ok(()) => out,
            Err(_) => d.day.format(iso).to_string(),
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

/// An article's summary: the front matter's, else the excerpt of its body.
pub fn summary<'p>(page: &'p Page, body: &'p Rendered) -> &'p str {
    page.doc.meta.summary.as_deref().unwrap_or(&body.summary)
}

pub struct Views<'a> {
    pub config: &'a Config,
    pub site: &'a Site,
    pub strings: &'a Strings,
}

impl<'a> Views<'a> {
    /// What every template receives; `search_page`, `timeline`: the site has one.
    pub fn globals(&self, search_page: bool, timeline: bool) -> Globals<'a> {
        let config = self.config;
        let all = PageId::all(&self.site.pages);
        Globals {
            site: SiteInfo {
                title: &config.title,
                description: &config.description,
                language: &config.language,
                base_url: &config.base_url.absolute,
                root: &config.base_url.root,
                extra: &config.extra,
            },
            t: &self.strings.all,
            nav: (self.site.sections.iter())
                .filter(|s| s.parent.is_none())
                .map(|s| self.nav_item(s))
                .collect(),
            feed_url: crate::site::plan::feed_path(config, self.site, "", &all)
                .map(|p| config.base_url.url(&p)),
            search_url: search_page.then(|| config.base_url.url("search/")),
            timeline_url: timeline.then(|| config.base_url.url(crate::site::timeline::PATH)),
            cities_url: (!self.site.cities.is_empty()).then(|| config.base_url.url("cities/")),
        }
    }

    fn nav_item(&self, s: &'a Section) -> NavItem<'a> {
        NavItem {
            key: &s.key,
            title: self.section_title(s),
            url: self.config.base_url.url(&s.path),
            kind: &s.kind,
        }
    }

    /// The name of a kind in the site's language: the language file's, else the `title:` of
    /// the section of that kind (a site's own kind, `law` in a section titled 法律法规),
    /// else its key.
    pub fn kind_label(&self, kind: &Kind) -> String {
        if let Some(label) = self.strings.lookup("kinds", kind.key()) {
            return label;
        }
        let tops = self.site.sections.iter().filter(|s| s.parent.is_none());
        let titled = tops
            .filter(|s| &s.kind == kind)
            .find_map(|s| s.meta.title.clone());
        titled.unwrap_or_else(|| kind.key().to_string())
    }

    /// Its `title:`, else a top section's kind label or a sub-section's folder name.
    pub fn section_title(&self, s: &Section) -> String {
        match (&s.meta.title, s.parent) {
            (Some(title), _) => title.clone(),
            (None, None) => self.strings.kind_label(&s.kind),
            (None, Some(_)) => s.folder_name().to_string(),
        }
    }

    /// Links to `section` and the sections above it, top section first: a breadcrumb.
    pub fn trail(&self, section: Option<SectionId>) -> Vec<SectionLink<'a>> {
        let site = self.site;
        let ids = section.map(|s| site.trail(s)).unwrap_or_default();
        ids.into_iter()
            .map(|s| self.section_link(&site.sections[s]))
            .collect()
    }

    pub fn section_link(&self, s: &'a Section) -> SectionLink<'a> {
        SectionLink {
            key: &s.key,
            title: self.section_title(s),
            url: self.config.base_url.url(&s.path),
        }
    }

    pub fn section_summary(&self, s: &'a Section) -> SectionSummary<'a> {
        SectionSummary {
            key: &s.key,
            title: self.section_title(s),
            url: self.config.base_url.url(&s.path),
            count: s.pages.len(),
            description: s.meta.description.as_deref(),
        }
    }

    /// An article's list record.
    pub fn page_ref(&self, page: &'a Page, body: &Rendered) -> Record {
        let m = &page.doc.meta;
        let s = self.strings;
        let base = &self.config.base_url;
        let summary = summary(page, body).to_string();
        Record::of(&PageRef {
            title: &m.title,
            url: base.url(&page.path),
            permalink: base.permalink(&page.path),
            date: m.date.map(|d| d.iso()),
            date_text: m.date.map(|d| s.date(&d)),
            published: m.published.map(|d| d.iso()),
            published_text: m.published.map(|d| s.date(&d)),
            updated: m.updated.map(|d| d.iso()),
            updated_text: m.updated.map(|d| s.date(&d)),
            summary,
            excerpt: m.summary.is_none(),
            kind: &page.kind,
            kind_label: self.kind_label(&page.kind),
            section: (self.site.top_section(page))
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
        })
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

    pub fn tag(&self, t: &'a Term) -> TagView<'a> {
        TagView {
            name: &t.name,
            slug: &t.slug,
            url: self.config.base_url.url(&t.path),
            count: t.pages.len(),
            description: t.description.as_deref(),
            feed_url: self.feed_url(&t.path, &t.pages),
        }
    }

    pub fn city(&self, c: &'a City, body: Option<&'a Rendered>) -> CityView<'a> {
        let meta = c.meta.as_ref();
        CityView {
            name: &c.name,
            other_names: meta.map_or(&[], |m| m.other_names.as_slice()),
            slug: &c.slug,
            url: self.config.base_url.url(&c.path),
            province: meta.and_then(|m| m.province.as_deref()),
            region: meta.and_then(|m| m.region),
            has_profile: meta.is_some(),
            pilots: meta
                .map(|m| m.pilots.iter().map(|p| self.pilot(p)).collect())
                .unwrap_or_default(),
            coordinates: meta.and_then(|m| m.coordinates),
            count: c.pages.len(),
            summary: body.map_or("", |b| b.summary.as_str()),
            feed_url: self.feed_url(&c.path, &c.pages),
        }
    }

    /// The site's own fields an article gives, with their labels and how they read.
    pub fn fields(&self, custom: &'a [Custom]) -> Vec<FieldView<'a>> {
        let schema = &self.config.schema.fields;
        let specs = custom
            .iter()
            .filter_map(|c| Some((c, schema.iter().find(|s| s.key == c.key)?)));
        specs
            .map(|(c, spec)| FieldView {
                key: &spec.key,
                label: spec.label(&self.config.language),
                kind: spec.kind.name(),
                value: &c.value,
                text: match &c.value {
                    FieldValue::Text(t) | FieldValue::Url(t) => t.clone(),
                    FieldValue::Date(d) => self.strings.date(d),
                    FieldValue::Integer(n) => n.to_string(),
                    FieldValue::List(items) => items.join("、"),
                },
                show: spec.show,
                filter: spec.filter,
            })
            .collect()
    }

    fn feed_url(&self, list_path: &str, pages: &[PageId]) -> Option<String> {
        crate::site::plan::feed_path(self.config, self.site, list_path, pages)
            .map(|p| self.config.base_url.url(&p))
    }

    fn pilot(&self, p: &'a Pilot) -> PilotView<'a> {
        PilotView {
            programme: &p.programme,
            batch: p.batch,
            batch_label: p.batch.map(|n| self.strings.batch(n)),
            approved: p.approved.map(|d| d.iso()),
            approved_text: p.approved.map(|d| self.strings.date(&d)),
        }
    }
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

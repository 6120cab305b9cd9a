//! Zola: content in `content/`, the title and address in `config.toml`, and a page's URL
//! its path made ASCII (a date the file name starts with is dropped from it).

use std::path::Path;

use super::report::ImportReport;
use super::tools::{
    page_path, read_config, require_folder, site_path, skip_none, text_at, text_in, OldUrl,
    PageFacts, Root, SiteInfo, Source,
};
use super::{ImportError, Tool};
use crate::content::Date;

pub struct Zola {
    site: SiteInfo,
}

impl Zola {
    pub fn open(src: &Path, report: &mut ImportReport) -> Result<Zola, ImportError> {
        require_folder(src, "content", Tool::Zola)?;
        let config = read_config(src, &["config.toml", "zola.toml"], report).unwrap_or_default();
        let site = SiteInfo {
            title: text_at(&config, &["title"]),
            base_url: text_at(&config, &["base_url"]),
            description: text_at(&config, &["description"]),
            author: text_in(&config, "extra", &["author"])
                .or_else(|| text_at(&config, &["author"])),
            zone: None,
        };
        Ok(Zola { site })
    }
}

impl Source for Zola {
    fn tool(&self) -> Tool {
        Tool::Zola
    }

    fn statics(&self) -> Vec<&'static str> {
        vec!["static"]
    }

    fn roots(&self) -> Vec<Root> {
        vec![Root::new("content", "", skip_none)]
    }

    fn site(&self) -> &SiteInfo {
        &self.site
    }

    fn old_url(&self, page: &PageFacts) -> OldUrl {
        let mut parts = page_path(page.rel, None);
        if let Some(last) = parts.last_mut() {
            *last = page.slug.map_or_else(|| without_date(last), str::to_string);
        }
        if parts.iter().any(|p| !p.is_ascii()) {
            return OldUrl::Unknown("Zola made it ASCII by transliteration");
        }
        let parts: Vec<String> = parts.iter().map(|p| slugify(p)).collect();
        OldUrl::At(site_path(&parts))
    }
}

/// A file name without the date it starts with (`2014-03-05-changsha` → `changsha`).
pub fn without_date(stem: &str) -> String {
    let dated = stem.get(..10).is_some_and(|d| Date::parse(d).is_ok());
    match stem.get(10..) {
        Some(rest) if dated && rest.len() > 1 && rest.starts_with(['-', '_']) => rest[1..].into(),
        _ => stem.to_string(),
    }
}

/// An ASCII path part as Zola writes it: lowercased, each run of other characters `-`.
fn slugify(part: &str) -> String {
    let mut out = String::with_capacity(part.len());
    for c in part.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_leave_file_names_and_urls_are_ascii() {
        assert_eq!(without_date("2014-03-05-changsha"), "changsha");
        assert_eq!(without_date("changsha-2014-03-05"), "changsha-2014-03-05");
        assert_eq!(slugify("Hello_World.v2"), "hello-world-v2");
    }
}

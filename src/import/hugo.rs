//! Hugo: content in `content/`, the title and address in `hugo.toml` or `config.toml` (or
//! their YAML and JSON forms), and a page's URL its path, lowercased, unless it says
//! otherwise.

use std::path::Path;

use super::report::ImportReport;
use super::tools::{
    page_path, read_config, require_folder, site_path, skip_none, text_at, text_in, OldUrl,
    PageFacts, Root, SiteInfo, Source,
};
use super::{ImportError, Tool};

pub struct Hugo {
    site: SiteInfo,
}

const CONFIGS: &[&str] = &[
    "hugo.toml",
    "hugo.yaml",
    "hugo.yml",
    "hugo.json",
    "config.toml",
    "config.yaml",
    "config.yml",
    "config.json",
    "config/_default/hugo.toml",
    "config/_default/config.toml",
];

impl Hugo {
    pub fn open(src: &Path, report: &mut ImportReport) -> Result<Hugo, ImportError> {
        require_folder(src, "content", Tool::Hugo)?;
        let config = read_config(src, CONFIGS, report).unwrap_or_default();
        let site = SiteInfo {
            title: text_at(&config, &["title"]),
            base_url: text_at(&config, &["baseURL"]),
            description: text_at(&config, &["description"])
                .or_else(|| text_in(&config, "params", &["description"])),
            author: text_in(&config, "params", &["author"])
                .or_else(|| text_at(&config, &["author"])),
            zone: text_at(&config, &["timeZone"]).and_then(|z| super::dates::zone_offset(&z)),
        };
        Ok(Hugo { site })
    }
}

impl Source for Hugo {
    fn tool(&self) -> Tool {
        Tool::Hugo
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
        let parts: Vec<String> = page_path(page.rel, page.slug)
            .iter()
            .map(|p| sanitize(p))
            .collect();
        OldUrl::At(site_path(&parts))
    }
}

/// A path part as Hugo writes it in URLs: lowercased, spaces as `-`, and only letters,
/// digits, marks and `.` `_` `-` `~` `+` kept.
fn sanitize(part: &str) -> String {
    let mut out = String::with_capacity(part.len());
    for c in part.chars() {
        if c == ' ' {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else if c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '~' | '+') || is_mark(c) {
            out.extend(c.to_lowercase());
        }
    }
    out
}

fn is_mark(c: char) -> bool {
    use unicode_general_category::{get_general_category, GeneralCategory as G};
    matches!(
        get_general_category(c),
        G::NonspacingMark | G::SpacingMark | G::EnclosingMark
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_lowercased_and_lose_their_punctuation() {
        assert_eq!(sanitize("Hello World"), "hello-world");
        assert_eq!(sanitize("刑法修正案（三）"), "刑法修正案三");
        assert_eq!(sanitize("a_b.c"), "a_b.c");
    }
}

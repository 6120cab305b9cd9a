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
    /// `[permalinks]` of the config: a section's URL pattern (`posts = "/:year/:month/:slug/"`).
    permalinks: std::collections::BTreeMap<String, String>,
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
        let permalinks = (config.get("permalinks").and_then(|p| p.as_object()))
            .map(|table| {
                let patterns = table
                    .iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())));
                patterns.collect()
            })
            .unwrap_or_default();
        Ok(Hugo { site, permalinks })
    }

    /// The URL the section's `[permalinks]` pattern gives the page, if it has one.
    fn permalink(&self, page: &PageFacts) -> Option<OldUrl> {
        let section = page.rel.split_once('/')?.0;
        let pattern = self.permalinks.get(section)?;
        let parts = page_path(page.rel, None);
        let file = sanitize(parts.last().map_or("", String::as_str));
        // Hugo's `:slug` is the title where the page has no slug; `:title` always is.
        let title = page.title.map(sanitize).filter(|t| !t.is_empty());
        let slug = page.slug.map(sanitize).or_else(|| title.clone());
        let d = page.date;
        let fills = [
            (":year", d.format("%Y").to_string()),
            (":month", d.format("%m").to_string()),
            (":day", d.format("%d").to_string()),
            (":section", sanitize(section)),
            (":filename", file.clone()),
            (":contentbasename", file.clone()),
            (
                ":slugorfilename",
                slug.clone().unwrap_or_else(|| file.clone()),
            ),
            (
                ":slugorcontentbasename",
                slug.clone().unwrap_or_else(|| file.clone()),
            ),
        ];
        // Longer tokens first: `:slugorfilename` before `:slug`.
        let mut url = pattern.clone();
        for (token, value) in &fills {
            url = url.replace(token, value);
        }
        if let Some(slug) = &slug {
            url = url.replace(":slug", slug);
        }
        if let Some(title) = &title {
            url = url.replace(":title", title);
        }
        if url.contains(':') {
            let why = "the section's [permalinks] pattern has a part import cannot fill \
                       (`:title` or `:slug` of a page without a title)";
            return Some(OldUrl::Unknown(why));
        }
        let url = format!("/{}", url.trim_start_matches('/'));
        Some(OldUrl::At(if url.ends_with('/') || url.contains('.') {
            url
        } else {
            url + "/"
        }))
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
        if let Some(url) = self.permalink(page) {
            return url;
        }
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
    fn a_sections_permalink_pattern_gives_the_old_url() {
        let hugo = Hugo {
            site: SiteInfo::default(),
            permalinks: [(
                "posts".to_string(),
                "/:year/:month/:slugorfilename/".to_string(),
            )]
            .into(),
        };
        let root = Root::new("content", "", skip_none);
        let page = |rel, slug| PageFacts {
            root: &root,
            rel,
            slug,
            title: None,
            date: chrono::NaiveDate::from_ymd_opt(2015, 3, 7).unwrap(),
        };
        assert_eq!(
            hugo.old_url(&page("posts/Hangzhou Zone.md", None)),
            OldUrl::At("/2015/03/hangzhou-zone/".into())
        );
        assert_eq!(
            hugo.old_url(&page("posts/a.md", Some("zone"))),
            OldUrl::At("/2015/03/zone/".into())
        );
        assert_eq!(
            hugo.old_url(&page("notes/a.md", None)),
            OldUrl::At("/notes/a/".into())
        );
    }

    /// Hugo fills `:slug` with the title where a page has no slug, and `:title` with the
    /// title (import reported both as not kept).
    #[test]
    fn a_permalink_of_slug_or_title_takes_the_title() {
        let hugo = Hugo {
            site: SiteInfo::default(),
            permalinks: [
                ("posts".to_string(), "/:year/:month/:slug/".to_string()),
                ("news".to_string(), "/news/:title/".to_string()),
            ]
            .into(),
        };
        let root = Root::new("content", "", skip_none);
        let page = |rel, slug, title| PageFacts {
            root: &root,
            rel,
            slug,
            title,
            date: chrono::NaiveDate::from_ymd_opt(2014, 1, 7).unwrap(),
        };
        let titled = Some("长沙试点 Pilot");
        assert_eq!(
            hugo.old_url(&page("posts/a.md", None, titled)),
            OldUrl::At("/2014/01/长沙试点-pilot/".into())
        );
        assert_eq!(
            hugo.old_url(&page("posts/a.md", Some("cs"), titled)),
            OldUrl::At("/2014/01/cs/".into())
        );
        assert_eq!(
            hugo.old_url(&page("news/a.md", Some("cs"), titled)),
            OldUrl::At("/news/长沙试点-pilot/".into())
        );
        assert!(matches!(
            hugo.old_url(&page("posts/a.md", None, None)),
            OldUrl::Unknown(_)
        ));
    }

    #[test]
    fn urls_are_lowercased_and_lose_their_punctuation() {
        assert_eq!(sanitize("Hello World"), "hello-world");
        assert_eq!(sanitize("刑法修正案（三）"), "刑法修正案三");
        assert_eq!(sanitize("a_b.c"), "a_b.c");
    }
}

//! Render stage, machine-read files: Atom feeds (the site, each tag, each city), the sitemap
//! (split into an index past 50,000 URLs), robots.txt and the redirect pages of aliases.
//! Everything is written by hand with every value escaped, so that no title can break XML.

use std::fmt::Write;

use percent_encoding::{percent_encode, AsciiSet, CONTROLS};

use crate::config::Config;
use crate::content::markdown::Rendered;
use crate::content::Date;
use crate::site::plan::{FeedOf, SitemapFile, SITEMAP_LIMIT};
use crate::site::{Page, PageId, Site, Table};

/// One Atom feed.
pub struct Feed<'a> {
    pub title: String,
    /// Site path of the feed file and of the page it accompanies.
    pub path: String,
    pub page_path: &'a str,
    pub subtitle: Option<&'a str>,
    pub entries: &'a [PageId],
}

impl<'a> Feed<'a> {
    /// The feed of the plan's `of`, at `path`; `all` lists every article.
    pub fn of(
        config: &'a Config,
        site: &'a Site,
        all: &'a [PageId],
        of: FeedOf,
        path: &str,
    ) -> Self {
        let (title, page_path, subtitle, entries) = match of {
            FeedOf::Site => (
                config.title.clone(),
                "",
                Some(config.description.as_str()),
                all,
            ),
            FeedOf::Tag(i) => {
                let t = &site.tags[i];
                let title = format!("{} · {}", t.name, config.title);
                (
                    title,
                    t.path.as_str(),
                    t.description.as_deref(),
                    t.pages.as_slice(),
                )
            }
            FeedOf::City(i) => {
                let c = &site.cities[i];
                let title = format!("{} · {}", c.name, config.title);
                (title, c.path.as_str(), None, c.pages.as_slice())
            }
        };
        Feed {
            title,
            path: path.to_string(),
            page_path,
            subtitle,
            entries,
        }
    }
    /// The articles the feed shows: its newest entries (a feed tells what is new, not what
    /// happened last; see [`crate::site::newest_entries`]), up to `limit`.
    pub fn shown(&self, site: &Site, limit: usize) -> Vec<PageId> {
        crate::site::newest_entries(site, self.entries, limit)
    }
}

pub fn atom(config: &Config, site: &Site, bodies: &Table<PageId, Rendered>, feed: &Feed) -> String {
    let base = &config.base_url;
    let shown = feed.shown(site, config.feed_limit);
    let entries: Vec<&Page> = shown.iter().map(|&i| &site.pages[i]).collect();
    let updated = entries
        .iter()
        .filter_map(|p| p.doc.meta.last_changed())
        .max()
        .map(|d| timestamp(&d))
        .unwrap_or_default();
    let self_url = base.permalink(&feed.path);
    let mut x = String::with_capacity(1024 + entries.len() * 512);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        x,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        esc(&config.language)
    );
    let _ = writeln!(x, "  <title>{}</title>", esc(&feed.title));
    if let Some(sub) = feed.subtitle.filter(|s| !s.is_empty()) {
        let _ = writeln!(x, "  <subtitle>{}</subtitle>", esc(sub));
    }
    let _ = writeln!(
        x,
        "  <link href=\"{}\" rel=\"self\" type=\"application/atom+xml\"/>",
        esc(&self_url)
    );
    let _ = writeln!(
        x,
        "  <link href=\"{}\" rel=\"alternate\" type=\"text/html\"/>",
        esc(&base.permalink(feed.page_path))
    );
    let _ = writeln!(x, "  <id>{}</id>", esc(&self_url));
    let _ = writeln!(x, "  <updated>{updated}</updated>");
    let _ = writeln!(x, "  <author><name>{}</name></author>", esc(&config.author));
    x.push_str("  <generator>tradekb</generator>\n");
    for (p, &i) in entries.iter().zip(&shown) {
        entry(&mut x, config, site, p, &bodies[i]);
    }
    x.push_str("</feed>\n");
    x
}

fn entry(x: &mut String, config: &Config, site: &Site, p: &Page, body: &Rendered) {
    let m = &p.doc.meta;
    let url = config.base_url.permalink(&p.path);
    x.push_str("  <entry>\n");
    let _ = writeln!(x, "    <title>{}</title>", esc(&m.title));
    let _ = writeln!(
        x,
        "    <link href=\"{}\" rel=\"alternate\" type=\"text/html\"/>",
        esc(&url)
    );
    let _ = writeln!(x, "    <id>{}</id>", esc(&url));
    if let Some(published) = &m.published_or_date() {
        let _ = writeln!(x, "    <published>{}</published>", timestamp(published));
    }
    if let Some(updated) = m.last_changed() {
        let _ = writeln!(x, "    <updated>{}</updated>", timestamp(&updated));
    }
    let summary = m.summary.as_deref().unwrap_or(&body.summary);
    if !summary.is_empty() {
        let _ = writeln!(x, "    <summary type=\"text\">{}</summary>", esc(summary));
    }
    for &t in &p.tags {
        let _ = writeln!(x, "    <category term=\"{}\"/>", esc(&site.tags[t].name));
    }
    x.push_str("  </entry>\n");
}

/// RFC 3339, as Atom wants it; a day alone is midnight UTC.
fn timestamp(d: &Date) -> String {
    match d.instant {
        Some(i) => i.to_rfc3339(),
        None => format!("{}T00:00:00Z", d.day.format("%Y-%m-%d")),
    }
}

/// One URL of the sitemap.
pub struct SitemapUrl {
    pub path: String,
    pub lastmod: Option<Date>,
}

/// Every page of the site that readers should find, with when it last changed: the lists
/// (with the articles they show) and every article, sorted by path.
pub fn sitemap_urls(site: &Site, lists: &[(String, Vec<PageId>)]) -> Vec<SitemapUrl> {
    let newest = |pages: &[PageId]| {
        let changed = pages.iter().map(|&i| site.pages[i].doc.meta.last_changed());
        changed.max().flatten()
    };
    let mut urls: Vec<SitemapUrl> = lists
        .iter()
        .map(|(path, pages)| SitemapUrl {
            path: path.clone(),
            lastmod: newest(pages),
        })
        .collect();
    urls.extend(site.pages.iter().map(|p| SitemapUrl {
        path: p.path.clone(),
        lastmod: p.doc.meta.last_changed(),
    }));
    urls.sort_by(|a, b| a.path.cmp(&b.path));
    urls
}

/// One sitemap file: the whole sitemap, the index of its parts, or one part.
pub fn sitemap(config: &Config, urls: &[SitemapUrl], file: SitemapFile) -> String {
    match file {
        SitemapFile::Whole => urlset(config, urls),
        SitemapFile::Part(n) => urlset(config, urls.chunks(SITEMAP_LIMIT).nth(n).unwrap_or(&[])),
        SitemapFile::Index => {
            let mut index = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
            index
                .push_str("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
            for n in 0..urls.len().div_ceil(SITEMAP_LIMIT) {
                let loc = config.base_url.permalink(&format!("sitemap-{}.xml", n + 1));
                let _ = writeln!(index, "  <sitemap><loc>{}</loc></sitemap>", esc(&loc));
            }
            index.push_str("</sitemapindex>\n");
            index
        }
    }
}

fn urlset(config: &Config, urls: &[SitemapUrl]) -> String {
    let mut x = String::with_capacity(200 + urls.len() * 120);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for u in urls {
        let loc = esc(&config.base_url.permalink(&percent_encode_path(&u.path)));
        match &u.lastmod {
            Some(d) => {
                let _ = writeln!(
                    x,
                    "  <url><loc>{loc}</loc><lastmod>{}</lastmod></url>",
                    d.iso()
                );
            }
            None => {
                let _ = writeln!(x, "  <url><loc>{loc}</loc></url>");
            }
        }
    }
    x.push_str("</urlset>\n");
    x
}

pub fn robots(config: &Config) -> String {
    let mut r = String::from("User-agent: *\nAllow: /\n");
    if config.sitemap {
        let _ = write!(
            r,
            "\nSitemap: {}\n",
            config.base_url.permalink("sitemap.xml")
        );
    }
    r
}

/// Sitemaps want URLs, not IRIs: bytes outside printable ASCII are percent-encoded, and so
/// is `%` itself.
pub fn percent_encode_path(path: &str) -> String {
    const NOT_PRINTABLE: &AsciiSet = &CONTROLS.add(b' ').add(b'%');
    percent_encode(path.as_bytes(), NOT_PRINTABLE).to_string()
}

/// Escapes text for XML and HTML, dropping characters XML 1.0 cannot carry.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_makes_hostile_text_inert() {
        assert_eq!(
            esc("<script>\"x\"]]>&'\u{1}"),
            "&lt;script&gt;&quot;x&quot;]]&gt;&amp;&#39;"
        );
    }

    #[test]
    fn sitemap_paths_are_percent_encoded() {
        assert_eq!(
            percent_encode_path("tags/海关/"),
            "tags/%E6%B5%B7%E5%85%B3/"
        );
        assert_eq!(percent_encode_path("a b%/"), "a%20b%25/");
    }

    #[test]
    fn days_are_midnight_utc_in_feeds() {
        let d = Date::parse("2014-01-02").unwrap();
        assert_eq!(timestamp(&d), "2014-01-02T00:00:00Z");
        let d = Date::parse("2014-01-02T09:30:00+08:00").unwrap();
        assert_eq!(timestamp(&d), "2014-01-02T09:30:00+08:00");
    }
}

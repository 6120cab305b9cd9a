//! Resolve stage, links: turns a link written in a body (a source file such as
//! `../pilots/changsha.md#第一批`, a site URL such as `/tags/`, or an external URL) into the
//! href the reader follows, or says why it leads nowhere.

use std::borrow::Cow;
use std::collections::BTreeSet;

use super::{Site, SitePath, Unpublished};
use crate::config::BaseUrl;
use crate::content::markdown::{LinkOutcome, LinkResolver};
use crate::text::file::join;

/// Everything a link can reach in this build.
pub struct Targets<'a> {
    site: &'a Site,
    base: &'a BaseUrl,
    /// Every site path that will exist: pages (`pilots/x/`) and files (`style.css`).
    paths: BTreeSet<&'a str>,
    /// Old URLs (`aliases:`) to the path of the page each sends readers on to.
    redirects: std::collections::HashMap<&'a str, &'a str>,
}

impl<'a> Targets<'a> {
    /// `paths`: every site path the output plan writes.
    pub fn new(site: &'a Site, base: &'a BaseUrl, paths: impl Iterator<Item = &'a str>) -> Self {
        let paths = paths.collect();
        let redirects = (site.redirects.iter())
            .map(|r| (r.from.as_str(), site.pages[r.to].path.as_str()))
            .collect();
        Targets {
            site,
            base,
            paths,
            redirects,
        }
    }

    /// A hash of everything links resolve against: a body whose text and whose page's path
    /// are the same renders the same while this is.
    pub fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        format!("{:?}", self.base).hash(&mut h);
        self.paths.hash(&mut h);
        self.site.sources.hash(&mut h);
        let mut redirects: Vec<_> = self.redirects.iter().collect();
        redirects.sort();
        redirects.hash(&mut h);
        for (source, why) in &self.site.unpublished {
            (source, *why as u8).hash(&mut h);
        }
        h.finish()
    }

    pub fn exists(&self, path: &str) -> bool {
        self.paths.contains(path)
    }

    /// The resolver for links written in the file at `rel` (inside `content/`), whose page is
    /// at `page_path`.
    pub fn for_file(&'a self, rel: &'a str, page_path: &'a str) -> FileLinks<'a> {
        FileLinks {
            targets: self,
            rel,
            page_path,
        }
    }
}

pub struct FileLinks<'a> {
    targets: &'a Targets<'a>,
    rel: &'a str,
    page_path: &'a str,
}

impl LinkResolver for FileLinks<'_> {
    fn resolve_raw(&self, dest: &str) -> LinkOutcome {
        self.raw(dest)
    }

    fn resolve(&self, dest: &str) -> LinkOutcome {
        let Some((path, anchor)) = on_this_site(dest) else {
            return LinkOutcome::Keep;
        };
        if self.is_invalid_source(&path) {
            // That file's own problems are reported already; this link is not one more.
            return LinkOutcome::Keep;
        }
        let target = if path.is_empty() {
            Ok(self.page_path.to_string())
        } else if let Some(site_path) = path.strip_prefix('/') {
            self.site_url(site_path)
        } else {
            self.source_file(&path)
        };
        match target {
            Ok(target) => {
                let fragment = dest
                    .split_once('#')
                    .map(|(_, a)| format!("#{a}"))
                    .unwrap_or_default();
                let href = if path.is_empty() {
                    fragment.clone()
                } else {
                    format!("{}{fragment}", self.targets.base.url(&target))
                };
                LinkOutcome::Internal {
                    href,
                    target,
                    anchor: anchor.filter(|a| !a.is_empty()),
                }
            }
            Err(reason) => LinkOutcome::Broken(reason),
        }
    }
}

impl FileLinks<'_> {
    /// See [`LinkResolver::resolve_raw`]. A root-relative URL outside the base URL's path
    /// (`/other/` under `/kb/`) is not this site's to check.
    fn raw(&self, dest: &str) -> LinkOutcome {
        let Some((path, anchor)) = on_this_site(dest) else {
            return LinkOutcome::Keep;
        };
        let target = if path.is_empty() {
            Ok(self.page_path.to_string())
        } else if path.starts_with('/') {
            match path.strip_prefix(self.targets.base.root.as_str()) {
                Some(inside) => self.site_url(inside),
                None if *path == *self.targets.base.root.trim_end_matches('/') => self.site_url(""),
                None => return LinkOutcome::Keep,
            }
        } else {
            match join(self.page_path, &path) {
                Some(joined) => self.site_url(&joined).map_err(|why| {
                    let folder = path.ends_with('/') && !joined.is_empty();
                    let url = self.targets.base.url(&joined) + if folder { "/" } else { "" };
                    format!("relative to the page it is {url}, and {why}")
                }),
                None => Err("it points above the site's root".into()),
            }
        };
        match target {
            Ok(target) => LinkOutcome::Internal {
                href: dest.to_string(),
                target,
                anchor: anchor.filter(|a| !a.is_empty()),
            },
            Err(reason) => LinkOutcome::Broken(reason),
        }
    }

    fn is_invalid_source(&self, path: &str) -> bool {
        let dir = self.rel.rsplit_once('/').map_or("", |(d, _)| d);
        let joined = join(dir, path);
        joined.is_some_and(|j| self.targets.site.unpublished.get(&j) == Some(&Unpublished::Invalid))
    }

    /// The site path `path` leads to: an old URL (`aliases:`) leads to its page, so that a
    /// link goes there at once and its anchor is looked for there.
    fn site_url(&self, path: &str) -> Result<String, String> {
        let t = self.targets;
        let with_slash = format!("{path}/");
        let found = if t.exists(path) {
            path
        } else if !path.is_empty() && t.exists(&with_slash) {
            with_slash.as_str()
        } else {
            return Err("no page or file of this site has that URL".into());
        };
        Ok(t.redirects.get(found).copied().unwrap_or(found).to_string())
    }

    fn source_file(&self, path: &str) -> Result<String, String> {
        let dir = self.rel.rsplit_once('/').map_or("", |(d, _)| d);
        let joined = join(dir, path).ok_or("it points above the content folder")?;
        if joined.ends_with(".md") {
            return source_page(self.targets.site, &joined).cloned();
        }
        if self.targets.site.assets.binary_search(&joined).is_ok() {
            return Ok(self.targets.site.asset_path(&joined));
        }
        Err(format!(
            "content/{joined} does not exist; a relative link must name a Markdown source or a file in content/"
        ))
    }
}

/// The site path of the page made from `content/{rel}`, a Markdown source, or why there is
/// none in this build.
pub(super) fn source_page<'s>(site: &'s Site, rel: &str) -> Result<&'s SitePath, String> {
    match (site.sources.get(rel), site.unpublished.get(rel)) {
        (Some(p), _) => Ok(p),
        (None, Some(Unpublished::Draft)) => Err(format!(
            "content/{rel} is a draft, left out of this build (publish it, or remove the link)"
        )),
        (None, Some(Unpublished::Future)) => Err(format!(
            "content/{rel} is published after today, left out of this build (build with --future, or remove the link)"
        )),
        (None, Some(Unpublished::Invalid)) => Err(format!("content/{rel} has errors")),
        (None, None) => Err(format!("content/{rel} does not exist")),
    }
}

/// The path (percent-decoded, without query) and the anchor of a link that may lead into
/// this site; none for an external link (a scheme, or `//host`) or an empty one.
fn on_this_site(dest: &str) -> Option<(Cow<'_, str>, Option<String>)> {
    if dest.is_empty() || has_scheme(dest) || dest.starts_with("//") {
        return None;
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(percent_decode(a).into_owned())),
        None => (dest, None),
    };
    let path = path.split_once('?').map_or(path, |(p, _)| p);
    Some((percent_decode(path), anchor))
}

/// Whether a URL names its scheme (`https:`, `mailto:`): it leads off the site's paths.
pub fn has_scheme(dest: &str) -> bool {
    let Some((scheme, _)) = dest.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Decodes `%XX` escapes (authors may percent-encode Chinese anchors); invalid ones stay,
/// and so does the whole text when the bytes it decodes to are not UTF-8.
pub fn percent_decode(s: &str) -> Cow<'_, str> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .unwrap_or(Cow::Borrowed(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_resolve_inside_content() {
        assert_eq!(
            join("policies", "../pilots/a.md").as_deref(),
            Some("pilots/a.md")
        );
        assert_eq!(join("policies", "./b.md").as_deref(), Some("policies/b.md"));
        assert_eq!(join("", "../x.md"), None);
    }

    #[test]
    fn schemes_are_external() {
        assert!(has_scheme("https://example.org"));
        assert!(has_scheme("mailto:a@b.c"));
        assert!(!has_scheme("../a.md"));
        assert!(!has_scheme("第一批:x"));
    }

    #[test]
    fn percent_decoding_handles_chinese_and_junk() {
        assert_eq!(percent_decode("%E7%AC%AC%E4%B8%80"), "第一");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("a%zz"), "a%zz");
    }
}

//! Hexo: posts in `source/_posts/` (they become the section `posts/`), other pages under
//! `source/`, the title, address and permalink pattern in `_config.yml`. A post's URL
//! follows the pattern (`:year/:month/:day/:title/` unless the site says otherwise); a
//! page's is its path, `.html` for a file and `/` for a folder's `index.md`.

use std::path::Path;

use super::report::{ImportReport, NoteKind};
use super::tools::{
    page_path, read_config, require_folder, site_path, text_at, OldUrl, PageFacts, Root, SiteInfo,
    Source,
};
use super::{ImportError, Tool};

pub struct Hexo {
    site: SiteInfo,
    permalink: String,
}

/// The section Hexo's posts go to.
pub const POSTS: &str = "posts";

impl Hexo {
    pub fn open(src: &Path, report: &mut ImportReport) -> Result<Hexo, ImportError> {
        require_folder(src, "source", Tool::Hexo)?;
        let config = read_config(src, &["_config.yml", "_config.yaml"], report).unwrap_or_default();
        let site = SiteInfo {
            title: text_at(&config, &["title"]),
            base_url: text_at(&config, &["url"]),
            description: text_at(&config, &["description"]),
            author: text_at(&config, &["author"]),
            zone: text_at(&config, &["timezone"]).and_then(|z| super::dates::zone_offset(&z)),
        };
        let permalink =
            text_at(&config, &["permalink"]).unwrap_or_else(|| ":year/:month/:day/:title/".into());
        if src.join("source/_drafts").is_dir() {
            let message = "Hexo's drafts are not imported: publish them in Hexo first (`hexo publish`), or copy them in with `draft: true`".to_string();
            report.note("source/_drafts", None, NoteKind::NotWritten, message);
        }
        Ok(Hexo { site, permalink })
    }

    fn post_url(&self, page: &PageFacts) -> OldUrl {
        let title = page_path(page.rel, page.slug).join("/");
        let name = title.rsplit('/').next().unwrap_or(&title).to_string();
        let d = page.date;
        let fills = [
            (":year", d.format("%Y").to_string()),
            (":month", d.format("%m").to_string()),
            (":day", d.format("%d").to_string()),
            (":i_month", d.format("%-m").to_string()),
            (":i_day", d.format("%-d").to_string()),
            (":post_title", title.clone()),
            (":title", title),
            (":name", name),
        ];
        let mut url = self.permalink.clone();
        for (token, value) in &fills {
            url = url.replace(token, value);
        }
        if url.contains(':') {
            return OldUrl::Unknown("the site's permalink pattern has a part import does not know");
        }
        OldUrl::At(format!("/{}", url.trim_start_matches('/')))
    }
}

/// Hexo leaves out files and folders whose names start with `_` (the posts are read apart).
fn underscored(name: &str) -> bool {
    name.starts_with('_') || name == "node_modules"
}

impl Source for Hexo {
    fn tool(&self) -> Tool {
        Tool::Hexo
    }

    fn made_sections(&self) -> Vec<(&'static str, &'static str)> {
        vec![(POSTS, "文章")]
    }

    fn roots(&self) -> Vec<Root> {
        vec![
            Root::new("source/_posts", POSTS, |_| false),
            Root::new("source", "", underscored),
        ]
    }

    fn site(&self) -> &SiteInfo {
        &self.site
    }

    fn old_url(&self, page: &PageFacts) -> OldUrl {
        if page.root.dest == POSTS {
            return self.post_url(page);
        }
        let parts = page_path(page.rel, None);
        if page.rel.ends_with("index.md") {
            return OldUrl::At(site_path(&parts));
        }
        OldUrl::At(format!("/{}.html", parts.join("/")))
    }
}

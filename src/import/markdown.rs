//! A folder of Markdown files: every `.md` under it, its top folders the sections. Such a
//! folder has no URLs of its own to keep. A folder's `README.md` is its intro (the home
//! page's, or a section's), as on GitHub, and the first `# heading` of the top one names
//! the site.

use std::path::Path;

use super::tools::{join, markdown_ext, skip_none, OldUrl, PageFacts, Root, SiteInfo, Source};
use super::Tool;

pub struct Plain {
    site: SiteInfo,
}

impl Plain {
    pub fn open(src: &Path) -> Plain {
        let readme = std::fs::read_dir(src)
            .into_iter()
            .flatten()
            .flatten()
            .find(|e| is_readme(&e.file_name().to_string_lossy()))
            .and_then(|e| std::fs::read_to_string(e.path()).ok());
        let title = readme.as_deref().and_then(first_heading);
        Plain {
            site: SiteInfo {
                title,
                ..SiteInfo::default()
            },
        }
    }
}

fn is_readme(name: &str) -> bool {
    name.eq_ignore_ascii_case("readme.md")
}

/// The text of the first `# heading` of `text`, before any fenced code.
fn first_heading(text: &str) -> Option<String> {
    text.lines()
        .take_while(|l| !l.trim_start().starts_with("```"))
        .find_map(super::article::heading_text)
}

impl Source for Plain {
    fn tool(&self) -> Tool {
        Tool::Markdown
    }

    fn roots(&self) -> Vec<Root> {
        vec![Root::new("", "", skip_none)]
    }

    fn site(&self) -> &SiteInfo {
        &self.site
    }

    fn dest_rel(&self, root: &Root, rel: &str) -> String {
        let rel = markdown_ext(rel);
        let (dir, name) = rel.rsplit_once('/').unwrap_or(("", &rel));
        if is_readme(name) {
            return join(&root.dest, &join(dir, "_index.md"));
        }
        join(&root.dest, &rel)
    }

    fn old_url(&self, _: &PageFacts) -> OldUrl {
        OldUrl::None
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_first_heading_outside_code_names_the_site() {
        assert_eq!(
            super::first_heading("# 我的笔记 #\n正文").as_deref(),
            Some("我的笔记")
        );
        assert_eq!(super::first_heading("```\n# 代码\n```\n# 后来"), None);
        assert_eq!(super::first_heading("正文"), None);
    }
}

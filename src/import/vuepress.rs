//! VuePress: pages under `docs/` (or the folder itself), the title in
//! `docs/.vuepress/config.js` (or `.ts`, `.mjs`). A folder's `README.md` is its index: the
//! home page's intro, a section's, or a page bundle deeper down. A page's URL is its path
//! with `.html`.

use std::path::Path;

use super::report::ImportReport;
use super::tools::{
    join, markdown_ext, page_path, site_path, OldUrl, PageFacts, Root, SiteInfo, Source,
};
use super::Tool;

pub struct Vuepress {
    docs: &'static str,
    site: SiteInfo,
}

impl Vuepress {
    pub fn open(src: &Path, _: &mut ImportReport) -> Vuepress {
        let docs = if src.join("docs").is_dir() {
            "docs"
        } else {
            ""
        };
        let config = ["config.js", "config.ts", "config.mjs"]
            .iter()
            .map(|name| src.join(docs).join(".vuepress").join(name))
            .find_map(|path| std::fs::read_to_string(path).ok());
        let site = SiteInfo {
            title: config.as_deref().and_then(title_in_script),
            base_url: None,
            description: None,
            author: None,
            zone: None,
        };
        Vuepress { docs, site }
    }
}

/// The text of the first `title: '…'` (or `"…"`, `` `…` ``) of a configuration script.
fn title_in_script(script: &str) -> Option<String> {
    let mut rest = script;
    while let Some(i) = rest.find("title") {
        let after = rest[i + "title".len()..].trim_start();
        rest = &rest[i + "title".len()..];
        let Some(value) = after.strip_prefix(':').map(str::trim_start) else {
            continue;
        };
        let quote = value
            .chars()
            .next()
            .filter(|c| matches!(c, '\'' | '"' | '`'))?;
        let end = value[1..].find(quote)?;
        return Some(value[1..1 + end].to_string()).filter(|t| !t.trim().is_empty());
    }
    None
}

fn not_content(name: &str) -> bool {
    name == "node_modules"
}

impl Source for Vuepress {
    fn tool(&self) -> Tool {
        Tool::Vuepress
    }

    fn statics(&self) -> Vec<&'static str> {
        vec!["docs/.vuepress/public"]
    }

    fn roots(&self) -> Vec<Root> {
        vec![Root::new(self.docs, "", not_content)]
    }

    fn site(&self) -> &SiteInfo {
        &self.site
    }

    fn dest_rel(&self, root: &Root, rel: &str) -> String {
        let rel = markdown_ext(rel);
        let (dir, name) = rel.rsplit_once('/').unwrap_or(("", &rel));
        if !name.eq_ignore_ascii_case("readme.md") {
            return join(&root.dest, &rel);
        }
        let index = if dir.contains('/') {
            "index.md"
        } else {
            "_index.md"
        };
        join(&root.dest, &join(dir, index))
    }

    fn old_url(&self, page: &PageFacts) -> OldUrl {
        let mut parts = page_path(page.rel, None);
        if !parts
            .last()
            .is_some_and(|p| p.eq_ignore_ascii_case("readme"))
        {
            return OldUrl::At(format!("/{}.html", parts.join("/")));
        }
        parts.pop();
        match parts.is_empty() {
            true => OldUrl::None,
            false => OldUrl::At(site_path(&parts)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_is_read_from_the_config_script() {
        let script = "module.exports = {\n  base: '/',\n  title: '跨境电商知识库',\n  themeConfig: { title: 'x' }\n}";
        assert_eq!(title_in_script(script).as_deref(), Some("跨境电商知识库"));
        assert_eq!(title_in_script("export default { subtitle: 1 }"), None);
    }
}

//! Links between pages as another tool names them (Hugo's `ref`, Zola's `@/`) made into
//! links to source files in the new `content/` folder, relative to the linking file, which
//! tradekb turns into URLs and checks.

use std::collections::BTreeMap;

/// Every Markdown file imported: its path inside its source root → inside `content/`, and
/// the texts of its headings.
#[derive(Debug, Default)]
pub struct LinkIndex {
    by_source: BTreeMap<String, String>,
    headings: BTreeMap<String, Vec<String>>,
}

impl LinkIndex {
    pub fn add(&mut self, source_rel: &str, dest_rel: &str, headings: Vec<String>) {
        self.by_source.insert(source_rel.into(), dest_rel.into());
        self.headings.insert(dest_rel.into(), headings);
    }

    /// The id tradekb gives the heading that `anchor` names in `target` (seen from `from`),
    /// when the old tool gave it another (Hugo's `二企业管理` for `## 二、企业管理`, which
    /// tradekb calls `二-企业管理`; Zola's transliterated `er-qi-ye-guan-li`); else `anchor`
    /// as it is.
    pub fn anchor(&self, from: &str, target: &str, anchor: &str) -> String {
        let headings = self
            .target(from, target)
            .and_then(|dest| self.headings.get(dest));
        let heading = headings.and_then(|hs| {
            let ours = hs.iter().any(|h| readable(h) == anchor);
            (!ours)
                .then(|| (hs.iter()).find(|h| github_id(h) == anchor || zola_id(h) == anchor))
                .flatten()
        });
        heading.map_or_else(|| anchor.to_string(), |h| readable(h))
    }

    /// The link from the file at `from` (source path inside its root; new path `from_dest`)
    /// to `target`: from the content root when it starts with `/`, else beside the file
    /// first; the extension and a bundle's `index.md` may be left out.
    pub fn resolve(&self, from: &str, from_dest: &str, target: &str) -> Option<String> {
        Some(relative(from_dest, self.target(from, target)?))
    }

    /// The new path of the page `target` names, seen from the file at `from` (itself when
    /// `target` is empty).
    fn target(&self, from: &str, target: &str) -> Option<&String> {
        if target.is_empty() {
            return self.by_source.get(from);
        }
        let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
        match target.strip_prefix('/') {
            Some(root) => self.find(root),
            None => self
                .find(&join_path(dir, target))
                .or_else(|| self.find(target)),
        }
    }

    fn find(&self, path: &str) -> Option<&String> {
        let path = path.trim_end_matches('/');
        let candidates = [
            path.to_string(),
            format!("{path}.md"),
            format!("{path}/index.md"),
            format!("{path}/_index.md"),
        ];
        candidates.iter().find_map(|c| self.by_source.get(c))
    }
}

/// The texts of the ATX headings of a Markdown text (`## 二、企业管理`), outside fenced code.
pub fn headings(text: &str) -> Vec<String> {
    let mut fence: Option<&str> = None;
    let mut out = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some(open) = fence {
            if trimmed.starts_with(open) {
                fence = None;
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
            continue;
        }
        let level = trimmed.chars().take_while(|c| *c == '#').count();
        let rest = &trimmed[level..];
        if (1..=6).contains(&level) && rest.starts_with([' ', '\t']) {
            let text = rest.trim().trim_end_matches('#').trim_end();
            out.push(text.to_string());
        }
    }
    out
}

/// The id Hugo gives a heading by default (GitHub's rule): lowercased, letters, digits,
/// spaces, `-` and `_` kept, every other character dropped, spaces made `-`.
fn github_id(heading: &str) -> String {
    (heading.trim().chars())
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .flat_map(char::to_lowercase)
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The id Zola gives a heading by default (`slugify.anchors = "on"`): transliterated to
/// ASCII and slugified, with the crate Zola uses (`## 二、企业管理` → `er-qi-ye-guan-li`).
fn zola_id(heading: &str) -> String {
    slug::slugify(heading)
}

fn readable(heading: &str) -> String {
    crate::text::slug::readable(heading)
}

/// `dir/target`, with `.` and `..` parts worked out.
fn join_path(dir: &str, target: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The relative path from the file `from` to the file `to`, both inside one folder.
pub fn relative(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect::<Vec<_>>();
    let from_dir = &from_dir[..from_dir.len() - 1];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out: Vec<&str> = vec![".."; from_dir.len() - common];
    out.extend(&to_parts[common..]);
    out.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_the_old_tool_gave_become_tradekbs() {
        let text = "# 标题\n\n## 二、企业管理\n\n```\n## 不是标题\n```\n### Next Steps ##\n";
        assert_eq!(headings(text), ["标题", "二、企业管理", "Next Steps"]);
        let mut index = LinkIndex::default();
        index.add("posts/b.md", "posts/b.md", headings(text));
        let anchor = |a: &str| index.anchor("posts/a.md", "b.md", a);
        assert_eq!(anchor("二企业管理"), "二-企业管理");
        assert_eq!(anchor("next-steps"), "next-steps");
        assert_eq!(anchor("二-企业管理"), "二-企业管理");
        assert_eq!(anchor("不存在"), "不存在");
        assert_eq!(anchor("er-qi-ye-guan-li"), "二-企业管理", "Zola's id");
        let here = index.anchor("posts/b.md", "", "二企业管理");
        assert_eq!(here, "二-企业管理", "a heading of the page itself");
    }

    #[test]
    fn links_are_relative_to_the_linking_file() {
        assert_eq!(relative("posts/a.md", "posts/b.md"), "b.md");
        assert_eq!(relative("posts/x/index.md", "posts/b.md"), "../b.md");
        assert_eq!(
            relative("posts/a.md", "notes/sub/c.md"),
            "../notes/sub/c.md"
        );
        assert_eq!(relative("a.md", "posts/b.md"), "posts/b.md");
    }

    #[test]
    fn targets_are_found_beside_the_file_then_from_the_root() {
        let mut index = LinkIndex::default();
        index.add("posts/b.md", "posts/b.md", Vec::new());
        index.add("posts/bundle/index.md", "posts/bundle/index.md", Vec::new());
        index.add("notes/c.md", "notes/c.md", Vec::new());
        let from = |t: &str| index.resolve("posts/a.md", "posts/a.md", t);
        assert_eq!(from("b.md").as_deref(), Some("b.md"));
        assert_eq!(from("b").as_deref(), Some("b.md"));
        assert_eq!(from("/notes/c").as_deref(), Some("../notes/c.md"));
        assert_eq!(from("notes/c.md").as_deref(), Some("../notes/c.md"));
        assert_eq!(from("../notes/c.md").as_deref(), Some("../notes/c.md"));
        assert_eq!(from("bundle").as_deref(), Some("bundle/index.md"));
        assert_eq!(from("missing.md"), None);
    }
}

//! Links between pages as another tool names them (Hugo's `ref`, Zola's `@/`) made into
//! links to source files in the new `content/` folder, relative to the linking file, which
//! tradekb turns into URLs and checks.

use std::collections::BTreeMap;

/// Every Markdown file imported: its path inside its source root → inside `content/`.
#[derive(Debug, Default)]
pub struct LinkIndex {
    by_source: BTreeMap<String, String>,
}

impl LinkIndex {
    pub fn add(&mut self, source_rel: &str, dest_rel: &str) {
        self.by_source.insert(source_rel.into(), dest_rel.into());
    }

    /// The link from the file at `from` (source path inside its root; new path `from_dest`)
    /// to `target`: from the content root when it starts with `/`, else beside the file
    /// first; the extension and a bundle's `index.md` may be left out.
    pub fn resolve(&self, from: &str, from_dest: &str, target: &str) -> Option<String> {
        let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
        let found = match target.strip_prefix('/') {
            Some(root) => self.find(root),
            None => self
                .find(&join_path(dir, target))
                .or_else(|| self.find(target)),
        }?;
        Some(relative(from_dest, found))
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
        index.add("posts/b.md", "posts/b.md");
        index.add("posts/bundle/index.md", "posts/bundle/index.md");
        index.add("notes/c.md", "notes/c.md");
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

//! Resolve stage, sections: the top folders of `content/` and the sub-sections inside them,
//! as a tree; which section lists each article, and the URL it gets there.
//!
//! A top folder is a section. A folder inside one is a sub-section when it has an
//! `_index.md`, or when its top section asks for nested URLs (`urls: nested`); the folders
//! above a sub-section are sub-sections too. A page bundle's own folder never is one.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{at_key, SectionId, SitePath};
use crate::content::meta::{SortBy, Urls};
use crate::content::{ArticleMeta, Doc, Kind, SectionMeta, SourceFile};
use crate::diagnostic::{Diagnostic, Problem};
use crate::text::slug;

#[derive(Debug)]
pub struct Section {
    /// Its folder inside `content/`: `policies`, `policies/2014`.
    pub key: String,
    pub path: SitePath,
    /// The kind of its articles: a sub-section's is its top section's.
    pub kind: Kind,
    pub meta: SectionMeta,
    pub intro: Option<SourceFile>,
    pub parent: Option<SectionId>,
    /// Its sub-sections, in order.
    pub children: Vec<SectionId>,
    pub rules: Rules,
    /// Its articles and those of its sub-sections, in list order.
    pub pages: Vec<super::PageId>,
    /// Its own articles, not in a sub-section, in list order: an article's neighbours.
    pub own: Vec<super::PageId>,
}

impl Section {
    /// The last part of its folder: `2014` for `policies/2014`.
    pub fn folder_name(&self) -> &str {
        self.key.rsplit('/').next().unwrap_or(&self.key)
    }
}

/// How a section lists and places its articles: as its `_index.md` says, else as its parent
/// section does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    pub per_page: Option<usize>,
    pub urls: Urls,
    /// Its articles may have no date.
    pub undated: bool,
    pub sort_by: SortBy,
    /// The `sort_by` an `_index.md` gave (its own or its parent's): without one, the order
    /// follows `undated`.
    given_sort: Option<SortBy>,
}

impl Rules {
    fn of(meta: &SectionMeta, parent: Option<&Rules>) -> Rules {
        let undated = meta.undated.or(parent.map(|p| p.undated)).unwrap_or(false);
        let given_sort = meta.sort_by.or(parent.and_then(|p| p.given_sort));
        let default_sort = if undated { SortBy::Title } else { SortBy::Date };
        Rules {
            per_page: meta.paginate_by.or(parent.and_then(|p| p.per_page)),
            urls: parent.map_or(meta.urls.unwrap_or_default(), |p| p.urls),
            undated,
            sort_by: given_sort.unwrap_or(default_sort),
            given_sort,
        }
    }
}

/// The sections of the site, in order: each top section, then its sub-sections depth first.
pub struct Sections {
    pub list: Vec<Section>,
    by_key: HashMap<String, SectionId>,
}

impl Sections {
    /// The sections the `_index.md` files and the articles' folders make, and the problems
    /// of those files (settings only a top section takes).
    pub fn build(
        docs: Vec<(String, Doc<SectionMeta>)>,
        articles: &[Doc<ArticleMeta>],
    ) -> (Sections, Vec<Diagnostic>) {
        let mut docs: BTreeMap<String, Doc<SectionMeta>> = docs.into_iter().collect();
        let bundles = Bundles::of(articles);
        let mut problems = bundles.take_sections(&mut docs);
        let keys = folders(&docs, articles, &bundles);
        let mut built: BTreeMap<String, Section> = BTreeMap::new();
        // Keys in order: a parent comes before its sub-sections.
        for key in keys {
            let doc = docs.remove(&key);
            let parent = key.rsplit_once('/').and_then(|(p, _)| built.get(p));
            if let (Some(doc), Some(_)) = (&doc, parent) {
                problems.extend(top_only(doc));
            }
            let section = new_section(key.clone(), doc, parent);
            built.insert(key, section);
        }
        let list = in_order(built);
        let by_key = SectionId::each(&list)
            .map(|(i, s)| (s.key.clone(), i))
            .collect();
        (Sections { list, by_key }, problems)
    }

    /// The section that lists the article at `rel` inside `content/` first: the nearest
    /// folder above it that is a section.
    pub fn of_article(&self, rel: &str) -> Option<SectionId> {
        let mut folder = list_folder(rel)?;
        loop {
            if let Some(&id) = self.by_key.get(folder) {
                return Some(id);
            }
            folder = folder.rsplit_once('/')?.0;
        }
    }

    /// `section` and the sections above it, nearest first.
    pub fn up(&self, section: SectionId) -> impl Iterator<Item = SectionId> + '_ {
        up(&self.list, section)
    }

    /// The site path of an article of `section` with `slug`: under its top section, or under
    /// its own when the top section asks for nested URLs.
    pub fn article_path(&self, section: SectionId, slug: &str) -> SitePath {
        let s = &self.list[section];
        let under = match s.rules.urls {
            Urls::Nested => s,
            Urls::Flat => &self.list[self.up(section).last().unwrap_or(section)],
        };
        format!("{}{slug}/", under.path)
    }
}

/// `section` and the sections above it in `list`, nearest first.
pub fn up(list: &[Section], section: SectionId) -> impl Iterator<Item = SectionId> + '_ {
    std::iter::successors(Some(section), |&s| list[s].parent)
}

/// Which articles may have no date: pages at the content root, and articles under a section
/// folder whose `_index.md` says `undated: true` (the nearest that says either way).
pub struct Undated<'a> {
    said: HashMap<&'a str, Option<bool>>,
    broken: &'a BTreeSet<String>,
}

impl<'a> Undated<'a> {
    /// From the `_index.md` files read, and the files that could not be (`broken`).
    pub fn new(docs: &'a [(String, Doc<SectionMeta>)], broken: &'a BTreeSet<String>) -> Self {
        let said = docs
            .iter()
            .map(|(k, d)| (k.as_str(), d.meta.undated))
            .collect();
        Undated { said, broken }
    }

    /// Whether the article at `rel` may be undated; none when an `_index.md` above it could
    /// not be read, so that it is not known (its own problem is reported).
    pub fn allowed(&self, rel: &str) -> Option<bool> {
        let Some(mut folder) = list_folder(rel) else {
            return Some(true);
        };
        loop {
            if self.broken.contains(&format!("{folder}/_index.md")) {
                return None;
            }
            if let Some(&Some(said)) = self.said.get(folder) {
                return Some(said);
            }
            match folder.rsplit_once('/') {
                Some((up, _)) => folder = up,
                None => return Some(false),
            }
        }
    }
}

/// The folder whose section lists the article at `rel`: the folder it is in, or its bundle
/// is in; none at the content root.
fn list_folder(rel: &str) -> Option<&str> {
    let page = rel.strip_suffix("/index.md").unwrap_or(rel);
    Some(page.rsplit_once('/')?.0)
}

/// Every folder that is a section, sorted.
fn folders(
    docs: &BTreeMap<String, Doc<SectionMeta>>,
    articles: &[Doc<ArticleMeta>],
    bundles: &Bundles,
) -> BTreeSet<String> {
    let nested = |top: &str| {
        let urls = docs.get(top).and_then(|d| d.meta.urls);
        urls == Some(Urls::Nested)
    };
    let mut keys: BTreeSet<String> = docs.keys().cloned().collect();
    for a in articles {
        let Some(folder) = list_folder(&a.file.rel) else {
            continue;
        };
        let top = folder.split('/').next().unwrap_or(folder);
        keys.insert(top.to_string());
        if nested(top) && bundles.holding(folder).is_none() {
            keys.insert(folder.to_string());
        }
    }
    let above: Vec<String> = keys
        .iter()
        .flat_map(|k| k.match_indices('/').map(|(i, _)| k[..i].to_string()))
        .collect();
    keys.extend(above);
    keys
}

fn new_section(key: String, doc: Option<Doc<SectionMeta>>, parent: Option<&Section>) -> Section {
    let (meta, intro) = match doc {
        Some(d) => (d.meta, Some(d.file)),
        None => (SectionMeta::default(), None),
    };
    let name = key.rsplit('/').next().unwrap_or(&key);
    let (path, kind) = match parent {
        Some(p) => (
            format!("{}{}/", p.path, slug::from_file_stem(name)),
            p.kind.clone(),
        ),
        None => (
            format!("{key}/"),
            meta.kind.clone().unwrap_or_else(|| Kind::of_folder(&key)),
        ),
    };
    Section {
        rules: Rules::of(&meta, parent.map(|p| &p.rules)),
        key,
        path,
        kind,
        meta,
        intro,
        parent: None,
        children: Vec::new(),
        pages: Vec::new(),
        own: Vec::new(),
    }
}

/// The folders of page bundles (`x/` of `x/index.md`): pages, so neither they nor the
/// folders in them are sections.
struct Bundles<'a>(BTreeMap<&'a str, &'a SourceFile>);

impl<'a> Bundles<'a> {
    fn of(articles: &'a [Doc<ArticleMeta>]) -> Self {
        Bundles(
            (articles.iter())
                .filter_map(|a| Some((a.file.bundle()?, &a.file)))
                .collect(),
        )
    }

    /// The page whose bundle holds `folder` (or is it), if one does.
    fn holding(&self, folder: &str) -> Option<&'a SourceFile> {
        let mut up = std::iter::successors(Some(folder), |k| k.rsplit_once('/').map(|p| p.0));
        up.find_map(|f| self.0.get(f).copied())
    }

    /// Takes out of `docs` each `_index.md` inside a bundle, with a problem for each.
    fn take_sections(&self, docs: &mut BTreeMap<String, Doc<SectionMeta>>) -> Vec<Diagnostic> {
        let inside: Vec<(String, &SourceFile)> = (docs.keys())
            .filter_map(|k| Some((k.clone(), self.holding(k)?)))
            .collect();
        let mut out = Vec::new();
        for (key, page) in inside {
            let doc = docs.remove(&key).expect("a key of docs");
            let message = format!(
                "this folder is inside the page bundle of {}, so it cannot be a sub-section",
                page.path.display()
            );
            let help = "move the folder out of the bundle, or rename the bundle's index.md";
            let d = Diagnostic::new(Problem::Unsupported { message }, doc.file.path.clone());
            out.push(d.with_help(help));
        }
        out
    }
}

/// Settings a sub-section's `_index.md` may not give: they belong to its top section.
fn top_only(doc: &Doc<SectionMeta>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut refuse = |key: &str, what: &str| {
        let problem = Problem::InvalidValue {
            key: key.into(),
            message: format!("a sub-section's {what} is its top section's"),
        };
        let help = format!("set `{key}:` in the top folder's _index.md, or remove it here");
        out.push(at_key(&doc.file, key, problem).with_help(help));
    };
    if doc.meta.kind.is_some() {
        refuse("kind", "kind of article");
    }
    if doc.meta.urls.is_some() {
        refuse("urls", "URL scheme");
    }
    out
}

/// Where a top section stands among the others: by weight, then the built-in sections in
/// their order, then by folder name.
fn top_rank(s: &Section) -> (i64, usize, String) {
    let builtin = Kind::BUILT_IN
        .iter()
        .position(|k| k.folder() == s.key)
        .unwrap_or(Kind::BUILT_IN.len());
    (s.meta.weight.unwrap_or(0), builtin, s.key.clone())
}

/// The sections in site order, each top section followed by its sub-sections (by weight,
/// then folder name) depth first, with their parents and children linked.
fn in_order(mut built: BTreeMap<String, Section>) -> Vec<Section> {
    let mut children: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut tops = Vec::new();
    for s in built.values() {
        match s.key.rsplit_once('/') {
            Some((parent, _)) => children.entry(parent.to_string()).or_default(),
            None => &mut tops,
        }
        .push(s.key.clone());
    }
    tops.sort_by_key(|k| top_rank(&built[k]));
    for kids in children.values_mut() {
        kids.sort_by_key(|k| (built[k].meta.weight.unwrap_or(0), k.clone()));
    }
    let mut order = Vec::with_capacity(built.len());
    let mut stack: Vec<String> = tops.into_iter().rev().collect();
    while let Some(key) = stack.pop() {
        stack.extend(children.get(&key).into_iter().flatten().rev().cloned());
        order.push(key);
    }
    let ids: HashMap<&str, SectionId> = order
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), SectionId(i)))
        .collect();
    let linked: Vec<(Option<SectionId>, Vec<SectionId>)> = order
        .iter()
        .map(|k| {
            let parent = k.rsplit_once('/').map(|(p, _)| ids[p]);
            let kids = children.get(k).into_iter().flatten();
            (parent, kids.map(|c| ids[c.as_str()]).collect())
        })
        .collect();
    order
        .iter()
        .zip(linked)
        .map(|(k, (parent, children))| Section {
            parent,
            children,
            ..built.remove(k).expect("each key once")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_are_listed_by_the_nearest_section_folder() {
        assert_eq!(list_folder("policies/a.md"), Some("policies"));
        assert_eq!(list_folder("policies/2014/a.md"), Some("policies/2014"));
        assert_eq!(
            list_folder("policies/2014/x/index.md"),
            Some("policies/2014")
        );
        assert_eq!(list_folder("about.md"), None);
        assert_eq!(list_folder("about/index.md"), None);
    }
}

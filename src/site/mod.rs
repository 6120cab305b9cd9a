//! Resolve stage: gives every source its slug and URL, builds the sections and the tag and
//! city taxonomies, and refuses two sources that would land on one URL.
//! Input: [`Content`]. Output: [`Site`], which later stages only read.

mod id;
pub mod links;
pub mod plan;
pub mod related;
pub mod relations;
mod sections;
mod terms;
pub mod timeline;

pub use id::{CityId, Id, PageId, SectionId, Table, TagId};
use sections::Sections;
pub use sections::{Rules, Section};
use terms::{CityTerms, Terms};

use std::collections::{BTreeMap, BTreeSet};

use crate::config::{Config, Level};
use crate::content::{ArticleMeta, CityMeta, Content, Doc, HomeMeta, Kind, SourceFile};
use crate::diagnostic::{self, Diagnostic, Problem};
use crate::text::slug;
use crate::text::yaml as front_matter;

/// Site paths are relative to the base URL and end with `/` for pages: `pilots/changsha/`.
pub type SitePath = String;

#[derive(Debug)]
pub struct Site {
    pub home: Option<Doc<HomeMeta>>,
    pub sections: Vec<Section>,
    /// Published articles and root pages, newest first.
    pub pages: Vec<Page>,
    /// Tags: the profiled ones by profile file, then the others as articles first use them.
    pub tags: Vec<Term>,
    pub cities: Vec<City>,
    /// Files under `content/` that are not Markdown, by path inside it, sorted.
    pub assets: Vec<String>,
    /// The folder of each published page bundle (`policies/2014/x`), to its page's path:
    /// the bundle's files are published under the page.
    pub bundles: BTreeMap<String, SitePath>,
    /// Source path inside `content/` of every Markdown file with a page, to its site path.
    pub sources: BTreeMap<String, SitePath>,
    /// Articles left out of this build, by source path inside `content/`, and why.
    pub unpublished: BTreeMap<String, Unpublished>,
    /// Old URLs (`aliases:`) that redirect to a page.
    pub redirects: Vec<Redirect>,
    /// Every dated article of a section by year and month, newest first.
    pub timeline: Vec<timeline::Year>,
    /// Each article's related articles, best first (see [`related`]).
    pub related: Table<PageId, Vec<PageId>>,
    /// What each article amends, supersedes or implements, and what does so to it.
    pub relations: Table<PageId, relations::Relations>,
}

impl Site {
    /// Every article on the timeline, newest first.
    pub fn timeline_pages(&self) -> impl Iterator<Item = PageId> + '_ {
        self.timeline.iter().flat_map(|y| y.pages())
    }

    /// Where the file at `rel` inside `content/` is published: beside its bundle's page
    /// (`policies/2014/x/map.png` → `policies/x/map.png`), else at the same path.
    pub fn asset_path(&self, rel: &str) -> SitePath {
        let folders = rel.match_indices('/').rev().map(|(i, _)| &rel[..i]);
        for folder in folders {
            if let Some(page) = self.bundles.get(folder) {
                return format!("{page}{}", &rel[folder.len() + 1..]);
            }
        }
        rel.to_string()
    }

    /// `section` and the sections above it, top section first.
    pub fn trail(&self, section: SectionId) -> Vec<SectionId> {
        let mut up: Vec<SectionId> = sections::up(&self.sections, section).collect();
        up.reverse();
        up
    }

    /// The top section of the page `p`, if it is in one.
    pub fn top_section(&self, p: &Page) -> Option<SectionId> {
        p.section
            .and_then(|s| sections::up(&self.sections, s).last())
    }

    /// Lets go of the text of every source file, once nothing needs to quote it. A large
    /// site's sources are a good part of its build's memory.
    pub fn forget_sources(&mut self) {
        let files = self
            .home
            .iter_mut()
            .map(|h| &mut h.file)
            .chain(self.pages.iter_mut().map(|p| &mut p.doc.file))
            .chain(self.sections.iter_mut().filter_map(|s| s.intro.as_mut()))
            .chain(self.tags.iter_mut().filter_map(|t| t.profile.as_mut()))
            .chain(self.cities.iter_mut().filter_map(|c| c.profile.as_mut()));
        for f in files {
            f.forget_text();
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unpublished {
    Draft,
    Future,
    /// The file has problems of its own, reported already.
    Invalid,
}

/// A redirect page: written at `from` (a site path such as `old/path/` or `old.html`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub from: SitePath,
    pub to: PageId,
}

impl Redirect {
    /// The file the redirect is written to.
    pub fn output_path(&self) -> String {
        if self.from.ends_with('/') {
            format!("{}index.html", self.from)
        } else {
            self.from.clone()
        }
    }
}

#[derive(Debug)]
pub struct Page {
    pub doc: Doc<ArticleMeta>,
    pub path: SitePath,
    /// The section that lists it first: the nearest section folder above it (a sub-section
    /// or a top section). None for pages at the content root.
    pub section: Option<SectionId>,
    pub kind: Kind,
    pub tags: Vec<TagId>,
    pub cities: Vec<CityId>,
}

impl Page {
    /// An entry of what tells readers what is new (feeds, the home page's latest): an
    /// article of a section that says when it came out (`published`, else `date`). Pages at
    /// the content root, such as an About page, are not entries.
    pub fn is_entry(&self) -> bool {
        self.section.is_some() && self.doc.meta.published_or_date().is_some()
    }
}

/// The entries among `items` that came out last (by `published`, else `date`; ties in the
/// site's order), newest first, at most `limit`: what a feed or the home page shows (see
/// [`Page::is_entry`]: an undated article with `published` is one, a page at the content
/// root never).
pub fn newest_entries(site: &Site, items: &[PageId], limit: usize) -> Vec<PageId> {
    let pages = &site.pages;
    let mut entries: Vec<PageId> = items
        .iter()
        .copied()
        .filter(|&i| pages[i].is_entry())
        .collect();
    let newest = |&i: &PageId| (std::cmp::Reverse(pages[i].doc.meta.published_or_date()), i);
    if entries.len() > limit {
        entries.select_nth_unstable_by_key(limit, newest);
        entries.truncate(limit);
    }
    entries.sort_unstable_by_key(newest);
    entries
}

#[derive(Debug)]
pub struct Term {
    pub name: String,
    pub slug: String,
    pub path: SitePath,
    pub description: Option<String>,
    pub profile: Option<SourceFile>,
    pub pages: Vec<PageId>,
}

#[derive(Debug)]
pub struct City {
    pub name: String,
    pub slug: String,
    pub path: SitePath,
    pub meta: Option<CityMeta>,
    pub profile: Option<SourceFile>,
    pub pages: Vec<PageId>,
}

/// Resolves what loaded. Problems found are returned beside the site, so that later stages
/// can still look for theirs; a site with problems must not be written.
pub fn resolve(config: &Config, content: Content) -> (Site, Vec<Diagnostic>) {
    let Content {
        home,
        sections: section_docs,
        articles,
        cities,
        tags,
        assets,
        broken,
        dateless,
    } = content;
    let mut problems = Vec::new();
    let mut assets = assets;
    assets.sort();
    problems.extend(left_out_keys(&articles));
    problems.extend(list_commas(&articles));
    let mut unpublished: BTreeMap<String, Unpublished> = BTreeMap::new();
    let undated = sections::Undated::new(&section_docs, &broken);
    let articles = dated(&undated, articles, &mut problems, &mut unpublished);
    // Files with other problems, without a date their section wants.
    let wants_date = |rel: &str| undated.allowed(rel) == Some(false);
    problems.extend((dateless.into_iter()).filter_map(|(rel, d)| wants_date(&rel).then_some(d)));
    let (mut articles, left_out) = publishable(config, articles);
    unpublished.extend(left_out);
    unpublished.extend(broken.into_iter().map(|rel| (rel, Unpublished::Invalid)));
    // Newest first, undated last by title (Chinese by pinyin). Keys are taken once and the
    // articles moved once: they are large.
    articles.sort_by_cached_key(|a| {
        (
            std::cmp::Reverse(a.meta.date),
            crate::text::collate::key(&a.meta.title),
            a.file.rel.clone(),
        )
    });
    let (mut sections, section_problems) = Sections::build(section_docs, &articles);
    problems.extend(section_problems);
    problems.extend(unknown_field_sections(config, &sections.list, &unpublished));
    let mut tag_terms = Terms::from_profiles(tags.into_iter().map(|d| {
        let slug = d
            .meta
            .slug
            .clone()
            .unwrap_or_else(|| slug::from_file_stem(d.file.stem()));
        (
            d.meta.name.clone(),
            slug,
            d.meta.description.clone(),
            d.file,
        )
    }));
    tag_terms.spell(&articles);
    let mut city_terms = CityTerms::from_profiles(cities);

    let mut pages = Vec::with_capacity(articles.len());
    let mut bundles = BTreeMap::new();
    for doc in articles {
        let index = PageId(pages.len());
        let section = sections.of_article(&doc.file.rel);
        let slug =
            doc.meta.slug.clone().unwrap_or_else(|| {
                slug::from_file_stem(doc.file.slug_source(doc.meta.dated_by_name))
            });
        let (path, kind) = match section {
            Some(s) => {
                sections.list[s].own.push(index);
                for s in sections.up(s).collect::<Vec<_>>() {
                    sections.list[s].pages.push(index);
                }
                (
                    sections.article_path(s, &slug),
                    sections.list[s].kind.clone(),
                )
            }
            None => (format!("{slug}/"), Kind::Page),
        };
        if let Some(folder) = doc.file.bundle() {
            bundles.insert(folder.to_string(), path.clone());
        }
        let mut named = BTreeSet::new();
        let tags = (doc.meta.tags.iter())
            .map(|t| tag_terms.use_term(t, index, &doc.file))
            .filter(|&t| named.insert(t))
            .collect();
        let mut named = BTreeSet::new();
        let cities = doc
            .meta
            .cities
            .iter()
            .map(|c| city_terms.use_city(c, index, &doc.file))
            .filter(|&c| named.insert(c))
            .collect();
        pages.push(Page {
            doc,
            path,
            section,
            kind,
            tags,
            cities,
        });
    }
    problems.append(&mut tag_terms.problems);
    problems.append(&mut city_terms.problems);
    let tags = tag_terms.finish("tags/");
    let cities = city_terms.finish();

    let mut sections = sections.list;
    order_lists(&mut sections, |i| {
        let doc = &pages[i].doc;
        (doc.meta.title.as_str(), doc.file.rel.as_str())
    });
    let site = Site {
        home,
        sections,
        pages,
        tags,
        cities,
        assets,
        bundles,
        sources: BTreeMap::new(),
        unpublished,
        redirects: Vec::new(),
        timeline: Vec::new(),
        related: Table::default(),
        relations: Table::default(),
    };
    let sources = sources(&site);
    problems.extend(alias_problems(&site));
    problems.extend(unprofiled(config, &site));
    let redirects = redirects(&site.pages);
    let mut site = Site {
        sources,
        redirects,
        timeline: timeline::years(&site.pages),
        related: related::of(&site.pages, &site.tags, &site.cities),
        ..site
    };
    let (relations, relation_problems) = relations::resolve(&site);
    site.relations = relations;
    problems.extend(relation_problems);
    diagnostic::sort(&mut problems);
    (site, problems)
}

/// Cities and tags that articles use without a profile, at the severity `site.yaml` asks.
fn unprofiled(config: &Config, site: &Site) -> Vec<Diagnostic> {
    let cities: Vec<Named> = site
        .cities
        .iter()
        .map(|c| Named {
            name: &c.name,
            pages: &c.pages,
            profile: c.profile.as_ref(),
        })
        .collect();
    let tags: Vec<Named> = site
        .tags
        .iter()
        .map(|t| Named {
            name: &t.name,
            pages: &t.pages,
            profile: t.profile.as_ref(),
        })
        .collect();
    let mut out = no_profile(site, Taxonomy::Cities, config.unprofiled.cities, &cities);
    out.extend(no_profile(
        site,
        Taxonomy::Tags,
        config.unprofiled.tags,
        &tags,
    ));
    out
}

/// The profiled name that `name` probably means, or how to give it a profile.
fn no_profile_help(taxonomy: Taxonomy, name: &str, terms: &[Named]) -> String {
    let profiled: Vec<&str> = terms
        .iter()
        .filter(|t| t.profile.is_some())
        .map(|t| t.name)
        .collect();
    let folder = taxonomy.folder();
    let Some(near) = diagnostic::closest_name(name, &profiled) else {
        return format!("add content/{folder}/SLUG.md with `name: {name}`, or check the spelling");
    };
    let profile = terms
        .iter()
        .find(|t| t.name == near)
        .and_then(|t| t.profile);
    match (taxonomy, profile) {
        (Taxonomy::Cities, Some(f)) => format!(
            "did you mean {near}? If {name} is another name of it, list it under `other_names:` in {}",
            f.path.display()
        ),
        _ => format!("did you mean {near}?"),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Taxonomy {
    Cities,
    Tags,
}

impl Taxonomy {
    fn what(self) -> &'static str {
        match self {
            Taxonomy::Cities => "city",
            Taxonomy::Tags => "tag",
        }
    }

    /// The folder of its profiles under `content/`, and the front-matter key articles use.
    fn folder(self) -> &'static str {
        match self {
            Taxonomy::Cities => "cities",
            Taxonomy::Tags => "tags",
        }
    }
}

/// A city or tag as articles name it, and the profile that gives it that name, if one does.
struct Named<'a> {
    name: &'a str,
    pages: &'a [PageId],
    profile: Option<&'a SourceFile>,
}

/// One diagnostic, at the first article that uses it, for each name in `terms` that no
/// profile gives.
fn no_profile(site: &Site, taxonomy: Taxonomy, level: Level, terms: &[Named]) -> Vec<Diagnostic> {
    if level == Level::Allow {
        return Vec::new();
    }
    let mut out = Vec::new();
    for t in terms.iter().filter(|t| t.profile.is_none()) {
        let Some(&first) = t.pages.first() else {
            continue;
        };
        let folder = taxonomy.folder();
        let problem = Problem::NoProfile {
            what: taxonomy.what().into(),
            name: t.name.into(),
            folder: folder.into(),
            count: t.pages.len(),
        };
        let help = no_profile_help(taxonomy, t.name, terms);
        let d = at_item(&site.pages[first].doc.file, folder, t.name, problem).with_help(help);
        out.push(if level == Level::Warning {
            d.warning()
        } else {
            d
        });
    }
    out
}

/// A warning for each section a field of `site.yaml` names that the site does not have: most
/// likely a typo (`policy` for `policies`), which would leave the field off its articles.
fn unknown_field_sections(
    config: &Config,
    sections: &[Section],
    left_out: &BTreeMap<String, Unpublished>,
) -> Vec<Diagnostic> {
    // Folders of articles left out of this build (drafts, files with errors) count too.
    let folders = left_out
        .keys()
        .filter_map(|rel| crate::content::section_of(rel));
    // Fields are given to top sections, sub-sections included.
    let mut known: Vec<&str> = (sections.iter())
        .filter(|s| s.parent.is_none())
        .map(|s| s.key.as_str())
        .chain(folders)
        .collect();
    known.sort_unstable();
    known.dedup();
    let mut out = Vec::new();
    for spec in &config.schema.fields {
        for name in spec
            .sections
            .iter()
            .flatten()
            .filter(|n| !known.contains(&n.as_str()))
        {
            let message = format!(
                "field `{}` names the section `{name}`, which the site does not have",
                spec.key
            );
            let help = match diagnostic::did_you_mean(name, &known) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("sections: {}", known.join(", ")),
            };
            let problem = Problem::InvalidValue {
                key: "fields".into(),
                message,
            };
            out.push(
                Diagnostic::new(
                    problem,
                    config.display_path(&config.root.join(crate::config::CONFIG_FILE)),
                )
                .with_help(help)
                .warning(),
            );
        }
    }
    out
}

/// A warning for each key an article has that no schema knows, when the site leaves such
/// keys out (`unknown_keys: warn`).
fn left_out_keys(articles: &[Doc<ArticleMeta>]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for a in articles {
        for key in &a.meta.unknown {
            let problem = Problem::UnknownKey { key: key.clone() };
            let help = "left out (`unknown_keys: warn` in site.yaml); declare it under `fields:` to keep it";
            out.push(at_key(&a.file, key, problem).with_help(help).warning());
        }
    }
    out
}

/// A warning for each tag or city written with a Chinese comma in it (`[跨境电商，试点城市]`):
/// YAML separates a list with `,` only, so the two names became one.
fn list_commas(articles: &[Doc<ArticleMeta>]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for a in articles {
        let lists = [("tags", &a.meta.tags), ("cities", &a.meta.cities)];
        for (key, names) in lists {
            for name in names.iter().filter(|n| n.contains(['，', '、'])) {
                let parts: Vec<&str> = (name.split(['，', '、']).map(str::trim))
                    .filter(|p| !p.is_empty())
                    .collect();
                let problem = Problem::InvalidValue {
                    key: key.into(),
                    message: format!("`{name}` is one name with a Chinese comma in it"),
                };
                let help = match parts.len() {
                    1 => format!("write `{}` without the comma", parts.join("")),
                    n => format!(
                        "a list is separated by `,` (ASCII): write `[{}]` for {n} names",
                        parts.join(", ")
                    ),
                };
                out.push(
                    at_item(&a.file, key, name, problem)
                        .with_help(help)
                        .warning(),
                );
            }
        }
    }
    out
}

/// The articles, drafts included, that have a date or may do without one (see
/// [`sections::Undated`]); each other one is left out, reported unless an `_index.md` above
/// it could not be read (whether it may be undated is then unknown).
fn dated(
    undated: &sections::Undated,
    articles: Vec<Doc<ArticleMeta>>,
    problems: &mut Vec<Diagnostic>,
    left_out: &mut BTreeMap<String, Unpublished>,
) -> Vec<Doc<ArticleMeta>> {
    let mut kept = Vec::with_capacity(articles.len());
    for a in articles {
        match undated.allowed(&a.file.rel) {
            _ if a.meta.date.is_some() => kept.push(a),
            Some(true) => kept.push(a),
            Some(false) => {
                problems.push(crate::content::meta::no_date(&a.file.path, &a.file.text));
                left_out.insert(a.file.rel, Unpublished::Invalid);
            }
            None => {
                left_out.insert(a.file.rel, Unpublished::Invalid);
            }
        }
    }
    kept
}

/// Puts each list of a section sorted by title (`sort_by: title`, by the titles'
/// [`collate::key`](crate::text::collate::key)) in that order; the
/// others keep the site's, newest first (so in id order, as finding an article's
/// neighbours there by binary search needs).
fn order_lists<'p>(sections: &mut [Section], title_of: impl Fn(PageId) -> (&'p str, &'p str)) {
    use crate::content::meta::SortBy;
    for s in sections
        .iter_mut()
        .filter(|s| s.rules.sort_by == SortBy::Title)
    {
        let key = |&p: &PageId| {
            let (title, rel) = title_of(p);
            (crate::text::collate::key(title), rel)
        };
        s.pages.sort_by_cached_key(key);
        s.own.sort_by_cached_key(key);
    }
}

/// Splits articles into those this build publishes and those it leaves out.
fn publishable(
    config: &Config,
    articles: Vec<Doc<ArticleMeta>>,
) -> (Vec<Doc<ArticleMeta>>, BTreeMap<String, Unpublished>) {
    let mut left_out = BTreeMap::new();
    let mut kept = Vec::with_capacity(articles.len());
    for a in articles {
        if a.meta.draft && !config.drafts {
            left_out.insert(a.file.rel.clone(), Unpublished::Draft);
        } else if (a.meta.published_or_date()).is_some_and(|d| d.day > config.today)
            && !config.future
        {
            left_out.insert(a.file.rel.clone(), Unpublished::Future);
        } else {
            kept.push(a);
        }
    }
    (kept, left_out)
}

/// The site path an alias is written at: `/old/path` → `old/path/`, `/old.html` stays a file.
pub fn alias_path(alias: &str) -> Result<SitePath, String> {
    let a = alias.trim();
    if a.contains("://") || a.starts_with("//") {
        return Err("must be a path on this site, not a URL".into());
    }
    if a.contains(['\\', '\0', '?', '#']) || a.chars().any(char::is_control) {
        return Err("must not contain backslashes, control characters, `?` or `#`".into());
    }
    let a = a.trim_start_matches('/');
    let a = a.strip_suffix("index.html").unwrap_or(a);
    if a.is_empty() {
        return Err("cannot redirect the home page".into());
    }
    let segments: Vec<&str> = a.trim_end_matches('/').split('/').collect();
    if segments
        .iter()
        .any(|s| s.is_empty() || *s == "." || *s == "..")
    {
        return Err("must not contain empty, `.` or `..` segments".into());
    }
    let joined = segments.join("/");
    let last = segments.last().copied().unwrap_or_default();
    if last.ends_with(".html") || last.ends_with(".htm") {
        return Ok(joined);
    }
    if last.contains('.') && !alias.trim().ends_with('/') {
        return Err("must be a page URL, ending in `/` or `.html`".into());
    }
    Ok(format!("{joined}/"))
}

/// The redirect pages of every alias, in page order.
fn redirects(pages: &[Page]) -> Vec<Redirect> {
    let mut out = Vec::new();
    for (to, p) in PageId::each(pages) {
        for alias in &p.doc.meta.aliases {
            if let Ok(from) = alias_path(alias) {
                out.push(Redirect { from, to });
            }
        }
    }
    out
}

/// A diagnostic on the line of `key:` in a file's front matter.
pub(crate) fn at_key(file: &SourceFile, key: &str, problem: Problem) -> Diagnostic {
    let d = Diagnostic::new(problem, file.path.clone());
    match front_matter::key_position(&file.text, key) {
        Some(p) => d.at(&file.text, p.line, p.column, p.width),
        None => d,
    }
}

/// A diagnostic on `item` of the list `key` in a file's front matter; on the key's line when
/// the item is not written there as it is named.
pub(crate) fn at_item(file: &SourceFile, key: &str, item: &str, problem: Problem) -> Diagnostic {
    match front_matter::item_position(&file.text, key, item) {
        Some(p) => {
            Diagnostic::new(problem, file.path.clone()).at(&file.text, p.line, p.column, p.width)
        }
        None => at_key(file, key, problem),
    }
}

/// The site path of every Markdown source that has a page: articles, section intros, tag
/// and city profiles, the home page.
fn sources(site: &Site) -> BTreeMap<String, SitePath> {
    let mut sources = BTreeMap::new();
    let mut add = |file: Option<&SourceFile>, path: &str| {
        if let Some(f) = file {
            sources.insert(f.rel.clone(), path.to_string());
        }
    };
    add(site.home.as_ref().map(|h| &h.file), "");
    for s in &site.sections {
        add(s.intro.as_ref(), &s.path);
    }
    for t in site.tags.iter().filter(|t| !t.slug.is_empty()) {
        add(t.profile.as_ref(), &t.path);
    }
    for c in site.cities.iter().filter(|c| !c.slug.is_empty()) {
        add(c.profile.as_ref(), &c.path);
    }
    for p in &site.pages {
        add(Some(&p.doc.file), &p.path);
    }
    sources
}

/// Aliases that cannot be an old URL of this site, at their line.
fn alias_problems(site: &Site) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for p in &site.pages {
        for alias in &p.doc.meta.aliases {
            if let Err(why) = alias_path(alias) {
                let problem = Problem::InvalidValue {
                    key: "aliases".into(),
                    message: format!("`{alias}` {why}"),
                };
                let d = at_key(&p.doc.file, "aliases", problem);
                problems.push(d.with_help("write an old URL of this site, such as /old/path/"));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_become_site_paths_inside_the_site() {
        assert_eq!(alias_path("/old/path").as_deref(), Ok("old/path/"));
        assert_eq!(
            alias_path("/old/path/index.html").as_deref(),
            Ok("old/path/")
        );
        assert_eq!(alias_path("old.html").as_deref(), Ok("old.html"));
        assert!(alias_path("/../etc/passwd").is_err());
        assert!(alias_path("https://example.org/x/").is_err());
        assert!(alias_path("/a\\b/").is_err());
        assert!(alias_path("/").is_err());
        assert!(alias_path("/a//b/").is_err());
        assert!(alias_path("/atom.xml").is_err());
        assert_eq!(alias_path("/v1.2/").as_deref(), Ok("v1.2/"));
    }
}

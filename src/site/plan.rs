//! Resolve stage, the output plan: every file the finished site will have (pages, lists with
//! their pagination, feeds, sitemaps, robots.txt, the 404 page, alias redirects, the
//! highlighting stylesheet, the theme's static files, the content's own files, the data
//! export), what makes each one, and whose path it is. Every path is claimed here, once, so
//! that two things that would be written at one path are found in one place. Input: the
//! resolved site and the names of the theme's static files. Output: a [`Plan`] and the clashes found.
//! Render makes the files of the plan; links are checked against it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{at_key, timeline, CityId, PageId, SectionId, Site, TagId};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Problem};

/// A page made from a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageJob {
    Home,
    /// A section's list: section, page number (from 1).
    Section(SectionId, usize),
    Article(PageId),
    Tags,
    /// A tag's list: tag, page number (from 1).
    Tag(TagId, usize),
    Cities,
    City(CityId),
    /// Every dated article by year and month, with a chart of the years.
    Timeline,
    /// One year of the timeline.
    TimelineYear(i32),
    /// The search page.
    Search,
    NotFound,
}

impl PageJob {
    /// The template that renders the page.
    pub fn template(self) -> &'static str {
        match self {
            PageJob::Home => "index.html",
            PageJob::Section(..) => "section.html",
            PageJob::Article(_) => "page.html",
            PageJob::Tags => "tags.html",
            PageJob::Tag(..) => "tag.html",
            PageJob::Cities => "cities.html",
            PageJob::City(_) => "city.html",
            PageJob::Timeline | PageJob::TimelineYear(_) => "timeline.html",
            PageJob::Search => "search.html",
            PageJob::NotFound => "404.html",
        }
    }
}

/// Whose articles a feed lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedOf {
    Site,
    Tag(TagId),
    City(CityId),
}

/// Which sitemap file: the only one, or past [`SITEMAP_LIMIT`] URLs an index and its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SitemapFile {
    Whole,
    Index,
    /// The n-th part (from 0).
    Part(usize),
}

/// Which file of the data export (see `render::api`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiFile {
    Articles,
    Tags,
    Cities,
}

impl ApiFile {
    pub const ALL: [ApiFile; 3] = [ApiFile::Articles, ApiFile::Tags, ApiFile::Cities];

    /// Its path in the output folder.
    pub fn path(self) -> &'static str {
        match self {
            ApiFile::Articles => "api/articles.json",
            ApiFile::Tags => "api/tags.json",
            ApiFile::Cities => "api/cities.json",
        }
    }
}

/// What makes one file of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Output {
    Page(PageJob),
    Feed(FeedOf),
    Sitemap(SitemapFile),
    Robots,
    /// A redirect page, by index into `Site::redirects`.
    Redirect(usize),
    /// The highlighting stylesheet.
    Syntax,
    /// A static file of the theme (or of the site's `static/`), at the same path.
    ThemeStatic,
    /// A file of `content/` that is not Markdown, by index into `Site::assets`: at the same
    /// path, or beside its bundle's page.
    Asset(usize),
    /// The search index, Pagefind's bundle under [`SEARCH_DIR`]: planned as its script
    /// ([`SEARCH_SCRIPT`]), which search pages load; made with the rest of the bundle.
    SearchIndex,
    /// A file of the data export.
    Api(ApiFile),
}

/// One file of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// Path inside the output folder, with `/`: `policies/a/index.html`, `atom.xml`.
    pub path: String,
    pub output: Output,
}

/// Every file of the site, pages first, each path once.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub files: Vec<Planned>,
}

pub const SITE_FEED: &str = "atom.xml";
/// The folder of the search index, and the script in it that search pages load.
pub const SEARCH_DIR: &str = "pagefind/";
pub const SEARCH_SCRIPT: &str = "pagefind/pagefind.js";
pub const SYNTAX_CSS: &str = "syntax.css";
/// Articles per page of a tag's list: a tag page is an index by kind, not a reading list.
pub const TAG_PER_PAGE: usize = 50;
/// URLs per sitemap file, as the sitemap protocol allows.
pub const SITEMAP_LIMIT: usize = 50_000;

/// The pages a theme may leave out, and whether it has them.
#[derive(Debug, Clone, Copy, Default)]
pub struct OptionalPages {
    pub search: bool,
    pub timeline: bool,
}

impl Plan {
    /// The plan of `site`, with the clashes of its paths. `statics` are the theme's static
    /// files by output path, with the file each comes from (none for the built-in theme).
    pub fn new<'s>(
        config: &Config,
        site: &Site,
        statics: impl Iterator<Item = (&'s str, Option<PathBuf>)>,
        theme_has: OptionalPages,
    ) -> (Plan, Vec<Diagnostic>) {
        let mut plan = Planner {
            config,
            site,
            files: Vec::new(),
            claims: Claims::default(),
            // Nothing to search, or no page to search from: no index.
            search_page: config.search
                && theme_has.search
                && site.pages.iter().any(|p| p.section.is_some()),
            timeline: theme_has.timeline
                && !site.timeline.is_empty()
                && !has_own(site, timeline::PATH),
        };
        plan.pages();
        plan.add(SYNTAX_CSS.into(), Output::Syntax, Owner::generated());
        for (path, source) in statics {
            let owner = match source {
                Some(file) => Owner::file(file).called("static file"),
                None => Owner::named("static file", format!("the theme's static/{path}")),
            };
            plan.add(path.to_string(), Output::ThemeStatic, owner);
        }
        for (i, asset) in site.assets.iter().enumerate() {
            let source = config.display_path(&config.content_dir.join(asset));
            plan.add(
                site.asset_path(asset),
                Output::Asset(i),
                Owner::file(source),
            );
        }
        if plan.search_page {
            let owner = Owner::generated();
            plan.add(SEARCH_SCRIPT.into(), Output::SearchIndex, owner);
        }
        plan.feeds();
        if config.api {
            for file in ApiFile::ALL {
                plan.add(file.path().into(), Output::Api(file), Owner::generated());
            }
        }
        plan.sitemaps();
        if config.robots {
            plan.add("robots.txt".into(), Output::Robots, Owner::generated());
        }
        plan.redirects();
        let mut problems = plan.claims.problems;
        problems.extend(folders_that_are_files(
            site,
            &plan.files,
            &plan.claims.owners,
        ));
        if plan.search_page {
            problems.extend(inside_the_index(site, &plan.files, &plan.claims.owners));
        }
        crate::diagnostic::sort(&mut problems);
        (Plan { files: plan.files }, problems)
    }

    /// Whether the site has a search page (and an index).
    pub fn has_search_page(&self) -> bool {
        (self.files.iter()).any(|f| f.output == Output::Page(PageJob::Search))
    }

    /// Whether the site has a timeline.
    pub fn has_timeline(&self) -> bool {
        (self.files.iter()).any(|f| f.output == Output::Page(PageJob::Timeline))
    }

    /// Every site path a link may reach: pages and lists as folders (`policies/a/`), other
    /// files by name (`atom.xml`).
    pub fn link_targets(&self) -> impl Iterator<Item = &str> {
        self.files
            .iter()
            .map(|f| f.path.strip_suffix("index.html").unwrap_or(&f.path))
    }
}

/// Whether the site's own content (a page, a section, an old URL) is at `path` or under
/// it: a page tradekb would make there gives way.
fn has_own(site: &Site, path: &str) -> bool {
    let under = |p: &str| p.starts_with(path);
    site.pages.iter().any(|p| under(&p.path))
        || site.sections.iter().any(|s| under(&s.path))
        || site.redirects.iter().any(|r| under(&r.from))
}

/// The site path of page `n` of the list at `base`.
pub fn paged(base: &str, n: usize) -> String {
    if n == 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

/// How many pages a list of `items` takes at `per` a page (at least one).
pub fn page_count(items: usize, per: usize) -> usize {
    items.div_ceil(per.max(1)).max(1)
}

/// The feed path of a list, if it has any entries to show (a feed tells what is new: see
/// [`super::Page::is_entry`]).
pub fn feed_path(
    config: &Config,
    site: &Site,
    list_path: &str,
    pages: &[PageId],
) -> Option<String> {
    let entries = || pages.iter().any(|&i| site.pages[i].is_entry());
    (config.feed_limit > 0 && entries()).then(|| format!("{list_path}{SITE_FEED}"))
}

/// The lists of the sitemap (first pages only; the timeline and its years when the site
/// has them) with the articles they show: (site path, articles that make its last change).
pub fn sitemap_lists(site: &Site, timeline: bool) -> Vec<(String, Vec<PageId>)> {
    let all = PageId::all(&site.pages);
    let mut lists = vec![
        (String::new(), all.clone()),
        ("tags/".to_string(), all.clone()),
        ("cities/".to_string(), all),
    ];
    lists.extend(
        site.sections
            .iter()
            .map(|s| (s.path.clone(), s.pages.clone())),
    );
    lists.extend(site.tags.iter().map(|t| (t.path.clone(), t.pages.clone())));
    lists.extend(
        site.cities
            .iter()
            .map(|c| (c.path.clone(), c.pages.clone())),
    );
    if timeline {
        lists.push((timeline::PATH.into(), site.timeline_pages().collect()));
        lists.extend(
            site.timeline
                .iter()
                .map(|y| (y.path(), y.pages().collect())),
        );
    }
    lists
}

struct Planner<'a> {
    config: &'a Config,
    site: &'a Site,
    files: Vec<Planned>,
    claims: Claims,
    /// The site has a search page (search is on and the theme has the template).
    search_page: bool,
    /// The site has a timeline (dated articles, and the theme has the template).
    timeline: bool,
}

impl Planner<'_> {
    fn add(&mut self, path: String, output: Output, owner: Owner) {
        if self.claims.claim(self.site, &path, owner) {
            self.files.push(Planned { path, output });
        }
    }

    fn page(&mut self, site_path: &str, job: PageJob, owner: Owner) {
        let path = format!("{site_path}index.html");
        self.add(path, Output::Page(job), owner);
    }

    fn pages(&mut self) {
        self.fixed_pages();
        self.section_pages();
        self.term_pages();
        for (i, p) in PageId::each(&self.site.pages) {
            let owner = Owner::file(p.doc.file.path.clone()).called("page");
            self.page(&p.path, PageJob::Article(i), owner);
        }
    }

    /// The home page, the tag and city indexes and the 404 page.
    fn fixed_pages(&mut self) {
        let content = self.config.display_path(&self.config.content_dir);
        let home = self.site.home.as_ref().map(|h| h.file.path.clone());
        let owner = Owner::source("home page", home, &content);
        self.page("", PageJob::Home, owner);
        let owner = Owner::source("tag index", None, &content.join("tags"));
        self.page("tags/", PageJob::Tags, owner);
        let owner = Owner::source("city index", None, &content.join("cities"));
        self.page("cities/", PageJob::Cities, owner);
        if self.timeline {
            self.page(timeline::PATH, PageJob::Timeline, Owner::generated());
            for y in &self.site.timeline {
                self.page(&y.path(), PageJob::TimelineYear(y.year), Owner::generated());
            }
        }
        if self.search_page {
            self.page("search/", PageJob::Search, Owner::generated());
        }
        let owner = Owner::generated();
        self.add("404.html".into(), Output::Page(PageJob::NotFound), owner);
    }

    fn section_pages(&mut self) {
        let (site, config) = (self.site, self.config);
        let content = config.display_path(&config.content_dir);
        for (i, s) in SectionId::each(&site.sections) {
            let intro = s.intro.as_ref().map(|f| f.path.clone());
            let per = s.rules.per_page.unwrap_or(config.paginate_by);
            for n in 1..=page_count(s.pages.len(), per) {
                let owner = Owner::source("section", intro.clone(), &content.join(&s.key));
                self.page(&paged(&s.path, n), PageJob::Section(i, n), owner);
            }
        }
    }

    /// Tag lists (paginated) and city pages. Terms whose names make no URL are left out:
    /// they are reported where they are used.
    fn term_pages(&mut self) {
        let (site, per) = (self.site, TAG_PER_PAGE);
        for (i, t) in TagId::each(&site.tags).filter(|(_, t)| !t.slug.is_empty()) {
            let source = t.profile.as_ref().map(|f| f.path.clone());
            let fallback = first_user(site, &t.pages);
            for n in 1..=page_count(t.pages.len(), per) {
                let owner = Owner::source("tag page", source.clone(), &fallback);
                self.page(&paged(&t.path, n), PageJob::Tag(i, n), owner);
            }
        }
        for (i, c) in CityId::each(&site.cities).filter(|(_, c)| !c.slug.is_empty()) {
            let source = c.profile.as_ref().map(|f| f.path.clone());
            let owner = Owner::source("city page", source, &first_user(site, &c.pages));
            self.page(&c.path, PageJob::City(i), owner);
        }
    }

    fn feeds(&mut self) {
        let (site, config) = (self.site, self.config);
        if let Some(path) = feed_path(config, site, "", &PageId::all(&site.pages)) {
            self.add(path, Output::Feed(FeedOf::Site), Owner::generated());
        }
        let tags =
            TagId::each(&site.tags).map(|(i, t)| (FeedOf::Tag(i), &t.slug, &t.path, &t.pages));
        let cities =
            CityId::each(&site.cities).map(|(i, c)| (FeedOf::City(i), &c.slug, &c.path, &c.pages));
        for (of, slug, list, pages) in tags.chain(cities) {
            if slug.is_empty() {
                continue;
            }
            if let Some(path) = feed_path(config, site, list, pages) {
                self.add(path, Output::Feed(of), Owner::generated());
            }
        }
    }

    fn sitemaps(&mut self) {
        if !self.config.sitemap {
            return;
        }
        let urls = sitemap_lists(self.site, self.timeline).len() + self.site.pages.len();
        if urls <= SITEMAP_LIMIT {
            self.add(
                "sitemap.xml".into(),
                Output::Sitemap(SitemapFile::Whole),
                Owner::generated(),
            );
            return;
        }
        self.add(
            "sitemap.xml".into(),
            Output::Sitemap(SitemapFile::Index),
            Owner::generated(),
        );
        for n in 0..urls.div_ceil(SITEMAP_LIMIT) {
            let path = format!("sitemap-{}.xml", n + 1);
            self.add(
                path,
                Output::Sitemap(SitemapFile::Part(n)),
                Owner::generated(),
            );
        }
    }

    fn redirects(&mut self) {
        for (i, r) in self.site.redirects.iter().enumerate() {
            let owner = Owner::alias(r.to);
            self.add(r.output_path(), Output::Redirect(i), owner);
        }
    }
}

fn first_user(site: &Site, pages: &[PageId]) -> PathBuf {
    pages
        .first()
        .map(|&i| site.pages[i].doc.file.path.clone())
        .unwrap_or_default()
}

/// Who claims a path, as messages name it.
#[derive(Debug, Clone)]
struct Owner {
    /// What the path is: `page`, `section`, `alias`, …
    what: String,
    /// The file to name, when a file makes it.
    source: Option<PathBuf>,
    /// How to name it when no file makes it.
    label: Option<String>,
    /// For an alias: the page whose `aliases:` line to point at.
    alias_of: Option<PageId>,
}

impl Owner {
    fn generated() -> Owner {
        Owner::named("generated file", "a file tradekb generates".into())
    }

    fn named(what: &str, label: String) -> Owner {
        Owner {
            what: what.into(),
            source: None,
            label: Some(label),
            alias_of: None,
        }
    }

    fn file(path: PathBuf) -> Owner {
        Owner {
            what: "output file".into(),
            source: Some(path),
            label: None,
            alias_of: None,
        }
    }

    /// A list page, named after its own source file or, without one, `fallback`.
    fn source(what: &str, own: Option<PathBuf>, fallback: &Path) -> Owner {
        Owner {
            what: what.into(),
            source: Some(own.unwrap_or_else(|| fallback.to_path_buf())),
            label: None,
            alias_of: None,
        }
    }

    fn alias(page: PageId) -> Owner {
        Owner {
            what: "alias".into(),
            source: None,
            label: None,
            alias_of: Some(page),
        }
    }

    fn called(mut self, what: &str) -> Owner {
        self.what = what.into();
        self
    }

    fn name(&self, site: &Site) -> String {
        match (&self.source, self.alias_of, &self.label) {
            (Some(path), _, _) => path.display().to_string(),
            (None, Some(page), _) => site.pages[page].doc.file.path.display().to_string(),
            (None, None, Some(label)) => label.clone(),
            (None, None, None) => self.what.clone(),
        }
    }

    /// A diagnostic of `problem` at this owner: an alias at its `aliases:` line.
    fn diagnostic(&self, site: &Site, problem: Problem) -> Diagnostic {
        match (self.alias_of, &self.source) {
            (Some(page), _) => at_key(&site.pages[page].doc.file, "aliases", problem),
            (None, Some(path)) => Diagnostic::new(problem, path.clone()),
            (None, None) => Diagnostic::new(problem, "(generated)"),
        }
    }
}

/// The longest file name most file systems accept, in bytes.
const MAX_NAME_BYTES: usize = 255;

#[derive(Default)]
struct Claims {
    owners: HashMap<String, Owner>,
    problems: Vec<Diagnostic>,
}

impl Claims {
    /// Gives `path` to `owner`, or reports why it cannot have it.
    fn claim(&mut self, site: &Site, path: &str, owner: Owner) -> bool {
        let url = path.strip_suffix("index.html").unwrap_or(path);
        if let Some(why) = path_problem(url) {
            let message = format!("the {} URL `/{url}` {why}", owner.what);
            let help = if owner.what == "section" {
                "rename the folder: a section's URL is made of its folders' names"
            } else {
                "rename the file or folder, or give it a `slug:` of ASCII letters, digits and `-`"
            };
            let problem = Problem::Unsupported { message };
            self.problems
                .push(owner.diagnostic(site, problem).with_help(help));
            return false;
        }
        if let Some(long) = url.split('/').find(|seg| seg.len() > MAX_NAME_BYTES) {
            let message = format!(
                "the {} URL segment `{long}` is {} bytes; file systems allow {MAX_NAME_BYTES} bytes per name",
                owner.what,
                long.len()
            );
            let help = "give it a shorter `slug:` (a Chinese character takes 3 bytes)";
            let problem = Problem::Unsupported { message };
            self.problems
                .push(owner.diagnostic(site, problem).with_help(help));
            return false;
        }
        if let Some(first) = self.owners.get(path) {
            self.problems.push(clash(site, url, first, &owner));
            return false;
        }
        self.owners.insert(path.to_string(), owner);
        true
    }
}

/// Two owners of one path, reported at the later one (an alias is the likelier mistake,
/// and is reported at its line whichever came first).
fn clash(site: &Site, url: &str, first: &Owner, second: &Owner) -> Diagnostic {
    let (at, other) = if first.alias_of.is_some() && second.alias_of.is_none() {
        (first, second)
    } else {
        (second, first)
    };
    let problem = Problem::UrlCollision {
        what: at.what.clone(),
        url: format!("/{url}"),
        other: other.name(site),
    };
    let help = if at.alias_of.is_some() {
        "change the alias: it must be an old URL that nothing else uses"
    } else {
        "give one of them another `slug:` or file name"
    };
    at.diagnostic(site, problem).with_help(help)
}

/// `a/b` cannot be both a file and the folder of `a/b/index.html`: reported once for each
/// such file, at its owner.
fn folders_that_are_files(
    site: &Site,
    files: &[Planned],
    owners: &HashMap<String, Owner>,
) -> Vec<Diagnostic> {
    let mut reported = std::collections::BTreeSet::new();
    let mut problems = Vec::new();
    for f in files {
        let mut ancestors = f.path.match_indices('/').map(|(i, _)| &f.path[..i]);
        let Some(folder) = ancestors.find(|a| owners.contains_key(*a)) else {
            continue;
        };
        if reported.insert(folder.to_string()) {
            let message = format!(
                "/{folder} is written as a file, but /{} needs it to be a folder",
                f.path
            );
            let problem = Problem::Unsupported { message };
            problems.push(owners[folder].diagnostic(site, problem));
        }
    }
    problems
}

/// The files planned inside the search index's folder, which Pagefind's files fill (and
/// which `serve` answers from the index).
fn inside_the_index(
    site: &Site,
    files: &[Planned],
    owners: &HashMap<String, Owner>,
) -> Vec<Diagnostic> {
    (files.iter())
        .filter(|f| f.path.starts_with(SEARCH_DIR) && f.output != Output::SearchIndex)
        .map(|f| {
            let message = format!(
                "/{} is inside /{SEARCH_DIR}, the folder of the search index; move it, or \
                 turn search off (`search: false` in site.yaml)",
                f.path
            );
            owners[&f.path].diagnostic(site, Problem::Unsupported { message })
        })
        .collect()
}

/// Why a site path cannot be a URL and a file path, if it cannot.
pub fn path_problem(path: &str) -> Option<&'static str> {
    let inner = path.strip_suffix('/').unwrap_or(path);
    if path.is_empty() {
        return None;
    }
    for seg in inner.split('/') {
        if seg.is_empty() {
            return Some("has an empty part: a file or folder name with no letters or digits");
        }
        if seg == "." || seg == ".." {
            return Some("has a `.` or `..` part");
        }
        if seg.contains(['#', '?', '%', '\\']) || seg.chars().any(char::is_control) {
            return Some("has a `#`, `?`, `%`, backslash or control character, which URLs cannot carry as they are");
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_cannot_be_urls_are_named() {
        assert_eq!(path_problem(""), None);
        assert_eq!(path_problem("policies/x/"), None);
        assert_eq!(path_problem("tags/跨境电商/"), None);
        assert!(path_problem("policies//").is_some());
        assert!(path_problem("/").is_some());
        assert!(path_problem("a#b/").is_some());
        assert!(path_problem("a%2e/").is_some());
    }

    #[test]
    fn lists_take_at_least_one_page() {
        assert_eq!(page_count(0, 10), 1);
        assert_eq!(page_count(10, 10), 1);
        assert_eq!(page_count(11, 10), 2);
        assert_eq!(paged("tags/a/", 1), "tags/a/");
        assert_eq!(paged("tags/a/", 3), "tags/a/page/3/");
    }
}

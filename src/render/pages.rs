//! Render stage, pages: the context of each kind of page, and its rendering.

use std::borrow::Cow;

use serde::Serialize;
use tera::{Context, Tera};

use super::context::{
    self, Article, ArticleView, BacklinkView, CityIndex, CityPage, CityView, CityWithBody,
    HeadingRef, Home, Html, Intro, JsonLd, KindGroup, Located, NotFound, PageNumber, Paginator,
    ProvinceGroup, Record, RegionGroup, RelationsView, SearchFilter, SearchPage, SectionList,
    SectionView, SourceView, TagIndex, TagList, TagPage,
};
use super::views::{summary, Views};
use super::{Bodies, Theme};
use crate::config::BaseUrl;
use crate::content::markdown::Rendered;
use crate::content::meta::{Relation, SortBy, SourceLink};
use crate::content::{Kind, Region};
use crate::diagnostic::Diagnostic;
use crate::site::plan::PageJob as Job;
use crate::site::timeline;
use crate::site::{City, CityId, PageId, SectionId, Site, Table, TagId, Term};

pub(super) struct Pages<'a> {
    pub views: &'a Views<'a>,
    pub bodies: &'a Bodies,
    /// The list record of each page, by page index.
    pub refs: &'a Table<PageId, Record>,
    /// The articles that link to each article.
    pub backlinks: &'a Table<PageId, Vec<super::backlinks::Backlink>>,
}

pub(super) const LATEST: usize = 10;

/// The home page's latest entries (see [`crate::site::newest_entries`]).
pub(super) fn latest(site: &Site) -> Vec<PageId> {
    crate::site::newest_entries(site, &PageId::all(&site.pages), LATEST)
}
const POPULAR_TAGS: usize = 20;

impl<'a> Pages<'a> {
    /// The page of `job` through its template, as UTF-8.
    pub fn render(&self, tera: &Tera, theme: &Theme, job: &Job) -> Result<Vec<u8>, Diagnostic> {
        let out = Renderer {
            tera,
            theme,
            base: &self.views.config.base_url,
            has_code: self.body_of(job).is_some_and(|b| b.has_code),
            description: self.description_of(job),
        };
        let template = job.template();
        match *job {
            Job::Home => out.page(template, "", &self.home()),
            Job::Section(i, n) => {
                let (view, path) = self.section_list(i, n);
                out.page(template, &path, &view)
            }
            Job::Article(i) => {
                let view = Article {
                    page: self.article(i),
                };
                out.page(template, &self.site().pages[i].path, &view)
            }
            Job::Tags => out.page(template, "tags/", &self.tag_index()),
            Job::Tag(i, n) => {
                let (view, path) = self.tag_list(i, n);
                out.page(template, &path, &view)
            }
            Job::Cities => out.page(template, "cities/", &self.city_index()),
            Job::Timeline => out.page(template, timeline::PATH, &self.timeline(None)),
            Job::TimelineYear(y) => {
                out.page(template, &timeline::path_of(y), &self.timeline(Some(y)))
            }
            Job::City(i) => {
                let view = self.city_page(i);
                out.page(template, &self.site().cities[i].path, &view)
            }
            Job::Search => {
                let base = &self.views.config.base_url;
                let bundles = super::search::bundles(self.site());
                let config = self.views.config;
                let filters = (config.schema.fields.iter())
                    .filter(|f| f.filter)
                    .map(|f| SearchFilter {
                        key: f.key.clone(),
                        label: f.label(&config.language).to_string(),
                    })
                    .collect();
                let view = SearchPage {
                    bundles: bundles.iter().map(|b| base.url(b)).collect(),
                    filters,
                };
                out.page(template, "search/", &view)
            }
            Job::NotFound => out.page(template, "404.html", &NotFound {}),
        }
    }

    /// The page at an old URL (`aliases:`) that sends readers on, through `redirect.html`.
    pub fn redirect(
        &self,
        tera: &Tera,
        theme: &Theme,
        r: &crate::site::Redirect,
    ) -> Result<Vec<u8>, Diagnostic> {
        let base = &self.views.config.base_url;
        let view = context::Redirect {
            page: self.refs[r.to].clone(),
            to: base.permalink(&self.site().pages[r.to].path),
        };
        let out = Renderer {
            tera,
            theme,
            base,
            has_code: false,
            description: self.description_of(&Job::Article(r.to)),
        };
        out.page(super::theme::REDIRECT, &r.from, &view)
    }

    /// The Markdown body that page `job` shows, if it shows one (a list shows its
    /// section's or tag's on its first page only).
    fn body_of(&self, job: &Job) -> Option<&'a Rendered> {
        let b = self.bodies;
        match *job {
            Job::Home => b.home.as_ref(),
            Job::Section(i, 1) => b.sections[i].as_ref(),
            Job::Article(i) => Some(&b.pages[i]),
            Job::Tag(i, 1) => b.tags[i].as_ref(),
            Job::City(i) => b.cities[i].as_ref(),
            _ => None,
        }
    }

    /// What page `job` is about, for `<meta name="description">` and `og:description`.
    fn description_of(&self, job: &Job) -> String {
        let site = self.site();
        let strings = self.views.strings;
        let own = match *job {
            Job::Article(i) => Some(summary(&site.pages[i], &self.bodies.pages[i]).to_string()),
            Job::City(i) => self.bodies.cities[i].as_ref().map(|b| b.summary.clone()),
            Job::Section(i, _) => site.sections[i].meta.description.clone(),
            Job::Tag(i, _) => {
                let t = &site.tags[i];
                let named = || strings.lookup_top("tag_title").replace("{name}", &t.name);
                Some(t.description.clone().unwrap_or_else(named))
            }
            Job::Timeline | Job::TimelineYear(_) => {
                Some(strings.lookup_top("timeline_description"))
            }
            _ => None,
        };
        own.filter(|d| !d.trim().is_empty())
            .unwrap_or_else(|| self.views.config.description.clone())
    }

    fn site(&self) -> &'a Site {
        self.views.site
    }

    fn home(&self) -> Home<'a> {
        let site = self.site();
        let mut cities: Vec<(CityId, &City)> = CityId::each(&site.cities)
            .filter(|(_, c)| c.meta.is_some())
            .collect();
        cities.sort_by_key(|(_, c)| city_order(c));
        Home {
            intro: Intro {
                title: site.home.as_ref().and_then(|h| h.meta.title.as_deref()),
                content: html(self.bodies.home.as_ref()),
            },
            latest: (latest(site).into_iter())
                .map(|i| self.refs[i].clone())
                .collect(),
            sections: (site.sections.iter())
                .filter(|s| s.parent.is_none())
                .map(|s| self.views.section_summary(s))
                .collect(),
            cities: cities.iter().map(|&(i, c)| self.city_view(i, c)).collect(),
            popular_tags: by_count(site.tags.iter().filter(|t| !t.pages.is_empty()))
                .take(POPULAR_TAGS)
                .map(|t| self.views.tag(t))
                .collect(),
        }
    }

    fn city_view(&self, i: CityId, c: &'a City) -> CityView<'a> {
        self.views.city(c, self.bodies.cities[i].as_ref())
    }

    fn section_list(&self, i: SectionId, n: usize) -> (SectionList<'a>, String) {
        let (items, per) = self.section_items(i);
        let (pages, paginator, path) = self.paginate(items, per, &self.site().sections[i].path, n);
        let view = SectionList {
            section: self.section_view(i),
            pages,
            paginator,
        };
        (view, path)
    }

    /// What `section.html` gets as `section`.
    pub fn section_view(&self, i: SectionId) -> SectionView<'a> {
        let s = &self.site().sections[i];
        let v = self.views;
        SectionView {
            key: &s.key,
            title: v.section_title(s),
            kind: &s.kind,
            kind_label: v.kind_label(&s.kind),
            description: s.meta.description.as_deref(),
            url: v.config.base_url.url(&s.path),
            content: html(self.bodies.sections[i].as_ref()),
            count: s.pages.len(),
            trail: s.parent.map(|p| v.trail(Some(p))).unwrap_or_default(),
            children: (s.children.iter())
                .map(|&c| v.section_summary(&self.site().sections[c]))
                .collect(),
        }
    }

    /// The articles a section lists, and how many go on one page.
    pub fn section_items(&self, i: SectionId) -> (&'a [PageId], usize) {
        let s = &self.site().sections[i];
        let per = s.rules.per_page.unwrap_or(self.views.config.paginate_by);
        (&s.pages, per)
    }

    fn tag_index(&self) -> TagIndex<'a> {
        TagIndex {
            tags: by_count(self.site().tags.iter())
                .map(|t| self.views.tag(t))
                .collect(),
        }
    }

    fn tag_list(&self, i: TagId, n: usize) -> (TagList<'a>, String) {
        let (items, per) = self.tag_items(i);
        let (pages, paginator, path) = self.paginate(&items, per, &self.site().tags[i].path, n);
        let view = TagList {
            tag: self.tag_page(i),
            pages,
            groups: self.kind_groups(on_page(&items, per, n), &items),
            paginator,
        };
        (view, path)
    }

    /// What `tag.html` gets as `tag`.
    pub fn tag_page(&self, i: TagId) -> TagPage<'a> {
        TagPage {
            tag: self.views.tag(&self.site().tags[i]),
            content: html(self.bodies.tags[i].as_ref()),
        }
    }

    /// The articles a tag lists, by kind (newest first within each), and how many go on one
    /// page.
    pub fn tag_items(&self, i: TagId) -> (Vec<PageId>, usize) {
        let site = self.site();
        let mut items = site.tags[i].pages.clone();
        items.sort_by_key(|&p| &site.pages[p].kind);
        (items, crate::site::plan::TAG_PER_PAGE)
    }

    /// Page `n` of `items`, its paginator and its path.
    fn paginate(
        &self,
        items: &[PageId],
        per: usize,
        base: &str,
        n: usize,
    ) -> (Vec<Record>, Paginator, String) {
        let per = per.max(1);
        let total_pages = crate::site::plan::page_count(items.len(), per);
        let path_of = |k: usize| crate::site::plan::paged(base, k);
        let url_of = |k: usize| self.views.config.base_url.url(&path_of(k));
        let pages = (on_page(items, per, n).iter())
            .map(|&i| self.refs[i].clone())
            .collect();
        let mut previous = 0;
        let numbers = page_window(n, total_pages)
            .map(|k| {
                let gap_before = k > previous + 1;
                previous = k;
                PageNumber {
                    number: k,
                    url: url_of(k),
                    current: k == n,
                    gap_before,
                }
            })
            .collect();
        let paginator = Paginator {
            current: n,
            total_pages,
            total_items: items.len(),
            prev_url: (n > 1).then(|| url_of(n - 1)),
            next_url: (n < total_pages).then(|| url_of(n + 1)),
            pages: numbers,
        };
        (pages, paginator, path_of(n))
    }

    fn article(&self, i: PageId) -> ArticleView<'a> {
        let p = &self.site().pages[i];
        let body = &self.bodies.pages[i];
        let (prev, next) = self.neighbours_of(i);
        let record = |k: PageId| self.refs[k].clone();
        ArticleView {
            record: record(i),
            content: Html(&body.html),
            toc: &body.toc,
            source: self.source(i),
            extra: &p.doc.meta.extra,
            char_count: body.char_count,
            fields: self.views.fields(&p.doc.meta.custom),
            trail: self.views.trail(p.section),
            order: self.order_of(i),
            prev: prev.map(record),
            next: next.map(record),
            related: self.records(self.site().related[i].iter().copied()),
            backlinks: (self.backlinks[i].iter())
                .map(|b| BacklinkView {
                    page: record(b.from),
                    heading: b.anchor.as_deref().and_then(|id| {
                        let title = super::backlinks::heading(&body.toc, id)?;
                        Some(HeadingRef { id, title })
                    }),
                })
                .collect(),
            relations: self.relations(i),
            json_ld: JsonLd(super::structured::article(self.views, p, summary(p, body))),
        }
    }

    /// The list records of `ids`.
    fn records(&self, ids: impl Iterator<Item = PageId>) -> Vec<Record> {
        ids.map(|k| self.refs[k].clone()).collect()
    }

    /// Where article `i` says its facts come from: a document, or an article of the site.
    fn source(&self, i: PageId) -> Option<SourceView<'a>> {
        let site = self.site();
        let source = site.pages[i].doc.meta.source.as_ref()?;
        let named = site.relations[i].source.map(|t| &site.pages[t]);
        // The link, and what it is called where `source:` gives no name.
        let (url, external, called) = match (&source.to, named) {
            (SourceLink::Web(url), _) => (Some(Cow::Borrowed(url.as_str())), true, Some(url)),
            (SourceLink::Article(_), Some(to)) => {
                let url = self.views.config.base_url.url(&to.path);
                (Some(Cow::Owned(url)), false, Some(&to.doc.meta.title))
            }
            _ => (None, false, None),
        };
        Some(SourceView {
            name: source.name.as_ref().or(called)?,
            url,
            external,
        })
    }

    /// The articles related to `i` by front matter, from both ends.
    pub fn relations(&self, i: PageId) -> RelationsView {
        let ties = &self.site().relations[i];
        let from = |r| self.records(ties.from_by(r));
        let to = |r| self.records(ties.to_by(r));
        RelationsView {
            superseded_by: from(Relation::Supersedes),
            amended_by: from(Relation::Amends),
            supersedes: to(Relation::Supersedes),
            amends: to(Relation::Amends),
            implements: to(Relation::Implements),
            implemented_by: from(Relation::Implements),
            any: !(ties.to.is_empty() && ties.from.is_empty()),
        }
    }

    /// What `city.html` gets as `city`.
    pub fn city_with_body(&self, i: CityId) -> CityWithBody<'a> {
        let city = self.city_view(i, &self.site().cities[i]);
        let json_ld = super::structured::city(self.views, &self.site().cities[i], city.summary);
        CityWithBody {
            city,
            content: html(self.bodies.cities[i].as_ref()),
            json_ld: JsonLd(json_ld),
        }
    }

    /// How the section that lists article `i` first is ordered.
    pub fn order_of(&self, i: PageId) -> SortBy {
        let site = self.site();
        let section = site.pages[i].section.map(|s| &site.sections[s]);
        section.map_or(SortBy::Date, |s| s.rules.sort_by)
    }

    /// The article before and after article `i` among the articles of its section that are
    /// not in a sub-section (so that each is the other's neighbour): the older and the
    /// newer, or by title.
    pub fn neighbours_of(&self, i: PageId) -> (Option<PageId>, Option<PageId>) {
        let site = self.site();
        let Some(s) = site.pages[i].section.map(|s| &site.sections[s]) else {
            return (None, None);
        };
        match s.rules.sort_by {
            SortBy::Date => neighbours(&s.own, i),
            SortBy::Title => {
                let list = &s.own;
                let Some(k) = list.iter().position(|&p| p == i) else {
                    return (None, None);
                };
                (k.checked_sub(1).map(|j| list[j]), list.get(k + 1).copied())
            }
        }
    }

    fn city_page(&self, i: CityId) -> CityPage<'a> {
        let pages = &self.site().cities[i].pages;
        CityPage {
            city: self.city_with_body(i),
            groups: self.kind_groups(pages, pages),
        }
    }

    /// `shown` by kind: policies, pilots, analysis, then a site's own kinds by name; each
    /// group with how many of `all` (the whole list, over every page) are of its kind.
    fn kind_groups(&self, shown: &[PageId], all: &[PageId]) -> Vec<KindGroup<'a>> {
        let site = self.site();
        let kind = |p: &PageId| &site.pages[*p].kind;
        let mut kinds: Vec<&Kind> = shown.iter().map(kind).collect();
        kinds.sort();
        kinds.dedup();
        (kinds.into_iter())
            .map(|k| KindGroup {
                kind: k,
                label: self.views.kind_label(k),
                count: all.iter().filter(|p| kind(p) == k).count(),
                pages: (shown.iter())
                    .filter(|p| kind(p) == k)
                    .map(|&p| self.refs[p].clone())
                    .collect(),
            })
            .collect()
    }

    /// Cities by region, then province; cities without one under the "other" heading.
    fn city_index(&self) -> CityIndex<'a> {
        let site = self.site();
        let strings: &'a super::views::Strings = self.views.strings;
        let other = strings.region_other.as_str();
        let mut order: Vec<(CityId, &City)> = CityId::each(&site.cities).collect();
        order.sort_by_key(|(_, c)| city_order(c));
        let mut regions: Vec<RegionGroup> = Vec::new();
        for (i, c) in order {
            let meta = c.meta.as_ref();
            let region = meta.and_then(|m| m.region).map_or(other, |r| r.name());
            let province = meta.and_then(|m| m.province.as_deref()).unwrap_or(other);
            if regions.last().is_none_or(|r| r.name != region) {
                regions.push(RegionGroup {
                    name: region,
                    provinces: Vec::new(),
                });
            }
            let provinces = &mut regions.last_mut().expect("just pushed").provinces;
            let city = self.city_view(i, c);
            match provinces.iter_mut().find(|p| p.name == province) {
                Some(p) => p.cities.push(city),
                None => provinces.push(ProvinceGroup {
                    name: province,
                    cities: vec![city],
                }),
            }
        }
        CityIndex {
            regions,
            total_cities: site.cities.len(),
        }
    }
}

/// What renders a page: the templates, where they come from (for messages) and the base URL.
struct Renderer<'t> {
    tera: &'t Tera,
    theme: &'t Theme,
    base: &'t BaseUrl,
    /// The page shows highlighted code.
    has_code: bool,
    description: String,
}

impl Renderer<'_> {
    /// `view` through `template` as the file at site path `path`.
    fn page<T: Serialize>(
        &self,
        template: &str,
        path: &str,
        view: &T,
    ) -> Result<Vec<u8>, Diagnostic> {
        let located = Located {
            view,
            current_url: self.base.url(path),
            permalink: self.base.permalink(path),
            has_code: self.has_code,
            description: &self.description,
        };
        let mut out = Vec::with_capacity(32 << 10);
        Context::from_serialize(&located)
            .and_then(|ctx| self.tera.render_to(template, &ctx, &mut out))
            .map_err(|e| super::template_error(self.theme, &e, Some(path)))?;
        Ok(out)
    }
}

/// The body of an optional source, as HTML.
fn html(body: Option<&Rendered>) -> Html<'_> {
    Html(body.map_or("", |b| &*b.html))
}

/// Terms by how many articles have them, then by name.
fn by_count<'t>(terms: impl Iterator<Item = &'t Term>) -> impl Iterator<Item = &'t Term> {
    let mut terms: Vec<&Term> = terms.collect();
    terms.sort_by(|a, b| (b.pages.len().cmp(&a.pages.len())).then_with(|| a.name.cmp(&b.name)));
    terms.into_iter()
}

/// The items on page `n` (from 1) of a list of `per` (at least 1) a page.
pub(super) fn on_page(items: &[PageId], per: usize, n: usize) -> &[PageId] {
    let rest = items.get((n - 1) * per..).unwrap_or_default();
    &rest[..rest.len().min(per)]
}

/// The page numbers a paginator shows: the first, the last and two on each side of the
/// current one, so that a list of any length costs each of its pages the same few links.
fn page_window(current: usize, total: usize) -> impl Iterator<Item = usize> {
    (1..=total).filter(move |&k| k == 1 || k == total || k.abs_diff(current) <= 2)
}

/// The older and the newer article beside page `i` in a newest-first list. Lists of pages
/// hold page ids in ascending order (pages are numbered newest first), so a binary search
/// finds a page's place.
/// The older and the newer article beside `i` in `list`, newest first (so in id order).
fn neighbours(list: &[PageId], i: PageId) -> (Option<PageId>, Option<PageId>) {
    match list.binary_search(&i).ok() {
        Some(k) => (list.get(k + 1).copied(), k.checked_sub(1).map(|j| list[j])),
        None => (None, None),
    }
}

/// The order of cities in the index: by region (the four in their order, then none), then
/// slug.
fn city_order(c: &City) -> (bool, Option<Region>, String) {
    let region = c.meta.as_ref().and_then(|m| m.region);
    (region.is_none(), region, c.slug.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paginators_show_a_window_not_every_page() {
        assert_eq!(page_window(1, 3).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(
            page_window(10, 40).collect::<Vec<_>>(),
            [1, 8, 9, 10, 11, 12, 40]
        );
        assert_eq!(page_window(40, 40).collect::<Vec<_>>(), [1, 38, 39, 40]);
    }
}

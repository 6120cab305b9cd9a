//! Render stage, pages: the context of each kind of page, and its rendering.

use tera::{Context, Tera, Value};

use super::views::{extend, map, Views};
use super::{Bodies, Theme};
use crate::diagnostic::Diagnostic;
use crate::site::plan::PageJob as Job;
use crate::site::{City, CityId, PageId, Redirect, SectionId, Site, TagId};

pub(super) struct Pages<'a> {
    pub views: &'a Views<'a>,
    pub bodies: &'a Bodies,
    /// The list record of each page, by page index.
    pub refs: &'a [Value],
}

/// Provinces of one region, each with its cities' views, in display order.
type Provinces = Vec<(String, Vec<Value>)>;

const REGION_ORDER: &[&str] = &["东部", "中部", "西部", "东北"];
pub(super) const LATEST: usize = 10;
const POPULAR_TAGS: usize = 20;

impl Pages<'_> {
    /// The page of `job` through its template, as UTF-8.
    pub fn render(&self, tera: &Tera, theme: &Theme, job: &Job) -> Result<Vec<u8>, Diagnostic> {
        let (path, template, mut ctx) = self.context(job);
        let base = &self.views.config.base_url;
        let is_404 = matches!(job, Job::NotFound);
        ctx.insert(
            "current_url",
            &base.url(if is_404 { "404.html" } else { &path }),
        );
        ctx.insert(
            "permalink",
            &base.permalink(if is_404 { "404.html" } else { &path }),
        );
        let mut out = Vec::with_capacity(32 << 10);
        tera.render_to(template, &ctx, &mut out).map_err(|e| {
            super::template_error(theme, &e, Some(if is_404 { "404.html" } else { &path }))
        })?;
        Ok(out)
    }

    /// The page at an old URL (`aliases:`) that sends readers on, through `redirect.html`.
    pub fn redirect(
        &self,
        tera: &Tera,
        theme: &Theme,
        r: &Redirect,
    ) -> Result<Vec<u8>, Diagnostic> {
        let base = &self.views.config.base_url;
        let to = base.permalink(&self.site().pages[r.to].path);
        let mut ctx = Context::new();
        ctx.insert_value("page", self.refs[r.to.index()].clone());
        ctx.insert("to", &to);
        ctx.insert("current_url", &base.url(&r.from));
        ctx.insert("permalink", &base.permalink(&r.from));
        let mut out = Vec::with_capacity(1 << 10);
        tera.render_to(super::theme::REDIRECT, &ctx, &mut out)
            .map_err(|e| super::template_error(theme, &e, Some(&r.from)))?;
        Ok(out)
    }

    fn site(&self) -> &Site {
        self.views.site
    }

    fn context(&self, job: &Job) -> (String, &'static str, Context) {
        let mut ctx = Context::new();
        let (path, template) = match *job {
            Job::Home => {
                self.home(&mut ctx);
                (String::new(), "index.html")
            }
            Job::Section(i, n) => (self.section(&mut ctx, i, n), "section.html"),
            Job::Article(i) => {
                ctx.insert_value("page", self.page(i));
                (self.site().pages[i].path.clone(), "page.html")
            }
            Job::Tags => {
                let mut tags: Vec<&crate::site::Term> = self.site().tags.iter().collect();
                tags.sort_by(|a, b| {
                    b.pages
                        .len()
                        .cmp(&a.pages.len())
                        .then_with(|| a.name.cmp(&b.name))
                });
                ctx.insert_value(
                    "tags",
                    Value::from(tags.iter().map(|t| self.views.tag(t)).collect::<Vec<_>>()),
                );
                ("tags/".to_string(), "tags.html")
            }
            Job::Tag(i, n) => (self.tag(&mut ctx, i, n), "tag.html"),
            Job::Cities => {
                ctx.insert_value("regions", self.regions());
                ctx.insert("total_cities", &self.site().cities.len());
                ("cities/".to_string(), "cities.html")
            }
            Job::City(i) => (self.city(&mut ctx, i), "city.html"),
            Job::NotFound => (String::new(), "404.html"),
        };
        (path, template, ctx)
    }

    fn html(body: Option<&crate::content::markdown::Rendered>) -> Value {
        Value::safe_string(body.map_or("", |b| b.html.as_str()))
    }

    fn home(&self, ctx: &mut Context) {
        let site = self.site();
        let intro = map(vec![
            (
                "title",
                site.home.as_ref().and_then(|h| h.meta.title.clone()).into(),
            ),
            ("content", Self::html(self.bodies.home.as_ref())),
        ]);
        ctx.insert_value("intro", intro);
        ctx.insert_value(
            "latest",
            Value::from(self.refs.iter().take(LATEST).cloned().collect::<Vec<_>>()),
        );
        let sections: Vec<Value> = site
            .sections
            .iter()
            .map(|s| {
                map(vec![
                    ("key", s.key.as_str().into()),
                    ("title", self.views.section_title(s).into()),
                    ("url", self.views.config.base_url.url(&s.path).into()),
                    ("count", s.pages.len().into()),
                    ("description", s.meta.description.clone().into()),
                ])
            })
            .collect();
        ctx.insert_value("sections", Value::from(sections));
        let mut cities: Vec<(CityId, &City)> = CityId::each(&site.cities)
            .filter(|(_, c)| c.meta.is_some())
            .collect();
        cities.sort_by_key(|(_, c)| (region_rank(c), c.slug.clone()));
        ctx.insert_value(
            "cities",
            Value::from(
                cities
                    .iter()
                    .map(|(i, c)| self.city_view(*i, c))
                    .collect::<Vec<_>>(),
            ),
        );
        let mut tags: Vec<&crate::site::Term> =
            site.tags.iter().filter(|t| !t.pages.is_empty()).collect();
        tags.sort_by(|a, b| {
            b.pages
                .len()
                .cmp(&a.pages.len())
                .then_with(|| a.name.cmp(&b.name))
        });
        let popular: Vec<Value> = tags
            .iter()
            .take(POPULAR_TAGS)
            .map(|t| self.views.tag(t))
            .collect();
        ctx.insert_value("popular_tags", Value::from(popular));
    }

    fn city_view(&self, i: CityId, c: &City) -> Value {
        self.views.city(c, self.bodies.cities[i.index()].as_ref())
    }

    fn section(&self, ctx: &mut Context, i: SectionId, n: usize) -> String {
        ctx.insert_value("section", self.section_view(i));
        let (items, per) = self.section_items(i);
        self.paginate(ctx, items, per, &self.site().sections[i].path, n)
    }

    /// What `section.html` gets as `section`.
    pub fn section_view(&self, i: SectionId) -> Value {
        let s = &self.site().sections[i];
        let v = self.views;
        map(vec![
            ("key", s.key.as_str().into()),
            ("title", v.section_title(s).into()),
            ("kind", s.kind.as_str().into()),
            ("kind_label", v.strings.kind_label(&s.kind).into()),
            ("description", s.meta.description.clone().into()),
            ("url", v.config.base_url.url(&s.path).into()),
            (
                "content",
                Self::html(self.bodies.sections[i.index()].as_ref()),
            ),
            ("count", s.pages.len().into()),
        ])
    }

    /// The articles a section lists, and how many go on one page.
    pub fn section_items(&self, i: SectionId) -> (&[PageId], usize) {
        let s = &self.site().sections[i];
        let per = s.meta.paginate_by.unwrap_or(self.views.config.paginate_by);
        (&s.pages, per)
    }

    fn tag(&self, ctx: &mut Context, i: TagId, n: usize) -> String {
        ctx.insert_value("tag", self.tag_view(i));
        let (items, per) = self.tag_items(i);
        self.paginate(ctx, items, per, &self.site().tags[i].path, n)
    }

    /// What `tag.html` gets as `tag`.
    pub fn tag_view(&self, i: TagId) -> Value {
        let t = &self.site().tags[i];
        extend(
            &self.views.tag(t),
            vec![("content", Self::html(self.bodies.tags[i.index()].as_ref()))],
        )
    }

    /// The articles a tag lists, and how many go on one page.
    pub fn tag_items(&self, i: TagId) -> (&[PageId], usize) {
        (&self.site().tags[i].pages, self.views.config.paginate_by)
    }

    /// Puts page `n` of `items` and its paginator into the context; returns that page's path.
    fn paginate(
        &self,
        ctx: &mut Context,
        items: &[PageId],
        per: usize,
        base: &str,
        n: usize,
    ) -> String {
        let per = per.max(1);
        let total_pages = crate::site::plan::page_count(items.len(), per);
        let path_of = |k: usize| crate::site::plan::paged(base, k);
        let url_of = |k: usize| self.views.config.base_url.url(&path_of(k));
        let pages: Vec<Value> = on_page(items, per, n)
            .iter()
            .map(|&i| self.refs[i.index()].clone())
            .collect();
        ctx.insert_value("pages", Value::from(pages));
        let mut previous = 0;
        let numbers: Vec<Value> = page_window(n, total_pages)
            .map(|k| {
                let gap_before = k > previous + 1;
                previous = k;
                map(vec![
                    ("number", k.into()),
                    ("url", url_of(k).into()),
                    ("current", (k == n).into()),
                    ("gap_before", gap_before.into()),
                ])
            })
            .collect();
        let paginator = map(vec![
            ("current", n.into()),
            ("total_pages", total_pages.into()),
            ("total_items", items.len().into()),
            ("prev_url", (n > 1).then(|| url_of(n - 1)).into()),
            ("next_url", (n < total_pages).then(|| url_of(n + 1)).into()),
            ("pages", Value::from(numbers)),
        ]);
        ctx.insert_value("paginator", paginator);
        path_of(n)
    }

    fn page(&self, i: PageId) -> Value {
        let site = self.site();
        let p = &site.pages[i];
        let body = &self.bodies.pages[i.index()];
        let (prev, next) = self.neighbours_of(i);
        let source = p.doc.meta.source.as_ref().map(|s| {
            map(vec![
                ("name", s.name.as_str().into()),
                ("url", s.url.clone().into()),
            ])
        });
        extend(
            &self.refs[i.index()],
            vec![
                ("content", Value::safe_string(&body.html)),
                ("toc", Value::from_serializable(&body.toc)),
                ("source", source.into()),
                ("extra", Value::from_serializable(&p.doc.meta.extra)),
                ("char_count", body.char_count.into()),
                ("prev", prev.map(|k| self.refs[k.index()].clone()).into()),
                ("next", next.map(|k| self.refs[k.index()].clone()).into()),
            ],
        )
    }

    /// What `city.html` gets as `city`.
    pub fn city_page_view(&self, i: CityId) -> Value {
        let c = &self.site().cities[i];
        extend(
            &self.city_view(i, c),
            vec![(
                "content",
                Self::html(self.bodies.cities[i.index()].as_ref()),
            )],
        )
    }

    /// The older and the newer article beside article `i` in its section.
    pub fn neighbours_of(&self, i: PageId) -> (Option<PageId>, Option<PageId>) {
        let site = self.site();
        match site.pages[i].section {
            Some(s) => neighbours(&site.sections[s].pages, i),
            None => (None, None),
        }
    }

    fn city(&self, ctx: &mut Context, i: CityId) -> String {
        let site = self.site();
        let c = &site.cities[i];
        ctx.insert_value("city", self.city_page_view(i));
        let mut kinds: Vec<&str> = Vec::new();
        for &p in &c.pages {
            let kind = site.pages[p].kind.as_str();
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
        kinds.sort_by_key(|k| {
            (
                ["policy", "pilot", "analysis"]
                    .iter()
                    .position(|x| x == k)
                    .unwrap_or(3),
                *k,
            )
        });
        let groups: Vec<Value> = kinds
            .iter()
            .map(|kind| {
                let pages: Vec<Value> = c
                    .pages
                    .iter()
                    .filter(|&&p| site.pages[p].kind == *kind)
                    .map(|&p| self.refs[p.index()].clone())
                    .collect();
                map(vec![
                    ("kind", (*kind).into()),
                    ("label", self.views.strings.kind_label(kind).into()),
                    ("pages", Value::from(pages)),
                ])
            })
            .collect();
        ctx.insert_value("groups", Value::from(groups));
        c.path.clone()
    }

    /// Cities by region, then province; cities without a region under the "other" heading.
    fn regions(&self) -> Value {
        let site = self.site();
        let other = self.views.strings.region_other.clone();
        let mut order: Vec<(CityId, &City)> = CityId::each(&site.cities).collect();
        order.sort_by_key(|(_, c)| (region_rank(c), c.slug.clone()));
        let mut regions: Vec<(String, Provinces)> = Vec::new();
        for (i, c) in order {
            let meta = c.meta.as_ref();
            let region = meta
                .and_then(|m| m.region.clone())
                .unwrap_or_else(|| other.clone());
            let province = meta
                .and_then(|m| m.province.clone())
                .unwrap_or_else(|| other.clone());
            if regions.last().is_none_or(|(r, _)| *r != region) {
                regions.push((region, Vec::new()));
            }
            let provinces = &mut regions.last_mut().expect("just pushed").1;
            match provinces.iter_mut().find(|(p, _)| *p == province) {
                Some((_, cities)) => cities.push(self.city_view(i, c)),
                None => provinces.push((province, vec![self.city_view(i, c)])),
            }
        }
        let regions: Vec<Value> = regions
            .into_iter()
            .map(|(name, provinces)| {
                let provinces: Vec<Value> = provinces
                    .into_iter()
                    .map(|(name, cities)| {
                        map(vec![("name", name.into()), ("cities", Value::from(cities))])
                    })
                    .collect();
                map(vec![
                    ("name", name.into()),
                    ("provinces", Value::from(provinces)),
                ])
            })
            .collect();
        Value::from(regions)
    }
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
fn neighbours(list: &[PageId], i: PageId) -> (Option<PageId>, Option<PageId>) {
    match list.binary_search(&i).ok() {
        Some(k) => (list.get(k + 1).copied(), k.checked_sub(1).map(|j| list[j])),
        None => (None, None),
    }
}

/// Sort key of a city's region: the four statistical regions first, then others, then none.
fn region_rank(c: &City) -> (usize, String) {
    match c.meta.as_ref().and_then(|m| m.region.as_deref()) {
        Some(r) => (
            REGION_ORDER
                .iter()
                .position(|x| *x == r)
                .unwrap_or(REGION_ORDER.len()),
            r.to_string(),
        ),
        None => (REGION_ORDER.len() + 1, String::new()),
    }
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

//! Render stage, the data export: the site's articles, tags and cities as JSON for other
//! tools (`api/articles.json`, `api/tags.json`, `api/cities.json`), in the site's order,
//! described by the JSON Schemas in `docs/api/`. Articles are named by their site URL
//! (`url`), which the tag and city lists and the relations use to point at them.

use std::collections::BTreeMap;

use serde::Serialize;

use super::views::{self, Views};
use crate::config::FieldSpec;
use crate::content::custom::Custom;
use crate::content::markdown::Rendered;
use crate::content::meta::Relation;
use crate::content::{Date, Pilot, Region};
use crate::site::plan::ApiFile;
use crate::site::{City, Page, PageId, Table, Term};

/// The text of one file of the export; `bodies` are the articles' rendered bodies (for the
/// summaries of articles without one in their front matter).
pub fn file(views: &Views, bodies: &Table<PageId, Rendered>, which: ApiFile) -> String {
    let json = match which {
        ApiFile::Articles => serde_json::to_string(&Articles {
            articles: articles(views, bodies),
        }),
        ApiFile::Tags => serde_json::to_string(&Tags {
            tags: (views.site.tags.iter())
                .filter(|t| !t.slug.is_empty())
                .map(|t| tag(views, t))
                .collect(),
        }),
        ApiFile::Cities => serde_json::to_string(&Cities {
            cities: (views.site.cities.iter())
                .filter(|c| !c.slug.is_empty())
                .map(|c| city(views, c))
                .collect(),
        }),
    };
    // Strings and numbers of checked front matter: nothing here can fail to serialize.
    json.expect("the export is plain data")
}

/// The pages the export lists as articles: those of a section (not an About page at the
/// content root), in the site's order.
pub fn exported(site: &crate::site::Site) -> impl Iterator<Item = PageId> + '_ {
    PageId::each(&site.pages)
        .filter(|(_, p)| is_exported(p))
        .map(|(i, _)| i)
}

/// Whether the export lists `p` as an article.
fn is_exported(p: &Page) -> bool {
    p.section.is_some()
}

#[derive(Serialize)]
struct Articles<'a> {
    articles: Vec<Article<'a>>,
}

#[derive(Serialize)]
struct Tags<'a> {
    tags: Vec<TagEntry<'a>>,
}

#[derive(Serialize)]
struct Cities<'a> {
    cities: Vec<CityEntry<'a>>,
}

#[derive(Serialize)]
struct Article<'a> {
    title: &'a str,
    url: String,
    permalink: String,
    /// The Markdown source, inside `content/`.
    source: &'a str,
    kind: &'a str,
    /// The key of its top section.
    section: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    issuer: Option<&'a str>,
    tags: Vec<&'a str>,
    cities: Vec<&'a str>,
    summary: &'a str,
    fields: Fields<'a>,
    relations: BTreeMap<&'static str, Vec<String>>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    draft: bool,
}

/// The site's own fields an article gives that `site.yaml` marks `api: true`, as an object
/// in the order it declares them.
struct Fields<'a> {
    given: &'a [Custom],
    schema: &'a [FieldSpec],
}

impl Serialize for Fields<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let exported = |c: &&Custom| self.schema.iter().any(|f| f.key == c.key && f.api);
        let fields = self.given.iter().filter(exported);
        s.collect_map(fields.map(|c| (&c.key, &c.value)))
    }
}

#[derive(Serialize)]
struct TagEntry<'a> {
    name: &'a str,
    slug: &'a str,
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    count: usize,
    articles: Vec<String>,
}

#[derive(Serialize)]
struct CityEntry<'a> {
    name: &'a str,
    slug: &'a str,
    url: String,
    other_names: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    province: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
    #[serde(skip_serializing_if = "Option::is_none")]
    coordinates: Option<Coordinates>,
    pilots: Vec<PilotEntry<'a>>,
    count: usize,
    articles: Vec<String>,
}

#[derive(Serialize)]
struct Coordinates {
    latitude: f64,
    longitude: f64,
}

#[derive(Serialize)]
struct PilotEntry<'a> {
    programme: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    batch: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    approved: Option<Date>,
}

fn articles<'a>(views: &Views<'a>, bodies: &'a Table<PageId, Rendered>) -> Vec<Article<'a>> {
    let site = views.site;
    exported(site)
        .map(|i| article(views, i, &site.pages[i], &bodies[i]))
        .collect()
}

fn article<'a>(views: &Views<'a>, i: PageId, p: &'a Page, body: &'a Rendered) -> Article<'a> {
    let (site, base) = (views.site, &views.config.base_url);
    let m = &p.doc.meta;
    let section = site.top_section(p).map(|s| site.sections[s].key.as_str());
    Article {
        title: &m.title,
        url: base.url(&p.path),
        permalink: base.permalink(&p.path),
        source: &p.doc.file.rel,
        kind: p.kind.key(),
        section: section.unwrap_or_default(),
        date: m.date,
        published: m.published,
        updated: m.updated,
        status: m.status.map(|s| s.key()),
        issuer: m.issuer.as_deref(),
        tags: p.tags.iter().map(|&t| site.tags[t].name.as_str()).collect(),
        cities: (p.cities.iter())
            .map(|&c| site.cities[c].name.as_str())
            .collect(),
        summary: views::summary(p, body),
        fields: Fields {
            given: &m.custom,
            schema: &views.config.schema.fields,
        },
        relations: relations(views, i),
        draft: m.draft,
    }
}

/// What an article amends, supersedes and implements, and what does so to it, by URL; only
/// the relations it has.
fn relations(views: &Views, i: PageId) -> BTreeMap<&'static str, Vec<String>> {
    let ties = &views.site.relations[i];
    let mut out = BTreeMap::new();
    for r in Relation::ALL {
        let to = urls(views, ties.to_by(r));
        let from = urls(views, ties.from_by(r));
        if !to.is_empty() {
            out.insert(r.key(), to);
        }
        if !from.is_empty() {
            out.insert(passive(r), from);
        }
    }
    out
}

/// The key of the other end of a relation: `amended_by` for `amends`.
fn passive(r: Relation) -> &'static str {
    match r {
        Relation::Amends => "amended_by",
        Relation::Supersedes => "superseded_by",
        Relation::Implements => "implemented_by",
    }
}

fn urls(views: &Views, ids: impl Iterator<Item = PageId>) -> Vec<String> {
    let (site, base) = (views.site, &views.config.base_url);
    ids.map(|i| base.url(&site.pages[i].path)).collect()
}

/// The articles among `pages` that the export lists (see [`exported`]), by URL.
fn exported_urls(views: &Views, pages: &[PageId]) -> Vec<String> {
    let site = views.site;
    let listed = pages.iter().copied();
    urls(views, listed.filter(|&p| is_exported(&site.pages[p])))
}

fn tag<'a>(views: &Views<'a>, t: &'a Term) -> TagEntry<'a> {
    let articles = exported_urls(views, &t.pages);
    TagEntry {
        name: &t.name,
        slug: &t.slug,
        url: views.config.base_url.url(&t.path),
        description: t.description.as_deref(),
        count: articles.len(),
        articles,
    }
}

fn city<'a>(views: &Views<'a>, c: &'a City) -> CityEntry<'a> {
    let meta = c.meta.as_ref();
    let articles = exported_urls(views, &c.pages);
    CityEntry {
        name: &c.name,
        slug: &c.slug,
        url: views.config.base_url.url(&c.path),
        other_names: meta.map_or(&[], |m| m.other_names.as_slice()),
        province: meta.and_then(|m| m.province.as_deref()),
        region: meta.and_then(|m| m.region),
        coordinates: meta
            .and_then(|m| m.coordinates)
            .map(|[lat, lon]| Coordinates {
                latitude: lat,
                longitude: lon,
            }),
        pilots: meta.map_or_else(Vec::new, |m| m.pilots.iter().map(pilot).collect()),
        count: articles.len(),
        articles,
    }
}

fn pilot(p: &Pilot) -> PilotEntry<'_> {
    PilotEntry {
        programme: &p.programme,
        batch: p.batch,
        approved: p.approved,
    }
}

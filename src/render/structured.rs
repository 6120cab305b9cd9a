//! Render stage, structured data: the schema.org description (JSON-LD) of an article or a
//! city page, for search engines and link previews. A policy is `Legislation` (its date,
//! legal force from `status`, jurisdiction, issuer); any other article an `Article`; a
//! city a `Place`; each page also gives its `BreadcrumbList`.

use serde::Serialize;

use super::views::Views;
use crate::content::meta::Status;
use crate::content::Kind;
use crate::site::{City, Page};

// The records below serialize straight to JSON (no map built first): their fields are in
// the order of their keys, so that every object lists its keys sorted.

/// The page's description and its breadcrumb, as one graph.
#[derive(Serialize)]
struct Graph<T> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@graph")]
    graph: (T, Breadcrumbs),
}

/// An article: `Legislation` (a policy) or `Article`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Work<'a> {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<Named<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_modified: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    headline: Option<String>,
    in_language: &'a str,
    is_part_of: WebSite<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    keywords: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    legislation_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    legislation_jurisdiction: Option<Jurisdiction<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    legislation_legal_force: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    legislation_passed_by: Option<Named<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    main_entity_of_page: Option<&'a str>,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<Named<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    spatial_coverage: Vec<PlaceRef<'a>>,
    url: &'a str,
}

/// Something known by its type and name: an `Organization`.
#[derive(Serialize)]
struct Named<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
}

#[derive(Serialize)]
struct WebSite<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    url: String,
}

#[derive(Serialize)]
struct PlaceRef<'a> {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    url: String,
}

/// Where a policy applies: its cities, or a country.
#[derive(Serialize)]
#[serde(untagged)]
enum Jurisdiction<'a> {
    Places(Vec<PlaceRef<'a>>),
    Country {
        #[serde(rename = "@type")]
        kind: &'static str,
        identifier: String,
    },
}

/// A city.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Place<'a> {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<Address<'a>>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    alternate_name: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    geo: Option<Geo>,
    name: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Address<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    address_country: Option<String>,
    address_region: &'a str,
}

#[derive(Serialize)]
struct Geo {
    #[serde(rename = "@type")]
    kind: &'static str,
    latitude: f64,
    longitude: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Breadcrumbs {
    #[serde(rename = "@type")]
    kind: &'static str,
    item_list_element: Vec<ListItem>,
}

#[derive(Serialize)]
struct ListItem {
    #[serde(rename = "@type")]
    kind: &'static str,
    item: String,
    name: String,
    position: usize,
}

/// The JSON-LD of article `page`, as the text of a `<script type="application/ld+json">`.
pub fn article(views: &Views, page: &Page, summary: &str) -> String {
    let base = &views.config.base_url;
    let url = base.permalink(&page.path);
    let mut crumbs = vec![home(views)];
    let trail = page
        .section
        .map(|s| views.site.trail(s))
        .unwrap_or_default();
    crumbs.extend(trail.into_iter().map(|s| {
        let section = &views.site.sections[s];
        (views.section_title(section), base.permalink(&section.path))
    }));
    crumbs.push((page.doc.meta.title.clone(), url.clone()));
    script(work(views, page, summary, &url), crumbs)
}

/// Article `page` (at `url`) as schema.org sees it.
fn work<'a>(views: &'a Views, page: &'a Page, summary: &'a str, url: &'a str) -> Work<'a> {
    let m = &page.doc.meta;
    let places: Vec<PlaceRef> = (page.cities.iter())
        .map(|&c| place_ref(views, &views.site.cities[c]))
        .collect();
    let policy = page.kind == Kind::Policy;
    let issuer = m.issuer.as_deref().map(organization);
    // A policy is passed by its issuer and applies to its cities; an article is written by
    // it and covers them.
    let (passed_by, author) = if policy {
        (issuer, None)
    } else {
        (None, issuer)
    };
    let (jurisdiction, spatial_coverage) = match policy {
        true => (jurisdiction(views, places), Vec::new()),
        false => (None, places),
    };
    Work {
        id: format!("{url}#main"),
        kind: if policy { "Legislation" } else { "Article" },
        author,
        date_modified: m.updated.map(|d| d.iso()),
        date_published: m.published_or_date().map(|d| d.iso()),
        description: non_empty(summary),
        headline: (!policy).then(|| headline(&m.title)),
        in_language: &views.config.language,
        is_part_of: website(views),
        keywords: (page.tags.iter())
            .map(|&t| views.site.tags[t].name.as_str())
            .collect(),
        legislation_date: m.date.filter(|_| policy).map(|d| d.day_iso()),
        legislation_jurisdiction: jurisdiction,
        legislation_legal_force: m.status.filter(|_| policy).map(legal_force),
        legislation_passed_by: passed_by,
        main_entity_of_page: (!policy).then_some(url),
        name: &m.title,
        publisher: (!policy).then(|| organization(&views.config.title)),
        spatial_coverage,
        url,
    }
}

/// The JSON-LD of a city's page.
pub fn city(views: &Views, c: &City, summary: &str) -> String {
    let base = &views.config.base_url;
    let url = base.permalink(&c.path);
    let meta = c.meta.as_ref();
    let place = Place {
        id: format!("{url}#place"),
        kind: "Place",
        address: meta
            .and_then(|m| m.province.as_deref())
            .map(|province| Address {
                kind: "PostalAddress",
                address_country: country(views),
                address_region: province,
            }),
        alternate_name: meta.map_or(&[][..], |m| &m.other_names[..]),
        description: non_empty(summary),
        geo: meta
            .and_then(|m| m.coordinates)
            .map(|[latitude, longitude]| Geo {
                kind: "GeoCoordinates",
                latitude,
                longitude,
            }),
        name: &c.name,
        url: &url,
    };
    let cities = views.strings.lookup_top("nav_cities");
    let crumbs = vec![
        home(views),
        (cities, base.permalink("cities/")),
        (c.name.clone(), url.clone()),
    ];
    script(place, crumbs)
}

/// The page's description and its breadcrumb as one JSON-LD graph, with `<`, `>` and `&`
/// escaped so that no text can end the script element.
fn script<T: Serialize>(main: T, crumbs: Vec<(String, String)>) -> String {
    let items = (crumbs.into_iter().enumerate())
        .map(|(i, (name, item))| ListItem {
            kind: "ListItem",
            item,
            name,
            position: i + 1,
        })
        .collect();
    let graph = Graph {
        context: "https://schema.org",
        graph: (
            main,
            Breadcrumbs {
                kind: "BreadcrumbList",
                item_list_element: items,
            },
        ),
    };
    let text = serde_json::to_string(&graph).expect("plain records serialize");
    if !text.contains(['<', '>', '&']) {
        return text;
    }
    let mut safe = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '<' => safe.push_str("\\u003c"),
            '>' => safe.push_str("\\u003e"),
            '&' => safe.push_str("\\u0026"),
            c => safe.push(c),
        }
    }
    safe
}

fn home(views: &Views) -> (String, String) {
    let name = views.strings.lookup_top("nav_home");
    (name, views.config.base_url.permalink(""))
}

fn website<'a>(views: &'a Views) -> WebSite<'a> {
    WebSite {
        kind: "WebSite",
        name: &views.config.title,
        url: views.config.base_url.permalink(""),
    }
}

fn organization(name: &str) -> Named<'_> {
    Named {
        kind: "Organization",
        name,
    }
}

fn place_ref<'a>(views: &Views, c: &'a City) -> PlaceRef<'a> {
    let url = views.config.base_url.permalink(&c.path);
    PlaceRef {
        id: format!("{url}#place"),
        kind: "Place",
        name: &c.name,
        url,
    }
}

/// schema.org's `LegalForceStatus` of a policy's status: an amended policy is in force as
/// amended; a draft is not yet in force.
fn legal_force(s: Status) -> &'static str {
    match s {
        Status::InForce | Status::Amended => "https://schema.org/InForce",
        Status::Repealed | Status::Draft | Status::Proposal => "https://schema.org/NotInForce",
    }
}

/// Where a policy applies: the cities it names, else the country of the site's language
/// (`CN` for `zh-CN`), else unknown.
fn jurisdiction<'a>(views: &Views, places: Vec<PlaceRef<'a>>) -> Option<Jurisdiction<'a>> {
    if !places.is_empty() {
        return Some(Jurisdiction::Places(places));
    }
    country(views).map(|identifier| Jurisdiction::Country {
        kind: "Country",
        identifier,
    })
}

/// The region subtag of the site's language (`zh-CN` → `CN`).
fn country(views: &Views) -> Option<String> {
    let region = views.config.language.split(['-', '_']).nth(1)?;
    let is_region = region.len() == 2 && region.bytes().all(|b| b.is_ascii_alphabetic());
    is_region.then(|| region.to_ascii_uppercase())
}

/// schema.org's `headline` is meant to be short: at most 110 characters.
fn headline(title: &str) -> String {
    if title.chars().count() <= 110 {
        return title.to_string();
    }
    let mut cut: String = title.chars().take(109).collect();
    cut.push('…');
    cut
}

fn non_empty(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_headline_is_cut_to_110_characters_with_an_ellipsis() {
        let title = "政".repeat(120);
        let h = headline(&title);
        assert_eq!(h.chars().count(), 110);
        assert!(h.ends_with('…'));
        assert_eq!(headline("短标题"), "短标题");
    }
}

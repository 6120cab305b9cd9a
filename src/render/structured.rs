//! Render stage, structured data: the schema.org description (JSON-LD) of an article or a
//! city page, for search engines and link previews. A policy is `Legislation` (its date,
//! legal force from `status`, jurisdiction, issuer); any other article an `Article`; a
//! city a `Place`; each page also gives its `BreadcrumbList`.

use serde_json::{json, Map, Value};

use super::views::Views;
use crate::content::meta::Status;
use crate::content::Kind;
use crate::site::{City, Page};

/// The JSON-LD of article `page`, as the text of a `<script type="application/ld+json">`.
pub fn article(views: &Views, page: &Page, summary: &str) -> String {
    let m = &page.doc.meta;
    let base = &views.config.base_url;
    let url = base.permalink(&page.path);
    let mut main = Map::new();
    main.insert("@id".into(), json!(format!("{url}#main")));
    main.insert("url".into(), json!(url));
    main.insert("name".into(), json!(m.title));
    main.insert("inLanguage".into(), json!(views.config.language));
    main.insert("isPartOf".into(), website(views));
    put(&mut main, "description", non_empty(summary));
    put(
        &mut main,
        "datePublished",
        m.published_or_date().map(|d| d.iso()),
    );
    put(&mut main, "dateModified", m.updated.map(|d| d.iso()));
    let keywords: Vec<&str> = (page.tags.iter())
        .map(|&t| views.site.tags[t].name.as_str())
        .collect();
    if !keywords.is_empty() {
        main.insert("keywords".into(), json!(keywords));
    }
    let places: Vec<Value> = (page.cities.iter())
        .map(|&c| place_ref(views, &views.site.cities[c]))
        .collect();
    if page.kind == Kind::Policy {
        main.insert("@type".into(), json!("Legislation"));
        put(&mut main, "legislationDate", m.date.map(|d| d.day_iso()));
        put(
            &mut main,
            "legislationLegalForce",
            m.status.map(legal_force),
        );
        put(
            &mut main,
            "legislationJurisdiction",
            jurisdiction(views, &places),
        );
        put(
            &mut main,
            "legislationPassedBy",
            m.issuer.as_deref().map(organization),
        );
    } else {
        main.insert("@type".into(), json!("Article"));
        main.insert("headline".into(), json!(headline(&m.title)));
        main.insert("mainEntityOfPage".into(), json!(url));
        put(&mut main, "author", m.issuer.as_deref().map(organization));
        main.insert("publisher".into(), organization(&views.config.title));
        if !places.is_empty() {
            main.insert("spatialCoverage".into(), json!(places));
        }
    }
    let mut crumbs = vec![home(views)];
    let trail = page
        .section
        .map(|s| views.site.trail(s))
        .unwrap_or_default();
    crumbs.extend(trail.into_iter().map(|s| {
        let section = &views.site.sections[s];
        (views.section_title(section), base.permalink(&section.path))
    }));
    crumbs.push((m.title.clone(), url));
    script(Value::Object(main), &crumbs)
}

/// The JSON-LD of a city's page.
pub fn city(views: &Views, c: &City, summary: &str) -> String {
    let base = &views.config.base_url;
    let url = base.permalink(&c.path);
    let mut place = Map::new();
    place.insert("@type".into(), json!("Place"));
    place.insert("@id".into(), json!(format!("{url}#place")));
    place.insert("name".into(), json!(c.name));
    place.insert("url".into(), json!(url));
    put(&mut place, "description", non_empty(summary));
    if let Some(meta) = &c.meta {
        if !meta.other_names.is_empty() {
            place.insert("alternateName".into(), json!(meta.other_names));
        }
        if let Some(province) = &meta.province {
            let mut address = json!({"@type": "PostalAddress", "addressRegion": province});
            if let Some(country) = country(views) {
                address["addressCountry"] = json!(country);
            }
            place.insert("address".into(), address);
        }
        if let Some([latitude, longitude]) = meta.coordinates {
            place.insert(
                "geo".into(),
                json!({"@type": "GeoCoordinates", "latitude": latitude, "longitude": longitude}),
            );
        }
    }
    let cities = views.strings.lookup_top("nav_cities");
    let crumbs = [
        home(views),
        (cities, base.permalink("cities/")),
        (c.name.clone(), url),
    ];
    script(Value::Object(place), &crumbs)
}

/// The page's description and its breadcrumb as one JSON-LD graph, with `<`, `>` and `&`
/// escaped so that no text can end the script element.
fn script(main: Value, crumbs: &[(String, String)]) -> String {
    let items: Vec<Value> = (crumbs.iter().enumerate())
        .map(|(i, (name, item))| {
            json!({"@type": "ListItem", "position": i + 1, "name": name, "item": item})
        })
        .collect();
    let graph = json!({
        "@context": "https://schema.org",
        "@graph": [main, {"@type": "BreadcrumbList", "itemListElement": items}],
    });
    let text = graph.to_string();
    text.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn home(views: &Views) -> (String, String) {
    let name = views.strings.lookup_top("nav_home");
    (name, views.config.base_url.permalink(""))
}

fn website(views: &Views) -> Value {
    json!({
        "@type": "WebSite",
        "name": views.config.title,
        "url": views.config.base_url.permalink(""),
    })
}

fn organization(name: &str) -> Value {
    json!({"@type": "Organization", "name": name})
}

fn place_ref(views: &Views, c: &City) -> Value {
    let url = views.config.base_url.permalink(&c.path);
    json!({"@type": "Place", "@id": format!("{url}#place"), "name": c.name, "url": url})
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
fn jurisdiction(views: &Views, places: &[Value]) -> Option<Value> {
    if !places.is_empty() {
        return Some(json!(places));
    }
    country(views).map(|c| json!({"@type": "Country", "identifier": c}))
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

fn non_empty(text: &str) -> Option<String> {
    (!text.trim().is_empty()).then(|| text.trim().to_string())
}

fn put(map: &mut Map<String, Value>, key: &str, value: Option<impl Into<Value>>) {
    if let Some(v) = value {
        map.insert(key.into(), v.into());
    }
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

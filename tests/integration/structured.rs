//! Structured data and sharing: every article and city page describes itself as schema.org
//! JSON-LD (a policy as `Legislation`, other articles as `Article`, a city as `Place`, each
//! with its breadcrumb), and every page gives the same description to search engines and to
//! link previews (`og:description`).

use std::sync::OnceLock;

use serde_json::Value;

use crate::support::{Output, Page, Site};

/// The test site, built once for every test here.
fn built() -> &'static Output {
    static BUILT: OnceLock<(Site, Output)> = OnceLock::new();
    let (_, out) = BUILT.get_or_init(|| {
        let site = site();
        let out = site.build();
        (site, out)
    });
    out
}

fn site() -> Site {
    Site::from_files(&[
        (
            "content/cities/changsha.md",
            "---\nname: 长沙\nslug: changsha\nprovince: 湖南\nother_names: [长沙市]\n\
             coordinates: [28.2, 112.9]\n---\n湖南省会，2014年获批试点。\n",
        ),
        (
            "content/policies/reply.md",
            "---\ntitle: 海关总署关于长沙试点的复函 </script><b>\ndate: 2014-01-02\n\
             published: 2026-11-20\nupdated: 2026-11-25\nissuer: 海关总署\nstatus: repealed\n\
             cities: [长沙]\ntags: [试点]\nsummary: 同意长沙开展试点 & 通关。\n---\n正文。\n",
        ),
        (
            "content/policies/national.md",
            "---\ntitle: 全国性的意见\ndate: 2013-08\nstatus: in-force\n---\n正文。\n",
        ),
        (
            "content/analysis/note.md",
            "---\ntitle: 长沙试点一年\ndate: 2015-01-02\ncities: [长沙]\nissuer: 商务部研究院\n---\n正文。\n",
        ),
    ])
}

/// The JSON-LD blocks of a page, parsed (a block that does not parse fails the test).
fn json_ld(out: &Output, rel: &str) -> Vec<Value> {
    let html = out.read(rel);
    let page = Page::parse(&html);
    let blocks = page.inner_html(r#"script[type="application/ld+json"]"#);
    (blocks.iter())
        .map(|b| {
            serde_json::from_str(b)
                .unwrap_or_else(|e| panic!("{rel}: JSON-LD does not parse: {e}\n{b}"))
        })
        .collect()
}

/// The nodes of the page's one JSON-LD graph, checked for the context.
fn graph(out: &Output, rel: &str) -> Vec<Value> {
    let blocks = json_ld(out, rel);
    assert_eq!(blocks.len(), 1, "{rel}: one JSON-LD block");
    assert_eq!(blocks[0]["@context"], "https://schema.org", "{rel}");
    blocks[0]["@graph"].as_array().expect("a @graph").clone()
}

fn node<'a>(graph: &'a [Value], kind: &str) -> &'a Value {
    (graph.iter().find(|n| n["@type"] == kind))
        .unwrap_or_else(|| panic!("no {kind} node in {graph:?}"))
}

/// Each crumb's (name, URL), checked to be numbered from 1.
fn crumbs(graph: &[Value]) -> Vec<(String, String)> {
    let list = node(graph, "BreadcrumbList")["itemListElement"]
        .as_array()
        .unwrap();
    (list.iter().enumerate())
        .map(|(i, item)| {
            assert_eq!(item["@type"], "ListItem");
            assert_eq!(item["position"], i + 1);
            let text = |k: &str| item[k].as_str().unwrap().to_string();
            (text("name"), text("item"))
        })
        .collect()
}

#[test]
fn a_policy_is_legislation_with_its_date_legal_force_jurisdiction_and_issuer() {
    let out = built();
    let g = graph(out, "policies/reply/index.html");
    let law = node(&g, "Legislation");
    assert_eq!(law["name"], "海关总署关于长沙试点的复函 </script><b>");
    assert_eq!(law["url"], "https://example.org/policies/reply/");
    assert_eq!(law["legislationDate"], "2014-01-02");
    assert_eq!(
        law["legislationLegalForce"],
        "https://schema.org/NotInForce"
    );
    assert_eq!(law["legislationPassedBy"]["name"], "海关总署");
    assert_eq!(law["legislationJurisdiction"][0]["name"], "长沙");
    assert_eq!(
        law["legislationJurisdiction"][0]["@id"], "https://example.org/cities/changsha/#place",
        "the same node as the city page's Place"
    );
    assert_eq!(law["datePublished"], "2026-11-20");
    assert_eq!(law["dateModified"], "2026-11-25");
    assert_eq!(law["description"], "同意长沙开展试点 & 通关。");
    assert_eq!(law["keywords"], serde_json::json!(["试点"]));

    let national = graph(out, "policies/national/index.html");
    let law = node(&national, "Legislation");
    assert_eq!(law["legislationLegalForce"], "https://schema.org/InForce");
    assert_eq!(law["legislationDate"], "2013-08");
    assert_eq!(
        law["legislationJurisdiction"],
        serde_json::json!({"@type": "Country", "identifier": "CN"}),
        "no city named: the country of the site's language (zh-CN)"
    );
}

#[test]
fn no_title_can_end_the_script_element() {
    let out = built();
    let html = out.read("policies/reply/index.html");
    let start = html.find("application/ld+json").unwrap();
    let block = &html[start..start + html[start..].find("</script>").unwrap()];
    assert!(
        block.contains(r"\u003c/script\u003e\u003cb\u003e") && block.contains(r"\u0026"),
        "`<`, `>` and `&` escaped inside the block: {block}"
    );
}

#[test]
fn other_articles_are_articles_with_a_headline_author_publisher_and_places() {
    let out = built();
    let g = graph(out, "analysis/note/index.html");
    let article = node(&g, "Article");
    assert_eq!(article["headline"], "长沙试点一年");
    assert_eq!(article["publisher"]["name"], "测试站");
    assert_eq!(
        article["mainEntityOfPage"],
        "https://example.org/analysis/note/"
    );
    assert_eq!(
        article["datePublished"], "2015-01-02",
        "no `published`: the date"
    );
    assert_eq!(article["spatialCoverage"][0]["name"], "长沙");
    assert_eq!(
        article["author"]["name"], "商务部研究院",
        "an article's issuer wrote it"
    );
    for key in [
        "legislationDate",
        "legislationPassedBy",
        "legislationJurisdiction",
    ] {
        assert!(article.get(key).is_none(), "{key}");
    }
    let law = node(&graph(out, "policies/reply/index.html"), "Legislation").clone();
    for key in ["author", "headline", "publisher", "spatialCoverage"] {
        assert!(law.get(key).is_none(), "a policy's {key}");
    }
}

#[test]
fn the_breadcrumb_in_the_data_is_the_one_readers_see() {
    let out = built();
    for rel in [
        "policies/reply/index.html",
        "analysis/note/index.html",
        "cities/changsha/index.html",
    ] {
        let g = graph(out, rel);
        let page = out.page(rel);
        let seen: Vec<(String, String)> = (page.texts(".breadcrumb a").into_iter())
            .zip(page.attrs(".breadcrumb a", "href"))
            .map(|(name, href)| (name, format!("https://example.org{href}")))
            .collect();
        assert_eq!(crumbs(&g), seen, "{rel}");
    }
}

#[test]
fn a_city_is_a_place_with_its_province_other_names_and_coordinates() {
    let out = built();
    let g = graph(out, "cities/changsha/index.html");
    let place = node(&g, "Place");
    assert_eq!(place["name"], "长沙");
    assert_eq!(place["@id"], "https://example.org/cities/changsha/#place");
    assert_eq!(place["alternateName"], serde_json::json!(["长沙市"]));
    assert_eq!(place["address"]["addressRegion"], "湖南");
    assert_eq!(place["address"]["addressCountry"], "CN");
    assert_eq!(place["geo"]["latitude"], 28.2);
    assert_eq!(place["geo"]["longitude"], 112.9);
    assert_eq!(place["description"], "湖南省会，2014年获批试点。");
}

#[test]
fn every_page_gives_link_previews_the_description_it_gives_search_engines() {
    let out = built();
    for rel in out.html_files() {
        let page = out.page(&rel);
        let description = page.attrs(r#"meta[name="description"]"#, "content");
        let og = page.attrs(r#"meta[property="og:description"]"#, "content");
        if description.is_empty() && og.is_empty() && is_redirect(&page) {
            continue;
        }
        assert_eq!(description.len(), 1, "{rel}: one description");
        assert_eq!(og, description, "{rel}");
    }
    let og = |rel: &str| {
        out.page(rel)
            .attrs(r#"meta[property="og:description"]"#, "content")
    };
    assert_eq!(
        og("tags/试点/index.html"),
        ["标签：试点"],
        "a tag without a description"
    );
    assert_eq!(
        og("cities/changsha/index.html"),
        ["湖南省会，2014年获批试点。"]
    );
    let policy = out.page("policies/reply/index.html");
    assert_eq!(
        policy.attrs(r#"meta[property="og:description"]"#, "content"),
        ["同意长沙开展试点 & 通关。"]
    );
}

fn is_redirect(page: &Page) -> bool {
    page.count(r#"meta[http-equiv="refresh"]"#) > 0
}

#[test]
fn lists_and_the_home_page_carry_no_article_data() {
    let out = built();
    for rel in [
        "index.html",
        "policies/index.html",
        "tags/index.html",
        "cities/index.html",
    ] {
        assert!(json_ld(out, rel).is_empty(), "{rel}");
    }
}

#[test]
fn a_proposal_is_shown_as_one_and_is_not_in_force() {
    let site = crate::support::Site::from_files(&[(
        "content/policies/proposal.md",
        "---\ntitle: 关于发展跨境电商的建议\ndate: 2014-03\nstatus: proposal\n---\n正文。\n",
    )]);
    let out = site.build();
    let page = out.page("policies/proposal/index.html");
    assert_eq!(page.texts(".article-kicker .status-proposal"), ["建议"]);
    assert_eq!(
        page.count(".notice"),
        0,
        "no banner: a proposal is not a draft of a text"
    );
    let g = graph(&out, "policies/proposal/index.html");
    let law = node(&g, "Legislation");
    assert_eq!(
        law["legislationLegalForce"],
        "https://schema.org/NotInForce"
    );
    let api: serde_json::Value = serde_json::from_str(&out.read("api/articles.json")).unwrap();
    assert_eq!(api["articles"][0]["status"], "proposal");
}

//! The data export: `api/articles.json`, `api/tags.json` and `api/cities.json` say what the
//! pages say, valid against the JSON Schemas in `docs/api/`, in the site's order, with any
//! title written back exactly; `api: false` leaves them out.

use std::sync::OnceLock;

use serde_json::{json, Value};
use tradekb::Overrides;

use crate::support::{describe, repo_root, unminified, Output, Site};

const SITE: &str = "title: 法规库\nbase_url: https://example.org/kb/\nfields:\n  文号:\n    type: text\n    api: true\n  施行日期:\n    type: date\n    api: true\n  内部备注:\n    type: text\n  页数:\n    type: integer\n    api: true\n  关键词:\n    type: list\n    api: true\n";

/// Everything YAML lets a title hold that JSON must escape, or that a careless writer mangles.
const HOSTILE: &str =
    "</script>\t“弯引号” \"直引号\" \\反斜杠\\ \u{2028}行分隔 & <b>粗</b> 😀 \u{1}";
const HOSTILE_YAML: &str =
    r#""</script>\t“弯引号” \"直引号\" \\反斜杠\\ \u2028行分隔 & <b>粗</b> 😀 \x01""#;

fn site() -> Site {
    let old = format!(
        "---\ntitle: {HOSTILE_YAML}\ndate: 2013-05\nstatus: repealed\nissuer: 海关总署\ntags: [跨境电商]\ncities: [长沙市]\n关键词: [进口, 保税]\n内部备注: 仅供编辑\n页数: 12\n施行日期: 2013-06-01\n文号: 署令第1号\n---\n旧办法的第一段。\n"
    );
    Site::from_files(&[
        ("site.yaml", SITE),
        ("content/policies/old.md", &old),
        (
            "content/policies/new.md",
            "---\ntitle: 新办法\ndate: 2014-03-01\npublished: 2026-11-20\nupdated: 2026-11-28\nstatus: in-force\nsupersedes: old.md\ntags: [跨境电商, 保税进口]\nsummary: 取代旧办法的新规定。\n---\n正文。\n",
        ),
        (
            "content/pilots/plan.md",
            "---\ntitle: 实施方案\ndate: 2014-06-01\nimplements: ../policies/new.md\ncities: [长沙, 重庆]\n---\n见[数据](/api/articles.json)。\n",
        ),
        (
            "content/about.md",
            "---\ntitle: 关于\ntags: [跨境电商]\ncities: [长沙]\n---\n关于本站。\n",
        ),
        (
            "content/cities/changsha.md",
            "---\nname: 长沙\nother_names: [长沙市]\nprovince: 湖南\nregion: 中部\ncoordinates: [28.23, 112.94]\npilots:\n  - programme: 跨境电子商务服务试点\n    batch: 1\n    approved: 2014-01-02\n---\n湖南省会。\n",
        ),
        (
            "content/tags/kuajing.md",
            "---\nname: 跨境电商\nslug: cross-border\ndescription: 跨境电子商务的政策与实践。\n---\n",
        ),
    ])
}

/// The fixture, built once for the tests that only read it.
fn built() -> &'static Output {
    static BUILT: OnceLock<Output> = OnceLock::new();
    BUILT.get_or_init(|| site().build())
}

fn json_of(out: &Output, file: &str) -> Value {
    let text = out.read(&format!("api/{file}.json"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("api/{file}.json: {e}\n{text}"))
}

/// Validates `doc` against `docs/api/NAME.schema.json`: the errors, as boon words them.
fn schema_errors(name: &str, doc: &Value) -> Result<(), String> {
    let path = repo_root().join(format!("docs/api/{name}.schema.json"));
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let url = schema["$id"]
        .as_str()
        .expect("the schema has an $id")
        .to_string();
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    compiler.add_resource(&url, schema).unwrap();
    let mut schemas = boon::Schemas::new();
    let index = compiler
        .compile(&url, &mut schemas)
        .unwrap_or_else(|e| panic!("{name}.schema.json does not compile: {e}"));
    schemas.validate(doc, index).map_err(|e| format!("{e:#}"))
}

fn article<'v>(articles: &'v Value, url: &str) -> &'v Value {
    (articles["articles"].as_array().unwrap().iter())
        .find(|a| a["url"] == url)
        .unwrap_or_else(|| panic!("no article {url} in {articles:#}"))
}

#[test]
fn every_file_of_the_export_validates_against_its_schema() {
    let out = built();
    for name in ["articles", "tags", "cities"] {
        let doc = json_of(out, name);
        if let Err(e) = schema_errors(name, &doc) {
            panic!("api/{name}.json against docs/api/{name}.schema.json:\n{e}");
        }
    }
}

#[test]
fn the_schemas_refuse_what_the_export_must_not_be() {
    let mut doc = json_of(built(), "articles");
    doc["articles"][0]["url"] = json!("pilots/plan");
    assert!(
        schema_errors("articles", &doc).is_err(),
        "a URL not from the root"
    );
    let mut doc = json_of(built(), "articles");
    doc["articles"][0].as_object_mut().unwrap().remove("title");
    assert!(
        schema_errors("articles", &doc).is_err(),
        "an article without a title"
    );
    let mut doc = json_of(built(), "cities");
    doc["cities"][0]["coordinates"]["latitude"] = json!(123.0);
    assert!(schema_errors("cities", &doc).is_err(), "a latitude past 90");
}

#[test]
fn articles_are_listed_in_the_site_order_without_pages_outside_sections() {
    let articles = json_of(built(), "articles");
    let urls: Vec<&str> = (articles["articles"].as_array().unwrap().iter())
        .map(|a| a["url"].as_str().unwrap())
        .collect();
    assert_eq!(
        urls,
        ["/kb/pilots/plan/", "/kb/policies/new/", "/kb/policies/old/"],
        "newest date first; the About page is not an article"
    );
}

#[test]
fn an_article_has_its_dates_status_terms_fields_and_relations() {
    let articles = json_of(built(), "articles");
    let old = article(&articles, "/kb/policies/old/");
    assert_eq!(old["title"], HOSTILE, "written back exactly");
    assert_eq!(old["permalink"], "https://example.org/kb/policies/old/");
    assert_eq!(old["source"], "policies/old.md");
    assert_eq!(
        (old["kind"].as_str(), old["section"].as_str()),
        (Some("policy"), Some("policies"))
    );
    assert_eq!(old["date"], "2013-05", "a month stays a month");
    assert_eq!(old["status"], "repealed");
    assert_eq!(old["issuer"], "海关总署");
    assert_eq!(old["tags"], json!(["跨境电商"]));
    assert_eq!(
        old["cities"],
        json!(["长沙"]),
        "the city's own name, not 长沙市"
    );
    assert_eq!(old["summary"], "旧办法的第一段。");
    assert_eq!(
        old["fields"],
        json!({"文号": "署令第1号", "施行日期": "2013-06-01", "页数": 12, "关键词": ["进口", "保税"]})
    );
    let raw = built().read("api/articles.json");
    let at: Vec<usize> = (["文号", "施行日期", "页数", "关键词"].iter())
        .map(|k| raw.find(&format!("\"{k}\":")).unwrap())
        .collect();
    assert!(
        at.is_sorted(),
        "fields in the order site.yaml declares them, not the front matter's: {raw}"
    );
    assert!(
        !raw.contains("内部备注"),
        "a field without `api: true` stays out"
    );
    assert_eq!(
        old["relations"],
        json!({"superseded_by": ["/kb/policies/new/"]})
    );
    assert!(old.get("published").is_none() && old.get("draft").is_none());

    let new = article(&articles, "/kb/policies/new/");
    assert_eq!(
        (&new["date"], &new["published"], &new["updated"]),
        (
            &json!("2014-03-01"),
            &json!("2026-11-20"),
            &json!("2026-11-28")
        )
    );
    assert_eq!(new["summary"], "取代旧办法的新规定。");
    assert_eq!(
        new["relations"],
        json!({"supersedes": ["/kb/policies/old/"], "implemented_by": ["/kb/pilots/plan/"]})
    );
    assert_eq!(new["fields"], json!({}));
    let plan = article(&articles, "/kb/pilots/plan/");
    assert_eq!(
        plan["relations"],
        json!({"implements": ["/kb/policies/new/"]})
    );
    assert!(plan.get("status").is_none(), "no status: no key");
}

#[test]
fn tags_and_cities_name_their_articles_by_the_urls_articles_json_gives() {
    // The About page, at the content root, has a tag and a city too: it is no article.
    let (tags, cities) = (json_of(built(), "tags"), json_of(built(), "cities"));
    let tag = (tags["tags"].as_array().unwrap().iter())
        .find(|t| t["name"] == "跨境电商")
        .unwrap();
    assert_eq!(
        tag,
        &json!({
            "name": "跨境电商", "slug": "cross-border", "url": "/kb/tags/cross-border/",
            "description": "跨境电子商务的政策与实践。", "count": 2,
            "articles": ["/kb/policies/new/", "/kb/policies/old/"]
        }),
        "{tags:#}"
    );
    let list = cities["cities"].as_array().unwrap();
    assert_eq!(
        list[0],
        json!({
            "name": "长沙", "slug": "changsha", "url": "/kb/cities/changsha/",
            "other_names": ["长沙市"], "province": "湖南", "region": "中部",
            "coordinates": {"latitude": 28.23, "longitude": 112.94},
            "pilots": [{"programme": "跨境电子商务服务试点", "batch": 1, "approved": "2014-01-02"}],
            "count": 2, "articles": ["/kb/pilots/plan/", "/kb/policies/old/"]
        })
    );
    assert_eq!(
        list[1],
        json!({
            "name": "重庆", "slug": "重庆", "url": "/kb/cities/重庆/",
            "other_names": [], "pilots": [], "count": 1, "articles": ["/kb/pilots/plan/"]
        }),
        "a city no profile describes"
    );
    for page in list.iter().chain(tags["tags"].as_array().unwrap()) {
        let path = page["url"].as_str().unwrap().strip_prefix("/kb/").unwrap();
        assert!(built().exists(&format!("{path}index.html")), "{path}");
    }
}

#[test]
fn api_false_writes_no_export_and_a_link_to_it_is_then_dead() {
    let site = site();
    site.write("site.yaml", format!("{SITE}api: false\n"));
    let e = match site.try_build(unminified()) {
        Ok(_) => panic!("the link to /api/articles.json should be dead"),
        Err(e) => describe(&e),
    };
    assert!(e.contains("api/articles.json"), "{e}");
    site.write(
        "content/pilots/plan.md",
        "---\ntitle: 实施方案\ndate: 2014-06-01\n---\n正文。\n",
    );
    let out = site.build();
    assert!(!out.exists("api/articles.json") && !out.exists("api/tags.json"));
    assert!(!out.exists("api/cities.json"));
}

#[test]
fn a_file_of_the_content_at_an_export_path_is_a_clash_naming_it() {
    let site = site();
    site.write("content/api/tags.json", "{}");
    let e = match site.try_build(unminified()) {
        Ok(_) => panic!("two files at api/tags.json"),
        Err(e) => describe(&e),
    };
    assert!(e.contains("content/api/tags.json"), "{e}");
}

#[test]
fn a_draft_is_exported_only_in_a_build_of_drafts_and_says_so() {
    let site = site();
    site.write(
        "content/policies/draft.md",
        "---\ntitle: 征求意见稿\ndate: 2014-07-01\ndraft: true\n---\n正文。\n",
    );
    let urls = |out: &Output| -> Vec<String> {
        let doc = json_of(out, "articles");
        (doc["articles"].as_array().unwrap().iter())
            .map(|a| a["url"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(!urls(&site.build()).contains(&"/kb/policies/draft/".to_string()));
    let out = site.build_with(Overrides {
        drafts: true,
        ..unminified()
    });
    let doc = json_of(&out, "articles");
    assert_eq!(article(&doc, "/kb/policies/draft/")["draft"], true);
    schema_errors("articles", &doc).unwrap();
}

#[test]
fn the_sample_sites_export_validates_and_lists_every_article() {
    let out = crate::crawl::build_sample("https://example.org/");
    for name in ["articles", "tags", "cities"] {
        if let Err(e) = schema_errors(name, &json_of(&out, name)) {
            panic!("the sample's api/{name}.json:\n{e}");
        }
    }
    let doc = json_of(&out, "articles");
    let listed: Vec<&str> = (doc["articles"].as_array().unwrap().iter())
        .map(|a| a["source"].as_str().unwrap())
        .collect();
    for section in ["policies", "pilots", "analysis"] {
        for entry in std::fs::read_dir(repo_root().join("content").join(section)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".md") && name != "_index.md" {
                let source = format!("{section}/{name}");
                assert!(listed.contains(&source.as_str()), "{source} not exported");
            }
        }
    }
}

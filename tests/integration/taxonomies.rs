//! Tags and cities, on the `taxonomies` fixture.

use tradekb::Error;

use crate::support::{describe, unminified, Output, Site};

fn built() -> Output {
    Site::fixture("taxonomies").build()
}

#[test]
fn tag_index_lists_tags_with_counts_by_count() {
    let page = built().page("tags/index.html");
    assert_eq!(
        page.texts(".tag-cloud .tag-pill"),
        ["海关 3", "跨境电商 2", "物流 1"]
    );
    assert_eq!(
        page.attrs(".tag-cloud .tag-pill", "href"),
        ["/tags/customs/", "/tags/跨境电商/", "/tags/物流/"]
    );
}

#[test]
fn tag_with_profile_is_served_at_its_slug() {
    let out = built();
    assert!(!out.exists("tags/海关/index.html"));
    let page = out.page("tags/customs/index.html");
    assert_eq!(page.text(".list-header h1"), "#海关");
    assert_eq!(page.text(".list-header .lead"), "与海关有关的条目。");
    assert_eq!(
        page.texts(".card-title a"),
        ["海关复函", "长沙试点", "无简介城市的分析"]
    );
}

#[test]
fn tag_without_profile_gets_a_readable_chinese_url() {
    let out = built();
    let page = out.page("tags/跨境电商/index.html");
    assert_eq!(
        page.texts(".card-title a"),
        ["海关复函", "无简介城市的分析"]
    );
    let article = out.page("policies/customs-reply/index.html");
    assert_eq!(
        article.attrs(".article-footer .chip-tag", "href"),
        ["/tags/customs/", "/tags/跨境电商/"]
    );
}

#[test]
fn single_string_tag_is_a_one_item_list() {
    let page = built().page("pilots/changsha-pilot/index.html");
    assert_eq!(page.texts(".article-footer .chip-tag"), ["海关"]);
}

#[test]
fn city_index_groups_by_region_then_province() {
    let page = built().page("cities/index.html");
    assert_eq!(
        page.texts(".region-title"),
        ["东部地区", "中部地区", "其他"]
    );
    assert_eq!(
        page.grouped(".region", ".province-title"),
        [vec!["浙江"], vec!["湖南"], vec!["其他"]]
    );
    assert_eq!(
        page.grouped(".province", ".city-card-title"),
        [vec!["杭州", "宁波"], vec!["长沙"], vec!["无名城"]]
    );
}

#[test]
fn city_index_shows_pilot_batches_in_chinese() {
    let page = built().page("cities/index.html");
    assert_eq!(
        page.grouped(".city-card", ".batch"),
        [vec!["第一批"], vec![], vec!["第二批"], vec![]],
        "杭州 batch 1, 宁波 none, 长沙 batch 2, 无名城 none"
    );
}

#[test]
fn city_without_profile_has_a_page_under_other() {
    let out = built();
    let page = out.page("cities/无名城/index.html");
    assert_eq!(page.text(".city-header h1"), "无名城");
    assert_eq!(page.text(".city-main > .empty"), "暂无城市简介");
    assert_eq!(page.texts(".card-title a"), ["无简介城市的分析"]);
    let index = out.page("cities/index.html");
    assert_eq!(
        index.attrs(".region:last-of-type .city-card-title a", "href"),
        ["/cities/无名城/"]
    );
}

#[test]
fn city_page_groups_articles_by_kind() {
    let page = built().page("cities/changsha/index.html");
    assert_eq!(page.texts(".kind-group-title .badge"), ["政策", "试点"]);
    assert_eq!(
        page.grouped(".kind-group", ".card-title a"),
        [vec!["海关复函"], vec!["长沙试点"]]
    );
}

#[test]
fn city_page_lists_built_in_kinds_first_then_the_others_by_name() {
    let article = |title: &str| {
        format!("---\ntitle: {title}\ndate: 2014-01-01\ncities: [重庆]\n---\n正文。\n")
    };
    let (a, b, c, d) = (
        article("笔记"),
        article("问答"),
        article("新闻"),
        article("政策"),
    );
    let site = Site::from_files(&[
        (
            "content/cities/chongqing.md",
            "---\nname: 重庆\nregion: 西部\n---\n",
        ),
        ("content/notes/_index.md", "---\nkind: page\n---\n"),
        ("content/notes/a.md", &a),
        ("content/faq/b.md", &b),
        ("content/law/_index.md", "---\nkind: news\n---\n"),
        ("content/law/c.md", &c),
        ("content/policies/d.md", &d),
    ]);
    let page = site.build().page("cities/chongqing/index.html");
    assert_eq!(
        page.grouped(".kind-group", ".card-title a"),
        [vec!["政策"], vec!["问答"], vec!["新闻"], vec!["笔记"]]
    );
}

#[test]
fn city_named_only_with_punctuation_does_not_replace_the_city_index() {
    let site = Site::from_files(&[(
        "content/policies/a.md",
        "---\ntitle: 甲\ndate: 2014-01-01\ncities: [\"（）\"]\n---\n",
    )]);
    match site.try_build(unminified()) {
        // Refusing the name is fine; writing its page over the index is not.
        Err(Error::Site(_)) => {}
        Err(e) => panic!("{}", describe(&e)),
        Ok(out) => {
            let index = out.page("cities/index.html");
            assert_eq!(
                index.text(".list-header h1"),
                "试点城市",
                "the city index is intact"
            );
            assert_eq!(index.count(".city-card"), 1);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Spellings: names that differ only in case or spacing are one term.

fn tagged(tags: &str) -> String {
    format!("---\ntitle: 文章\ndate: 2014-01-01\ntags: [{tags}]\n---\n正文。\n")
}

/// A site without cities (a blog brought in from another tool) has no 城市 in its menus,
/// which led to an empty index.
#[test]
fn the_menus_name_the_city_index_only_when_the_site_has_cities() {
    let article = "---\ntitle: 文章\ndate: 2014-01-01\n---\n正文。\n";
    let site = Site::from_files(&[("content/policies/a.md", article)]);
    let out = site.build();
    let page = out.page("policies/a/index.html");
    assert_eq!(
        page.count(".site-nav a[href='/cities/'], .footer-nav a[href='/cities/']"),
        0
    );
    assert_eq!(out.page("404.html").count("main a[href='/cities/']"), 0);
    site.write(
        "content/cities/changsha.md",
        "---\nname: 长沙\nslug: changsha\n---\n",
    );
    let page = site.build().page("policies/a/index.html");
    assert_eq!(page.texts(".site-nav a[href='/cities/']"), ["城市"]);
    assert_eq!(page.texts(".footer-nav a[href='/cities/']"), ["城市"]);
}

/// YAML separates a list with `,` only: `[跨境电商，试点城市]` is one tag, which used to be
/// made without a word.
#[test]
fn a_chinese_comma_in_a_list_is_a_warning_with_the_list_to_write() {
    let a = tagged("跨境电商，试点城市");
    let site = Site::from_files(&[("content/policies/a.md", a.as_str())]);
    let warnings: Vec<String> = site
        .warnings()
        .iter()
        .map(|d| {
            format!(
                "{} {} ({})",
                d.location(),
                d.problem,
                d.help.as_deref().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        warnings,
        ["content/policies/a.md:4:8 `tags`: `跨境电商，试点城市` is one name with a Chinese comma in it \
          (a list is separated by `,` (ASCII): write `[跨境电商, 试点城市]` for 2 names)"]
    );
}

#[test]
fn tags_differing_in_case_are_one_tag_with_a_warning_naming_both_files() {
    let (a, b, c) = (
        tagged("RStudio"),
        tagged("rstudio"),
        tagged("RStudio, 海关"),
    );
    let site = Site::from_files(&[
        ("content/policies/a.md", a.as_str()),
        ("content/policies/b.md", b.as_str()),
        ("content/policies/c.md", c.as_str()),
    ]);
    let warnings: Vec<String> = site
        .warnings()
        .iter()
        .map(|d| format!("{} {}", d.location(), d.problem))
        .collect();
    assert_eq!(
        warnings,
        ["content/policies/b.md:4:8 tag `rstudio` is written `RStudio` in content/policies/a.md:4: one tag, named `RStudio`"]
    );
    let out = site.build();
    let tags = out.page("tags/index.html");
    assert_eq!(tags.texts(".tag-cloud a"), ["RStudio 3", "海关 1"]);
    assert!(out.exists("tags/rstudio/index.html"));
    assert_eq!(
        out.page("tags/rstudio/index.html")
            .texts(".card-title a")
            .len(),
        3
    );
}

#[test]
fn on_a_tie_the_spelling_of_the_first_source_path_names_the_tag() {
    let (a, b) = (tagged("R Studio"), tagged("rstudio"));
    // Written in the other order, the same site: the choice does not depend on load order.
    for files in [
        [
            ("content/policies/b.md", b.as_str()),
            ("content/analysis/a.md", a.as_str()),
        ],
        [
            ("content/analysis/a.md", a.as_str()),
            ("content/policies/b.md", b.as_str()),
        ],
    ] {
        let out = Site::from_files(&files).build();
        assert_eq!(
            out.page("tags/index.html").texts(".tag-cloud a"),
            ["R Studio 2"]
        );
    }
}

#[test]
fn profiles_with_their_own_slugs_keep_spellings_apart() {
    let (a, b) = (tagged("RStudio"), tagged("rstudio"));
    let site = Site::from_files(&[
        (
            "content/tags/ide.md",
            "---\nname: RStudio\nslug: rstudio-ide\n---\n",
        ),
        (
            "content/tags/lower.md",
            "---\nname: rstudio\nslug: rstudio-lower\n---\n",
        ),
        ("content/policies/a.md", a.as_str()),
        ("content/policies/b.md", b.as_str()),
    ]);
    assert_eq!(site.warnings(), Vec::new());
    let out = site.build();
    assert!(out.exists("tags/rstudio-ide/index.html"));
    assert!(out.exists("tags/rstudio-lower/index.html"));
}

#[test]
fn a_profiled_city_without_pilots_shows_its_profile_not_an_empty_card() {
    let out = Site::from_files(&[
        (
            "content/cities/hefei.md",
            "---\nname: 合肥\nslug: hefei\nprovince: 安徽\nregion: 中部\n---\n安徽省会，正在筹备申请试点。\n",
        ),
        (
            "content/cities/ningbo.md",
            "---\nname: 宁波\nslug: ningbo\nprovince: 浙江\nregion: 东部\n\
             pilots: [{programme: 跨境贸易电子商务服务试点, batch: 1}]\n---\n首批试点城市。\n",
        ),
        ("content/policies/a.md", "---\ntitle: 甲\ndate: 2014-01-01\ncities: [合肥, 宁波, 上饶]\n---\n正文。\n"),
    ])
    .build();
    let page = out.page("cities/index.html");
    assert_eq!(
        page.texts(".city-card-summary"),
        ["安徽省会，正在筹备申请试点。"],
        "Hefei's card shows its profile; Ningbo's its pilots; Shangrao (no profile) says so"
    );
    assert_eq!(page.count(".city-card .pilots"), 1);
    assert_eq!(page.count(".city-card-note"), 1);
}

#[test]
fn a_tag_page_groups_its_articles_by_kind_without_repeating_the_tag() {
    let page = built().page("tags/customs/index.html");
    assert_eq!(
        page.grouped(".kind-group", ".kind-group-title"),
        [["政策 1 篇"], ["试点 1 篇"], ["分析 1 篇"]]
    );
    assert!(
        !page
            .attrs(".card-chips a", "href")
            .contains(&"/tags/customs/".to_string()),
        "the page's own tag is on every card: {:?}",
        page.texts(".card-chips a")
    );
}

#[test]
fn a_tag_lists_fifty_articles_a_page_counting_each_kind_over_every_page() {
    let article = |section: &str, n: usize| {
        let path = format!("content/{section}/a{n:02}.md");
        let text = format!(
            "---\ntitle: 第{n}篇\ndate: 2014-01-{:02}\ntags: [海关, 物流]\n---\n正文。\n",
            n % 28 + 1
        );
        (path, text)
    };
    let files: Vec<(String, String)> = (0..40)
        .map(|n| article("policies", n))
        .chain((0..20).map(|n| article("pilots", n)))
        .collect();
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let out = Site::from_files(&files).build();
    let first = out.page("tags/海关/index.html");
    assert_eq!(first.count(".card"), 50);
    let second = out.page("tags/海关/page/2/index.html");
    assert_eq!(second.count(".card"), 10);
    assert!(!out.exists("tags/海关/page/3/index.html"));
    assert_eq!(
        second.texts(".kind-group-title"),
        ["试点 20 篇"],
        "the count is the tag's, not the page's"
    );
    assert_eq!(first.texts(".card-chips a"), vec!["标签：物流"; 50]);
}

//! Broken content: each problem is reported with its kind, its file, its line and column,
//! and every problem of a build is reported at once.

use tradekb::{Diagnostic, Problem};

use crate::support::Site;

const PATH: &str = "content/policies/x.md";

/// The diagnostics of a site whose only article is `content/policies/x.md` with `text`.
fn diagnostics_of(text: &str) -> Vec<Diagnostic> {
    Site::from_files(&[(PATH, text)]).diagnostics()
}

fn only(diags: Vec<Diagnostic>) -> Diagnostic {
    assert_eq!(diags.len(), 1, "{diags:#?}");
    diags.into_iter().next().unwrap()
}

#[test]
fn invalid_yaml_points_at_the_error() {
    let d = only(diagnostics_of(
        "---\ntitle: 长沙: 试点\ndate: 2014-01-01\n---\n",
    ));
    assert!(matches!(d.problem, Problem::InvalidYaml { .. }), "{d}");
    assert_eq!(d.location(), format!("{PATH}:2:10"), "{d}");
}

#[test]
fn unknown_key_suggests_the_nearest_known_one() {
    let d = only(diagnostics_of(
        "---\ntitle: 长沙\ndate: 2014-01-01\ntgas: [海关]\n---\n",
    ));
    assert_eq!(d.problem, Problem::UnknownKey { key: "tgas".into() });
    assert_eq!(d.location(), format!("{PATH}:4:1"));
    assert_eq!(d.help.as_deref(), Some("did you mean `tags`?"));
}

#[test]
fn wrong_type_points_at_the_value() {
    let d = only(diagnostics_of(
        "---\ntitle: 长沙\ndate: 2014-01-01\ndraft: \"yes\"\n---\n",
    ));
    assert!(
        matches!(&d.problem, Problem::InvalidValue { key, .. } if key == "draft"),
        "{d}"
    );
    assert_eq!(d.location(), format!("{PATH}:4:8"));
}

#[test]
fn impossible_date_is_refused() {
    let d = only(diagnostics_of("---\ntitle: 长沙\ndate: 2014-02-30\n---\n"));
    assert_eq!(
        d.problem,
        Problem::InvalidDate {
            key: "date".into(),
            value: "2014-02-30".into(),
            reason: "2014-02 has no day 30".into(),
        }
    );
    assert_eq!(d.location(), format!("{PATH}:3:7"));
}

#[test]
fn date_with_a_time_but_no_zone_is_refused() {
    let d = only(diagnostics_of(
        "---\ntitle: 长沙\ndate: 2014-03-05T09:00:00\n---\n",
    ));
    assert!(
        matches!(&d.problem, Problem::InvalidDate { reason, .. } if reason.contains("time zone")),
        "{d}"
    );
    assert_eq!(d.location(), format!("{PATH}:3:7"));
}

#[test]
fn missing_title_is_reported() {
    let d = only(diagnostics_of("---\ndate: 2014-01-01\n---\n正文。\n"));
    assert_eq!(
        d.problem,
        Problem::MissingKey {
            key: "title".into()
        }
    );
    assert_eq!(d.location(), format!("{PATH}:1:1"));
}

#[test]
fn missing_closing_fence_is_reported() {
    let d = only(diagnostics_of(
        "---\ntitle: 长沙\ndate: 2014-01-01\n正文。\n",
    ));
    assert_eq!(d.problem, Problem::UnclosedFrontMatter);
    assert_eq!(d.location(), format!("{PATH}:1:1"));
}

#[test]
fn file_that_is_not_utf8_is_reported_where_it_stops_being_text() {
    let site = Site::from_files(&[]);
    site.write(PATH, b"---\ntitle: ab\xff\ndate: 2014-01-01\n---\n");
    let d = only(site.diagnostics());
    assert_eq!(d.problem, Problem::NotUtf8);
    assert_eq!(d.location(), format!("{PATH}:2:10"));
}

#[test]
fn url_collision_names_both_files() {
    let d = only(
        Site::from_files(&[
            (
                "content/policies/a.md",
                "---\ntitle: 甲\ndate: 2014-01-01\nslug: same\n---\n",
            ),
            (
                "content/policies/same.md",
                "---\ntitle: 乙\ndate: 2014-01-02\n---\n",
            ),
        ])
        .diagnostics(),
    );
    let Problem::UrlCollision { url, other, .. } = &d.problem else {
        panic!("not a collision: {d}");
    };
    assert_eq!(url, "/policies/same/");
    let mut both = [d.path.display().to_string(), other.clone()];
    both.sort();
    assert_eq!(both, ["content/policies/a.md", "content/policies/same.md"]);
}

#[test]
fn every_broken_file_is_reported_in_one_build() {
    let diags = Site::from_files(&[
        (
            "content/pilots/a.md",
            "---\ntitle: 甲\ndate: 2014-13-01\n---\n",
        ),
        (
            "content/policies/b.md",
            "---\ntitle: 乙\ndate: 2014-01-01\ntitel: x\n---\n",
        ),
        ("content/policies/c.md", "---\ndate: 2014-01-01\n---\n"),
        (
            "content/policies/fine.md",
            "---\ntitle: 好\ndate: 2014-01-01\n---\n",
        ),
    ])
    .diagnostics();
    let found: Vec<String> = diags.iter().map(Diagnostic::location).collect();
    assert_eq!(
        found,
        [
            "content/pilots/a.md:3:7",
            "content/policies/b.md:4:1",
            "content/policies/c.md:1:1",
        ],
        "{diags:#?}"
    );
}

#[test]
fn unknown_region_names_the_four() {
    let profile = "---\nname: 广州\nprovince: 广东\nregion: 华南\n---\n";
    let d = only(Site::from_files(&[("content/cities/guangzhou.md", profile)]).diagnostics());
    assert!(
        matches!(&d.problem, Problem::InvalidValue { key, message } if key == "region" && message.contains("`华南`")),
        "{d}"
    );
    assert_eq!(d.location(), "content/cities/guangzhou.md:4:9");
    assert!(
        d.help
            .as_deref()
            .unwrap_or_default()
            .contains("东部, 中部, 西部 or 东北"),
        "{d}"
    );
}

#[test]
fn regions_may_be_written_in_full_or_in_english() {
    let city = |name: &str, region: &str| {
        format!("---\nname: {name}\nprovince: {name}\nregion: {region}\n---\n")
    };
    let (a, b) = (city("重庆", "西部地区"), city("沈阳", "Northeast"));
    let site = Site::from_files(&[
        ("content/cities/chongqing.md", a.as_str()),
        ("content/cities/shenyang.md", b.as_str()),
    ]);
    let index = site.build().page("cities/index.html");
    assert_eq!(index.texts(".region-title"), ["西部地区", "东北地区"]);
}

#[test]
fn a_date_in_the_file_name_dates_an_article_without_one() {
    let body = "---\ntitle: 长沙\n---\n正文。\n";
    let site = Site::from_files(&[
        ("content/posts/2014-03-05-changsha.md", body),
        ("content/posts/hangzhou-20150108.md", body),
        ("content/posts/2016-07-01-ningbo/index.md", body),
        (
            "content/posts/2017-01-01-dated.md",
            "---\ntitle: 以前言为准\ndate: 2018-02-03\n---\n正文。\n",
        ),
        (
            "content/posts/2019-05-05-empty.md",
            "---\ntitle: 空日期\ndate:\n---\n正文。\n",
        ),
    ]);
    let out = site.build();
    let date = |path: &str| out.page(path).attrs(".article-header time", "datetime");
    assert_eq!(date("posts/changsha/index.html"), ["2014-03-05"]);
    assert_eq!(date("posts/hangzhou/index.html"), ["2015-01-08"]);
    assert_eq!(date("posts/ningbo/index.html"), ["2016-07-01"]);
    // The front matter's date wins, and then the name is the slug as it is.
    assert_eq!(date("posts/2017-01-01-dated/index.html"), ["2018-02-03"]);
    // An empty `date:` is no date: the name's counts (and `date` is not unknown).
    assert_eq!(date("posts/empty/index.html"), ["2019-05-05"]);
}

#[test]
fn an_article_without_a_date_in_its_front_matter_or_name_is_an_error() {
    let d = only(
        Site::from_files(&[("content/posts/2014-13-45-x.md", "---\ntitle: 无日期\n---\n")])
            .diagnostics(),
    );
    assert_eq!(d.problem, Problem::MissingKey { key: "date".into() });
}

#[test]
fn hugo_shortcodes_published_as_text_are_warned_of_where_written() {
    let body = "---\ntitle: 迁移\ndate: 2014-01-01\n---\n见下图：{{< figure src=\"map.png\" >}}\n\n```\n{{< highlight go >}}\n```\n";
    let site = Site::from_files(&[("content/posts/a.md", body)]);
    let warnings = crate::support::shown(&site.warnings());
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(
        warnings[0].starts_with(
            "content/posts/a.md:5:5 `{{< figure src=\"map.png\" >}}` looks like a shortcode or tag plugin of another tool"
        ),
        "{warnings:#?}"
    );
}

#[test]
fn a_root_page_no_body_links_to_is_warned_of() {
    let about = "---\ntitle: 关于\ndate: 2014-01-01\n---\n说明。\n";
    let lone = Site::from_files(&[("content/about.md", about)]);
    let warnings = crate::support::shown(&lone.warnings());
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(
        warnings[0].starts_with("content/about.md:1:1 no list or link leads to /about/"),
        "{warnings:#?}"
    );
    let linked = Site::from_files(&[
        ("content/about.md", about),
        (
            "content/_index.md",
            "---\ntitle: 首页\n---\n见[关于](about.md)。\n",
        ),
    ]);
    assert_eq!(linked.warnings(), Vec::new());
}

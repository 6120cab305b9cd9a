//! Names of cities and tags in articles: a name without a profile is shown where it is
//! written, with the profiled name it probably means; a city profile's other names lead to
//! that city; two profiles cannot give one name.

use tradekb::{Diagnostic, Problem};

use crate::support::Site;

const HANGZHOU: (&str, &str) = (
    "content/cities/hangzhou.md",
    "---\nname: 杭州\nslug: hangzhou\n---\n",
);

const CHANGSHA: (&str, &str) = (
    "content/cities/changsha.md",
    "---\nname: 长沙\nslug: changsha\n---\n",
);

/// The only warning of a site with profiles of 杭州 and 长沙 and `article` as
/// content/policies/x.md.
fn warning_of(article: &str) -> Diagnostic {
    let site = Site::from_files(&[HANGZHOU, CHANGSHA, ("content/policies/x.md", article)]);
    let warnings = site.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    warnings.into_iter().next().unwrap()
}

/// Where a diagnostic points: `path:line:column` and how many characters it underlines.
fn place(d: &Diagnostic) -> (String, usize) {
    (d.location(), d.position.map_or(0, |p| p.width))
}

fn is_no_profile(d: &Diagnostic, wanted: &str) -> bool {
    matches!(&d.problem, Problem::NoProfile { name, .. } if name == wanted)
}

#[test]
fn an_unknown_city_in_a_flow_list_is_underlined_where_it_is_written() {
    let d = warning_of("---\ntitle: 甲\ndate: 2014-01-01\ncities: [杭州, 合肥市]\n---\n");
    assert!(is_no_profile(&d, "合肥市"), "{d}");
    assert_eq!(place(&d), ("content/policies/x.md:4:14".into(), 3), "{d}");
}

#[test]
fn an_unknown_city_in_a_block_list_is_underlined_where_it_is_written() {
    let d =
        warning_of("---\ntitle: 甲\ndate: 2014-01-01\ncities:\n  - 杭州\n  - \"合肥市\"\n---\n");
    assert!(is_no_profile(&d, "合肥市"), "{d}");
    assert_eq!(place(&d), ("content/policies/x.md:6:5".into(), 5), "{d}");
}

#[test]
fn an_unknown_tag_is_underlined_where_it_is_written() {
    let site = Site::from_files(&[
        (
            "site.yaml",
            "title: 测试站\nbase_url: https://example.org/\nunprofiled: { tags: warning }\n",
        ),
        (
            "content/policies/x.md",
            "---\ntitle: 甲\ndate: 2014-01-01\ntags:\n  - 海关\n---\n",
        ),
    ]);
    let warnings = site.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(is_no_profile(&warnings[0], "海关"), "{}", warnings[0]);
    assert_eq!(
        place(&warnings[0]),
        ("content/policies/x.md:5:5".into(), 2),
        "{}",
        warnings[0]
    );
}

#[test]
fn a_city_name_that_holds_a_profiled_one_suggests_it() {
    let d = warning_of("---\ntitle: 甲\ndate: 2014-01-01\ncities: [长沙市]\n---\n");
    assert!(is_no_profile(&d, "长沙市"), "{d}");
    let help = d.help.as_deref().unwrap_or_default();
    assert!(help.starts_with("did you mean 长沙?"), "{d}");
    assert!(
        help.contains("`other_names:` in content/cities/changsha.md"),
        "{d}"
    );
}

#[test]
fn a_city_name_like_no_profiled_one_suggests_nothing() {
    let d = warning_of("---\ntitle: 甲\ndate: 2014-01-01\ncities: [合肥]\n---\n");
    assert!(is_no_profile(&d, "合肥"), "{d}");
    let help = d.help.as_deref().unwrap_or_default();
    assert!(!help.contains("did you mean"), "{d}");
}

/// A site where 长沙's profile also names it 长沙市, and articles use either name or both.
fn other_names_site() -> Site {
    let article = |title: &str, date: &str, cities: &str| {
        format!("---\ntitle: {title}\ndate: {date}\ncities: {cities}\n---\n正文。\n")
    };
    Site::from_files(&[
        (
            "content/cities/changsha.md",
            "---\nname: 长沙\nother_names: [长沙市]\nslug: changsha\n---\n",
        ),
        (
            "content/policies/a.md",
            &article("甲", "2014-01-01", "[长沙市]"),
        ),
        (
            "content/policies/b.md",
            &article("乙", "2014-01-02", "[长沙]"),
        ),
        (
            "content/policies/c.md",
            &article("丙", "2014-01-03", "[长沙, 长沙市]"),
        ),
    ])
}

#[test]
fn a_city_named_by_another_name_is_the_same_city_under_its_main_name() {
    let site = other_names_site();
    site.write(
        "templates/city.html",
        "<main>{{ city.name }}（{{ city.other_names | join(sep=\"、\") }}）{{ city.count }}</main>",
    );
    assert_eq!(site.warnings(), [], "every name has a profile");
    let out = site.build();
    assert!(!out.exists("cities/长沙市/index.html"), "no second city");
    assert_eq!(
        out.main("cities/changsha/index.html"),
        "<main>长沙（长沙市）3</main>"
    );
    let index = out.page("cities/index.html");
    assert_eq!(index.texts(".city-card-title"), ["长沙"]);
    for page in ["policies/a/index.html", "policies/c/index.html"] {
        let article = out.page(page);
        assert_eq!(article.attrs(".chip-city", "href"), ["/cities/changsha/"]);
        assert_eq!(article.texts(".chip-city"), ["长沙"]);
    }
}

/// The one diagnostic of a site whose only content is `profiles` (path, text).
fn collision_of(profiles: &[(&str, &str)]) -> Diagnostic {
    let diags = Site::from_files(profiles).diagnostics();
    assert_eq!(diags.len(), 1, "{diags:#?}");
    diags.into_iter().next().unwrap()
}

#[test]
fn two_profiles_giving_one_other_name_is_an_error_naming_both() {
    let d = collision_of(&[
        (
            "content/cities/changsha.md",
            "---\nname: 长沙\nother_names: [星城]\n---\n",
        ),
        (
            "content/cities/xingcheng.md",
            "---\nname: 某市\nother_names:\n  - 星城\n---\n",
        ),
    ]);
    let Problem::NameCollision { name, other, .. } = &d.problem else {
        panic!("not a name collision: {d}");
    };
    assert_eq!(name, "星城");
    assert_eq!(other, "content/cities/changsha.md");
    assert_eq!(
        place(&d),
        ("content/cities/xingcheng.md:4:5".into(), 2),
        "{d}"
    );
}

#[test]
fn a_profile_name_another_profile_gives_as_other_name_is_an_error_naming_both() {
    let d = collision_of(&[
        (
            "content/cities/changsha.md",
            "---\nname: 长沙\nother_names: [星城]\n---\n",
        ),
        ("content/cities/xingcheng.md", "---\nname: 星城\n---\n"),
    ]);
    assert!(
        matches!(&d.problem, Problem::NameCollision { name, other, .. }
            if name == "星城" && other == "content/cities/changsha.md"),
        "{d}"
    );
    assert_eq!(
        place(&d),
        ("content/cities/xingcheng.md:2:7".into(), 2),
        "{d}"
    );
}

#[test]
fn two_city_profiles_with_one_name_are_an_error_naming_both() {
    let d = collision_of(&[
        ("content/cities/a.md", "---\nname: 长沙\n---\n"),
        ("content/cities/b.md", "---\nname: 长沙\n---\n"),
    ]);
    assert!(
        matches!(&d.problem, Problem::NameCollision { name, other, .. }
            if name == "长沙" && other == "content/cities/a.md"),
        "{d}"
    );
    assert_eq!(d.path.display().to_string(), "content/cities/b.md");
}

#[test]
fn file_names_that_differ_only_in_full_width_punctuation_get_two_urls() {
    let article = |title: &str| {
        format!("---\ntitle: {title}\ndate: 2014-01-01\n---\n## 第一条（总则）\n\n正文。\n")
    };
    let (a, b) = (article("修正案（三）"), article("修正案三"));
    let out = crate::support::Site::from_files(&[
        ("content/policies/刑法修正案（三）.md", a.as_str()),
        ("content/policies/刑法修正案三.md", b.as_str()),
    ])
    .build();
    assert!(out.exists("policies/刑法修正案-三/index.html"));
    assert!(out.exists("policies/刑法修正案三/index.html"));
    let ids = out
        .page("policies/刑法修正案三/index.html")
        .attrs(".article-body h2", "id");
    assert_eq!(ids, ["第一条-总则"]);
}

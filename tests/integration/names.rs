//! Names of cities and tags in articles: a name without a profile is shown where it is
//! written, with the profiled name it probably means.

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
    assert_eq!(d.help.as_deref(), Some("did you mean 长沙?"), "{d}");
}

#[test]
fn a_city_name_like_no_profiled_one_suggests_nothing() {
    let d = warning_of("---\ntitle: 甲\ndate: 2014-01-01\ncities: [合肥]\n---\n");
    assert!(is_no_profile(&d, "合肥"), "{d}");
    let help = d.help.as_deref().unwrap_or_default();
    assert!(!help.contains("did you mean"), "{d}");
}

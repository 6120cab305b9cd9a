//! A site's own article fields (`fields:` in `site.yaml`): checked like the built-in keys,
//! shown by the theme; and what `unknown_keys:` makes of keys no schema knows.

use tradekb::Problem;

use crate::support::{shown, Site};

const SITE: &str = "title: 法规库\nbase_url: https://example.org/\nfields:\n  文号:\n    type: text\n    label: { zh-CN: 文号, en: Number }\n    show: true\n    sections: [laws]\n  施行日期:\n    type: date\n    required: true\n    label: { zh-CN: 施行日期 }\n    show: true\n    sections: [laws]\n  效力级别:\n    type: choice\n    values: [法律, 行政法规, 部门规章]\n    show: true\n  页数:\n    type: integer\n  原文链接:\n    type: url\n    label: { zh-CN: 原文链接 }\n    show: true\n";

fn law(extra_lines: &str) -> String {
    format!("---\ntitle: 电子商务法\ndate: 2018-08-31\n{extra_lines}---\n正文。\n")
}

#[test]
fn a_site_with_its_own_fields_builds_and_shows_them() {
    let text = law("文号: 主席令第七号\n施行日期: 2019-01-01\n效力级别: 法律\n页数:\n原文链接: https://example.org/law.pdf\n");
    let site = Site::from_files(&[
        ("site.yaml", SITE),
        ("content/laws/ecommerce.md", text.as_str()),
    ]);
    let page = site.build().page("laws/ecommerce/index.html");
    let labels = page.texts(".meta dt");
    for label in ["文号", "施行日期", "效力级别", "原文链接"] {
        assert!(
            labels.iter().any(|l| l == label),
            "{label} not in {labels:?}"
        );
    }
    // Not shown: `show` is not set.
    assert!(!labels.iter().any(|l| l == "页数"), "{labels:?}");
    assert_eq!(page.text(".meta .field-text"), "主席令第七号");
    assert_eq!(page.text(".meta .field-date"), "2019年1月1日");
    assert_eq!(
        page.attrs(".meta .field-date time", "datetime"),
        ["2019-01-01"]
    );
    assert_eq!(
        page.attrs(".meta .field-url a", "href"),
        ["https://example.org/law.pdf"]
    );
}

#[test]
fn values_are_checked_like_built_in_keys() {
    let text =
        law("施行日期: 2019-02-30\n效力级别: 法侓\n页数: 很多\n原文链接: javascript:alert(1)\n");
    let site = Site::from_files(&[
        ("site.yaml", SITE),
        ("content/laws/ecommerce.md", text.as_str()),
    ]);
    let errors = shown(&site.diagnostics());
    assert_eq!(errors.len(), 4, "{errors:#?}");
    assert!(
        errors[0].starts_with("content/laws/ecommerce.md:4:7 `施行日期`: invalid date"),
        "{errors:#?}"
    );
    assert!(
        errors[1].starts_with("content/laws/ecommerce.md:5:7")
            && errors[1].contains("did you mean `法律`?"),
        "{errors:#?}"
    );
    assert!(
        errors[2].starts_with("content/laws/ecommerce.md:6:5")
            && errors[2].contains("expected a whole number"),
        "{errors:#?}"
    );
    assert!(
        errors[3].starts_with("content/laws/ecommerce.md:7:7") && errors[3].contains("would run"),
        "{errors:#?}"
    );
}

#[test]
fn a_required_field_left_out_a_typo_in_a_key_and_a_field_of_another_section_are_errors() {
    let law_text = law("文中: 主席令第七号\n");
    let note = "---\ntitle: 笔记\ndate: 2018-09-01\n文号: 某号\n---\n正文。\n";
    let site = Site::from_files(&[
        ("site.yaml", SITE),
        ("content/laws/ecommerce.md", law_text.as_str()),
        ("content/notes/a.md", note),
    ]);
    let problems = site.diagnostics();
    let errors = shown(&problems);
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert!(
        matches!(&problems[0].problem, Problem::MissingKey { key } if key == "施行日期"),
        "{errors:#?}"
    );
    assert!(
        errors[1].contains("unknown key `文中`") && errors[1].contains("did you mean `文号`?"),
        "{errors:#?}"
    );
    assert!(
        errors[2].starts_with("content/notes/a.md:4:5 ")
            && errors[2].contains("a field of the sections laws only"),
        "{errors:#?}"
    );
}

#[test]
fn a_field_may_not_redeclare_a_built_in_key_or_have_an_unknown_type() {
    let yaml = "title: 库\nbase_url: https://example.org/\nfields:\n  date:\n    type: date\n  文号:\n    type: txt\n";
    let site = Site::from_files(&[("site.yaml", yaml), ("content/laws/a.md", law("").as_str())]);
    let err = match site.try_build(crate::support::unminified()) {
        Err(tradekb::Error::Site(d)) => shown(&d),
        other => panic!("expected site.yaml errors, got {:?}", other.map(|_| ())),
    };
    assert_eq!(err.len(), 2, "{err:#?}");
    assert!(
        err[0].contains("`date` is a built-in key of articles"),
        "{err:#?}"
    );
    assert!(
        err[1].contains("unknown type `txt`") && err[1].contains("did you mean `text`?"),
        "{err:#?}"
    );
    // Each at its own field's line in site.yaml, not at `fields:`.
    assert!(err[0].starts_with("site.yaml:4:3 "), "{err:#?}");
    assert!(err[1].starts_with("site.yaml:6:3 "), "{err:#?}");
}

#[test]
fn unknown_keys_may_be_warned_of_or_kept_for_extra() {
    let text = "---\ntitle: 迁移来的文章\ndate: 2018-09-01\nauthor: 某人\nweight: 3\n---\n正文。\n";
    let warn = "title: 库\nbase_url: https://example.org/\nunknown_keys: warn\n";
    let site = Site::from_files(&[("site.yaml", warn), ("content/posts/a.md", text)]);
    let warnings = shown(&site.warnings());
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert!(
        warnings[0].starts_with("content/posts/a.md:4:1 unknown key `author`"),
        "{warnings:#?}"
    );
    let extra = "title: 库\nbase_url: https://example.org/\nunknown_keys: extra\n";
    let site = Site::from_files(&[
        ("site.yaml", extra),
        ("content/posts/a.md", text),
        (
            "templates/page.html",
            "{{ page.extra.author }}/{{ page.extra.weight }}",
        ),
    ]);
    assert_eq!(site.warnings(), Vec::new());
    assert_eq!(site.build().read("posts/a/index.html"), "某人/3");
}

#[test]
fn a_field_naming_a_section_the_site_lacks_is_warned_of() {
    let yaml = "title: 库\nbase_url: https://example.org/\nfields:\n  文号:\n    type: text\n    sections: [law]\n";
    let site = Site::from_files(&[("site.yaml", yaml), ("content/laws/a.md", law("").as_str())]);
    let warnings = shown(&site.warnings());
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(
        warnings[0].contains("names the section `law`")
            && warnings[0].contains("did you mean `laws`?"),
        "{warnings:#?}"
    );
}

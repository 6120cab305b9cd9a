//! The built-in theme, and a site's own `templates/` and `static/` overriding it, on the
//! `overrides` fixture (which has no `themes/` folder).

use std::path::Path;

use tradekb::Problem;

use crate::support::{shown, Site};

#[test]
fn site_without_themes_folder_builds_with_the_built_in_theme() {
    let site = Site::fixture("overrides");
    site.remove_dir("templates");
    site.remove_dir("static");
    let out = site.build();
    assert_eq!(out.page("404.html").text(".not-found h1"), "页面未找到");
    assert_eq!(
        out.page("policies/a/index.html").text(".article-header h1"),
        "一篇文章"
    );
    assert!(out.read("style.css").len() > 1000, "the theme's stylesheet");
    assert!(out.exists("favicon.svg"), "the theme's other static files");
}

#[test]
fn site_template_overrides_the_theme_404() {
    let out = Site::fixture("overrides").build();
    let page = out.page("404.html");
    assert_eq!(page.text("main .site-404"), "本站自己的 404 页面");
    assert_eq!(page.count(".not-found"), 0);
    assert_eq!(
        page.count(".site-header"),
        1,
        "it still extends the theme's base.html"
    );
}

#[test]
fn site_static_file_overrides_the_theme_stylesheet() {
    let site = Site::fixture("overrides");
    let out = site.build();
    let own = std::fs::read_to_string(site.root().join("static/style.css")).unwrap();
    assert_eq!(out.read("style.css"), own);
    assert!(
        out.exists("favicon.svg"),
        "other theme files are still there"
    );
}

/// A site's own language file changes the strings it names, nested ones too, and keeps the
/// theme's others (it used to replace the theme's whole file, so a site that changed one
/// string lost every other and its build failed on the first string a template asked for).
#[test]
fn a_site_language_file_changes_only_the_strings_it_names() {
    let site = Site::fixture("overrides");
    site.remove_dir("templates");
    site.write(
        "i18n/zh-CN.yaml",
        "# only what this site says differently\nskip_to_content: 直达正文\nkinds:\n  policy: 政策文件\n",
    );
    let out = site.build();
    let page = out.page("policies/a/index.html");
    assert_eq!(page.text(".skip-link"), "直达正文");
    assert_eq!(page.text(".article-kicker .kind"), "政策文件");
    assert_eq!(
        page.attrs(".breadcrumb", "aria-label"),
        ["当前位置"],
        "a string the site does not name is the theme's"
    );
    assert_eq!(
        page.text(".article-header time"),
        "2014年1月1日",
        "the theme's date format"
    );
}

#[test]
fn a_language_file_that_is_not_a_mapping_is_an_error_naming_it() {
    let site = Site::fixture("overrides");
    site.write("i18n/zh-CN.yaml", "- 直达正文\n");
    assert_eq!(
        shown(&site.diagnostics()),
        ["i18n/zh-CN.yaml:1:1 a language file must be a mapping of names to strings, not a list \
          (write each string as `name: text`, such as `skip_to_content: 跳到正文`)"]
    );
}

/// What a site's language file gets wrong is shown where it is written: a date format
/// chrono cannot write (dates used to fall back to ISO without a word), a group written as
/// one string (the kinds' names used to be lost); a string no template uses, likely
/// misspelt, is a warning (it used to be ignored without a word).
#[test]
fn a_site_language_file_is_checked_where_it_is_written() {
    let site = Site::fixture("overrides");
    site.remove_dir("templates");
    site.write(
        "i18n/zh-CN.yaml",
        "kinds: 政策文件\nstatus:\n  draft: 草稿\ndate_format: \"%Y年%Q\"\n",
    );
    let shown = shown(&site.diagnostics());
    assert_eq!(shown.len(), 2, "{shown:#?}");
    assert!(shown[0].starts_with("i18n/zh-CN.yaml:1:1 `kinds`: is a group of strings in the theme, not one string (write `kinds:` and under it"), "{shown:#?}");
    assert!(
        shown[1].starts_with(
            "i18n/zh-CN.yaml:4:1 `date_format`: `%Y年%Q` is not a date format (use strftime fields"
        ),
        "{shown:#?}"
    );

    site.write(
        "i18n/zh-CN.yaml",
        "footer_not: 自定义\nstatus:\n  draft: 草稿\n",
    );
    let warnings = site.warnings();
    assert_eq!(
        super::support::shown(&warnings),
        ["i18n/zh-CN.yaml:1:1 no template uses the string `footer_not` (did you mean `footer_note`?)"]
    );
    // A name a template builds (`t["meta_date_" ~ page.kind]`) is no misspelling.
    site.write("i18n/zh-CN.yaml", "meta_date_notes: 记录日期\n");
    assert_eq!(site.warnings(), []);
    site.write("i18n/zh-CN.yaml", "footer_not: 自定义\n");
    // A string of the site's own templates is theirs to use.
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block main %}{{ t.footer_not }}{% endblock main %}",
    );
    assert_eq!(site.warnings(), []);
}

#[test]
fn template_syntax_error_names_the_template() {
    let site = Site::fixture("overrides");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block main %}{% if page.title %}{{ page.title }}{% endblock main %}\n",
    );
    let diags = site.diagnostics();
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert!(
        matches!(diags[0].problem, Problem::Template { .. }),
        "{}",
        diags[0]
    );
    assert_eq!(
        diags[0].path,
        Path::new("templates/page.html"),
        "{}",
        diags[0]
    );
    assert_eq!(diags[0].position.map(|p| p.line), Some(2), "{}", diags[0]);
}

#[test]
fn undefined_variable_in_a_template_names_the_template() {
    let site = Site::fixture("overrides");
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}\n{% block main %}{{ no_such_variable }}{% endblock main %}\n",
    );
    let diags = site.diagnostics();
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert!(
        matches!(diags[0].problem, Problem::Template { .. }),
        "{}",
        diags[0]
    );
    assert_eq!(
        diags[0].path,
        Path::new("templates/404.html"),
        "{}",
        diags[0]
    );
    assert_eq!(
        diags[0].location(),
        "templates/404.html:2:20",
        "{}",
        diags[0]
    );
    assert_eq!(
        diags[0].snippet.as_deref(),
        Some("{% block main %}{{ no_such_variable }}{% endblock main %}")
    );
}

/// A site with one article that has an old URL, built with `theme` (a folder under themes/
/// with its templates) and its own `templates/`.
fn site_with_alias(theme: &[(&str, &str)], own: &[(&str, &str)]) -> Site {
    let mut files = vec![
        (
            "site.yaml",
            "title: 测试站\nbase_url: https://example.org/\ntheme: plain\n",
        ),
        (
            "content/policies/a.md",
            "---\ntitle: 一篇文章\ndate: 2014-01-02\naliases: [/old/a/]\n---\n正文。\n",
        ),
    ];
    files.extend_from_slice(theme);
    files.extend_from_slice(own);
    Site::from_files(&files)
}

/// The templates a theme must have, each printing only what identifies it.
const PLAIN_THEME: &[(&str, &str)] = &[
    ("themes/plain/templates/index.html", "home"),
    ("themes/plain/templates/section.html", "section"),
    ("themes/plain/templates/page.html", "page {{ page.title }}"),
    ("themes/plain/templates/tags.html", "tags"),
    ("themes/plain/templates/tag.html", "tag"),
    ("themes/plain/templates/cities.html", "cities"),
    ("themes/plain/templates/city.html", "city"),
    ("themes/plain/templates/404.html", "404"),
    (
        "themes/plain/i18n/zh-CN.yaml",
        "redirect_text: 已迁移至\ndate_format: \"%Y-%m-%d\"\n",
    ),
];

#[test]
fn a_theme_without_a_redirect_template_gets_the_built_in_one() {
    let out = site_with_alias(PLAIN_THEME, &[]).build();
    let page = out.page("old/a/index.html");
    assert_eq!(
        page.attrs("link[rel=canonical]", "href"),
        ["https://example.org/policies/a/"]
    );
    assert_eq!(page.text("body p"), "已迁移至 一篇文章");
}

#[test]
fn a_site_template_shapes_the_redirect_page() {
    let own = [(
        "templates/redirect.html",
        "<p class=moved>{{ page.title }} → {{ to }}</p>",
    )];
    let out = site_with_alias(PLAIN_THEME, &own).build();
    assert_eq!(
        out.page("old/a/index.html").text("p.moved"),
        "一篇文章 → https://example.org/policies/a/"
    );
}

#[test]
fn a_static_link_that_leads_out_of_the_site_is_refused_a_link_inside_is_published() {
    let site = Site::fixture("overrides");
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.txt");
    std::fs::write(&secret, "私钥").unwrap();
    std::os::unix::fs::symlink(&secret, site.root().join("static/leak.txt")).unwrap();
    std::os::unix::fs::symlink("style.css", site.root().join("static/same.css")).unwrap();
    let problems = site.diagnostics();
    let leak = problems
        .iter()
        .find(|d| d.path.ends_with("static/leak.txt"))
        .unwrap_or_else(|| panic!("no problem names static/leak.txt: {problems:?}"));
    assert!(leak.to_string().contains("outside its folder"), "{leak}");
    assert_eq!(
        problems.len(),
        1,
        "the link inside static/ is fine: {problems:?}"
    );
    std::fs::remove_file(site.root().join("static/leak.txt")).unwrap();
    let out = site.build();
    assert_eq!(out.read("same.css"), out.read("style.css"));
    // The language file is read into every page: a link out of i18n/ is refused too.
    std::fs::write(&secret, "footer_note: 私钥\n").unwrap();
    std::fs::create_dir(site.root().join("i18n")).unwrap();
    std::os::unix::fs::symlink(&secret, site.root().join("i18n/zh-CN.yaml")).unwrap();
    let problems = site.diagnostics();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].path.ends_with("i18n/zh-CN.yaml"),
        "{problems:?}"
    );
    assert!(problems[0].to_string().contains("outside its folder"));
}

#[test]
fn only_pages_that_show_code_wait_for_the_code_stylesheet() {
    let code = "```yaml\nkey: 值\n```\n";
    let out = Site::from_files(&[
        (
            "content/policies/code.md",
            &format!("---\ntitle: 有代码\ndate: 2014-01-01\n---\n{code}"),
        ),
        (
            "content/policies/text.md",
            "---\ntitle: 无代码\ndate: 2014-01-02\n---\n正文，`行内代码`不算。\n",
        ),
        (
            "content/cities/changsha.md",
            &format!("---\nname: 长沙\nslug: changsha\n---\n{code}"),
        ),
    ])
    .build();
    let styles = |rel: &str| out.page(rel).attrs(r#"link[rel="stylesheet"]"#, "href");
    let syntax = "/syntax.css".to_string();
    assert!(styles("policies/code/index.html").contains(&syntax));
    assert!(
        styles("cities/changsha/index.html").contains(&syntax),
        "a profile's code"
    );
    for rel in [
        "policies/text/index.html",
        "index.html",
        "policies/index.html",
        "tags/index.html",
    ] {
        assert!(!styles(rel).contains(&syntax), "{rel}: {:?}", styles(rel));
        assert!(styles(rel).contains(&"/style.css".to_string()), "{rel}");
    }
    assert!(
        out.exists("syntax.css"),
        "published for the pages that need it"
    );
}

#[test]
fn the_home_page_names_the_site_as_every_header_does() {
    let site = crate::support::Site::from_files(&[
        ("content/_index.md", "---\ntitle: 首页\n---\n欢迎。\n"),
        (
            "content/policies/a.md",
            "---\ntitle: 甲\ndate: 2014-01-01\n---\n正文。\n",
        ),
    ]);
    let home = site.build().page("index.html");
    assert_eq!(home.text(".hero h1"), "测试站");
    assert_eq!(home.text(".hero h1"), home.text(".brand-name"));
    assert_eq!(
        home.text("title"),
        "首页 · 测试站",
        "the home page's own title names the tab"
    );
}

//! Markdown features, on the `markdown` fixture.

use crate::support::{unminified, Output, Site};

const ARTICLE: &str = "policies/features/index.html";

fn built() -> Output {
    Site::fixture("markdown").build()
}

#[test]
fn article_main_matches_snapshot() {
    insta::assert_snapshot!("features_main", built().main(ARTICLE));
}

#[test]
fn tables_strikethrough_task_lists_and_footnotes_render() {
    let page = built().page(ARTICLE);
    assert_eq!(page.texts(".article-body table th"), ["城市", "批次"]);
    assert_eq!(page.texts(".article-body table td"), ["上海", "第一批"]);
    assert_eq!(page.texts(".article-body del"), ["旧的表述"]);
    // A task's box is an image named by its state in the site's language (a disabled
    // checkbox was a form control without a label), ticked told apart by its class.
    assert_eq!(page.count(".article-body input"), 0);
    assert_eq!(
        page.attrs(".article-body li > .task[role=img]", "aria-label"),
        ["已完成", "未完成"]
    );
    assert_eq!(page.count(".article-body .task.task-done"), 1);
    assert_eq!(
        page.attrs(".article-body sup a", "href"),
        ["#fn-reply"],
        "the footnote reference links to its definition"
    );
    assert_eq!(page.count(".article-body [id=fn-reply]"), 1);
}

#[test]
fn chinese_headings_get_readable_unique_ids_and_attributes_win() {
    let page = built().page(ARTICLE);
    assert_eq!(
        page.attrs(".article-body h2", "id"),
        ["第一批试点城市", "第一批试点城市-1"]
    );
    assert_eq!(page.attrs(".article-body h3", "id"), ["materials"]);
    assert_eq!(page.texts(".article-body h3"), ["申报材料"]);
}

#[test]
fn toc_nests_deeper_headings_under_their_parent() {
    let page = built().page(ARTICLE);
    assert_eq!(
        page.attrs(".toc > ol > li > a", "href"),
        ["#第一批试点城市", "#第一批试点城市-1"]
    );
    assert_eq!(
        page.grouped(".toc > ol > li", "li li > a"),
        [vec!["申报材料".to_string()], vec![]]
    );
}

#[test]
fn toc_lists_headings_at_every_depth() {
    let body = "## 二级\n\n### 三级\n\n#### 四级\n\n##### 五级\n\n###### 六级\n\n## 另一个二级\n";
    let site = Site::from_files(&[(
        "content/policies/deep.md",
        &format!("---\ntitle: 深\ndate: 2014-01-02\n---\n{body}"),
    )]);
    let page = site
        .build_with(unminified())
        .page("policies/deep/index.html");
    assert_eq!(
        page.texts(".toc a"),
        ["二级", "三级", "四级", "五级", "六级", "另一个二级"]
    );
    // Each heading's entry sits inside its parent's: six levels, five lists deep.
    assert_eq!(page.texts(".toc ol ol ol ol ol > li > a"), ["六级"]);
    assert_eq!(page.texts(".toc > ol > li > a"), ["二级", "另一个二级"]);
}

#[test]
fn summary_is_the_first_paragraph() {
    let out = built();
    let expected = "第一段介绍试点范围，用作摘要。";
    assert_eq!(out.page(ARTICLE).description(), expected);
    assert_eq!(
        out.page("policies/index.html").texts(".card-summary")[0],
        expected,
        "the newest article's card"
    );
}

#[test]
fn summary_is_the_text_before_the_more_marker() {
    let out = built();
    let expected = "甲段说明背景。 乙段说明要点。";
    let page = out.page("policies/more-marker/index.html");
    assert_eq!(page.description(), expected);
    assert_eq!(
        out.page("policies/index.html").texts(".card-summary")[1],
        expected,
        "the second newest article's card"
    );
    assert_eq!(
        page.texts(".article-body p").len(),
        3,
        "the body keeps every paragraph"
    );
    assert!(!out
        .read("policies/more-marker/index.html")
        .contains("<!-- more -->"));
}

#[test]
fn reading_time_counts_chinese_characters() {
    // 1200 Chinese characters at 500 a minute: 2.4, rounded up to 3 minutes.
    let page = built().page("policies/long-read/index.html");
    let reading = page
        .texts(".meta dd")
        .into_iter()
        .find(|t| t.contains("分钟"))
        .expect("a reading time");
    assert!(reading.starts_with("约 3 分钟"), "{reading}");
    assert_eq!(page.text(".meta-sub"), "1200 字");
}

#[test]
fn yaml_code_is_highlighted_and_an_unknown_language_is_plain_text() {
    let page = built().page(ARTICLE);
    let yaml = page.inner_html(r#"pre[data-lang="yaml"] code"#);
    assert_eq!(yaml.len(), 1);
    assert!(yaml[0].contains(r#"<span class="hl-"#), "{}", yaml[0]);
    let plain = page.inner_html(r#"pre[data-lang="no-such-language"] code"#);
    assert_eq!(plain, ["&lt;b&gt;原样输出&lt;/b&gt;\n"]);
}

#[test]
fn heading_and_footnote_with_the_same_name_get_distinct_ids() {
    let site = Site::from_files(&[(
        "content/policies/notes.md",
        "---\ntitle: 注释\ndate: 2014-01-01\n---\n## 注释\n\n正文[^注释]。\n\n[^注释]: 说明。\n",
    )]);
    let page = site.build().page("policies/notes/index.html");
    assert_eq!(page.duplicate_ids(), Vec::<String>::new());
}

#[test]
fn heading_never_takes_an_id_the_theme_uses() {
    let site = Site::from_files(&[(
        "content/policies/main.md",
        "---\ntitle: 标题\ndate: 2014-01-01\n---\n## Main\n\n正文。\n",
    )]);
    let page = site.build().page("policies/main/index.html");
    assert_eq!(page.duplicate_ids(), Vec::<String>::new());
}

#[test]
fn emphasis_follows_the_cjk_friendly_amendments() {
    let body = "这是**重点，**后文，*斜体*。\n\n以及**“引号”**内容。\n\n## **要点：**申报\n";
    let site = Site::from_files(&[(
        "content/policies/emphasis.md",
        &format!("---\ntitle: 强调\ndate: 2014-01-02\n---\n{body}"),
    )]);
    let page = site.build().page("policies/emphasis/index.html");
    assert_eq!(
        page.texts(".article-body strong"),
        ["重点，", "“引号”", "要点："]
    );
    assert_eq!(page.texts(".article-body em"), ["斜体"]);
    assert_eq!(page.texts(".article-body h2"), ["要点：申报"]);
    assert!(
        !page.text(".article-body").contains('*'),
        "no delimiter is left as text"
    );
}

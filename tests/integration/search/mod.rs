//! Search: the index `build` writes (Pagefind's bundle under `pagefind/`), the search page
//! and the box in every page's header; then a reader's searches in a real browser, over a
//! plain static server, as on any static host.

use std::path::Path;
use std::time::Duration;

use tradekb::Overrides;

use crate::browser::Browser;
use crate::support::Site;

mod recall;

fn a_site() -> Site {
    let article = |title: &str, city: &str| {
        format!("---\ntitle: {title}\ndate: 2014-01-02\ncities: [{city}]\ntags: [海关]\n---\n{title}的正文。\n")
    };
    Site::from_files(&[
        (
            "content/policies/a.md",
            &article("海关总署同意长沙开展试点", "长沙"),
        ),
        ("content/pilots/b.md", &article("牡丹江获批试点", "牡丹江")),
        ("content/about.md", "---\ntitle: 关于\n---\n关于本站。\n"),
    ])
}

#[test]
fn build_writes_the_index_the_search_page_and_a_box_on_every_page() {
    let out = a_site().build();
    for file in [
        "pagefind/pagefind.js",
        "pagefind/pagefind-entry.json",
        "pagefind/pagefind-worker.js",
    ] {
        assert!(out.exists(file), "{file}");
    }
    let bundle = out.tree();
    assert!(
        bundle.keys().any(|p| p.starts_with("pagefind/index/")),
        "an index"
    );
    assert!(
        bundle.keys().any(|p| p.starts_with("pagefind/fragment/")),
        "fragments"
    );
    assert!(
        !bundle.keys().any(|p| p.starts_with("pagefind/pagefind-ui")),
        "not Pagefind's own interface: the theme has its own"
    );
    let page = out.page("search/index.html");
    assert_eq!(page.attrs("#tkb-search", "data-bundles"), ["/pagefind/"]);
    assert_eq!(page.attrs("#tkb-search-q", "name"), ["q"]);
    for other in ["index.html", "policies/a/index.html", "tags/index.html"] {
        let header = out.page(other);
        assert_eq!(
            header.attrs(".site-search", "action"),
            ["/search/"],
            "{other}"
        );
        assert_eq!(
            header.attrs("script[type=module]", "src"),
            ["/search.js"],
            "{other}"
        );
    }
}

#[test]
fn without_search_there_is_no_index_no_page_and_no_box() {
    let site = a_site();
    let no_search = Overrides {
        no_search: true,
        ..crate::support::unminified()
    };
    let off = [site.build_with(no_search), {
        site.write(
            "site.yaml",
            "title: 测试站\nbase_url: https://example.org/\nsearch: false\n",
        );
        site.build()
    }];
    for out in off {
        assert!(!out.exists("pagefind/pagefind.js"));
        assert!(!out.exists("search/index.html"));
        assert_eq!(out.page("index.html").count(".site-search"), 0);
    }
}

#[test]
fn under_a_sub_path_the_search_page_loads_the_index_from_under_it() {
    let site = a_site();
    site.write(
        "site.yaml",
        "title: 测试站\nbase_url: https://example.org/kb/\n",
    );
    let out = site.build();
    let page = out.page("search/index.html");
    assert_eq!(page.attrs("#tkb-search", "data-bundles"), ["/kb/pagefind/"]);
    assert_eq!(
        out.page("index.html").attrs(".site-search", "action"),
        ["/kb/search/"]
    );
}

/// A static host: Python's `http.server` serving a built site at `prefix` (`/` or `/kb/`) on
/// a loopback port, stopped when dropped. (Not a server of the test's own: tiny_http,
/// which tradekb's `serve` uses, left Chromium's requests for Pagefind's chunks waiting now
/// and then when several browsers ran in one process.)
pub(crate) struct StaticHost {
    child: std::process::Child,
    /// The folder served: the site's, or one holding it at `prefix`.
    _root: Option<tempfile::TempDir>,
    pub(crate) url: String,
}

impl StaticHost {
    pub(crate) fn serve(site: &std::path::Path, prefix: &'static str) -> StaticHost {
        let port = (std::net::TcpListener::bind("127.0.0.1:0"))
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let (root, served) = match prefix.trim_matches('/') {
            "" => (None, site.to_path_buf()),
            sub => {
                let top = tempfile::tempdir().unwrap();
                std::os::unix::fs::symlink(site, top.path().join(sub)).unwrap();
                let path = top.path().to_path_buf();
                (Some(top), path)
            }
        };
        let child = std::process::Command::new("python3")
            .args([
                "-m",
                "http.server",
                "--bind",
                "127.0.0.1",
                &port.to_string(),
            ])
            .arg("--directory")
            .arg(&served)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("python3 runs (apt-get install python3)");
        let url = format!("http://127.0.0.1:{port}{prefix}");
        let start = std::time::Instant::now();
        while ureq::get(&url).call().is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "the static host did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        StaticHost {
            child,
            _root: root,
            url,
        }
    }
}

impl Drop for StaticHost {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The sample site built with `base_url` (search index and all), once per test process.
pub(crate) fn built_sample(base_url: &str) -> &'static Path {
    crate::support::sample_built(base_url, true)
}

/// The titles and links of the results the search page shows for `query`, once it shows
/// them.
pub(super) fn results(browser: &Browser, root: &str, query: &str) -> Vec<(String, String)> {
    browser.goto(&format!("{root}search/?q={}", urlencode(query)));
    wait_for_results(browser);
    titles(browser)
}

/// Waits for a search to show its results, or to say it found none.
pub(crate) fn wait_for_results(browser: &Browser) {
    let start = std::time::Instant::now();
    let status = "return document.getElementById('tkb-search-status').textContent";
    let none = browser.eval("return document.getElementById('tkb-search').dataset.tNone");
    loop {
        let now = browser.eval(status);
        if now.as_str().is_some_and(|s| s.contains('篇')) || now == none {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no results shown; the status says {now} at {}; the console: {:?}",
            browser.eval("return location.href"),
            browser.console()
        );
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// Waits for the filter chips, which follow the first results.
fn wait_for_chips(browser: &Browser) {
    browser.wait_until(
        "the filter chips",
        Duration::from_secs(20),
        "return document.querySelectorAll('.search-chip').length > 0",
    );
}

pub(super) fn titles(browser: &Browser) -> Vec<(String, String)> {
    let found = browser.eval(
        "return [...document.querySelectorAll('#tkb-search-results .card-title a')]
           .map(a => [a.textContent, a.getAttribute('href')])",
    );
    serde_json::from_value(found).expect("pairs of text")
}

/// The links of results, without their titles.
fn links_of(found: Vec<(String, String)>) -> Vec<String> {
    found.into_iter().map(|(_, url)| url).collect()
}

pub(super) fn urlencode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

pub(super) fn is_article(url: &str, root_path: &str) -> bool {
    let rel = url.strip_prefix(root_path).unwrap_or(url);
    ["policies/", "pilots/", "analysis/", "sources/"]
        .iter()
        .any(|s| rel.starts_with(s))
}

#[test]
fn a_reader_finds_articles_by_their_chinese_words_and_narrows_them_by_city() {
    let public = built_sample("https://example.org/");
    let host = StaticHost::serve(public, "/");
    let root = host.url.clone();
    let browser = Browser::open(1280, 900);
    for (query, expected) in [
        ("牡丹江", "东北的两个试点城市：牡丹江与哈尔滨"),
        ("海关总署", "海关总署同意长沙开展跨境电子商务服务试点"),
        (
            "跨境电商",
            "张兆安建议把发展跨境电子商务进口作为国家经济战略",
        ),
    ] {
        let found = results(&browser, &root, query);
        assert!(
            found.iter().any(|(t, _)| t == expected),
            "{query}: {found:?}"
        );
        // Each badge in the colour of its kind, as in every other list (they were grey).
        let badges = browser.eval(
            "return [...document.querySelectorAll('#tkb-search-results .badge.kind')]
               .map(b => b.className)",
        );
        let badges = badges.as_array().unwrap();
        assert!(!badges.is_empty());
        assert!(
            badges
                .iter()
                .all(|c| c.as_str().unwrap().contains(" kind-")),
            "{badges:?}"
        );
        assert!(
            found.iter().all(|(_, u)| is_article(u, "/")),
            "only articles: {found:?}"
        );
        let marks =
            browser.eval("return document.querySelectorAll('#tkb-search-results mark').length");
        assert!(
            marks.as_u64().unwrap_or(0) > 0,
            "{query}: the words are highlighted"
        );
        // A term is one highlight, however many words Pagefind matched in it.
        let split = browser.eval(
            "return [...document.querySelectorAll('#tkb-search-results mark')]
               .filter(m => m.previousSibling?.nodeName === 'MARK').length",
        );
        assert_eq!(split, 0, "{query}: marks side by side");
        let robots = "return document.querySelector('meta[name=robots]')?.content ?? null";
        assert_eq!(
            browser.eval(robots),
            "noindex",
            "a page of results is not to be indexed"
        );
        // Excerpts read as Chinese: no full stop and space that Pagefind puts after a
        // heading, and no gap after Chinese punctuation.
        let odd = browser.eval(
            "return [...document.querySelectorAll('#tkb-search-results .card-summary')]
               .map(p => p.textContent)
               .filter(e => /^\\. |\\p{Script=Han}\\. |[。：，”》\\p{Script=Han}]\\s+[\\p{Script=Han}《“]/u.test(e))",
        );
        let odd = odd.as_array().cloned().unwrap_or_default();
        assert!(odd.is_empty(), "{query}: {odd:?}");
        // Each excerpt is Pagefind's, less the title where it starts with it: none of its
        // text is lost.
        let cut = browser.eval(&format!(
            "const page = document.querySelector('script[src$=\"search.js\"]').src;
             const bundle = document.getElementById('tkb-search').dataset.bundles.split(' ')[0];
             const norm = (s) => s.replace(/<[^>]*>/g, '').replace(/[\\s\\u200B.。…]/g, '');
             const cards = [...document.querySelectorAll('#tkb-search-results .card-summary')];
             return Promise.all([import(bundle + 'pagefind.js'), import(page)])
               .then(([pf, search]) => search.find(pf, {}, {{}}))
               .then(f => Promise.all(f.results.slice(0, cards.length).map(r => r.data())))
               .then(data => data.filter((d, i) => {{
                 const card = norm(cards[i].textContent), raw = norm(d.excerpt);
                 return card !== raw && raw !== norm(d.meta.title) + card;
               }}).map(d => d.url));",
            serde_json::to_string(query).unwrap()
        ));
        assert_eq!(cut, serde_json::json!([]), "{query}: excerpts cut");
    }
    // A city filter narrows the results, and goes into the URL.
    let all = results(&browser, &root, "跨境电商").len();
    wait_for_chips(&browser);
    browser.eval(
        "[...document.querySelectorAll('.search-chip')]
           .find(b => b.textContent.startsWith('牡丹江 ')).click()",
    );
    browser.wait_until(
        "the filtered results",
        Duration::from_secs(20),
        &format!("return document.querySelectorAll('#tkb-search-results li').length < {all}"),
    );
    let narrowed = titles(&browser);
    assert!(!narrowed.is_empty() && narrowed.len() < all, "{narrowed:?}");
    let url = browser.eval("return location.search");
    assert!(url.as_str().unwrap_or("").contains("city="), "{url}");
    // The box in the header leads there from any page.
    browser.goto(&format!("{root}cities/"));
    browser.eval(
        "const box = document.getElementById('tkb-site-q'); box.value = '牡丹江'; box.form.submit()",
    );
    wait_for_results(&browser);
    let from_header = titles(&browser);
    assert!(
        from_header.iter().any(|(t, _)| t.contains("牡丹江")),
        "{from_header:?}"
    );
    let errors: Vec<_> = (browser.console().into_iter())
        .filter(|(level, _)| level == "SEVERE")
        .collect();
    assert!(errors.is_empty(), "the pages logged errors: {errors:?}");
}

#[test]
fn under_a_sub_path_results_link_to_pages_under_it() {
    let public = built_sample("https://example.org/kb/");
    let host = StaticHost::serve(public, "/kb/");
    let root = host.url.clone();
    let browser = Browser::open(390, 800);
    let found = results(&browser, &root, "长沙");
    assert!(!found.is_empty());
    assert!(
        found.iter().all(|(_, u)| is_article(u, "/kb/")),
        "{found:?}"
    );
}

#[test]
fn odd_queries_find_nothing_or_show_text_and_never_run_markup() {
    let public = built_sample("https://example.org/");
    let host = StaticHost::serve(public, "/");
    let browser = Browser::open(1280, 900);
    let long = "跨境".repeat(500);
    for query in [
        "！？。，",
        "<script>window.ran = 1</script>",
        "<img src=x onerror=window.ran=1>",
        &long,
    ] {
        browser.goto(&format!("{}search/?q={}", host.url, urlencode(query)));
        browser.wait_until(
            "a settled search",
            Duration::from_secs(20),
            "const s = document.getElementById('tkb-search-status').textContent;
             return !s.includes('…')",
        );
        // A search that finds nothing leaves the status empty (only punctuation: none is
        // run); one that does says so: let it finish.
        std::thread::sleep(Duration::from_millis(500));
        let typed = browser.eval("return document.getElementById('tkb-search-q').value");
        assert_eq!(typed.as_str(), Some(query), "the query is shown as typed");
        let markup = browser.eval(
            "return document.querySelectorAll('#tkb-search-results script, #tkb-search-results img').length",
        );
        assert_eq!(markup.as_u64(), Some(0), "{query}");
        assert_eq!(
            browser.eval("return window.ran === undefined"),
            serde_json::Value::Bool(true),
            "{query}"
        );
    }
}

fn page_count(out: &crate::support::Output) -> u64 {
    let entry: serde_json::Value =
        serde_json::from_str(&out.read("pagefind/pagefind-entry.json")).expect("JSON");
    entry["languages"]["zh-cn"]["page_count"]
        .as_u64()
        .unwrap_or(0)
}

#[test]
fn an_article_marking_part_of_itself_for_pagefind_leaves_the_others_indexed() {
    let site = a_site();
    site.write(
        "content/analysis/c.md",
        "---\ntitle: 丙\ndate: 2014-01-03\n---\n<div data-pagefind-body>只有这里</div>\n\n正文。\n",
    );
    assert_eq!(
        page_count(&site.build()),
        3,
        "the three articles, not the about page"
    );
}

#[test]
fn a_site_with_nothing_to_search_has_no_search_page() {
    let site = Site::from_files(&[("content/about.md", "---\ntitle: 关于\n---\n关于本站。\n")]);
    let out = site.build();
    assert!(!out.exists("search/index.html") && !out.exists("pagefind/pagefind.js"));
    assert_eq!(out.page("about/index.html").count(".site-search"), 0);
}

/// Pagefind's files fill `pagefind/`: a file of the site's own there would be overwritten by
/// one of them, or (through `serve`) hidden behind the index.
#[test]
fn a_file_inside_the_index_folder_is_an_error_naming_it() {
    let site = a_site();
    site.write("static/pagefind/custom.js", "// mine\n");
    let errors: Vec<_> = (site.diagnostics().into_iter())
        .filter(|d| d.is_error())
        .collect();
    let shown = crate::support::shown(&errors);
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(
        shown[0].starts_with("static/pagefind/custom.js")
            && shown[0].contains(
                "/pagefind/custom.js is inside /pagefind/, the folder of the search index"
            ),
        "{shown:?}"
    );
    let without = site.build_with(Overrides {
        no_search: true,
        ..crate::support::unminified()
    });
    assert!(
        without.exists("pagefind/custom.js"),
        "without search it is a file like any"
    );
}

#[test]
fn a_theme_made_before_search_builds_without_it() {
    let site = a_site();
    let theme = crate::support::repo_root().join("themes/default");
    crate::support::copy_tree(&theme, &site.root().join("themes/old"));
    std::fs::remove_file(site.root().join("themes/old/templates/search.html")).unwrap();
    for lang in ["zh-CN", "en"] {
        let path = site.root().join(format!("themes/old/i18n/{lang}.yaml"));
        let strings = std::fs::read_to_string(&path).unwrap();
        let old: Vec<&str> = strings
            .lines()
            .filter(|l| !l.starts_with("search_"))
            .collect();
        std::fs::write(&path, old.join("\n") + "\n").unwrap();
    }
    site.write(
        "site.yaml",
        "title: 测试站\nbase_url: https://example.org/\ntheme: old\n",
    );
    let out = site.build();
    assert!(
        !out.exists("search/index.html"),
        "no search page without search.html"
    );
    assert!(
        !out.exists("pagefind/pagefind.js"),
        "and no index for nothing"
    );
    assert_eq!(out.page("index.html").count(".site-search"), 0);
}

#[test]
fn more_results_than_a_page_shows_are_a_button_away() {
    let out = notices(45, 1);
    let host = StaticHost::serve(&out.dir, "/");
    let browser = Browser::open(1280, 900);
    let shown = results(&browser, &host.url, "保税进口").len();
    assert_eq!(shown, 30, "a first page of results");
    browser.eval("document.getElementById('tkb-search-more').click()");
    browser.wait_until(
        "the rest of the results",
        Duration::from_secs(20),
        "return document.querySelectorAll('#tkb-search-results li').length === 45",
    );
    let hidden = browser.eval("return document.getElementById('tkb-search-more').hidden");
    assert_eq!(
        hidden,
        serde_json::Value::Bool(true),
        "nothing more to show"
    );
}

/// A site of `n` notices, the `k`th dated `k` days into 2014, tagged `t{k % tags}`, in two
/// sections by turns.
fn notices(n: usize, tags: usize) -> crate::support::Output {
    let mut files: Vec<(String, String)> = (1..=n)
        .map(|k| {
            let day = chrono::NaiveDate::from_ymd_opt(2014, 1, 1).unwrap()
                + chrono::Duration::days(k as i64);
            let text = format!(
                "---\ntitle: 第{k}号通知\ndate: {day}\ntags: [t{}]\n---\n关于保税进口的第{k}号通知。\n",
                k % tags
            );
            let section = ["policies", "analysis"][k % 2];
            (format!("content/{section}/n{k}.md"), text)
        })
        .collect();
    files.push((
        "site.yaml".into(),
        "title: 测试站\nbase_url: https://example.org/\n".into(),
    ));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    Site::from_files(&refs).build()
}

/// Shards are counted from the oldest article: a new one changes the newest shard only (so
/// `serve` indexes that one again, not all of them).
#[test]
fn a_new_article_leaves_the_older_shards_as_they_were() {
    let shard =
        |out: &crate::support::Output| crate::support::tree(&out.dir.join("pagefind/shard-0"));
    let (before, after) = (notices(130, 13), notices(131, 13));
    assert!(!shard(&before).is_empty());
    assert!(shard(&before) == shard(&after), "the oldest shard changed");
    let newest = |out: &crate::support::Output| out.read("pagefind/pagefind-entry.json");
    assert_ne!(newest(&before), newest(&after));
}

#[test]
fn a_search_by_filters_alone_lists_articles_newest_first_across_shards() {
    // More articles than one shard of the index holds: the newest 30 in one, 100 in the other.
    let out = notices(130, 13);
    assert!(out
        .dir
        .join("pagefind/shard-0/pagefind-entry.json")
        .is_file());
    let host = StaticHost::serve(&out.dir, "/");
    let browser = Browser::open(1280, 900);
    browser.goto(&format!("{}search/?tag=t0", host.url));
    wait_for_results(&browser);
    let numbers: Vec<usize> = (titles(&browser).iter())
        .map(|(t, _)| {
            t.trim_start_matches('第')
                .trim_end_matches("号通知")
                .parse()
                .unwrap()
        })
        .collect();
    let newest_first: Vec<usize> = (1..=10).rev().map(|k| k * 13).collect();
    assert_eq!(numbers, newest_first);
}

#[test]
fn every_value_of_a_filter_is_a_button_away() {
    let out = notices(24, 12);
    let host = StaticHost::serve(&out.dir, "/");
    let browser = Browser::open(1280, 900);
    results(&browser, &host.url, "保税进口");
    wait_for_chips(&browser);
    let tag_chips =
        "return document.querySelectorAll('[aria-labelledby=tkb-filter-tag] .search-chip').length";
    assert_eq!(
        browser.eval(tag_chips),
        serde_json::json!(8),
        "the most frequent first"
    );
    let all = browser.eval(
        "const b = document.querySelector('[aria-labelledby=tkb-filter-tag] .search-chip-all');
         return [b.textContent, b.getAttribute('aria-expanded')]",
    );
    assert_eq!(all, serde_json::json!(["全部 12 项", "false"]));
    browser.eval(
        "document.querySelector('[aria-labelledby=tkb-filter-tag] .search-chip-all').click()",
    );
    assert_eq!(browser.eval(tag_chips), serde_json::json!(12));
    let focused = browser.eval("return document.activeElement.getAttribute('aria-expanded')");
    assert_eq!(
        focused,
        serde_json::json!("true"),
        "the button keeps the focus"
    );
}

#[test]
fn an_article_without_text_is_found_by_its_title_and_fails_nothing() {
    let out = Site::from_files(&[
        (
            "content/policies/empty.md",
            "---\ntitle: 空白通知\ndate: 2014-01-02\n---\n",
        ),
        (
            "content/policies/markup.md",
            "---\ntitle: 图表\ndate: 2014-01-03\n---\n<div></div>\n",
        ),
        (
            "content/policies/full.md",
            "---\ntitle: 通知\ndate: 2014-01-04\n---\n保税进口。\n",
        ),
    ])
    .build();
    let host = StaticHost::serve(&out.dir, "/");
    let browser = Browser::open(1280, 900);
    let found = results(&browser, &host.url, "空白通知");
    assert_eq!(
        found,
        [("空白通知".to_string(), "/policies/empty/".to_string())]
    );
    let found = results(&browser, &host.url, "保税进口");
    assert_eq!(found, [("通知".to_string(), "/policies/full/".to_string())]);
}

#[test]
fn a_word_finds_the_articles_that_hold_it_as_written_and_no_others() {
    let out = Site::from_files(&[
        (
            "content/policies/a.md",
            "---\ntitle: 通知一\ndate: 2014-01-02\ntags: [口岸管理, RCEP, \"9710\"]\n---\n热潮向中西部扩散。\n",
        ),
        (
            "content/policies/b.md",
            "---\ntitle: 通知二\ndate: 2014-01-03\n---\n中部与西部，电子商务，共89710单。\n",
        ),
        (
            "content/policies/c.md",
            "---\ntitle: 通知三\ndate: 2014-01-04\ntags: [跨境电商]\nsummary: 凤凰涅槃之后。\nissuer: 国务院办公厅\n---\n海关监管。\n",
        ),
        (
            "content/policies/d.md",
            "---\ntitle: 通知四\ndate: 2014-01-05\n---\n进口额增长12.5%，出口额达1,000万美元。China's WTO，U.S.市场。\n\n<div>比较 a < b 之后白鹭飞翔，葛\u{E0100}城。</div>\n",
        ),
    ])
    .build();
    let host = StaticHost::serve(&out.dir, "/");
    let browser = Browser::open(1280, 900);
    // The first query as a reader types it, the others asked the way the page asks them.
    assert_eq!(
        links_of(results(&browser, &host.url, "中西部")),
        ["/policies/a/"]
    );
    let queries = [
        "中西部",
        "子商",
        "RCEP",
        "9710",
        "跨境电商",
        "鲟鱼子酱",
        "海关总署",
        "12.5",
        "1,000",
        "China's",
        "U.S.",
        "U.S.市场",
        "白鹭",
        "葛城",
        "凤凰涅槃",
        "国务院",
        "中西部 口岸管理",
        "中西部 海关",
    ];
    let answers = recall::ask(&browser, &host.url, &queries);
    let urls = |query: &str| -> Vec<String> { answers[query].clone() };
    // Where a segmenter cuts it apart (向中 / 西部), and inside a word (电子商务).
    assert_eq!(urls("中西部"), ["/policies/a/"]);
    assert_eq!(urls("子商"), ["/policies/b/"]);
    // By the tags alone, a Latin word and a number among Chinese ones; a number whole.
    assert_eq!(urls("RCEP"), ["/policies/a/"]);
    assert_eq!(urls("9710"), ["/policies/a/"]);
    assert_eq!(urls("跨境电商"), ["/policies/c/"]);
    // Nothing for a word no article holds, though they share characters with it.
    assert!(urls("鲟鱼子酱").is_empty());
    assert!(urls("海关总署").is_empty());
    // A number or Latin word with a mark inside it.
    for query in ["12.5", "1,000", "China's", "U.S.", "U.S.市场"] {
        assert_eq!(urls(query), ["/policies/d/"], "{query}");
    }
    // After a `<` that starts no tag, and across a variation selector.
    assert_eq!(urls("白鹭"), ["/policies/d/"]);
    assert_eq!(urls("葛城"), ["/policies/d/"]);
    // What else the page shows: a written summary, the issuer.
    assert_eq!(urls("凤凰涅槃"), ["/policies/c/"]);
    assert_eq!(urls("国务院"), ["/policies/c/"]);
    // Several words: the articles that hold them all.
    assert_eq!(urls("中西部 口岸管理"), ["/policies/a/"]);
    assert!(urls("中西部 海关").is_empty());
}

#[test]
fn a_field_marked_as_a_filter_is_one_on_the_search_page() {
    let site = "title: 测试站\nbase_url: https://example.org/\nfields:\n  文种:\n    type: choice\n    values: [通知, 意见]\n    filter: true\n  文号:\n    type: text\n";
    let out = Site::from_files(&[
        ("site.yaml", site),
        (
            "content/policies/a.md",
            "---\ntitle: 甲\ndate: 2014-01-02\n文种: 通知\n文号: 一号\n---\n保税进口。\n",
        ),
        (
            "content/policies/b.md",
            "---\ntitle: 乙\ndate: 2014-01-03\n文种: 意见\n文号: 二号\n---\n保税进口。\n",
        ),
    ])
    .build();
    let host = StaticHost::serve(&out.dir, "/");
    let browser = Browser::open(1280, 900);
    assert_eq!(results(&browser, &host.url, "保税进口").len(), 2);
    wait_for_chips(&browser);
    let groups = browser.eval(
        "return [...document.querySelectorAll('.search-filter-label')].map(l => l.textContent)",
    );
    let groups: Vec<String> = serde_json::from_value(groups).unwrap();
    assert!(groups.contains(&"文种".to_string()), "{groups:?}");
    assert!(
        !groups.contains(&"文号".to_string()),
        "not a filter: {groups:?}"
    );
    browser.eval("document.querySelector('[data-filter=\"文种=意见\"]').click()");
    browser.wait_until(
        "the filtered results",
        Duration::from_secs(20),
        "return document.querySelectorAll('#tkb-search-results li').length === 1",
    );
    assert_eq!(titles(&browser)[0].0, "乙");
    let url = browser.eval("return decodeURIComponent(location.search)");
    assert!(url.as_str().unwrap_or("").contains("文种=意见"), "{url}");
}

#[test]
fn the_search_page_itself_may_be_indexed() {
    let page = crate::support::Output::at(built_sample("https://example.org/").to_path_buf())
        .page("search/index.html");
    assert_eq!(page.count("meta[name=robots]"), 0);
}

/// On a phone the filters fold under their summary, so that the first result shows on the
/// first screen (six groups of chips pushed it to the bottom edge); chosen filters, or a
/// wide screen, keep them open.
#[test]
fn on_a_phone_the_filters_fold_and_the_results_start_on_the_first_screen() {
    let public = built_sample("https://example.org/");
    let host = StaticHost::serve(public, "/");
    let phone = Browser::open(390, 844);
    phone.goto(&format!("{}search/?q={}", host.url, urlencode("跨境")));
    wait_for_results(&phone);
    wait_for_chips(&phone);
    let seen = "const card = document.querySelector('#tkb-search-results .card');
        const chip = document.querySelector('.search-chip');
        return [card.getBoundingClientRect().bottom < innerHeight, chip.checkVisibility()]";
    assert_eq!(phone.eval(seen), serde_json::json!([true, false]), "folded");
    // Turned on its side, where the summary is gone, the filters open.
    phone.turn(844, 390);
    phone.wait_until(
        "the filters to open",
        Duration::from_secs(5),
        "return document.querySelector('.search-chip').checkVisibility()",
    );
    phone.turn(390, 844);
    phone.goto(&format!("{}search/?q={}", host.url, urlencode("跨境")));
    wait_for_chips(&phone);
    phone.eval("document.querySelector('#tkb-search-fold > summary').click()");
    assert_eq!(
        phone.eval(seen)[1],
        serde_json::json!(true),
        "opened by a tap"
    );
    phone.goto(&format!(
        "{}search/?q={}&city={}",
        host.url,
        urlencode("跨境"),
        urlencode("长沙")
    ));
    wait_for_chips(&phone);
    assert_eq!(
        phone.eval(seen)[1],
        serde_json::json!(true),
        "a city chosen: open"
    );
    let desk = Browser::open(1280, 900);
    desk.goto(&format!("{}search/?q={}", host.url, urlencode("跨境")));
    wait_for_chips(&desk);
    assert_eq!(
        desk.eval(seen)[1],
        serde_json::json!(true),
        "open where there is room"
    );
}

/// A page opened with a query shows its results and their filter chips at once: nothing
/// moves under the reader once drawn (what Lighthouse counts as layout shift).
#[test]
fn a_page_of_results_does_not_move_as_they_arrive() {
    let public = built_sample("https://example.org/");
    let host = StaticHost::serve(public, "/");
    let browser = Browser::open(390, 844);
    browser.add_to_every_page(
        "window.tkbShifts = [];
         new PerformanceObserver(list => window.tkbShifts.push(...list.getEntries()
             .filter(e => !e.hadRecentInput).map(e => e.value)))
           .observe({ type: 'layout-shift', buffered: true });",
    );
    // As on a phone: the index's files come one after another, not all at once.
    browser.slow_network(Duration::from_millis(150));
    browser.goto(&format!("{}search/?q={}", host.url, urlencode("长沙")));
    wait_for_results(&browser);
    wait_for_chips(&browser);
    // Anything still to come (a second count of the chips) has come.
    std::thread::sleep(Duration::from_millis(1500));
    let shifts = browser.eval("return window.tkbShifts");
    assert_eq!(shifts, serde_json::json!([]), "layout shifts");
}

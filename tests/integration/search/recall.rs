//! How well search finds Chinese words: every query asked through Pagefind's own script in
//! the browser, its results compared with plain substring matching over the articles' text
//! (title and body), as the search issue measures it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::{built_sample, is_article, wait_for_results, StaticHost};
use crate::browser::Browser;

/// Words and names that occur in the sample articles: cities, provinces and regions,
/// agencies and people, terms of two to six characters, dates mixed with digits.
const SAMPLE: &[&str] = &[
    "牡丹江",
    "哈尔滨",
    "合肥",
    "长沙",
    "宁波",
    "杭州",
    "郑州",
    "重庆",
    "上海",
    "平潭",
    "银川",
    "广州",
    "深圳",
    "苏州",
    "青岛",
    "安徽",
    "湖南",
    "黑龙江",
    "福建",
    "宁夏",
    "浙江",
    "河南",
    "广东",
    "江苏",
    "山东",
    "中西部",
    "东北",
    "海关总署",
    "国务院",
    "商务部",
    "海关",
    "邮政",
    "李克强",
    "张兆安",
    "陈乃科",
    "曹勇",
    "敦煌网",
    "全国人大代表",
    "两会",
    "政府工作报告",
    "跨境电商",
    "跨境电子商务",
    "服务试点",
    "试点城市",
    "第一批",
    "邮件互换局",
    "互联网金融",
    "电商平台",
    "跨境物流",
    "外贸",
    "进口",
    "出口",
    "物流",
    "通关",
    "监管",
    "建议",
    "2014年",
    "2013年",
    "2004年",
    "3月5日",
    "一月",
    "综合试验区",
    // Tags that no article's text holds: found by the articles' tags.
    "人大代表建议",
    "海关特殊监管区域",
];

/// Words that no sample article holds, though each shares characters or words with many
/// (电子, 资料, 商务, 大): search must find nothing.
const ABSENT: &[&str] = &[
    "鲟鱼子酱",
    "火锅底料",
    "大熊猫",
    "比特币",
    "保税进口",
    "出口退税",
    "人工智能",
    "务部门户",
];

/// Terms of the shared benchmark corpus (its tags and cities, which its bodies use), for a
/// site built from it: `TRADEKB_RECALL_SITE=…/corpus-1000/tradekb cargo test -- --ignored
/// recall`.
const BENCH: &[&str] = &[
    "跨境电商",
    "自贸试验区",
    "关税",
    "负面清单",
    "RCEP",
    "通关便利化",
    "出口退税",
    "海关监管",
    "保税物流",
    "数字贸易",
    "服务贸易",
    "外商投资",
    "原产地规则",
    "中欧班列",
    "海南自贸港",
    "离岸贸易",
    "贸易救济",
    "出口管制",
    "知识产权",
    "营商环境",
    "综合保税区",
    "市场采购贸易",
    "海外仓",
    "单一窗口",
    "检验检疫",
    "一带一路",
    "陆海新通道",
    "粤港澳大湾区",
    "多式联运",
    "冷链物流",
    "跨境支付",
    "人民币跨境结算",
    "数据跨境流动",
    "数字人民币",
    "电子提单",
    "两步申报",
    "AEO认证",
    "商品归类",
    "进口博览会",
    "广交会",
    "离岛免税",
    "网购保税",
    "9610",
    "9710",
    "1210",
    "平行进口汽车",
    "新能源汽车",
    "锂电池",
    "集成电路",
    "生物医药",
    "碳边境调节机制",
    "ESG",
    "实体清单",
    "制度型开放",
    "一网通办",
    "上海",
    "乌鲁木齐",
    "牡丹江",
    "满洲里",
    "石家庄",
    "义乌",
    "哈尔滨",
];

/// Whether `text` holds `query`, as a reader means it: anywhere for a Chinese term, but a Latin
/// word or a number only as a whole (`9710` is not in `89710`, nor in table cells `39` and
/// `710`, whose texts run together here).
fn holds(text: &str, query: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric();
    if !query.chars().all(word) {
        return text.contains(query);
    }
    text.match_indices(query).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + query.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

/// The text of every article of a built site, by its path from the site's root: its title,
/// body, and what else its page shows of it (its summary, issuer and fields, and the names of
/// its cities and tags).
fn article_texts(public: &Path) -> BTreeMap<String, String> {
    let body = scraper::Selector::parse(".article-body").unwrap();
    let title = scraper::Selector::parse("main h1").unwrap();
    let shown = "main .lead, main dd.issuer, main dd.field, main .chip-city, main .chip-tag";
    let names = scraper::Selector::parse(shown).unwrap();
    let mut texts = BTreeMap::new();
    for entry in walkdir::WalkDir::new(public) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(public).unwrap().to_string_lossy();
        let Some(dir) = rel.strip_suffix("index.html") else {
            continue;
        };
        let url = format!("/{dir}");
        if !is_article(&url, "/") {
            continue;
        }
        let html = scraper::Html::parse_document(&std::fs::read_to_string(entry.path()).unwrap());
        let text =
            |s: &scraper::Selector| -> String { html.select(s).flat_map(|e| e.text()).collect() };
        let body = text(&body);
        let names: Vec<String> = html.select(&names).map(|e| e.text().collect()).collect();
        if !body.is_empty() {
            let all = format!("{}\n{body}\n{}", text(&title), names.join("\n"));
            texts.insert(url, all.to_lowercase());
        }
    }
    texts
}

/// The URLs Pagefind's script gives for each query, asked the way the search page of `root`
/// asks it (its `find`: Pagefind's exact search for each word, spelled as the index keeps it),
/// once that page has loaded and merged every shard of the index.
pub(super) fn ask(
    browser: &Browser,
    root: &str,
    queries: &[&str],
) -> BTreeMap<String, Vec<String>> {
    browser.goto(&format!("{root}search/?q={}", super::urlencode(queries[0])));
    wait_for_results(browser);
    let mut answers = BTreeMap::new();
    for &query in queries {
        let script = format!(
            "const bundle = document.getElementById('tkb-search').dataset.bundles.split(' ')[0];
             const page = document.querySelector('script[src$=\"search.js\"]').src;
             return Promise.all([import(bundle + 'pagefind.js'), import(page)])
               .then(([pf, search]) => search.find(pf, {}, {{}}))
               .then(s => Promise.all(s.results.map(r => r.data().then(d => d.url))));",
            serde_json::to_string(query).unwrap()
        );
        let urls: Vec<String> = serde_json::from_value(browser.eval(&script)).unwrap();
        answers.insert(query.to_string(), urls);
    }
    answers
}

/// Recall and precision over every query, counting each (query, article) pair once.
#[derive(Debug, Default)]
struct Measure {
    expected: usize,
    found: usize,
    right: usize,
    missed: Vec<(String, String)>,
    wrong: Vec<(String, String)>,
    not_articles: Vec<String>,
}

impl Measure {
    fn of(texts: &BTreeMap<String, String>, answers: &BTreeMap<String, Vec<String>>) -> Measure {
        let mut m = Measure::default();
        for (query, urls) in answers {
            let truth: BTreeSet<&String> = (texts.iter())
                .filter(|(_, text)| holds(text, &query.to_lowercase()))
                .map(|(url, _)| url)
                .collect();
            let got: BTreeSet<&String> = urls.iter().collect();
            m.expected += truth.len();
            m.found += got.len();
            m.right += truth.intersection(&got).count();
            let missed = truth
                .difference(&got)
                .map(|u| (query.clone(), u.to_string()));
            m.missed.extend(missed);
            let wrong = got
                .difference(&truth)
                .map(|u| (query.clone(), u.to_string()));
            m.wrong.extend(wrong);
            m.not_articles.extend(
                got.iter()
                    .filter(|u| !texts.contains_key(**u))
                    .map(|u| u.to_string()),
            );
        }
        m
    }

    fn recall(&self) -> f64 {
        self.right as f64 / self.expected.max(1) as f64
    }

    fn precision(&self) -> f64 {
        self.right as f64 / self.found.max(1) as f64
    }

    fn report(&self, site: &str, queries: usize) {
        eprintln!(
            "search recall on {site}: {queries} queries, {} expected (query, article) pairs, \
             {} found, {} right: recall {:.3}, precision {:.3}",
            self.expected,
            self.found,
            self.right,
            self.recall(),
            self.precision()
        );
    }
}

fn measure(public: &Path, queries: &[&str], site: &str) -> Measure {
    let texts = article_texts(public);
    let host = StaticHost::serve(public, "/");
    let browser = Browser::open(1280, 900);
    let m = Measure::of(&texts, &ask(&browser, &host.url, queries));
    m.report(site, queries.len());
    m
}

#[test]
fn search_finds_the_articles_that_hold_a_chinese_word_and_only_those() {
    assert!(SAMPLE.len() >= 60);
    let public = built_sample("https://example.org/");
    let queries: Vec<&str> = SAMPLE.iter().chain(ABSENT).copied().collect();
    let m = measure(public, &queries, "the sample site");
    assert!(
        m.not_articles.is_empty(),
        "results that are not articles: {:?}",
        m.not_articles
    );
    assert!(
        m.recall() >= 0.99,
        "recall {:.3}; missed: {:?}",
        m.recall(),
        m.missed
    );
    assert!(
        m.wrong.is_empty(),
        "precision {:.3}; results without the word: {:?}",
        m.precision(),
        m.wrong
    );
}

/// The same measure on a site built from the shared benchmark corpus (too big to build in
/// every test run; docs/performance.md has its figures).
#[test]
#[ignore]
fn search_recall_on_the_benchmark_corpus() {
    let site = std::env::var("TRADEKB_RECALL_SITE").expect("TRADEKB_RECALL_SITE: a tradekb site");
    let out = tempfile::tempdir().unwrap();
    let overrides = tradekb::Overrides {
        output: Some(out.path().join("public")),
        ..tradekb::Overrides::default()
    };
    crate::support::build_site(Path::new(&site), overrides).expect("the corpus builds");
    let m = measure(&out.path().join("public"), BENCH, &site);
    assert!(m.not_articles.is_empty(), "{:?}", m.not_articles);
    assert!(
        m.precision() >= 0.99,
        "precision {:.3}; results without the word: {:?}",
        m.precision(),
        &m.wrong[..m.wrong.len().min(40)]
    );
    assert!(
        m.recall() >= 0.99,
        "recall {:.3}; missed: {:?}",
        m.recall(),
        &m.missed[..m.missed.len().min(40)]
    );
}

#[test]
fn latin_words_and_numbers_count_whole_and_chinese_terms_anywhere() {
    assert!(holds("以9710模式出口", "9710"));
    assert!(!holds("沈阳 89710 人", "9710"));
    assert!(holds("实行rcep的规则", "rcep"));
    assert!(!holds("rceps", "rcep"));
    assert!(holds("向中西部扩散", "中西部"));
}

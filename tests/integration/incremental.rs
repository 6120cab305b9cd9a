//! `serve` re-renders only what an edit touched (`tradekb::render_again` with a `Memo`). The
//! property: after any sequence of edits, what it serves (the files it made again over the
//! ones it kept) is byte for byte what a full build of the same files makes, and it fails
//! exactly when a full build fails.
//!
//! Edits are what an author does to the sample site: a body, a title, a date, the tags
//! changed; an article added, copied, renamed, removed, broken and restored; a city or tag
//! profile changed or removed; a link to another article's heading; a site title; a
//! template of the site's own; a tag spelt another way; an article with TOML front matter;
//! a page bundle and its image; a sub-section with its `_index.md`, a section's nested URLs,
//! an undated section and an article without a date.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use proptest::prelude::*;
use tradekb::render::Memory;
use tradekb::{Config, Memo, Overrides, Unobserved};

use super::support::{proptest_cases, repo_root, sample_copy, tree};

/// Articles of the sample that edits pick from (a removed one comes back with `Restore`).
const ARTICLES: &[&str] = &[
    "policies/changsha-customs-reply.md",
    "pilots/first-batch.md",
    "pilots/anhui-cluster-zone.md",
    "analysis/dhgate-nine-years.md",
    "analysis/east-to-west-spread.md",
];

/// A city profile and a tag profile of the sample.
const PROFILES: &[&str] = &["cities/hangzhou.md", "tags/central-western.md"];

const WORDS: &[&str] = &[
    "跨境电商",
    "保税进口",
    "出口退税",
    "海关总署",
    "B2B 平台",
    "2014年",
];

#[derive(Debug, Clone)]
enum Edit {
    Paragraph(usize, usize),
    /// The article summed up by its first paragraph (its `summary:` line dropped), and a new
    /// first paragraph: applied again, an edit of the body alone that changes its summary.
    Lead(usize, usize),
    Heading(usize, usize),
    Title(usize, usize),
    Date(usize, u8),
    Tags(usize, usize),
    Copy(usize, u8),
    Rename(usize),
    Remove(usize),
    Profile(usize, usize),
    RemoveProfile(usize),
    Break(usize),
    Restore(usize),
    LinkToHeading(usize, usize),
    SiteTitle(usize),
    Template(usize),
    /// The site's own stylesheet, in place of the theme's.
    Style(usize),
    /// A tag written in another case and spacing than elsewhere (one tag, a warning).
    TagSpelling(usize),
    /// An article with TOML front matter.
    TomlArticle(usize),
    /// A page bundle whose body shows an image beside it.
    Bundle(usize),
    /// The bundle's image added or removed (its link dead while it is gone).
    BundleImage(bool),
    /// The policy's own field `文种` (a choice of the sample's `site.yaml`), one value not
    /// among its choices.
    Field(usize),
    /// A sub-section of the pilots with an `_index.md` and an article (or its `_index.md`
    /// removed: the folder is then only for tidiness).
    SubSection(Option<usize>),
    /// The pilots' articles at nested URLs, or flat again.
    NestedUrls(bool),
    /// The analysis section undated (sorted by title), or dated again.
    Undated(bool),
    /// An article's `date:` line removed (an error unless its section is undated).
    DropDate(usize),
    /// An article's `published:` day in November 2026 (what the home page and feeds order
    /// by), added or changed.
    Published(usize, u8),
    /// Article `a` amends, supersedes or implements article `b` (`a == b`: an error), or the
    /// relation named by a path that leads nowhere (`b` past the articles).
    Relation(usize, usize, u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    let a = 0..ARTICLES.len();
    let w = 0..WORDS.len();
    prop_oneof![
        3 => (a.clone(), w.clone()).prop_map(|(a, w)| Edit::Paragraph(a, w)),
        2 => (a.clone(), w.clone()).prop_map(|(a, w)| Edit::Lead(a, w)),
        2 => (a.clone(), w.clone()).prop_map(|(a, w)| Edit::Heading(a, w)),
        3 => (a.clone(), w.clone()).prop_map(|(a, w)| Edit::Title(a, w)),
        2 => (a.clone(), 0..28u8).prop_map(|(a, d)| Edit::Date(a, d)),
        2 => (a.clone(), w.clone()).prop_map(|(a, w)| Edit::Tags(a, w)),
        1 => (a.clone(), 0..3u8).prop_map(|(a, n)| Edit::Copy(a, n)),
        1 => a.clone().prop_map(Edit::Rename),
        1 => a.clone().prop_map(Edit::Remove),
        2 => (0..PROFILES.len(), w.clone()).prop_map(|(p, w)| Edit::Profile(p, w)),
        1 => (0..PROFILES.len()).prop_map(Edit::RemoveProfile),
        1 => a.clone().prop_map(Edit::Break),
        2 => a.clone().prop_map(Edit::Restore),
        2 => (a.clone(), a.clone()).prop_map(|(a, b)| Edit::LinkToHeading(a, b)),
        1 => w.clone().prop_map(Edit::SiteTitle),
        1 => w.clone().prop_map(Edit::Template),
        2 => w.clone().prop_map(Edit::Style),
        1 => a.prop_map(Edit::TagSpelling),
        1 => w.clone().prop_map(Edit::TomlArticle),
        1 => w.prop_map(Edit::Bundle),
        1 => any::<bool>().prop_map(Edit::BundleImage),
        1 => (0..3usize).prop_map(Edit::Field),
        2 => proptest::option::of(0..WORDS.len()).prop_map(Edit::SubSection),
        1 => any::<bool>().prop_map(Edit::NestedUrls),
        1 => any::<bool>().prop_map(Edit::Undated),
        1 => (0..ARTICLES.len()).prop_map(Edit::DropDate),
        2 => (0..ARTICLES.len(), 1..28u8).prop_map(|(a, d)| Edit::Published(a, d)),
        3 => (0..ARTICLES.len(), 0..=ARTICLES.len(), 0..3u8)
            .prop_map(|(a, b, r)| Edit::Relation(a, b, r)),
    ]
}

struct Author<'a> {
    root: &'a Path,
}

impl Author<'_> {
    fn path(&self, rel: &str) -> std::path::PathBuf {
        self.root.join(rel)
    }

    fn article(&self, i: usize) -> std::path::PathBuf {
        self.path(&format!("content/{}", ARTICLES[i]))
    }

    fn original(i: usize) -> String {
        fs::read_to_string(repo_root().join("content").join(ARTICLES[i])).unwrap()
    }

    /// The article's text, or its original if it was removed.
    fn text(&self, i: usize) -> String {
        fs::read_to_string(self.article(i)).unwrap_or_else(|_| Self::original(i))
    }

    fn set_line(&self, i: usize, key: &str, value: &str) {
        let text = self.text(i);
        let prefix = format!("{key}:");
        let changed: Vec<String> = text
            .lines()
            .map(|l| {
                if l.starts_with(&prefix) {
                    format!("{key}: {value}")
                } else {
                    l.to_string()
                }
            })
            .collect();
        fs::write(self.article(i), changed.join("\n") + "\n").unwrap();
    }

    /// `key: value` in article `i`'s front matter, in place of the line that sets `key` or
    /// as its first line.
    fn set_or_add(&self, i: usize, key: &str, value: &str) {
        let text = self.text(i);
        if text.lines().any(|l| l.starts_with(&format!("{key}:"))) {
            return self.set_line(i, key, value);
        }
        let text = text.replacen("---\n", &format!("---\n{key}: {value}\n"), 1);
        fs::write(self.article(i), text).unwrap();
    }

    /// The sample's `_index.md` of `section` with `extra` front matter lines.
    fn set_section(&self, section: &str, extra: &str) {
        let rel = format!("content/{section}/_index.md");
        let text = fs::read_to_string(repo_root().join(&rel)).unwrap();
        let text = text.replacen("---\n", &format!("---\n{extra}"), 1);
        fs::write(self.path(&rel), text).unwrap();
    }

    fn apply(&self, edit: &Edit) {
        match *edit {
            Edit::Paragraph(a, w) => {
                let text = self.text(a) + &format!("\n新增一段，关于{}。\n", WORDS[w]);
                fs::write(self.article(a), text).unwrap();
            }
            Edit::Lead(a, w) => {
                let text = (self.text(a).lines())
                    .filter(|l| !l.starts_with("summary:"))
                    .fold(String::new(), |t, l| t + l + "\n");
                let end = text.find("\n---\n").map_or(0, |i| i + "\n---\n".len());
                let lead = format!("新的开头，说的是{}。\n\n", WORDS[w]);
                fs::write(
                    self.article(a),
                    [&text[..end], &lead, &text[end..]].concat(),
                )
                .unwrap();
            }
            Edit::Heading(a, w) => {
                let text = self.text(a) + &format!("\n## 小结：{}\n\n正文。\n", WORDS[w]);
                fs::write(self.article(a), text).unwrap();
            }
            Edit::Title(a, w) => self.set_line(a, "title", &format!("关于{}的新标题", WORDS[w])),
            // Day 0: the month alone.
            Edit::Date(a, 0) => self.set_line(a, "date", "2014-02"),
            Edit::Date(a, d) => self.set_line(a, "date", &format!("2014-02-{d:02}")),
            Edit::Published(a, d) => self.set_or_add(a, "published", &format!("2026-11-{d:02}")),
            Edit::Tags(a, w) => self.set_line(a, "tags", &format!("[{}, 海关]", WORDS[w])),
            Edit::Relation(a, b, r) => {
                let key = ["amends", "supersedes", "implements"][r as usize % 3];
                let target = ARTICLES.get(b).copied().unwrap_or("policies/nothing.md");
                self.set_or_add(a, key, &format!("../{target}"));
            }
            Edit::Copy(a, n) => {
                let to = self.article(a).with_file_name(format!("copy-{n}.md"));
                fs::write(to, self.text(a)).unwrap();
            }
            Edit::Rename(a) => {
                let to = self.article(a).with_file_name(format!("renamed-{a}.md"));
                let _ = fs::rename(self.article(a), to);
            }
            Edit::Remove(a) => {
                let _ = fs::remove_file(self.article(a));
            }
            Edit::Profile(p, w) => {
                let path = self.path(&format!("content/{}", PROFILES[p]));
                let text = fs::read_to_string(repo_root().join("content").join(PROFILES[p]))
                    .unwrap()
                    + &format!("\n补充：{}。\n", WORDS[w]);
                fs::write(path, text).unwrap();
            }
            Edit::RemoveProfile(p) => {
                let _ = fs::remove_file(self.path(&format!("content/{}", PROFILES[p])));
            }
            Edit::Break(a) => {
                let text = self.text(a).replacen("title:", "title: [", 1);
                fs::write(self.article(a), text).unwrap();
            }
            Edit::Restore(a) => fs::write(self.article(a), Self::original(a)).unwrap(),
            Edit::LinkToHeading(a, b) => {
                // Dead until a `Heading(b, 0)` gives the other article that heading.
                let link = format!("\n见[另一篇](../{}#小结-跨境电商)。\n", ARTICLES[b]);
                let text = self.text(a) + &link;
                fs::write(self.article(a), text).unwrap();
            }
            Edit::SiteTitle(w) => {
                let yaml = fs::read_to_string(self.path("site.yaml")).unwrap();
                let changed: Vec<String> = yaml
                    .lines()
                    .map(|l| {
                        if l.starts_with("title:") {
                            format!("title: {}知识库", WORDS[w])
                        } else {
                            l.to_string()
                        }
                    })
                    .collect();
                fs::write(self.path("site.yaml"), changed.join("\n") + "\n").unwrap();
            }
            Edit::Template(w) => {
                let theme = repo_root().join("themes/default/templates/page.html");
                let page = fs::read_to_string(theme).unwrap();
                let marked =
                    page.replacen("</article>", &format!("<p>{}</p></article>", WORDS[w]), 1);
                fs::create_dir_all(self.path("templates")).unwrap();
                fs::write(self.path("templates/page.html"), marked).unwrap();
            }
            Edit::Field(v) => self.set_line(0, "文种", ["通知", "批复", "复信"][v]),
            Edit::TagSpelling(a) => self.set_line(a, "tags", "[b2b平台, 海关]"),
            Edit::TomlArticle(w) => {
                let text = format!(
                    "+++\ntitle = \"TOML 写的{}\"\ndate = 2014-03-0{}\ntags = [\"{}\"]\ncities = [\"杭州\"]\n+++\n正文。\n",
                    WORDS[w],
                    w + 1,
                    WORDS[w]
                );
                fs::write(self.path("content/analysis/toml-note.md"), text).unwrap();
            }
            Edit::Bundle(w) => {
                let folder = self.path("content/pilots/bundle-note");
                fs::create_dir_all(&folder).unwrap();
                let text = format!(
                    "---\ntitle: 附图的{}\ndate: 2014-04-01\n---\n![图](map.png)\n",
                    WORDS[w]
                );
                fs::write(folder.join("index.md"), text).unwrap();
            }
            Edit::BundleImage(present) => {
                let image = self.path("content/pilots/bundle-note/map.png");
                if present {
                    fs::create_dir_all(image.parent().unwrap()).unwrap();
                    fs::write(image, b"png").unwrap();
                } else {
                    let _ = fs::remove_file(image);
                }
            }
            Edit::SubSection(Some(w)) => {
                let folder = self.path("content/pilots/batch-one");
                fs::create_dir_all(&folder).unwrap();
                let index = format!("---\ntitle: {}专题\n---\n本专题的说明。\n", WORDS[w]);
                fs::write(folder.join("_index.md"), index).unwrap();
                let note =
                    "---\ntitle: 专题里的一篇\ndate: 2014-05-01\ntags: [海关]\n---\n正文。\n";
                fs::write(folder.join("note.md"), note).unwrap();
            }
            Edit::SubSection(None) => {
                let _ = fs::remove_file(self.path("content/pilots/batch-one/_index.md"));
            }
            Edit::NestedUrls(nested) => {
                let urls = if nested { "urls: nested\n" } else { "" };
                self.set_section("pilots", urls);
            }
            Edit::Undated(undated) => {
                let key = if undated { "undated: true\n" } else { "" };
                self.set_section("analysis", key);
            }
            Edit::DropDate(a) => {
                let text = self.text(a);
                let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with("date:")).collect();
                fs::write(self.article(a), kept.join("\n") + "\n").unwrap();
            }
            Edit::Style(w) => {
                let theme = repo_root().join("themes/default/static/style.css");
                let style = fs::read_to_string(theme).unwrap();
                fs::create_dir_all(self.path("static")).unwrap();
                let rule = format!("\n.edit-{w} {{ color: red; }}\n");
                fs::write(self.path("static/style.css"), style + &rule).unwrap();
            }
        }
    }
}

/// The site as `serve` holds it: every planned file, made now or kept from before.
#[derive(Default)]
struct Served {
    files: BTreeMap<String, Vec<u8>>,
    memo: Memo,
}

impl Served {
    /// Builds again; the served files and the warnings, or the number of errors.
    fn rebuild(&mut self, config: &Config) -> Result<Built, usize> {
        let memory = Memory::default();
        match tradekb::render_again(config, &memory, &Unobserved, &mut self.memo) {
            Ok(report) => {
                let made: BTreeMap<String, Vec<u8>> = memory.into_files().into_iter().collect();
                let mut next = BTreeMap::new();
                for path in self.memo.planned() {
                    let bytes = made
                        .get(path)
                        .or_else(|| self.files.get(path))
                        .unwrap_or_else(|| panic!("{path} was neither made nor made before"));
                    next.insert(path.clone(), bytes.clone());
                }
                self.files = next.clone();
                Ok((next, warnings(&report)))
            }
            Err(e) => Err(errors(e)),
        }
    }
}

/// The paths whose bytes differ between two trees, added and removed ones included.
fn changed_paths(
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
) -> Vec<String> {
    let differs = |(p, b): (&String, &Vec<u8>), other: &BTreeMap<String, Vec<u8>>| {
        (other.get(p) != Some(b)).then(|| p.clone())
    };
    let mut paths: Vec<String> = before.iter().filter_map(|e| differs(e, after)).collect();
    paths.extend(after.iter().filter_map(|e| differs(e, before)));
    paths.sort();
    paths.dedup();
    paths
}

fn errors(e: tradekb::Error) -> usize {
    match e {
        tradekb::Error::Site(d) => d.iter().filter(|d| d.is_error()).count(),
        _ => usize::MAX,
    }
}

/// The files of a build and its warnings, as the terminal shows them.
type Built = (BTreeMap<String, Vec<u8>>, Vec<String>);

fn warnings(report: &tradekb::Report) -> Vec<String> {
    report.warnings.iter().map(|d| d.to_string()).collect()
}

fn full_build(config: &Config) -> Result<Built, usize> {
    let memory = Memory::default();
    match tradekb::render_into(config, &memory, &Unobserved) {
        Ok(report) => Ok((memory.into_files().into_iter().collect(), warnings(&report))),
        Err(e) => Err(errors(e)),
    }
}

/// A copy of the sample site (content and `site.yaml`) and its config as `serve` has it.
fn sample_site() -> (tempfile::TempDir, Config) {
    let dir = sample_copy();
    let config = Config::load(dir.path(), &overrides()).unwrap();
    (dir, config)
}

/// As `serve` builds: no search index (it will be made in the background).
fn overrides() -> Overrides {
    Overrides {
        base_url: Some("http://127.0.0.1:1111/".into()),
        no_search: true,
        ..Overrides::default()
    }
}

proptest! {
    #![proptest_config(proptest_cases(12))]

    #[test]
    fn what_serve_keeps_after_edits_is_what_a_full_build_makes(
        edits in proptest::collection::vec(edit(), 1..7)
    ) {
        let (dir, _) = sample_site();
        let author = Author { root: dir.path() };
        let mut served = Served::default();
        let config = Config::load(dir.path(), &overrides()).unwrap();
        served.rebuild(&config).expect("the sample builds");
        for (step, edit) in edits.iter().enumerate() {
            let before = tree(dir.path());
            author.apply(edit);
            // As serve's watcher tells it, every other step; the other steps look at every
            // source's stamp, as after lost events.
            let seen = (step % 2 == 0).then(|| changed_paths(&before, &tree(dir.path())));
            served.memo.saw(seen);
            let Ok(config) = Config::load(dir.path(), &overrides()) else {
                continue;
            };
            let kept = served.rebuild(&config);
            let full = full_build(&config);
            match (&kept, &full) {
                (Ok((kept, kept_warnings)), Ok((full, full_warnings))) => {
                    prop_assert_eq!(kept_warnings, full_warnings, "after edit {} ({:?}): warnings", step, edit);
                    let differ: Vec<&String> = full
                        .iter()
                        .filter(|(p, b)| kept.get(*p) != Some(*b))
                        .map(|(p, _)| p)
                        .chain(kept.keys().filter(|p| !full.contains_key(*p)))
                        .collect();
                    prop_assert!(differ.is_empty(), "after edit {step} ({edit:?}) of {edits:?}: served differs from a full build in {differ:?}");
                }
                (Err(a), Err(b)) => prop_assert_eq!(a, b, "after edit {} ({:?}): error counts", step, edit),
                _ => prop_assert!(false, "after edit {step} ({edit:?}) of {edits:?}: serve {} but a full build {}",
                    if kept.is_ok() { "built" } else { "failed" },
                    if full.is_ok() { "built" } else { "failed" }),
            }
        }
    }
}

/// A body edit that adds a link changes the page it leads to, which read nothing of the
/// edited article before: its list of backlinks grows.
#[test]
fn a_link_added_in_one_body_shows_on_the_page_it_leads_to() {
    let (dir, config) = sample_site();
    let author = Author { root: dir.path() };
    author.apply(&Edit::Heading(1, 0));
    let mut served = Served::default();
    served.rebuild(&config).expect("the sample builds");
    author.apply(&Edit::LinkToHeading(0, 1));
    served.memo.saw(None);
    let (kept, _) = served.rebuild(&config).expect("the edit builds");
    let (full, _) = full_build(&config).expect("the edit builds");
    let page = format!("{}/index.html", ARTICLES[1].trim_end_matches(".md"));
    let full_page = String::from_utf8_lossy(&full[&page]);
    assert!(full_page.contains("tkb-backlinks-heading"), "{page}");
    assert!(
        kept[&page] == full[&page],
        "{page} is served as a full build makes it"
    );
}

/// A body edit that changes an article's summary (its first paragraph, when the front matter
/// gives none) changes the data export, which shows every summary.
#[test]
fn a_new_first_paragraph_changes_the_summary_the_export_shows() {
    let (dir, config) = sample_site();
    let author = Author { root: dir.path() };
    author.apply(&Edit::Lead(2, 0));
    let mut served = Served::default();
    served.rebuild(&config).expect("the sample builds");
    author.apply(&Edit::Lead(2, 1));
    served.memo.saw(None);
    let (kept, _) = served.rebuild(&config).expect("the edit builds");
    let (full, _) = full_build(&config).expect("the edit builds");
    let export = "api/articles.json";
    assert!(String::from_utf8_lossy(&full[export]).contains("新的开头，说的是保税进口。"));
    assert!(
        kept[export] == full[export],
        "{export} is served as a full build makes it"
    );
}

/// An article whose `source:` names another without a name of its own shows that article's
/// title: retitling the source is served on the citing article's page too.
#[test]
fn a_retitled_source_is_served_on_the_articles_that_cite_it() {
    let (dir, config) = sample_site();
    let mut served = Served::default();
    served.rebuild(&config).expect("the sample builds");
    let source = dir
        .path()
        .join("content/sources/new-opportunities-for-trade-ecommerce.md");
    let text = fs::read_to_string(&source).unwrap();
    fs::write(
        &source,
        text.replacen("title: 《外贸电商的新机会》", "title: 《新的标题》", 1),
    )
    .unwrap();
    served.memo.saw(None);
    let (kept, _) = served.rebuild(&config).expect("the edit builds");
    let (full, _) = full_build(&config).expect("a full build");
    let differ = changed_paths(&kept, &full);
    assert!(differ.is_empty(), "served otherwise than built: {differ:?}");
    let page = "pilots/pingtan-pilot/index.html";
    assert!(String::from_utf8_lossy(&kept[page]).contains("《新的标题》"));
}

/// The memo makes a difference: an edited body is the one page made again.
#[test]
fn a_body_edit_makes_only_its_page_again() {
    let (dir, config) = sample_site();
    let mut memo = Memo::default();
    let first = Memory::default();
    tradekb::render_again(&config, &first, &Unobserved, &mut memo).unwrap();
    let all = first.into_files().len();
    let author = Author { root: dir.path() };
    author.apply(&Edit::Paragraph(1, 0));
    let second = Memory::default();
    tradekb::render_again(&config, &second, &Unobserved, &mut memo).unwrap();
    let made: Vec<String> = second.into_files().into_iter().map(|(p, _)| p).collect();
    assert!(
        made.contains(&"pilots/first-batch/index.html".to_string()),
        "{made:?}"
    );
    let pages: Vec<&String> = made.iter().filter(|p| p.ends_with(".html")).collect();
    // The edited page, and the lists and feeds that show it (its reading time may change).
    assert!(
        pages.len() <= 6,
        "{} of {all} files made again: {pages:?}",
        made.len()
    );
    assert!(
        made.len() * 5 < all,
        "{} of {all} files made again",
        made.len()
    );
}

/// Counts the Markdown bodies a build renders.
#[derive(Default)]
struct Bodies(std::sync::Mutex<Option<usize>>);

impl tradekb::Observer for Bodies {
    fn started(&self, step: tradekb::Step, total: usize) {
        if step == tradekb::Step::Markdown {
            *self.0.lock().unwrap() = Some(total);
        }
    }
}

fn bodies_rendered(config: &Config, memo: &mut Memo) -> (bool, usize) {
    let seen = Bodies::default();
    let built = tradekb::render_again(config, &Memory::default(), &seen, memo).is_ok();
    let count = seen.0.lock().unwrap().expect("the Markdown step ran");
    (built, count)
}

/// Undoing an edit that broke the site finds the bodies from before it: a save that breaks
/// a file for a moment (an editor's autosave) does not cost a full rebuild to come back.
#[test]
fn undoing_a_breaking_edit_renders_no_body_again() {
    let (dir, config) = sample_site();
    let author = Author { root: dir.path() };
    let mut memo = Memo::default();
    let (built, all) = bodies_rendered(&config, &mut memo);
    assert!(built && all > 20, "{all} bodies");
    author.apply(&Edit::Break(1));
    assert!(
        !bodies_rendered(&config, &mut memo).0,
        "a broken front matter fails"
    );
    author.apply(&Edit::Restore(1));
    assert_eq!(bodies_rendered(&config, &mut memo), (true, 0));
}

/// A source the cache trusts (read well after it last changed) and then edited in place to
/// text of the same length is read again: its stamp's times changed.
#[test]
fn a_trusted_source_edited_to_the_same_length_is_read_again() {
    let (dir, config) = sample_site();
    // Past the two seconds in which a just-written file is not trusted.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let mut served = Served::default();
    served.rebuild(&config).unwrap();
    let path = dir.path().join("content").join(ARTICLES[0]);
    let text = fs::read_to_string(&path).unwrap();
    let edited = text.replacen("复函", "复信", 1);
    assert_eq!(edited.len(), text.len());
    assert_ne!(edited, text);
    fs::write(&path, edited).unwrap();
    let page = "policies/changsha-customs-reply/index.html";
    let (now, _) = served.rebuild(&config).unwrap();
    let now = String::from_utf8_lossy(&now[page]).into_owned();
    assert!(now.contains("复信"), "the edit is served");
    assert_eq!(
        Some(&full_build(&config).unwrap().0[page]),
        served.files.get(page)
    );
}

/// A build that stops at a broken strings file has read the sources all the same: an edit
/// made while the theme was broken is served once it is fixed, and so is a new article.
#[test]
fn edits_made_while_the_theme_is_broken_are_served_once_it_is_fixed() {
    let (dir, config) = sample_site();
    let mut served = Served::default();
    served.rebuild(&config).expect("the sample builds");
    let author = Author { root: dir.path() };
    let strings = dir.path().join("i18n/zh-CN.yaml");
    fs::create_dir_all(strings.parent().unwrap()).unwrap();
    fs::write(&strings, "home: [unclosed\n").unwrap();
    assert!(
        served.rebuild(&config).is_err(),
        "a broken strings file breaks the site"
    );
    author.apply(&Edit::Paragraph(1, 0));
    author.apply(&Edit::Copy(2, 1));
    assert!(served.rebuild(&config).is_err(), "still broken");
    fs::remove_file(&strings).unwrap();
    let (kept, _) = served.rebuild(&config).expect("fixed");
    let (full, _) = full_build(&config).expect("a full build");
    let differ: Vec<&String> = full
        .keys()
        .filter(|p| kept.get(*p) != full.get(*p))
        .collect();
    assert!(
        differ.is_empty(),
        "served differs from a full build in {differ:?}"
    );
}

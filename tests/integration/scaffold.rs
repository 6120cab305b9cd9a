//! `tradekb init` and `tradekb new`: the site and the article they write, built in-process,
//! and the command lines as a user runs them.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use chrono::NaiveDate;
use predicates::prelude::*;
use tradekb::content::Date;
use tradekb::scaffold::{self, IfNotEmpty, InitOptions, ScaffoldError};
use tradekb::Overrides;

use crate::support::{build_site, tree, unminified, Output, Site};

fn tradekb() -> Command {
    Command::cargo_bin("tradekb").expect("the tradekb binary is built")
}

fn options(if_not_empty: IfNotEmpty) -> InitOptions {
    InitOptions {
        if_not_empty,
        today: NaiveDate::from_ymd_opt(2015, 3, 7).unwrap(),
    }
}

/// A new site in `dir/kb`, written by `init`.
fn init_site(dir: &Path) -> std::path::PathBuf {
    let site = dir.join("kb");
    scaffold::init(&site, &options(IfNotEmpty::Refuse)).expect("init writes the site");
    site
}

fn drafts() -> Overrides {
    Overrides {
        drafts: true,
        ..unminified()
    }
}

fn build(root: &Path, overrides: Overrides) -> Output {
    build_site(root, overrides)
        .unwrap_or_else(|e| panic!("the build failed: {}", crate::support::describe(&e)))
}

/// Section, slug and title of the example articles.
const EXAMPLES: [(&str, &str, &str); 3] = [
    ("policies", "example-policy", "示例：如何记录一项政策"),
    ("pilots", "example-pilot", "示例：如何记录一个试点"),
    ("analysis", "example-analysis", "示例：如何撰写一篇分析"),
];

// ---------------------------------------------------------------------------------------
// init, in-process

#[test]
fn a_new_site_builds_at_once_with_every_kind_of_page() {
    let dir = tempfile::tempdir().unwrap();
    let site = init_site(dir.path());
    assert!(!site.join("themes").exists(), "the built-in theme is used");
    let out = build(&site, unminified());

    let home = out.page("index.html");
    assert_eq!(home.text("main h1"), "我的知识库");
    assert_eq!(home.texts(".home-latest .card-title a").len(), 3);
    for (section, slug, title) in EXAMPLES {
        let list = out.page(&format!("{section}/index.html"));
        assert_eq!(list.texts(".card-title a"), [title], "{section}");
        let article = out.page(&format!("{section}/{slug}/index.html"));
        assert_eq!(article.text("main h1"), title);
    }
    let city = out.page("cities/hangzhou/index.html");
    assert_eq!(city.text("main h1"), "杭州");
    assert_eq!(
        city.texts(".card-title a"),
        ["示例：如何记录一项政策", "示例：如何记录一个试点"]
    );
    assert!(out.exists("tags/example/index.html"));
}

#[test]
fn the_example_articles_link_to_each_other_through_their_sources() {
    let dir = tempfile::tempdir().unwrap();
    let out = build(&init_site(dir.path()), unminified());
    let links = out.page("analysis/example-analysis/index.html").links();
    assert!(
        links
            .iter()
            .any(|l| l.starts_with("/policies/example-policy/#")),
        "{links:?}"
    );
}

#[test]
fn init_reports_every_file_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("a/b/kb");
    let report = scaffold::init(&site, &options(IfNotEmpty::Refuse)).unwrap();
    assert!(report.kept.is_empty());
    let written: Vec<String> = tree(&site).into_keys().collect();
    let mut reported: Vec<String> = report
        .created
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    reported.sort();
    assert_eq!(reported, written);
    assert!(written.contains(&"site.yaml".to_string()));
    assert_eq!(
        fs::read_to_string(site.join(".gitignore"))
            .unwrap()
            .lines()
            .next(),
        Some("/public")
    );
}

#[test]
fn init_refuses_a_folder_with_files_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let err = scaffold::init(dir.path(), &options(IfNotEmpty::Refuse)).unwrap_err();
    assert!(matches!(err, ScaffoldError::NotEmpty { .. }), "{err:?}");
    assert_eq!(
        tree(dir.path()).into_keys().collect::<Vec<_>>(),
        ["notes.txt"]
    );
}

#[test]
fn init_takes_a_folder_holding_only_hidden_entries() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    let report = scaffold::init(dir.path(), &options(IfNotEmpty::Refuse)).unwrap();
    assert!(report.created.iter().any(|p| p == Path::new("site.yaml")));
}

#[test]
fn init_with_force_adds_what_is_missing_and_keeps_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let mine = "title: 我的站\nbase_url: https://example.org/kb/\n";
    fs::write(dir.path().join("site.yaml"), mine).unwrap();
    let report = scaffold::init(dir.path(), &options(IfNotEmpty::AddMissing)).unwrap();
    assert_eq!(report.kept, [Path::new("site.yaml")]);
    assert!(report
        .created
        .iter()
        .any(|p| p == Path::new("content/_index.md")));
    assert_eq!(
        fs::read_to_string(dir.path().join("site.yaml")).unwrap(),
        mine
    );
    build(dir.path(), unminified());
}

// ---------------------------------------------------------------------------------------
// init, on the command line

#[test]
fn help_lists_init_and_new() {
    tradekb()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("init").and(predicate::str::contains("new")));
}

#[test]
fn init_prints_what_it_created_and_what_to_run_next() {
    let dir = tempfile::tempdir().unwrap();
    let stdout = tradekb()
        .current_dir(dir.path())
        .args(["init", "kb"])
        .assert()
        .success()
        .stderr("")
        .get_output()
        .stdout
        .clone();
    let stdout = String::from_utf8(stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "Created a new site in kb:");
    for file in [
        "  site.yaml",
        "  content/policies/example-policy.md",
        "  content/cities/hangzhou.md",
    ] {
        assert!(lines.contains(&file), "{file} in\n{stdout}");
    }
    assert!(lines.contains(&"  cd kb && tradekb build"), "{stdout}");
    assert!(dir.path().join("kb/site.yaml").is_file());

    // What the output says to run next works, and finds nothing to complain about.
    let kb = dir.path().join("kb");
    tradekb()
        .current_dir(&kb)
        .arg("build")
        .assert()
        .success()
        .stderr("")
        .stdout(predicate::str::starts_with("Built 3 articles"));
    tradekb()
        .current_dir(&kb)
        .arg("check")
        .assert()
        .success()
        .stderr("")
        .stdout(predicate::str::ends_with(": no problems\n"));
}

#[test]
fn init_quotes_a_folder_name_the_shell_would_split() {
    let dir = tempfile::tempdir().unwrap();
    tradekb()
        .current_dir(dir.path())
        .args(["init", "my kb"])
        .assert()
        .success()
        .stdout(predicate::str::contains("  cd 'my kb' && tradekb build\n"));
}

#[test]
fn init_of_a_non_empty_folder_exits_1_and_names_force() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("kb")).unwrap();
    fs::write(dir.path().join("kb/README.md"), "mine").unwrap();
    tradekb()
        .current_dir(dir.path())
        .args(["init", "kb"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(
            predicate::str::starts_with("error: kb already exists and is not empty")
                .and(predicate::str::contains("--force")),
        );
    assert_eq!(tree(&dir.path().join("kb")).len(), 1);
}

#[test]
fn init_with_force_lists_the_files_it_kept() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(".gitignore"), "/target\n").unwrap();
    fs::write(dir.path().join("README.md"), "mine").unwrap();
    tradekb()
        .arg("--root")
        .arg(dir.path())
        .args(["init", ".", "--force"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Kept, as they were already there:\n  .gitignore\n",
        ));
    assert_eq!(
        fs::read_to_string(dir.path().join(".gitignore")).unwrap(),
        "/target\n"
    );
    assert!(dir.path().join("site.yaml").is_file());
}

#[test]
fn init_of_a_file_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("kb"), "").unwrap();
    tradekb()
        .current_dir(dir.path())
        .args(["init", "kb"])
        .assert()
        .code(1)
        .stderr("error: kb exists and is not a folder\n");
}

#[test]
fn init_without_a_folder_is_a_usage_error() {
    tradekb()
        .arg("init")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("<DIR>"));
}

// ---------------------------------------------------------------------------------------
// new

fn new_in(site: &Site, args: &[&str]) -> assert_cmd::assert::Assert {
    tradekb()
        .current_dir(site.root())
        .arg("new")
        .args(args)
        .assert()
}

#[test]
fn new_writes_a_draft_skeleton_and_says_where() {
    let site = Site::from_files(&[]);
    new_in(
        &site,
        &["policy", "my-policy", "--title", "我的政策", "--date", "2015-03-07"],
    )
    .success()
    .stderr("")
    .stdout(
        "Created content/policies/my-policy.md\n\
         It is a draft: `tradekb build --drafts` includes it; delete its `draft: true` line to publish it.\n",
    );
    let text = fs::read_to_string(site.root().join("content/policies/my-policy.md")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    for line in ["title: 我的政策", "date: 2015-03-07", "tags: []"] {
        assert!(lines.contains(&line), "{line} in\n{text}");
    }
    for key in [
        "summary:",
        "cities: []",
        "issuer:",
        "status:",
        "draft: true",
    ] {
        assert!(text.lines().any(|l| l.starts_with(key)), "{key} in\n{text}");
    }
    assert!(text.contains("\n## "), "a heading placeholder in\n{text}");
    // Published as the message says, it is no draft policy (the skeleton said
    // `status: draft`, so the page showed 草案 and the draft banner).
    let published: String = (text.lines())
        .filter(|l| !l.starts_with("draft:"))
        .map(|l| format!("{l}\n"))
        .collect();
    site.write("content/policies/my-policy.md", published);
    let page = site.build().page("policies/my-policy/index.html");
    assert_eq!(
        page.count(".status, .notice, .badge-draft"),
        0,
        "no status shown"
    );
}

#[test]
fn new_defaults_to_a_placeholder_title_and_today() {
    let site = Site::from_files(&[]);
    new_in(&site, &["analysis", "note"]).success();
    let text = fs::read_to_string(site.root().join("content/analysis/note.md")).unwrap();
    assert!(text.contains("\ntitle: 待定标题\n"), "{text}");
    let date = text
        .lines()
        .find_map(|l| l.strip_prefix("date: "))
        .expect("a date line");
    let date = Date::parse(date).expect("a valid date").day;
    let today = chrono::Local::now().date_naive();
    assert!(date == today || date.succ_opt() == Some(today), "{date}");
    assert!(
        !text.contains("issuer:") && !text.contains("status:"),
        "only policies have them"
    );
}

#[test]
fn new_accepts_folder_names_and_honours_root() {
    let site = Site::from_files(&[]);
    tradekb()
        .arg("--root")
        .arg(site.root())
        .args(["new", "pilots", "x"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("content/pilots/x.md").and(predicate::str::contains(format!(
                "`tradekb --root {} build --drafts`",
                site.root().display()
            ))),
        );
    assert!(site.root().join("content/pilots/x.md").is_file());
}

#[test]
fn a_new_article_is_built_only_with_drafts_until_its_draft_line_goes() {
    let dir = tempfile::tempdir().unwrap();
    let root = init_site(dir.path());
    tradekb()
        .arg("--root")
        .arg(&root)
        .args([
            "new",
            "policy",
            "my-policy",
            "--title",
            "标题: 含冒号的 \"政策\"",
        ])
        .assert()
        .success();
    const PAGE: &str = "policies/my-policy/index.html";
    assert!(!build(&root, unminified()).exists(PAGE));
    let out = build(&root, drafts());
    assert_eq!(out.page(PAGE).text("main h1"), "标题: 含冒号的 \"政策\"");

    let file = root.join("content/policies/my-policy.md");
    let text = fs::read_to_string(&file).unwrap();
    let published: String = text
        .lines()
        .filter(|l| !l.starts_with("draft: true"))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(&file, published).unwrap();
    assert!(build(&root, unminified()).exists(PAGE));
}

#[test]
fn new_says_when_its_date_keeps_it_out_of_builds() {
    let site = Site::from_files(&[]);
    new_in(&site, &["policy", "later", "--date", "2999-01-01"])
        .success()
        .stdout(predicate::str::contains(
            "Its date is after today: builds leave it out until that day, unless run with --future.",
        ));
    new_in(&site, &["policy", "earlier", "--date", "2015-01-01"])
        .success()
        .stdout(predicate::str::contains("after today").not());
}

#[test]
fn new_never_overwrites_a_file() {
    let site = Site::from_files(&[("content/policies/my-policy.md", "mine")]);
    new_in(&site, &["policy", "my-policy"])
        .code(1)
        .stdout("")
        .stderr("error: content/policies/my-policy.md already exists; refusing to overwrite it\n");
    let text = fs::read_to_string(site.root().join("content/policies/my-policy.md")).unwrap();
    assert_eq!(text, "mine");
}

#[test]
fn new_with_an_unknown_kind_is_a_usage_error() {
    let site = Site::from_files(&[]);
    new_in(&site, &["news", "x"]).code(2).stdout("").stderr(
        predicate::str::contains("unknown kind or section `news`")
            .and(predicate::str::contains("policy, pilot or analysis"))
            .and(predicate::str::contains("(it has none)")),
    );
    assert!(!site.root().join("content").exists());
    // The profiles of cities are no section.
    site.write("content/cities/changsha.md", "---\nname: 长沙\n---\n");
    new_in(&site, &["cities", "x"])
        .code(2)
        .stderr(predicate::str::contains("unknown kind or section `cities`"));
}

/// Any folder is a section (the README says so), and `new` writes into it: a site's own
/// section, or a sub-section, whose articles are of its top section's kind (`new` took the
/// three built-in kinds only).
#[test]
fn new_writes_into_any_section_of_the_site() {
    let site = Site::from_files(&[
        ("content/notes/_index.md", "---\ntitle: 笔记\n---\n"),
        (
            "content/policies/customs/_index.md",
            "---\ntitle: 海关\n---\n",
        ),
        (
            "content/regulations/_index.md",
            "---\ntitle: 法规\nkind: policy\n---\n",
        ),
    ]);
    // As shell completion writes it; a section whose `kind:` is policy.
    new_in(
        &site,
        &["content/regulations/", "rule", "--date", "2015-03-07"],
    )
    .success();
    let rule = fs::read_to_string(site.root().join("content/regulations/rule.md")).unwrap();
    assert!(
        rule.contains("\nissuer:"),
        "the section's kind, policy:\n{rule}"
    );
    new_in(
        &site,
        &[
            "notes",
            "first",
            "--title",
            "第一篇",
            "--date",
            "2015-03-07",
        ],
    )
    .success()
    .stdout(predicate::str::starts_with(
        "Created content/notes/first.md\n",
    ));
    new_in(
        &site,
        &["policies/customs", "reply", "--date", "2015-03-07"],
    )
    .success();
    let reply = fs::read_to_string(site.root().join("content/policies/customs/reply.md")).unwrap();
    assert!(reply.contains("\nissuer:"), "a policy's skeleton:\n{reply}");
    let out = site.build_with(Overrides {
        drafts: true,
        ..unminified()
    });
    assert_eq!(out.page("notes/first/index.html").text("h1"), "第一篇");
    new_in(&site, &["note", "x"])
        .code(2)
        .stderr(predicate::str::contains(
            "unknown kind or section `note`: use policy, pilot or analysis, or the folder of a \
         section of this site: notes, policies, regulations",
        ));
}

#[test]
fn new_with_a_bad_slug_is_a_usage_error_naming_the_rule() {
    let site = Site::from_files(&[]);
    for slug in ["杭州试点", "a/b", ".hidden"] {
        new_in(&site, &["policy", slug]).code(2).stdout("").stderr(
            predicate::str::contains(format!("`{slug}` is not a valid slug")).and(
                predicate::str::contains("ASCII letters, digits, `-`, `_` or `.`"),
            ),
        );
    }
    assert!(!site.root().join("content").exists());
}

#[test]
fn new_with_an_impossible_date_is_a_usage_error() {
    let site = Site::from_files(&[]);
    new_in(&site, &["policy", "x", "--date", "2014-02-30"])
        .code(2)
        .stderr(predicate::str::contains("2014-02 has no day 30"));
}

#[test]
fn new_outside_a_site_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    tradekb()
        .current_dir(dir.path())
        .args(["new", "policy", "x"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(
            predicate::str::starts_with("error: no site.yaml in ")
                .and(predicate::str::contains("tradekb init DIR")),
        );
    assert!(!dir.path().join("content").exists());
}

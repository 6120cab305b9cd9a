//! Bad input, one kind per test, made the way a user makes it: a copy of the real sample
//! site is built once with the command line, one mistake is introduced, and the second
//! `tradekb build` must fail cleanly: exit code 1 (never 101, a panic, nor a signal), a
//! message naming the file (and its line and column where the file has lines), within a
//! time bound, leaving the previous `public/` byte for byte as it was.
//!
//! Input that is odd but valid (a BOM, CRLF, a single string for `tags`, a date with a time
//! zone) must build, and hostile text in front matter must come out inert.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use tempfile::TempDir;

use crate::support::{assert_same_tree, tree, Page};

/// No build of the sample site may take longer than this, whatever its input.
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// The article most tests break. Its front matter, line by line:
/// 1 `---`, 2 `title:`, 3 `date:`, 4 `summary:`, 5 `tags:`, 6 `cities:`, 7 `issuer:`,
/// 8 `文种:`, 9 `source:`, 10 `下发日期:`, 11 `---`.
const ARTICLE: &str = "content/policies/changsha-customs-reply.md";
/// Where that article is published.
const ARTICLE_PAGE: &str = "policies/changsha-customs-reply/index.html";

/// What one run of `tradekb build` did.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    took: Duration,
}

/// A copy of the sample site (content/, site.yaml, themes/) in a temporary folder, with the
/// output of a build of the unmodified site in `public/`, kept to compare against.
struct Sample {
    dir: TempDir,
    before: BTreeMap<String, Vec<u8>>,
}

/// The sample site built once by the command line for the whole test process; each test
/// starts from a copy of it.
fn built_sample() -> &'static (TempDir, BTreeMap<String, Vec<u8>>) {
    static BUILT: OnceLock<(TempDir, BTreeMap<String, Vec<u8>>)> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = crate::support::sample_copy();
        let mut sample = Sample {
            dir,
            before: BTreeMap::new(),
        };
        let first = sample.run(&[]);
        assert_eq!(
            first.code,
            Some(0),
            "the unmodified sample site must build:\n{}",
            first.stderr
        );
        sample.before = tree(&sample.public());
        assert!(sample.before.contains_key(ARTICLE_PAGE));
        (sample.dir, sample.before)
    })
}

impl Sample {
    fn new() -> Sample {
        let (built, before) = built_sample();
        let dir = tempfile::tempdir().expect("a temporary folder");
        copy(built.path(), dir.path());
        let _ = fs::remove_file(dir.path().join(".public.tradekb-lock"));
        Sample {
            dir,
            before: before.clone(),
        }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap()
    }

    /// Rewrites a text file of the site.
    fn edit(&self, rel: &str, change: impl FnOnce(String) -> String) {
        let text = self.read(rel);
        let changed = change(text.clone());
        assert_ne!(text, changed, "the edit of {rel} changed nothing");
        self.write(rel, changed);
    }

    /// Replaces line `n` (1-based) of a text file; `None` deletes it.
    fn set_line(&self, rel: &str, n: usize, new: Option<&str>) {
        self.edit(rel, |text| {
            let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
            let with_newline = new.map(|l| format!("{l}\n"));
            match &with_newline {
                Some(l) => lines[n - 1] = l,
                None => {
                    lines.remove(n - 1);
                }
            }
            lines.concat()
        });
    }

    /// Inserts a line so that it becomes line `n`.
    fn insert_line(&self, rel: &str, n: usize, line: &str) {
        self.edit(rel, |text| {
            let mut lines: Vec<String> = text.split_inclusive('\n').map(String::from).collect();
            lines.insert(n - 1, format!("{line}\n"));
            lines.concat()
        });
    }

    /// `tradekb build` in the site's folder, as a user types it, killed after the time limit.
    fn run(&self, extra: &[&str]) -> Run {
        let start = Instant::now();
        let out = Command::cargo_bin("tradekb")
            .expect("the tradekb binary is built")
            .current_dir(self.root())
            .arg("build")
            .args(extra)
            .timeout(TIME_LIMIT)
            .output()
            .expect("tradekb runs");
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            took: start.elapsed(),
        }
    }

    /// Builds again and asserts a clean failure: exit code 1, no panic, within the time
    /// limit, every one of `expected` in stderr, `public/` untouched and nothing left
    /// beside it. Returns stderr.
    fn fails(&self, expected: &[&str]) -> String {
        let run = self.run(&[]);
        let Run {
            code,
            stderr,
            stdout,
            took,
        } = &run;
        assert!(
            *took < TIME_LIMIT,
            "the build took {took:?} (exit {code:?})\n{stderr}"
        );
        assert!(
            !stderr.contains("panicked"),
            "the build panicked:\n{stderr}"
        );
        assert_eq!(
            *code,
            Some(1),
            "expected exit code 1 (None = killed by a signal or the time limit)\nstdout:\n{stdout}\nstderr:\n{stderr}"
        );
        for e in expected {
            assert!(stderr.contains(e), "stderr lacks `{e}`:\n{stderr}");
        }
        assert!(
            stderr.contains("error:"),
            "a failed build must say why:\n{stderr}"
        );
        self.assert_output_untouched();
        stderr.clone()
    }

    /// Builds again and asserts success (exit code 0, no panic, within the time limit).
    /// Returns stderr (warnings).
    fn succeeds(&self) -> String {
        let run = self.run(&[]);
        assert!(
            run.took < TIME_LIMIT,
            "the build took {:?}\n{}",
            run.took,
            run.stderr
        );
        assert!(
            !run.stderr.contains("panicked"),
            "the build panicked:\n{}",
            run.stderr
        );
        assert_eq!(
            run.code,
            Some(0),
            "expected success (None = killed by a signal or the time limit)\nstderr:\n{}",
            run.stderr
        );
        run.stderr
    }

    fn assert_output_untouched(&self) {
        assert_same_tree(&self.before, &tree(&self.public()));
        let leftovers: Vec<String> = fs::read_dir(self.root())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("tradekb-") && !n.ends_with("tradekb-lock"))
            .collect();
        assert!(
            leftovers.is_empty(),
            "left beside the output: {leftovers:?}"
        );
    }

    fn output(&self, rel: &str) -> String {
        fs::read_to_string(self.public().join(rel))
            .unwrap_or_else(|e| panic!("cannot read public/{rel}: {e}"))
    }
}

fn copy(from: &Path, to: &Path) {
    if from.is_file() {
        fs::copy(from, to).unwrap();
    } else {
        crate::support::copy_tree(from, to);
    }
}

/// `ARTICLE:line:column`, as the message must show it.
fn at(line: usize, column: usize) -> String {
    format!("{ARTICLE}:{line}:{column}")
}

// ---------------------------------------------------------------------------------------
// Front matter: its fences and its YAML

#[test]
fn missing_front_matter_is_reported_at_the_first_line() {
    let s = Sample::new();
    s.set_line(ARTICLE, 1, None);
    s.fails(&["file has no front matter", &at(1, 1)]);
}

#[test]
fn unclosed_front_matter_is_reported_at_its_opening_fence() {
    let s = Sample::new();
    s.set_line(ARTICLE, 11, None);
    s.fails(&["front matter is not closed", &at(1, 1)]);
}

#[test]
fn empty_front_matter_is_reported() {
    let s = Sample::new();
    s.write(ARTICLE, "---\n---\n正文。\n");
    s.fails(&["front matter is empty", &at(1, 1)]);
}

#[test]
fn front_matter_that_is_a_list_is_reported_as_not_a_mapping() {
    let s = Sample::new();
    s.write(ARTICLE, "---\n- a\n- b\n---\n正文。\n");
    s.fails(&["must be a mapping", "found a list", &at(2, 1)]);
}

#[test]
fn invalid_yaml_is_reported_where_the_parser_stopped() {
    let s = Sample::new();
    s.set_line(ARTICLE, 2, Some("title: 长沙: 试点"));
    s.fails(&["invalid YAML", &at(2, 10)]);
}

#[test]
fn duplicate_key_is_reported_at_its_second_copy() {
    let s = Sample::new();
    s.insert_line(ARTICLE, 4, "title: 又一个标题");
    s.fails(&["duplicate entry with key \"title\"", &at(4, 1)]);
}

#[test]
fn yaml_alias_bomb_is_refused_quickly() {
    let s = Sample::new();
    let mut yaml = String::from(
        "---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let (prev, name) = (pair[0], pair[1]);
        let items = vec![format!("*{prev}"); 9].join(",");
        yaml.push_str(&format!("{name}: &{name} [{items}]\n"));
    }
    yaml.push_str("title: 十亿笑声\ndate: 2014-01-02\n---\n正文。\n");
    s.write(ARTICLE, yaml);
    s.fails(&["repetition limit exceeded", &at(2, 1), "aliases"]);
}

// ---------------------------------------------------------------------------------------
// Front matter: values

#[test]
fn a_number_for_title_is_a_type_error() {
    // `title` is read as a string and serde_yaml does not turn a YAML integer into one, so
    // `title: 5` is refused (unlike `tags: [5]`, whose numbers become names).
    let s = Sample::new();
    s.set_line(ARTICLE, 2, Some("title: 5"));
    s.fails(&[
        "`title`: invalid type: integer `5`, expected a string",
        &at(2, 8),
    ]);
}

#[test]
fn a_source_of_the_wrong_shape_says_what_source_takes_never_a_type_name() {
    let s = Sample::new();
    s.set_line(ARTICLE, 9, Some("source: 18f"));
    s.fails(&[
        "`source`: `18f` is neither an article's Markdown source nor an address",
        &at(9, 9),
        "(../sources/name.md)",
    ]);
    s.set_line(ARTICLE, 9, Some("source: 5"));
    let stderr = s.fails(&[
        "`source`: invalid type: integer `5`, expected an article's Markdown source (../sources/name.md), a web address, or a mapping with `name` and `url`",
        &at(9, 9),
    ]);
    assert!(
        !stderr.contains("struct") && !stderr.contains("enum"),
        "{stderr}"
    );
    s.set_line(
        ARTICLE,
        9,
        Some("source: { name: 复函, urll: \"https://example.org/\" }"),
    );
    // A key of the mapping that `source` does not take is shown where it is written, in
    // either form, with the key meant (it used to be shown at `source`, with no guess).
    s.fails(&[
        "`source.urll`: `urll` is not a key of `source`",
        &at(9, 21),
        "did you mean `url`? `source` takes `name` and `url`",
    ]);
    s.set_line(ARTICLE, 9, Some("source:"));
    s.insert_line(ARTICLE, 10, "  name: 复函");
    s.insert_line(ARTICLE, 11, "  link: https://example.org/");
    s.fails(&["`source.link`: `link` is not a key of `source`", &at(11, 3)]);
}

/// The status as the page shows it (现行有效) is the likeliest slip: it is answered with the
/// key to write (it used to get serde's "unknown variant" and no help).
#[test]
fn a_status_written_in_chinese_or_misspelt_is_answered_with_its_key() {
    let s = Sample::new();
    s.insert_line(ARTICLE, 8, "status: 现行有效");
    s.fails(&[
        "`status`: `现行有效` is not a status",
        &at(8, 9),
        "write `in-force` (现行有效)",
    ]);
    s.set_line(ARTICLE, 8, Some("status: amend"));
    s.fails(&["`amend` is not a status", "write `amended` (已修订)"]);
    s.set_line(ARTICLE, 8, Some("status: 有效"));
    let stderr = s.fails(&[
        "`有效` is not a status",
        "write one of `in-force` (现行有效), ",
    ]);
    assert!(!stderr.contains("variant"), "{stderr}");
}

#[test]
fn a_string_for_draft_is_a_type_error() {
    let s = Sample::new();
    s.insert_line(ARTICLE, 4, "draft: \"yes\"");
    s.fails(&["`draft`: invalid type: string", &at(4, 8)]);
}

#[test]
fn impossible_date_is_refused() {
    let s = Sample::new();
    s.set_line(ARTICLE, 3, Some("date: 2014-02-30"));
    s.fails(&[
        "invalid date `2014-02-30`: 2014-02 has no day 30",
        &at(3, 7),
    ]);
}

/// The YAML slips a Chinese author makes most are told where they are, with what to
/// write: a full-width colon after a key (the parser blamed the next line, or, on the last
/// line, took it into the value above), a tab, a list left open (blamed at the fence).
#[test]
fn yaml_slips_are_told_where_they_are() {
    let s = Sample::new();
    s.set_line(
        ARTICLE,
        2,
        Some("title：海关总署同意长沙开展跨境电子商务服务试点"),
    );
    s.fails(&[
        "invalid YAML: `title` is followed by a full-width colon `：`",
        &at(2, 6),
        "YAML needs the ASCII colon and a space: `title: 海关总署同意长沙开展跨境电子商务服务试点`",
    ]);
    s.set_line(
        ARTICLE,
        2,
        Some("title: 海关总署同意长沙开展跨境电子商务服务试点"),
    );
    s.set_line(ARTICLE, 10, Some("下发日期：2014-01-02"));
    s.fails(&["`下发日期` is followed by a full-width colon", &at(10, 5)]);
    s.set_line(ARTICLE, 10, Some("下发日期: 2014-01-02"));
    s.set_line(ARTICLE, 5, Some("tags: [海关, 试点城市, 中西部, 跨境电商"));
    s.fails(&["invalid YAML: this `[` is not closed", &at(5, 7)]);
    s.set_line(ARTICLE, 5, Some("tags:\n\t- 海关"));
    s.fails(&["invalid YAML: this line is indented with a tab", &at(6, 1)]);
}

/// A date written the way Chinese documents write it is answered with the form to write.
#[test]
fn a_date_written_another_way_is_answered_with_the_form_to_write() {
    let s = Sample::new();
    s.set_line(ARTICLE, 3, Some("date: 2014年1月2日"));
    s.fails(&[
        "invalid date `2014年1月2日`",
        &at(3, 7),
        "did you mean `2014-01-02`?",
    ]);
    s.set_line(ARTICLE, 3, Some("date: 2014/1/2"));
    s.fails(&["did you mean `2014-01-02`?"]);
}

#[test]
fn missing_required_date_is_reported() {
    let s = Sample::new();
    s.set_line(ARTICLE, 3, None);
    s.fails(&["missing required key `date`", &at(1, 1)]);
}

#[test]
fn unknown_key_suggests_the_nearest_known_one() {
    let s = Sample::new();
    s.edit(ARTICLE, |t| t.replacen("\ntags:", "\ntgas:", 1));
    s.fails(&["unknown key `tgas`", "did you mean `tags`?", &at(5, 1)]);
}

// ---------------------------------------------------------------------------------------
// The file itself

#[test]
fn file_that_is_not_utf8_is_reported_at_the_bad_byte() {
    let s = Sample::new();
    s.write(ARTICLE, b"---\ntitle: \xff\xfe\ndate: 2014-01-02\n---\n");
    s.fails(&["file is not valid UTF-8", &at(2, 8)]);
}

/// A file a Chinese Windows editor saved as GBK: the line is shown as far as it goes, and
/// the help names the encoding and the command that converts it.
#[test]
fn a_gbk_file_is_named_as_such_with_the_command_that_converts_it() {
    let s = Sample::new();
    // 标题 in GBK.
    s.write(
        ARTICLE,
        b"---\ntitle: GBK \xb1\xea\xcc\xe2\ndate: 2014-01-02\n---\n",
    );
    let stderr = s.fails(&[
        "file is not valid UTF-8",
        &at(2, 12),
        "it looks like GBK (GB2312, GB18030)",
        "iconv -f GB18030 -t UTF-8",
    ]);
    assert!(stderr.contains("title: GBK \u{fffd}"), "{stderr}");
}

#[test]
fn nul_byte_is_reported_where_it_is() {
    let s = Sample::new();
    s.write(ARTICLE, "---\ntitle: a\0b\ndate: 2014-01-02\n---\n");
    s.fails(&["file contains a NUL byte", &at(2, 9)]);
}

#[test]
fn empty_file_is_reported() {
    let s = Sample::new();
    s.write(ARTICLE, "");
    s.fails(&["file is empty", ARTICLE]);
}

#[test]
fn file_over_16_mib_is_refused_without_being_read() {
    let s = Sample::new();
    let mut text = s.read(ARTICLE);
    let paragraph = "跨境电子商务服务试点。".repeat(100) + "\n\n";
    while text.len() <= (17 << 20) {
        text.push_str(&paragraph);
    }
    s.write(ARTICLE, text);
    s.fails(&["the limit is 16 MiB", ARTICLE]);
}

#[test]
fn deeply_nested_markdown_is_refused_where_it_gets_too_deep() {
    let s = Sample::new();
    s.edit(ARTICLE, |mut t| {
        t.push_str("\n\n");
        t.push_str(&">".repeat(100_000));
        t.push_str(" 很深的引用\n\n");
        t.push_str(&"[".repeat(50_000));
        t.push_str("未闭合的链接\n");
        t
    });
    let line = 1 + s
        .read(ARTICLE)
        .lines()
        .position(|l| l.starts_with(">>>"))
        .unwrap();
    // The 100th `>` opens the 101st element (the article's own paragraph closed before).
    let stderr = s.fails(&["nested more than 100 levels deep", &at(line, 101)]);
    assert!(
        stderr.len() < 4000,
        "the snippet of a huge line is cut:\n{stderr}"
    );
}

/// Raw HTML can nest as deeply as it likes: the minifier does not recurse, so such a page
/// is minified and written like any other.
#[test]
fn deeply_nested_raw_html_builds_without_crashing() {
    let s = Sample::new();
    s.edit(ARTICLE, |mut t| {
        t.push_str("\n\n<div>\n");
        t.push_str(&"<span>".repeat(20_000));
        t.push_str("很深\n\n");
        t
    });
    s.succeeds();
    assert!(s.output(ARTICLE_PAGE).contains("很深"));
}

#[test]
fn deeply_nested_brackets_build_quickly() {
    // The `[` half of the case above, which does not need deep HTML.
    let s = Sample::new();
    s.edit(ARTICLE, |mut t| {
        t.push_str("\n\n");
        t.push_str(&"[".repeat(50_000));
        t.push_str("未闭合的链接\n");
        t
    });
    let started = Instant::now();
    s.succeeds();
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(s.output(ARTICLE_PAGE).contains("未闭合的链接"));
}

#[test]
fn symbolic_link_loop_in_content_is_reported() {
    let s = Sample::new();
    std::os::unix::fs::symlink("..", s.path("content/policies/loop")).unwrap();
    s.fails(&["symbolic link loop", "content/policies/loop"]);
}

#[test]
fn unreadable_file_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let s = Sample::new();
    let path = s.path(ARTICLE);
    fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&path).is_ok() {
        // Running as root (or with CAP_DAC_OVERRIDE): mode 000 does not stop reading. A
        // dangling symbolic link fails to read for every user, root included, with the
        // same "cannot read" a user sees for a file they may not open. (A FIFO would not
        // do: it is not a regular file, so the loader skips it; see the test below.)
        fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink("gone-elsewhere.md", &path).unwrap();
        assert!(fs::read(&path).is_err());
    }
    s.fails(&["cannot read", ARTICLE]);
}

#[test]
fn fifo_in_content_does_not_hang_the_build() {
    // Opening a FIFO for reading blocks until a writer comes: the loader must not try.
    let s = Sample::new();
    let fifo = s.path("content/policies/pipe.md");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    let run = s.run(&[]);
    assert!(run.took < TIME_LIMIT, "the build hung on a FIFO");
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(
        matches!(run.code, Some(0 | 1)),
        "exit {:?}\n{}",
        run.code,
        run.stderr
    );
    if run.code == Some(1) {
        assert!(
            run.stderr.contains("content/policies/pipe.md"),
            "{}",
            run.stderr
        );
        s.assert_output_untouched();
    }
}

// ---------------------------------------------------------------------------------------
// Names and URLs

#[test]
fn tag_too_long_for_a_file_name_is_refused() {
    // 100 Chinese characters make a 300-byte URL segment; file systems allow 255.
    let s = Sample::new();
    let tag: String = "跨境电商试点城市海关总署"
        .chars()
        .cycle()
        .take(100)
        .collect();
    s.set_line(ARTICLE, 5, Some(&format!("tags: [{tag}]")));
    s.fails(&["is 300 bytes", "255 bytes per name", ARTICLE]);
}

#[test]
fn two_articles_with_the_same_slug_are_refused_naming_both() {
    let s = Sample::new();
    for name in ["one", "two"] {
        s.write(
            &format!("content/policies/{name}.md"),
            format!("---\ntitle: 文章{name}\ndate: 2014-01-02\nslug: same-place\n---\n正文。\n"),
        );
    }
    s.fails(&[
        "`/policies/same-place/` is written by two sources",
        "content/policies/one.md",
        "content/policies/two.md",
    ]);
}

#[test]
fn slug_equal_to_another_file_name_is_refused_naming_both() {
    let s = Sample::new();
    s.write(
        "content/policies/copy.md",
        "---\ntitle: 副本\ndate: 2014-01-02\nslug: changsha-customs-reply\n---\n正文。\n",
    );
    s.fails(&[
        "`/policies/changsha-customs-reply/` is written by two sources",
        "content/policies/copy.md",
        ARTICLE,
    ]);
}

#[test]
fn slug_climbing_out_of_the_output_is_refused() {
    let s = Sample::new();
    s.insert_line(ARTICLE, 4, "slug: ../../x");
    s.fails(&["`../../x` is not a valid slug", &at(4, 7)]);
    assert!(!s.root().join("x").exists());
}

#[test]
fn alias_climbing_out_of_the_output_is_refused() {
    let s = Sample::new();
    s.insert_line(ARTICLE, 4, "aliases: [/../../etc/x/]");
    s.fails(&["`/../../etc/x/` must not contain", &at(4, 1)]);
}

#[test]
fn alias_with_a_backslash_is_refused() {
    let s = Sample::new();
    s.insert_line(ARTICLE, 4, r"aliases: ['/old\..\..\x/']");
    s.fails(&["must not contain backslashes", &at(4, 1)]);
}

#[test]
fn slug_with_a_nul_is_refused() {
    let s = Sample::new();
    // YAML's `\0` escape: the file holds no NUL byte, the value does.
    s.insert_line(ARTICLE, 4, r#"slug: "a\0b""#);
    s.fails(&["is not a valid slug", &at(4, 7)]);
}

// ---------------------------------------------------------------------------------------
// Templates and theme

#[test]
fn template_syntax_error_is_reported_in_the_template() {
    let s = Sample::new();
    s.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ page.title }</h1>\n{% endblock main %}\n",
    );
    s.fails(&["templates/page.html:3:"]);
}

#[test]
fn template_using_an_undefined_variable_is_reported_in_the_template() {
    let s = Sample::new();
    s.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ no_such_variable }}</h1>\n{% endblock main %}\n",
    );
    s.fails(&["templates/page.html:3:", "no_such_variable"]);
}

#[test]
fn missing_theme_is_reported_in_site_yaml() {
    let s = Sample::new();
    s.edit("site.yaml", |t| {
        t.replace("theme: default", "theme: nosuch")
    });
    s.fails(&["theme `nosuch` not found", "site.yaml"]);
}

// ---------------------------------------------------------------------------------------
// site.yaml

#[test]
fn site_yaml_unknown_key_suggests_the_nearest_known_one() {
    let s = Sample::new();
    s.edit("site.yaml", |t| t.replacen("title:", "titel:", 1));
    s.fails(&[
        "unknown key `titel`",
        "did you mean `title`?",
        "site.yaml:1:1",
    ]);
}

#[test]
fn site_yaml_wrong_type_points_at_the_value() {
    let s = Sample::new();
    s.edit("site.yaml", |t| {
        t.replace("paginate_by: 10", "paginate_by: many")
    });
    s.fails(&[
        "`paginate_by`: invalid type: string \"many\"",
        "site.yaml:6:14",
    ]);
}

#[test]
fn site_yaml_bad_base_url_is_refused() {
    let s = Sample::new();
    s.edit("site.yaml", |t| {
        t.replace("base_url: https://example.org/", "base_url: example.org")
    });
    s.fails(&["must start with http:// or https://", "site.yaml:3:11"]);
}

// ---------------------------------------------------------------------------------------
// Odd but valid input

#[test]
fn bom_is_accepted_and_changes_nothing() {
    let s = Sample::new();
    s.edit(ARTICLE, |t| format!("\u{FEFF}{t}"));
    s.succeeds();
    s.assert_output_untouched();
}

#[test]
fn crlf_line_endings_are_accepted_and_change_nothing() {
    let s = Sample::new();
    s.edit(ARTICLE, |t| t.replace('\n', "\r\n"));
    s.succeeds();
    s.assert_output_untouched();
}

#[test]
fn a_single_string_for_tags_is_a_one_item_list() {
    let s = Sample::new();
    s.set_line(ARTICLE, 5, Some("tags: 海关"));
    s.succeeds();
    let page = Page::parse(&s.output(ARTICLE_PAGE));
    let tag_links: Vec<String> = page
        .attrs("a[href]", "href")
        .into_iter()
        .filter(|h| h.starts_with("/tags/") && h != "/tags/")
        .collect();
    assert!(
        tag_links.iter().all(|h| h == "/tags/customs/"),
        "{tag_links:?}"
    );
    assert!(!tag_links.is_empty());
}

#[test]
fn a_date_with_a_time_zone_is_accepted() {
    let s = Sample::new();
    s.set_line(ARTICLE, 3, Some("date: 2014-01-02T09:30:00+08:00"));
    s.succeeds();
    assert!(
        s.output(ARTICLE_PAGE).contains("2014-01-02T09:30:00+08:00"),
        "the instant is kept"
    );
}

// ---------------------------------------------------------------------------------------
// Hostile content

/// Closes the `<title>` (which minify-html leaves unescaped inside it), opens a script,
/// breaks quoted attributes and XML CDATA sections.
const HOSTILE: &str = "</title><script>alert(1)</script>\"'&]]>";

/// YAML for `HOSTILE` as a double-quoted scalar.
fn hostile_yaml() -> String {
    format!("\"{}\"", HOSTILE.replace('\\', "\\\\").replace('"', "\\\""))
}

#[test]
fn hostile_front_matter_comes_out_inert_in_pages_feeds_and_sitemap() {
    let s = Sample::new();
    let h = hostile_yaml();
    s.write(
        "content/policies/hostile.md",
        format!(
            "---\ntitle: {h}\ndate: 2014-01-03\nsummary: {h}\ntags: [{h}]\ncities: [{h}]\n\
             issuer: {h}\nsource: {{ name: {h}, url: \"https://example.org/?a=1&b=<2>\" }}\n---\n正文。\n"
        ),
    );
    s.write(
        "content/tags/hostile.md",
        // The body is left plain: raw HTML in bodies is allowed by default (authors are
        // trusted); `raw_html: escape` is tested below.
        format!("---\nname: {h}\nslug: hostile\ndescription: {h}\n---\n标签介绍。\n"),
    );
    s.succeeds();
    let files = tree(&s.public());
    let mut feeds = 0;
    for (path, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        if path.ends_with(".html") {
            // Parsed as a browser does: no script element runs the payload, and no element
            // grew out of it (the raw text `<script>alert` never appears outside an
            // attribute value, where it is only text).
            let page = Page::parse(&text);
            let scripts = page.texts(r#"script:not([type="application/ld+json"])"#);
            assert!(
                scripts.iter().all(|s| !s.contains("alert")),
                "{path}: {scripts:?}"
            );
            // Structured data holds the payload as data: JSON that parses, whole.
            for block in page.inner_html(r#"script[type="application/ld+json"]"#) {
                let data: serde_json::Value = serde_json::from_str(&block)
                    .unwrap_or_else(|e| panic!("{path}: JSON-LD does not parse: {e}"));
                if path == "policies/hostile/index.html" {
                    assert_eq!(data["@graph"][0]["name"], HOSTILE, "{path}");
                }
            }
            assert!(
                page.inner_html("body")
                    .iter()
                    .all(|b| !b.contains("<script>alert")),
                "{path} has a raw <script>alert"
            );
        }
        if path.ends_with(".xml") {
            assert!(
                !text.contains("<script>alert"),
                "{path} has a raw <script>alert"
            );
            let doc = roxmltree::Document::parse(&text)
                .unwrap_or_else(|e| panic!("{path} is not well-formed XML: {e}"));
            if path.ends_with("atom.xml") {
                feeds += 1;
                let titles: Vec<&str> = doc
                    .descendants()
                    .filter(|n| n.has_tag_name("title"))
                    .filter_map(|n| n.text())
                    .collect();
                if path.starts_with("tags/hostile/") {
                    assert!(titles.contains(&HOSTILE), "{path}: {titles:?}");
                }
            }
        }
    }
    assert!(
        files.contains_key("tags/hostile/atom.xml") && feeds >= 2,
        "the site feed and the hostile tag's feed"
    );
    let page = Page::parse(&s.output("policies/hostile/index.html"));
    assert_eq!(page.text(".article-header h1"), HOSTILE);
    assert_eq!(page.description(), HOSTILE);
    let title = page.text("title");
    assert!(title.starts_with(HOSTILE), "{title}");
}

#[test]
fn javascript_source_url_is_refused() {
    let s = Sample::new();
    s.set_line(
        ARTICLE,
        9,
        Some("source: { name: 复函, url: \"javascript:alert(1)\" }"),
    );
    s.fails(&["url `javascript:alert(1)` would run", &at(9, 9)]);
}

#[test]
fn data_source_url_is_refused() {
    let s = Sample::new();
    s.set_line(
        ARTICLE,
        9,
        Some("source: { name: 复函, url: \"data:text/html,<script>alert(1)</script>\" }"),
    );
    s.fails(&["would run or embed code", &at(9, 9)]);
}

#[test]
fn raw_script_in_a_body_is_text_when_raw_html_is_escaped() {
    let s = Sample::new();
    s.edit("site.yaml", |mut t| {
        t.push_str("raw_html: escape\n");
        t
    });
    s.edit(ARTICLE, |mut t| {
        t.push_str("\n<script>alert(1)</script>\n\n行内<img src=x onerror=alert(2)>。\n");
        t
    });
    s.succeeds();
    let html = s.output(ARTICLE_PAGE);
    assert!(!html.contains("<script>alert"), "raw script in the page");
    assert!(!html.contains("<img src=x"), "raw img in the page");
    let page = Page::parse(&html);
    assert_eq!(page.count("main script"), 0, "no script element at all");
    let body = page.text(".article-body");
    assert!(body.contains("<script>alert(1)</script>"), "{body}");
    assert!(body.contains("<img src=x onerror=alert(2)>"), "{body}");
}

// ---------------------------------------------------------------------------------------
// Output paths that two sources claim without the URL check seeing it (bugs found here)

#[test]
fn file_name_without_letters_is_refused() {
    let s = Sample::new();
    s.write(
        "content/policies/（）.md",
        "---\ntitle: 标点\ndate: 2014-01-02\n---\n正文。\n",
    );
    s.fails(&["content/policies/（）.md"]);
}

#[test]
fn file_name_without_letters_at_the_root_names_the_file() {
    let s = Sample::new();
    s.write(
        "content/（）.md",
        "---\ntitle: 标点\ndate: 2014-01-02\n---\n正文。\n",
    );
    s.fails(&["content/（）.md"]);
}

#[test]
fn alias_onto_the_404_page_is_refused() {
    let s = Sample::new();
    s.insert_line(ARTICLE, 4, "aliases: [/404.html]");
    s.fails(&["/404.html", &at(4, 1)]);
}

#[test]
fn alias_onto_a_pagination_page_is_refused() {
    let s = Sample::new();
    // Two articles a page, so that /policies/page/2/ exists.
    s.edit("site.yaml", |t| {
        t.replace("paginate_by: 10", "paginate_by: 2")
    });
    s.insert_line(ARTICLE, 4, "aliases: [/policies/page/2/]");
    s.fails(&["/policies/page/2/", ARTICLE]);
}

#[test]
fn alias_onto_the_feed_names_the_article() {
    let s = Sample::new();
    s.insert_line(ARTICLE, 4, "aliases: [/atom.xml]");
    s.fails(&["/atom.xml", &at(4, 1)]);
}

#[test]
fn asset_at_the_path_of_a_page_is_refused() {
    let s = Sample::new();
    s.write(
        "content/policies/changsha-customs-reply/index.html",
        "<p>不是这篇文章</p>\n",
    );
    s.fails(&["content/policies/changsha-customs-reply/index.html"]);
}

#[test]
fn section_folder_with_a_hash_names_the_folder() {
    let s = Sample::new();
    s.write(
        "content/a#b/x.md",
        "---\ntitle: 奇怪目录\ndate: 2014-01-02\n---\n正文。\n",
    );
    s.fails(&["content/a#b"]);
}

#[test]
fn script_urls_in_body_links_are_refused_when_raw_html_is_escaped() {
    let s = Sample::new();
    s.edit("site.yaml", |mut t| {
        t.push_str("raw_html: escape\n");
        t
    });
    s.edit(ARTICLE, |mut t| {
        t.push_str("\n[点我](javascript:alert(1))\n");
        t
    });
    let lines = s.read(ARTICLE).lines().count();
    s.fails(&["javascript:alert(1)", &at(lines, 1)]);
}

#[test]
fn lone_carriage_returns_do_not_shift_yaml_error_lines() {
    let s = Sample::new();
    s.set_line(ARTICLE, 8, Some("status: in-force\r\r\r\r\rbad"));
    let stderr = s.fails(&["invalid YAML"]);
    // A lone CR breaks the line, for YAML and for the editors that show such files: the
    // reported line must be a line of the front matter as they show it, with its text.
    let text = s.read(ARTICLE);
    let shown: Vec<&str> = text.split(['\n', '\r']).collect();
    let closing = 1 + shown.iter().skip(1).position(|l| *l == "---").unwrap() + 1;
    let location = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix(&format!("--> {ARTICLE}:")))
        .unwrap();
    let line: usize = location.split(':').next().unwrap().parse().unwrap();
    assert!(
        (2..closing).contains(&line),
        "line {line} is outside the front matter\n{stderr}"
    );
    assert!(
        stderr.contains(&format!("{line} | {}", shown[line - 1])),
        "{stderr}"
    );
}

//! The command line as a user runs it: help, exit codes, diagnostics on stderr, the summary.

use assert_cmd::Command;
use predicates::prelude::*;

use crate::support::{tree, Site};

fn tradekb() -> Command {
    Command::cargo_bin("tradekb").expect("the tradekb binary is built")
}

#[test]
fn help_lists_the_build_command() {
    tradekb()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("build").and(predicate::str::contains("--root")));
}

#[test]
fn build_help_lists_every_flag() {
    let mut expected = predicate::str::contains("--output").boxed();
    for flag in [
        "--base-url",
        "--drafts",
        "--no-minify",
        "--jobs",
        "--quiet",
        "--verbose",
        "--no-wait",
    ] {
        expected = expected.and(predicate::str::contains(flag)).boxed();
    }
    tradekb()
        .args(["build", "--help"])
        .assert()
        .success()
        .stdout(expected);
}

#[test]
fn good_build_prints_one_summary_line() {
    let site = Site::fixture("sections");
    let out = tradekb()
        .arg("--root")
        .arg(site.root())
        .arg("build")
        .assert()
        .success()
        .stderr("")
        .get_output()
        .stdout
        .clone();
    let stdout = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    assert!(lines[0].starts_with("Built 8 articles"), "{stdout}");
    assert!(site
        .root()
        .join("public/policies/page/3/index.html")
        .is_file());
}

#[test]
fn broken_site_exits_1_shows_the_line_and_leaves_public_untouched() {
    let site = Site::fixture("sections");
    tradekb()
        .arg("--root")
        .arg(site.root())
        .arg("build")
        .assert()
        .success();
    let before = tree(&site.root().join("public"));
    assert!(!before.is_empty());
    site.write(
        "content/policies/x.md",
        "---\ntitle: 日期错误\ndate: 2014-02-30\n---\n",
    );
    tradekb()
        .arg("--root")
        .arg(site.root())
        .arg("build")
        .assert()
        .code(1)
        .stdout("")
        .stderr(
            predicate::str::contains("error: `date`: invalid date `2014-02-30`")
                .and(predicate::str::contains(" --> content/policies/x.md:3:7\n"))
                .and(predicate::str::contains("3 | date: 2014-02-30\n"))
                .and(predicate::str::contains("  |       ^^^^^^^^^^\n")),
        );
    let after = tree(&site.root().join("public"));
    crate::support::assert_same_tree(&before, &after);
}

#[test]
fn invalid_base_url_is_a_usage_error() {
    let site = Site::fixture("sections");
    tradekb()
        .arg("--root")
        .arg(site.root())
        .args(["build", "--base-url", "not-a-url"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--base-url"));
    assert!(!site.root().join("public").exists(), "nothing is built");
}

#[test]
fn missing_site_yaml_exits_1_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    tradekb()
        .arg("--root")
        .arg(dir.path())
        .arg("build")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no site.yaml"));
}

#[test]
fn quiet_build_prints_nothing() {
    let site = Site::fixture("sections");
    tradekb()
        .arg("--root")
        .arg(site.root())
        .args(["build", "--quiet"])
        .assert()
        .success()
        .stdout("")
        .stderr("");
}

#[test]
fn output_into_the_content_folder_is_refused() {
    let site = Site::fixture("sections");
    let before = tree(site.root());
    for output in ["content", "."] {
        tradekb()
            .arg("--root")
            .arg(site.root())
            .args(["build", "--output", output])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("refusing to write the site"));
    }
    crate::support::assert_same_tree(&before, &tree(site.root()));
}

/// Where `needle` first starts on `line`, in terminal columns (a Chinese character takes two).
fn display_column(line: &str, needle: char) -> usize {
    let at = line
        .find(needle)
        .unwrap_or_else(|| panic!("no {needle:?} in {line:?}"));
    unicode_width::UnicodeWidthStr::width(&line[..at])
}

#[test]
fn carets_sit_under_a_broken_link_after_chinese_text_in_plain_text() {
    let site = Site::from_files(&[(
        "content/policies/x.md",
        "---\ntitle: 甲\ndate: 2014-01-01\n---\n正文，见[不存在的链接](../pilots/nothing.md)。\n",
    )]);
    let out = tradekb()
        .arg("--root")
        .arg(site.root())
        .arg("check")
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(" --> content/policies/x.md:5:5\n"),
        "{stderr}"
    );
    let mut lines = stderr.lines();
    let shown = lines
        .by_ref()
        .find(|l| l.starts_with("5 | "))
        .expect(&stderr);
    let carets = lines.next().unwrap();
    assert_eq!(
        display_column(carets, '^'),
        display_column(shown, '['),
        "\n{stderr}"
    );
    assert!(
        !stderr.contains('\x1b'),
        "no colours into a pipe:\n{stderr}"
    );
}

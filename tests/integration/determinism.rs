//! The same sources give the same bytes: across builds and across thread counts.

use assert_cmd::Command;
use tradekb::Overrides;

use crate::support::{assert_same_tree, build_site, describe, repo_root, tree};

#[test]
fn two_builds_of_the_sample_site_are_byte_identical() {
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let trees: Vec<_> = dirs
        .iter()
        .map(|d| {
            let overrides = Overrides {
                output: Some(d.path().join("public")),
                ..Overrides::default()
            };
            build_site(repo_root(), overrides)
                .unwrap_or_else(|e| panic!("{}", describe(&e)))
                .tree()
        })
        .collect();
    assert!(trees[0].len() > 50, "the sample site was built");
    assert_same_tree(&trees[0], &trees[1]);
}

#[test]
fn one_thread_and_two_threads_build_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let trees: Vec<_> = ["1", "2"]
        .iter()
        .map(|jobs| {
            let out = dir.path().join(format!("public-{jobs}"));
            Command::cargo_bin("tradekb")
                .unwrap()
                .arg("--root")
                .arg(repo_root())
                .args(["build", "--quiet", "-j", jobs, "--output"])
                .arg(&out)
                .assert()
                .success();
            tree(&out)
        })
        .collect();
    assert!(trees[0].len() > 50, "the sample site was built");
    assert_same_tree(&trees[0], &trees[1]);
}

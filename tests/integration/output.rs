//! The output folder: replaced atomically, unchanged files keep their modification time, and
//! a folder tradekb did not write is never replaced without `--force`.

use std::fs;
use std::time::{Duration, SystemTime};

use crate::support::{tree, unminified, Site};
use tradekb::{Error, Overrides};

fn site() -> Site {
    Site::from_files(&[
        (
            "content/policies/a.md",
            "---\ntitle: 甲\ndate: 2014-01-02\n---\n正文。\n",
        ),
        (
            "content/policies/b.md",
            "---\ntitle: 乙\ndate: 2014-01-03\n---\n正文。\n",
        ),
    ])
}

fn mtime(path: &std::path::Path) -> SystemTime {
    fs::metadata(path).unwrap().modified().unwrap()
}

#[test]
fn unchanged_files_keep_their_modification_time() {
    let s = site();
    let out = s.build();
    let a = out.dir.join("policies/a/index.html");
    let b = out.dir.join("policies/b/index.html");
    let old = SystemTime::now() - Duration::from_secs(3600);
    for p in [&a, &b] {
        fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(old)
            .unwrap();
    }
    s.write(
        "content/policies/b.md",
        "---\ntitle: 乙\ndate: 2014-01-03\n---\n改过的正文。\n",
    );
    s.build();
    assert_eq!(mtime(&a), old, "a did not change, so it keeps its time");
    assert_ne!(mtime(&b), old, "b changed");
    assert!(fs::read_to_string(&b).unwrap().contains("改过的正文"));
}

#[test]
fn a_folder_tradekb_did_not_write_is_refused_without_force() {
    let s = site();
    s.write("public/mine.txt", "我的文件");
    match s.try_build(unminified()) {
        Err(Error::Write(e)) => assert!(e.to_string().contains("--force"), "{e}"),
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("a foreign folder was replaced"),
    }
    assert_eq!(
        fs::read_to_string(s.root().join("public/mine.txt")).unwrap(),
        "我的文件"
    );
    let out = s.build_with(Overrides {
        force: true,
        ..unminified()
    });
    assert!(!out.exists("mine.txt"), "--force replaces the folder");
    assert!(out.exists("policies/a/index.html"));
}

#[test]
fn a_write_failure_leaves_the_previous_site_untouched() {
    let s = site();
    let before = tree(&s.build().dir);
    // The staging folder's place is taken by a file that cannot be removed as a folder.
    s.write(".public.tradekb-staging", "occupied");
    s.write(
        "content/policies/c.md",
        "---\ntitle: 丙\ndate: 2014-01-04\n---\n正文。\n",
    );
    match s.try_build(unminified()) {
        Err(Error::Write(_)) => {}
        Err(e) => panic!("expected a write error, got {e}"),
        Ok(_) => panic!("the build should not have been able to stage its output"),
    }
    assert_eq!(tree(&s.root().join("public")), before);
}

#[test]
fn an_output_folder_reached_through_a_link_is_replaced_and_the_link_kept() {
    let s = site();
    let real = tempfile::tempdir().unwrap();
    let target = real.path().join("www");
    std::os::unix::fs::symlink(&target, s.root().join("public")).unwrap();
    for _ in 0..2 {
        s.build();
        let link = fs::symlink_metadata(s.root().join("public")).unwrap();
        assert!(link.file_type().is_symlink(), "the link is still a link");
        assert!(target.join("policies/a/index.html").is_file());
    }
    assert!(
        real.path().join(".www.tradekb-lock").is_file(),
        "locked beside the real folder"
    );
}

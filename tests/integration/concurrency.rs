//! Builds at the same time: an editor's build-on-save beside a manual build, or two CI jobs
//! in one workspace. Each build of an output folder waits for the one writing it, so the
//! published site is always one whole build; a build that finds its folders changed under
//! it fails instead of reporting success.
//!
//! The builds run as processes (the lock is the operating system's, the waiting message and
//! the exit codes are the command line's), slowed by the hidden `--write-delay-ms` so that
//! they overlap for certain.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::crawl::dead_links;
use crate::support::{assert_same_tree, sample_copy, tree, Output as Built};

/// A copy of the sample site, with the tree a single, undisturbed build gives.
struct Sample {
    dir: TempDir,
    single: BTreeMap<String, Vec<u8>>,
}

impl Sample {
    fn new() -> Sample {
        let dir = sample_copy();
        let sample = Sample {
            dir,
            single: BTreeMap::new(),
        };
        let alone = sample.path("single");
        let out = finish(sample.start(&["--output", "single"]));
        assert!(out.status.success(), "{}", stderr(&out));
        Sample {
            single: tree(&alone),
            ..sample
        }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// `tradekb build ARGS` in the site's folder, started and left running.
    fn start(&self, args: &[&str]) -> Child {
        start_in(self.root(), args)
    }

    /// `public/` as published, which must be what one build alone gives, with no dead link.
    fn assert_published_whole(&self) {
        let public = self.path("public");
        assert_same_tree(&self.single, &tree(&public));
        let dead = dead_links(&Built::at(public), "https://example.org/");
        assert!(dead.is_empty(), "dead links: {dead:?}");
    }

    /// Waits until a build has taken the output folder and begun to write: its staging
    /// folder has a file.
    fn wait_for_staging(&self) {
        let staging = self.path(".public.tradekb-staging");
        let start = Instant::now();
        while fs::read_dir(&staging).map_or(true, |mut d| d.next().is_none()) {
            assert!(start.elapsed() < Duration::from_secs(20), "no build began");
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

fn start_in(dir: &Path, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_tradekb"))
        .current_dir(dir)
        .arg("build")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tradekb starts")
}

fn finish(child: Child) -> Output {
    child.wait_with_output().expect("tradekb runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const SLOW: &[&str] = &["--write-delay-ms", "3"];

#[test]
fn any_number_of_builds_at_once_publish_what_one_build_publishes() {
    let sample = Sample::new();
    for builds in [2, 3] {
        let children: Vec<Child> = (0..builds).map(|_| sample.start(SLOW)).collect();
        let outs: Vec<Output> = children.into_iter().map(finish).collect();
        for out in &outs {
            assert!(out.status.success(), "{builds} builds: {}", stderr(out));
        }
        let waited: Vec<String> = outs
            .iter()
            .map(stderr)
            .filter(|e| e.contains("waiting for another tradekb build writing public/ (pid "))
            .collect();
        assert!(!waited.is_empty(), "{builds} builds did not overlap");
        for e in &waited {
            assert_eq!(e.matches("waiting").count(), 1, "said once: {e}");
        }
        sample.assert_published_whole();
        assert!(!sample.path(".public.tradekb-staging").exists());
    }
}

/// Holds the lock of the sample's `public/` as a build does (the OS lock, and this
/// process's id in the file) until dropped.
fn hold_lock(sample: &Sample) -> fs::File {
    let mut file = fs::File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(sample.path(".public.tradekb-lock"))
        .unwrap();
    file.lock().unwrap();
    writeln!(file, "{}", std::process::id()).unwrap();
    file
}

#[test]
fn with_no_wait_a_second_build_stops_at_once_naming_the_first() {
    let sample = Sample::new();
    let held = hold_lock(&sample);
    let pid = std::process::id();
    // The same folder, however it is named.
    std::os::unix::fs::symlink(sample.path("public"), sample.path("link")).unwrap();
    for output in ["public", "./public/", "link"] {
        let out = finish(sample.start(&["--no-wait", "--output", output]));
        let said = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{output}: {said}");
        assert!(said.contains("another tradekb build is writing"), "{said}");
        assert!(said.contains(&format!("(pid {pid})")), "{said}");
    }
    drop(held);
    let out = finish(sample.start(&["--no-wait"]));
    assert!(out.status.success(), "{}", stderr(&out));
    sample.assert_published_whole();
}

#[test]
fn another_site_writing_into_the_same_folder_waits_too() {
    let sample = Sample::new();
    let other = tempfile::tempdir().unwrap();
    fs::write(
        other.path().join("site.yaml"),
        "title: 另一个站\nbase_url: https://example.org/\n",
    )
    .unwrap();
    fs::create_dir_all(other.path().join("content")).unwrap();
    let first = sample.start(&["--write-delay-ms", "20"]);
    sample.wait_for_staging();
    let public = sample.path("public");
    let second = start_in(other.path(), &["--output", public.to_str().unwrap()]);
    let (first, second) = (finish(first), finish(second));
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(
        stderr(&second).contains("waiting for another tradekb build"),
        "{}",
        stderr(&second)
    );
    // The second site was built last, whole.
    let index = fs::read_to_string(public.join("index.html")).unwrap();
    assert!(index.contains("另一个站"));
}

#[test]
fn check_takes_no_lock() {
    let sample = Sample::new();
    let _held = hold_lock(&sample);
    let mut check = Command::new(env!("CARGO_BIN_EXE_tradekb"))
        .current_dir(sample.root())
        .arg("check")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while check.try_wait().unwrap().is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "check waited for the lock"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = check.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("waiting"), "{}", stderr(&out));
}

#[test]
fn a_build_whose_staging_folder_is_removed_under_it_fails() {
    let sample = Sample::new();
    assert!(finish(sample.start(&[])).status.success());
    let build = sample.start(&["--write-delay-ms", "10"]);
    sample.wait_for_staging();
    // Moved away in one step: removing it file by file would race the build's writes.
    fs::rename(sample.path(".public.tradekb-staging"), sample.path("gone")).unwrap();
    let out = finish(build);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the staging folder") && stderr(&out).contains("removed or replaced"),
        "{}",
        stderr(&out)
    );
    // What was published before is still there, whole.
    sample.assert_published_whole();
    // The next build clears what the failed one left and publishes.
    assert!(finish(sample.start(&[])).status.success());
    sample.assert_published_whole();
}

#[test]
fn a_build_whose_output_folder_is_replaced_under_it_fails() {
    let sample = Sample::new();
    assert!(finish(sample.start(&[])).status.success());
    let build = sample.start(&["--write-delay-ms", "10"]);
    sample.wait_for_staging();
    fs::rename(sample.path("public"), sample.path("moved")).unwrap();
    fs::create_dir(sample.path("public")).unwrap();
    fs::write(sample.path("public/someone-else.txt"), "别人的文件").unwrap();
    let out = finish(build);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the output folder") && stderr(&out).contains("removed or replaced"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        fs::read_to_string(sample.path("public/someone-else.txt")).unwrap(),
        "别人的文件"
    );
}

//! Progress: the library reports each step's items as they are done, and the command line
//! shows a bar per step on a terminal once a build runs past a second, and never when its
//! output is not a terminal or with `-q`.

use std::process::Command;
use std::sync::Mutex;

use tradekb::{Config, Observer, Overrides, Step};

use crate::support::{repo_root, Site};

/// Every event, in order, with the advances of each step counted.
#[derive(Default)]
struct Recorder {
    events: Mutex<Vec<(Step, &'static str, usize)>>,
}

impl Observer for Recorder {
    fn started(&self, step: Step, total: usize) {
        self.events.lock().unwrap().push((step, "started", total));
    }
    fn advanced(&self, step: Step) {
        let mut events = self.events.lock().unwrap();
        match events.last_mut() {
            Some((s, "advanced", n)) if *s == step => *n += 1,
            _ => events.push((step, "advanced", 1)),
        }
    }
    fn finished(&self, step: Step) {
        self.events.lock().unwrap().push((step, "finished", 0));
    }
}

#[test]
fn each_step_reports_every_item_once() {
    let site = Site::from_files(&[
        (
            "content/policies/a.md",
            "---\ntitle: 甲\ndate: 2014-01-02\n---\n正文。\n",
        ),
        (
            "content/policies/b.md",
            "---\ntitle: 乙\ndate: 2014-01-03\n---\n正文。\n",
        ),
    ]);
    // Each planned file once (the search index's files are not planned one by one).
    let no_search = Overrides {
        no_search: true,
        ..Overrides::default()
    };
    let config = Config::load(site.root(), &no_search).unwrap();
    let recorder = Recorder::default();
    let report = tradekb::build_observed(&config, &recorder).unwrap();
    let events = recorder.events.into_inner().unwrap();
    let files = report.files;
    assert_eq!(
        events,
        [
            (Step::Load, "started", 2),
            (Step::Load, "advanced", 2),
            (Step::Load, "finished", 0),
            (Step::Markdown, "started", 2),
            (Step::Markdown, "advanced", 2),
            (Step::Markdown, "finished", 0),
            (Step::Render, "started", files),
            (Step::Render, "advanced", files),
            (Step::Render, "finished", 0),
        ]
    );
}

/// `tradekb build ARGS` of a copy of the sample site, run on a terminal (`script` gives it
/// one); what the terminal showed.
fn on_a_terminal(args: &str) -> String {
    let dir = crate::support::sample_copy();
    let command = format!(
        "{} --root {} build {args}",
        env!("CARGO_BIN_EXE_tradekb"),
        dir.path().display()
    );
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .output()
        .expect("script (util-linux) runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_long_build_on_a_terminal_shows_a_bar_and_clears_it() {
    // About two seconds: 109 files, 40 ms each, on two threads at the most.
    let shown = on_a_terminal("--write-delay-ms 40 --no-search");
    assert!(shown.contains("rendering ["), "{shown:?}");
    // The bar's line is cleared (`ESC [2K`) and the summary written over it.
    let last = shown.trim_end().rsplit(['\r', '\n']).next().unwrap();
    let last = last.trim_start_matches("\u{1b}[2K");
    assert!(
        last.starts_with("Built 27 articles"),
        "the summary stays alone: {last:?}"
    );
    // The bar counts every file the summary names.
    let files = last
        .split(" files)")
        .next()
        .unwrap()
        .rsplit('(')
        .next()
        .unwrap();
    assert!(shown.contains(&format!("/{files} ")), "{files}: {shown:?}");
}

/// How long the build took, as its summary says (`… in 365 ms → public`).
fn took_ms(shown: &str) -> u64 {
    let before = shown.split(" ms → ").next().expect("a summary");
    let number = before.rsplit(' ').next().unwrap();
    number
        .parse()
        .unwrap_or_else(|_| panic!("no time in {shown:?}"))
}

#[test]
fn a_quick_or_quiet_build_shows_no_bar() {
    // A build under a second shows none. Whether one is that quick depends on the machine's
    // load (the tests run side by side): a build the summary says took longer is tried again.
    let quick = (0..3)
        .map(|_| on_a_terminal("--no-search"))
        .find(|shown| took_ms(shown) < 900)
        .expect("one of three builds of the sample under a second");
    assert!(!quick.contains('['), "{quick:?}");
    assert!(!on_a_terminal("-q --write-delay-ms 40").contains('['));
}

#[test]
fn a_build_whose_output_is_not_a_terminal_shows_no_bar() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tradekb"))
        .args(["build", "--write-delay-ms", "15", "--output"])
        .arg(dir.path().join("public"))
        .current_dir(repo_root())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains('['));
}

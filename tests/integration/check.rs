//! `tradekb check`: what `build` validates, without writing; all problems in one run, in
//! human or JSON form; external links requested from a server on 127.0.0.1.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::thread;
use std::time::{Duration, Instant};

use assert_cmd::Command;

use crate::support::Site;

fn tradekb(site: &Site) -> Command {
    let mut cmd = Command::cargo_bin("tradekb").unwrap();
    cmd.current_dir(site.root());
    cmd
}

fn good_site() -> Site {
    Site::from_files(&[
        (
            "content/cities/changsha.md",
            "---\nname: 长沙\nslug: changsha\n---\n",
        ),
        (
            "content/policies/a.md",
            "---\ntitle: 甲\ndate: 2014-01-02\ncities: [长沙]\n---\n见[乙](b.md)。\n",
        ),
        (
            "content/policies/b.md",
            "---\ntitle: 乙\ndate: 2014-01-03\n---\n## 要点\n正文。\n",
        ),
    ])
}

#[test]
fn a_clean_site_exits_0_and_writes_nothing() {
    let site = good_site();
    let out = tradekb(&site).arg("check").output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Checked 2 articles, 11 pages: no problems\n",
        "2 articles, their section, the home page, the tag and city indexes, a city, the timeline and \
         its year, the search page and 404"
    );
    assert!(
        !site.root().join("public").exists(),
        "check never writes the site"
    );
    // One of a thing is said without a plural (it said `1 articles`).
    std::fs::remove_file(site.root().join("content/policies/b.md")).unwrap();
    site.write(
        "content/policies/a.md",
        "---\ntitle: 甲\ndate: 2014-01-02\ncities: [长沙]\n---\n正文。\n",
    );
    let out = tradekb(&site).arg("check").output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.starts_with("Checked 1 article, "), "{said}");
    let out = tradekb(&site).args(["build", "-q"]).output().unwrap();
    assert!(out.stdout.is_empty());
    let out = tradekb(&site).arg("build").output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.starts_with("Built 1 article into "), "{said}");
    assert!(said.contains(", 1 city in "), "{said}");
}

#[test]
fn problems_exit_1_with_locations_in_one_run() {
    let site = good_site();
    site.write(
        "content/policies/b.md",
        "---\ntitle: 乙\ndate: 2014-02-30\n---\n正文。\n",
    );
    site.write(
        "content/policies/c.md",
        "---\ntitle: 丙\ndate: 2014-01-03\ncities: [合肥]\n---\n见[无](../nowhere.md)。\n",
    );
    let out = tradekb(&site).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    let locations: Vec<&str> = err
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--> "))
        .collect();
    assert_eq!(
        locations,
        [
            "content/policies/b.md:3:7",
            "content/policies/c.md:4:10",
            "content/policies/c.md:6:2",
        ],
        "{err}"
    );
    assert!(err.contains("warning: city `合肥` has no profile"), "{err}");
    assert!(
        err.contains("error: link to `../nowhere.md` leads nowhere"),
        "{err}"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Checked 2 articles: 2 errors, 1 warning\n"
    );
}

#[test]
fn json_report_lists_every_problem_for_ci() {
    let site = good_site();
    site.write(
        "content/policies/b.md",
        "---\ntitle: 乙\ndate: 2014-02-30\n---\n正文。\n",
    );
    let out = tradekb(&site)
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(json["clean"], false);
    assert_eq!(json["errors"], 1);
    let p = &json["problems"][0];
    assert_eq!(p["severity"], "error");
    assert_eq!(p["path"], "content/policies/b.md");
    assert_eq!(
        (p["line"].as_u64(), p["column"].as_u64()),
        (Some(3), Some(7))
    );
    assert_eq!(p["snippet"], "date: 2014-02-30");
    assert!(p["message"].as_str().unwrap().contains("invalid date"));
    assert_eq!(
        json["pages"],
        serde_json::Value::Null,
        "not known: nothing was rendered"
    );
    site.write(
        "content/policies/b.md",
        "---\ntitle: 乙\ndate: 2014-02-03\n---\n正文。\n",
    );
    let out = tradekb(&site)
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert!(json["pages"].as_u64().is_some_and(|n| n > 0), "{json}");
}

/// A server on 127.0.0.1 that answers `/ok` with 200, `/gone` with 404 and lets `/slow`
/// wait past the client's timeout. It stops by itself after `expected` connections or
/// after `deadline`, whichever comes first.
fn serve(expected: usize, deadline: Duration) -> (String, thread::JoinHandle<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = thread::spawn(move || {
        let end = Instant::now() + deadline;
        let mut served = 0;
        while Instant::now() < end && served < expected {
            let Ok((stream, _)) = listener.accept() else {
                thread::sleep(Duration::from_millis(20));
                continue;
            };
            served += 1;
            stream.set_nonblocking(false).unwrap();
            thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut line = String::new();
                let _ = reader.read_line(&mut line);
                let status = if line.contains(" /ok ") {
                    "200 OK"
                } else if line.contains(" /slow ") {
                    thread::sleep(Duration::from_secs(3));
                    "200 OK"
                } else {
                    "404 Not Found"
                };
                let mut w = &stream;
                let _ = write!(
                    w,
                    "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
            });
        }
        served
    });
    (base, handle)
}

#[test]
fn external_links_are_requested_and_failures_named_with_their_pages() {
    let (base, server) = serve(3, Duration::from_secs(20));
    let site = good_site();
    site.write(
        "content/analysis/links.md",
        format!("---\ntitle: 链接\ndate: 2014-01-04\n---\n[好]({base}/ok) [坏]({base}/gone) [慢]({base}/slow)\n"),
    );
    let out = tradekb(&site)
        .args(["check", "--external", "--timeout", "1", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ext = json["external"].as_array().unwrap();
    let by_url = |path: &str| {
        ext.iter()
            .find(|l| l["url"] == format!("{base}{path}"))
            .unwrap()
            .clone()
    };
    assert_eq!(by_url("/ok")["error"], serde_json::Value::Null);
    assert_eq!(by_url("/ok")["status"], 200);
    assert_eq!(by_url("/gone")["error"], "HTTP 404");
    assert_eq!(by_url("/gone")["pages"][0], "analysis/links/index.html");
    assert_eq!(by_url("/slow")["error"], "timed out");
    assert_eq!(server.join().unwrap(), 3, "every link was requested once");
}

/// The issue's own test: a copy of the sample site, one link broken, `build` and `check`
/// both exit 1 naming path:line:column, and the public/ built before is byte-identical.
#[test]
fn breaking_one_link_in_the_sample_site_fails_build_and_check_and_keeps_public() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for part in ["content", "themes"] {
        crate::support::copy_tree(&crate::support::repo_root().join(part), &root.join(part));
    }
    std::fs::copy(
        crate::support::repo_root().join("site.yaml"),
        root.join("site.yaml"),
    )
    .unwrap();
    let run = |args: &[&str]| {
        let mut cmd = Command::cargo_bin("tradekb").unwrap();
        cmd.current_dir(root).args(args).output().unwrap()
    };
    let built = run(&["build", "--base-url", "https://example.org/kb/"]);
    assert_eq!(
        built.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let before = crate::support::tree(&root.join("public"));

    let article = root.join("content/policies/changsha-customs-reply.md");
    let text = std::fs::read_to_string(&article).unwrap();
    let line = 1
        + (text.lines())
            .position(|l| l.contains("east-to-west-spread.md#各省的尝试"))
            .expect("the sample article links to a heading of another");
    std::fs::write(
        &article,
        text.replace(
            "east-to-west-spread.md#各省的尝试",
            "east-to-west-spread.md#不存在",
        ),
    )
    .unwrap();

    for args in [
        &["build", "--base-url", "https://example.org/kb/"][..],
        &["check"][..],
    ] {
        let out = run(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains(&format!(
                "--> content/policies/changsha-customs-reply.md:{line}:"
            )),
            "{args:?}: {err}"
        );
        assert!(err.contains("#不存在"), "{err}");
    }
    assert_eq!(
        crate::support::tree(&root.join("public")),
        before,
        "public/ is untouched"
    );
}

//! `tradekb serve` as a user runs it, on a copy of the sample site and a free port: what it
//! serves equals what `tradekb build --base-url <its address>` writes, an edit is served
//! once it is saved, a broken edit keeps the last good site and tells the open pages, paths
//! that climb out are refused, and Ctrl-C stops it with exit code 0. Changes are waited for
//! by polling, never by sleeping a fixed time.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::support::{copy_tree, repo_root, sample_copy, tree};

/// What a browser percent-encodes in a path: controls, space, non-ASCII and a few more.
const URL_PATH: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// A running `tradekb serve` on a copy of the sample site.
struct Served {
    dir: TempDir,
    /// The temporary folder serve is given (`TMPDIR`), to see that it cleans up.
    tmp: TempDir,
    child: Child,
    /// `http://127.0.0.1:PORT/` and the site's sub-path.
    url: String,
    addr: String,
}

impl Served {
    fn start() -> Served {
        Served::start_with(|_| {})
    }

    /// Starts on a copy of the sample site, changed by `prepare` first, run as an author
    /// runs it: in the site's folder, with no `--root`.
    fn start_with(prepare: impl FnOnce(&Path)) -> Served {
        let dir = sample_copy();
        prepare(dir.path());
        let tmp = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_tradekb"))
            .args(["serve", "--port", "0"])
            .current_dir(dir.path())
            .env("TMPDIR", tmp.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("tradekb serve starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let url = loop {
            let line = lines.next().expect("serve says where it serves").unwrap();
            if let Some(at) = line.find("http://") {
                break line[at..].split_whitespace().next().unwrap().to_string();
            }
        };
        // Keep reading its output so that it never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        let addr = url["http://".len()..]
            .split('/')
            .next()
            .unwrap()
            .to_string();
        Served {
            dir,
            tmp,
            child,
            url,
            addr,
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn edit(&self, rel: &str, change: impl FnOnce(String) -> String) {
        let text = std::fs::read_to_string(self.path(rel)).unwrap();
        std::fs::write(self.path(rel), change(text)).unwrap();
    }

    /// `GET` (or another method) of a raw request target, as written on the request line.
    fn request(&self, method: &str, target: &str, headers: &[&str]) -> Reply {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let extra: String = headers.iter().map(|h| format!("{h}\r\n")).collect();
        write!(
            stream,
            "{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n{extra}\r\n",
            self.addr
        )
        .unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        Reply::parse(&raw)
    }

    /// `GET` of a path inside the site, percent-encoded as a browser sends it.
    fn get(&self, site_path: &str) -> Reply {
        let root = &self.url[self.url.find(&self.addr).unwrap() + self.addr.len()..];
        let encoded = percent_encoding::utf8_percent_encode(site_path, URL_PATH);
        self.request("GET", &format!("{root}{encoded}"), &[])
    }

    /// Polls `site_path` until `done` holds of it.
    /// The stream of news that open pages listen to, its response head read.
    fn events(&self) -> BufReader<TcpStream> {
        let mut events = TcpStream::connect(&self.addr).unwrap();
        events
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        write!(
            events,
            "GET /__tradekb/events HTTP/1.1\r\nHost: {}\r\n\r\n",
            self.addr
        )
        .unwrap();
        let mut events = BufReader::new(events);
        let mut line = String::new();
        events.read_line(&mut line).unwrap();
        assert!(line.starts_with("HTTP/1.1 200"), "{line}");
        events
    }

    fn wait_for(&self, site_path: &str, what: &str, done: impl Fn(&Reply) -> bool) -> Reply {
        let start = Instant::now();
        loop {
            let reply = self.get(site_path);
            if done(&reply) {
                return reply;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "never served: {what}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Ctrl-C, and the exit code.
    fn interrupt(&mut self) -> Option<i32> {
        self.signal("-INT")
    }

    /// Sends a signal (`-TERM`), and returns the exit code.
    fn signal(&mut self, signal: &str) -> Option<i32> {
        let pid = self.child.id().to_string();
        Command::new("kill").args([signal, &pid]).status().unwrap();
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "serve did not stop"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn parse(raw: &[u8]) -> Reply {
        let end = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a head");
        let head = String::from_utf8_lossy(&raw[..end]);
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect::<Vec<_>>();
        let body = &raw[end + 4..];
        // Larger files come in chunks.
        let chunked = (headers.iter()).any(|(k, v)| k == "transfer-encoding" && v == "chunked");
        let body = if chunked {
            unchunk(body)
        } else {
            body.to_vec()
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// The body of a chunked response, as sent.
fn unchunk(mut raw: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line_end = raw
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("a chunk size");
        let size = std::str::from_utf8(&raw[..line_end]).unwrap();
        let size = usize::from_str_radix(size.split(';').next().unwrap().trim(), 16).unwrap();
        if size == 0 {
            return body;
        }
        let start = line_end + 2;
        body.extend_from_slice(&raw[start..start + size]);
        raw = &raw[start + size + 2..];
    }
}

/// A page as built: without the live-reload script that only served pages carry.
fn without_reload_script(page: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(page);
    let Some(start) = text.find("<script>window.__tradekb") else {
        return page.to_vec();
    };
    let end = text[start..].find("</script>").unwrap() + start + "</script>".len();
    format!("{}{}", &text[..start], &text[end..]).into_bytes()
}

/// Every file of `tradekb build --base-url URL` of the served site, its search index
/// included (made in the background: a request for one of its files waits for it), fetched
/// from the server: the bytes must be the same.
fn assert_serves_what_build_writes(served: &Served) {
    let out = served.dir.path().join("built");
    let status = Command::new(env!("CARGO_BIN_EXE_tradekb"))
        .args(["build", "-q", "--base-url", &served.url, "--output"])
        .arg(&out)
        .arg("--root")
        .arg(served.dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    let built = tree(&out);
    assert!(built.len() > 50);
    assert!(built.contains_key("pagefind/pagefind-entry.json"));
    for (path, bytes) in built.iter().filter(|(p, _)| *p != ".tradekb-output") {
        let reply = served.get(path);
        assert_eq!(reply.status, 200, "{path}");
        assert!(
            without_reload_script(&reply.body) == *bytes,
            "{path} is served with other bytes than build writes"
        );
    }
}

#[test]
fn it_serves_what_build_writes_and_an_edit_once_saved() {
    let mut served = Served::start();
    let home = served.get("");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        home.text().contains("__tradekb"),
        "pages carry the reload script"
    );
    assert_serves_what_build_writes(&served);

    const PAGE: &str = "policies/changsha-customs-reply/";
    served.edit("content/policies/changsha-customs-reply.md", |t| {
        t.replacen("title: ", "title: 改过的标题", 1)
    });
    served.wait_for(PAGE, "the new title", |r| r.text().contains("改过的标题"));
    // The lists that show the article follow.
    served.wait_for("policies/", "the section list", |r| {
        r.text().contains("改过的标题")
    });
    assert_serves_what_build_writes(&served);
    let tmp = served.tmp.path().to_path_buf();
    let kept = || std::fs::read_dir(&tmp).unwrap().count();
    assert_eq!(kept(), 1, "the served files are in a temporary folder");
    assert_eq!(served.interrupt(), Some(0), "Ctrl-C stops it cleanly");
    assert_eq!(kept(), 0, "the temporary folder goes when serve stops");
}

/// A terminal closed, or a service manager stopping it, removes its folder too.
#[test]
fn a_terminated_server_removes_its_folder() {
    let mut served = Served::start();
    assert_eq!(served.get("").status, 200);
    let tmp = served.tmp.path().to_path_buf();
    let kept = || std::fs::read_dir(&tmp).unwrap().count();
    assert_eq!(kept(), 1);
    assert_eq!(served.signal("-TERM"), Some(0), "it stops cleanly");
    assert_eq!(kept(), 0, "the temporary folder goes");
}

#[test]
fn a_broken_edit_keeps_the_last_good_site_and_tells_open_pages() {
    let served = Served::start();
    const PAGE: &str = "policies/changsha-customs-reply/";
    let before = without_reload_script(&served.get(PAGE).body);
    let mut events = served.events();

    served.edit("content/policies/changsha-customs-reply.md", |t| {
        t.replacen("date: 2014-01-02", "date: 2014-02-30", 1)
    });
    let news = next_news(&mut events);
    assert!(news.contains("\"broken\""), "{news}");
    assert!(news.contains("changsha-customs-reply.md:3:7"), "{news}");
    assert!(
        without_reload_script(&served.get(PAGE).body) == before,
        "the last good page is still served"
    );

    served.edit("content/policies/changsha-customs-reply.md", |t| {
        t.replacen("date: 2014-02-30", "date: 2014-01-02", 1)
    });
    assert!(next_news(&mut events).contains("\"fixed\""));
}

/// The next `data:` line of a stream of news.
/// The next news of a build. News that the search index is ready is passed over: it comes
/// whenever the background indexing ends, before or after the build a test waits for.
fn next_news(events: &mut BufReader<TcpStream>) -> String {
    let mut line = String::new();
    loop {
        line.clear();
        events
            .read_line(&mut line)
            .expect("news within the timeout");
        match line.strip_prefix("data: ") {
            Some(data) if !data.contains("\"kind\":\"indexed\"") => return data.to_string(),
            _ => {}
        }
    }
}

#[test]
fn paths_that_climb_out_are_refused() {
    let served = Served::start();
    for target in [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/policies/%2E%2E/%2E%2E/site.yaml",
        "/..%5c..%5csite.yaml",
        "/policies\\..\\site.yaml",
        "//etc/passwd",
    ] {
        let reply = served.request("GET", target, &[]);
        assert!(
            matches!(reply.status, 400 | 404),
            "{target}: {}",
            reply.status
        );
        assert!(
            !reply.text().contains("base_url"),
            "{target} served site.yaml"
        );
    }
    let missing = served.get("no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.text().contains("tkb-main"),
        "the site's own 404 page"
    );
}

#[test]
fn head_folders_and_conditional_requests_work_as_browsers_expect() {
    let served = Served::start();
    let page = served.get("policies/");
    let etag = page.header("etag").expect("an ETag").to_string();
    let head = served.request("HEAD", "/policies/", &[]);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("etag"), Some(etag.as_str()));
    let again = served.request("GET", "/policies/", &[&format!("If-None-Match: {etag}")]);
    assert_eq!(again.status, 304);
    let folder = served.request("GET", "/policies", &[]);
    assert_eq!(folder.status, 301);
    assert_eq!(folder.header("location"), Some("/policies/"));
    let css = served.get("style.css");
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));

    // After news of another file, the page's copy is stale: it would start its stream before
    // that news, hear it again and reload for ever.
    // (Waiting for the news, not for the new file: the file is there a moment before.)
    let mut events = served.events();
    served.edit("themes/default/static/style.css", |t| {
        format!("{t}\nhr {{ outline: 0 }}\n")
    });
    let news = next_news(&mut events);
    assert!(news.contains("style.css"), "{news}");
    let after = served.request("GET", "/policies/", &[&format!("If-None-Match: {etag}")]);
    assert_eq!(
        after.status, 200,
        "a page served before the news is not fresh"
    );
    assert_ne!(after.header("etag"), Some(etag.as_str()));
}

/// Puts the site under the sub-path `/kb/`.
fn under_kb(root: &Path) {
    let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    let yaml = yaml.replace("https://example.org/", "https://example.org/kb/");
    std::fs::write(root.join("site.yaml"), yaml).unwrap();
}

#[test]
fn a_site_under_a_sub_path_is_served_under_it() {
    let served = Served::start_with(under_kb);
    assert!(served.url.ends_with("/kb/"), "{}", served.url);
    let root = served.request("GET", "/", &[]);
    assert_eq!(root.status, 301);
    assert_eq!(root.header("location"), Some("/kb/"));
    assert_eq!(served.get("").status, 200);
    assert_serves_what_build_writes(&served);
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let served = Served::start();
    let port = served.addr.rsplit(':').next().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tradekb"))
        .args(["serve", "--port", port, "--root"])
        .arg(served.dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("cannot listen on") && said.contains("--port"),
        "{said}"
    );
    assert!(
        said.contains("another program is already listening there") && !said.contains("os error"),
        "{said}"
    );
}

#[test]
fn listening_beyond_this_machine_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo_root().join("content"), &dir.path().join("content"));
    std::fs::copy(repo_root().join("site.yaml"), dir.path().join("site.yaml")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tradekb"))
        .args(["serve", "--bind", "0.0.0.0", "--port", "0", "--root"])
        .arg(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(first.starts_with("warning: serving on 0.0.0.0"), "{first}");
}

/// In a real browser: the open page follows edits without anyone reloading it.
mod live {
    use std::time::{Duration, Instant};

    use super::Served;
    use crate::browser::Browser;
    use crate::search;

    const ARTICLE: &str = "content/policies/changsha-customs-reply.md";
    const WAIT: Duration = Duration::from_secs(30);

    fn open_article(served: &Served) -> Browser {
        let browser = Browser::open(1280, 800);
        browser.goto(&format!("{}policies/changsha-customs-reply/", served.url));
        browser.wait_until(
            "the live-reload stream",
            WAIT,
            "return document.readyState === 'complete';",
        );
        // A mark that a reload would wipe out.
        browser.eval("window.__mark = 'still the same page'; return null;");
        browser
    }

    fn marked(browser: &Browser) -> bool {
        browser.eval("return window.__mark === 'still the same page';") == true
    }

    #[test]
    fn an_edited_page_reloads_itself_and_keeps_its_scroll_position() {
        let served = Served::start();
        let browser = open_article(&served);
        browser.eval("window.scrollTo(0, 300); return null;");
        // A page that is still being laid out moves under the reader (the browser keeps the
        // text in view): the position to keep is where the page settles.
        let y = settled_scroll(&browser);
        served.edit(ARTICLE, |t| {
            format!("{t}\n\n新加的一段，用来测试实时预览。\n")
        });
        browser.wait_until(
            "the added paragraph",
            WAIT,
            "return document.body.innerText.includes('新加的一段');",
        );
        assert!(!marked(&browser), "the page was reloaded");
        browser.wait_until(
            "the scroll position",
            WAIT,
            &format!("return window.scrollY > 250 && Math.abs(window.scrollY - {y}) < 2;"),
        );
    }

    /// The scroll position once it has not moved for half a second.
    fn settled_scroll(browser: &Browser) -> f64 {
        let start = Instant::now();
        let mut last = (f64::NAN, Instant::now());
        loop {
            let y = browser
                .eval("return window.scrollY;")
                .as_f64()
                .unwrap_or(f64::NAN);
            if y != last.0 {
                last = (y, Instant::now());
            } else if last.1.elapsed() > Duration::from_millis(500) {
                return y;
            }
            assert!(start.elapsed() < WAIT, "the page never stopped moving");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Search works through serve, under the site's sub-path, and follows edits: the index is
    /// made in the background after each build, and an open search page reloads once it is.
    #[test]
    fn a_search_page_finds_an_edit_once_it_is_indexed() {
        let served = Served::start_with(super::under_kb);
        let browser = Browser::open(1280, 800);
        let found = search::results(&browser, &served.url, "牡丹江");
        assert!(
            found.iter().any(|(_, url)| url.starts_with("/kb/pilots/")),
            "{found:?}"
        );
        browser.goto(&format!(
            "{}search/?q={}",
            served.url,
            search::urlencode("蓝鲸湾")
        ));
        browser.wait_until(
            "that nothing is found",
            WAIT,
            "const s = document.getElementById('tkb-search-status'); \
             return s.textContent === document.getElementById('tkb-search').dataset.tNone;",
        );
        browser.eval("window.__mark = 'still the same page'; return null;");
        served.edit(ARTICLE, |t| format!("{t}\n\n蓝鲸湾试验区是新加的词。\n"));
        browser.wait_until(
            "the edit found",
            WAIT,
            "return document.getElementById('tkb-search-status').textContent.includes('篇');",
        );
        assert!(!marked(&browser), "the search page was reloaded");
        assert_eq!(
            search::titles(&browser)
                .into_iter()
                .map(|(_, url)| url)
                .collect::<Vec<_>>(),
            ["/kb/policies/changsha-customs-reply/"]
        );
        let errors: Vec<_> = (browser.console().into_iter())
            .filter(|(level, _)| level == "SEVERE")
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn a_stylesheet_edit_is_swapped_in_without_a_reload() {
        let served = Served::start();
        let browser = open_article(&served);
        served.edit("themes/default/static/style.css", |t| {
            format!("{t}\nbody {{ outline: 3px solid rgb(1, 2, 3); }}\n")
        });
        browser.wait_until(
            "the new style",
            WAIT,
            "return getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)';",
        );
        assert!(marked(&browser), "the page was not reloaded");
    }

    #[test]
    fn a_broken_edit_shows_an_overlay_until_it_is_fixed() {
        let served = Served::start();
        let browser = open_article(&served);
        served.edit(ARTICLE, |t| {
            t.replacen("date: 2014-01-02", "date: 2014-02-30", 1)
        });
        browser.wait_until(
            "the overlay with the diagnostic",
            WAIT,
            "const o = document.getElementById('tkb-serve-overlay'); \
             return !!o && o.innerText.includes('changsha-customs-reply.md:3:7');",
        );
        // The overlay speaks the page's language (the sample is in Chinese).
        let heading = browser.eval(
            "return document.getElementById('tkb-serve-overlay').querySelector('p').textContent;",
        );
        assert!(
            heading.as_str().is_some_and(|h| h.contains("无法构建")),
            "{heading}"
        );
        assert!(marked(&browser), "the last good page stays, not reloaded");
        served.edit(ARTICLE, |t| {
            t.replacen("date: 2014-02-30", "date: 2014-01-02", 1)
        });
        browser.wait_until(
            "the overlay gone",
            WAIT,
            "return !document.getElementById('tkb-serve-overlay');",
        );
    }
}

#[test]
fn a_chinese_folder_asked_for_without_its_slash_is_redirected() {
    // A tag without a profile is published under its own name: /tags/物流/.
    let served = Served::start_with(|root| {
        std::fs::remove_file(root.join("content/tags/logistics.md")).unwrap();
    });
    let tag = served.request("GET", "/tags/%E7%89%A9%E6%B5%81", &[]);
    let location = tag.header("location").unwrap_or_default().to_string();
    for _ in 0..8 {
        // Each of these once took a server thread with it; there are four.
        let again = served.request("GET", "/tags/%E7%89%A9%E6%B5%81", &[]);
        assert_eq!(again.status, tag.status);
    }
    assert_eq!(tag.status, 301, "{}", tag.text());
    assert_eq!(location, "/tags/%E7%89%A9%E6%B5%81/");
    assert_eq!(served.get("tags/物流/").status, 200);
}

#[test]
fn a_request_naming_another_host_is_refused() {
    // A page of another site that makes its name point at 127.0.0.1 (DNS rebinding) must
    // not read the preview.
    let served = Served::start();
    let port = served.addr.rsplit(':').next().unwrap();
    for (host, status) in [
        (format!("rebinding.example:{port}"), 403),
        (format!("localhost:{port}"), 200),
        (served.addr.clone(), 200),
    ] {
        let mut stream = TcpStream::connect(&served.addr).unwrap();
        write!(
            stream,
            "GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        assert_eq!(Reply::parse(&raw).status, status, "{host}");
    }
}

#[test]
fn a_site_broken_from_the_start_shows_a_page_that_recovers() {
    let served = Served::start_with(|root| {
        let article = root.join("content/policies/changsha-customs-reply.md");
        let text = std::fs::read_to_string(&article).unwrap();
        std::fs::write(
            &article,
            text.replacen("date: 2014-01-02", "date: 2014-02-30", 1),
        )
        .unwrap();
    });
    let home = served.get("");
    assert_eq!(home.status, 503);
    assert!(
        home.text().contains("__tradekb"),
        "it carries the reload script"
    );
    served.edit("content/policies/changsha-customs-reply.md", |t| {
        t.replacen("date: 2014-02-30", "date: 2014-01-02", 1)
    });
    served.wait_for("", "the site once fixed", |r| r.status == 200);
}

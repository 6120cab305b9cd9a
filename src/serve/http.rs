//! Serve, HTTP: answers each request from the snapshot and the folder it lists. tiny_http
//! parses the requests and writes the responses: it is small, synchronous (a preview server
//! has a few clients, and a thread per stream of news is cheap) and needs no async runtime,
//! which would double what a fresh clone compiles. What is left here is what to answer:
//! paths under the site's root, folder indexes, the site's 404 page, content types, `HEAD`,
//! conditional requests (`ETag`, `If-None-Match`), and the live-reload script in pages. A
//! request may read a file a build has just replaced or removed (it then gets the new bytes
//! or the 404 page); the open page's live reload follows with the rest. The files of the
//! search index (`pagefind/…`) come from the index made in the background, which a request
//! waits for while it is being made and does not have the file yet.

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use percent_encoding::percent_decode_str;
use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::events::Hub;
use super::index::Making;
use super::snapshot::{File, Served, Snapshot};
use crate::site::plan::SEARCH_DIR;

/// Where the stream of news lives, outside any site path (site paths never start with `_`
/// followed by `_tradekb`, and the root may be a sub-path).
pub const EVENTS: &str = "/__tradekb/events";

/// What every request handler shares.
pub struct Shared {
    /// The site's files, but for its search index.
    pub site: Served,
    /// The search index's files.
    pub index: Served,
    /// Whether a search index is being made.
    pub making: Making,
    pub hub: Hub,
    /// The path of the base URL, `/` or `/kb/`: every site path is under it.
    pub root: String,
    /// Different for every run of `serve`, so that a validator a browser kept from an
    /// earlier run never matches.
    pub run: u64,
    /// Host names requests may carry (none: any, when listening on every address).
    pub hosts: Option<Vec<String>>,
    /// Streams of news open now.
    pub streams: AtomicUsize,
}

/// How long, at most, a request for a file of the search index waits for an index being made.
const INDEX_WAIT: Duration = Duration::from_secs(300);

/// Open pages that may listen at once; more are refused.
const MAX_STREAMS: usize = 64;

/// What a request asks for, once its path is understood.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    /// A file of the site, by its path in the output.
    File(String),
    /// The site lives under a sub-path; `/` sends readers there.
    Root,
    NotFound,
    /// `..`, `\`, NUL or a path that is not a path: refused.
    Bad,
}

/// Whether a request URL asks for the stream of news (which holds its thread for as long
/// as its page is open).
pub fn is_stream(url: &str) -> bool {
    url.split('?').next() == Some(EVENTS)
}

/// Answers `request`. A stream of news keeps its thread until the page goes away.
pub fn answer(shared: &Shared, request: Request) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(Response::empty(405).with_header(header("Allow", "GET, HEAD")));
        return;
    }
    if !host_allowed(shared, &request) {
        // A page of another site that has made a name point at this machine (DNS
        // rebinding) must not read the preview.
        let _ = request.respond(text(403, "forbidden: unexpected Host\n"));
        return;
    }
    if is_stream(request.url()) {
        stream(shared, request);
        return;
    }
    let target = target(&shared.root, request.url());
    // The news so far is taken before the files: a page is told of every change after it.
    let page = Page {
        root: &shared.root,
        since: shared.hub.serial(),
        run: shared.run,
        files: &shared.site.files,
    };
    let site = shared.site.current();
    let response = match target {
        Target::File(path) if path.starts_with(SEARCH_DIR) => {
            from_index(shared, &page, &site, &request, path)
        }
        target => respond(&page, &site, &request, target),
    };
    let _ = request.respond(response);
}

/// A file of the search index's folder: from the index, or from the site if the index does
/// not have it.
fn from_index(
    shared: &Shared,
    page: &Page,
    site: &Snapshot,
    request: &Request,
    path: String,
) -> Response<std::io::Cursor<Vec<u8>>> {
    let index = index_with(shared, &path);
    let dir = &shared.index.files;
    match index.get(&path) {
        Some(file) => size(dir, &path)
            .and_then(|len| found(page, dir, request, &path, file, len))
            .unwrap_or_else(|| not_found(page, site)),
        None => respond(page, site, request, Target::File(path)),
    }
}

/// The search index served now, once it has the file at `path` or none is being made (for at
/// most [`INDEX_WAIT`]): the first index of a large site takes a while.
fn index_with(shared: &Shared, path: &str) -> std::sync::Arc<Snapshot> {
    let has_it = || shared.index.current().get(path).is_some();
    shared.making.wait(INDEX_WAIT, has_it);
    shared.index.current()
}

/// Whether a request may wait for a search index being made: it then gets a thread of its
/// own, so that it holds up no other request.
pub fn may_wait(shared: &Shared, url: &str) -> bool {
    let in_index = |path: &str| path.starts_with(SEARCH_DIR);
    shared.making.busy() && matches!(target(&shared.root, url), Target::File(p) if in_index(&p))
}

fn host_allowed(shared: &Shared, request: &Request) -> bool {
    let Some(hosts) = &shared.hosts else {
        return true;
    };
    let host = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_ascii_lowercase());
    let Some(host) = host else {
        return false;
    };
    // The name without its port (`[::1]:1111`, `localhost:1111`).
    let name = match host.rfind(':') {
        Some(i) if !host[i..].contains(']') => &host[..i],
        _ => host.as_str(),
    };
    hosts.iter().any(|h| h == name)
}

/// What the live-reload script of a served page needs.
struct Page<'a> {
    root: &'a str,
    /// The newest news when the page was served.
    since: u64,
    run: u64,
    files: &'a Path,
}

impl Page<'_> {
    /// The bytes of a served file. A file a newer build has just removed is not found.
    fn read(&self, path: &str) -> Option<Vec<u8>> {
        std::fs::read(self.files.join(path)).ok()
    }
}

/// The size of a file, without reading it.
fn size(dir: &Path, path: &str) -> Option<u64> {
    std::fs::metadata(dir.join(path)).ok().map(|m| m.len())
}

fn respond(
    page: &Page,
    snapshot: &Snapshot,
    request: &Request,
    target: Target,
) -> Response<std::io::Cursor<Vec<u8>>> {
    match target {
        Target::File(path) => match snapshot.get(&path) {
            Some(file) => {
                let found = size(page.files, &path)
                    .and_then(|len| found(page, page.files, request, &path, file, len));
                found.unwrap_or_else(|| not_found(page, snapshot))
            }
            None => match snapshot.get(&format!("{path}/index.html")) {
                Some(_) => redirect(&format!("{}{path}/", page.root)),
                None => not_found(page, snapshot),
            },
        },
        Target::Root => redirect(page.root),
        Target::Bad => text(
            400,
            "bad request: this path cannot name a file of the site\n",
        ),
        Target::NotFound => not_found(page, snapshot),
    }
}

/// Understands the path of a request URL.
fn target(root: &str, url: &str) -> Target {
    let path = url.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') {
        return Target::Bad;
    }
    let Ok(path) = percent_decode_str(path).decode_utf8() else {
        return Target::Bad;
    };
    let unsafe_part = |seg: &str| seg == ".." || seg == "." || seg.contains(['\\', '\0']);
    if path.split('/').any(unsafe_part) {
        return Target::Bad;
    }
    // The root is compared as the request path is: decoded.
    let root = percent_decode_str(root).decode_utf8_lossy();
    let root = root.as_ref();
    let Some(inside) = path.strip_prefix(root) else {
        return if format!("{path}/") == root || path == "/" {
            Target::Root
        } else {
            Target::NotFound
        };
    };
    if inside.starts_with('/') {
        Target::Bad
    } else if inside.is_empty() || inside.ends_with('/') {
        Target::File(format!("{inside}index.html"))
    } else if inside.contains("//") {
        Target::Bad
    } else {
        Target::File(inside.to_string())
    }
}

/// A file of `dir`, as `file` says it is.
fn found(
    page: &Page,
    dir: &Path,
    request: &Request,
    path: &str,
    file: &File,
    len: u64,
) -> Option<Response<std::io::Cursor<Vec<u8>>>> {
    // A page carries the news it was served with (its stream starts after it): a copy kept
    // from before later news would hear that news again and reload again, for ever. So a
    // page's validator changes with the news as well as with its bytes.
    let etag = match path.ends_with(".html") {
        true => format!("\"{:x}-{}-{}-{}\"", page.run, file.since, len, page.since),
        false => format!("\"{:x}-{}-{}\"", page.run, file.since, len),
    };
    let fresh = request
        .headers()
        .iter()
        .filter(|h| h.field.equiv("If-None-Match"))
        .any(|h| {
            h.value
                .as_str()
                .split(',')
                .any(|v| v.trim() == etag || v.trim() == "*")
        });
    let headers = [
        header("ETag", &etag),
        header("Cache-Control", "no-cache"),
        header("Content-Type", &content_type(path)),
    ];
    if fresh {
        let mut r = Response::from_data(Vec::new()).with_status_code(304);
        for h in headers {
            r.add_header(h);
        }
        return Some(r);
    }
    // Read only now: a browser's copy that is still fresh costs no read.
    let bytes = std::fs::read(dir.join(path)).ok()?;
    let body = if path.ends_with(".html") {
        with_reload_script(&bytes, page)
    } else {
        bytes
    };
    let mut r = Response::from_data(body);
    for h in headers {
        r.add_header(h);
    }
    Some(r)
}

fn not_found(page: &Page, snapshot: &Snapshot) -> Response<std::io::Cursor<Vec<u8>>> {
    let page_404 = snapshot.get("404.html").and_then(|_| page.read("404.html"));
    match page_404 {
        Some(bytes) => Response::from_data(with_reload_script(&bytes, page))
            .with_status_code(404)
            .with_header(header("Content-Type", "text/html; charset=utf-8"))
            .with_header(header("Cache-Control", "no-cache")),
        // No good build yet: a page that shows what broke and reloads once it is fixed.
        None => {
            let html = b"<!DOCTYPE html><meta charset=utf-8><title>tradekb serve</title>\
                <body><p>The site does not build yet; the terminal says why.</body>";
            Response::from_data(with_reload_script(html, page))
                .with_status_code(503)
                .with_header(header("Content-Type", "text/html; charset=utf-8"))
                .with_header(header("Cache-Control", "no-cache"))
        }
    }
}

/// What a `Location` carries percent-encoded: everything but printable ASCII, and `%`.
const NOT_IN_LOCATION: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'%')
    .add(b'<')
    .add(b'>');

fn redirect(to: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    let location = percent_encoding::utf8_percent_encode(to, NOT_IN_LOCATION).to_string();
    text(301, &format!("moved to {location}\n")).with_header(header("Location", &location))
}

fn text(status: u16, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_string(body)
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
}

/// A header. Paths in values are percent-encoded before they get here; anything else that
/// is not printable ASCII is dropped, so that no request can make a header fail.
fn header(name: &str, value: &str) -> Header {
    let value: String = value
        .chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .collect();
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("printable ASCII")
}

fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    match mime.type_() {
        mime_guess::mime::TEXT => format!("{mime}; charset=utf-8"),
        _ if mime.subtype() == "xml" || mime.suffix().is_some_and(|s| s == "xml") => {
            format!("{mime}; charset=utf-8")
        }
        _ => mime.to_string(),
    }
}

/// The script that keeps an open page up to date, put before `</body>`. Only served pages
/// get it; built ones never do.
const RELOAD_JS: &str = include_str!("reload.js");

fn with_reload_script(html: &[u8], page: &Page) -> Vec<u8> {
    let events = format!("{EVENTS}?since={}", page.since);
    let script =
        format!("<script>window.__tradekb = {{ events: \"{events}\" }};\n{RELOAD_JS}</script>");
    let at = memchr::memmem::rfind(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + script.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// A page's stream of news. tiny_http writes whole responses; a stream never ends, so its
/// head is written here and the connection is kept for the news.
fn stream(shared: &Shared, request: Request) {
    if shared.streams.fetch_add(1, Ordering::SeqCst) >= MAX_STREAMS {
        shared.streams.fetch_sub(1, Ordering::SeqCst);
        let _ = request.respond(text(503, "too many open pages\n"));
        return;
    }
    let since = request_since(request.url());
    let mut out = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\
                Connection: keep-alive\r\nX-Accel-Buffering: no\r\n\r\n";
    if out
        .write_all(head.as_bytes())
        .and_then(|()| out.flush())
        .is_ok()
    {
        shared.hub.stream(&mut out, since);
    }
    shared.streams.fetch_sub(1, Ordering::SeqCst);
}

/// The `since` of a stream's URL: the news its page was served with.
fn request_since(url: &str) -> Option<u64> {
    let query = url.split_once('?')?.1;
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix("since="))
        .and_then(|n| n.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_understood_under_the_root_and_traversal_is_refused() {
        assert_eq!(target("/", "/"), Target::File("index.html".into()));
        assert_eq!(target("/", "/a/?x=1"), Target::File("a/index.html".into()));
        assert_eq!(target("/", "/style.css"), Target::File("style.css".into()));
        assert_eq!(
            target("/", "/tags/%E6%B5%B7%E5%85%B3/"),
            Target::File("tags/海关/index.html".into())
        );
        assert_eq!(target("/kb/", "/"), Target::Root);
        assert_eq!(target("/kb/", "/kb"), Target::Root);
        assert_eq!(target("/kb/", "/other/"), Target::NotFound);
        for bad in [
            "/../etc/passwd",
            "/a/%2e%2e/%2E%2E/x",
            "/a\\b",
            "/%00",
            "//etc/passwd",
            "x",
            "/a/./b",
        ] {
            assert_eq!(target("/", bad), Target::Bad, "{bad}");
        }
        assert!(is_stream(EVENTS) && is_stream(&format!("{EVENTS}?since=3")));
        assert_eq!(request_since("/__tradekb/events?since=3"), Some(3));
    }

    #[test]
    fn the_script_goes_before_the_last_body_end_tag() {
        let page = with_reload_script(
            b"<p>x</body></html>",
            &Page {
                root: "/",
                since: 7,
                run: 1,
                files: Path::new("/nowhere"),
            },
        );
        let page = String::from_utf8(page).unwrap();
        assert!(page.starts_with("<p>x<script>"));
        assert!(page.ends_with("</script></body></html>"));
    }
}

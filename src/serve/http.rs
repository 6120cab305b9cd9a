//! Serve, HTTP: answers each request from the snapshot in memory. tiny_http parses the
//! requests and writes the responses: it is small, synchronous (a preview server has a few
//! clients, and a thread per stream of news is cheap) and needs no async runtime, which
//! would double what a fresh clone compiles. What is left here is what to answer: paths
//! under the site's root, folder indexes, the site's 404 page, content types, `HEAD`,
//! conditional requests (`ETag`, `If-None-Match`), and the live-reload script in pages.

use std::io::Write;
use std::sync::{Arc, RwLock};

use percent_encoding::percent_decode_str;
use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::events::Hub;
use super::snapshot::{File, Snapshot};

/// Where the stream of news lives, outside any site path (site paths never start with `_`
/// followed by `_tradekb`, and the root may be a sub-path).
pub const EVENTS: &str = "/__tradekb/events";

/// What every request handler shares.
pub struct Shared {
    pub snapshot: RwLock<Arc<Snapshot>>,
    pub hub: Hub,
    /// The path of the base URL, `/` or `/kb/`: every site path is under it.
    pub root: String,
}

/// What a request asks for, once its path is understood.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    /// A file of the site, by its path in the output.
    File(String),
    /// The site lives under a sub-path; `/` sends readers there.
    Root,
    Events,
    NotFound,
    /// `..`, `\`, NUL or a path that is not a path: refused.
    Bad,
}

/// Answers `request`. A stream of news keeps its thread until the page goes away.
pub fn answer(shared: &Shared, request: Request) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(Response::empty(405).with_header(header("Allow", "GET, HEAD")));
        return;
    }
    let target = target(&shared.root, request.url());
    if target == Target::Events {
        stream(shared, request);
        return;
    }
    let snapshot = shared.snapshot.read().map(|s| Arc::clone(&s)).ok();
    let snapshot = snapshot.unwrap_or_default();
    let response = respond(shared, &snapshot, &request, target);
    let _ = request.respond(response);
}

fn respond(
    shared: &Shared,
    snapshot: &Snapshot,
    request: &Request,
    target: Target,
) -> Response<std::io::Cursor<Vec<u8>>> {
    match target {
        Target::File(path) => match snapshot.get(&path) {
            Some(file) => found(shared, request, &path, file),
            None => match snapshot.get(&format!("{path}/index.html")) {
                Some(_) => redirect(&format!("{}{path}/", shared.root)),
                None => not_found(shared, snapshot),
            },
        },
        Target::Root => redirect(&shared.root),
        Target::Bad => text(
            400,
            "bad request: this path cannot name a file of the site\n",
        ),
        Target::NotFound | Target::Events => not_found(shared, snapshot),
    }
}

/// Understands the path of a request URL.
fn target(root: &str, url: &str) -> Target {
    let path = url.split(['?', '#']).next().unwrap_or("");
    if path == EVENTS {
        return Target::Events;
    }
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

fn found(
    shared: &Shared,
    request: &Request,
    path: &str,
    file: &File,
) -> Response<std::io::Cursor<Vec<u8>>> {
    let etag = format!("\"{}-{}\"", file.since, file.bytes.len());
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
        return r;
    }
    let body = if path.ends_with(".html") {
        with_reload_script(&file.bytes, &shared.root)
    } else {
        file.bytes.to_vec()
    };
    let mut r = Response::from_data(body);
    for h in headers {
        r.add_header(h);
    }
    r
}

fn not_found(shared: &Shared, snapshot: &Snapshot) -> Response<std::io::Cursor<Vec<u8>>> {
    match snapshot.get("404.html") {
        Some(page) => Response::from_data(with_reload_script(&page.bytes, &shared.root))
            .with_status_code(404)
            .with_header(header("Content-Type", "text/html; charset=utf-8"))
            .with_header(header("Cache-Control", "no-cache")),
        None => text(404, "not found\n"),
    }
}

fn redirect(to: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    text(301, &format!("moved to {to}\n")).with_header(header("Location", to))
}

fn text(status: u16, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_string(body)
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("ASCII header")
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

fn with_reload_script(page: &[u8], root: &str) -> Vec<u8> {
    let script = format!(
        "<script>window.__tradekb = {{ events: \"{EVENTS}\", root: \"{root}\" }};\n{RELOAD_JS}</script>"
    );
    let at = memchr::memmem::rfind(page, b"</body>").unwrap_or(page.len());
    let mut out = Vec::with_capacity(page.len() + script.len());
    out.extend_from_slice(&page[..at]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&page[at..]);
    out
}

/// A page's stream of news. tiny_http writes whole responses; a stream never ends, so its
/// head is written here and the connection is kept for the news.
fn stream(shared: &Shared, request: Request) {
    let mut out = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\
                Connection: keep-alive\r\nX-Accel-Buffering: no\r\n\r\n";
    if out
        .write_all(head.as_bytes())
        .and_then(|()| out.flush())
        .is_ok()
    {
        shared.hub.stream(&mut out);
    }
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
        assert_eq!(target("/", EVENTS), Target::Events);
    }

    #[test]
    fn the_script_goes_before_the_last_body_end_tag() {
        let page = with_reload_script(b"<p>x</body></html>", "/");
        let page = String::from_utf8(page).unwrap();
        assert!(page.starts_with("<p>x<script>"));
        assert!(page.ends_with("</script></body></html>"));
    }
}

//! Bytes as a rendered HTML page, through what the render stage does to every page: the
//! minifier (one-pass, with its fallback, and with shared parts marked at two places the
//! input chooses) and the crawl's reader, on the input and on the minified output. Must not
//! panic; ids come out sorted and unique; a value the reader returns borrowed is a piece of
//! the page.

#![no_main]

use std::borrow::Cow;

use libfuzzer_sys::fuzz_target;
use tradekb::render::minify::{self, Shared, SHARED_CLOSE, SHARED_OPEN};
use tradekb::text::html as scan;

fn read(html: &[u8]) -> usize {
    let found = scan::scan(html);
    assert!(
        found.ids.windows(2).all(|w| w[0] < w[1]),
        "ids sorted, unique"
    );
    let text = String::from_utf8_lossy(html);
    let links = found.links.iter().map(|l| &l.value);
    for value in found.ids.iter().chain(links) {
        if let Cow::Borrowed(v) = value {
            assert!(text.contains(v), "{v:?} is not in the page");
        }
    }
    for link in &found.links {
        assert!(
            link.at + link.len <= html.len(),
            "a link is inside the page"
        );
    }
    found.depth
}

/// The page with a shared part marked from `from` to `to` (as fractions of its length).
fn marked(data: &[u8], from: u8, to: u8) -> Vec<u8> {
    let at = |f: u8| data.len() * usize::from(f) / 255;
    let (from, to) = (at(from.min(to)), at(from.max(to)));
    [
        &data[..from],
        SHARED_OPEN,
        &data[from..to],
        SHARED_CLOSE,
        &data[to..],
    ]
    .concat()
}

/// Links (sorted) and ids of a reading.
fn sorted(r: &scan::Reading) -> (Vec<String>, Vec<String>) {
    let mut links: Vec<String> = r.links.iter().map(|l| l.to_string()).collect();
    links.sort();
    (links, r.ids.iter().map(|i| i.to_string()).collect())
}

/// The page minified with `shared`, checking that what the crawl is given is what the page
/// offers and asks for read whole.
fn minified(page: Vec<u8>, shared: &Shared) {
    let whole = sorted(&scan::scan(&page).reading());
    let mut given = None;
    if let Ok(small) = minify::page(page, shared, |r| given = Some(sorted(&r))) {
        read(&small);
    }
    assert_eq!(given, Some(whole), "the crawl reads the page as it is");
}

fuzz_target!(|data: &[u8]| {
    let shared = Shared::default();
    read(data);
    minified(data.to_vec(), &shared);
    if let [from, to, page @ ..] = data {
        let page = marked(page, *from, *to);
        read(&page);
        minified(page, &shared);
    }
});

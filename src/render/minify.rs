//! Render stage, last step of each file: HTML minified by minify-html's one-pass variant
//! (the same project's faster parser: it rewrites the page in one pass, in place, about
//! three times as fast as the full one); CSS by lightningcss (the version minify-html
//! brings). Neither changes what a reader gets, but for one rule of minify-html: a space
//! standing alone between two elements directly inside a layout element (`div`, `section`,
//! `body`…) is dropped (the README says so; the minify property test holds it to that).

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use memchr::memmem;
use minify_html_onepass::Cfg;

use crate::text::html::{self, Kept, Reading};

/// Inline `<style>` is minified; inline scripts are left as the author wrote them.
const CFG: Cfg = Cfg {
    minify_css: true,
    minify_js: false,
};

/// Elements nested deeper than this are not given to the minifier, which recurses once per
/// level (about 3 KiB of stack each; worker threads have 2 MiB). Markdown stops at 100
/// levels; only raw HTML goes deeper.
pub const MAX_DEPTH: usize = 256;

/// `page` (whose elements nest `depth` deep) minified in place, or why it was not. The
/// one-pass parser is strict: it refuses HTML that a browser repairs (an element closed in
/// the wrong order or not at all, an empty comment `<!-->`), and the caller then writes the
/// page as it was rendered, since a minifier should not guess how a browser repairs it. It
/// also refuses one well-formed case, an `&` just before a `&quot;` in a quoted attribute
/// value (a title such as `R&"D"`); the full minify-html would take that, but it panics on
/// some broken HTML (found by the fuzzer), so it is not used.
///
/// The minifier overwrites the page as it goes, also when it gives up: the caller keeps no
/// copy of every page for the rare one refused, but makes that one again.
pub fn html(mut page: Vec<u8>, depth: usize) -> Result<Vec<u8>, Refusal> {
    if depth > MAX_DEPTH {
        return Err(Refusal::TooDeep(depth));
    }
    match minify_html_onepass::in_place(&mut page, &CFG) {
        Ok(len) => {
            page.truncate(len);
            Ok(page)
        }
        Err(e) => Err(Refusal::Parser {
            message: e.error_type.message(),
            at: e.position,
        }),
    }
}

/// `page` minified, with the parts its theme marks as shared minified once: see [`Shared`].
/// `read` is given what the page offers and asks for (for the crawl): read from the rest of
/// the page and from each distinct shared part once, or from the whole page where the
/// shared parts cannot be used (marks unbalanced or nested, a part the minifier refuses, a
/// part whose place the page hides), which is then minified whole.
pub fn page(
    page: Vec<u8>,
    shared: &Shared,
    read: impl FnOnce(Reading<'_>),
) -> Result<Vec<u8>, Refusal> {
    let Some(split) = shared.split(&page) else {
        return whole(page, read);
    };
    let scan = html::scan(&split.rest);
    // Each slot must stand where its part stood, as markup: a comment left open before it
    // (which a mark would have closed), or a `textarea` around it, would hide it.
    if scan.slots != split.parts.len() {
        return whole(page, read);
    }
    let depth = scan.depth;
    // As deep as the page can nest, should it be minified whole after all: a part stands
    // where its slot did, one level up.
    let deepest = split.parts.iter().map(|p| p.read.depth).max().unwrap_or(0);
    let whole_depth = (depth + deepest).saturating_sub(1);
    // Read before the minifier goes over the rest: what the page offers and asks for does
    // not depend on whether it is then minified around its parts or whole.
    read(scan.reading_with(split.parts.iter().map(|p| &p.read)));
    match split.join(depth) {
        Some(small) => Ok(small),
        None => self::html(page, whole_depth),
    }
}

/// `page` read and minified whole.
fn whole(page: Vec<u8>, read: impl FnOnce(Reading<'_>)) -> Result<Vec<u8>, Refusal> {
    let scan = html::scan(&page);
    let depth = scan.depth;
    read(scan.reading());
    self::html(page, depth)
}

/// The marks a theme writes around HTML that many pages repeat (the site's header, an
/// article's card, a tag's chip): what stands between them is minified once a build and
/// spliced into each page that shows it, instead of being minified
/// again on every page. A shared part is whole elements, never inside `pre`, `textarea`,
/// `script`, `style` or `title` (whose text the minifier must not touch).
pub const SHARED_OPEN: &[u8] = b"<!--tkb:shared-->";
pub const SHARED_CLOSE: &[u8] = b"<!--/tkb:shared-->";
const MARK_END: &[u8] = b"tkb:shared-->";

/// What a shared part leaves in the page while the rest is minified: an element, so the
/// minifier treats the whitespace around it as around the part, and one it does not know,
/// so it leaves the closing tag of the element before it where it is.
const SLOT: &[u8] = b"<tkb-shared></tkb-shared>";
/// What a shared part is minified inside when alone: an element the minifier does not know,
/// so it keeps one space wherever there was whitespace between the part's elements (the
/// part cannot know whether its place in the page shows it); and after the part, an element
/// that keeps the closing tag of its last element, which the page around it may need.
const ALONE_OPEN: &[u8] = b"<tkb-part>";
const ALONE_CLOSE: &[u8] = b"<tkb-end></tkb-end></tkb-part>";

/// The shared parts of one build's pages, minified and read, by a hash of their text (`None`
/// for a part the minifier refuses). The threads share them, in shards that each have a
/// lock of their own, so that they seldom wait for each other: a part is minified and read
/// once a build (or twice, when two threads meet it for the first time at the same moment).
pub struct Shared {
    shards: Vec<Mutex<Known>>,
}

type Known = HashMap<u128, Option<Arc<Part>>, foldhash::fast::RandomState>;

/// Many more shards than threads: two threads rarely want the same one at once.
const SHARDS: usize = 64;

/// One shared part, minified, and what it offers and asks for (its ids and links).
struct Part {
    html: Box<[u8]>,
    read: Kept,
}

/// A page taken apart: the rest (each shared part replaced by a slot), not yet minified,
/// and its shared parts, in order.
struct Split {
    rest: Vec<u8>,
    parts: Vec<Arc<Part>>,
}

impl Default for Shared {
    fn default() -> Self {
        Shared {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
        }
    }
}

impl Shared {
    /// `page` taken apart around its shared parts; `None` when it has none or they cannot
    /// be used.
    fn split(&self, page: &[u8]) -> Option<Split> {
        let places = shared_parts(page)?;
        let mut rest = Vec::with_capacity(page.len());
        let mut parts = Vec::with_capacity(places.len());
        let mut at = 0;
        for place in &places {
            rest.extend_from_slice(&page[at..place.mark_start]);
            rest.extend_from_slice(&page[place.mark_end..place.start]);
            rest.extend_from_slice(SLOT);
            rest.extend_from_slice(&page[place.end..place.close_start]);
            at = place.close_end;
            parts.push(self.part(&page[place.start..place.end])?);
        }
        rest.extend_from_slice(&page[at..]);
        Some(Split { rest, parts })
    }

    /// One shared part, minified and read the first time the build meets it; `None` if the
    /// minifier refuses it.
    fn part(&self, text: &[u8]) -> Option<Arc<Part>> {
        let hash = xxhash_rust::xxh3::xxh3_128(text);
        // Nothing panics while a shard is locked; were it poisoned, its map is still whole.
        let shard = |hash: u128| {
            let shard = &self.shards[hash as usize % SHARDS];
            shard.lock().unwrap_or_else(PoisonError::into_inner)
        };
        if let Some(known) = shard(hash).get(&hash) {
            return known.clone();
        }
        // Made without the lock: the other threads go on meanwhile. Two threads that make
        // the same part at once make the same bytes; the first to finish keeps them.
        let made = Part::new(text).map(Arc::new);
        shard(hash).entry(hash).or_insert(made).clone()
    }
}

impl Part {
    /// `None` when the minifier refuses the part, which it does for one that leaves a
    /// comment or a text element (`textarea`, `script`, `plaintext`…) open: read alone, such
    /// a part would end where in the page it hides what follows.
    fn new(text: &[u8]) -> Option<Part> {
        let read = html::scan(text).to_kept();
        // Minified inside an element of its own: one level deeper.
        if read.depth + 1 > MAX_DEPTH {
            return None;
        }
        let mut alone = [ALONE_OPEN, text, ALONE_CLOSE].concat();
        let len = minify_html_onepass::in_place(&mut alone, &CFG).ok()?;
        let inside = alone[..len].strip_prefix(ALONE_OPEN)?;
        let html = inside.strip_suffix(ALONE_CLOSE)?.into();
        Some(Part { html, read })
    }
}

impl Split {
    /// The page minified: the rest (nesting `depth` deep) minified, and the parts put in
    /// its slots; `None` when the minifier refuses the rest, or it has a slot the theme did
    /// not make (an author's text holding one).
    fn join(mut self, depth: usize) -> Option<Vec<u8>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let len = minify_html_onepass::in_place(&mut self.rest, &CFG).ok()?;
        let rest = &self.rest[..len];
        let size = len + self.parts.iter().map(|p| p.html.len()).sum::<usize>();
        let mut out = Vec::with_capacity(size);
        let mut slots = memmem::find_iter(rest, SLOT);
        let mut at = 0;
        for part in &self.parts {
            let slot = slots.next()?;
            out.extend_from_slice(&rest[at..slot]);
            out.extend_from_slice(&part.html);
            at = slot + SLOT.len();
        }
        if slots.next().is_some() {
            return None;
        }
        out.extend_from_slice(&rest[at..]);
        Some(out)
    }
}

/// Where one shared part is: its marks, and its text between them without the whitespace
/// at either end (which stays in the page, around the slot).
struct Place {
    mark_start: usize,
    mark_end: usize,
    start: usize,
    end: usize,
    close_start: usize,
    close_end: usize,
}

/// The shared parts of a page, in order; `None` when it has none, or a mark without its
/// pair, or one part inside another.
fn shared_parts(page: &[u8]) -> Option<Vec<Place>> {
    // Both marks end in the same text: one search for it finds them all.
    static MARK: LazyLock<memmem::Finder> = LazyLock::new(|| memmem::Finder::new(MARK_END));
    let mut parts = Vec::new();
    let mut open = None;
    for hit in MARK.find_iter(page) {
        let is = |mark: &[u8]| page[..hit + MARK_END.len()].ends_with(mark);
        match open {
            None if is(SHARED_OPEN) => open = Some(hit + MARK_END.len() - SHARED_OPEN.len()),
            Some(mark_start) if is(SHARED_CLOSE) => {
                let mark_end = mark_start + SHARED_OPEN.len();
                let close_start = hit + MARK_END.len() - SHARED_CLOSE.len();
                let inside = &page[mark_end..close_start];
                let lead = inside.len() - inside.trim_ascii_start().len();
                let trail = inside.len() - inside.trim_ascii_end().len();
                parts.push(Place {
                    mark_start,
                    mark_end,
                    start: mark_end + lead,
                    end: (close_start - trail).max(mark_end + lead),
                    close_start,
                    close_end: hit + MARK_END.len(),
                });
                open = None;
            }
            _ if is(SHARED_OPEN) || is(SHARED_CLOSE) => return None,
            _ => {}
        }
    }
    (open.is_none() && !parts.is_empty()).then_some(parts)
}

/// Why the minifier did not take a page.
#[derive(Debug)]
pub enum Refusal {
    TooDeep(usize),
    Parser { message: String, at: usize },
}

impl Refusal {
    /// The reason, quoting the page as it was rendered where the parser stopped.
    pub fn explain(&self, page: &[u8]) -> String {
        match self {
            Refusal::TooDeep(depth) => format!("its elements nest {depth} deep"),
            Refusal::Parser { message, at } => format!(
                "{} near `{}`",
                message.trim_end_matches('.'),
                near(page, *at)
            ),
        }
    }
}

/// The text around byte `at` of a page, on one line, for a message.
fn near(html: &[u8], at: usize) -> String {
    let to = (at + 20).min(html.len());
    let from = at.saturating_sub(40).min(to);
    let text = String::from_utf8_lossy(&html[from..to]);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Minified CSS, or the CSS as written when it does not parse (the browser will say why).
pub fn css(css: &[u8]) -> Vec<u8> {
    use lightningcss::stylesheet::{MinifyOptions, ParserOptions, PrinterOptions, StyleSheet};
    let Ok(text) = std::str::from_utf8(css) else {
        return css.to_vec();
    };
    let Ok(mut sheet) = StyleSheet::parse(text, ParserOptions::default()) else {
        return css.to_vec();
    };
    if sheet.minify(MinifyOptions::default()).is_err() {
        return css.to_vec();
    }
    match sheet.to_css(PrinterOptions {
        minify: true,
        ..PrinterOptions::default()
    }) {
        Ok(out) => out.code.into_bytes(),
        Err(_) => css.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_space_alone_between_elements_goes_in_layout_elements_only() {
        let min = |t: &str| String::from_utf8(html(t.into(), 3).unwrap()).unwrap();
        assert_eq!(
            min("<div><span>中文</span> <span>中文</span></div>"),
            "<div><span>中文</span><span>中文</span></div>"
        );
        assert_eq!(
            min("<p><em>a</em> <em>b</em></p>"),
            "<p><em>a</em> <em>b</em>"
        );
        assert_eq!(min("<li><a>a</a> <a>b</a></li>"), "<li><a>a</a> <a>b</a>");
    }

    #[test]
    fn whitespace_and_comments_go_text_stays() {
        let page = "<p>\n  正文 <b>bold</b>  text <!-- note -->\n</p>";
        let small = html(page.into(), 1).unwrap();
        assert_eq!(
            String::from_utf8(small).unwrap(),
            "<p>正文 <b>bold</b> text"
        );
    }

    #[test]
    fn html_closing_the_wrong_element_is_refused_not_lost() {
        let page = b"<div><p>a</div></p>";
        let why = html(page.to_vec(), 2).unwrap_err().explain(page);
        assert!(why.contains("<div><p>a</div>"), "{why}");
    }

    #[test]
    fn what_the_one_pass_parser_refuses_is_named_with_where_it_is() {
        let page = b"<p title=\"R&amp;&quot;D\">a</p>";
        let why = html(page.to_vec(), 1).unwrap_err().explain(page);
        assert!(why.contains("R&amp;&quot;D"), "{why}");
        assert!(
            html(b"<p>a<!--><p>b".to_vec(), 2).is_err(),
            "an empty comment is not guessed at"
        );
    }

    #[test]
    fn pages_nested_too_deep_are_not_given_to_the_minifier() {
        let page = "<span>".repeat(MAX_DEPTH + 1);
        let why = html(page.clone().into(), MAX_DEPTH + 1)
            .unwrap_err()
            .explain(page.as_bytes());
        assert!(why.contains("nest"), "{why}");
    }

    /// A page minified with its shared parts, as text.
    fn spliced(page: &str, shared: &Shared) -> String {
        String::from_utf8(super::page(page.into(), shared, |_| {}).unwrap()).unwrap()
    }

    #[test]
    fn shared_parts_read_as_the_page_minified_whole() {
        let shared = Shared::default();
        let page = "<ul>\n  <!--tkb:shared--> <li><a href=/a/>甲</a></li>\n<!--/tkb:shared-->\n  \
                    <!--tkb:shared--><li>乙 <b>丙</b></li><!--/tkb:shared--></ul>";
        // A part's end tags stay, where the page minified whole would leave out a `</li>`.
        assert_eq!(
            spliced(page, &shared),
            "<ul><li><a href=/a/>甲</a></li><li>乙 <b>丙</b></li></ul>"
        );
        let inline = "<p>甲<!--tkb:shared--> <b>乙</b> <!--/tkb:shared-->丙</p>";
        assert_eq!(spliced(inline, &shared), "<p>甲 <b>乙</b> 丙");
        assert_eq!(
            spliced(inline, &shared),
            String::from_utf8(html(inline.into(), 2).unwrap()).unwrap(),
            "whitespace around a part is the page's, as when minified whole"
        );
    }

    #[test]
    fn the_slot_is_the_element_the_reader_counts() {
        let element = html::SLOT;
        assert_eq!(SLOT, format!("<{element}></{element}>").as_bytes());
        assert_eq!(html::scan(SLOT).slots, 1);
    }

    /// What `page` gives the crawl, as sorted links and ids.
    fn read_of(page: &str) -> (Vec<String>, Vec<String>) {
        let mut read = None;
        let _ = super::page(page.into(), &Shared::default(), |r| {
            let mut links: Vec<String> = r.links.iter().map(|l| l.to_string()).collect();
            links.sort();
            read = Some((links, r.ids.iter().map(|i| i.to_string()).collect()));
        });
        read.expect("read")
    }

    #[test]
    fn a_part_whose_place_the_page_hides_is_read_as_the_page_shows_it() {
        let part = "<!--tkb:shared--><a href=/part/ id=p>甲</a><!--/tkb:shared-->";
        let after = "<a href=/after/ id=a>乙</a>";
        let both: (Vec<String>, Vec<String>) = (
            vec!["/after/".into(), "/part/".into()],
            vec!["a".into(), "p".into()],
        );
        // Where the part stands as markup, its link and id are read (once a build).
        assert_eq!(read_of(&format!("<div>{part}{after}</div>")), both);
        // A comment left open before the part ends at its mark, so all that follows is
        // markup; read without its marks, the page would hide it all in the comment.
        assert_eq!(read_of(&format!("<div><!-- 未完{part}{after}</div>")), both);
        // In a textarea the part is text: no link, no id.
        let text = format!("<textarea>{part}</textarea>{after}");
        assert_eq!(read_of(&text), (vec!["/after/".into()], vec!["a".into()]));
    }

    #[test]
    fn a_part_of_several_elements_keeps_the_space_between_them_wherever_it_stands() {
        // Inside a paragraph the space between two elements shows: minified alone, the part
        // cannot know that, so it keeps one.
        let page = "<p>甲<!--tkb:shared--><b>乙</b> <i>丙</i><!--/tkb:shared-->丁</p>";
        assert_eq!(
            spliced(page, &Shared::default()),
            "<p>甲<b>乙</b> <i>丙</i>丁"
        );
    }

    #[test]
    fn a_shared_part_keeps_the_end_tag_that_text_after_it_needs() {
        // Minified alone, `<p>甲</p>` would lose its end tag, and 乙 would join the paragraph.
        let page = "<div><!--tkb:shared--><p>甲</p><!--/tkb:shared-->乙</div>";
        assert_eq!(spliced(page, &Shared::default()), "<div><p>甲</p>乙</div>");
    }

    #[test]
    fn a_part_on_many_pages_is_minified_once() {
        let shared = Shared::default();
        let card = "<!--tkb:shared--><li>\n  <a href=/x/>甲</a>\n</li><!--/tkb:shared-->";
        let pages: Vec<String> = (0..3)
            .map(|n| format!("<ol><li>{n}</li>{card}</ol>"))
            .collect();
        for (n, page) in pages.iter().enumerate() {
            assert_eq!(
                spliced(page, &shared),
                format!("<ol><li>{n}</li><li><a href=/x/>甲</a></li></ol>")
            );
        }
        let known: usize = (shared.shards.iter())
            .map(|m| m.lock().unwrap().len())
            .sum();
        assert_eq!(known, 1);
    }

    #[test]
    fn marks_that_do_not_pair_or_a_slot_in_the_text_leave_the_page_whole() {
        let shared = Shared::default();
        for page in [
            "<div><!--tkb:shared--><p>甲</p></div>",
            "<div><p>甲</p><!--/tkb:shared--></div>",
            "<div><!--tkb:shared--><!--tkb:shared--><p>甲</p><!--/tkb:shared--></div>",
            "<div><!--/tkb:shared--><!--tkb:shared--><p>甲</p><!--/tkb:shared--></div>",
        ] {
            assert_eq!(spliced(page, &shared), "<div><p>甲</div>", "{page}");
        }
        // An author's raw HTML may hold the element a part leaves behind: it is not replaced.
        let page =
            "<div><!--tkb:shared--><p>甲</p><!--/tkb:shared--><tkb-shared></tkb-shared></div>";
        assert_eq!(
            spliced(page, &shared),
            "<div><p>甲</p><tkb-shared></tkb-shared></div>"
        );
    }

    #[test]
    fn a_part_the_minifier_refuses_leaves_the_page_to_be_refused_whole() {
        let page = "<div><!--tkb:shared--><p>甲</div><!--/tkb:shared--></div>";
        assert!(super::page(page.into(), &Shared::default(), |_| {}).is_err());
    }
}

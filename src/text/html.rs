//! Reading HTML for what it offers (element ids, and `name` of `<a>`, which fragments also
//! find) and asks for (`href` and `src` values): the crawl reads each finished file with it,
//! the Markdown stage the raw HTML of a body. It only reads. It follows the HTML tokenizer where
//! that decides what is markup: comments (`<!-->` included), declarations, end tags, and
//! the elements whose content is text (`script`, `style`, `textarea`, `title`, `xmp`,
//! `iframe`, `noembed`, `noframes`, `noscript`, and `plaintext` to the end of the file), so
//! that a link written inside them is not taken for one.

use std::borrow::Cow;
use std::sync::LazyLock;

use memchr::{memchr, memchr2, memmem};

/// What one HTML file offers and asks for, borrowed from its text where no entity had to
/// be decoded.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Scan<'a> {
    /// Element ids and `<a name>`s, sorted and without duplicates.
    pub ids: Vec<Cow<'a, str>>,
    /// `href` and `src` values (entities decoded), in document order.
    pub links: Vec<Link<'a>>,
    /// How deep elements nest at the most, counting an element from its start tag to its
    /// end tag (an element whose end tag may be left out counts until there is one).
    pub depth: usize,
    /// How many [`SLOT`] elements the file has, as markup (not inside a comment, an
    /// attribute or an element whose content is text).
    pub slots: usize,
}

/// The element a shared part leaves in a page while the rest of it is read and minified
/// (see `render::minify`): its start tags are counted, so that a part whose place the page
/// hides (in a comment left open before it, or in a `textarea`) is known.
pub const SLOT: &str = "tkb-shared";

/// What a page offers (ids, sorted, without duplicates) and asks for (`href` and `src`
/// values, entities decoded), without where: what the crawl checks.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Reading<'a> {
    pub ids: Vec<Cow<'a, str>>,
    pub links: Vec<Cow<'a, str>>,
}

/// One `href` or `src` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link<'a> {
    pub value: Cow<'a, str>,
    /// Byte offset of the value (inside its quotes) in the HTML read.
    pub at: usize,
    /// Its length there in bytes, as written (entities not decoded).
    pub len: usize,
}

impl Scan<'_> {
    pub fn has_id(&self, id: &str) -> bool {
        self.ids.binary_search_by(|probe| (**probe).cmp(id)).is_ok()
    }

    /// What this reading found, kept apart from the HTML read (offsets left out).
    pub fn to_kept(&self) -> Kept {
        Kept {
            ids: self.ids.iter().map(|id| id.to_string()).collect(),
            links: self.links.iter().map(|l| l.value.to_string()).collect(),
            depth: self.depth,
        }
    }
}

impl<'a> Scan<'a> {
    /// What the file offers and asks for.
    pub fn reading(self) -> Reading<'a> {
        Reading {
            ids: self.ids,
            links: self.links.into_iter().map(|l| l.value).collect(),
        }
    }

    /// What a page offers and asks for: this reading of it with the readings of pieces of
    /// it that were read apart.
    pub fn reading_with(self, pieces: impl IntoIterator<Item = &'a Kept>) -> Reading<'a> {
        let mut reading = self.reading();
        for piece in pieces {
            let ids = piece.ids.iter().map(|id| Cow::Borrowed(id.as_str()));
            reading.ids.extend(ids);
            let links = piece.links.iter().map(|l| Cow::Borrowed(l.as_str()));
            reading.links.extend(links);
        }
        reading.ids.sort_unstable();
        reading.ids.dedup();
        reading
    }
}

/// What a piece of a page offers and asks for, kept apart from its HTML, and how deep it
/// nests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Kept {
    pub ids: Vec<String>,
    pub links: Vec<String>,
    pub depth: usize,
}

/// Reads `html`. Works on bytes: all it looks for is ASCII, and values are cut only beside
/// ASCII bytes, so UTF-8 text stays whole.
pub fn scan(html: &[u8]) -> Scan<'_> {
    let mut scan = Scan::default();
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(lt) = memchr(b'<', &html[at..]).map(|i| at + i) {
        let rest = &html[lt + 1..];
        at = match rest.first() {
            Some(b'!') if rest.starts_with(b"!--") => after_comment(html, lt + 4),
            Some(b'!' | b'?') => after_gt(html, lt + 1),
            Some(b'/') => {
                if rest.get(1).is_some_and(u8::is_ascii_alphabetic) {
                    depth = depth.saturating_sub(1);
                }
                after_gt(html, lt + 2)
            }
            Some(b) if b.is_ascii_alphabetic() => {
                let tag = start_tag(html, lt + 1, Some(&mut scan));
                scan.depth = scan.depth.max(depth + 1);
                scan.slots += usize::from(tag.name == SLOT);
                match text_element(&tag.name) {
                    Some(TextContent::ToEnd) => html.len(),
                    Some(TextContent::UntilEndTag) => {
                        let close = end_tag_at(html, tag.end, &tag.name);
                        // The minifier reads markup inside all of these but scripts and
                        // styles, and nests into it: the depth counts it.
                        if !matches!(&*tag.name, "script" | "style") {
                            let inside = nesting(&html[tag.end..close]);
                            scan.depth = scan.depth.max(depth + 1 + inside);
                        }
                        after_gt(html, (close + 2 + tag.name.len()).min(html.len()))
                    }
                    None => {
                        depth += usize::from(!is_void(&tag.name) && !tag.self_closing);
                        tag.end
                    }
                }
            }
            _ => lt + 1,
        };
    }
    scan.ids.sort_unstable();
    scan.ids.dedup();
    scan
}

/// Elements that have no content and no end tag.
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
    )
}

/// Where a comment whose text starts at `start` ends. `<!-->` and `<!--->` are whole
/// (empty) comments; otherwise `-->` or `--!>` ends it, or the end of the file.
fn after_comment(html: &[u8], start: usize) -> usize {
    let text = &html[start.min(html.len())..];
    if text.starts_with(b">") {
        return start + 1;
    }
    if text.starts_with(b"->") {
        return start + 2;
    }
    // `--!>` is looked for only before the first `-->`: looking through the rest of the
    // page for it at every comment made the scan slow on pages of many comments.
    let close = COMMENT_END.find(text);
    let before = &text[..close.map_or(text.len(), |c| c + 3)];
    let end = match BANG_COMMENT_END.find(before) {
        Some(bang) => Some(bang + 4),
        None => close.map(|c| c + 3),
    };
    end.map_or(html.len(), |e| start + e)
}

// Searchers made once: a page has dozens of comments (the theme's marks), and making one for
// each search cost more than the search.
static COMMENT_END: LazyLock<memmem::Finder> = LazyLock::new(|| memmem::Finder::new("-->"));
static BANG_COMMENT_END: LazyLock<memmem::Finder> = LazyLock::new(|| memmem::Finder::new("--!>"));
static END_TAG: LazyLock<memmem::Finder> = LazyLock::new(|| memmem::Finder::new("</"));

fn after_gt(html: &[u8], from: usize) -> usize {
    memchr(b'>', &html[from.min(html.len())..]).map_or(html.len(), |i| from + i + 1)
}

/// How the content of an element is read.
enum TextContent {
    /// As text up to the element's end tag.
    UntilEndTag,
    /// As text to the end of the file (`plaintext`).
    ToEnd,
}

fn text_element(name: &str) -> Option<TextContent> {
    match name {
        "script" | "style" | "textarea" | "title" | "xmp" | "iframe" | "noembed" | "noframes"
        | "noscript" => Some(TextContent::UntilEndTag),
        "plaintext" => Some(TextContent::ToEnd),
        _ => None,
    }
}

/// Where the end tag `</name` (any case) that closes a text element starts, or the end of
/// the file.
fn end_tag_at(html: &[u8], from: usize, name: &str) -> usize {
    let mut at = from;
    while let Some(lt) = END_TAG.find(&html[at..]).map(|i| at + i) {
        let after = lt + 2 + name.len();
        let closes = html
            .get(lt + 2..after)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
            && html
                .get(after)
                .is_none_or(|&b| is_space(b) || b == b'/' || b == b'>');
        if closes {
            return lt;
        }
        at = lt + 2;
    }
    html.len()
}

/// How deep the markup in `html` nests, reading every tag as an element.
fn nesting(html: &[u8]) -> usize {
    let (mut depth, mut most, mut at) = (0usize, 0usize, 0usize);
    while let Some(lt) = memchr(b'<', &html[at..]).map(|i| at + i) {
        let rest = &html[lt + 1..];
        at = match rest.first() {
            Some(b'!') if rest.starts_with(b"!--") => after_comment(html, lt + 4),
            Some(b'/') => {
                depth = depth.saturating_sub(1);
                after_gt(html, lt + 2)
            }
            Some(b) if b.is_ascii_alphabetic() => {
                let tag = start_tag(html, lt + 1, None);
                most = most.max(depth + 1);
                depth += usize::from(!is_void(&tag.name) && !tag.self_closing);
                tag.end
            }
            _ => lt + 1,
        };
    }
    most
}

/// A start tag as read.
struct StartTag<'a> {
    /// Lower-cased.
    name: Cow<'a, str>,
    /// Where the tag ends (after its `>`).
    end: usize,
    /// Whether it ends with `/>` outside any attribute value.
    self_closing: bool,
}

/// Reads the start tag whose name starts at `from`, recording its id and links in `scan`
/// when given one.
fn start_tag<'a>(html: &'a [u8], from: usize, mut scan: Option<&mut Scan<'a>>) -> StartTag<'a> {
    let name_end = from + until(&html[from..], |b| is_space(b) || b == b'/' || b == b'>');
    let name = lower(&html[from..name_end]);
    let mut at = name_end;
    // The first of attributes with one name counts, as in the tokenizer.
    let mut seen = Seen::default();
    loop {
        let gap = until(&html[at..], |b| !(is_space(b) || b == b'/'));
        let slash = gap > 0 && html[at + gap - 1] == b'/';
        at += gap;
        match html.get(at) {
            None => {
                let end = html.len();
                return StartTag {
                    name,
                    end,
                    self_closing: false,
                };
            }
            Some(b'>') => {
                let end = at + 1;
                return StartTag {
                    name,
                    end,
                    self_closing: slash,
                };
            }
            Some(_) => {
                let (attr, value, end) = attribute(html, at);
                if let Some(scan) = scan.as_deref_mut() {
                    let value = value.map(|v| (v, offset_in(html, v)));
                    record(scan, &mut seen, &name, attr, value);
                }
                at = end;
            }
        }
    }
}

/// The attribute starting at `from`: its name, its value (none when it has none) and where
/// it ends.
fn attribute(html: &[u8], from: usize) -> (&[u8], Option<&[u8]>, usize) {
    // A first `=` belongs to the name, as in the tokenizer.
    let name_len = 1 + until(&html[from + 1..], |b| {
        is_space(b) || b == b'/' || b == b'>' || b == b'='
    });
    let name = &html[from..from + name_len];
    let mut at = from + name_len;
    at += until(&html[at..], |b| !is_space(b));
    if html.get(at) != Some(&b'=') {
        return (name, None, at);
    }
    at += 1;
    at += until(&html[at..], |b| !is_space(b));
    match html.get(at) {
        Some(&q @ (b'"' | b'\'')) => {
            let len = memchr(q, &html[at + 1..]).unwrap_or(html.len() - at - 1);
            let end = (at + 2 + len).min(html.len());
            (name, Some(&html[at + 1..at + 1 + len]), end)
        }
        _ => {
            let len = until(&html[at..], |b| is_space(b) || b == b'>');
            (name, Some(&html[at..at + len]), at + len)
        }
    }
}

/// The attributes of one tag that the scan reads, once seen.
#[derive(Default)]
struct Seen {
    id: bool,
    name: bool,
    href: bool,
    src: bool,
}

/// Records attribute `attr` of a `tag` with its value and where the value starts.
fn record<'a>(
    scan: &mut Scan<'a>,
    seen: &mut Seen,
    tag: &str,
    attr: &[u8],
    value: Option<(&'a [u8], usize)>,
) {
    let first = |flag: &mut bool| !std::mem::replace(flag, true);
    let (value, at) = value.unwrap_or_default();
    let link = |value: &'a [u8]| Link {
        value: decode(value),
        at,
        len: value.len(),
    };
    if attr.eq_ignore_ascii_case(b"id") {
        if first(&mut seen.id) && !value.is_empty() {
            scan.ids.push(decode(value));
        }
    } else if attr.eq_ignore_ascii_case(b"name") {
        // A fragment finds `<a name="x">` too, when no element has the id.
        if first(&mut seen.name) && tag == "a" && !value.is_empty() {
            scan.ids.push(decode(value));
        }
    } else if attr.eq_ignore_ascii_case(b"href") {
        if first(&mut seen.href) {
            scan.links.push(link(value));
        }
    } else if attr.eq_ignore_ascii_case(b"src") && first(&mut seen.src) {
        scan.links.push(link(value));
    }
}

/// Where `part`, a slice of `html`, starts in it.
fn offset_in(html: &[u8], part: &[u8]) -> usize {
    part.as_ptr() as usize - html.as_ptr() as usize
}

/// How many bytes of `s` come before the first one that `stop` accepts.
fn until(s: &[u8], stop: impl Fn(u8) -> bool) -> usize {
    s.iter().position(|&b| stop(b)).unwrap_or(s.len())
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

fn lower(name: &[u8]) -> Cow<'_, str> {
    match String::from_utf8_lossy(name) {
        Cow::Borrowed(s) if !s.bytes().any(|b| b.is_ascii_uppercase()) => Cow::Borrowed(s),
        s => Cow::Owned(s.to_ascii_lowercase()),
    }
}

/// An attribute value as the browser reads it: character references decoded.
fn decode(value: &[u8]) -> Cow<'_, str> {
    let text = String::from_utf8_lossy(value);
    if memchr2(b'&', b'\0', value).is_none() {
        return text;
    }
    let decoded = html_escape::decode_html_entities(&text).replace('\0', "\u{FFFD}");
    Cow::Owned(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(html: &str) -> Vec<String> {
        scan(html.as_bytes())
            .links
            .into_iter()
            .map(|l| l.value.into_owned())
            .collect()
    }

    fn ids(html: &str) -> Vec<String> {
        scan(html.as_bytes())
            .ids
            .into_iter()
            .map(Cow::into_owned)
            .collect()
    }

    #[test]
    fn quoted_bare_and_escaped_values_are_read() {
        let html = "<a href=\"/a/?x=1&amp;y=2\" id='top'><img src=/i.png><A HREF = '/b/'>";
        assert_eq!(links(html), ["/a/?x=1&y=2", "/i.png", "/b/"]);
        assert_eq!(ids(html), ["top"]);
        assert_eq!(links("<a href=\"&#x2F;c&sol;\">"), ["/c/"]);
    }

    #[test]
    fn comments_end_where_the_browser_ends_them() {
        assert_eq!(links("<!--><a href=/after-empty/>"), ["/after-empty/"]);
        assert_eq!(links("<!---><a href=/after-dash/>"), ["/after-dash/"]);
        assert_eq!(links("<!-- <a href=/no/> --!><a href=/yes/>"), ["/yes/"]);
        assert_eq!(
            links("<!-- <a href=/no/> -- > still --><a href=/yes/>"),
            ["/yes/"]
        );
        assert!(links("<!-- never closed <a href=/no/>").is_empty());
    }

    #[test]
    fn text_elements_hide_markup_until_their_end_tag() {
        let html = "<script>'<a href=/no/>'</script ><noscript><a href=/no2/></NOSCRIPT>\
                    <xmp><a href=/no3/></xmp><iframe><a href=/no4/></iframe><a href=/yes/>\
                    <textarea></textareax><a href=/no5/></textarea><plaintext><a href=/no6/>";
        assert_eq!(links(html), ["/yes/"]);
    }

    #[test]
    fn declarations_and_end_tags_are_not_links() {
        let html = "<!DOCTYPE html><?xml href=/no/?></p href=/no2/><p>a < b<a href=/yes/>";
        assert_eq!(links(html), ["/yes/"]);
    }

    #[test]
    fn a_quoted_gt_stays_in_its_value() {
        assert_eq!(links("<a title='a>b' href=/yes/>"), ["/yes/"]);
        assert_eq!(ids("<p id=x ID=y><p id=z>"), ["x", "z"]);
    }

    #[test]
    fn a_names_are_targets_as_ids_are_and_links_say_where_they_are() {
        assert_eq!(
            ids("<a name=\"format\"></a><p name=\"not\"><a NAME=b name=c>"),
            ["b", "format"]
        );
        let html = "<p>甲 <img src=\"missing.png\"> <a href='nope/'>";
        let found = scan(html.as_bytes());
        let at: Vec<&str> = found
            .links
            .iter()
            .map(|l| &html[l.at..l.at + l.len])
            .collect();
        assert_eq!(at, ["missing.png", "nope/"]);
        // As written: an entity counts as written, not as decoded.
        let html = "<a href=\"x&amp;中.md\">";
        let link = &scan(html.as_bytes()).links[0];
        assert_eq!(
            (&*link.value, &html[link.at..link.at + link.len]),
            ("x&中.md", "x&amp;中.md")
        );
    }

    #[test]
    fn depth_counts_open_elements_not_void_or_closed_ones() {
        let depth = |html: &str| scan(html.as_bytes()).depth;
        assert_eq!(depth("<p>a<br><img src=x><b>b</b></p><p>c</p>"), 2);
        assert_eq!(
            depth("<div><svg><path d=x/></svg><script>'<a><a><a>'</script></div>"),
            3
        );
        assert_eq!(depth(&"<span>".repeat(300)), 300);
        assert_eq!(depth("</p></p><p>"), 1);
    }

    #[test]
    fn depth_counts_what_the_minifier_nests_into() {
        let depth = |html: &str| scan(html.as_bytes()).depth;
        // Markup inside these is text to a browser but elements to the minifier.
        let inside = format!("<noscript>{}</noscript>", "<b>".repeat(50));
        assert_eq!(depth(&inside), 51);
        assert_eq!(
            depth(&format!("<textarea>{}</textarea>", "<i>".repeat(9))),
            10
        );
        // A slash that ends an unquoted value does not close the element.
        assert_eq!(depth(&"<b title=x/>".repeat(40)), 40);
        assert_eq!(depth(&"<path d=\"x\"/>".repeat(40)), 1);
    }

    #[test]
    fn cut_off_files_end_without_panicking() {
        for html in [
            "<",
            "<a",
            "<a href",
            "<a href=",
            "<a href='",
            "<a href=\"/x",
            "<!",
            "<!-",
            "</",
        ] {
            scan(html.as_bytes());
        }
    }
}

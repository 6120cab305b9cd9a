//! One linear pass over each rendered HTML file. It collects what the crawl needs (the `id`s
//! and the `href`/`src` values) and, when minifying, writes the file again without comments
//! and insignificant whitespace, with attribute values unquoted where HTML allows.
//!
//! The minifier is conservative: it knows which elements are blocks (whitespace beside them
//! never renders), keeps one space wherever a space could show, and copies `pre`, `code`,
//! `textarea`, `title`, `script` and `style` contents as they are. It does not recurse, so
//! no nesting depth can exhaust its stack.

use std::borrow::Cow;

/// What one HTML file offers and asks for, borrowed from its text where no entity had to
/// be decoded.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Scan<'a> {
    /// Element ids, sorted and without duplicates.
    pub ids: Vec<Cow<'a, str>>,
    /// `href` and `src` values (entities decoded), in document order.
    pub links: Vec<Cow<'a, str>>,
}

impl Scan<'_> {
    pub fn has_id(&self, id: &str) -> bool {
        self.ids.binary_search_by(|probe| (**probe).cmp(id)).is_ok()
    }
}

/// Scans `html`, and returns it minified when `minify` is set. Works on bytes: everything
/// it looks for is ASCII, and it cuts only beside ASCII bytes, so UTF-8 text stays whole.
pub fn process(html: &[u8], minify: bool) -> (Option<Vec<u8>>, Scan<'_>) {
    let mut p = Processor {
        html,
        out: minify.then(|| Vec::with_capacity(html.len())),
        scan: Scan::default(),
        attrs: Vec::new(),
        pending_space: false,
        after_block: true,
        keep_whitespace: 0,
        in_head: false,
    };
    p.run();
    let mut scan = p.scan;
    scan.ids.sort_unstable();
    scan.ids.dedup();
    (p.out, scan)
}

struct Processor<'a> {
    html: &'a [u8],
    /// The minified text; none when only scanning.
    out: Option<Vec<u8>>,
    scan: Scan<'a>,
    /// The attributes of the current tag (kept to reuse the allocation).
    attrs: Vec<Attribute<'a>>,
    /// Whitespace was seen in text and not written yet: written as one space before the
    /// next text or inline tag, dropped before a block tag.
    pending_space: bool,
    /// The last tag written was a block tag (or nothing was written yet).
    after_block: bool,
    /// Open `pre`, `code` and `textarea` elements: whitespace inside them is content.
    keep_whitespace: usize,
    in_head: bool,
}

/// Elements whose start and end never sit inside a line of text, so that whitespace beside
/// their tags does not render. (`br`, `img`, `svg` and other inline elements are not here.)
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "base"
            | "blockquote"
            | "body"
            | "caption"
            | "col"
            | "colgroup"
            | "dd"
            | "details"
            | "dialog"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "head"
            | "header"
            | "hgroup"
            | "hr"
            | "html"
            | "legend"
            | "li"
            | "link"
            | "main"
            | "meta"
            | "nav"
            | "ol"
            | "optgroup"
            | "option"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "tfoot"
            | "th"
            | "thead"
            | "title"
            | "tr"
            | "ul"
    )
}

/// Elements whose text is copied up to their end tag without looking for tags inside.
fn is_raw_text(name: &str) -> bool {
    matches!(name, "script" | "style" | "textarea" | "title")
}

/// Elements inside which whitespace is kept as written.
fn keeps_whitespace(name: &str) -> bool {
    matches!(name, "pre" | "code" | "textarea")
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

impl<'a> Processor<'a> {
    fn run(&mut self) {
        let html = self.html;
        let mut i = 0;
        while i < html.len() {
            let Some(off) = memchr::memchr(b'<', &html[i..]) else {
                self.text(&html[i..]);
                break;
            };
            let lt = i + off;
            self.text(&html[lt.min(i)..lt]);
            let rest = &html[lt..];
            i = match rest.get(1).copied() {
                Some(b'!') if rest.starts_with(b"<!--") => {
                    let end = find(&rest[4..], b"-->").map_or(html.len(), |e| lt + 4 + e + 3);
                    if self.out.is_none() || rest[4..].starts_with(b"[if") {
                        self.raw(&html[lt..end]);
                    }
                    end
                }
                Some(b'!' | b'?') => {
                    // A doctype or processing instruction: kept as written.
                    let end = memchr::memchr(b'>', rest).map_or(html.len(), |e| lt + e + 1);
                    self.pending_space = false;
                    self.raw(&html[lt..end]);
                    self.after_block = true;
                    end
                }
                Some(b'/') if rest.get(2).is_some_and(u8::is_ascii_alphabetic) => self.end_tag(lt),
                Some(b) if b.is_ascii_alphabetic() => self.start_tag(lt),
                _ => {
                    // A `<` that starts no tag is text.
                    self.text(b"<");
                    lt + 1
                }
            };
        }
    }

    /// Copies `s` to the output as it is.
    fn raw(&mut self, s: &[u8]) {
        if let Some(out) = &mut self.out {
            out.extend_from_slice(s);
        }
    }

    /// Text between tags.
    fn text(&mut self, s: &[u8]) {
        if s.is_empty() {
            return;
        }
        let Some(out) = &mut self.out else {
            return;
        };
        if self.keep_whitespace > 0 {
            if self.pending_space {
                out.push(b' ');
                self.pending_space = false;
            }
            out.extend_from_slice(s);
            self.after_block = false;
            return;
        }
        let mut start = 0;
        while start < s.len() {
            let mut word_end = start;
            while word_end < s.len() && !is_space(s[word_end]) {
                word_end += 1;
            }
            if word_end > start {
                if self.pending_space && !self.after_block {
                    out.push(b' ');
                }
                self.pending_space = false;
                self.after_block = false;
                out.extend_from_slice(&s[start..word_end]);
            }
            let mut space_end = word_end;
            while space_end < s.len() && is_space(s[space_end]) {
                space_end += 1;
            }
            if space_end > word_end && !self.in_head {
                self.pending_space = true;
            }
            start = space_end;
        }
    }

    /// Writes the space owed before a tag: none beside a block tag.
    fn before_tag(&mut self, block: bool) {
        if self.pending_space && !block && !self.after_block {
            if let Some(out) = &mut self.out {
                out.push(b' ');
            }
        }
        self.pending_space = false;
    }

    fn end_tag(&mut self, lt: usize) -> usize {
        let html = self.html;
        let rest = &html[lt + 2..];
        let name_len = rest
            .iter()
            .position(|&b| is_space(b) || b == b'>' || b == b'/')
            .unwrap_or(rest.len());
        let raw_name = &rest[..name_len];
        let name = lower(raw_name);
        let end = memchr::memchr(b'>', rest).map_or(html.len(), |e| lt + 2 + e + 1);
        if keeps_whitespace(&name) {
            self.keep_whitespace = self.keep_whitespace.saturating_sub(1);
        }
        let block = is_block(&name);
        if self.keep_whitespace == 0 || keeps_whitespace(&name) {
            self.before_tag(block);
        }
        if let Some(out) = &mut self.out {
            out.extend_from_slice(b"</");
            out.extend_from_slice(raw_name);
            out.push(b'>');
        }
        if name == "head" {
            self.in_head = false;
        }
        self.after_block = block;
        end
    }

    fn start_tag(&mut self, lt: usize) -> usize {
        let html = self.html;
        let rest = &html[lt + 1..];
        let Some(len) = tag_len(rest) else {
            // No `>` before the end: not a tag a browser would finish either.
            self.text(&html[lt..]);
            return html.len();
        };
        let tag = &rest[..len];
        let name_len = tag
            .iter()
            .position(|&b| is_space(b) || b == b'/')
            .unwrap_or(tag.len());
        let raw_name = &tag[..name_len];
        let name = lower(raw_name);
        let block = is_block(&name);
        match &*name {
            "head" => self.in_head = true,
            "body" => self.in_head = false,
            _ => {}
        }
        self.before_tag(block);
        let mut attrs = std::mem::take(&mut self.attrs);
        attributes(&tag[name_len..], &mut attrs);
        for a in &attrs {
            let value = a.value.unwrap_or_default();
            if a.name.eq_ignore_ascii_case(b"id") {
                self.scan.ids.push(unescape(value));
            } else if a.name.eq_ignore_ascii_case(b"href") || a.name.eq_ignore_ascii_case(b"src") {
                self.scan.links.push(unescape(value));
            }
        }
        let self_closing = tag.ends_with(b"/");
        if let Some(out) = &mut self.out {
            out.push(b'<');
            out.extend_from_slice(raw_name);
            let mut last_unquoted = false;
            for a in &attrs {
                out.push(b' ');
                out.extend_from_slice(a.name);
                last_unquoted = false;
                if let Some(v) = a.value {
                    out.push(b'=');
                    let quote = if !v.is_empty() && !v.iter().any(|&b| needs_quotes(b)) {
                        last_unquoted = true;
                        None
                    } else if v.contains(&b'"') {
                        Some(b'\'')
                    } else {
                        Some(b'"')
                    };
                    out.extend(quote);
                    out.extend_from_slice(v);
                    out.extend(quote);
                }
            }
            if self_closing {
                // `<rect fill=red/>` would read the slash into the value.
                out.extend_from_slice(if last_unquoted { b" />" } else { b"/>" });
            } else {
                out.push(b'>');
            }
        }
        self.attrs = attrs;
        let mut end = lt + 1 + len + 1;
        if is_raw_text(&name) && !self_closing {
            // Copy everything up to the end tag as it is.
            let body = &html[end..];
            let close = find_end_tag(body, name.as_bytes()).unwrap_or(body.len());
            self.raw(&body[..close]);
            end += close;
            self.after_block = false;
        } else {
            self.after_block = block;
        }
        if keeps_whitespace(&name) && !self_closing {
            self.keep_whitespace += 1;
        }
        end
    }
}

fn needs_quotes(b: u8) -> bool {
    is_space(b) || matches!(b, b'"' | b'\'' | b'=' | b'<' | b'>' | b'`')
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// A tag name in lower case (names that are not ASCII match no known element).
fn lower(name: &[u8]) -> Cow<'_, str> {
    let Ok(name) = std::str::from_utf8(name) else {
        return Cow::Borrowed("");
    };
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

/// Where `</name` starts in `body`, ignoring case.
fn find_end_tag(body: &[u8], name: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(off) = find(&body[from..], b"</") {
        let at = from + off;
        let after = &body[at + 2..];
        if after.len() >= name.len()
            && after[..name.len()].eq_ignore_ascii_case(name)
            && after
                .get(name.len())
                .is_none_or(|&b| is_space(b) || b == b'>' || b == b'/')
        {
            return Some(at);
        }
        from = at + 2;
    }
    None
}

/// The length of a start tag's text after `<` and before its `>` (the first `>` outside
/// quoted attribute values); none when it has no end.
fn tag_len(tag: &[u8]) -> Option<usize> {
    let mut i = 0;
    loop {
        i += memchr::memchr3(b'>', b'"', b'\'', &tag[i..])?;
        let b = tag[i];
        if b == b'>' {
            return Some(i);
        }
        // A quote opens a value only right after `=` (and spaces); then its `>`s are text.
        let before = tag[..i].iter().rposition(|&c| !is_space(c));
        if before.is_some_and(|j| tag[j] == b'=') {
            i += 1 + memchr::memchr(b, &tag[i + 1..])?;
        }
        i += 1;
    }
}

struct Attribute<'a> {
    name: &'a [u8],
    /// The value as written, entities and all; none for a bare attribute.
    value: Option<&'a [u8]>,
}

/// The attributes of a start tag's text after its name, into `out`.
fn attributes<'a>(mut s: &'a [u8], out: &mut Vec<Attribute<'a>>) {
    out.clear();
    loop {
        while let [b, rest @ ..] = s {
            if is_space(*b) || *b == b'/' {
                s = rest;
            } else {
                break;
            }
        }
        if s.is_empty() {
            return;
        }
        let name_end = s
            .iter()
            .position(|&b| is_space(b) || b == b'=' || b == b'/')
            .unwrap_or(s.len())
            // `=x` alone is an attribute named `=x`.
            .max(1);
        let name = &s[..name_end];
        s = &s[name_end..];
        let rest = trim_start(s);
        let Some(after_eq) = rest.strip_prefix(b"=") else {
            out.push(Attribute { name, value: None });
            continue;
        };
        let v = trim_start(after_eq);
        let (value, next) = match v.first() {
            Some(&q @ (b'"' | b'\'')) => {
                let body = &v[1..];
                let close = memchr::memchr(q, body).unwrap_or(body.len());
                (&body[..close], body.get(close + 1..).unwrap_or_default())
            }
            _ => {
                let end = v.iter().position(|&b| is_space(b)).unwrap_or(v.len());
                (&v[..end], &v[end..])
            }
        };
        out.push(Attribute {
            name,
            value: Some(value),
        });
        s = next;
    }
}

fn trim_start(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&b| is_space(b)).count();
    &s[n..]
}

/// Undoes the entities templates and Markdown write into attribute values.
fn unescape(v: &[u8]) -> Cow<'_, str> {
    let v = String::from_utf8_lossy(v);
    if !v.contains('&') {
        return v;
    }
    Cow::Owned(
        v.replace("&quot;", "\"")
            .replace("&#34;", "\"")
            .replace("&#39;", "'")
            .replace("&#x27;", "'")
            .replace("&#x2F;", "/")
            .replace("&#x2f;", "/")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn min(html: &str) -> String {
        String::from_utf8(process(html.as_bytes(), true).0.unwrap()).unwrap()
    }

    #[test]
    fn whitespace_beside_blocks_goes_inline_space_stays_as_one() {
        assert_eq!(
            min("<ul>\n  <li><a href=\"/a/\">a</a>\n  <b>x</b>  y\n  </li>\n</ul>\n"),
            "<ul><li><a href=/a/>a</a> <b>x</b> y</li></ul>"
        );
        assert_eq!(
            min("<p>\n  中文\n  文本 <em>强调</em>\n</p>"),
            "<p>中文 文本 <em>强调</em></p>"
        );
    }

    #[test]
    fn pre_code_script_and_title_are_copied_as_written() {
        let html = "<pre><code>a  <span class=\"k\">b</span>\n\n  c</code></pre>\n<p>x  <code>a  b</code></p><script>if (a < b && c > d) {  }</script><title> a  b </title>";
        assert_eq!(
            min(html),
            "<pre><code>a  <span class=k>b</span>\n\n  c</code></pre><p>x <code>a  b</code></p><script>if (a < b && c > d) {  }</script><title> a  b </title>"
        );
    }

    #[test]
    fn attribute_values_are_unquoted_only_where_that_is_safe() {
        assert_eq!(
            min("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><a title=\"say &quot;hi&quot;\" href='/x/' hidden data-x=\"\">"),
            "<meta name=viewport content=\"width=device-width, initial-scale=1\"><a title=\"say &quot;hi&quot;\" href=/x/ hidden data-x=\"\">"
        );
        assert_eq!(
            min("<svg><rect fill=\"red\"/><path d=\"M1 2\"/></svg>"),
            "<svg><rect fill=red /><path d=\"M1 2\"/></svg>"
        );
        assert_eq!(min("<a title='it\"s'>x</a>"), "<a title='it\"s'>x</a>");
    }

    #[test]
    fn comments_go_doctype_stays() {
        assert_eq!(
            min("<!DOCTYPE html>\n<html>\n<!-- note -->\n<body>\n<p>a <!-- b --> c</p></body></html>"),
            "<!DOCTYPE html><html><body><p>a c</p></body></html>"
        );
    }

    #[test]
    fn scan_reads_quoted_bare_and_escaped_attributes_but_not_comments_or_scripts() {
        let (_, s) = process(
            b"<a href=\"/a/?x=1&amp;y=2\" id='top'><img src=/i.png><!-- <a href=\"/no/\"> --><script>var a = '<a href=\"/js/\">';</script><a href=\"/a/?x=1&amp;y=2\">",
            false,
        );
        assert_eq!(s.links, ["/a/?x=1&y=2", "/i.png", "/a/?x=1&y=2"]);
        assert!(s.has_id("top"));
        assert!(!s.has_id("to"));
    }

    #[test]
    fn broken_markup_is_kept_not_lost() {
        assert_eq!(min("<p>a < b</p>"), "<p>a < b</p>");
        assert_eq!(min("<p>x <a href=\"/y"), "<p>x <a href=\"/y");
        let deep = "<div>".repeat(100_000);
        assert_eq!(min(&deep), deep);
    }

    #[test]
    fn without_minify_nothing_is_written() {
        assert_eq!(process(b"<p> a </p>", false).0, None);
    }
}

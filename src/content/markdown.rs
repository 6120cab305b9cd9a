//! Render stage, Markdown: one body to HTML with readable, unique heading ids, highlighted
//! code, rewritten internal links, a table of contents, a summary and a reading time.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::config::RawHtml;
use crate::highlight::Highlighter;
use crate::text::slug;

/// What a link in the body turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkOutcome {
    /// An external or otherwise untouched link.
    Keep,
    /// An internal link: the final href, and the page path and anchor it must reach.
    Internal {
        href: String,
        target: String,
        anchor: Option<String>,
    },
    /// Leads nowhere, for this reason.
    Broken(String),
}

/// How links are resolved: from the link as written to its outcome.
pub trait LinkResolver: Sync {
    /// A Markdown link or image: a source file, a site URL or an external URL.
    fn resolve(&self, dest: &str) -> LinkOutcome;

    /// An `href` or `src` in raw HTML: published as written, so the browser resolves it
    /// against the page's URL; only checked.
    fn resolve_raw(&self, dest: &str) -> LinkOutcome;
}

/// An internal link found in a body, kept to check its anchor once every page is rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct InternalLink {
    pub dest: String,
    pub target: String,
    pub anchor: Option<String>,
    /// Byte range of the link in the body.
    pub span: Range<usize>,
}

/// A link that leads nowhere, with where it is in the body.
#[derive(Debug, Clone, PartialEq)]
pub struct BrokenLink {
    pub dest: String,
    pub reason: String,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rendered {
    pub html: std::sync::Arc<str>,
    pub toc: Vec<TocEntry>,
    /// Plain text: the part before `<!-- more -->`, or the first paragraph.
    pub summary: String,
    /// Chinese characters plus words of other scripts.
    pub char_count: usize,
    pub reading_time: u32,
    /// Every id a link may point at: headings and footnotes.
    pub anchors: BTreeSet<String>,
    pub links: Vec<InternalLink>,
    pub broken: Vec<BrokenLink>,
    /// Byte offset where the elements nest deeper than [`MAX_NESTING`], if they do.
    pub too_deep: Option<usize>,
    /// Shortcodes (Hugo, Zola) and tag plugins (Hexo) outside code, published as text: where
    /// each is written.
    pub shortcodes: Vec<Range<usize>>,
    /// The body has a code block (its page needs the highlighting's stylesheet).
    pub has_code: bool,
}

pub struct Markdown<'a> {
    pub highlighter: &'a Highlighter,
    /// Raw HTML in bodies: passed through (authors are trusted) or shown as text.
    pub raw_html: RawHtml,
    /// What a task list's boxes and a footnote's way back say to a screen reader.
    pub words: Words<'a>,
}

/// The words a body's HTML gives screen readers, from the language file: a task list item's
/// state (`task_done`, `task_todo`) and a footnote's link back to where it is referred to
/// (`footnote_back`).
#[derive(Clone, Copy)]
pub struct Words<'a> {
    pub done: &'a str,
    pub todo: &'a str,
    pub back: &'a str,
}

impl Default for Words<'_> {
    fn default() -> Self {
        Words {
            done: "done",
            todo: "to do",
            back: "back to text",
        }
    }
}

impl Words<'_> {
    /// A task list item's box: an image with its state as its name (a disabled checkbox
    /// would be a form control without a label, and looks the same ticked or not).
    fn marker(&self, done: bool) -> String {
        let (class, label) = if done {
            ("task task-done", self.done)
        } else {
            ("task", self.todo)
        };
        let label = crate::highlight::escape(label);
        format!("<span class=\"{class}\" role=\"img\" aria-label=\"{label}\"></span>")
    }
}

/// The summary marker: `<!--more-->` (Hugo), `<!-- more -->` (Zola, Hexo), any spacing or
/// case.
fn is_more(html: &str) -> bool {
    let inner = (html.trim().strip_prefix("<!--")).and_then(|h| h.strip_suffix("-->"));
    inner.is_some_and(|i| i.trim().eq_ignore_ascii_case("more"))
}
/// Deeper nesting of quotes, lists and emphasis than any article needs; past it a page is
/// refused, since browsers and HTML tools handle such pages slowly or not at all.
pub const MAX_NESTING: usize = 100;
/// Ids with this prefix are left to the theme's templates.
pub const THEME_ID_PREFIX: &str = "tkb-";
const SUMMARY_LIMIT: usize = 240;

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

impl Markdown<'_> {
    pub fn render(&self, body: &str, links: &dyn LinkResolver) -> Rendered {
        let mut state = State::new(self.highlighter, links);
        state.escape_html = self.raw_html == RawHtml::Escape;
        state.words = self.words;
        state.source_len = body.len();
        state.summary.wants_before_more = has_more_mark(body);
        state.out.reserve(body.len() / 32);
        let events = Parser::new_ext(body, options()).into_offset_iter();
        for (event, range) in super::cjk_emphasis::amend(body, options(), events) {
            if matches!(event, Event::Start(Tag::CodeBlock(_)) | Event::Code(_)) {
                state.code_spans.push(range.clone());
            }
            state.event(event, range);
        }
        let shortcodes = shortcodes(body, &state.code_spans);
        Rendered {
            shortcodes,
            ..state.finish()
        }
    }
}

struct HeadingBuf<'e> {
    level: HeadingLevel,
    id: Option<CowStr<'e>>,
    classes: Vec<CowStr<'e>>,
    attrs: Vec<(CowStr<'e>, Option<CowStr<'e>>)>,
    events: Vec<Event<'e>>,
    text: String,
}

struct State<'a, 'e> {
    highlighter: &'a Highlighter,
    links: &'a dyn LinkResolver,
    out: Vec<Event<'e>>,
    heading: Option<HeadingBuf<'e>>,
    code: Option<(String, String)>,
    headings: Vec<(u8, String, String)>,
    anchors: BTreeSet<String>,
    internal: Vec<InternalLink>,
    broken: Vec<BrokenLink>,
    counter: TextCounter,
    summary: Summary,
    escape_html: bool,
    depth: usize,
    too_deep: Option<usize>,
    /// The raw HTML block being read: its text and, for each piece, where the piece starts
    /// in that text and in the body.
    raw_block: Option<(String, Vec<(usize, usize)>)>,
    /// Where code is written (blocks and spans): what looks like a shortcode there is code.
    code_spans: Vec<Range<usize>>,
    has_code: bool,
    words: Words<'a>,
    /// The length of the Markdown read.
    source_len: usize,
}

impl<'a, 'e> State<'a, 'e> {
    fn new(highlighter: &'a Highlighter, links: &'a dyn LinkResolver) -> Self {
        State {
            highlighter,
            links,
            out: Vec::new(),
            heading: None,
            code: None,
            headings: Vec::new(),
            anchors: BTreeSet::new(),
            internal: Vec::new(),
            broken: Vec::new(),
            counter: TextCounter::default(),
            summary: Summary::default(),
            escape_html: false,
            depth: 0,
            too_deep: None,
            raw_block: None,
            code_spans: Vec::new(),
            has_code: false,
            words: Words::default(),
            source_len: 0,
        }
    }

    fn event(&mut self, event: Event<'e>, range: Range<usize>) {
        self.summary.observe(&event);
        if !self.escape_html {
            self.read_raw_html(&event, range.start);
        }
        match &event {
            Event::Start(_) => {
                self.depth += 1;
                if self.depth > MAX_NESTING && self.too_deep.is_none() {
                    self.too_deep = Some(range.start);
                }
            }
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let buf = HeadingBuf {
                    level,
                    id,
                    classes,
                    attrs,
                    events: Vec::new(),
                    text: String::new(),
                };
                self.heading = Some(buf);
            }
            Event::End(TagEnd::Heading(_)) => self.end_heading(),
            Event::TaskListMarker(done) => {
                let marker = self.words.marker(done);
                self.push(Event::Html(marker.into()));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    pulldown_cmark::CodeBlockKind::Fenced(l) => l.to_string(),
                    pulldown_cmark::CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((lang, String::new()));
            }
            Event::End(TagEnd::CodeBlock) => {
                let (lang, code) = self.code.take().unwrap_or_default();
                self.counter.add(&code);
                self.has_code = true;
                self.push(Event::Html(self.highlighter.block(&lang, &code).into()));
            }
            Event::Text(t) if self.code.is_some() => {
                if let Some((_, code)) = self.code.as_mut() {
                    code.push_str(&t);
                }
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = self.link(link_type, dest_url, range);
                self.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = self.link(link_type, dest_url, range);
                self.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Html(ref h) if is_more(h) => {}
            Event::Html(h) | Event::InlineHtml(h) if self.escape_html => self.push(Event::Text(h)),
            Event::Text(ref t) | Event::Code(ref t) => {
                self.counter.add(t);
                if let Some(h) = self.heading.as_mut() {
                    h.text.push_str(t);
                }
                self.push(event);
            }
            other => self.push(other),
        }
    }

    /// Reads raw HTML for the ids it gives (link targets, as headings are) and the links it
    /// has: an inline tag at once, a block once it is whole (a tag may span its lines).
    fn read_raw_html(&mut self, event: &Event, at: usize) {
        match event {
            Event::Start(Tag::HtmlBlock) => self.raw_block = Some((String::new(), Vec::new())),
            Event::Html(h) => match self.raw_block.as_mut() {
                Some((text, pieces)) => {
                    pieces.push((text.len(), at));
                    text.push_str(h);
                }
                None => self.raw_html(h, &[(0, at)]),
            },
            Event::InlineHtml(h) => self.raw_html(h, &[(0, at)]),
            Event::End(TagEnd::HtmlBlock) => {
                if let Some((text, pieces)) = self.raw_block.take() {
                    self.raw_html(&text, &pieces);
                }
            }
            _ => {}
        }
    }

    /// `pieces`: where each piece of `html` starts in it and in the body, in order.
    fn raw_html(&mut self, html: &str, pieces: &[(usize, usize)]) {
        let found = crate::text::html::scan(html.as_bytes());
        self.anchors
            .extend(found.ids.into_iter().map(|id| id.into_owned()));
        for link in found.links {
            let piece = pieces.partition_point(|&(from, _)| from <= link.at).max(1) - 1;
            let (from, body_at) = pieces.get(piece).copied().unwrap_or_default();
            let start = body_at + (link.at - from);
            let span = start..start + link.len.max(1);
            match self.links.resolve_raw(&link.value) {
                LinkOutcome::Keep => {}
                LinkOutcome::Internal { target, anchor, .. } => self.internal.push(InternalLink {
                    dest: link.value.into_owned(),
                    target,
                    anchor,
                    span,
                }),
                LinkOutcome::Broken(reason) => self.broken.push(BrokenLink {
                    dest: link.value.into_owned(),
                    reason,
                    span,
                }),
            }
        }
    }

    fn push(&mut self, event: Event<'e>) {
        match self.heading.as_mut() {
            Some(h) => h.events.push(event),
            None => self.out.push(event),
        }
    }

    fn end_heading(&mut self) {
        let Some(h) = self.heading.take() else { return };
        let wanted = match &h.id {
            Some(id) => id.to_string(),
            None => slug::readable(&h.text),
        };
        let id = self.unique_id(if wanted.is_empty() {
            "section".into()
        } else {
            wanted
        });
        let level = h.level as u8;
        self.headings
            .push((level, id.clone(), h.text.trim().to_string()));
        let tag = Tag::Heading {
            level: h.level,
            id: Some(id.clone().into()),
            classes: h.classes,
            attrs: h.attrs,
        };
        self.out.push(Event::Start(tag));
        // The heading links to itself, so that a reader can take its address (a heading
        // with a link of its own stays as written: links do not nest; an empty one too).
        let linked = h.events.is_empty() || has_link(&h.events);
        if !linked {
            let href = format!("<a class=\"heading-link\" href=\"#{}\">", escape_attr(&id));
            self.out.push(Event::InlineHtml(href.into()));
        }
        self.out.extend(h.events);
        if !linked {
            self.out.push(Event::InlineHtml("</a>".into()));
        }
        self.out.push(Event::End(TagEnd::Heading(h.level)));
    }

    fn unique_id(&mut self, wanted: String) -> String {
        // Ids starting with `tkb-` belong to the theme (see the README's theme contract).
        let wanted = if wanted.starts_with(THEME_ID_PREFIX) {
            format!("h-{wanted}")
        } else {
            wanted
        };
        let mut id = wanted.clone();
        let mut n = 1;
        while self.anchors.contains(&id) {
            id = format!("{wanted}-{n}");
            n += 1;
        }
        self.anchors.insert(id.clone());
        id
    }

    fn link(&mut self, link_type: LinkType, dest: CowStr<'e>, span: Range<usize>) -> CowStr<'e> {
        if self.escape_html {
            if let Some(why) = super::meta::unsafe_url(&dest) {
                let reason = format!(
                    "a `{}` link {why}",
                    dest.split(':').next().unwrap_or_default()
                );
                self.broken.push(BrokenLink {
                    dest: dest.to_string(),
                    reason,
                    span,
                });
                return dest;
            }
        }
        if matches!(link_type, LinkType::Autolink | LinkType::Email) {
            return dest;
        }
        match self.links.resolve(&dest) {
            LinkOutcome::Keep => dest,
            LinkOutcome::Internal {
                href,
                target,
                anchor,
            } => {
                self.internal.push(InternalLink {
                    dest: dest.to_string(),
                    target,
                    anchor,
                    span,
                });
                href.into()
            }
            LinkOutcome::Broken(reason) => {
                self.broken.push(BrokenLink {
                    dest: dest.to_string(),
                    reason,
                    span,
                });
                dest
            }
        }
    }

    fn finish(mut self) -> Rendered {
        let events = std::mem::take(&mut self.out);
        let footnotes = self.footnote_ids(&events);
        // About what Chinese prose comes to as HTML; headings and code come to more.
        let mut html = String::with_capacity(self.source_len + self.source_len / 4);
        pulldown_cmark::html::push_html(
            &mut html,
            footnotes.apply(events, self.words.back).into_iter(),
        );
        Rendered {
            // Bodies are kept until their page is written: no room to spare (and shared with
            // the search index's records, which `serve` keeps until they are indexed).
            html: html.into(),
            toc: nest(&self.headings),
            summary: self.summary.text(),
            char_count: self.counter.count(),
            reading_time: self.counter.minutes(),
            anchors: self.anchors,
            links: self.internal,
            broken: self.broken,
            too_deep: self.too_deep,
            shortcodes: Vec::new(),
            has_code: self.has_code,
        }
    }
}

/// Where `body` writes a shortcode outside `code`: Hugo's `{{< … >}}` and `{{% … %}}`,
/// Zola's `{{ name(…) }}` and `{% name(…) %}`, Hexo's tag plugins `{% name … %}`; each to its
/// closing braces (or the end of the line).
fn shortcodes(body: &str, code: &[Range<usize>]) -> Vec<Range<usize>> {
    fn named(rest: &str) -> Option<&str> {
        let rest = rest.trim_start_matches(' ');
        let name_len =
            (rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))).unwrap_or(rest.len());
        (name_len > 0).then(|| &rest[name_len..])
    }
    let opens = |at: usize| {
        let rest = &body[at + 2..];
        match &body[at..at + 2] {
            "{{" => rest.starts_with(['<', '%']) || named(rest).is_some_and(|r| r.starts_with('(')),
            _ => named(rest).is_some(),
        }
    };
    // One pass over the bytes for a `{` followed by `{` or `%` (a substring search for each
    // of the two openers cost more than pulldown-cmark's parse on Chinese text).
    let bytes = body.as_bytes();
    let starts = memchr::memchr_iter(b'{', bytes)
        .filter(|&at| matches!(bytes.get(at + 1), Some(b'{' | b'%')));
    let mut found: Vec<Range<usize>> = starts
        .filter(|at| !code.iter().any(|c| c.contains(at)) && opens(*at))
        .map(|at| {
            let line_end = body[at..].find('\n').map_or(body.len(), |i| at + i);
            // The first closing braces, the longest form where two end there (`%}}`).
            let closers = [">}}", "%}}", "}}", "%}"].iter();
            let close = closers
                .filter_map(|c| {
                    body[at + 2..line_end]
                        .find(c)
                        .map(|i| (i, std::cmp::Reverse(c.len())))
                })
                .min();
            at..close.map_or(line_end, |(i, len)| at + 2 + i + len.0)
        })
        .collect();
    found.dedup_by(|b, a| b.start < a.end);
    found
}

impl State<'_, '_> {
    /// Footnote ids are chosen once every heading has its id, so that the two never clash;
    /// each reference gets one too, for the way back to it.
    fn footnote_ids(&mut self, events: &[Event]) -> Footnotes {
        let mut notes = Footnotes::default();
        for e in events {
            let label = match e {
                Event::FootnoteReference(l) | Event::Start(Tag::FootnoteDefinition(l)) => l,
                _ => continue,
            };
            if !notes.ids.contains_key(label.as_ref()) {
                let id = self.unique_id(format!("fn-{}", slug::readable(label)));
                notes.ids.insert(label.to_string(), id);
            }
            if let Event::FootnoteReference(_) = e {
                let id = self.unique_id(format!("fnref-{}", slug::readable(label)));
                let refs = notes.refs.entry(label.to_string()).or_default();
                refs.push(id);
                if refs.len() == 1 {
                    let n = notes.numbers.len() + 1;
                    notes.numbers.insert(label.to_string(), n);
                }
            }
        }
        notes
    }
}

/// Footnote labels to their ids, numbers (in order of first reference) and the ids of their
/// references.
#[derive(Default)]
struct Footnotes {
    ids: HashMap<String, String>,
    numbers: HashMap<String, usize>,
    refs: HashMap<String, Vec<String>>,
}

impl Footnotes {
    /// `events` with footnote references and definitions as HTML: each reference with its
    /// id, each definition ending (inside its last paragraph, when it ends with one) with a
    /// link back to each of its references. `back` names such a link.
    fn apply<'e>(&self, events: Vec<Event<'e>>, back: &str) -> Vec<Event<'e>> {
        if self.ids.is_empty() {
            return events;
        }
        let mut out = Vec::with_capacity(events.len());
        let mut seen: HashMap<String, usize> = HashMap::new();
        // The definition being read, and whether its links back are written.
        let mut open: Option<(CowStr<'e>, bool)> = None;
        let mut events = events.into_iter().peekable();
        while let Some(e) = events.next() {
            match e {
                // The numbers are not text to search or quote (`data-pagefind-ignore`): a
                // search excerpt would read `…试点。1 1 名称上…`.
                Event::FootnoteReference(label) => {
                    let k = seen.entry(label.to_string()).or_default();
                    out.push(Event::InlineHtml(self.reference(&label, *k).into()));
                    *k += 1;
                }
                Event::Start(Tag::FootnoteDefinition(label)) => {
                    out.push(Event::Html(self.definition_start(&label).into()));
                    open = Some((label, false));
                }
                Event::End(TagEnd::Paragraph)
                    if matches!(events.peek(), Some(Event::End(TagEnd::FootnoteDefinition))) =>
                {
                    if let Some((label, written)) = open.as_mut() {
                        out.push(Event::InlineHtml(self.backlinks(label, back).into()));
                        *written = true;
                    }
                    out.push(e);
                }
                Event::End(TagEnd::FootnoteDefinition) => {
                    if let Some((label, false)) = open.take() {
                        out.push(Event::Html(self.backlinks(&label, back).into()));
                    }
                    out.push(Event::Html("</div>\n".into()));
                }
                other => out.push(other),
            }
        }
        out
    }

    /// The `k`-th reference (from 0) to footnote `label`: its number, with the reference's id
    /// (the way back to it) and a link to the note.
    fn reference(&self, label: &str, k: usize) -> String {
        let (id, n) = self.lookup(label);
        let own = (self.refs.get(label).and_then(|r| r.get(k)))
            .map(|r| format!(" id=\"{}\"", escape_attr(r)))
            .unwrap_or_default();
        let href = escape_attr(&id);
        format!("<sup class=\"footnote-reference\"{own} data-pagefind-ignore><a href=\"#{href}\">{n}</a></sup>")
    }

    /// Where footnote `label`'s note starts: its number and id.
    fn definition_start(&self, label: &str) -> String {
        let (id, n) = self.lookup(label);
        let id = escape_attr(&id);
        format!("<div class=\"footnote-definition\" id=\"{id}\"><sup class=\"footnote-definition-label\" data-pagefind-ignore>{n}</sup>\n")
    }

    /// Links back to each reference of footnote `label` (none for a note nothing refers to):
    /// `↩`, then `↩2`, `↩3` for the later ones.
    fn backlinks(&self, label: &str, back: &str) -> String {
        let refs = self.refs.get(label).map_or(&[][..], Vec::as_slice);
        if refs.is_empty() {
            return String::new();
        }
        let mut html = String::from(" <span class=\"footnote-backrefs\" data-pagefind-ignore>");
        for (i, id) in refs.iter().enumerate() {
            let (name, mark) = match i {
                0 => (back.to_string(), String::new()),
                _ => (format!("{back} {}", i + 1), format!("<sup>{}</sup>", i + 1)),
            };
            // U+FE0E: the arrow as text, not as an emoji.
            html += &format!(
                "<a class=\"footnote-backref\" href=\"#{}\" aria-label=\"{}\">↩\u{FE0E}{mark}</a>",
                escape_attr(id),
                escape_attr(&name)
            );
        }
        html + "</span>"
    }

    fn lookup(&self, label: &str) -> (String, String) {
        let id = self.ids.get(label).cloned().unwrap_or_default();
        let n = self
            .numbers
            .get(label)
            .map_or_else(|| "?".to_string(), usize::to_string);
        (id, n)
    }
}

/// Whether `events` hold a link: Markdown's, a footnote reference's (made a link later) or
/// raw HTML's.
fn has_link(events: &[Event]) -> bool {
    events.iter().any(|e| match e {
        Event::Start(Tag::Link { .. }) | Event::FootnoteReference(_) => true,
        Event::InlineHtml(html) | Event::Html(html) => has_anchor(html),
        _ => false,
    })
}

/// Whether raw HTML opens an `<a>` element.
fn has_anchor(html: &str) -> bool {
    let lower = html.to_ascii_lowercase();
    lower.contains("<a ") || lower.contains("<a>") || lower.contains("<a\n")
}

fn escape_attr(text: &str) -> String {
    crate::highlight::escape(text)
}

/// Headings as a tree: each heading holds the deeper ones that follow it.
fn nest(flat: &[(u8, String, String)]) -> Vec<TocEntry> {
    let mut out: Vec<TocEntry> = Vec::new();
    for (level, id, title) in flat {
        let entry = TocEntry {
            level: *level,
            id: id.clone(),
            title: title.clone(),
            children: Vec::new(),
        };
        insert(&mut out, entry);
    }
    out
}

fn insert(list: &mut Vec<TocEntry>, entry: TocEntry) {
    match list.last_mut() {
        Some(last) if last.level < entry.level => insert(&mut last.children, entry),
        _ => list.push(entry),
    }
}

/// Counts Chinese (and other CJK) text by characters and other text by words.
#[derive(Default)]
struct TextCounter {
    cjk: usize,
    words: usize,
}

impl TextCounter {
    fn add(&mut self, text: &str) {
        let (mut cjk, mut words) = (0, 0);
        let mut in_word = false;
        let bytes = text.as_bytes();
        let mut at = 0;
        while let Some(&b) = bytes.get(at) {
            if starts_common_han(bytes, at) {
                cjk += 1;
                in_word = false;
                at += 3;
                continue;
            }
            // ASCII, most of what is not Chinese, without decoding or Unicode tables.
            let c = if b.is_ascii() {
                at += 1;
                char::from(b)
            } else {
                let c = text[at..].chars().next().unwrap_or_default();
                at += c.len_utf8();
                c
            };
            if is_cjk(c) {
                cjk += 1;
                in_word = false;
            } else if is_common_punctuation(c) {
                in_word = false;
            } else if c.is_alphanumeric() {
                words += usize::from(!in_word);
                in_word = true;
            } else if !(in_word && matches!(c, '\'' | '-' | '.' | '_')) {
                in_word = false;
            }
        }
        self.cjk += cjk;
        self.words += words;
    }

    fn count(&self) -> usize {
        self.cjk + self.words
    }

    /// About 500 Chinese characters or 200 words a minute; never less than a minute.
    fn minutes(&self) -> u32 {
        let minutes = self.cjk as f64 / 500.0 + self.words as f64 / 200.0;
        (minutes.ceil() as u32).max(1)
    }
}

/// Whether the character at `at` is one of U+4E00 to U+9FFF, most of Chinese text: its
/// UTF-8 starts with E4 (then B8 or more) to E9, so it is known without decoding it.
fn starts_common_han(bytes: &[u8], at: usize) -> bool {
    match bytes.get(at) {
        Some(0xE5..=0xE9) => true,
        Some(0xE4) => bytes.get(at + 1).is_some_and(|&next| next >= 0xB8),
        _ => false,
    }
}

/// Chinese and general punctuation (、。「」“”…—，：), none of it alphanumeric: answered
/// without the Unicode tables, which are slow for the text this counter mostly sees.
fn is_common_punctuation(c: char) -> bool {
    matches!(c as u32,
        0x3001..=0x3003 | 0x3008..=0x3011 | 0x2010..=0x2027 | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF
        | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// The summary: text before `<!-- more -->` when there is one, else the first paragraph.
#[derive(Default)]
struct Summary {
    /// Whether the body may have a `<!-- more -->`: only then is the text before it kept.
    wants_before_more: bool,
    before_more: String,
    first_paragraph: String,
    depth: usize,
    in_first: bool,
    first_done: bool,
    more_seen: bool,
    has_more: bool,
}

impl Summary {
    fn observe(&mut self, event: &Event) {
        match event {
            Event::Html(h) | Event::InlineHtml(h) if is_more(h) => {
                self.has_more = true;
                self.more_seen = true;
            }
            Event::Start(Tag::Paragraph) if self.depth == 0 && !self.first_done => {
                self.in_first = true
            }
            Event::End(TagEnd::Paragraph) if self.in_first => {
                self.in_first = false;
                self.first_done = true;
                if !self.more_seen && self.wants_before_more {
                    self.before_more.push(' ');
                }
            }
            Event::Start(
                Tag::BlockQuote(_) | Tag::List(_) | Tag::FootnoteDefinition(_) | Tag::Table(_),
            ) => self.depth += 1,
            Event::End(
                TagEnd::BlockQuote(_)
                | TagEnd::List(_)
                | TagEnd::FootnoteDefinition
                | TagEnd::Table,
            ) => self.depth = self.depth.saturating_sub(1),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item)
                if !self.more_seen && self.wants_before_more =>
            {
                self.before_more.push(' ')
            }
            Event::Text(t) | Event::Code(t) => {
                if !self.more_seen && self.wants_before_more {
                    self.before_more.push_str(t);
                }
                if self.in_first {
                    self.first_paragraph.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak if self.in_first => self.first_paragraph.push(' '),
            _ => {}
        }
    }

    fn text(&self) -> String {
        if self.has_more {
            return collapse(&self.before_more);
        }
        let text = collapse(&self.first_paragraph);
        if text.chars().count() <= SUMMARY_LIMIT {
            return text;
        }
        let cut: String = text.chars().take(SUMMARY_LIMIT).collect();
        format!("{}…", cut.trim_end())
    }
}

/// Whether `body` may hold the summary marker: a comment that says `more` and nothing
/// else, as [`is_more`] reads one (in code too, where it is no marker: a quick look may say
/// yes for a body that has none, never no for one that has). Linear: after each `<!--` it
/// reads no further than the word and the `-->` it expects.
fn has_more_mark(body: &str) -> bool {
    static OPEN: LazyLock<memchr::memmem::Finder> =
        LazyLock::new(|| memchr::memmem::Finder::new("<!--"));
    OPEN.find_iter(body.as_bytes()).any(|at| {
        let inside = body[at + 4..].trim_start();
        let word = inside
            .get(..4)
            .is_some_and(|w| w.eq_ignore_ascii_case("more"));
        word && inside[4..].trim_start().starts_with("-->")
    })
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// For tests of the Markdown stage alone: every link is kept as written.
#[cfg(test)]
pub(crate) struct KeepLinks;

#[cfg(test)]
impl LinkResolver for KeepLinks {
    fn resolve(&self, _: &str) -> LinkOutcome {
        LinkOutcome::Keep
    }
    fn resolve_raw(&self, _: &str) -> LinkOutcome {
        LinkOutcome::Keep
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(md: &str) -> Rendered {
        let h = Highlighter::default();
        Markdown {
            highlighter: &h,
            raw_html: RawHtml::Allow,
            words: Default::default(),
        }
        .render(md, &KeepLinks)
    }

    #[test]
    fn heading_ids_are_readable_and_unique() {
        let r = render("## 第一批试点城市\n\n## 第一批试点城市\n\n### Next Steps {#next}\n");
        assert!(r.html.contains("<h2 id=\"第一批试点城市\">"), "{}", r.html);
        assert!(
            r.html.contains("<h2 id=\"第一批试点城市-1\">"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<h3 id=\"next\">"), "{}", r.html);
        assert_eq!(r.toc.len(), 2);
        assert_eq!(r.toc[1].children[0].id, "next");
    }

    #[test]
    fn shortcodes_outside_code_are_found() {
        let body = "见 {{< figure src=\"a.png\" >}} 与 {{% note %}}，{{ youtube(id=\"x\") }}，{% blockquote 某人 %}，{{ 不是 }}，{%。\n\n`{{< ref x >}}`\n\n```\n{{< highlight go >}}\n```\n";
        let r = render(body);
        let found: Vec<&str> = r.shortcodes.iter().map(|s| &body[s.clone()]).collect();
        assert_eq!(
            found,
            [
                "{{< figure src=\"a.png\" >}}",
                "{{% note %}}",
                "{{ youtube(id=\"x\") }}",
                "{% blockquote 某人 %}"
            ]
        );
    }

    #[test]
    fn summary_is_first_paragraph_or_text_before_more() {
        let r = render("# T\n\n第一段，**重要**。\n\n第二段。\n");
        assert_eq!(r.summary, "第一段，重要。");
        let r = render("甲。\n\n乙。\n\n<!-- more -->\n\n丙。\n");
        assert_eq!(r.summary, "甲。 乙。");
        assert!(!r.html.contains("more"));
        let twice = render("甲。\n\n<!-- more -->\n\n乙。\n\n<!-- more -->\n\n丙。\n");
        assert_eq!(twice.summary, "甲。");
        for marker in ["<!--more-->", "<!--  MORE -->"] {
            let r = render(&format!("甲。\n\n乙。\n\n{marker}\n\n丙。\n"));
            assert_eq!(r.summary, "甲。 乙。", "{marker}");
            assert!(
                !r.html.to_lowercase().contains("more"),
                "{marker}: {}",
                r.html
            );
        }
    }

    #[test]
    fn reading_time_counts_chinese_by_characters() {
        let r = render(&"字".repeat(1000));
        assert_eq!(r.char_count, 1000);
        assert_eq!(r.reading_time, 2);
        let r = render(&"word ".repeat(450));
        assert_eq!(r.reading_time, 3);
        assert_eq!(render("短").reading_time, 1);
    }

    #[test]
    fn the_punctuation_shortcut_agrees_with_unicode() {
        let shortcut: Vec<char> = (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|&c| is_common_punctuation(c))
            .collect();
        assert!(shortcut.contains(&'，') && shortcut.contains(&'“') && shortcut.contains(&'、'));
        assert!(
            shortcut.iter().all(|c| !c.is_alphanumeric()),
            "{shortcut:?}"
        );
        assert_eq!(render("中文，English words。“引号”").char_count, 6);
    }

    #[test]
    fn the_han_shortcut_agrees_with_decoding_for_every_character() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let mut utf8 = [0; 4];
            let bytes = c.encode_utf8(&mut utf8).as_bytes();
            let quick = starts_common_han(bytes, 0);
            assert_eq!(quick, ('\u{4E00}'..='\u{9FFF}').contains(&c), "{c:?}");
            assert!(!quick || is_cjk(c), "{c:?}");
        }
        // U+4DC0 (a hexagram, no Han character) starts with E4 too.
        assert_eq!(render("䷀䷁字").char_count, 1);
    }

    #[test]
    fn the_summary_marker_is_looked_for_as_it_is_read() {
        let marked = [
            "<!--more-->",
            "甲<!--  MORE\t-->乙",
            "<!--\r\nmore\r\n-->",
            "<!-- a --> <!-- more -->",
        ];
        for body in marked {
            assert!(has_more_mark(body), "{body:?}");
        }
        for body in [
            "<!-- more than this -->",
            "<!-- mor -->",
            "<!--more",
            "more -->",
            "甲",
        ] {
            assert!(!has_more_mark(body), "{body:?}");
        }
        // Many openings and no end: read once, not once an opening.
        assert!(!has_more_mark(&"<!--".repeat(200_000)));
    }

    #[test]
    fn gfm_extensions_are_on() {
        let r = render("|a|b|\n|-|-|\n|1|2|\n\n~~x~~\n\n- [x] done\n\n脚注[^1]\n\n[^1]: 说明\n");
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("<del>x</del>"));
        assert!(r.html.contains("<li><span class=\"task task-done\" role=\"img\" aria-label=\"done\"></span>done</li>"), "{}", r.html);
        assert!(r.anchors.contains("fn-1"));
        assert!(r.html.contains("<a href=\"#fn-1\">1</a>"), "{}", r.html);
    }

    #[test]
    fn footnotes_and_headings_never_share_an_id() {
        let r = render("## fn-注释\n\n正文[^注释]。\n\n[^注释]: 说明。\n");
        assert!(r.html.contains("<h2 id=\"fn-注释\">"), "{}", r.html);
        assert!(r.html.contains("id=\"fn-注释-1\""), "{}", r.html);
        assert!(r.html.contains("href=\"#fn-注释-1\""), "{}", r.html);
    }

    #[test]
    fn a_footnote_links_back_to_each_reference() {
        let r = render("甲[^注]，乙[^注]。\n\n[^注]: 说明。\n");
        assert!(r.html.contains("<sup class=\"footnote-reference\" id=\"fnref-注\" data-pagefind-ignore><a href=\"#fn-注\">1</a></sup>"), "{}", r.html);
        assert!(r.html.contains("id=\"fnref-注-1\""), "{}", r.html);
        assert!(
            r.html.contains("<p>说明。 <span class=\"footnote-backrefs\" data-pagefind-ignore><a class=\"footnote-backref\" href=\"#fnref-注\" aria-label=\"back to text\">↩\u{FE0E}</a><a class=\"footnote-backref\" href=\"#fnref-注-1\" aria-label=\"back to text 2\">↩\u{FE0E}<sup>2</sup></a></span></p>"),
            "inside the last paragraph: {}",
            r.html
        );
        let list = render("甲[^a]。\n\n[^a]:\n    - 一\n    - 二\n");
        assert!(
            list.html
                .contains("</ul>\n <span class=\"footnote-backrefs\""),
            "after a list: {}",
            list.html
        );
        let unused = render("甲。\n\n[^a]: 没人引用。\n");
        assert!(!unused.html.contains("footnote-backref"), "{}", unused.html);
    }

    #[test]
    fn a_heading_links_to_itself_unless_it_has_a_link() {
        let notes = render("## 背景[^1]\n\n##\n\n正文。\n\n[^1]: 说明。\n");
        assert!(
            !notes.html.contains("heading-link"),
            "no link in a link, none empty: {}",
            notes.html
        );
        let r = render("## 背景\n\n## 见[别处](https://example.org/)\n");
        assert!(
            r.html
                .contains("<h2 id=\"背景\"><a class=\"heading-link\" href=\"#背景\">背景</a></h2>"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<h2 id=\"见别处\">见<a href=\"https://example.org/\">别处</a></h2>"),
            "{}",
            r.html
        );
        assert_eq!(r.toc[0].title, "背景", "the link is not in the title");
    }

    #[test]
    fn headings_leave_theme_ids_alone() {
        let r = render("## tkb-main\n");
        assert!(r.html.contains("<h2 id=\"h-tkb-main\">"), "{}", r.html);
    }

    #[test]
    fn raw_html_can_be_shown_as_text() {
        let h = Highlighter::default();
        let md = "<script>alert(1)</script>\n\n正文<b>粗</b>\n";
        let r = Markdown {
            highlighter: &h,
            raw_html: RawHtml::Escape,
            words: Default::default(),
        }
        .render(md, &KeepLinks);
        assert!(
            !r.html.contains("<script>") && !r.html.contains("<b>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("&lt;script&gt;"), "{}", r.html);
        assert!(render(md).html.contains("<b>粗</b>"), "allowed by default");
    }

    #[test]
    fn nesting_past_the_limit_is_reported_where_it_starts() {
        let deep = format!("正文\n\n{} 引用\n", ">".repeat(MAX_NESTING + 5));
        let r = render(&deep);
        // "正文\n\n" is 8 bytes; the 101st quote opens 100 bytes later.
        assert_eq!(r.too_deep, Some(8 + MAX_NESTING));
        assert_eq!(render(&">".repeat(20)).too_deep, None);
    }

    #[test]
    fn code_blocks_are_highlighted() {
        let r = render("```yaml\ntitle: x\n```\n");
        assert!(
            r.html
                .contains("<pre class=\"code hl-code\" data-lang=\"yaml\" tabindex=\"0\">"),
            "{}",
            r.html
        );
    }
}

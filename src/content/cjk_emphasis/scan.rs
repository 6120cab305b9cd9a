//! Markdown stage, CJK-friendly emphasis: one inline container's events as pieces in source
//! order, with every `*`, `_` and `~` delimiter run found again, whether pulldown-cmark
//! left it as text or paired it into emphasis.

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Tag, TagEnd};

use super::flanking::{self, Around, Flags};
use super::Spanned;

/// A part of the container: an event kept as it is, literal source text, or a run.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Piece {
    Keep(usize),
    Text(Range<usize>),
    Run(usize),
}

/// A delimiter run: a maximal sequence of one unescaped delimiter character.
#[derive(Debug, Clone)]
pub(super) struct Run {
    pub delim: u8,
    pub span: Range<usize>,
    /// Link or image text the run lies in (0: the container itself); emphasis stays inside.
    pub frame: usize,
    /// Where the run's line starts: nothing before it counts as a neighbour.
    pub line_start: usize,
    /// Whether the run ends the container, so that whitespace follows it.
    pub line_end: bool,
    pub flags: Flags,
}

impl Run {
    pub fn len(&self) -> usize {
        self.span.len()
    }
}

#[derive(Debug, Default)]
pub(super) struct Scan {
    pub pieces: Vec<Piece>,
    pub runs: Vec<Run>,
    pub frames: usize,
}

/// Whether the amendment may pair differently: some run can open or close where CommonMark
/// says it cannot (or the reverse). Otherwise pulldown-cmark's pairing already is the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Changed {
    Yes,
    No,
}

/// The container as pieces, with amended flags on its runs; `None` when the events are not
/// shaped as expected, in which case the caller keeps them as they are.
pub(super) fn scan(source: &str, events: &[Spanned], tildes: bool) -> Option<(Scan, Changed)> {
    let mut scanner = Scanner::new(source, tildes, events.first()?.1.start);
    for (ix, (event, range)) in events.iter().enumerate() {
        scanner.event(ix, event, range)?;
    }
    Some(scanner.finish())
}

struct Scanner<'s> {
    source: &'s str,
    tildes: bool,
    scan: Scan,
    /// Open link and image texts, innermost last.
    frames: Vec<usize>,
    /// Inside an autolink, whose text is a URL, not inline content.
    in_autolink: bool,
    line_start: usize,
    /// The next piece starts a line (after a break).
    at_line_start: bool,
    /// End of the last piece of source consumed, to tell an escaping backslash.
    consumed: usize,
    /// Widths of the strikethrough openers still open, to find their closers' width.
    strikethroughs: Vec<usize>,
}

impl<'s> Scanner<'s> {
    fn new(source: &'s str, tildes: bool, start: usize) -> Self {
        Scanner {
            source,
            tildes,
            scan: Scan {
                frames: 1,
                ..Scan::default()
            },
            frames: vec![0],
            in_autolink: false,
            line_start: start,
            at_line_start: false,
            consumed: 0,
            strikethroughs: Vec::new(),
        }
    }

    fn event(&mut self, ix: usize, event: &Event, range: &Range<usize>) -> Option<()> {
        if self.in_autolink {
            self.in_autolink = !matches!(event, Event::End(TagEnd::Link));
            return self.keep(ix, range);
        }
        match event {
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => {
                self.in_autolink = true;
                self.keep(ix, range)
            }
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => self.open_frame(ix, range),
            Event::End(TagEnd::Link | TagEnd::Image) => self.close_frame(ix, range),
            Event::Start(tag @ (Tag::Emphasis | Tag::Strong | Tag::Strikethrough)) => {
                self.paired_opener(tag, range)
            }
            Event::End(end @ (TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough)) => {
                self.paired_closer(*end, range)
            }
            Event::Text(text) if self.source.get(range.clone()) == Some(&**text) => {
                self.text(ix, range.clone())
            }
            Event::SoftBreak | Event::HardBreak => self.line_break(ix, range),
            _ => self.keep(ix, range),
        }
    }

    fn keep(&mut self, ix: usize, range: &Range<usize>) -> Option<()> {
        self.push(Piece::Keep(ix), range.start);
        self.consumed = range.end;
        Some(())
    }

    fn push(&mut self, piece: Piece, start: usize) {
        if self.at_line_start {
            self.line_start = start;
            self.at_line_start = false;
        }
        self.scan.pieces.push(piece);
    }

    fn open_frame(&mut self, ix: usize, range: &Range<usize>) -> Option<()> {
        self.push(Piece::Keep(ix), range.start);
        self.frames.push(self.scan.frames);
        self.scan.frames += 1;
        Some(())
    }

    fn close_frame(&mut self, ix: usize, range: &Range<usize>) -> Option<()> {
        self.frames.pop();
        (!self.frames.is_empty()).then_some(())?;
        self.keep(ix, range)
    }

    /// What follows a run before a break is in the source (`\n`, a space, or the `\` of a
    /// hard break); what precedes the next line's first run is not (it may be `>` of a quote).
    fn line_break(&mut self, ix: usize, range: &Range<usize>) -> Option<()> {
        self.keep(ix, range)?;
        self.at_line_start = true;
        Some(())
    }

    /// Marks a run that ends the container as followed by whitespace (a table cell's `|`
    /// follows it in the source).
    fn end_container(&mut self) {
        if let Some(Piece::Run(r)) = self.scan.pieces.last() {
            self.scan.runs[*r].line_end = true;
        }
    }

    /// pulldown-cmark paired these delimiters: they go back to being a run's characters.
    fn paired_opener(&mut self, tag: &Tag, range: &Range<usize>) -> Option<()> {
        let width = match tag {
            Tag::Emphasis => 1,
            Tag::Strong => 2,
            _ => {
                let width = self.tildes_at(range.start)?;
                self.strikethroughs.push(width);
                width
            }
        };
        self.delimiters(range.start..range.start + width)
    }

    fn paired_closer(&mut self, end: TagEnd, range: &Range<usize>) -> Option<()> {
        let width = match end {
            TagEnd::Emphasis => 1,
            TagEnd::Strong => 2,
            // Strikethrough pairs runs of equal length.
            _ => self.strikethroughs.pop()?,
        };
        self.delimiters(range.end.checked_sub(width)?..range.end)
    }

    fn tildes_at(&self, start: usize) -> Option<usize> {
        self.tildes.then_some(())?;
        let n = self.source[start..]
            .bytes()
            .take_while(|&b| b == b'~')
            .count();
        (1..=2).contains(&n).then_some(n)
    }

    /// Delimiter characters at `span`, joined to the run just before when they touch it.
    fn delimiters(&mut self, span: Range<usize>) -> Option<()> {
        let delim = *self.source.as_bytes().get(span.start)?;
        let all_same = self
            .source
            .as_bytes()
            .get(span.clone())?
            .iter()
            .all(|&b| b == delim);
        (all_same && matches!(delim, b'*' | b'_' | b'~')).then_some(())?;
        let frame = *self.frames.last()?;
        if let Some(Piece::Run(r)) = self.scan.pieces.last() {
            let run = &mut self.scan.runs[*r];
            if run.delim == delim && run.span.end == span.start && run.frame == frame {
                run.span.end = span.end;
                self.consumed = span.end;
                return Some(());
            }
        }
        self.push(Piece::Run(self.scan.runs.len()), span.start);
        self.scan.runs.push(Run {
            delim,
            span: span.clone(),
            frame,
            line_start: self.line_start,
            line_end: false,
            flags: Flags::default(),
        });
        self.consumed = span.end;
        Some(())
    }

    /// Literal text: split at the delimiter runs in it. pulldown-cmark starts a new text
    /// event at a backslash-escaped character, so only the first character can be escaped.
    fn text(&mut self, ix: usize, range: Range<usize>) -> Option<()> {
        let escaped = range.start > self.consumed
            && self.source.as_bytes().get(range.start - 1) == Some(&b'\\');
        let bytes = self.source.as_bytes();
        let mut literal = range.start;
        let mut at = range.start + usize::from(escaped).min(range.len());
        while let Some(found) = self.next_delimiter(&bytes[at..range.end]) {
            let start = at + found;
            let end = start
                + bytes[start..range.end]
                    .iter()
                    .take_while(|&&b| b == bytes[start])
                    .count();
            if literal < start {
                self.push(Piece::Text(literal..start), literal);
            }
            self.delimiters(start..end)?;
            literal = end;
            at = end;
        }
        if literal == range.start {
            return self.keep(ix, &range);
        }
        if literal < range.end {
            self.push(Piece::Text(literal..range.end), literal);
        }
        self.consumed = range.end;
        Some(())
    }

    fn next_delimiter(&self, bytes: &[u8]) -> Option<usize> {
        if self.tildes {
            memchr::memchr3(b'*', b'_', b'~', bytes)
        } else {
            memchr::memchr2(b'*', b'_', bytes)
        }
    }

    fn finish(mut self) -> (Scan, Changed) {
        self.end_container();
        let mut changed = Changed::No;
        for ix in 0..self.scan.runs.len() {
            let run = &self.scan.runs[ix];
            let around = around(self.source, run);
            let (original, amended) = if run.delim == b'~' && run.len() > 2 {
                // Never strikethrough, as in pulldown-cmark.
                (Flags::default(), Flags::default())
            } else {
                (
                    flanking::original(run.delim, run.len(), &around),
                    flanking::amended(run.delim, run.len(), &around),
                )
            };
            if original != amended {
                changed = Changed::Yes;
            }
            self.scan.runs[ix].flags = amended;
        }
        (self.scan, changed)
    }
}

/// The run's neighbours in the source, within its line.
fn around(source: &str, run: &Run) -> Around {
    let before_at = |end: usize| {
        (end > run.line_start)
            .then(|| source[..end].chars().next_back())
            .flatten()
    };
    let before = before_at(run.span.start);
    let before2 = before.and_then(|c| before_at(run.span.start - c.len_utf8()));
    let after = (!run.line_end)
        .then(|| source[run.span.end..].chars().next())
        .flatten();
    Around {
        before,
        before2,
        after,
    }
}

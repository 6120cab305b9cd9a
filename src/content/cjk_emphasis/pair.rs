//! Markdown stage, CJK-friendly emphasis: CommonMark's "process emphasis" over a
//! container's runs, then the container's events with emphasis where the pairs say.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::scan::{Piece, Run, Scan};
use super::Spanned;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Emphasis,
    Strong,
    Strikethrough,
}

/// One opener paired with one closer, and the source they span, delimiters included.
#[derive(Debug, Clone)]
struct Pair {
    kind: Kind,
    span: Range<usize>,
}

/// A run as the algorithm consumes it: closers use characters from the left, openers from
/// the right; what is left in the middle stays text.
#[derive(Debug, Default, Clone)]
struct Use {
    left: usize,
    right: usize,
    /// Pairs this run closes, innermost first.
    closes: Vec<usize>,
    /// Pairs this run opens, innermost first.
    opens: Vec<usize>,
}

/// Slots of `openers_bottom`: `*` and `_` by whether the closer can also open and by its
/// length mod 3 (2 × 2 × 3), then one for `~` of either length. One tilde slot is
/// pulldown-cmark's choice, and changes results (`~*~~.~` stays text): kept, so that
/// pairing again changes nothing but what the amended flanking changes.
const BOTTOMS: usize = 13;

/// The container's events, re-paired.
pub(super) fn pair<'e>(
    source: &'e str,
    scan: &Scan,
    events: &mut [Spanned<'e>],
) -> Vec<Spanned<'e>> {
    let mut pairs = Vec::new();
    let mut uses = vec![Use::default(); scan.runs.len()];
    let mut frames: Vec<Vec<usize>> = vec![Vec::new(); scan.frames];
    for (ix, run) in scan.runs.iter().enumerate() {
        frames[run.frame].push(ix);
    }
    for order in &frames {
        process(&scan.runs, order, &mut uses, &mut pairs);
    }
    emit(source, scan, &uses, &pairs, events)
}

/// CommonMark's process emphasis (spec, appendix "An algorithm for parsing nested emphasis
/// and links") over one link text or container, the stack holding possible openers.
fn process(runs: &[Run], order: &[usize], uses: &mut [Use], pairs: &mut Vec<Pair>) {
    let mut stack: Vec<usize> = Vec::new();
    let mut bottoms = [0usize; BOTTOMS];
    for &closer in order {
        if runs[closer].flags.close {
            close(runs, closer, uses, pairs, &mut stack, &mut bottoms);
        }
        if remaining(&runs[closer], &uses[closer]) > 0 && runs[closer].flags.open {
            stack.push(closer);
        }
    }
}

fn close(
    runs: &[Run],
    closer: usize,
    uses: &mut [Use],
    pairs: &mut Vec<Pair>,
    stack: &mut Vec<usize>,
    bottoms: &mut [usize; BOTTOMS],
) {
    while remaining(&runs[closer], &uses[closer]) > 0 {
        let slot = bottom_slot(&runs[closer]);
        let floor = bottoms[slot].min(stack.len());
        let Some(at) = (floor..stack.len())
            .rev()
            .find(|&i| can_pair(&runs[stack[i]], &runs[closer]))
        else {
            // No opener for this kind of closer up to here: later ones need not look.
            bottoms[slot] = stack.len();
            return;
        };
        // Openers between the pair can no longer pair: their characters stay text.
        truncate(stack, bottoms, at + 1);
        let opener = stack[at];
        pair_runs(runs, opener, closer, uses, pairs);
        if remaining(&runs[opener], &uses[opener]) == 0 {
            truncate(stack, bottoms, at);
        }
    }
}

fn truncate(stack: &mut Vec<usize>, bottoms: &mut [usize; BOTTOMS], len: usize) {
    stack.truncate(len);
    for bottom in bottoms.iter_mut() {
        *bottom = (*bottom).min(len);
    }
}

fn bottom_slot(closer: &Run) -> usize {
    match closer.delim {
        b'~' => 12,
        delim => {
            let base = if delim == b'*' { 0 } else { 6 };
            base + usize::from(closer.flags.both()) * 3 + closer.len() % 3
        }
    }
}

/// Rules 9 and 10 (the rule of 3); strikethrough pairs runs of equal length only.
fn can_pair(opener: &Run, closer: &Run) -> bool {
    if opener.delim != closer.delim {
        return false;
    }
    if closer.delim == b'~' {
        return opener.len() == closer.len();
    }
    let either_both = opener.flags.both() || closer.flags.both();
    let sum = opener.len() + closer.len();
    !either_both
        || !sum.is_multiple_of(3)
        || (opener.len().is_multiple_of(3) && closer.len().is_multiple_of(3))
}

fn pair_runs(runs: &[Run], opener: usize, closer: usize, uses: &mut [Use], pairs: &mut Vec<Pair>) {
    let (o, c) = (&runs[opener], &runs[closer]);
    let (kind, width) = match c.delim {
        b'~' => (Kind::Strikethrough, c.len()),
        _ if remaining(o, &uses[opener]) >= 2 && remaining(c, &uses[closer]) >= 2 => {
            (Kind::Strong, 2)
        }
        _ => (Kind::Emphasis, 1),
    };
    let start = o.span.end - uses[opener].right - width;
    let end = c.span.start + uses[closer].left + width;
    uses[opener].right += width;
    uses[closer].left += width;
    uses[opener].opens.push(pairs.len());
    uses[closer].closes.push(pairs.len());
    pairs.push(Pair {
        kind,
        span: start..end,
    });
}

fn remaining(run: &Run, used: &Use) -> usize {
    run.len() - used.left - used.right
}

fn emit<'e>(
    source: &'e str,
    scan: &Scan,
    uses: &[Use],
    pairs: &[Pair],
    events: &mut [Spanned<'e>],
) -> Vec<Spanned<'e>> {
    let mut out = Vec::with_capacity(events.len() + pairs.len() * 2);
    for piece in &scan.pieces {
        match piece {
            Piece::Keep(ix) => out.push(std::mem::replace(
                &mut events[*ix],
                (Event::SoftBreak, 0..0),
            )),
            Piece::Text(range) => out.push(text(source, range.clone())),
            Piece::Run(r) => emit_run(source, &scan.runs[*r], &uses[*r], pairs, &mut out),
        }
    }
    out
}

/// A run's closing tags (innermost first), its unused characters, its opening tags.
fn emit_run<'e>(
    source: &'e str,
    run: &Run,
    used: &Use,
    pairs: &[Pair],
    out: &mut Vec<Spanned<'e>>,
) {
    for &p in &used.closes {
        out.push((Event::End(end_tag(pairs[p].kind)), pairs[p].span.clone()));
    }
    let literal = run.span.start + used.left..run.span.end - used.right;
    if !literal.is_empty() {
        out.push(text(source, literal));
    }
    for &p in used.opens.iter().rev() {
        out.push((
            Event::Start(start_tag(pairs[p].kind)),
            pairs[p].span.clone(),
        ));
    }
}

fn text(source: &str, range: Range<usize>) -> Spanned<'_> {
    (Event::Text(CowStr::Borrowed(&source[range.clone()])), range)
}

fn start_tag(kind: Kind) -> Tag<'static> {
    match kind {
        Kind::Emphasis => Tag::Emphasis,
        Kind::Strong => Tag::Strong,
        Kind::Strikethrough => Tag::Strikethrough,
    }
}

fn end_tag(kind: Kind) -> TagEnd {
    match kind {
        Kind::Emphasis => TagEnd::Emphasis,
        Kind::Strong => TagEnd::Strong,
        Kind::Strikethrough => TagEnd::Strikethrough,
    }
}

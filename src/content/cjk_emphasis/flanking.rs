//! Markdown stage, CJK-friendly emphasis: whether a delimiter run can open or close, by
//! CommonMark's flanking rules and by the CJK-friendly amendments to them
//! (<https://github.com/tats-u/markdown-cjk-friendly/blob/main/specification.md>).

use unicode_general_category::{get_general_category, GeneralCategory as Gc};

/// The characters around a delimiter run in the source. `None` is the start or the end of a
/// line, which both rule sets count as whitespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Around {
    pub before: Option<char>,
    /// The character before `before`: the amendments read a variation selector together
    /// with the character it follows.
    pub before2: Option<char>,
    pub after: Option<char>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Flags {
    pub open: bool,
    pub close: bool,
}

impl Flags {
    pub fn both(self) -> bool {
        self.open && self.close
    }
}

/// What a run of `len` × `delim` can do under the amendments.
pub(super) fn amended(delim: u8, len: usize, around: &Around) -> Flags {
    let flanking = Flanking {
        left: left_amended(around),
        right: right_amended(around),
    };
    match delim {
        b'*' => flanking.as_flags(),
        b'_' => flanking.underscore(preceded_by_punctuation_sequence(around), around),
        // pulldown-cmark's own tilde rules stay: the amendments only add openers and
        // closers, so text without CJK keeps its strikethrough exactly.
        _ => {
            let amended = match len {
                1 => flanking.underscore(preceded_by_punctuation_sequence(around), around),
                _ => flanking.as_flags(),
            };
            or(tilde_original(len, around), amended)
        }
    }
}

/// What the same run can do under CommonMark 0.31.2 (tildes: under pulldown-cmark 0.13).
pub(super) fn original(delim: u8, len: usize, around: &Around) -> Flags {
    let flanking = Flanking {
        left: left_original(around),
        right: right_original(around),
    };
    match delim {
        b'*' => flanking.as_flags(),
        b'_' => flanking.underscore(around.before.is_some_and(is_punctuation), around),
        _ => tilde_original(len, around),
    }
}

struct Flanking {
    left: bool,
    right: bool,
}

impl Flanking {
    fn as_flags(&self) -> Flags {
        Flags {
            open: self.left,
            close: self.right,
        }
    }

    /// Rules 2, 4, 6 and 8: `_` does not open or close inside a word.
    fn underscore(&self, punctuation_before: bool, around: &Around) -> Flags {
        Flags {
            open: self.left && (!self.right || punctuation_before),
            close: self.right && (!self.left || around.after.is_some_and(is_punctuation)),
        }
    }
}

fn or(a: Flags, b: Flags) -> Flags {
    Flags {
        open: a.open || b.open,
        close: a.close || b.close,
    }
}

fn left_original(around: &Around) -> bool {
    match around.after {
        None => false,
        Some(next) if is_whitespace(next) => false,
        Some(next) => !is_punctuation(next) || around.before.is_none_or(is_space_or_punctuation),
    }
}

fn right_original(around: &Around) -> bool {
    match around.before {
        None => false,
        Some(prev) if is_whitespace(prev) => false,
        Some(prev) => !is_punctuation(prev) || around.after.is_none_or(is_space_or_punctuation),
    }
}

/// Amended left-flanking: only *non-CJK* punctuation after the run asks for a boundary
/// before it, and a CJK character (or ideographic variation selector) is such a boundary.
fn left_amended(around: &Around) -> bool {
    let Some(next) = around.after else {
        return false;
    };
    if is_whitespace(next) {
        return false;
    }
    if !is_non_cjk_punctuation(next) {
        return true;
    }
    match around.before {
        None => true,
        Some(prev) if is_whitespace(prev) || is_ideographic_vs(prev) => true,
        // (2bβ) a non-CJK punctuation sequence or (2bγ) a CJK sequence, each of which may
        // end in a variation selector.
        Some(prev) if is_general_vs(prev) => around.before2.is_some_and(is_cjk_or_punctuation),
        Some(prev) => is_cjk_or_punctuation(prev),
    }
}

/// Amended right-flanking: only a *non-CJK* punctuation sequence before the run asks for a
/// boundary after it, and a CJK character is such a boundary.
fn right_amended(around: &Around) -> bool {
    match around.before {
        None => return false,
        Some(prev) if is_whitespace(prev) => return false,
        Some(_) => {}
    }
    if !preceded_by_non_cjk_punctuation_sequence(around) {
        return true;
    }
    around
        .after
        .is_none_or(|next| is_whitespace(next) || is_punctuation(next) || is_cjk(next))
}

fn preceded_by_non_cjk_punctuation_sequence(around: &Around) -> bool {
    match around.before {
        Some(vs) if is_general_vs(vs) => around
            .before2
            .is_some_and(|c| is_non_cjk_punctuation(c) && !is_cjk_ambiguous_punctuation(c, vs)),
        Some(prev) => is_non_cjk_punctuation(prev),
        None => false,
    }
}

/// A Unicode punctuation sequence: punctuation, perhaps followed by a variation selector.
fn preceded_by_punctuation_sequence(around: &Around) -> bool {
    match around.before {
        Some(vs) if is_general_vs(vs) => around.before2.is_some_and(is_punctuation),
        Some(prev) => is_punctuation(prev),
        None => false,
    }
}

/// pulldown-cmark 0.13's rules for `~` and `~~`, which differ from GFM's: `~~` opens
/// whenever it is not followed by whitespace, and a run right after a `~` closes.
fn tilde_original(len: usize, around: &Around) -> Flags {
    let open = match (around.before, around.after) {
        (_, None) => false,
        (_, Some(next)) if is_whitespace(next) => false,
        (None, Some(_)) => true,
        (Some(prev), Some(next)) => {
            len > 1 || (prev == '~' && !is_punctuation(next)) || is_space_or_punctuation(prev)
        }
    };
    let close = match (around.before, around.after) {
        (None, _) => false,
        (Some(prev), _) if is_whitespace(prev) => false,
        (Some(_), None) => true,
        (Some(prev), Some(next)) => {
            (len > 1 && !is_punctuation(prev)) || prev == '~' || is_space_or_punctuation(next)
        }
    };
    Flags { open, close }
}

/// Whitespace as pulldown-cmark reads it, so that the two agree wherever CJK is absent.
fn is_whitespace(c: char) -> bool {
    c.is_whitespace()
}

fn is_space_or_punctuation(c: char) -> bool {
    is_whitespace(c) || is_punctuation(c)
}

/// CommonMark's Unicode punctuation: general categories P and S.
pub(super) fn is_punctuation(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation();
    }
    matches!(
        get_general_category(c),
        Gc::ConnectorPunctuation
            | Gc::DashPunctuation
            | Gc::OpenPunctuation
            | Gc::ClosePunctuation
            | Gc::InitialPunctuation
            | Gc::FinalPunctuation
            | Gc::OtherPunctuation
            | Gc::MathSymbol
            | Gc::CurrencySymbol
            | Gc::ModifierSymbol
            | Gc::OtherSymbol
    )
}

fn is_non_cjk_punctuation(c: char) -> bool {
    !is_cjk(c) && is_punctuation(c)
}

fn is_cjk_or_punctuation(c: char) -> bool {
    is_cjk(c) || is_punctuation(c)
}

/// A Non-emoji General-use Variation Selector: U+FE00–U+FE0E (U+FE0F asks for emoji).
pub(super) fn is_general_vs(c: char) -> bool {
    matches!(c as u32, 0xFE00..=0xFE0E)
}

/// An Ideographic Variation Selector: the Variation Selectors Supplement block.
pub(super) fn is_ideographic_vs(c: char) -> bool {
    matches!(c as u32, 0xE0100..=0xE01EF)
}

/// Curly quotes followed by U+FE01 ask for their full-width form: CJK punctuation, not
/// the non-CJK punctuation the quote alone is.
fn is_cjk_ambiguous_punctuation(quote: char, vs: char) -> bool {
    vs == '\u{FE01}' && matches!(quote, '‘' | '’' | '“' | '”')
}

/// A CJK character: East Asian Width W, F or H and not an emoji by default, or Hangul.
/// The ranges are the specification's own list (ranges.md, Unicode 17).
pub(super) fn is_cjk(c: char) -> bool {
    // Nothing below U+1100 is CJK: a fast path for Latin text.
    let cp = c as u32;
    cp >= 0x1100
        && matches!(cp,
            0x1100..=0x11FF | 0x20A9 | 0x2329..=0x232A | 0x2630..=0x2637 | 0x268A..=0x268F
            | 0x2E80..=0x2E99 | 0x2E9B..=0x2EF3 | 0x2F00..=0x2FD5 | 0x2FF0..=0x303E
            | 0x3041..=0x3096 | 0x3099..=0x30FF | 0x3105..=0x312F | 0x3131..=0x318E
            | 0x3190..=0x31E5 | 0x31EF..=0x321E | 0x3220..=0x3247 | 0x3250..=0xA48C
            | 0xA490..=0xA4C6 | 0xA960..=0xA97C | 0xAC00..=0xD7A3 | 0xD7B0..=0xD7C6
            | 0xD7CB..=0xD7FB | 0xF900..=0xFAFF | 0xFE10..=0xFE19 | 0xFE30..=0xFE52
            | 0xFE54..=0xFE66 | 0xFE68..=0xFE6B | 0xFF01..=0xFFBE | 0xFFC2..=0xFFC7
            | 0xFFCA..=0xFFCF | 0xFFD2..=0xFFD7 | 0xFFDA..=0xFFDC | 0xFFE0..=0xFFE6
            | 0xFFE8..=0xFFEE | 0x16FE0..=0x16FE4 | 0x16FF0..=0x16FF6 | 0x17000..=0x18CD5
            | 0x18CFF..=0x18D1E | 0x18D80..=0x18DF2 | 0x1AFF0..=0x1AFF3 | 0x1AFF5..=0x1AFFB
            | 0x1AFFD..=0x1AFFE | 0x1B000..=0x1B122 | 0x1B132 | 0x1B150..=0x1B152 | 0x1B155
            | 0x1B164..=0x1B167 | 0x1B170..=0x1B2FB | 0x1D300..=0x1D356 | 0x1D360..=0x1D376
            | 0x1F200 | 0x1F202 | 0x1F210..=0x1F219 | 0x1F21B..=0x1F22E | 0x1F230..=0x1F231
            | 0x1F237 | 0x1F23B | 0x1F240..=0x1F248 | 0x1F260..=0x1F265 | 0x20000..=0x3FFFD)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn around(before: &str, after: &str) -> Around {
        let mut back = before.chars().rev();
        Around {
            before: back.next(),
            before2: back.next(),
            after: after.chars().next(),
        }
    }

    fn star(before: &str, after: &str) -> (Flags, Flags) {
        let a = around(before, after);
        (original(b'*', 2, &a), amended(b'*', 2, &a))
    }

    #[test]
    fn a_closer_after_full_width_punctuation_closes_before_a_letter() {
        let (before, after) = star("重点，", "后文");
        assert!(
            !before.close,
            "CommonMark: punctuation inside, a letter outside"
        );
        assert!(after.close && after.open);
    }

    #[test]
    fn an_opener_before_a_quote_opens_after_a_cjk_letter() {
        let (before, after) = star("以及", "“引号”");
        assert!(!before.open);
        assert!(after.open);
    }

    #[test]
    fn ascii_neighbours_give_the_original_answer() {
        for (b, a) in [
            ("a", "\"x"),
            ("\"", "a"),
            (" ", "("),
            ("(", " "),
            ("a", "a"),
            ("", "b"),
        ] {
            for delim in [b'*', b'_', b'~'] {
                for len in [1, 2, 3] {
                    let x = around(b, a);
                    assert_eq!(
                        original(delim, len, &x),
                        amended(delim, len, &x),
                        "{b:?} {a:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn variation_selectors_are_read_with_the_character_before_them() {
        // 。+U+FE01 is CJK punctuation: `_` may open after it, and a closer before a letter.
        let x = around("。\u{FE01}", "T");
        assert!(amended(b'_', 1, &x).open);
        assert!(!original(b'_', 1, &x).open);
        // “+U+FE01 is the full-width quote, not non-CJK punctuation.
        let closer = around("”\u{FE01}", "H");
        assert!(amended(b'*', 2, &closer).close);
        // `)`+U+FE00 stays non-CJK punctuation.
        assert!(!amended(b'*', 2, &around(")\u{FE00}", "a")).close);
    }

    #[test]
    fn ideographic_variation_selector_counts_as_cjk_before_an_opener() {
        assert!(amended(b'*', 2, &around("葛\u{E0100}", "(")).open);
        assert!(!original(b'*', 2, &around("葛\u{E0100}", "(")).open);
    }

    #[test]
    fn emoji_and_non_cjk_symbols_are_not_cjk() {
        assert!(is_cjk('中') && is_cjk('，') && is_cjk('가') && is_cjk('🈂') && is_cjk('〽'));
        assert!(!is_cjk('🈯') && !is_cjk('“') && !is_cjk('a') && !is_cjk('«'));
        assert!(is_punctuation('，') && is_punctuation('¥') && is_punctuation('𝜵'));
        assert!(!is_punctuation('\u{FE01}') && !is_punctuation('\u{E0100}'));
    }

    #[test]
    fn underscore_stays_out_of_cjk_words() {
        // 漢_abc_: both flanking, not after punctuation, so it does not open.
        assert!(!amended(b'_', 1, &around("漢", "a")).open);
        assert!(!amended(b'_', 1, &around("c", "漢")).close);
    }
}

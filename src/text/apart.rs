//! Text spelled for the search index: every Chinese or Japanese character, and every Chinese
//! punctuation mark, set apart by spaces, so that Pagefind keeps each character as a word of
//! its own. A search then finds a term wherever its characters stand in a row (Pagefind's
//! exact search for `"跨 境 电 商"`), however a word segmenter would cut the text around it
//! (向中西部扩散 segments as 向中 / 西部, where no search for 中西部 finds it), and never an
//! article that lacks it. The search page spells queries the same way
//! (`themes/default/static/search.js`, whose `IDEOGRAPHS` are [`IDEOGRAPHS`]).

use unicode_general_category::{get_general_category, GeneralCategory};

/// The characters set apart, as ranges of code points: kana, Chinese characters (with the
/// extensions), half-width katakana.
pub const IDEOGRAPHS: [(u32, u32); 7] = [
    (0x3041, 0x30FF),
    (0x31F0, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFF66, 0xFF9F),
    (0x20000, 0x323AF),
];

/// Appends `html` to `out` with the characters of its text that [`is_set_apart`] set apart by
/// spaces. Tags, with their attributes, are left as they are; a `<` that starts no tag is
/// text, and a mark or variation selector stays with the character it belongs to.
pub fn spaced(html: &str, out: &mut String) {
    let mut chars = html.chars().peekable();
    let mut tag: Option<Tag> = None;
    let mut text = Text::default();
    while let Some(c) = chars.next() {
        if let Some(inside) = &mut tag {
            if inside.ends_with(c) {
                tag = None;
            }
            out.push(c);
        } else if c == '<' && chars.peek().is_some_and(|&n| starts_tag(n)) {
            tag = Some(Tag::default());
            out.push(c);
        } else {
            text.push(c, out);
        }
    }
}

/// Plain `text` (not HTML) with its characters set apart as [`spaced`] sets them.
pub fn spaced_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3 / 2);
    let mut spacer = Text::default();
    for c in text.chars() {
        spacer.push(c, &mut out);
    }
    out
}

/// Where [`spaced`] is in text: whether the last character was one set apart, or a space.
struct Text {
    after_apart: bool,
    after_space: bool,
}

impl Default for Text {
    fn default() -> Text {
        Text {
            after_apart: false,
            after_space: true,
        }
    }
}

impl Text {
    /// Appends `c`, a space before it where it or the character before it is set apart.
    fn push(&mut self, c: char, out: &mut String) {
        if !joins_previous(c) {
            let apart = is_set_apart(c);
            if (apart || self.after_apart) && !self.after_space && !c.is_whitespace() {
                out.push(' ');
            }
            self.after_apart = apart;
            self.after_space = c.is_whitespace();
        }
        out.push(c);
    }
}

/// Where [`spaced`] is inside a tag: in a quoted attribute value or not, and what came last.
#[derive(Default)]
struct Tag {
    quote: Option<char>,
    after_equals: bool,
}

impl Tag {
    /// Reads `c`, the next character of the tag: whether it ends the tag.
    fn ends_with(&mut self, c: char) -> bool {
        match self.quote {
            Some(q) => {
                if c == q {
                    self.quote = None;
                }
                false
            }
            None => {
                if self.after_equals && matches!(c, '"' | '\'') {
                    self.quote = Some(c);
                }
                if !c.is_whitespace() {
                    self.after_equals = c == '=';
                }
                c == '>'
            }
        }
    }
}

/// Whether a `<` followed by `c` starts a tag (as in HTML: a letter, `/`, `!` or `?`).
fn starts_tag(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?')
}

/// Whether `c` belongs to the character before it: a combining mark (a variation selector
/// among them) or a zero-width joiner.
fn joins_previous(c: char) -> bool {
    c == '\u{200D}'
        || matches!(
            get_general_category(c),
            GeneralCategory::NonspacingMark
                | GeneralCategory::SpacingMark
                | GeneralCategory::EnclosingMark
        )
}

/// Whether [`spaced`] sets `c` apart: a Chinese or Japanese character, or a Chinese
/// punctuation mark (、，《》 and the full-width ones), which would otherwise join the words on
/// either side into one where nothing segments the text (`口岸管理、9710、RCEP`).
pub fn is_set_apart(c: char) -> bool {
    if c.is_ascii() {
        return false;
    }
    let code = u32::from(c);
    IDEOGRAPHS.iter().any(|&(a, b)| (a..=b).contains(&code))
        || (0x3000..=0x303F).contains(&code)
        || (0xFF00..=0xFFEF).contains(&code) && !c.is_alphanumeric()
}

#[cfg(test)]
mod tests {
    use super::{spaced, IDEOGRAPHS};

    fn spell(html: &str) -> String {
        let mut out = String::new();
        spaced(html, &mut out);
        out
    }

    #[test]
    fn chinese_characters_are_set_apart_in_text_only() {
        assert_eq!(spell("<p>跨境电商</p>"), "<p>跨 境 电 商</p>");
        // Across inline tags, and at the edges of Latin words and numbers.
        assert_eq!(
            spell("<p>跨境<strong>电商</strong>B2B出口2014年</p>"),
            "<p>跨 境<strong> 电 商</strong> B2B 出 口 2014 年</p>"
        );
        // Tags and attributes keep their text; existing spaces are not doubled.
        assert_eq!(
            spell(r#"<a title="中文" href="/城市/">牡丹江 市</a>"#),
            r#"<a title="中文" href="/城市/">牡 丹 江 市</a>"#
        );
        assert_eq!(
            spell("English text, unchanged."),
            "English text, unchanged."
        );
        assert_eq!(spell("关税，出口。"), "关 税 ， 出 口 。");
    }

    #[test]
    fn punctuation_inside_latin_words_and_numbers_stays() {
        assert_eq!(spell("增长12.5%，达1,000万"), "增 长 12.5% ， 达 1,000 万");
        assert_eq!(spell("China’s WTO，U.S.市场"), "China’s WTO ， U.S. 市 场");
        // Chinese punctuation parts them, and full-width letters stay one word.
        assert_eq!(spell("9710、RCEP、ＷＴＯ"), "9710 、 RCEP 、 ＷＴＯ");
    }

    #[test]
    fn a_bare_less_than_is_text_and_a_quoted_greater_than_stays_in_its_tag() {
        assert_eq!(spell("<div>a < b 白鹭</div>"), "<div>a < b 白 鹭</div>");
        assert_eq!(
            spell(r#"<abbr title="甲>乙">白鹭</abbr>"#),
            r#"<abbr title="甲>乙">白 鹭</abbr>"#
        );
    }

    #[test]
    fn plain_text_has_no_tags() {
        assert_eq!(super::spaced_text("比较x<y的值"), "比 较 x<y 的 值");
    }

    #[test]
    fn marks_and_variation_selectors_stay_with_their_character() {
        assert_eq!(spell("葛\u{E0100}城"), "葛\u{E0100} 城");
        assert_eq!(spell("か\u{3099}き"), "か\u{3099} き");
    }

    /// The search page spells queries with the same characters set apart.
    #[test]
    fn the_search_page_sets_the_same_characters_apart() {
        let script = include_str!("../../themes/default/static/search.js");
        let line = (script.lines())
            .find(|l| l.starts_with("const IDEOGRAPHS ="))
            .expect("search.js defines IDEOGRAPHS");
        let hex = |s: &str| u32::from_str_radix(s.trim_matches(|c| "\\u{}".contains(c)), 16);
        let ranges: Vec<(u32, u32)> = line
            .split('"')
            .nth(1)
            .expect("a string")
            .split("\\\\u")
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .chunks(2)
            .map(|r| (hex(r[0].trim_end_matches('-')).unwrap(), hex(r[1]).unwrap()))
            .collect();
        assert_eq!(ranges, IDEOGRAPHS);
    }
}

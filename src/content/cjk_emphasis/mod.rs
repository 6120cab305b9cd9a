//! Markdown stage, CJK-friendly emphasis: pulldown-cmark's events in, the same events out
//! with `*`, `_` and `~` paired as the CommonMark CJK-friendly amendments pair them, so
//! that `**重点，**后文` is bold (<https://github.com/tats-u/markdown-cjk-friendly>).
//!
//! CommonMark takes full-width punctuation inside a delimiter and a letter outside it for
//! the middle of a word, where emphasis cannot end (commonmark-spec issue 650), though
//! Chinese and Japanese put no spaces between words. pulldown-cmark 0.13 has no switch for
//! the fix, so each inline container (paragraph, heading, table cell, tight list item)
//! whose delimiter runs can open or close differently under the amendment is paired
//! again: its runs are found from the source offsets, with the amended flags, and
//! CommonMark's delimiter algorithm runs over them. Every other container passes through
//! untouched.

mod flanking;
mod pair;
mod scan;

use std::collections::VecDeque;
use std::ops::Range;

use pulldown_cmark::{Event, Options, Tag, TagEnd};

use scan::Changed;

type Spanned<'e> = (Event<'e>, Range<usize>);

/// The events of `source`, as `into_offset_iter` gives them, with emphasis amended.
pub fn amend<'e, I>(source: &'e str, options: Options, events: I) -> Amend<'e, I>
where
    I: Iterator<Item = Spanned<'e>>,
{
    amend_with(source, options, events, Repair::IfChanged)
}

fn amend_with<'e, I>(source: &'e str, options: Options, events: I, mode: Repair) -> Amend<'e, I>
where
    I: Iterator<Item = Spanned<'e>>,
{
    Amend {
        mode,
        source,
        // With subscript on, `~` means something else; tildes are then left alone.
        tildes: options.contains(Options::ENABLE_STRIKETHROUGH)
            && !options.contains(Options::ENABLE_SUBSCRIPT),
        events: events.fuse(),
        container: Vec::new(),
        ready: VecDeque::new(),
        inline: Inline::Collect,
    }
}

/// What to do with the inline events after a block event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Inline {
    /// Collect them: the container may need pairing again.
    Collect,
    /// Pass them on as they come: the block's source cannot change (or is code).
    Pass,
}

pub struct Amend<'e, I> {
    mode: Repair,
    source: &'e str,
    tildes: bool,
    events: std::iter::Fuse<I>,
    /// The inline events of the container being read.
    container: Vec<Spanned<'e>>,
    ready: VecDeque<Spanned<'e>>,
    inline: Inline,
}

impl<'e, I: Iterator<Item = Spanned<'e>>> Iterator for Amend<'e, I> {
    type Item = Spanned<'e>;

    fn next(&mut self) -> Option<Spanned<'e>> {
        loop {
            if let Some(next) = self.ready.pop_front() {
                return Some(next);
            }
            let Some((event, range)) = self.events.next() else {
                self.flush();
                return self.ready.pop_front();
            };
            if is_inline(&event) {
                if self.inline == Inline::Pass {
                    return Some((event, range));
                }
                self.container.push((event, range));
                continue;
            }
            self.inline = self.inline_after(&event, &range);
            if self.container.is_empty() {
                return Some((event, range));
            }
            self.flush();
            self.ready.push_back((event, range));
        }
    }
}

impl<'e, I> Amend<'e, I> {
    /// The fast path, taken before any event is collected: a block whose source has no
    /// delimiter, or nothing but ASCII, passes through (most paragraphs of a site).
    fn inline_after(&self, event: &Event, range: &Range<usize>) -> Inline {
        match event {
            // Text in code is not inline content.
            Event::Start(Tag::CodeBlock(_) | Tag::MetadataBlock(_)) => Inline::Pass,
            Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::TableCell | Tag::Item)
                if self.mode == Repair::IfChanged
                    && !may_change(self.source.get(range.clone()).unwrap_or(""), self.tildes) =>
            {
                Inline::Pass
            }
            _ => Inline::Collect,
        }
    }

    /// Hands the container on. Called only once `ready` is empty, so the two buffers swap
    /// instead of moving every event: this runs for every paragraph of every page.
    fn flush(&mut self) {
        let mut container = std::mem::take(&mut self.container);
        self.container = Vec::from(std::mem::take(&mut self.ready));
        self.container.clear();
        if let Some(repaired) = repair(self.source, &mut container, self.tildes, self.mode) {
            container = repaired;
        }
        self.ready = VecDeque::from(container);
    }
}

/// Whether to pair a container again when the amendment changes no run's flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Repair {
    IfChanged,
    /// Tests only: proves the algorithm against CommonMark's own examples.
    #[cfg_attr(not(test), allow(dead_code))]
    Always,
}

/// The container's events re-paired, or `None` when pulldown-cmark's pairing stands.
fn repair<'e>(
    source: &'e str,
    container: &mut [Spanned<'e>],
    tildes: bool,
    mode: Repair,
) -> Option<Vec<Spanned<'e>>> {
    let (scan, changed) = scan::scan(source, container, tildes)?;
    if mode == Repair::IfChanged && changed == Changed::No {
        return None;
    }
    Some(pair::pair(source, &scan, container))
}

/// A change needs a delimiter, and a CJK character or a variation selector next to it:
/// none of which the source can hold without a delimiter and a non-ASCII byte.
fn may_change(source: &str, tildes: bool) -> bool {
    let bytes = source.as_bytes();
    // Chinese text fails `is_ascii` at its first character: the cheap test goes first.
    !source.is_ascii()
        && if tildes {
            memchr::memchr3(b'*', b'_', b'~', bytes).is_some()
        } else {
            memchr::memchr2(b'*', b'_', bytes).is_some()
        }
}

fn is_inline(event: &Event) -> bool {
    match event {
        Event::Text(_)
        | Event::Code(_)
        | Event::InlineMath(_)
        | Event::DisplayMath(_)
        | Event::InlineHtml(_)
        | Event::FootnoteReference(_)
        | Event::SoftBreak
        | Event::HardBreak => true,
        Event::Start(tag) => matches!(
            tag,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        ),
        Event::End(tag) => matches!(
            tag,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use pulldown_cmark::{html, Parser};

    use super::*;
    use crate::config::RawHtml;
    use crate::content::markdown::{self, KeepLinks, Markdown, Rendered};
    use crate::highlight::Highlighter;

    const CJK_EXAMPLES: &str =
        include_str!("../../../tests/fixtures/spec/markdown-cjk-friendly.txt");
    const COMMONMARK_EXAMPLES: &str =
        include_str!("../../../tests/fixtures/spec/commonmark-emphasis.txt");

    /// Through tradekb's own Markdown stage, as a page is rendered.
    fn rendered(md: &str) -> Rendered {
        let highlighter = Highlighter::default();
        let stage = Markdown {
            highlighter: &highlighter,
            raw_html: RawHtml::Allow,
            words: Default::default(),
        };
        stage.render(md, &KeepLinks)
    }

    fn render(md: &str) -> String {
        rendered(md).html.to_string()
    }

    /// pulldown-cmark's own HTML, with or without the amendment, forced or not.
    fn pulldown(md: &str, mode: Option<Repair>) -> String {
        let options = markdown::options();
        let events = Parser::new_ext(md, options).into_offset_iter();
        let mut out = String::new();
        match mode {
            None => html::push_html(&mut out, events.map(|(e, _)| e)),
            Some(mode) => html::push_html(
                &mut out,
                amend_with(md, options, events, mode).map(|(e, _)| e),
            ),
        }
        out
    }

    struct Example {
        line: usize,
        markdown: String,
        html: String,
    }

    /// The examples of a file in spec.txt's format (`→` is a tab).
    fn examples(spec: &str) -> Vec<Example> {
        let fence = "`".repeat(32);
        let (open, close) = (format!("{fence} example"), fence);
        let mut found = Vec::new();
        let mut lines = spec.lines().enumerate();
        while let Some((n, line)) = lines.next() {
            if line != open {
                continue;
            }
            let mut parts = [String::new(), String::new()];
            let mut part = 0;
            for (_, line) in lines.by_ref().take_while(|(_, l)| *l != close) {
                if line == "." && part == 0 {
                    part = 1;
                    continue;
                }
                parts[part].push_str(&line.replace('→', "\t"));
                parts[part].push('\n');
            }
            let [markdown, html] = parts;
            found.push(Example {
                line: n + 1,
                markdown,
                html,
            });
        }
        found
    }

    fn normalise(html: &str) -> String {
        html.replace("&quot;", "\"").trim_end().to_string()
    }

    fn failures(spec: &str, render: impl Fn(&str) -> String) -> (usize, Vec<String>) {
        let examples = examples(spec);
        let failed = examples
            .iter()
            .filter(|e| normalise(&render(&e.markdown)) != normalise(&e.html))
            .map(|e| {
                format!(
                    "line {}: {:?}\n  want {:?}\n  got  {:?}",
                    e.line,
                    e.markdown,
                    normalise(&e.html),
                    normalise(&render(&e.markdown))
                )
            })
            .collect();
        (examples.len(), failed)
    }

    #[test]
    fn the_specifications_own_examples_render_as_it_says() {
        let (count, failed) = failures(CJK_EXAMPLES, render);
        assert_eq!(count, 147, "every vendored example is read");
        assert!(failed.is_empty(), "{}", failed.join("\n"));
    }

    #[test]
    fn commonmark_emphasis_examples_still_render_as_the_spec_says() {
        let (count, failed) = failures(COMMONMARK_EXAMPLES, render);
        assert_eq!(count, 135, "every vendored example is read");
        assert!(failed.is_empty(), "{}", failed.join("\n"));
    }

    #[test]
    fn the_pairing_alone_passes_commonmark_emphasis_examples() {
        // Every container paired again, even where pulldown-cmark's pairing would stand.
        let (_, failed) = failures(COMMONMARK_EXAMPLES, |md| pulldown(md, Some(Repair::Always)));
        assert!(failed.is_empty(), "{}", failed.join("\n"));
    }

    #[test]
    fn the_pairing_alone_passes_the_cjk_examples() {
        let (_, failed) = failures(CJK_EXAMPLES, |md| pulldown(md, Some(Repair::Always)));
        assert!(failed.is_empty(), "{}", failed.join("\n"));
    }

    #[test]
    fn the_pairing_alone_agrees_with_pulldown_cmark_on_ascii_emphasis() {
        use proptest::prelude::*;
        let alphabet = prop::sample::select(vec![
            "*",
            "**",
            "_",
            "__",
            "a",
            "b",
            " ",
            ".",
            "(",
            ")",
            "\"",
            "\n",
            "\\",
            "`",
            "[",
            "](u)",
            "&ast;",
            "<b>",
            "~",
            "~~",
            "| ",
            "\n|-|\n",
            "> ",
            "\n- ",
            "# ",
            "![",
            "<http://a*b>",
            "  \n",
        ]);
        let inputs = prop::collection::vec(alphabet, 1..24).prop_map(|parts| parts.concat());
        proptest!(ProptestConfig::with_cases(3000), |(md in inputs)| {
            prop_assert_eq!(pulldown(&md, Some(Repair::Always)), pulldown(&md, None), "{:?}", md);
        });
    }

    #[test]
    fn the_pairing_alone_agrees_where_it_once_did_not() {
        // A backslash hard break puts a `\` after the run, not the end of the line; and
        // pulldown-cmark keeps one openers_bottom for `~` and `~~`.
        for md in ["_\\\n*_", "~*~~.~"] {
            assert_eq!(
                pulldown(md, Some(Repair::Always)),
                pulldown(md, None),
                "{md:?}"
            );
        }
    }

    #[test]
    fn text_without_cjk_is_never_touched() {
        use proptest::prelude::*;
        let alphabet = prop::sample::select(vec![
            "*", "**", "_", "~", "~~", "a", " ", ".", "(", "é", "«", "\u{FE00}", "\n", "\\", "`",
            "[", "](u)", "| ", "\n|-|\n",
        ]);
        let inputs = prop::collection::vec(alphabet, 1..24).prop_map(|parts| parts.concat());
        proptest!(ProptestConfig::with_cases(3000), |(md in inputs)| {
            let without_variation_selectors = !md.contains('\u{FE00}');
            if without_variation_selectors {
                prop_assert_eq!(pulldown(&md, Some(Repair::IfChanged)), pulldown(&md, None), "{:?}", md);
            }
        });
    }

    #[test]
    fn a_container_whose_flags_do_not_change_keeps_pulldown_cmarks_pairing() {
        // The fast path skips pairing again when no run's flags change: it must make no
        // difference to the result.
        use proptest::prelude::*;
        let alphabet = prop::sample::select(vec![
            "*", "**", "_", "__", "~~", "中", "文", "，", "。", "“", "”", "（", "a", " ", "(",
            "\n", "`", "[", "](u)", "\u{FE01}", "가",
        ]);
        let inputs = prop::collection::vec(alphabet, 1..24).prop_map(|parts| parts.concat());
        proptest!(ProptestConfig::with_cases(3000), |(md in inputs)| {
            prop_assert_eq!(
                pulldown(&md, Some(Repair::IfChanged)),
                pulldown(&md, Some(Repair::Always)),
                "{:?}", md
            );
        });
    }

    fn body(md: &str) -> String {
        render(md).trim_end().to_string()
    }

    #[test]
    fn full_width_punctuation_inside_strong_emphasis() {
        assert_eq!(
            body("这是**重点，**后文。"),
            "<p>这是<strong>重点，</strong>后文。</p>"
        );
        assert_eq!(
            body("以及**“引号”**内容。"),
            "<p>以及<strong>“引号”</strong>内容。</p>"
        );
    }

    #[test]
    fn no_stray_emphasis_runs_across_the_paragraph() {
        assert_eq!(
            body("这是**重点，**后文，*斜体*。"),
            "<p>这是<strong>重点，</strong>后文，<em>斜体</em>。</p>"
        );
        // CommonMark lets the later `*` close one `*` of the second `**`.
        assert_eq!(
            body("**重点，**后文，斜体*。"),
            "<p><strong>重点，</strong>后文，斜体*。</p>"
        );
    }

    #[test]
    fn pairs_that_pulldown_cmark_made_are_paired_again() {
        // No delimiter is left as text here, yet CommonMark nests the second strong inside
        // the first: the amendment lets the second `**` close.
        assert_eq!(
            body("**重点。**说明**补充**"),
            "<p><strong>重点。</strong>说明<strong>补充</strong></p>"
        );
    }

    #[test]
    fn escaped_and_entity_asterisks_are_not_delimiters() {
        assert_eq!(body("a\\*中，*b"), "<p>a*中，*b</p>");
        assert_eq!(body("&ast;中，*b"), "<p>*中，*b</p>");
        assert_eq!(
            body("`**重点，**`后文"),
            "<p><code>**重点，**</code>后文</p>"
        );
    }

    #[test]
    fn emphasis_stays_on_its_side_of_a_link_text() {
        assert_eq!(
            body("**重点，[链接**](u)后文"),
            "<p>**重点，<a href=\"u\">链接**</a>后文</p>"
        );
        assert_eq!(
            body("[**重点，**后文](u)"),
            "<p><a href=\"u\"><strong>重点，</strong>后文</a></p>"
        );
    }

    #[test]
    fn the_character_before_a_code_span_counts() {
        // The closer follows a backtick (punctuation) and precedes CJK: right-flanking.
        assert_eq!(
            body("甲**乙`，`**丙"),
            "<p>甲<strong>乙<code>，</code></strong>丙</p>"
        );
    }

    #[test]
    fn a_line_starts_after_the_quote_marker() {
        // `>` is not the character before `**`: the line's start is, so it cannot close.
        assert_eq!(
            body("> 甲**乙\n>**。"),
            "<blockquote>\n<p>甲**乙\n**。</p>\n</blockquote>"
        );
        assert_eq!(
            body("> 甲\n>**“乙”**丙"),
            "<blockquote>\n<p>甲\n<strong>“乙”</strong>丙</p>\n</blockquote>"
        );
    }

    #[test]
    fn headings_cells_and_tight_list_items_are_amended_too() {
        let heading = render("## **重点，**后文\n");
        assert!(
            heading.contains("<strong>重点，</strong>后文</a></h2>"),
            "{heading}"
        );
        let cell = render("| **重点，**后文 |\n|---|\n");
        assert!(
            cell.contains("<th><strong>重点，</strong>后文</th>"),
            "{cell}"
        );
        let item = render("- **重点，**后文\n- b\n");
        assert!(
            item.contains("<li><strong>重点，</strong>后文</li>"),
            "{item}"
        );
        let code = render("```\n**重点，**后文\n```\n");
        assert!(
            code.contains("**重点，**后文"),
            "code is left alone: {code}"
        );
    }

    #[test]
    fn strikethrough_is_amended_like_strong_emphasis() {
        assert_eq!(
            body("这是~~旧，~~新的。"),
            "<p>这是<del>旧，</del>新的。</p>"
        );
    }

    #[test]
    fn headings_get_their_text_without_the_delimiters() {
        let r = rendered("## **重点，**后文\n");
        assert_eq!(r.toc[0].title, "重点，后文");
        assert_eq!(r.toc[0].id, "重点-后文");
    }
}

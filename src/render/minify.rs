//! Render stage, last step of each file: HTML minified by minify-html's one-pass variant
//! (the same project's faster parser: it rewrites the page in one pass, in place, about
//! three times as fast as the full one); CSS by lightningcss (the version minify-html
//! brings). Neither changes what a reader gets, but for one rule of minify-html: a space
//! standing alone between two elements directly inside a layout element (`div`, `section`,
//! `body`…) is dropped (the README says so; the minify property test holds it to that).

use minify_html_onepass::Cfg;

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
}

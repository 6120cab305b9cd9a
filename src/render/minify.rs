//! Render stage, last step of each file: HTML minified by minify-html's one-pass variant
//! (the same project's faster parser: it rewrites the page in one pass, in place, about
//! three times as fast as the full one), falling back to the full minify-html where the
//! one-pass parser gives up on well-formed HTML; CSS by lightningcss (the version
//! minify-html brings). None of them changes what a reader gets.

use minify_html_onepass::{Cfg, ErrorType};

/// Inline `<style>` is minified; inline scripts are left as the author wrote them.
const CFG: Cfg = Cfg {
    minify_css: true,
    minify_js: false,
};

/// Elements nested deeper than this are not given to the minifier, which recurses once per
/// level (about 3 KiB of stack each; worker threads have 2 MiB). Markdown stops at 100
/// levels; only raw HTML goes deeper.
pub const MAX_DEPTH: usize = 256;

/// `html` (whose elements nest `depth` deep) minified, or why it was not: HTML that nests
/// too deep, does not nest (an end tag that closes the wrong element, or none), or that the
/// minifiers read differently from a browser (an empty comment `<!-->`). A browser repairs
/// such HTML in ways a minifier should not guess at, so the caller writes the page as it
/// was rendered.
pub fn html(html: &[u8], depth: usize) -> Result<Vec<u8>, String> {
    if depth > MAX_DEPTH {
        return Err(format!("its elements nest {depth} deep"));
    }
    // The minifier overwrites its input as it goes, also when it gives up.
    let mut out = html.to_vec();
    let e = match minify_html_onepass::in_place(&mut out, &CFG) {
        Ok(len) => {
            out.truncate(len);
            return Ok(out);
        }
        Err(e) => e,
    };
    // The one-pass parser also gives up on well-formed HTML: an `&` just before a `&quot;`
    // in a quoted attribute value. The full parser reads attributes as a browser does, but
    // takes `<!-->` for the start of a comment that runs on, so it is not asked then.
    let empty_comment = memchr::memmem::find(html, b"<!--->").is_some()
        || memchr::memmem::find(html, b"<!-->").is_some();
    if e.error_type == ErrorType::NotFound("attribute name") && !empty_comment {
        return Ok(minify_html::minify(html, &full()));
    }
    Err(format!(
        "{} (at byte {} of the page)",
        e.error_type.message().trim_end_matches('.'),
        e.position,
    ))
}

/// The full minifier, set up as the one-pass one is.
fn full() -> minify_html::Cfg {
    minify_html::Cfg {
        minify_css: CFG.minify_css,
        minify_js: CFG.minify_js,
        ..minify_html::Cfg::default()
    }
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
    fn whitespace_and_comments_go_text_stays() {
        let page = b"<p>\n  \xe6\xad\xa3\xe6\x96\x87 <b>bold</b>  text <!-- note -->\n</p>";
        let small = html(page, 1).unwrap();
        assert_eq!(
            String::from_utf8(small).unwrap(),
            "<p>正文 <b>bold</b> text"
        );
    }

    #[test]
    fn html_closing_the_wrong_element_is_refused_not_lost() {
        let why = html(b"<div><p>a</div></p>", 2).unwrap_err();
        assert!(why.contains("byte"), "{why}");
    }

    #[test]
    fn well_formed_html_the_one_pass_parser_gives_up_on_is_minified_all_the_same() {
        let page = "<p title=\"AT&amp;&quot;T\">  a  </p><p>  b  </p>";
        let small = String::from_utf8(html(page.as_bytes(), 1).unwrap()).unwrap();
        assert_eq!(small, "<p title='AT&\"T'>a<p>b");
    }

    #[test]
    fn an_empty_comment_is_never_read_as_one_that_runs_on() {
        for page in ["<p>a<!--><p>b", "<p title=\"&&quot;\">a<!--><p>b"] {
            assert!(html(page.as_bytes(), 2).is_err(), "{page}");
        }
    }
}

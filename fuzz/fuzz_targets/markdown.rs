//! Bytes as a Markdown body, rendered as a page body is, with raw HTML allowed and escaped.
//! Links are resolved by a stand-in that keeps external links and marks the others
//! internal, so both paths of the renderer run. Must not panic; with raw HTML escaped, no
//! `<script` may come out.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tradekb::config::RawHtml;
use tradekb::content::markdown::{LinkOutcome, LinkResolver, Markdown};
use tradekb::highlight::Highlighter;

struct Links;

impl LinkResolver for Links {
    fn resolve(&self, dest: &str) -> LinkOutcome {
        if dest.contains(':') || dest.starts_with("//") {
            LinkOutcome::Keep
        } else if dest.ends_with(".missing") {
            LinkOutcome::Broken("no such file".into())
        } else {
            let (target, anchor) = match dest.split_once('#') {
                Some((p, a)) => (p.to_string(), Some(a.to_string())),
                None => (dest.to_string(), None),
            };
            LinkOutcome::Internal {
                href: format!("/{dest}"),
                target,
                anchor,
            }
        }
    }

    fn resolve_raw(&self, dest: &str) -> LinkOutcome {
        self.resolve(dest)
    }
}

fn highlighter() -> &'static Highlighter {
    static H: OnceLock<Highlighter> = OnceLock::new();
    H.get_or_init(Highlighter::default)
}

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    for raw_html in [RawHtml::Allow, RawHtml::Escape] {
        let md = Markdown {
            highlighter: highlighter(),
            raw_html,
            words: Default::default(),
        };
        let r = md.render(body, &Links);
        assert!(r.reading_time >= 1);
        for l in r
            .links
            .iter()
            .map(|l| &l.span)
            .chain(r.broken.iter().map(|b| &b.span))
        {
            assert!(
                l.start <= l.end && l.end <= body.len(),
                "span {l:?} of {}",
                body.len()
            );
        }
        if raw_html == RawHtml::Escape {
            assert!(
                !r.html.to_ascii_lowercase().contains("<script"),
                "raw HTML came out while escaped: {}",
                r.html
            );
        }
    }
});

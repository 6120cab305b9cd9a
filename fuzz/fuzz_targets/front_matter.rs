//! Bytes as the content of a Markdown file: normalised as the loader does (UTF-8 only, BOM
//! dropped, CRLF turned into LF), split at its `---` fences, its YAML read as the front
//! matter of an article, a section, a city, a tag or the home page (chosen by the first
//! byte). Must not panic, and every diagnostic must point inside the file.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use tradekb::config::Schema;
use tradekb::content::meta::{self, ArticleMeta, CityMeta, HomeMeta, SectionMeta, TagMeta};
use tradekb::text::yaml::{split, Fields};
use tradekb::Diagnostic;

fuzz_target!(|data: &[u8]| {
    let Some((&role, data)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if text.contains('\0') {
        return; // the loader refuses NUL bytes before parsing
    }
    // As the loader does: CRLF and lone CR are line breaks.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let path = Path::new("content/policies/x.md");
    let split = match split(path, &text) {
        Ok(s) => s,
        Err(d) => return check(&text, &[d]),
    };
    let mut fields = match Fields::parse(path, &text, split.front) {
        Ok(f) => f,
        Err(d) => return check(&text, &[d]),
    };
    let known = match role % 5 {
        0 => {
            let _ = ArticleMeta::read(&mut fields, &Schema::default(), Some("policies"), None);
            meta::ARTICLE_KEYS
        }
        1 => {
            let _ = SectionMeta::read(&mut fields);
            meta::SECTION_KEYS
        }
        2 => {
            let _ = CityMeta::read(&mut fields);
            meta::CITY_KEYS
        }
        3 => {
            let _ = TagMeta::read(&mut fields);
            meta::TAG_KEYS
        }
        _ => {
            let _ = HomeMeta::read(&mut fields);
            meta::HOME_KEYS
        }
    };
    if let Err(diags) = fields.finish(known) {
        check(&text, &diags);
    }
});

/// Every diagnostic's line and column lie inside `text`, and it renders.
fn check(text: &str, diags: &[Diagnostic]) {
    let lines: Vec<&str> = text.split('\n').collect();
    for d in diags {
        let _ = d.to_string();
        if let Some(p) = d.position {
            assert!(
                p.line >= 1 && p.line <= lines.len(),
                "line {} of {}: {d}",
                p.line,
                lines.len()
            );
            let chars = lines[p.line - 1].chars().count();
            assert!(
                p.column >= 1 && p.column <= chars + 1,
                "column {} of {chars}: {d}",
                p.column
            );
        }
    }
}

//! Resolve stage, names: slugs for URLs and ids for headings. Chinese text is kept as it is
//! (browsers show it readably); it is never guessed into pinyin character by character.

/// A slug an author wrote: one ASCII path segment.
pub fn is_valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && s.len() <= 200
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !s.starts_with('.')
}

/// The readable fallback slug of a term without a profile, a page's slug from a Chinese
/// file name, and the id of a heading: letters and digits of any script kept, ASCII
/// lowercased; a run of whitespace or punctuation between them (full-width included)
/// becomes one `-`, and at either end is dropped. `长沙 试点（2014）` becomes
/// `长沙-试点-2014`, so `刑法修正案（三）` (`刑法修正案-三`) and `刑法修正案三` stay two URLs.
pub fn readable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars() {
        if !(c.is_alphanumeric() || c == '_') {
            pending_dash = !out.is_empty();
        } else {
            if pending_dash {
                out.push('-');
                pending_dash = false;
            }
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// A page slug from a file name: kept when it is a valid slug, else made readable.
pub fn from_file_stem(stem: &str) -> String {
    if is_valid_slug(stem) {
        stem.to_string()
    } else {
        readable(stem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_keeps_chinese_and_drops_punctuation() {
        assert_eq!(readable("第一批试点城市"), "第一批试点城市");
        assert_eq!(readable("2014 年的新信号"), "2014-年的新信号");
        assert_eq!(readable("长沙 试点（2014）"), "长沙-试点-2014");
        assert_eq!(
            readable("Cross-Border  E-Commerce!"),
            "cross-border-e-commerce"
        );
        assert_eq!(readable("《复函》：要点"), "复函-要点");
        assert_eq!(readable("a - b -- c"), "a-b-c");
        assert_eq!(readable("snake_case"), "snake_case");
        assert_eq!(readable("  "), "");
    }

    #[test]
    fn names_that_differ_only_in_punctuation_keep_apart() {
        assert_eq!(readable("刑法修正案（三）"), "刑法修正案-三");
        assert_eq!(readable("刑法修正案三"), "刑法修正案三");
        assert_ne!(readable("刑法修正案（三）"), readable("刑法修正案三"));
        assert_eq!(readable("“引号”内容"), "引号-内容");
    }

    #[test]
    fn author_slugs_are_single_ascii_segments() {
        assert!(is_valid_slug("changsha-pilot_2014.v2"));
        assert!(!is_valid_slug("重庆"));
        assert!(!is_valid_slug("a/b"));
        assert!(!is_valid_slug(".."));
        assert!(!is_valid_slug(".hidden"));
        assert!(!is_valid_slug("a\\b"));
        assert!(!is_valid_slug(""));
    }
}

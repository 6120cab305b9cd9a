//! Titles in the order a reader looks for them: Chinese by pinyin (as a dictionary or
//! Hugo's collation orders them), not by the code points of its characters, which follow
//! radicals and strokes (东 before 安); other text case-insensitively.

use pinyin::ToPinyin;

/// What `title` sorts by: each Chinese character spelled in pinyin without tones (and
/// followed by itself, so that characters read alike still sort apart the same way every
/// time), other characters lower-cased.
pub fn key(title: &str) -> String {
    let mut key = String::with_capacity(title.len() * 2);
    for c in title.chars() {
        match c.to_pinyin() {
            Some(p) => {
                key.push_str(p.plain());
                key.push(c);
            }
            None => key.extend(c.to_lowercase()),
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use super::key;

    #[test]
    fn chinese_titles_sort_by_pinyin() {
        let mut titles = [
            "西部",
            "准备",
            "安徽",
            "第一批之后",
            "东北",
            "第一批",
            "平潭",
        ];
        titles.sort_by_key(|t| key(t));
        assert_eq!(
            titles,
            [
                "安徽",
                "第一批",
                "第一批之后",
                "东北",
                "平潭",
                "西部",
                "准备"
            ]
        );
    }

    #[test]
    fn other_text_sorts_without_regard_to_case() {
        let mut titles = ["beta", "Alpha", "海关法", "电子商务法"];
        titles.sort_by_key(|t| key(t));
        assert_eq!(titles, ["Alpha", "beta", "电子商务法", "海关法"]);
    }
}

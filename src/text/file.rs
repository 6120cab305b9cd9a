//! Reading a source file as text: UTF-8 required, a BOM dropped, line endings made `\n`.

use std::path::Path;

use crate::diagnostic::{self, Diagnostic, Problem};

/// Whether a file or folder name is hidden (`.git`, an editor's `.a.md.swp`): never a source.
pub fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

/// Whether any part of a path is hidden.
pub fn has_hidden_part(path: &Path) -> bool {
    path.components().any(|c| is_hidden(c.as_os_str()))
}

/// `path` inside `base`, with `/` between its parts (`pilots/changsha.md`); none when it is
/// not inside or a part is not UTF-8.
pub fn relative(base: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(base).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

/// Reads a text file: UTF-8 required, a BOM dropped, CRLF turned into LF.
pub fn read_text(path: &Path, display: &Path) -> Result<String, Diagnostic> {
    use std::io::Read;
    let unreadable = |message: String| Diagnostic::new(Problem::Unreadable { message }, display);
    let mut file = std::fs::File::open(path).map_err(|e| unreadable(e.to_string()))?;
    let size = file
        .metadata()
        .map_err(|e| unreadable(e.to_string()))?
        .len();
    if size > MAX_FILE_BYTES {
        let message = format!(
            "the file is {} MiB; the limit is {} MiB",
            size >> 20,
            MAX_FILE_BYTES >> 20
        );
        return Err(unreadable(message).with_help("split it into several articles"));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.read_to_end(&mut bytes)
        .map_err(|e| unreadable(e.to_string()))?;
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Diagnostic::new(Problem::EmptyFile, display)
            .with_help("write a front matter with `title:` and `date:`, or delete the file"));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid_up_to = e.utf8_error().valid_up_to();
        not_utf8(e.as_bytes(), valid_up_to, display)
    })?;
    if let Some(nul) = memchr::memchr(0, text.as_bytes()) {
        let d = Diagnostic::new(Problem::NulByte, display).at_offset(&text, nul, 1);
        return Err(d.with_help("this looks like a binary file; only text belongs in content/"));
    }
    // Old Mac files end lines with a lone CR, and YAML counts it as one: so do we.
    Ok(if memchr::memchr(b'\r', text.as_bytes()).is_some() {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    })
}

/// Larger files are refused rather than risk a slow or stuck build.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

fn not_utf8(bytes: &[u8], valid_up_to: usize, display: &Path) -> Diagnostic {
    let valid = String::from_utf8_lossy(&bytes[..valid_up_to]).into_owned();
    let (line, column) = diagnostic::line_column(&valid, valid.len());
    let mut d = Diagnostic::new(Problem::NotUtf8, display).at(&valid, line, column, 1);
    // The line as far as it goes, the bytes that are no UTF-8 shown as `�`: the caret stands
    // under the first of them.
    let line_start = bytes[..valid_up_to]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let line_end =
        memchr::memchr(b'\n', &bytes[valid_up_to..]).map_or(bytes.len(), |i| valid_up_to + i);
    d.snippet = Some(
        String::from_utf8_lossy(&bytes[line_start..line_end])
            .trim_end()
            .to_string(),
    );
    if looks_like_gbk(&bytes[valid_up_to..]) {
        let path = display.display();
        return d.with_help(format!(
            "it looks like GBK (GB2312, GB18030), as Chinese Windows editors save: convert it \
             with `iconv -f GB18030 -t UTF-8 \"{path}\" > \"{path}.utf8\"` and put that in its \
             place, or save it as UTF-8"
        ));
    }
    d.with_help("save the file as UTF-8")
}

/// Whether `bytes` (from the first that is no UTF-8 on) read as GBK text: ASCII, and pairs of a
/// lead byte 0x81–0xFE and a trail byte 0x40–0xFE (not 0x7F), most of them in GB2312's
/// range of common Chinese (both bytes 0xA1–0xFE), which Latin-1 and Shift-JIS text seldom
/// is.
fn looks_like_gbk(bytes: &[u8]) -> bool {
    let (mut pairs, mut common) = (0, 0);
    let mut rest = bytes;
    while let Some((&first, after)) = rest.split_first() {
        rest = match (first, after.first()) {
            (..=0x7f, _) => after,
            (0x81..=0xfe, Some(&trail)) if (0x40..=0xfe).contains(&trail) && trail != 0x7f => {
                pairs += 1;
                common += usize::from(first >= 0xa1 && trail >= 0xa1);
                &after[1..]
            }
            _ => return false,
        };
    }
    pairs > 0 && common * 2 > pairs
}

/// A relative path (`../pilots/a.md`, `./b/`) joined onto a folder (`policies`), `.` and `..`
/// worked out and empty parts dropped; none when it climbs above the folder's root.
pub fn join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_is_told_from_latin1_and_shift_jis() {
        assert!(looks_like_gbk(b"\xb1\xea\xcc\xe2 GBK"), "标题");
        assert!(!looks_like_gbk(b"Z\xfcrich sch\xf6n"), "Latin-1");
        assert!(!looks_like_gbk(b"\x93\xfa\x96\x7b"), "日本 in Shift-JIS");
        assert!(!looks_like_gbk(b"\xff\xfe"), "no lead byte");
    }
}

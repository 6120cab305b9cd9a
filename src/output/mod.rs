//! Write stage: minifies the rendered HTML, writes the whole site into a staging folder
//! beside the output folder, then swaps it in, so that readers and uploads never see a
//! half-written site. Never writes outside the output folder.

use std::borrow::Cow;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::render::theme::StaticFile;
use crate::render::{Contents, OutputFile, Plan};

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("refusing to write the site into {path}: {reason}")]
    Guarded { path: PathBuf, reason: String },
    #[error("output path `{path}` would leave the output folder")]
    Escapes { path: String },
    #[error("cannot write {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub files: usize,
    pub html: usize,
}

pub fn write(config: &Config, plan: Plan) -> Result<Written, WriteError> {
    guard(config)?;
    for f in &plan.files {
        check_relative(&f.path)?;
    }
    let out = &config.output_dir;
    let staging = sibling(out, "tradekb-staging");
    remove_if_exists(&staging)?;
    fs::create_dir_all(&staging).map_err(|e| io_err(&staging, e))?;
    let minify = minifier(config.minify);
    let write_all = || {
        plan.files
            .par_iter()
            .try_for_each(|f| write_one(&staging, out, f, minify.as_ref()))
    };
    // minify-html recurses once per nested element: its threads get room for deep pages.
    let result = match rayon::ThreadPoolBuilder::new()
        .stack_size(MINIFY_STACK)
        .build()
    {
        Ok(pool) => pool.install(write_all),
        Err(_) => write_all(),
    };
    let result = result.and_then(|()| {
        let marker = staging.join(MARKER);
        fs::write(&marker, MARKER_TEXT).map_err(|e| io_err(&marker, e))
    });
    if let Err(e) = result {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    swap(&staging, out)?;
    let html = plan
        .files
        .iter()
        .filter(|f| f.path.ends_with(".html"))
        .count();
    Ok(Written {
        files: plan.files.len(),
        html,
    })
}

/// Marks a folder as tradekb's output, which the next build may replace.
pub const MARKER: &str = ".tradekb-output";
const MARKER_TEXT: &str =
    "This folder is written by `tradekb build` and replaced as a whole by every build.\n";

/// The output folder must not be the site itself or hold its sources, and a folder tradekb
/// did not write is replaced only when the user says so.
fn guard(config: &Config) -> Result<(), WriteError> {
    let out = normalise(&config.output_dir);
    let refuse = |reason: &str| {
        Err(WriteError::Guarded {
            path: config.display_path(&config.output_dir),
            reason: reason.into(),
        })
    };
    if normalise(&config.root).starts_with(&out) {
        return refuse("it is the site folder or holds it");
    }
    if normalise(&config.content_dir).starts_with(&out)
        || out.starts_with(normalise(&config.content_dir))
    {
        return refuse("it is, holds or lies inside the content folder");
    }
    if out.join(crate::config::CONFIG_FILE).exists() {
        return refuse("it holds a site.yaml, so it looks like a site, not a build output");
    }
    let foreign = fs::read_dir(&out).is_ok_and(|mut entries| entries.next().is_some())
        && !out.join(MARKER).is_file();
    if foreign && !config.force {
        return refuse(
            "it is not empty and was not written by tradekb; pass --force to replace it",
        );
    }
    Ok(())
}

fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Output paths come from slugs and file names; none may climb out or be absolute.
fn check_relative(path: &str) -> Result<(), WriteError> {
    let ok = !path.is_empty()
        && !path.contains(['\\', '\0'])
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(())
    } else {
        Err(WriteError::Escapes { path: path.into() })
    }
}

fn sibling(out: &Path, tag: &str) -> PathBuf {
    let name = out
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    out.with_file_name(format!(".{name}.{tag}"))
}

fn write_one(
    staging: &Path,
    previous: &Path,
    f: &OutputFile,
    minify: Option<&minify_html::Cfg>,
) -> Result<(), WriteError> {
    let target = staging.join(&f.path);
    if let Some(dir) = target.parent() {
        fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
    }
    let bytes = final_bytes(f, minify).map_err(|e| io_err(&target, e))?;
    keep_or_write(&previous.join(&f.path), &target, &bytes).map_err(|e| io_err(&target, e))
}

/// The bytes a file gets in the output: minified HTML and CSS, others as they are.
fn final_bytes<'a>(
    f: &'a OutputFile,
    minify: Option<&minify_html::Cfg>,
) -> io::Result<Cow<'a, [u8]>> {
    let raw: Cow<[u8]> = match &f.contents {
        Contents::Bytes(b) => Cow::Borrowed(b),
        Contents::Static(StaticFile::Embedded(b)) => Cow::Borrowed(b),
        Contents::Static(StaticFile::Disk(src)) => Cow::Owned(fs::read(src)?),
    };
    Ok(match minify {
        Some(cfg)
            if f.path.ends_with(".html")
                && matches!(f.contents, Contents::Bytes(_))
                && nesting_depth(&raw) <= MAX_MINIFY_DEPTH =>
        {
            Cow::Owned(minify_html::minify(&raw, cfg))
        }
        Some(_) if f.path.ends_with(".css") => Cow::Owned(minify_css(&raw)),
        _ => raw,
    })
}

/// A file whose bytes did not change keeps the previous build's copy, and so its
/// modification time, so that uploads and rsync send only what changed.
fn keep_or_write(previous: &Path, target: &Path, bytes: &[u8]) -> io::Result<()> {
    let unchanged = fs::metadata(previous)
        .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && fs::read(previous).is_ok_and(|old| old == bytes);
    if unchanged && fs::hard_link(previous, target).is_ok() {
        return Ok(());
    }
    fs::write(target, bytes)?;
    if unchanged {
        let modified = fs::metadata(previous)?.modified()?;
        fs::File::options()
            .write(true)
            .open(target)?
            .set_modified(modified)?;
    }
    Ok(())
}

/// Stack of each writing thread: enough for minify-html on pages nested
/// [`MAX_MINIFY_DEPTH`] deep, reserved rather than used by ordinary pages.
const MINIFY_STACK: usize = 64 << 20;
/// Pages nested deeper (raw HTML can be) are written as rendered, not minified.
const MAX_MINIFY_DEPTH: usize = 1000;

/// An upper estimate of how deeply the elements of an HTML document nest: opening tags
/// count up, closing tags down; void and self-closed elements do not count.
fn nesting_depth(html: &[u8]) -> usize {
    const VOID: &[&[u8]] = &[
        b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta",
        b"source", b"track", b"wbr",
    ];
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut i = 0;
    while let Some(off) = html[i..].iter().position(|&b| b == b'<') {
        i += off + 1;
        let rest = &html[i..];
        if rest.first() == Some(&b'/') {
            depth = depth.saturating_sub(1);
            continue;
        }
        if !rest.first().is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let name_len = rest
            .iter()
            .position(|b| !b.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        let name = rest[..name_len].to_ascii_lowercase();
        let end = rest.iter().position(|&b| b == b'>').unwrap_or(rest.len());
        let self_closed = end > 0 && rest[end - 1] == b'/';
        if !VOID.contains(&name.as_slice()) && !self_closed {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

fn minifier(on: bool) -> Option<minify_html::Cfg> {
    on.then(|| minify_html::Cfg {
        minify_css: true,
        // minify-js has rewritten valid scripts wrongly before; scripts are kept as written.
        minify_js: false,
        keep_closing_tags: true,
        keep_html_and_head_opening_tags: true,
        ..minify_html::Cfg::default()
    })
}

/// Minified CSS, or the CSS as written when it does not parse (the browser will say why).
fn minify_css(css: &[u8]) -> Vec<u8> {
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

/// Puts the staged site in place of the old one.
fn swap(staging: &Path, out: &Path) -> Result<(), WriteError> {
    let old = sibling(out, "tradekb-old");
    remove_if_exists(&old)?;
    if out.exists() {
        fs::rename(out, &old).map_err(|e| io_err(out, e))?;
    }
    if let Err(e) = fs::rename(staging, out) {
        let _ = fs::rename(&old, out);
        return Err(io_err(out, e));
    }
    remove_if_exists(&old)
}

fn remove_if_exists(p: &Path) -> Result<(), WriteError> {
    match fs::remove_dir_all(p) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_err(p, e)),
    }
}

fn io_err(path: &Path, source: io::Error) -> WriteError {
    WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_depth_counts_open_elements() {
        assert_eq!(
            nesting_depth(b"<p>a<br>b<img src=x/></p><div><p>c</p></div>"),
            2
        );
        assert_eq!(nesting_depth("<div>".repeat(5000).as_bytes()), 5000);
    }

    #[test]
    fn deep_raw_html_is_written_unminified_without_crashing() {
        let html = format!("<!doctype html><p>{}x", "<span>".repeat(50_000)).into_bytes();
        let f = OutputFile {
            path: "a.html".into(),
            contents: Contents::Bytes(html.clone()),
        };
        let cfg = minifier(true);
        let out = final_bytes(&f, cfg.as_ref()).unwrap();
        assert_eq!(out.as_ref(), html.as_slice());
    }

    #[test]
    fn output_paths_stay_inside() {
        assert!(check_relative("pilots/changsha/index.html").is_ok());
        assert!(check_relative("../x.html").is_err());
        assert!(check_relative("/etc/passwd").is_err());
        assert!(check_relative("a\\..\\b").is_err());
    }
}

//! Finds the files to import under each root of the source, in a stable order, following
//! no symbolic link: links, names that are not UTF-8 and unreadable folders are reported.

use std::path::Path;

use walkdir::WalkDir;

use super::report::{ImportReport, NoteKind};
use super::tools::{join, Root};
use crate::text::file::{is_hidden, relative};

/// A regular file of the source.
#[derive(Debug, Clone)]
pub struct Found {
    pub root: Root,
    /// Inside its root, with `/`.
    pub rel: String,
    /// Inside the source folder, with `/`: how the report names it.
    pub shown: String,
}

/// Every regular file under `roots` (each skipping what it says, and hidden entries).
pub fn walk(src: &Path, roots: &[Root], report: &mut ImportReport) -> Vec<Found> {
    let mut found = Vec::new();
    for root in roots {
        walk_root(src, root, report, &mut found);
    }
    found
}

fn walk_root(src: &Path, root: &Root, report: &mut ImportReport, found: &mut Vec<Found>) {
    let base = src.join(&root.src);
    let walker = WalkDir::new(&base)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !skipped(root, e.file_name()));
    for entry in walker {
        match entry {
            Ok(e) if e.depth() == 0 => {}
            Ok(e) => visit(&base, root, &e, report, found),
            Err(e) => {
                let at = e.path().unwrap_or(&base);
                let shown = shown(src, at);
                let why = e.io_error().map_or(e.to_string(), ToString::to_string);
                report.note(
                    &shown,
                    None,
                    NoteKind::NotWritten,
                    format!("cannot read: {why}"),
                );
            }
        }
    }
}

fn skipped(root: &Root, name: &std::ffi::OsStr) -> bool {
    is_hidden(name) || name.to_str().is_some_and(root.skip)
}

fn visit(
    base: &Path,
    root: &Root,
    e: &walkdir::DirEntry,
    report: &mut ImportReport,
    found: &mut Vec<Found>,
) {
    let rel = e.path().strip_prefix(base).unwrap_or(e.path());
    let shown_path = || join(&root.src, &lossy(rel));
    if e.path_is_symlink() {
        let to = std::fs::read_link(e.path())
            .map_or(String::new(), |t| t.to_string_lossy().into_owned());
        let message = format!("symbolic link (to {to}): not followed, nothing written");
        report.note(&shown_path(), None, NoteKind::NotFollowed, message);
        return;
    }
    if !e.file_type().is_file() {
        return;
    }
    match relative(base, e.path()) {
        Some(rel) => found.push(Found {
            root: root.clone(),
            shown: join(&root.src, &rel),
            rel,
        }),
        None => {
            let message = "the file name is not valid UTF-8: not imported; rename it".to_string();
            report.note(&shown_path(), None, NoteKind::NotWritten, message);
        }
    }
}

/// A path for a person to read, whatever its bytes.
fn lossy(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

fn shown(src: &Path, path: &Path) -> String {
    lossy(path.strip_prefix(src).unwrap_or(path))
}

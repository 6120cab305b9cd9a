//! The new site's folder: checked before anything is read (not inside the source, nor the
//! source inside it; empty unless `--force`), then written file by file. A file that cannot
//! be written (a name too long for the file system) is reported, and the others written.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::report::{ImportReport, NoteKind};
use super::{IfExists, ImportError};
use crate::text::file::is_hidden;

/// One file for the new site.
#[derive(Debug, Clone)]
pub struct Planned {
    /// Inside the new site, with `/` (`content/posts/a.md`).
    pub rel: String,
    pub payload: Payload,
    /// The source file it comes from, as the report names it.
    pub shown: String,
}

#[derive(Debug, Clone)]
pub enum Payload {
    /// A converted Markdown file.
    Converted(String),
    /// A file the import writes itself: `site.yaml`, an intro for a section it made.
    Made(String),
    /// A file copied as it is, from this path.
    Copy(PathBuf),
}

/// Refuses a new site's folder inside the source (or holding it), and one that is not
/// empty unless files may be replaced.
pub fn check(src: &Path, dest: &Path, if_exists: IfExists) -> Result<(), ImportError> {
    let unreadable = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ImportError::Unreadable { path, source }
    };
    let src_real = src.canonicalize().map_err(unreadable(src))?;
    let dest_real = resolve(dest).map_err(unreadable(dest))?;
    let (src, dest) = (src.to_path_buf(), dest.to_path_buf());
    if dest_real.starts_with(&src_real) {
        return Err(ImportError::DestInsideSource { src, dest });
    }
    if src_real.starts_with(&dest_real) {
        return Err(ImportError::SourceInsideDest { src, dest });
    }
    match fs::metadata(&dest) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(unreadable(&dest)(e)),
        Ok(m) if !m.is_dir() => Err(ImportError::NotAFolder { path: dest }),
        Ok(_) if if_exists == IfExists::Replace => Ok(()),
        Ok(_) if has_visible_entries(&dest).map_err(unreadable(&dest))? => {
            Err(ImportError::NotEmpty { dest })
        }
        Ok(_) => Ok(()),
    }
}

/// `path` with every symbolic link resolved, as far as it exists; the rest appended.
fn resolve(path: &Path) -> io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut missing = Vec::new();
    let mut existing = absolute.as_path();
    loop {
        match existing.canonicalize() {
            Ok(real) => return Ok(missing.iter().rev().fold(real, |p, part| p.join(part))),
            Err(e) => {
                let (Some(parent), Some(name)) = (existing.parent(), existing.file_name()) else {
                    return Err(e);
                };
                missing.push(name.to_os_string());
                existing = parent;
            }
        }
    }
}

/// Whether a folder holds anything but hidden entries (such as `.git`).
fn has_visible_entries(dir: &Path) -> io::Result<bool> {
    for entry in fs::read_dir(dir)? {
        if !is_hidden(&entry?.file_name()) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Writes every planned file into `dest`, creating it; a file that fails is reported.
pub fn write(
    dest: &Path,
    planned: &[Planned],
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    fs::create_dir_all(dest).map_err(|source| ImportError::Write {
        path: dest.to_path_buf(),
        source,
    })?;
    for file in planned {
        let path = dest.join(&file.rel);
        // With --force: a file that was there is replaced, and the report says so.
        let replaced = fs::symlink_metadata(&path).is_ok();
        match write_one(&path, &file.payload) {
            Ok(()) if replaced => {
                record(report, file);
                let message = "replaced the file that was there (--force)".to_string();
                report.note(&file.rel, None, NoteKind::Changed, message);
            }
            Ok(()) => record(report, file),
            Err(e) => {
                let message = format!("cannot write {}: {e}", file.rel);
                report.note(&file.shown, None, NoteKind::NotWritten, message);
            }
        }
    }
    Ok(())
}

fn record(report: &mut ImportReport, file: &Planned) {
    match file.payload {
        Payload::Converted(_) => report.converted.push(file.rel.clone()),
        Payload::Copy(_) => report.copied.push(file.rel.clone()),
        Payload::Made(_) => {}
    }
}

fn write_one(path: &Path, payload: &Payload) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    // Never write through a link left in the folder (with --force).
    if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        fs::remove_file(path)?;
    }
    match payload {
        Payload::Converted(text) | Payload::Made(text) => fs::write(path, text),
        Payload::Copy(from) => fs::copy(from, path).map(|_| ()),
    }
}

//! Write stage: a staging folder beside the output folder takes every file as the render
//! stage finishes it; when the whole site is there, the staging folder replaces the output
//! folder, so that readers and uploads never see a half-written site. A build that fails
//! leaves the output folder as it was. Never writes outside the output folder. One build at
//! a time holds an output folder ([`lock`]), from before staging until the swap is done.

pub mod lock;

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use same_file::Handle;

use crate::config::Config;
use crate::render::Sink;

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("refusing to write the site into {path}: {reason}")]
    Guarded { path: PathBuf, reason: String },
    #[error("output path `{path}` would leave the output folder")]
    Escapes { path: String },
    #[error(
        "another tradekb build is writing {}/{}; not waiting for it (--no-wait)",
        .output.display(), pid_note(*.pid)
    )]
    Locked { output: PathBuf, pid: Option<u32> },
    #[error(
        "{what} {} was removed or replaced by something else while this build ran; \
         nothing was published, build again",
        .path.display()
    )]
    Changed { what: &'static str, path: PathBuf },
    #[error("cannot write {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// ` (pid N)`, or nothing when the other build has not said yet.
pub fn pid_note(pid: Option<u32>) -> String {
    pid.map(|p| format!(" (pid {p})")).unwrap_or_default()
}

/// The staging folder of one build. Dropped unfinished, it is removed.
pub struct Staging {
    dir: PathBuf,
    /// The staging folder as made, to tell it from one put in its place.
    staged: Handle,
    /// The output folder, symbolic links resolved.
    out: PathBuf,
    /// The output folder found at the start, to keep unchanged files from and to tell it
    /// from one put in its place; none when there was none.
    previous: Option<Handle>,
    /// The first write that failed; later files are not written.
    failed: Mutex<Option<WriteError>>,
    /// Time spent writing files, summed over threads.
    busy_nanos: AtomicU64,
    delay: Option<Duration>,
    finished: bool,
    /// Released after the fields above, so after `Drop` has removed an unfinished staging.
    _lock: lock::OutputLock,
}

impl Staging {
    /// Checks that the output folder may be replaced, takes its lock (waiting for another
    /// build, telling `on_wait` its process id) and makes an empty staging folder. The check
    /// comes first so that no lock file is made beside a folder that must not be written.
    pub fn begin(
        config: &Config,
        on_wait: impl FnOnce(Option<u32>),
    ) -> Result<Staging, WriteError> {
        // Links resolved, so that `public`, `./public/` and a link to it are one output, and
        // a link is kept while the folder it points to is replaced.
        let out = real(&config.output_dir);
        guard(config, &out)?;
        make_parent(&out)?;
        let lock = take_lock(config, &out, on_wait)?;
        let previous = out.is_dir().then(|| Handle::from_path(&out).ok()).flatten();
        // With the lock held, a staging folder left here is a dead build's.
        let dir = sibling(&out, "tradekb-staging");
        remove_if_exists(&dir)?;
        fs::create_dir_all(&dir).map_err(|e| io_err(&dir, e))?;
        let staged = Handle::from_path(&dir).map_err(|e| io_err(&dir, e))?;
        Ok(Staging {
            dir,
            staged,
            out,
            previous,
            failed: Mutex::new(None),
            busy_nanos: AtomicU64::new(0),
            delay: config.write_delay,
            finished: false,
            _lock: lock,
        })
    }

    /// Time the threads spent writing files.
    pub fn busy(&self) -> Duration {
        Duration::from_nanos(self.busy_nanos.load(Ordering::Relaxed))
    }

    /// Puts the staged site in place of the output folder, or reports why not (a folder
    /// changed under the build, or the first write that failed) and leaves it alone.
    pub fn finish(mut self) -> Result<(), WriteError> {
        // A folder changed under the build explains any write that failed after it.
        self.unchanged()?;
        let failed = self.failed.lock().map_or(None, |mut f| f.take());
        if let Some(e) = failed {
            return Err(e);
        }
        let marker = self.dir.join(MARKER);
        fs::write(&marker, MARKER_TEXT).map_err(|e| io_err(&marker, e))?;
        swap(&self.dir, &self.out)?;
        self.finished = true;
        Ok(())
    }

    /// Whether the staging and output folders are still the ones this build started with:
    /// something else may have removed or replaced them (writes would then have made a new,
    /// partial staging folder).
    fn unchanged(&self) -> Result<(), WriteError> {
        let changed = |what, path: &Path| WriteError::Changed {
            what,
            path: path.to_path_buf(),
        };
        if Handle::from_path(&self.dir).ok().as_ref() != Some(&self.staged) {
            return Err(changed("the staging folder", &self.dir));
        }
        let now = self
            .out
            .is_dir()
            .then(|| Handle::from_path(&self.out).ok())
            .flatten();
        if now != self.previous {
            return Err(changed("the output folder", &self.out));
        }
        Ok(())
    }

    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), WriteError> {
        check_relative(path)?;
        let target = self.dir.join(path);
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
        }
        let result = if self.previous.is_some() {
            keep_or_write(&self.out.join(path), &target, bytes)
        } else {
            fs::write(&target, bytes)
        };
        result.map_err(|e| io_err(&target, e))
    }
}

impl Sink for Staging {
    fn keeps(&self) -> bool {
        true
    }

    fn put(&self, path: &str, bytes: &[u8]) {
        if let Some(delay) = self.delay {
            std::thread::sleep(delay);
        }
        let start = Instant::now();
        let failed = self.failed.lock().is_ok_and(|f| f.is_some());
        if !failed {
            if let Err(e) = self.write(path, bytes) {
                if let Ok(mut f) = self.failed.lock() {
                    f.get_or_insert(e);
                }
            }
        }
        let nanos = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.busy_nanos.fetch_add(nanos, Ordering::Relaxed);
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let ours = Handle::from_path(&self.dir).is_ok_and(|h| h == self.staged);
        if !self.finished && ours {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Makes the folder that will hold the output folder, its staging folder and its lock.
fn make_parent(out: &Path) -> Result<(), WriteError> {
    let Some(parent) = out.parent().filter(|_| out.file_name().is_some()) else {
        return Err(WriteError::Escapes {
            path: out.display().to_string(),
        });
    };
    fs::create_dir_all(parent).map_err(|e| io_err(parent, e))
}

fn take_lock(
    config: &Config,
    out: &Path,
    on_wait: impl FnOnce(Option<u32>),
) -> Result<lock::OutputLock, WriteError> {
    let path = sibling(out, "tradekb-lock");
    lock::acquire(&path, config.if_locked, on_wait).map_err(|e| match e {
        lock::LockError::Busy { pid } => WriteError::Locked {
            output: config.display_path(&config.output_dir),
            pid,
        },
        lock::LockError::Io { path, source } => WriteError::Io { path, source },
    })
}

/// Marks a folder as tradekb's output, which the next build may replace.
pub const MARKER: &str = ".tradekb-output";
const MARKER_TEXT: &str =
    "This folder is written by `tradekb build` and replaced as a whole by every build.\n";

/// The output folder must not be the site itself or hold its sources, and a folder tradekb
/// did not write is replaced only when the user says so.
fn guard(config: &Config, out: &Path) -> Result<(), WriteError> {
    let refuse = |reason: &str| {
        Err(WriteError::Guarded {
            path: config.display_path(&config.output_dir),
            reason: reason.into(),
        })
    };
    let root = real(&config.root);
    let content = real(&config.content_dir);
    if root.starts_with(out) {
        return refuse("it is the site folder or holds it");
    }
    if content.starts_with(out) || out.starts_with(&content) {
        return refuse("it is, holds or lies inside the content folder");
    }
    if out.join(crate::config::CONFIG_FILE).exists() {
        return refuse("it holds a site.yaml, so it looks like a site, not a build output");
    }
    let foreign = fs::read_dir(out).is_ok_and(|mut entries| entries.next().is_some())
        && !out.join(MARKER).is_file();
    if foreign && !config.force {
        return refuse(
            "it is not empty and was not written by tradekb; pass --force to replace it",
        );
    }
    Ok(())
}

/// `p` made absolute, with symbolic links resolved as far as it exists (a link to a folder
/// not made yet included) and tidied beyond.
fn real(p: &Path) -> PathBuf {
    let p = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    real_from(&normalise(&p), 8)
}

fn real_from(p: &Path, links_left: u8) -> PathBuf {
    if let Ok(real) = fs::canonicalize(p) {
        return real;
    }
    let (Some(parent), Some(name)) = (p.parent(), p.file_name()) else {
        return p.to_path_buf();
    };
    match fs::read_link(p) {
        Ok(target) if links_left > 0 => real_from(&normalise(&parent.join(target)), links_left - 1),
        _ => real_from(parent, links_left).join(name),
    }
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
pub fn check_relative(path: &str) -> Result<(), WriteError> {
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

pub(crate) fn io_err(path: &Path, source: io::Error) -> WriteError {
    WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths_stay_inside() {
        assert!(check_relative("pilots/changsha/index.html").is_ok());
        assert!(check_relative("../x.html").is_err());
        assert!(check_relative("/etc/passwd").is_err());
        assert!(check_relative("a\\..\\b").is_err());
    }
}

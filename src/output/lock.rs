//! Write stage: one build at a time per output folder. The lock is an OS file lock
//! (`File::lock`, `flock` on Unix) on a file beside the output folder, since the swap renames
//! the folder itself; the OS releases it when the build ends, however it ends, so a lock is
//! never stale. The file holds the holder's process id, only to tell a waiting build whom
//! it waits for.

use std::fs::{File, TryLockError};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::config::IfLocked;

/// An output folder held by this build; released when dropped.
#[derive(Debug)]
pub struct OutputLock {
    file: File,
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // No pid of a finished build for the next waiter to name; the OS releases the lock
        // when the file closes, right after.
        let _ = self.file.set_len(0);
    }
}

/// Why the lock was not taken.
#[derive(Debug)]
pub enum LockError {
    /// Another build holds it and `IfLocked::Fail` was asked for.
    Busy {
        pid: Option<u32>,
    },
    Io {
        path: PathBuf,
        source: io::Error,
    },
}

/// Takes the lock at `path` (created if missing). When another build holds it, calls
/// `on_wait` once with that build's process id, then waits, or fails with `Busy`.
pub fn acquire(
    path: &Path,
    if_locked: IfLocked,
    on_wait: impl FnOnce(Option<u32>),
) -> Result<OutputLock, LockError> {
    let io_err = |source| LockError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(io_err)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let pid = holder(&mut file);
            if if_locked == IfLocked::Fail {
                return Err(LockError::Busy { pid });
            }
            on_wait(pid);
            file.lock().map_err(io_err)?;
        }
        Err(TryLockError::Error(e)) => return Err(io_err(e)),
    }
    sign(&mut file).map_err(io_err)?;
    Ok(OutputLock { file })
}

/// The process id the holder wrote. A holder that has only just taken the lock may not
/// have written it yet: ask again for a moment.
fn holder(file: &mut File) -> Option<u32> {
    for _ in 0..100 {
        let mut text = String::new();
        file.rewind().ok()?;
        file.read_to_string(&mut text).ok()?;
        if let Ok(pid) = text.trim().parse() {
            return Some(pid);
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    None
}

/// Writes this process's id over the last holder's, then cuts what is left of it, so that a
/// reader never finds the file empty.
fn sign(file: &mut File) -> io::Result<()> {
    let text = format!("{}\n", std::process::id());
    file.rewind()?;
    file.write_all(text.as_bytes())?;
    file.set_len(text.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_taker_is_told_who_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".public.tradekb-lock");
        let held = acquire(&path, IfLocked::Wait, |_| panic!("nobody holds it")).unwrap();
        match acquire(&path, IfLocked::Fail, |_| panic!("must not wait")) {
            Err(LockError::Busy { pid }) => assert_eq!(pid, Some(std::process::id())),
            other => panic!("expected Busy, got {other:?}"),
        }
        drop(held);
        acquire(&path, IfLocked::Fail, |_| panic!("released")).unwrap();
    }
}

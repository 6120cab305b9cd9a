//! Serve, what is served: every file of the last good build, kept in a private temporary
//! folder (a site of 10,000 articles is some 280 MB of pages, too much to hold in memory),
//! and a [`Snapshot`] that lists them, each with a digest of its bytes and the build
//! generation in which those bytes last changed (its validator for conditional requests).
//!
//! A build writes into `next/` ([`Staged`]); when it is good, the files whose bytes changed
//! are moved into `site/` one by one (a rename: a request reads the old file or the new one,
//! never half of one), the new snapshot is swapped in, and files the site no longer has are
//! removed. A build that fails leaves `site/` as it was. The search index, made in the
//! background, is served the same way from a folder beside it (`index/`, staged in
//! `index.next/`). The folder goes when `serve` ends.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use xxhash_rust::xxh3::xxh3_128;

use crate::output::{check_relative, io_err, WriteError};
use crate::render::search::{self, Handoff, Records};
use crate::render::Sink;

/// What tells one file's bytes from another's.
pub type Digest = u128;

/// A folder of `serve`'s private one: `site/` is served, `next/` takes the files of a build
/// (for the search index: `index/` and `index.next/`).
pub struct Folder {
    dir: Arc<tempfile::TempDir>,
    name: &'static str,
    /// A move into the served folder failed part way: the next publish moves every file.
    resync: bool,
}

/// Files served from a folder, as a snapshot lists them: the site's, or its search index's.
pub struct Served {
    snapshot: RwLock<Arc<Snapshot>>,
    /// The folder holding the files the snapshot lists.
    pub files: PathBuf,
}

impl Served {
    pub fn new(files: PathBuf) -> Served {
        Served {
            snapshot: RwLock::default(),
            files,
        }
    }

    /// The snapshot served now.
    pub fn current(&self) -> Arc<Snapshot> {
        self.snapshot
            .read()
            .map(|s| Arc::clone(&s))
            .unwrap_or_default()
    }
}

impl Folder {
    /// Makes an empty folder under the system's temporary folder, readable by its owner only.
    pub fn new() -> io::Result<Folder> {
        let dir = tempfile::Builder::new()
            .prefix("tradekb-serve-")
            .tempdir()?;
        Ok(Folder {
            dir: Arc::new(dir),
            name: "site",
            resync: false,
        })
    }

    /// The folder of the search index, beside this one; all go once both are dropped.
    pub fn for_index(&self) -> Folder {
        Folder {
            dir: Arc::clone(&self.dir),
            name: "index",
            resync: false,
        }
    }

    /// Makes the `planned` files those `served` serves from this folder, `made` those made
    /// again into `next/`: returns the paths that changed, or none if a planned file is
    /// neither made nor served. Only the folder's owner publishes into it.
    pub fn publish(
        &mut self,
        served: &Served,
        planned: &[String],
        made: &[(String, Digest)],
    ) -> Result<Option<Vec<String>>, WriteError> {
        let current = served.current();
        // After a move failed part way, the folder's files are not what the snapshot says:
        // every file made is moved again.
        let unknown = Snapshot {
            generation: current.generation,
            files: HashMap::new(),
        };
        let base = if self.resync { &unknown } else { &current };
        let Some((next, changed)) = base.next(planned, made) else {
            return Ok(None);
        };
        self.remove_gone(&current, &next);
        self.resync = true;
        self.bring_in(&next, made)?;
        self.resync = false;
        if let Ok(mut slot) = served.snapshot.write() {
            *slot = Arc::new(next);
        }
        self.clear();
        // Requests may still hold it; whoever lets go last frees it, not this thread.
        crate::drop_in_background(current);
        Ok(Some(changed))
    }

    /// The folder of the served files.
    pub fn site(&self) -> PathBuf {
        self.dir.path().join(self.name)
    }

    fn next(&self) -> PathBuf {
        self.dir.path().join(format!("{}.next", self.name))
    }

    /// An empty `next/` for a build to write into.
    pub fn stage(&self) -> Result<Staged, WriteError> {
        let dir = self.next();
        remove_tree(&dir).map_err(|e| io_err(&dir, e))?;
        fs::create_dir_all(&dir).map_err(|e| io_err(&dir, e))?;
        Ok(Staged {
            dir,
            made: Mutex::default(),
            failed: Mutex::default(),
            search: None,
        })
    }

    /// Moves the files of `made` that `next` says are new from `next/` into the served
    /// folder: the first time, all of `next/` at once.
    fn bring_in(&self, next: &Snapshot, made: &[(String, Digest)]) -> Result<(), WriteError> {
        let (from, to) = (self.next(), self.site());
        if !to.exists() {
            return fs::rename(&from, &to).map_err(|e| io_err(&to, e));
        }
        let new = made
            .iter()
            .filter(|(path, _)| next.get(path).is_some_and(|f| f.since == next.generation));
        for (path, _) in new {
            let target = to.join(path);
            if let Some(dir) = target.parent() {
                fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
            }
            fs::rename(from.join(path), &target).map_err(|e| io_err(&target, e))?;
        }
        Ok(())
    }

    /// Before the files of `next` are brought in: removes the files of `before` it no longer
    /// has, and the folders they leave empty (a file `report` may give way to a folder
    /// `report/`, or the other way round).
    fn remove_gone(&self, before: &Snapshot, next: &Snapshot) {
        let site = self.site();
        for path in before.files.keys().filter(|p| next.get(p).is_none()) {
            let file = site.join(&**path);
            let _ = fs::remove_file(&file);
            let mut dir = file.parent();
            while let Some(d) = dir.filter(|d| *d != site) {
                if fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
            }
        }
    }

    /// Once a build is served (or given up): removes `next/`.
    fn clear(&self) {
        let _ = remove_tree(&self.next());
    }
}

fn remove_tree(dir: &Path) -> io::Result<()> {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// A render sink writing into `next/`, keeping each file's digest.
pub struct Staged {
    dir: PathBuf,
    made: Mutex<Vec<(String, Digest)>>,
    /// The first write that failed; later files are not written.
    failed: Mutex<Option<WriteError>>,
    /// The search index's records, when they are taken rather than indexed by the render.
    search: Option<Taken>,
}

/// The search index's records taken from a render, but for the shards already known.
struct Taken {
    known: Vec<search::Digest>,
    records: Mutex<Option<Records>>,
}

impl Handoff for Taken {
    fn knows(&self, n: usize, digest: search::Digest) -> bool {
        self.known.get(n) == Some(&digest)
    }

    fn take(&self, records: Records) {
        if let Ok(mut slot) = self.records.lock() {
            *slot = Some(records);
        }
    }
}

impl Sink for Staged {
    fn keeps(&self) -> bool {
        true
    }

    fn handoff(&self) -> Option<&dyn Handoff> {
        self.search.as_ref().map(|t| t as &dyn Handoff)
    }

    fn put(&self, path: &str, bytes: &[u8]) {
        if self.failed.lock().is_ok_and(|f| f.is_some()) {
            return;
        }
        match self.write(path, bytes) {
            Ok(()) => {
                if let Ok(mut made) = self.made.lock() {
                    made.push((path.to_string(), xxh3_128(bytes)));
                }
            }
            Err(e) => {
                if let Ok(mut failed) = self.failed.lock() {
                    failed.get_or_insert(e);
                }
            }
        }
    }
}

impl Staged {
    /// The render hands the search index's records over rather than making the index: those
    /// of the shards whose digests `known` lists are left out.
    pub fn taking_records(mut self, known: Vec<search::Digest>) -> Staged {
        self.search = Some(Taken {
            known,
            records: Mutex::default(),
        });
        self
    }

    /// The records the render handed over, if it had an index to make.
    pub fn records(&self) -> Option<Records> {
        let taken = self.search.as_ref()?;
        taken.records.lock().ok()?.take()
    }

    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), WriteError> {
        check_relative(path)?;
        let target = self.dir.join(path);
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
        }
        fs::write(&target, bytes).map_err(|e| io_err(&target, e))
    }

    /// The files written, with their digests; or the first write that failed.
    pub fn finish(self) -> Result<Vec<(String, Digest)>, WriteError> {
        match self.failed.into_inner().ok().flatten() {
            Some(e) => Err(e),
            None => Ok(self.made.into_inner().unwrap_or_default()),
        }
    }
}

/// One served file.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    pub digest: Digest,
    /// The generation of the snapshot in which these bytes first appeared at this path.
    pub since: u64,
}

/// The files of one good build, by path inside the output folder (`policies/a/index.html`).
#[derive(Debug, Default, Clone)]
pub struct Snapshot {
    pub generation: u64,
    /// Paths are shared from one snapshot to the next: most stay.
    pub files: HashMap<Arc<str>, File>,
}

impl Snapshot {
    /// The snapshot of the site whose files are `planned`, one generation after `self`:
    /// `made` holds the files that were made again, the others keep their bytes. Also
    /// returns the paths whose bytes changed (added and removed ones included), sorted; none
    /// when a planned file was neither made nor served before (the caller then makes all).
    pub fn next(
        &self,
        planned: &[String],
        made: &[(String, Digest)],
    ) -> Option<(Snapshot, Vec<String>)> {
        let generation = self.generation + 1;
        let mut changed = Vec::new();
        let made: HashMap<&str, Digest> = made.iter().map(|(p, d)| (p.as_str(), *d)).collect();
        let mut next = HashMap::with_capacity(planned.len());
        for path in planned {
            let old = self.files.get_key_value(path.as_str());
            let key = old.map_or_else(|| Arc::from(path.as_str()), |(k, _)| Arc::clone(k));
            let file = match (made.get(path.as_str()), old.map(|(_, f)| f)) {
                (None, Some(old)) => old.clone(),
                (Some(&digest), Some(old)) if old.digest == digest => old.clone(),
                (Some(&digest), _) => {
                    changed.push(path.clone());
                    File {
                        digest,
                        since: generation,
                    }
                }
                (None, None) => return None,
            };
            next.insert(key, file);
        }
        changed.extend(
            self.files
                .keys()
                .filter(|p| !next.contains_key(*p))
                .map(|p| p.to_string()),
        );
        changed.sort();
        let snapshot = Snapshot {
            generation,
            files: next,
        };
        Some((snapshot, changed))
    }

    pub fn get(&self, path: &str) -> Option<&File> {
        self.files.get(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn made(list: &[(&str, &str)]) -> Vec<(String, Digest)> {
        list.iter()
            .map(|(p, b)| (p.to_string(), xxh3_128(b.as_bytes())))
            .collect()
    }

    fn paths(list: &[&str]) -> Vec<String> {
        list.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn only_changed_added_and_removed_files_are_new() {
        let all = made(&[("a", "1"), ("b", "2")]);
        let (first, changed) = Snapshot::default().next(&paths(&["a", "b"]), &all).unwrap();
        assert_eq!(changed, ["a", "b"]);
        let again = made(&[("a", "1"), ("b", "3"), ("c", "4")]);
        let (second, changed) = first.next(&paths(&["a", "b", "c"]), &again).unwrap();
        assert_eq!(changed, ["b", "c"]);
        assert_eq!(
            second.get("a").unwrap().since,
            1,
            "unchanged keeps its validator"
        );
        assert_eq!(second.get("b").unwrap().since, 2);
        let (_, changed) = second.next(&paths(&["a"]), &made(&[("a", "1")])).unwrap();
        assert_eq!(changed, ["b", "c"], "removed files count as changed");
    }

    #[test]
    fn files_not_made_again_keep_their_bytes() {
        let all = made(&[("a", "1"), ("b", "2")]);
        let (first, _) = Snapshot::default().next(&paths(&["a", "b"]), &all).unwrap();
        let (second, changed) = first
            .next(&paths(&["a", "b"]), &made(&[("b", "3")]))
            .unwrap();
        assert_eq!(changed, ["b"]);
        assert_eq!(second.get("a"), first.get("a"));
        assert!(
            first.next(&paths(&["a", "z"]), &[]).is_none(),
            "a file neither made nor served before cannot be served"
        );
    }

    /// The folder serves the new bytes of changed files, keeps unchanged ones, and drops
    /// removed ones; a build that is never brought in changes nothing.
    #[test]
    fn the_folder_follows_the_snapshots() {
        fn build(folder: &Folder, files: &[(&str, &str)]) -> Vec<(String, Digest)> {
            let staged = folder.stage().unwrap();
            for (path, bytes) in files {
                staged.put(path, bytes.as_bytes());
            }
            staged.finish().unwrap()
        }
        // Serves the files made by a build, as `serve` does.
        fn publish(folder: &mut Folder, served: &Served, files: &[(&str, &str)]) {
            let made = build(folder, files);
            let planned: Vec<String> = files.iter().map(|(p, _)| p.to_string()).collect();
            folder.publish(served, &planned, &made).unwrap().unwrap();
        }
        let mut folder = Folder::new().unwrap();
        let served = Served::new(folder.site());
        let read = |path: &str| fs::read_to_string(served.files.join(path)).ok();
        publish(
            &mut folder,
            &served,
            &[("a/index.html", "1"), ("b.css", "2")],
        );
        assert_eq!(read("a/index.html").as_deref(), Some("1"));

        let _abandoned = build(&folder, &[("a/index.html", "broken")]);
        publish(
            &mut folder,
            &served,
            &[("a/index.html", "3"), ("c/d.txt", "4")],
        );
        assert_eq!(read("a/index.html").as_deref(), Some("3"));
        assert_eq!(read("c/d.txt").as_deref(), Some("4"));
        assert_eq!(read("b.css"), None, "a removed file is not served");
        assert!(!folder.next().exists());
        assert_eq!(served.current().generation, 2);

        // The file `a/index.html` gives way to a file `a`, and `c/d.txt` to a folder `c/d.txt/`.
        publish(&mut folder, &served, &[("a", "5"), ("c/d.txt/e", "6")]);
        assert_eq!(read("a").as_deref(), Some("5"));
        assert_eq!(read("c/d.txt/e").as_deref(), Some("6"));
        let site = folder.site();
        drop(folder);
        assert!(!site.exists(), "the folder goes with serve");
    }
}

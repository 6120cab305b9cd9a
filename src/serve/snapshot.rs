//! Serve, what is served: every file of the last good build, held in memory, each with the
//! build generation in which its bytes last changed (its validator for conditional
//! requests). Input: the files a render stage put into a [`Memory`] sink. Output: a
//! [`Snapshot`] and what changed since the one before.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::render::Sink;

/// A render sink that keeps every file in memory.
#[derive(Default)]
pub struct Memory {
    files: Mutex<Vec<(String, Vec<u8>)>>,
}

impl Sink for Memory {
    fn keeps(&self) -> bool {
        true
    }

    fn put(&self, path: &str, bytes: &[u8]) {
        if let Ok(mut files) = self.files.lock() {
            files.push((path.to_string(), bytes.to_vec()));
        }
    }
}

impl Memory {
    pub fn into_files(self) -> Vec<(String, Vec<u8>)> {
        self.files.into_inner().unwrap_or_default()
    }
}

/// One served file.
#[derive(Debug, Clone)]
pub struct File {
    pub bytes: Arc<[u8]>,
    /// The generation of the snapshot in which these bytes first appeared at this path.
    pub since: u64,
}

/// The files of one good build, by path inside the output folder (`policies/a/index.html`).
#[derive(Debug, Default, Clone)]
pub struct Snapshot {
    pub generation: u64,
    pub files: HashMap<String, File>,
}

impl Snapshot {
    /// The snapshot of the site whose files are `planned`, one generation after `self`:
    /// `fresh` holds the files that were made again, the others keep their bytes. Also
    /// returns the paths whose bytes changed (added and removed ones included), sorted; none
    /// when a planned file was neither made nor served before (the caller then makes all).
    pub fn next(
        &self,
        planned: &[String],
        fresh: Vec<(String, Vec<u8>)>,
    ) -> Option<(Snapshot, Vec<String>)> {
        let generation = self.generation + 1;
        let mut changed = Vec::new();
        let mut fresh: HashMap<String, Vec<u8>> = fresh.into_iter().collect();
        let mut next = HashMap::with_capacity(planned.len());
        for path in planned {
            let file = match (fresh.remove(path), self.files.get(path)) {
                (None, Some(old)) => old.clone(),
                (Some(bytes), Some(old)) if *old.bytes == *bytes => old.clone(),
                (Some(bytes), _) => {
                    changed.push(path.clone());
                    File {
                        bytes: bytes.into(),
                        since: generation,
                    }
                }
                (None, None) => return None,
            };
            next.insert(path.clone(), file);
        }
        changed.extend(
            self.files
                .keys()
                .filter(|p| !next.contains_key(*p))
                .cloned(),
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

    fn files(list: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
        list.iter()
            .map(|(p, b)| (p.to_string(), b.as_bytes().to_vec()))
            .collect()
    }

    fn paths(list: &[&str]) -> Vec<String> {
        list.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn only_changed_added_and_removed_files_are_new() {
        let all = files(&[("a", "1"), ("b", "2")]);
        let (first, changed) = Snapshot::default().next(&paths(&["a", "b"]), all).unwrap();
        assert_eq!(changed, ["a", "b"]);
        let made = files(&[("a", "1"), ("b", "3"), ("c", "4")]);
        let (second, changed) = first.next(&paths(&["a", "b", "c"]), made).unwrap();
        assert_eq!(changed, ["b", "c"]);
        assert_eq!(
            second.get("a").unwrap().since,
            1,
            "unchanged keeps its validator"
        );
        assert_eq!(second.get("b").unwrap().since, 2);
        let (_, changed) = second.next(&paths(&["a"]), files(&[("a", "1")])).unwrap();
        assert_eq!(changed, ["b", "c"], "removed files count as changed");
    }

    #[test]
    fn files_not_made_again_keep_their_bytes() {
        let all = files(&[("a", "1"), ("b", "2")]);
        let (first, _) = Snapshot::default().next(&paths(&["a", "b"]), all).unwrap();
        let (second, changed) = first
            .next(&paths(&["a", "b"]), files(&[("b", "3")]))
            .unwrap();
        assert_eq!(changed, ["b"]);
        assert_eq!(&*second.get("a").unwrap().bytes, b"1");
        assert!(
            first.next(&paths(&["a", "z"]), Vec::new()).is_none(),
            "a file neither made nor served before cannot be served"
        );
    }
}

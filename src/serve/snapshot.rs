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
    /// The snapshot of `files`, one generation after `self`, and the paths whose bytes
    /// changed (added and removed ones included), sorted.
    pub fn next(&self, files: Vec<(String, Vec<u8>)>) -> (Snapshot, Vec<String>) {
        let generation = self.generation + 1;
        let mut changed = Vec::new();
        let mut next = HashMap::with_capacity(files.len());
        for (path, bytes) in files {
            let file = match self.files.get(&path) {
                Some(old) if *old.bytes == *bytes => old.clone(),
                _ => {
                    changed.push(path.clone());
                    File {
                        bytes: bytes.into(),
                        since: generation,
                    }
                }
            };
            next.insert(path, file);
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
        (snapshot, changed)
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

    #[test]
    fn only_changed_added_and_removed_files_are_new() {
        let (first, changed) = Snapshot::default().next(files(&[("a", "1"), ("b", "2")]));
        assert_eq!(changed, ["a", "b"]);
        let (second, changed) = first.next(files(&[("a", "1"), ("b", "3"), ("c", "4")]));
        assert_eq!(changed, ["b", "c"]);
        assert_eq!(
            second.get("a").unwrap().since,
            1,
            "unchanged keeps its validator"
        );
        assert_eq!(second.get("b").unwrap().since, 2);
        let (_, changed) = second.next(files(&[("a", "1")]));
        assert_eq!(changed, ["b", "c"], "removed files count as changed");
    }
}

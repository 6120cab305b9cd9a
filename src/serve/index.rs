//! Serve, the search index: made on a thread of its own from the records each good build
//! hands over, so that an edit is served without waiting for it (search lags behind by the
//! time the changed shards take). Only shards whose records changed are indexed again; the
//! records of a newer build join those not indexed yet (a shard changed twice is indexed
//! once, as it is now). Once every shard asked for is made, the new index is served at once,
//! never a mix of two builds' shards, and the open pages that use it are told.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::Arc;
use std::time::Instant;

use super::events::News;
use super::http::Shared;
use super::snapshot::{Folder, Snapshot, Staged};
use super::ServeObserver;
use crate::diagnostic::{Diagnostic, Problem};
use crate::render::search::{self, Digest, Record, Records};
use crate::render::Sink;
use crate::site::plan::SEARCH_DIR;

/// The build's end of the indexing thread: what it asked for last.
pub struct Indexer {
    jobs: Sender<Records>,
    /// The digest of every shard of the index asked for last.
    promised: Vec<Digest>,
    /// Set when an index could not be made: the next build hands every shard over again.
    lost: Arc<AtomicBool>,
}

/// The indexing thread's end.
pub struct Jobs {
    jobs: Receiver<Records>,
    lost: Arc<AtomicBool>,
}

pub fn channel() -> (Indexer, Jobs) {
    let (send, receive) = mpsc::channel();
    let lost = Arc::new(AtomicBool::new(false));
    let indexer = Indexer {
        jobs: send,
        promised: Vec::new(),
        lost: Arc::clone(&lost),
    };
    (
        indexer,
        Jobs {
            jobs: receive,
            lost,
        },
    )
}

impl Indexer {
    /// The digests of the shards a build need not hand over again.
    pub fn known(&mut self) -> Vec<Digest> {
        if self.lost.swap(false, Ordering::SeqCst) {
            self.promised.clear();
        }
        self.promised.clone()
    }

    /// Asks for the index of the build served now from its `records` (none: the site has
    /// no index any more).
    pub fn ask(&mut self, records: Option<Records>, shared: &Shared) {
        let records = records.unwrap_or_default();
        if records.shards.is_empty() && records.digests == self.promised {
            return;
        }
        self.promised.clone_from(&records.digests);
        shared.indexing.fetch_add(1, Ordering::SeqCst);
        if self.jobs.send(records).is_err() {
            shared.indexing.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// Makes the index asked for, round after round, until the build's end goes.
pub fn run(jobs: Jobs, folder: Folder, shared: &Shared, observer: &dyn ServeObserver) {
    // Two shards at a time (one with `-j 1`), as a build makes them: each on a thread with a
    // runtime of its own.
    let threads = rayon::current_num_threads().clamp(1, 2);
    let runtimes: Result<Vec<_>, String> = (0..threads).map(|_| search::runtime()).collect();
    let runtimes = match runtimes {
        Ok(runtimes) => runtimes,
        Err(e) => return observer.index_failed(&failure(e)),
    };
    let mut work = Work::default();
    while let Ok(records) = jobs.jobs.recv() {
        let started = Instant::now();
        work.merge(records);
        let mut taken = 1;
        let made = loop {
            match jobs.jobs.try_recv() {
                Ok(more) => {
                    work.merge(more);
                    taken += 1;
                    continue;
                }
                Err(TryRecvError::Disconnected) => return,
                Err(TryRecvError::Empty) => {}
            }
            match work.index_next(&runtimes, &folder) {
                Ok(true) => {}
                Ok(false) => break work.serve(&folder, shared),
                Err(e) => break Err(e),
            }
        };
        match made {
            Ok(Some(remade)) => {
                let folder = format!("{}{SEARCH_DIR}", shared.root);
                shared.hub.publish(News::Indexed { folder });
                observer.indexed(remade, work.served.len(), started.elapsed());
            }
            Ok(None) => {}
            Err(e) => {
                work.give_up();
                jobs.lost.store(true, Ordering::SeqCst);
                observer.index_failed(&failure(e));
            }
        }
        shared.indexing.fetch_sub(taken, Ordering::SeqCst);
        // Pagefind's data was freed on the threads that made it: hand it back.
        super::release_freed_memory();
    }
}

fn failure(message: String) -> Diagnostic {
    let problem = Problem::Unsupported {
        message: format!("the search index could not be made again: {message}"),
    };
    Diagnostic::new(problem, "(search index)")
        .with_help("the last index is still served; the next edit tries again")
}

/// The index between rounds, and the round being made.
#[derive(Default)]
struct Work {
    language: String,
    /// The digest of every shard of the index asked for last.
    wanted: Vec<Digest>,
    /// The records of the shards to index, by shard.
    pending: BTreeMap<usize, Vec<Record>>,
    /// This round's files (none yet), and the paths of each shard made in it with its digest.
    staged: Option<Staged>,
    made: BTreeMap<usize, (Digest, Vec<String>)>,
    /// The digest of every shard served now.
    served: Vec<Digest>,
}

impl Work {
    fn merge(&mut self, records: Records) {
        self.language = records.language;
        self.wanted = records.digests;
        self.pending.extend(records.shards);
        let shards = self.wanted.len();
        self.pending.retain(|&n, _| n < shards);
        self.made.retain(|&n, _| n < shards);
    }

    /// Indexes the next shards asked for into this round's files, one on each runtime; false
    /// when none is left.
    fn index_next(
        &mut self,
        runtimes: &[tokio::runtime::Runtime],
        folder: &Folder,
    ) -> Result<bool, String> {
        let mut next = Vec::new();
        while next.len() < runtimes.len() {
            let Some((n, records)) = self.pending.pop_first() else {
                break;
            };
            if self.served.get(n) == Some(&self.wanted[n]) {
                // Changed back to what is served.
                self.made.remove(&n);
            } else {
                next.push((n, records));
            }
        }
        if next.is_empty() {
            return Ok(!self.pending.is_empty());
        }
        let language = &self.language;
        let made: Result<Vec<_>, String> = std::thread::scope(|s| {
            let threads: Vec<_> = (next.into_iter().zip(runtimes))
                .map(|((n, records), runtime)| {
                    s.spawn(move || (n, search::index_shard(runtime, language, n, records)))
                })
                .collect();
            (threads.into_iter())
                .map(|t| {
                    t.join()
                        .map_err(|_| "an indexing thread stopped".to_string())
                })
                .collect()
        });
        let staged = match self.staged.take() {
            Some(staged) => staged,
            None => folder.stage().map_err(|e| e.to_string())?,
        };
        for (n, files) in made? {
            let files = files?;
            let paths = files.iter().map(|(path, _)| path.clone()).collect();
            for (path, bytes) in files {
                staged.put(&path, &bytes);
            }
            self.made.insert(n, (self.wanted[n], paths));
        }
        self.staged = Some(staged);
        super::release_freed_memory();
        Ok(true)
    }

    /// Serves the index asked for, once its shards are made: how many shards were made again,
    /// or none when the index served already is the one asked for.
    fn serve(&mut self, folder: &Folder, shared: &Shared) -> Result<Option<usize>, String> {
        let unchanged = self.made.is_empty() && self.wanted.len() == self.served.len();
        if unchanged {
            return Ok(None);
        }
        let staged = match self.staged.take() {
            Some(staged) => staged,
            None => folder.stage().map_err(|e| e.to_string())?,
        };
        let files = staged.finish().map_err(|e| e.to_string())?;
        let current = shared.index.current();
        let planned = self.planned(&current);
        let Some((next, _)) = current.next(&planned, &files) else {
            return Err("a shard of the index went missing".into());
        };
        folder.remove_gone(&current, &next);
        folder.bring_in(&next, &files).map_err(|e| e.to_string())?;
        shared.index.serve(Arc::new(next));
        folder.clear();
        let remade = self.made.len();
        self.served.clone_from(&self.wanted);
        self.made.clear();
        Ok(Some(remade))
    }

    /// Every file of the index asked for: the shards made in this round, the others as
    /// served now.
    fn planned(&self, current: &Snapshot) -> Vec<String> {
        let mut kept: HashMap<usize, Vec<String>> = HashMap::new();
        for path in current.files.keys() {
            if let Some(n) = search::shard_of(path).filter(|n| !self.made.contains_key(n)) {
                kept.entry(n).or_default().push(path.to_string());
            }
        }
        (0..self.wanted.len())
            .flat_map(|n| match self.made.get(&n) {
                Some((_, paths)) => paths.clone(),
                None => kept.remove(&n).unwrap_or_default(),
            })
            .collect()
    }

    /// After a failure: the index served stays; what was asked for is forgotten (the next
    /// build hands every shard over again).
    fn give_up(&mut self) {
        self.pending.clear();
        self.made.clear();
        self.staged = None;
        self.wanted.clone_from(&self.served);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;
    use crate::serve::http::Served;

    fn record(word: &str) -> Vec<Record> {
        let html = format!("<html lang=\"en\"><body><p>{word}</p></body></html>");
        vec![Record::whole(format!("/{word}/"), html)]
    }

    fn job(digests: &[Digest], shards: &[(usize, &str)]) -> Records {
        Records {
            language: "en".into(),
            digests: digests.to_vec(),
            shards: shards.iter().map(|&(n, w)| (n, record(w))).collect(),
        }
    }

    /// Runs the rounds as the indexing thread does, after merging `jobs`: how many shards
    /// were made again, if a new index is served.
    fn round(
        work: &mut Work,
        jobs: Vec<Records>,
        folder: &Folder,
        shared: &Shared,
    ) -> Option<usize> {
        let runtimes = [search::runtime().unwrap(), search::runtime().unwrap()];
        for j in jobs {
            work.merge(j);
        }
        while work.index_next(&runtimes, folder).unwrap() {}
        work.serve(folder, shared).unwrap()
    }

    fn shared(folder: &Folder) -> Shared {
        Shared {
            site: Served::new(folder.site()),
            index: Served::new(folder.site()),
            indexing: AtomicUsize::new(0),
            hub: Default::default(),
            root: "/".into(),
            run: 0,
            hosts: None,
            streams: AtomicUsize::new(0),
        }
    }

    fn shards_served(shared: &Shared) -> Vec<usize> {
        let index = shared.index.current();
        let mut shards: Vec<usize> = index
            .files
            .keys()
            .filter_map(|p| search::shard_of(p))
            .collect();
        shards.sort();
        shards.dedup();
        shards
    }

    #[test]
    fn only_changed_shards_are_made_again_and_a_newer_build_supersedes() {
        let folder = Folder::new().unwrap().for_index();
        let shared = shared(&folder);
        let mut work = Work::default();
        let first = job(&[1, 2], &[(0, "apple"), (1, "pear")]);
        assert_eq!(round(&mut work, vec![first], &folder, &shared), Some(2));
        assert_eq!(shards_served(&shared), [0, 1]);
        let entry = |shared: &Shared| {
            shared
                .index
                .current()
                .get("pagefind/pagefind-entry.json")
                .cloned()
        };
        let before = entry(&shared).unwrap();

        // Shard 1 changed: shard 0's files stay as they were.
        let second = job(&[1, 3], &[(1, "plum")]);
        assert_eq!(round(&mut work, vec![second], &folder, &shared), Some(1));
        assert_eq!(entry(&shared), Some(before.clone()));
        let shard_1 = "pagefind/shard-1/pagefind-entry.json";
        assert!(shared.index.current().get(shard_1).is_some());

        // A shard changed and changed back before it was indexed: nothing to make.
        let changed = job(&[4, 3], &[(0, "fig")]);
        let back = job(&[1, 3], &[(0, "apple")]);
        assert_eq!(
            round(&mut work, vec![changed, back], &folder, &shared),
            None
        );

        // Two builds in a row each change a shard: both are made, in one round.
        let a = job(&[5, 3], &[(0, "kiwi")]);
        let b = job(&[5, 6], &[(1, "lime")]);
        assert_eq!(round(&mut work, vec![a, b], &folder, &shared), Some(2));
        assert_ne!(entry(&shared), Some(before));

        // Fewer articles, one shard: the second one's files go.
        assert_eq!(
            round(&mut work, vec![job(&[5], &[])], &folder, &shared),
            Some(0)
        );
        assert_eq!(shards_served(&shared), [0]);
        assert!(!folder.site().join(shard_1).exists());
    }
}

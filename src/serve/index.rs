//! Serve, the search index: made on threads of its own from the records each good build
//! hands over, so that an edit is served without waiting for it (search lags behind by the
//! time the changed shards take). Only shards whose records changed are indexed again. A
//! round of indexing takes every build queued when it starts (a shard changed twice is
//! indexed once, as it is now); builds that come during a round wait for the next one. Once
//! every shard of the round is made, the new index is served at once, never a mix of two
//! builds' shards, and the open pages that use it are told.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use super::events::News;
use super::http::Shared;
use super::snapshot::{Folder, Snapshot, Staged};
use super::ServeObserver;
use crate::diagnostic::{Diagnostic, Problem};
use crate::render::search::{self, Bundle, Digest, Record, Records};
use crate::render::Sink;
use crate::site::plan::SEARCH_DIR;

/// The build's end of the indexing thread: what it asked for last.
pub struct Indexer {
    jobs: Sender<Records>,
    /// The digest of every shard of the index asked for last: the shards a build need not
    /// hand over again.
    promised: Vec<Digest>,
    /// Set when the index asked for could not be made: the next build hands every shard
    /// over again.
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
    pub fn ask(&mut self, records: Option<Records>, making: &Making) {
        let records = records.unwrap_or_default();
        if records.shards.is_empty() && records.digests == self.promised {
            return;
        }
        self.promised.clone_from(&records.digests);
        making.asked();
        if self.jobs.send(records).is_err() {
            making.done(1);
        }
    }
}

/// The rounds of indexing asked for and not done yet, for the requests that wait for an
/// index: one place counts them, and wakes the waiting when an index is served.
#[derive(Default)]
pub struct Making {
    state: Mutex<Rounds>,
    changed: Condvar,
}

#[derive(Default)]
struct Rounds {
    asked: usize,
    /// Serve is stopping, or the indexing thread has ended: nothing more will come.
    stopped: bool,
}

impl Making {
    fn update(&self, change: impl FnOnce(&mut Rounds)) {
        if let Ok(mut rounds) = self.state.lock() {
            change(&mut rounds);
        }
        self.changed.notify_all();
    }

    fn asked(&self) {
        self.update(|r| r.asked += 1);
    }

    fn done(&self, rounds: usize) {
        self.update(|r| r.asked = r.asked.saturating_sub(rounds));
    }

    /// Nothing more will be made: whoever waits stops waiting.
    pub fn stop(&self) {
        self.update(|r| r.stopped = true);
    }

    fn stopped(&self) -> bool {
        self.state.lock().map_or(true, |r| r.stopped)
    }

    /// Whether an index is being made.
    pub fn busy(&self) -> bool {
        self.state.lock().is_ok_and(|r| r.asked > 0 && !r.stopped)
    }

    /// Waits until `ready` holds or no index is being made, for at most `limit`.
    pub fn wait(&self, limit: Duration, ready: impl Fn() -> bool) {
        let deadline = Instant::now() + limit;
        let Ok(mut rounds) = self.state.lock() else {
            return;
        };
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if rounds.asked == 0 || rounds.stopped || left.is_zero() || ready() {
                return;
            }
            match self.changed.wait_timeout(rounds, left) {
                Ok((r, _)) => rounds = r,
                Err(_) => return,
            }
        }
    }
}

/// Stops whoever waits for an index once the indexing thread ends, however it ends.
struct Ended<'a>(&'a Making);

impl Drop for Ended<'_> {
    fn drop(&mut self) {
        self.0.stop();
    }
}

/// Makes the index asked for, round after round, until the build's end goes or serve stops.
pub fn run(jobs: Jobs, mut folder: Folder, shared: &Shared, observer: &dyn ServeObserver) {
    let _ended = Ended(&shared.making);
    // As many shards at a time as a build makes, each on a thread with a runtime of its own
    // (Pagefind's own parallel steps run on rayon's threads, which the builds use too).
    let runtimes: Result<Vec<_>, String> =
        (0..search::threads()).map(|_| search::runtime()).collect();
    let runtimes = match runtimes {
        Ok(runtimes) => runtimes,
        Err(e) => return observer.index_failed(&unavailable(e)),
    };
    let mut work = Work::default();
    while let Ok(records) = jobs.jobs.recv() {
        let started = Instant::now();
        work.merge(records);
        let mut taken = 1;
        while let Ok(more) = jobs.jobs.try_recv() {
            work.merge(more);
            taken += 1;
        }
        match work.round(&runtimes, &mut folder, shared) {
            Round::Served(remade) => {
                let folder = format!("{}{SEARCH_DIR}", shared.root);
                shared.hub.publish(News::Indexed { folder });
                observer.indexed(remade, work.served.len(), started.elapsed());
            }
            Round::Unchanged => {}
            Round::Stopped => return,
            Round::Incomplete => work.give_up(&jobs.lost),
            Round::Failed(e) => {
                work.give_up(&jobs.lost);
                observer.index_failed(&failure(e));
            }
        }
        shared.making.done(taken);
    }
}

fn failure(message: String) -> Diagnostic {
    let problem = Problem::Unsupported {
        message: format!("the search index could not be made again: {message}"),
    };
    Diagnostic::new(problem, "(search index)")
        .with_help("the last index is still served; the next edit tries again")
}

fn unavailable(message: String) -> Diagnostic {
    let problem = Problem::Unsupported {
        message: format!("search is off for this run of serve: {message}"),
    };
    Diagnostic::new(problem, "(search index)")
        .with_help("start serve again; `--no-search` leaves search out")
}

/// How a round of indexing ended.
#[derive(Debug, PartialEq)]
enum Round {
    /// A new index is served: so many shards of it were made again.
    Served(usize),
    /// The index served is the one asked for.
    Unchanged,
    /// A shard of the index asked for is neither made nor served (its records were not
    /// handed over, after a round that failed): the next build hands over every shard.
    Incomplete,
    Failed(String),
    /// Serve is stopping.
    Stopped,
}

/// The index served, and the round being made.
#[derive(Default)]
struct Work {
    language: String,
    /// The digest of every shard of the index asked for.
    wanted: Vec<Digest>,
    /// The records of the shards to index, by shard.
    pending: BTreeMap<usize, Vec<Record>>,
    /// This round's files (none yet), and the paths of each shard made in it.
    staged: Option<Staged>,
    made: BTreeMap<usize, Vec<String>>,
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

    /// Whether shard `n` is served as asked for.
    fn is_served(&self, n: usize) -> bool {
        self.served.get(n) == self.wanted.get(n)
    }

    /// Indexes the shards asked for, a few at a time, then serves the index.
    fn round(
        &mut self,
        runtimes: &[tokio::runtime::Runtime],
        folder: &mut Folder,
        shared: &Shared,
    ) -> Round {
        loop {
            let batch = self.next_batch(runtimes.len());
            if batch.is_empty() {
                return self.serve(folder, shared);
            }
            if shared.making.stopped() {
                return Round::Stopped;
            }
            if let Err(e) = self.index(batch, runtimes, folder) {
                return Round::Failed(e);
            }
        }
    }

    /// The next shards to index, as many as `threads`: those not served as asked for.
    fn next_batch(&mut self, threads: usize) -> Vec<(usize, Vec<Record>)> {
        let mut batch = Vec::new();
        while batch.len() < threads {
            let Some((n, records)) = self.pending.pop_first() else {
                break;
            };
            if self.is_served(n) {
                // Changed back to what is served.
                self.made.remove(&n);
            } else {
                batch.push((n, records));
            }
        }
        batch
    }

    /// Indexes `batch`, a shard on each runtime, into this round's files.
    fn index(
        &mut self,
        batch: Vec<(usize, Vec<Record>)>,
        runtimes: &[tokio::runtime::Runtime],
        folder: &Folder,
    ) -> Result<(), String> {
        let (language, count) = (&self.language, self.wanted.len());
        let made: Result<Vec<_>, String> = std::thread::scope(|s| {
            let threads: Vec<_> = (batch.into_iter().zip(runtimes))
                .map(|((n, records), runtime)| {
                    s.spawn(move || {
                        let files = search::index_shard(runtime, language, (n, count), records);
                        (n, files)
                    })
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
            self.made.insert(n, paths);
        }
        self.staged = Some(staged);
        // Pagefind's data was freed on the threads that made it: hand it back (at 10,000
        // articles the peak was 951 MiB without this, 654 with it).
        super::release_freed_memory();
        Ok(())
    }

    /// Serves the index asked for, once every shard of it is made in this round or served.
    fn serve(&mut self, folder: &mut Folder, shared: &Shared) -> Round {
        if self.made.is_empty() && self.served == self.wanted {
            return Round::Unchanged;
        }
        let complete =
            (0..self.wanted.len()).all(|n| self.made.contains_key(&n) || self.is_served(n));
        if !complete {
            return Round::Incomplete;
        }
        let staged = match self.staged.take() {
            Some(staged) => Ok(staged),
            None => folder.stage(),
        };
        let files = match staged.and_then(Staged::finish) {
            Ok(files) => files,
            Err(e) => return Round::Failed(e.to_string()),
        };
        let planned = self.planned(&shared.index.current());
        match folder.publish(&shared.index, &planned, &files) {
            Ok(Some(_)) => {}
            Ok(None) => return Round::Incomplete,
            Err(e) => return Round::Failed(e.to_string()),
        }
        let remade = std::mem::take(&mut self.made).len();
        self.served.clone_from(&self.wanted);
        Round::Served(remade)
    }

    /// Every file of the index asked for: the shards made in this round, the others as
    /// served now.
    fn planned(&self, current: &Snapshot) -> Vec<String> {
        let mut kept: HashMap<usize, Vec<String>> = HashMap::new();
        for path in current.files.keys() {
            let shard = search::bundle_of(path).and_then(|bundle| match bundle {
                Bundle::Newest => self.served.len().checked_sub(1),
                Bundle::Shard(i) => Some(i),
            });
            if let Some(n) = shard.filter(|n| !self.made.contains_key(n)) {
                kept.entry(n).or_default().push(path.to_string());
            }
        }
        (0..self.wanted.len())
            .flat_map(|n| match self.made.get(&n) {
                Some(paths) => paths.clone(),
                None => kept.remove(&n).unwrap_or_default(),
            })
            .collect()
    }

    /// After a round that could not be served: the index served stays; what was asked for
    /// is forgotten, and the next build hands every shard over again.
    fn give_up(&mut self, lost: &AtomicBool) {
        self.pending.clear();
        self.made.clear();
        self.staged = None;
        self.wanted.clone_from(&self.served);
        lost.store(true, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;
    use crate::serve::snapshot::Served;

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
        folder: &mut Folder,
        shared: &Shared,
    ) -> Option<usize> {
        let runtimes = [search::runtime().unwrap(), search::runtime().unwrap()];
        for j in jobs {
            work.merge(j);
        }
        match work.round(&runtimes, folder, shared) {
            Round::Served(remade) => Some(remade),
            Round::Unchanged => None,
            other => panic!("the round ended {other:?}"),
        }
    }

    fn shared(folder: &Folder) -> Shared {
        Shared {
            site: Served::new(folder.site()),
            index: Served::new(folder.site()),
            making: Making::default(),
            hub: Default::default(),
            root: "/".into(),
            run: 0,
            hosts: None,
            streams: AtomicUsize::new(0),
        }
    }

    /// The bundles of the index served now.
    fn bundles(shared: &Shared) -> Vec<String> {
        let index = shared.index.current();
        let bundles = index.files.keys().filter_map(|p| search::bundle_of(p));
        let mut names: Vec<String> = bundles.map(|b| format!("{b:?}")).collect();
        names.sort();
        names.dedup();
        names
    }

    /// When the files of the oldest shard's bundle last changed.
    fn oldest(shared: &Shared) -> Option<u64> {
        let index = shared.index.current();
        let entry = index.get("pagefind/shard-0/pagefind-entry.json");
        entry.map(|f| f.since)
    }

    #[test]
    fn only_changed_shards_are_made_again_and_a_newer_build_supersedes() {
        let mut folder = Folder::new().unwrap().for_index();
        let shared = shared(&folder);
        let mut work = Work::default();
        let first = job(&[1, 2], &[(0, "apple"), (1, "pear")]);
        assert_eq!(round(&mut work, vec![first], &mut folder, &shared), Some(2));
        assert_eq!(bundles(&shared), ["Newest", "Shard(0)"]);
        let before = oldest(&shared);
        assert!(before.is_some());

        // The newest shard changed: the oldest one's files stay as they were.
        let second = job(&[1, 3], &[(1, "plum")]);
        assert_eq!(
            round(&mut work, vec![second], &mut folder, &shared),
            Some(1)
        );
        assert_eq!(oldest(&shared), before);

        // A shard changed and changed back before it was indexed: nothing to make.
        let changed = job(&[4, 3], &[(0, "fig")]);
        let back = job(&[1, 3], &[(0, "apple")]);
        assert_eq!(
            round(&mut work, vec![changed, back], &mut folder, &shared),
            None
        );

        // Two builds in a row each change a shard: both are made, in one round.
        let a = job(&[5, 3], &[(0, "kiwi")]);
        let b = job(&[5, 6], &[(1, "lime")]);
        assert_eq!(round(&mut work, vec![a, b], &mut folder, &shared), Some(2));
        assert_ne!(oldest(&shared), before);
        let before = oldest(&shared);

        // A third shard: the newest is made, and the one that was newest is made again
        // (into a folder of its own); the oldest stays.
        let grown = job(&[5, 7, 8], &[(1, "lime"), (2, "date")]);
        assert_eq!(round(&mut work, vec![grown], &mut folder, &shared), Some(2));
        assert_eq!(bundles(&shared), ["Newest", "Shard(0)", "Shard(1)"]);
        assert_eq!(oldest(&shared), before);

        // Fewer articles, one shard: the others' files go.
        let shrunk = job(&[9], &[(0, "kiwi")]);
        assert_eq!(
            round(&mut work, vec![shrunk], &mut folder, &shared),
            Some(1)
        );
        assert_eq!(bundles(&shared), ["Newest"]);
        assert!(!folder.site().join("pagefind/shard-0").exists());
    }

    /// A shard asked for whose records never came (a round failed in between) is not served
    /// as if it were made: the index stays, and the next build hands every shard over.
    #[test]
    fn an_index_missing_a_shard_is_not_served() {
        let mut folder = Folder::new().unwrap().for_index();
        let shared = shared(&folder);
        let (mut indexer, jobs) = channel();
        let mut work = Work::default();
        let first = job(&[1, 2], &[(0, "apple"), (1, "pear")]);
        assert_eq!(round(&mut work, vec![first], &mut folder, &shared), Some(2));
        let served = shared.index.current().generation;
        let runtimes = [search::runtime().unwrap()];
        work.merge(job(&[1, 9], &[]));
        assert_eq!(
            work.round(&runtimes, &mut folder, &shared),
            Round::Incomplete
        );
        work.give_up(&jobs.lost);
        assert_eq!(shared.index.current().generation, served);
        indexer.promised = vec![1, 9];
        assert!(
            indexer.known().is_empty(),
            "every shard is handed over again"
        );
    }
}

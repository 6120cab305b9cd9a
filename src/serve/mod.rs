//! `tradekb serve`, beside the build pipeline: builds the site into a private folder, serves
//! it over HTTP, watches its sources and builds again on every change, telling the open pages what
//! changed (live reload) or what broke (an overlay with the diagnostics). The last good
//! site stays served while the sources are broken. It never touches `public/`: the files
//! it serves are exactly what `tradekb build --base-url <its address>` writes, kept in a
//! private temporary folder that goes when it stops, with the live-reload script added to
//! pages as they are sent.

pub mod events;
pub mod http;
mod index;
pub mod snapshot;
mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use events::News;
use http::Shared;
use snapshot::{Folder, Served};

use crate::config::{Config, Overrides};
use crate::diagnostic::Diagnostic;
use crate::render::search::Records;
use crate::site::plan::SEARCH_SCRIPT;
use crate::{Error, Report, Unobserved};

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub drafts: bool,
    pub future: bool,
    /// Make no search index.
    pub no_search: bool,
}

/// What a running server tells, for the command line to show.
pub trait ServeObserver: Sync {
    /// The site is served at `url`.
    fn listening(&self, _url: &str) {}
    /// A build succeeded; `changed` files now serve other bytes.
    fn built(&self, _report: &Report, _changed: usize, _took: Duration) {}
    /// A build failed; the last good site is still served.
    fn broken(&self, _problems: &[Diagnostic]) {}
    /// A new search index is served: `remade` of its `shards` were made again.
    fn indexed(&self, _remade: usize, _shards: usize, _took: Duration) {}
    /// The search index could not be made again; the last one is still served.
    fn index_failed(&self, _problem: &Diagnostic) {}
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(
        "cannot listen on {addr}: {reason}; pass --port with another number (0 picks a free one)"
    )]
    Listen { addr: SocketAddr, reason: String },
    #[error("cannot watch the site's files")]
    Watch(#[source] notify_debouncer_full::notify::Error),
    #[error("cannot make a temporary folder for the served files")]
    Folder(#[source] std::io::Error),
    #[error(transparent)]
    Site(#[from] Error),
}

/// Why a port cannot be listened on, in a user's words (not the system's error number).
fn why_not_listening(e: &(dyn std::error::Error + 'static), port: u16) -> String {
    use std::io::ErrorKind;
    match e.downcast_ref::<std::io::Error>().map(std::io::Error::kind) {
        Some(ErrorKind::AddrInUse) => "another program is already listening there".into(),
        Some(ErrorKind::PermissionDenied) if port < 1024 => {
            "ports below 1024 need more rights than this user has".into()
        }
        Some(ErrorKind::PermissionDenied) => "this user may not listen there".into(),
        Some(ErrorKind::AddrNotAvailable) => "this machine has no such address".into(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error ") {
                Some(at) => text[..at].to_string(),
                None => text,
            }
        }
    }
}

/// Stops a running server from another thread (Ctrl-C).
#[derive(Debug, Clone, Default)]
pub struct Stop(Arc<AtomicBool>);

impl Stop {
    pub fn stop(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    fn stopped(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Threads answering requests; each stream of news takes one more of its own.
const WORKERS: usize = 4;

/// Serves the site until `stop` is stopped.
pub fn serve(
    options: &ServeOptions,
    observer: &dyn ServeObserver,
    stop: &Stop,
) -> Result<(), ServeError> {
    let addr = SocketAddr::new(options.bind, options.port);
    let server = tiny_http::Server::http(addr).map_err(|e| ServeError::Listen {
        addr,
        reason: why_not_listening(&*e, options.port),
    })?;
    let server = Arc::new(server);
    let port = server
        .server_addr()
        .to_ip()
        .map_or(options.port, |a| a.port());
    let base = base_url(options, port)?;
    let folder = Folder::new().map_err(ServeError::Folder)?;
    let index_folder = folder.for_index();
    let shared = Arc::new(Shared {
        site: Served::new(folder.site()),
        index: Served::new(index_folder.site()),
        making: index::Making::default(),
        hub: events::Hub::default(),
        root: crate::config::BaseUrl::parse(&base)
            .map(|b| b.root)
            .unwrap_or_else(|_| "/".into()),
        run: run_id(),
        hosts: allowed_hosts(options.bind),
        streams: AtomicUsize::new(0),
    });
    // Watching starts first, so that an edit made while the first build runs is not lost.
    let mut watch = watch::Watch::start(&options.root).map_err(ServeError::Watch)?;
    let (indexer, jobs) = index::channel();
    std::thread::scope(|s| {
        if !options.no_search {
            s.spawn(|| index::run(jobs, index_folder, &shared, observer));
        }
        let mut site = Building::new(options, base.clone(), folder, indexer);
        site.build(&shared, observer);
        observer.listening(&base);
        let workers: Vec<_> = (0..WORKERS)
            .map(|_| spawn_worker(Arc::clone(&server), Arc::clone(&shared)))
            .collect();
        rebuild_on_change(&mut watch, &mut site, &shared, observer, stop);
        // The index thread stops between shards, and whoever waits for it stops waiting.
        shared.making.stop();
        drop(site);
        shared.hub.stop();
        for _ in &workers {
            server.unblock();
        }
        for w in workers {
            let _ = w.join();
        }
    });
    Ok(())
}

/// A number that differs from one run of `serve` to the next.
fn run_id() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// The host names a request may carry: this machine's, and the address listened on; any,
/// when listening on every address (the author asked for other machines to reach it).
fn allowed_hosts(bind: IpAddr) -> Option<Vec<String>> {
    if bind.is_unspecified() {
        return None;
    }
    let own = match bind {
        IpAddr::V6(v6) => format!("[{v6}]"),
        IpAddr::V4(v4) => v4.to_string(),
    };
    let names = ["localhost", "127.0.0.1", "[::1]"].map(String::from);
    Some(names.into_iter().chain([own]).collect())
}

fn spawn_worker(
    server: Arc<tiny_http::Server>,
    shared: Arc<Shared>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        while let Ok(request) = server.recv() {
            if http::is_stream(request.url()) || http::may_wait(&shared, request.url()) {
                // A stream lasts as long as its page, and a request for a file of a search
                // index being made may wait for it: each gets a thread of its own.
                let shared = Arc::clone(&shared);
                std::thread::spawn(move || http::answer(&shared, request));
            } else {
                http::answer(&shared, request);
            }
        }
    })
}

/// The address the site is served at: this server's, under the path of the site's own
/// base URL (`/kb/`), so that every link of the site works as published.
fn base_url(options: &ServeOptions, port: u16) -> Result<String, ServeError> {
    let config = Config::load(&options.root, &Overrides::default()).map_err(Error::from)?;
    let host = if options.bind.is_unspecified() {
        IpAddr::from([127, 0, 0, 1])
    } else {
        options.bind
    };
    let host = match host {
        IpAddr::V6(v6) => format!("[{v6}]"),
        IpAddr::V4(v4) => v4.to_string(),
    };
    Ok(format!("http://{host}:{port}{}", config.base_url.root))
}

fn rebuild_on_change(
    watch: &mut watch::Watch,
    site: &mut Building,
    shared: &Shared,
    observer: &dyn ServeObserver,
    stop: &Stop,
) {
    while !stop.stopped() {
        let batch = match watch.changes.recv_timeout(Duration::from_millis(100)) {
            Ok(batch) => batch,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                site.when_idle();
                continue;
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
        };
        // Batches that queued up while the last build ran are one change: one build. A
        // batch of errors means events were lost: the build looks at every source.
        let mut lost = batch.is_err();
        let mut events = batch.unwrap_or_default();
        while let Ok(more) = watch.changes.try_recv() {
            lost |= more.is_err();
            events.extend(more.unwrap_or_default());
        }
        let seen = watch.seen(&events).filter(|_| !lost);
        site.memo.saw(seen);
        if lost || events.iter().any(|e| watch.matters(e)) {
            watch.arm();
            site.build(shared, observer);
        }
    }
}

/// What a build made: its report, its files, and the records of its search index.
type Made = (Report, Vec<(String, snapshot::Digest)>, Option<Records>);

/// The state between builds: the base URL, whether the last build failed, what the last
/// build leaves for the next (so that an edit re-renders only what it touches), and the
/// folder the files are served from.
struct Building {
    root: PathBuf,
    folder: Folder,
    overrides: Overrides,
    broken: bool,
    memo: crate::Memo,
    /// When to hand the memory the last build freed back to the system.
    release_at: Option<Instant>,
    /// Makes the search index of each build served, in the background.
    indexer: index::Indexer,
}

impl Building {
    fn new(options: &ServeOptions, base: String, folder: Folder, indexer: index::Indexer) -> Self {
        Building {
            root: options.root.clone(),
            folder,
            overrides: Overrides {
                base_url: Some(base),
                drafts: options.drafts,
                future: options.future,
                no_search: options.no_search,
                ..Overrides::default()
            },
            broken: false,
            memo: crate::Memo::default(),
            release_at: None,
            indexer,
        }
    }

    /// Between edits: a second after a build, once the data it dropped has been freed (on
    /// threads of their own), its memory goes back to the system.
    fn when_idle(&mut self) {
        if self.release_at.is_some_and(|at| Instant::now() >= at) {
            self.release_at = None;
            release_freed_memory();
        }
    }

    /// Builds the site and serves the result, or keeps the last good site and tells the
    /// pages what broke.
    fn build(&mut self, shared: &Shared, observer: &dyn ServeObserver) {
        let started = Instant::now();
        let from_scratch = self.memo.planned().is_empty();
        let made = self.make().and_then(|(report, made, records)| {
            let changed = self.publish(shared, &made)?;
            Ok((report, changed.map(|c| (c, records))))
        });
        match made {
            Ok((report, Some((changed, records)))) => {
                // Served: its search index is made in the background.
                self.indexer.ask(records, &shared.making);
                // A build that resolved the site again (not an edit of bodies alone) frees
                // much of what the last one made.
                if report.stages.resolve > Duration::ZERO {
                    self.release_at = Some(started + Duration::from_secs(1));
                }
                observer.built(&report, changed.len(), started.elapsed());
                if std::mem::take(&mut self.broken) {
                    shared.hub.publish(News::Fixed);
                }
                if !changed.is_empty() {
                    shared.hub.publish(news_of(&shared.root, changed));
                }
            }
            Ok((_, None)) => {
                // What the memo says was made before is not served: make everything.
                self.memo = crate::Memo::default();
                if !from_scratch {
                    self.build(shared, observer);
                }
            }
            Err(e) => {
                // A failed build may have freed a whole site's worth.
                self.release_at = Some(started + Duration::from_secs(1));
                self.fail(shared, observer, e);
            }
        }
    }

    /// Renders what changed into the folder's `next/`: the report, the files made, and the
    /// records of the search index's shards that changed.
    fn make(&mut self) -> Result<Made, Error> {
        let staged = self.folder.stage()?.taking_records(self.indexer.known());
        let config = Config::load(&self.root, &self.overrides)?;
        let report = crate::render_again(&config, &staged, &Unobserved, &mut self.memo)?;
        let records = staged.records();
        Ok((report, staged.finish()?, records))
    }

    fn fail(&mut self, shared: &Shared, observer: &dyn ServeObserver, e: Error) {
        self.broken = true;
        let problems = match e {
            Error::Site(d) => d,
            other => {
                // The served folder may hold part of this build: the next one makes all.
                self.memo = crate::Memo::default();
                vec![Diagnostic::new(
                    crate::Problem::Unsupported {
                        message: other.to_string(),
                    },
                    self.root.clone(),
                )]
            }
        };
        observer.broken(&problems);
        let report = problems.iter().map(|d| d.to_string()).collect::<String>();
        shared.hub.publish(News::Broken { report });
    }

    /// Makes the planned files the served site, `made` those made again; returns the paths
    /// that changed, or none if a planned file is neither made nor served.
    fn publish(
        &mut self,
        shared: &Shared,
        made: &[(String, snapshot::Digest)],
    ) -> Result<Option<Vec<String>>, crate::output::WriteError> {
        // The search index is served from its own folder, as it is made.
        let planned: Vec<String> = (self.memo.planned().iter())
            .filter(|p| *p != SEARCH_SCRIPT)
            .cloned()
            .collect();
        self.folder.publish(&shared.site, &planned, made)
    }
}

/// Hands memory freed by the last build back to the system: a build's worker threads each
/// free into their own allocator arena, which glibc keeps otherwise; at 10,000 articles the
/// server held about 1 GiB instead of about 0.7.
pub(super) fn release_freed_memory() {
    #[cfg(target_os = "linux")]
    // SAFETY: malloc_trim only returns unused pages of the allocator's heaps to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The news of changed output paths, as the URLs pages are addressed by.
fn news_of(root: &str, changed: Vec<String>) -> News {
    let styles_only = changed.iter().all(|p| p.ends_with(".css"));
    let urls = changed
        .into_iter()
        .map(|p| format!("{root}{}", p.strip_suffix("index.html").unwrap_or(&p)))
        .collect();
    News::Changed { urls, styles_only }
}

//! Serve, watching: the site's sources (`site.yaml`, `content/`, `templates/`, `static/`,
//! `i18n/`, `themes/`) through notify, with its small debouncer so that an editor's burst
//! of writes for one save is one change. The build output and hidden files are ignored.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{
    new_debouncer, DebounceEventResult, DebouncedEvent, Debouncer, RecommendedCache,
};

/// The folders under the site root whose files make the site.
pub const SOURCES: &[&str] = &["content", "templates", "static", "i18n", "themes"];
const DEBOUNCE: Duration = Duration::from_millis(30);

/// Watches a site; dropped, it stops.
pub struct Watch {
    root: PathBuf,
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    /// Source folders being watched (some may appear later).
    watched: Vec<PathBuf>,
    pub changes: Receiver<DebounceEventResult>,
}

impl Watch {
    pub fn start(root: &Path) -> notify_debouncer_full::notify::Result<Watch> {
        // Events carry absolute paths with links resolved: so must the root they are
        // compared with (`--root .` is the default).
        let root = &std::fs::canonicalize(root)?;
        let (tx, changes) = channel();
        let mut debouncer = new_debouncer(DEBOUNCE, None, tx)?;
        // The root itself, not recursively: site.yaml, and source folders that appear.
        debouncer.watch(root, RecursiveMode::NonRecursive)?;
        let mut watch = Watch {
            root: root.to_path_buf(),
            debouncer,
            watched: Vec::new(),
            changes,
        };
        watch.arm();
        Ok(watch)
    }

    /// Starts watching the source folders that exist and are not watched yet.
    pub fn arm(&mut self) {
        for name in SOURCES {
            let dir = self.root.join(name);
            if dir.is_dir()
                && !self.watched.contains(&dir)
                && self.debouncer.watch(&dir, RecursiveMode::Recursive).is_ok()
            {
                self.watched.push(dir);
            }
        }
        self.watched.retain(|d| d.is_dir());
    }

    /// Whether `event` can change the site: not a mere read, and at a source's path.
    pub fn matters(&self, event: &DebouncedEvent) -> bool {
        !matches!(event.kind, EventKind::Access(_)) && event.paths.iter().any(|p| self.at_source(p))
    }

    fn at_source(&self, path: &Path) -> bool {
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return false;
        };
        let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
        let Some(first) = parts.next() else {
            return false;
        };
        let hidden = rel
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
        if hidden {
            return false;
        }
        first == crate::config::CONFIG_FILE || SOURCES.contains(&first.as_ref())
    }
}

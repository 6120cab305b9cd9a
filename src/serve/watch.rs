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
const DEBOUNCE: Duration = Duration::from_millis(15);

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

    /// The sources `events` name, as paths inside the site's folder (`content/a.md`); none
    /// when the watcher lost events (it asks for a rescan) or names a path it cannot say.
    pub fn seen(&self, events: &[DebouncedEvent]) -> Option<Vec<String>> {
        let mut seen = Vec::new();
        for event in events {
            if event.need_rescan() {
                return None;
            }
            if matches!(event.kind, EventKind::Access(_)) {
                continue;
            }
            for path in event.paths.iter().filter(|p| self.at_source(p)) {
                seen.push(crate::text::file::relative(&self.root, path)?);
            }
        }
        Some(seen)
    }

    fn at_source(&self, path: &Path) -> bool {
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return false;
        };
        let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
        let Some(first) = parts.next() else {
            return false;
        };
        if crate::text::file::has_hidden_part(rel) {
            return false;
        }
        first == crate::config::CONFIG_FILE || SOURCES.contains(&first.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify_debouncer_full::notify::event::{AccessKind, Flag, ModifyKind};
    use notify_debouncer_full::notify::Event;

    fn event(kind: EventKind, path: PathBuf) -> DebouncedEvent {
        DebouncedEvent::new(Event::new(kind).add_path(path), std::time::Instant::now())
    }

    /// What a build is told changed: written sources only; reads (the build's own, which
    /// the watcher reports too), hidden files and paths outside the sources are not edits,
    /// and lost events make it look at everything.
    #[test]
    fn the_sources_seen_are_the_ones_written() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        let watch = Watch::start(dir.path()).unwrap();
        let at = |rel: &str| watch.root.join(rel);
        let modify = EventKind::Modify(ModifyKind::Any);
        let events = [
            event(EventKind::Access(AccessKind::Any), at("content/read.md")),
            event(modify, at("content/a/written.md")),
            event(modify, at("content/.written.md.swp")),
            event(modify, at("public/index.html")),
            event(modify, at("site.yaml")),
        ];
        assert_eq!(
            watch.seen(&events),
            Some(vec![
                "content/a/written.md".to_string(),
                "site.yaml".to_string()
            ])
        );
        let mut lost = event(EventKind::Other, at("content"));
        lost.event = lost.event.set_flag(Flag::Rescan);
        assert_eq!(watch.seen(&[lost]), None);
    }
}

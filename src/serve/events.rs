//! Serve, live reload: the news that every open page listens to, as server-sent events
//! (`text/event-stream`): which pages changed, whether only stylesheets did, and whether
//! the site is broken (with the diagnostics for the overlay) or fixed again.

use std::collections::VecDeque;
use std::io::Write;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use serde::Serialize;

/// One piece of news for the open pages.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum News {
    /// These URLs (root-relative, as pages are addressed) now serve other bytes.
    Changed {
        urls: Vec<String>,
        styles_only: bool,
    },
    /// The last change broke the site; the last good site is still served.
    Broken { report: String },
    /// The site builds again.
    Fixed,
    /// The page fell too far behind to be told what changed: it reloads.
    Reload,
    /// A new search index is served, under `folder` (`/kb/pagefind/`): the pages that
    /// search it reload.
    Indexed { folder: String },
}

/// The news so far, for the streams of every open page.
pub struct Hub {
    state: Mutex<State>,
    arrived: Condvar,
}

struct State {
    /// The serial number of the newest piece of news.
    serial: u64,
    /// The newest pieces with their serial numbers; a page that falls further behind is
    /// told to reload.
    recent: VecDeque<(u64, News)>,
    /// What a page that connects now must be told first.
    broken: Option<News>,
    stopped: bool,
}

const KEPT: usize = 64;
/// A comment line sent when nothing happens, so that a closed page is noticed.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

impl Default for Hub {
    fn default() -> Self {
        Hub {
            state: Mutex::new(State {
                serial: 0,
                recent: VecDeque::new(),
                broken: None,
                stopped: false,
            }),
            arrived: Condvar::new(),
        }
    }
}

impl Hub {
    /// The serial number of the newest piece of news. A page served now is up to date with
    /// it; its stream starts after it.
    pub fn serial(&self) -> u64 {
        self.state.lock().map_or(0, |s| s.serial)
    }

    pub fn publish(&self, news: News) {
        let Ok(mut s) = self.state.lock() else { return };
        // The site stays broken until it is fixed, whatever else happens meanwhile (a search
        // index made in the background is served).
        match news {
            News::Broken { .. } => s.broken = Some(news.clone()),
            News::Fixed => s.broken = None,
            _ => {}
        }
        s.serial += 1;
        let serial = s.serial;
        s.recent.push_back((serial, news));
        while s.recent.len() > KEPT {
            s.recent.pop_front();
        }
        self.arrived.notify_all();
    }

    /// Ends every stream.
    pub fn stop(&self) {
        if let Ok(mut s) = self.state.lock() {
            s.stopped = true;
        }
        self.arrived.notify_all();
    }

    /// Writes the stream of one page to `out` until the page goes away or the hub stops,
    /// starting with the news after `since` (what the page was served with; now if unknown).
    pub fn stream(&self, out: &mut dyn Write, since: Option<u64>) {
        let Ok(s) = self.state.lock() else { return };
        let mut seen = since.unwrap_or(s.serial).min(s.serial);
        let oldest_kept = s.recent.front().map_or(s.serial, |(n, _)| *n);
        let mut first: Vec<News> = s.broken.iter().cloned().collect();
        if seen + 1 < oldest_kept {
            first.push(News::Reload);
            seen = s.serial;
        }
        drop(s);
        if first.iter().try_for_each(|n| send(out, n)).is_err() {
            return;
        }
        loop {
            let Some(batch) = self.wait(seen) else { return };
            let written = match &batch {
                Batch::Quiet => out
                    .write_all(b": still here\n\n")
                    .and_then(|()| out.flush()),
                Batch::News(news, last) => {
                    seen = *last;
                    news.iter().try_for_each(|n| send(out, n))
                }
            };
            if written.is_err() {
                return;
            }
        }
    }

    /// The news after `seen`, or `Quiet` after a while without any; none once stopped and
    /// all told.
    fn wait(&self, seen: u64) -> Option<Batch> {
        let s = self.state.lock().ok()?;
        let (s, _) = self
            .arrived
            .wait_timeout_while(s, KEEP_ALIVE, |s| s.serial == seen && !s.stopped)
            .ok()?;
        if s.serial == seen {
            return (!s.stopped).then_some(Batch::Quiet);
        }
        let news = s
            .recent
            .iter()
            .filter(|(n, _)| *n > seen)
            .map(|(_, news)| news.clone())
            .collect();
        Some(Batch::News(news, s.serial))
    }
}

enum Batch {
    Quiet,
    News(Vec<News>, u64),
}

fn send(out: &mut dyn Write, news: &News) -> std::io::Result<()> {
    let json = serde_json::to_string(news).unwrap_or_else(|_| "{}".into());
    write!(out, "data: {json}\n\n")?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn streamed(hub: &Hub, since: Option<u64>) -> String {
        let mut out = Vec::new();
        hub.stream(&mut out, since);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_stream_starts_after_what_its_page_was_served_with() {
        let hub = Hub::default();
        hub.publish(News::Fixed);
        let served_at = hub.serial();
        hub.publish(News::Changed {
            urls: vec!["/a/".into()],
            styles_only: false,
        });
        hub.stop();
        let text = streamed(&hub, Some(served_at));
        assert_eq!(
            text,
            "data: {\"kind\":\"changed\",\"urls\":[\"/a/\"],\"styles_only\":false}\n\n"
        );
    }

    #[test]
    fn a_page_too_far_behind_is_told_to_reload() {
        let hub = Hub::default();
        for _ in 0..KEPT + 5 {
            hub.publish(News::Fixed);
        }
        hub.stop();
        assert_eq!(streamed(&hub, Some(1)), "data: {\"kind\":\"reload\"}\n\n");
    }

    #[test]
    fn a_page_that_opens_while_the_site_is_broken_is_told_at_once() {
        let hub = Hub::default();
        hub.publish(News::Broken {
            report: "error".into(),
        });
        hub.stop();
        assert!(streamed(&hub, None).contains("\"broken\""));
    }

    #[test]
    fn the_site_stays_broken_until_it_is_fixed() {
        let hub = Hub::default();
        hub.publish(News::Broken {
            report: "error".into(),
        });
        hub.publish(News::Indexed {
            folder: "/pagefind/".into(),
        });
        let now = hub.serial();
        hub.stop();
        let opened_now = streamed(&hub, Some(now));
        assert!(
            opened_now.starts_with("data: {\"kind\":\"broken\""),
            "{opened_now}"
        );
    }
}

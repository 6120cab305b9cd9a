//! What a build tells while it runs, for the command line to show (a waiting message,
//! progress bars): the library prints nothing. A leaf: it imports nothing of the crate.

/// The parts of a build that report progress, item by item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Reading and parsing the files under `content/`.
    Load,
    /// Turning Markdown bodies into HTML.
    Markdown,
    /// Rendering, minifying and writing every file of the site.
    Render,
}

impl Step {
    pub fn label(self) -> &'static str {
        match self {
            Step::Load => "loading",
            Step::Markdown => "markdown",
            Step::Render => "rendering",
        }
    }
}

/// Receives a build's events. Called from worker threads; every method has a default that
/// ignores the event.
pub trait Observer: Sync {
    /// Another build (process `pid`, when known) is writing the same output folder; this
    /// build waits until it is done.
    fn waiting_for_output(&self, _pid: Option<u32>) {}
    /// `step` begins, with `total` items to do.
    fn started(&self, _step: Step, _total: usize) {}
    /// One item of `step` is done.
    fn advanced(&self, _step: Step) {}
    /// `step` is over.
    fn finished(&self, _step: Step) {}
}

/// Ignores every event.
pub struct Unobserved;

impl Observer for Unobserved {}

/// Runs `f` over `items` as `step`, telling `observer` as each item is done.
pub fn each<T, R>(
    observer: &dyn Observer,
    step: Step,
    items: &[T],
    f: impl Fn(&T) -> R + Sync + Send,
) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    use rayon::prelude::*;
    observer.started(step, items.len());
    let out = items
        .par_iter()
        .map(|item| {
            let r = f(item);
            observer.advanced(step);
            r
        })
        .collect();
    observer.finished(step);
    out
}

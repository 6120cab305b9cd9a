//! Render stage, last check: crawls the rendered HTML as a reader would, so that a link a
//! template writes (or raw HTML in content) to a page or an anchor that does not exist stops
//! the build, just as a broken Markdown link does.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use super::theme::Theme;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Problem};
use crate::site::links::{has_scheme, percent_decode};
use crate::site::plan::{Output, Plan};
use crate::text::html::Reading;

/// Checks the links of each page as it is finished. Whether a file exists is known at once
/// (every output path is known before rendering); whether another page has an id is
/// known only when all pages are done, so those links wait in [`Crawled`].
pub struct Crawl<'a> {
    files: &'a [&'a str],
    /// The files and the folders whose `index.html` is a file (`policies/a/`, and `` for
    /// the home page), gathered when the first page is checked (a build of `serve` may
    /// check few pages, or none).
    known: std::sync::OnceLock<Known<'a>>,
    /// The base URL's path (`/` or `/kb/`).
    root: &'a str,
    /// Redirect pages (old URLs) to the file of the page each sends readers on to: an
    /// anchor is looked for there.
    redirects: HashMap<String, String>,
}

/// What is kept of one page after its links are checked: little, so that a large site's
/// pages need not stay in memory.
#[derive(Debug, Default, Clone)]
pub struct Crawled {
    ids: Ids,
    /// Links to an anchor on another page: href, target file, fragment.
    pending: Vec<(String, String, String)>,
    /// Links that lead nowhere: href and why.
    dead: Vec<(String, String)>,
    /// `http:` and `https:` links, for `check --external`.
    pub external: Vec<String>,
}

struct Known<'a> {
    files: FastSet<&'a str>,
    folders: FastSet<&'a str>,
}

/// Looked up for every link of every page: a fast hash, as the keys are the site's own.
type FastSet<T> = HashSet<T, foldhash::fast::RandomState>;

impl<'a> Crawl<'a> {
    pub fn new(files: &'a [&'a str], root: &'a str, redirects: HashMap<String, String>) -> Self {
        Crawl {
            files,
            known: std::sync::OnceLock::new(),
            root,
            redirects,
        }
    }

    fn known(&self) -> &Known<'a> {
        self.known.get_or_init(|| Known {
            files: self.files.iter().copied().collect(),
            folders: (self.files.iter())
                .filter_map(|f| f.strip_suffix("index.html"))
                .filter(|f| f.is_empty() || f.ends_with('/'))
                .collect(),
        })
    }

    /// Checks what can be checked of `page`'s links now.
    pub fn page(&self, page: &str, reading: Reading) -> Crawled {
        let mut out = Crawled {
            ids: Ids::new(&reading.ids),
            ..Crawled::default()
        };
        for href in &reading.links {
            if has_scheme(href) || href.starts_with("//") {
                let web = ["http://", "https://"].iter().any(|s| {
                    href.get(..s.len())
                        .is_some_and(|h| h.eq_ignore_ascii_case(s))
                });
                if web {
                    out.external.push(href.to_string());
                }
                continue;
            }
            let (path, fragment) = match href.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (&**href, None),
            };
            let path = path.split_once('?').map_or(path, |(p, _)| p);
            let target: Cow<str> = if path.is_empty() {
                Cow::Borrowed(page)
            } else {
                let inside = match path.strip_prefix(self.root) {
                    Some(inside) => percent_decode(inside),
                    // Root-relative outside the base URL's path: not this site's.
                    None if path.starts_with('/') => continue,
                    None => match beside(page, &percent_decode(path)) {
                        Some(joined) => Cow::Owned(joined),
                        None => {
                            let reason = "it points above the site's root".to_string();
                            out.dead.push((href.to_string(), reason));
                            continue;
                        }
                    },
                };
                let folder = inside.is_empty() || inside.ends_with('/');
                let found = if folder {
                    self.known().folders.contains(&*inside)
                } else {
                    self.known().files.contains(&*inside)
                };
                // Most links name a page that is there and no anchor: nothing more to do.
                if found && fragment.is_none_or(str::is_empty) {
                    continue;
                }
                let file = if folder {
                    Cow::Owned(format!("{inside}index.html"))
                } else {
                    inside
                };
                let file = match self.redirects.get(&*file) {
                    Some(to) => Cow::Owned(to.clone()),
                    None => file,
                };
                if !found {
                    let reason = format!("no file {file} in the built site");
                    out.dead.push((href.to_string(), reason));
                    continue;
                }
                file
            };
            let Some(fragment) = fragment.map(percent_decode).filter(|f| !f.is_empty()) else {
                continue;
            };
            if target == page {
                if !out.ids.has(&fragment) {
                    let reason = format!("{target} has no element with id `{fragment}`");
                    out.dead.push((href.to_string(), reason));
                }
            } else {
                out.pending
                    .push((href.to_string(), target.into_owned(), fragment.into_owned()));
            }
        }
        out.dead.sort();
        out.dead.dedup();
        out
    }
}

/// A relative URL as the browser resolves it from the file at `page`: a site path, or none
/// when it climbs above the root.
fn beside(page: &str, relative: &str) -> Option<String> {
    let dir = page.rsplit_once('/').map_or("", |(d, _)| d);
    let joined = crate::text::file::join(dir, relative)?;
    let folder = relative.is_empty() || relative.ends_with('/') || relative.ends_with("/.");
    Some(if folder && !joined.is_empty() {
        joined + "/"
    } else {
        joined
    })
}

/// A page's ids, sorted, kept in one string (a page has dozens: one allocation each made
/// many small ones, for every page of the site).
#[derive(Debug, Default, Clone)]
struct Ids {
    text: String,
    /// Where each id ends in `text`.
    ends: Vec<u32>,
}

impl Ids {
    fn new(sorted: &[Cow<str>]) -> Ids {
        let mut ids = Ids {
            text: String::with_capacity(sorted.iter().map(|id| id.len()).sum()),
            ends: Vec::with_capacity(sorted.len()),
        };
        for id in sorted {
            ids.text.push_str(id);
            ids.ends
                .push(u32::try_from(ids.text.len()).unwrap_or(u32::MAX));
        }
        ids
    }

    fn get(&self, i: usize) -> &str {
        let start = i.checked_sub(1).map_or(0, |j| self.ends[j] as usize);
        self.text
            .get(start..self.ends[i] as usize)
            .unwrap_or_default()
    }

    fn has(&self, id: &str) -> bool {
        let (mut low, mut high) = (0, self.ends.len());
        while low < high {
            let mid = (low + high) / 2;
            match self.get(mid).cmp(id) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    }
}

/// A link a page has that leads nowhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dead {
    /// The page's path in the output folder.
    pub page: String,
    pub href: String,
    pub reason: String,
}

/// Every link of `pages` that leads nowhere, by page and then link.
pub fn dead(pages: &[(String, Arc<Crawled>)]) -> Vec<Dead> {
    let by_path: HashMap<&str, &Crawled> = pages.iter().map(|(p, c)| (p.as_str(), &**c)).collect();
    let mut out = Vec::new();
    for (page, c) in pages {
        let late = c.pending.iter().filter_map(|(href, target, fragment)| {
            let found = by_path
                .get(target.as_str())
                .is_some_and(|t| t.ids.has(fragment));
            (!found).then(|| {
                let reason = format!("{target} has no element with id `{fragment}`");
                (href.clone(), reason)
            })
        });
        for (href, reason) in c.dead.iter().cloned().chain(late) {
            out.push(Dead {
                page: page.clone(),
                href,
                reason,
            });
        }
    }
    out.sort_by(|a, b| (&a.page, &a.href).cmp(&(&b.page, &b.href)));
    out
}

/// The crawl's verdict on every page's links, once all pages are known: each dead link a
/// problem of the template that wrote it, once per place in that template.
pub fn no_dead_links(
    config: &Config,
    theme: &Theme,
    plan: &Plan,
    crawled: &[(String, Arc<Crawled>)],
) -> Result<(), Vec<Diagnostic>> {
    let dead = dead(crawled);
    if dead.is_empty() {
        return Ok(());
    }
    let outputs: HashMap<&str, &Output> = (plan.files.iter())
        .map(|f| (f.path.as_str(), &f.output))
        .collect();
    // By where the link is written and what it is: one problem, however many pages.
    let mut found: BTreeMap<(String, usize, String), (Diagnostic, usize)> = BTreeMap::new();
    for d in dead {
        let template = match outputs.get(d.page.as_str()) {
            Some(Output::Page(job)) => Some(job.template()),
            Some(Output::Redirect(_)) => Some(super::theme::REDIRECT),
            _ => None,
        };
        let key = (d.page.clone(), 0, d.href.clone());
        let (problem, at) = dead_template_link(config, theme, template, d);
        let key = match at {
            Some(at) => (problem.path.display().to_string(), at, key.2),
            None => key,
        };
        found.entry(key).or_insert((problem, 0)).1 += 1;
    }
    let mut problems: Vec<Diagnostic> = (found.into_values())
        .map(|(d, pages)| match pages {
            1 => d,
            n => {
                let help = format!(
                    "{} (and {} more pages)",
                    d.help.clone().unwrap_or_default(),
                    n - 1
                );
                d.with_help(help)
            }
        })
        .collect();
    crate::diagnostic::sort(&mut problems);
    Err(problems)
}

/// A dead link the crawl found in a page, as a problem of the template that renders the
/// page: at the link where that template, or one it extends or includes, writes it as it is
/// (or after `{{ site.root }}`), with that place's byte offset; at the template when the
/// link is made from data.
fn dead_template_link(
    config: &Config,
    theme: &Theme,
    template: Option<&str>,
    dead: Dead,
) -> (Diagnostic, Option<usize>) {
    let output = config.display_path(&config.output_dir).join(&dead.page);
    let problem = Problem::BrokenLink {
        target: dead.href.clone(),
        reason: dead.reason,
    };
    let Some(name) = template else {
        let d = Diagnostic::new(problem, output).with_help("the link is written by a template");
        return (d, None);
    };
    let inside = dead.href.strip_prefix(config.base_url.root.as_str());
    let written = [Some(dead.href.as_str()), inside.filter(|i| !i.is_empty())];
    let found = template_chain(theme, name).into_iter().find_map(|t| {
        let at = written
            .iter()
            .flatten()
            .find_map(|w| t.source.find(w).map(|i| (i, w.len())));
        at.map(|at| (t, at))
    });
    let help = format!("found on {}, which {name} renders", output.display());
    match found {
        Some((t, (offset, width))) => {
            let d = Diagnostic::new(problem, t.origin.clone()).at_offset(&t.source, offset, width);
            (d.with_help(help), Some(offset))
        }
        None => {
            let origin = theme
                .templates
                .get(name)
                .map_or(output, |t| t.origin.clone());
            (Diagnostic::new(problem, origin).with_help(help), None)
        }
    }
}

/// The template `name`, those it names (extends, includes, imports), nearest first, then
/// the partials (`partials/…`, where components live, used without being named); never
/// another page's template.
fn template_chain<'t>(theme: &'t Theme, name: &str) -> Vec<&'t super::theme::Template> {
    let mut names = vec![name.to_string()];
    let mut i = 0;
    while let Some(t) = names.get(i).and_then(|n| theme.templates.get(n)) {
        let quoted = t.source.split('"').skip(1).step_by(2);
        for n in quoted.filter(|n| theme.templates.contains_key(*n)) {
            if !names.iter().any(|have| have == n) {
                names.push(n.to_string());
            }
        }
        i += 1;
    }
    let partials = theme
        .templates
        .keys()
        .filter(|n| n.starts_with("partials/"));
    for n in partials {
        if !names.iter().any(|have| have == n) {
            names.push(n.clone());
        }
    }
    names
        .iter()
        .filter_map(|n| theme.templates.get(n))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crawl(files: &[(&str, &str)]) -> Vec<Dead> {
        let paths: Vec<&str> = files.iter().map(|(p, _)| *p).collect();
        let crawl = Crawl::new(&paths, "/kb/", HashMap::new());
        let pages: Vec<(String, Arc<Crawled>)> = files
            .iter()
            .map(|(p, html)| {
                let reading = crate::text::html::scan(html.as_bytes()).reading();
                (p.to_string(), Arc::new(crawl.page(p, reading)))
            })
            .collect();
        dead(&pages)
    }

    #[test]
    fn dead_pages_and_anchors_are_found_live_ones_pass() {
        let problems = crawl(&[
            ("index.html", "<a href=\"/kb/a/\">a</a><a href=\"/kb/a/#x\">x</a><a href=\"/kb/a/#nope\">n</a><a href=\"/kb/gone/\">g</a><a href=\"https://e.org/\">e</a><a href=\"#self\" id=\"self\">s</a><a href=\"#other\">o</a>"),
            ("a/index.html", "<h2 id=\"x\">x</h2>"),
        ]);
        let targets: Vec<&str> = problems.iter().map(|d| d.href.as_str()).collect();
        assert_eq!(targets, ["#other", "/kb/a/#nope", "/kb/gone/"]);
        assert_eq!(problems[0].page, "index.html");
    }

    #[test]
    fn a_pages_ids_are_found_whole_not_by_their_beginnings() {
        // As a scan sorts them: by their bytes.
        let sorted: Vec<Cow<str>> = ["a", "ab", "x", "一-总体要求"].map(Cow::from).to_vec();
        let ids = Ids::new(&sorted);
        for id in ["a", "ab", "一-总体要求", "x"] {
            assert!(ids.has(id), "{id}");
        }
        for id in ["", "b", "一", "一-总体要求-续", "y"] {
            assert!(!ids.has(id), "{id}");
        }
        assert!(!Ids::new(&[]).has("a"));
    }

    #[test]
    fn links_with_a_scheme_or_a_host_are_not_the_sites() {
        let problems = crawl(&[(
            "a/index.html",
            "<a href=\"mailto:a@b.c\">m</a><a href=\"tel:+86\">t</a><a href=\"HTTPS://E.ORG/\">h</a><a href=\"//cdn.example/x.js\">c</a><a href=\"ftp://f/\">f</a><img src=\"data:image/png;base64,AA\">",
        )]);
        assert_eq!(problems, Vec::new());
    }

    #[test]
    fn relative_urls_are_resolved_from_the_page() {
        let problems = crawl(&[
            ("a/index.html", "<a href=\"../b/\">b</a><a href=\"x.png\">x</a><a href=\"../c/\">c</a><a href=\"../../up/\">u</a><a href=\"../b/#n\">n</a><a href=\"./\">self</a>"),
            ("a/x.png", ""),
            ("b/index.html", "<a name=\"n\"></a>"),
        ]);
        let shown: Vec<String> = problems
            .iter()
            .map(|d| format!("{} {}: {}", d.page, d.href, d.reason))
            .collect();
        assert_eq!(
            shown,
            [
                "a/index.html ../../up/: it points above the site's root",
                "a/index.html ../c/: no file c/index.html in the built site",
            ]
        );
    }
}

//! Render stage between builds, for `serve`: what the last good build made and from what, so
//! that the next build renders only what an edit touched.
//!
//! Every Markdown body and every page, feed and redirect gets a key: a hash of everything its
//! render reads. A body's key covers its whole source file, its page's path and everything
//! its links resolve against; a file's key covers the templates, the config and the values
//! its template receives, with each article standing in by the hash of its list record and
//! the key of its body. A file whose key is the one it had in the last good build has the
//! bytes it had then, so it is not rendered again: `serve` keeps those bytes. Pages made from
//! the site's structure (home, the tag and city indexes, 404, sitemap, robots) are keyed by
//! the epoch of the resolve that made the site, so they are kept only while it is the same
//! (an edit of article bodies alone). Files copied as they are (theme statics, content
//! assets) are keyed by their bytes, read again by every build: a site with many images pays
//! for that. The plan's paths are part of every key, so adding or removing a file makes
//! everything again.
//!
//! Each file's key also records which articles it read; a build of the same site keys again
//! only the files that read an article whose record or body changed (and the copied files).
//! The incremental tests check the result against full builds after random edits.

use std::collections::HashMap;
use std::hash::Hasher as _;
use std::sync::Arc;

use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

use super::context::Record;
use super::crawl::Crawled;
use super::pages::Pages;
use super::theme::{StaticFile, Theme};
use super::views::Views;
use crate::config::Config;
use crate::content::markdown::Rendered;
use crate::site::plan::{ApiFile, Output, PageJob, Plan};
use crate::site::{Page, PageId, Site, Table};
use rayon::prelude::*;

/// What one build leaves for the next.
#[derive(Default)]
pub struct Memo {
    /// Markdown bodies by their key.
    pub(super) bodies: HashMap<u64, Rendered>,
    /// The files of the last good build that have a key, by path.
    pub(super) files: HashMap<String, Kept>,
    /// Every path of the last good build's plan.
    pub(super) planned: Vec<String>,
    /// Articles' list records by their key, with the hash of each: the last good build's,
    /// and those of failed builds since. A build takes out those it uses and gives them back.
    pub(super) refs: HashMap<u64, (Record, u64)>,
    /// The keys of the list records the last build used.
    ref_keys: Table<PageId, u64>,
    /// What those keys were made from: the site-wide key and the epoch, and each article's
    /// body key.
    ref_basis: Option<((u64, u64), Table<PageId, u64>)>,
    /// Which files of the last good build read which article.
    readers: Option<Readers>,
    /// This build's, until it turns out good.
    next_readers: Option<Readers>,
}

impl Memo {
    /// Every file the last good build had, by path inside the output folder.
    pub fn planned(&self) -> &[String] {
        &self.planned
    }

    /// Takes back the Markdown bodies a build used. After a failed build the ones from before
    /// are kept too: undoing the edit that broke the site finds them again.
    pub(super) fn take_back(
        &mut self,
        keys: Table<PageId, u64>,
        bodies: Table<PageId, Rendered>,
        built: bool,
    ) {
        if keys.is_empty() {
            return;
        }
        // The build took the bodies it found out of the table: what is left there after a
        // good build was not used by it. The table is kept, and so its capacity.
        if built {
            self.bodies.clear();
        }
        self.bodies.extend(keys.into_iter().zip(bodies));
    }

    /// Takes back what a build used; with `good` (the files it kept and every planned path)
    /// only after a good build, so that the files stay those of the site being served.
    pub(super) fn finish(
        &mut self,
        body_keys: Table<PageId, u64>,
        bodies: Table<PageId, Rendered>,
        good: Option<(HashMap<String, Kept>, &[&str])>,
    ) {
        self.take_back(body_keys, bodies, good.is_some());
        let next_readers = self.next_readers.take();
        if let Some((kept, planned)) = good {
            self.settle();
            self.readers = next_readers;
            let planned = planned.iter().map(|p| p.to_string()).collect();
            let old = (
                std::mem::replace(&mut self.files, kept),
                std::mem::replace(&mut self.planned, planned),
            );
            crate::drop_in_background(old);
        }
    }

    /// Takes back the list records a build used (see [`page_refs`]).
    pub(super) fn give_back_refs(&mut self, refs: Table<PageId, Record>, hashes: &[u64]) {
        let records = refs.into_vec().into_iter().zip(hashes.iter().copied());
        self.refs.extend(self.ref_keys.iter().copied().zip(records));
    }

    /// After a good build, forgets the list records it did not use.
    fn settle(&mut self) {
        let used: std::collections::HashSet<u64> = self.ref_keys.iter().copied().collect();
        self.refs.retain(|k, _| used.contains(k));
    }
}

/// A file of the last good build: the key it was made from and what its crawl left.
pub(super) struct Kept {
    pub key: u64,
    pub crawled: Option<Arc<Crawled>>,
    /// Why the minifier refused it, if it did.
    pub unminified: Option<String>,
}

/// A hash being built; values go in through serde, as JSON.
pub(super) struct Key(Xxh3);

impl Key {
    pub fn new(domain: &str) -> Key {
        let mut h = Xxh3::new();
        h.update(domain.as_bytes());
        h.update(&[0xff]);
        Key(h)
    }

    pub fn text(mut self, s: &str) -> Key {
        self.0.update(&(s.len() as u64).to_le_bytes());
        self.0.update(s.as_bytes());
        self
    }

    pub fn number(mut self, n: u64) -> Key {
        self.0.write_u64(n);
        self
    }

    pub fn value(mut self, v: &impl Serialize) -> Key {
        // Writing into a hash cannot fail; a value that cannot be serialized (none of
        // tradekb's) would leave a key that still differs from others by what went in.
        let _ = serde_json::to_writer(&mut self, v);
        self.0.update(&[0xfe]);
        self
    }

    pub fn finish(self) -> u64 {
        self.0.digest()
    }
}

impl std::io::Write for Key {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The key of everything every file's render reads: the config, the templates and what they
/// all receive (`template_data`), and the plan's paths (a file's links are checked against them).
/// The config goes in through its derived `Debug`, which shows every field: a field kept out
/// of it would be kept out of every key.
pub(super) fn site_key(config: &Config, theme: &Theme, template_data: u64, plan: &Plan) -> u64 {
    let mut key = Key::new("global")
        .text(&format!("{config:?}"))
        .number(template_data);
    for (name, t) in &theme.templates {
        key = key.text(name).text(&t.source);
    }
    for f in &plan.files {
        key = key.text(&f.path);
    }
    key.finish()
}

/// Of a good build: for each article, the plan's files whose key read its list record or
/// its body, and what those were. A build of the same site and plan (an edit of article
/// bodies only) keys again only the files that read an article whose record or body changed.
pub(super) struct Readers {
    global: u64,
    epoch: u64,
    /// Which articles link to which (see [`Keys::links`]).
    links: u64,
    refs: Table<PageId, u64>,
    bodies: Table<PageId, u64>,
    /// Per article: places in the plan.
    readers: Table<PageId, Vec<u32>>,
}

impl Readers {
    /// Which files of the plan (of `n`) read an article whose record or body is not what it
    /// was; none when the site-wide key changed, which changes every key.
    fn to_visit(&self, keys: &Keys, n: usize) -> Option<Vec<bool>> {
        let same = self.global == keys.global
            && self.epoch == keys.epoch
            && self.links == keys.links
            && self.refs.len() == keys.refs.len()
            && self.bodies.len() == keys.bodies.len();
        if !same {
            return None;
        }
        let mut visit = vec![false; n];
        let now = keys.refs.iter().zip(keys.bodies.iter());
        let then = self.refs.iter().zip(&self.bodies);
        for ((readers, then), now) in self.readers.iter().zip(then).zip(now) {
            if then != now {
                for &f in readers {
                    visit[f as usize] = true;
                }
            }
        }
        Some(visit)
    }
}

/// The key of every file of the plan, none for the files that are always made (a static file
/// that cannot be read: making it reports why). When the site and plan are those of the last
/// good build (the same epoch, article bodies edited since), the files that read no changed
/// article keep their key.
pub(super) fn file_keys(keys: &Keys, plan: &Plan, memo: &mut Memo) -> Vec<Option<u64>> {
    let n = plan.files.len();
    let visit = (memo.readers.as_ref()).and_then(|r| r.to_visit(keys, n));
    let snapshot = |readers: Table<PageId, Vec<u32>>| Readers {
        global: keys.global,
        epoch: keys.epoch,
        links: keys.links,
        refs: keys.refs.clone(),
        bodies: keys.bodies.clone(),
        readers,
    };
    if let Some(visit) = visit {
        let files = &memo.files;
        let out = (plan.files.par_iter().zip(visit))
            .map(|(f, visit)| {
                // Files copied as they are may have changed on disk: always keyed again.
                let copied = matches!(f.output, Output::ThemeStatic | Output::Asset(_));
                match visit || copied {
                    true => keys.of(&f.path, &f.output, &mut Vec::new()),
                    false => files.get(&f.path).map(|k| k.key),
                }
            })
            .collect();
        // Taken, not copied: a build of the same site has the same readers. (Should it fail,
        // the next build resolves the site again and records them anew.)
        let readers = memo.readers.take().map(|r| r.readers).unwrap_or_default();
        memo.next_readers = Some(snapshot(readers));
        return out;
    }
    let keyed: Vec<(Option<u64>, Vec<PageId>)> = plan
        .files
        .par_iter()
        .map(|f| {
            let mut reads = Vec::new();
            (keys.of(&f.path, &f.output, &mut reads), reads)
        })
        .collect();
    let mut readers: Table<PageId, Vec<u32>> = vec![Vec::new(); keys.refs.len()].into();
    for (f, (_, reads)) in keyed.iter().enumerate() {
        for &p in reads {
            readers[p].push(f as u32);
        }
    }
    memo.next_readers = Some(snapshot(readers));
    keyed.into_iter().map(|(key, _)| key).collect()
}

/// Keys of the files of one build.
pub(super) struct Keys<'a> {
    pub global: u64,
    /// Which resolve made the site (see [`super::Inputs::epoch`]): the key of what a page
    /// shows of the site's structure (sections, terms, counts, dates).
    pub epoch: u64,
    pub site: &'a Site,
    pub config: &'a Config,
    pub theme: &'a Theme,
    /// Every article, for the site's feed.
    pub all: &'a [PageId],
    pub pages: &'a Pages<'a>,
    /// Per article: the hash of its list record.
    pub refs: &'a Table<PageId, u64>,
    /// Per article: its body's key.
    pub bodies: &'a Table<PageId, u64>,
    /// The digest of which articles link to which: an article's page lists the articles
    /// that link to it, so a body edit that adds or removes such a link changes a page that
    /// read nothing of the edited article; then every file is keyed again.
    pub links: u64,
}

impl Keys<'_> {
    /// The key of the file at `path`, or none for files that are always made; `reads` gets
    /// the articles whose record or body went into it.
    pub fn of(&self, path: &str, output: &Output, reads: &mut Vec<PageId>) -> Option<u64> {
        let key = Key::new("file").number(self.global).text(path);
        let key = match *output {
            Output::Page(job) => self.page(key, job, reads)?,
            Output::Feed(of) => {
                let feed = super::feeds::Feed::of(self.config, self.site, self.all, of, path);
                let key = key
                    .text(&feed.title)
                    .text(feed.page_path)
                    .value(&feed.subtitle);
                let entries = feed.shown(self.site, self.config.feed_limit);
                self.articles(key, entries.iter(), reads)
            }
            // Its summaries may come from bodies; the rest (fields, relations, terms) is
            // front matter and structure, which only a new resolve changes.
            Output::Api(ApiFile::Articles) => {
                let all: Vec<PageId> = super::api::exported(self.site).collect();
                self.records(key.text("structure").number(self.epoch), &all, reads)
            }
            Output::Redirect(i) => self.records(key, &[self.site.redirects[i].to], reads),
            // Structure alone: what only a new resolve changes.
            Output::Sitemap(_) | Output::Robots | Output::Api(ApiFile::Tags | ApiFile::Cities) => {
                key.text("structure").number(self.epoch)
            }
            // Made each time, with the rest of its bundle (which the plan does not list).
            Output::SearchIndex => return None,
            // The highlighting themes are in the config, which the site-wide key covers.
            Output::Syntax => key.text("syntax"),
            // Files copied as they are, by their bytes (read again: they have no stamp here).
            Output::ThemeStatic => key.number(self.static_digest(path)?),
            Output::Asset(i) => {
                let source = self.config.content_dir.join(&self.site.assets[i]);
                key.number(digest_of(&source)?)
            }
        };
        Some(key.finish())
    }

    /// A digest of a static file's bytes; none when it cannot be read (making it says why).
    fn static_digest(&self, path: &str) -> Option<u64> {
        match self.theme.statics.get(path)? {
            StaticFile::Embedded(bytes) => Some(xxhash_rust::xxh3::xxh3_64(bytes)),
            StaticFile::Disk(src) => digest_of(src),
        }
    }

    fn page(&self, key: Key, job: PageJob, reads: &mut Vec<PageId>) -> Option<Key> {
        Some(match job {
            PageJob::Article(i) => {
                let (prev, next) = self.pages.neighbours_of(i);
                let trail = self.pages.views.trail(self.site.pages[i].section);
                let key = (key.text("article").value(&trail)).value(&self.pages.order_of(i));
                let key = self.articles(key, [i].iter(), reads);
                let key = key
                    .number(prev.is_some() as u64)
                    .number(next.is_some() as u64);
                let around: Vec<PageId> = prev.into_iter().chain(next).collect();
                let key = self.records(key, &around, reads);
                let linked = &self.pages.backlinks[i];
                let anchors: Vec<&Option<String>> = linked.iter().map(|b| &b.anchor).collect();
                let from: Vec<PageId> = linked.iter().map(|b| b.from).collect();
                let key = self.records(key.value(&anchors), &from, reads);
                let key = self.records(key, &self.site.related[i], reads);
                let ties = &self.site.relations[i];
                let (kinds, tied): (Vec<u8>, Vec<PageId>) = (ties.to.iter().chain(&ties.from))
                    .map(|t| (t.relation as u8, t.page))
                    .unzip();
                let key = key.number(ties.to.len() as u64).value(&kinds);
                let key = self.records(key, &tied, reads);
                // The article its `source:` names: its title and URL are shown.
                let source: Vec<PageId> = ties.source.into_iter().collect();
                self.records(key.number(source.len() as u64), &source, reads)
            }
            PageJob::Section(i, n) => {
                let (items, per) = self.pages.section_items(i);
                let key = key.text("section").value(&self.pages.section_view(i));
                self.list(key, items, per, n, reads)
            }
            PageJob::Tag(i, n) => {
                let (items, per) = self.pages.tag_items(i);
                let key = key.text("tag").value(&self.pages.tag_page(i));
                // Each kind's count over every page shows on each.
                let kinds: Vec<&str> = items
                    .iter()
                    .map(|&p| self.site.pages[p].kind.key())
                    .collect();
                self.list(key.value(&kinds), &items, per, n, reads)
            }
            PageJob::City(i) => {
                let key = key.text("city").value(&self.pages.city_with_body(i));
                self.records(key, &self.site.cities[i].pages, reads)
            }
            PageJob::Home => {
                let latest = super::pages::latest(self.site);
                let key = key.text("home").number(self.epoch);
                self.records(key, &latest, reads)
            }
            PageJob::Timeline => {
                let all: Vec<PageId> = self.site.timeline_pages().collect();
                self.records(key.text("timeline").number(self.epoch), &all, reads)
            }
            PageJob::TimelineYear(n) => {
                let year = self.site.timeline.iter().find(|y| y.year == n);
                let pages: Vec<PageId> = year.into_iter().flat_map(|y| y.pages()).collect();
                let key = key.text("timeline year").number(self.epoch);
                self.records(key, &pages, reads)
            }
            PageJob::Tags | PageJob::Cities | PageJob::Search | PageJob::NotFound => {
                key.text("structure").number(self.epoch)
            }
        })
    }

    /// Page `n` of a list: its length, the page size and the records on that page.
    fn list(
        &self,
        key: Key,
        items: &[PageId],
        per: usize,
        n: usize,
        reads: &mut Vec<PageId>,
    ) -> Key {
        let per = per.max(1);
        let key = key
            .number(items.len() as u64)
            .number(per as u64)
            .number(n as u64);
        self.records(key, super::pages::on_page(items, per, n), reads)
    }

    /// The list records of `items`, and how many there are.
    fn records(&self, key: Key, items: &[PageId], reads: &mut Vec<PageId>) -> Key {
        reads.extend_from_slice(items);
        let key = key.number(items.len() as u64);
        items.iter().fold(key, |k, &i| k.number(self.refs[i]))
    }

    /// Articles with everything a feed shows of them: the record and the whole body.
    fn articles<'i>(
        &self,
        key: Key,
        items: impl Iterator<Item = &'i PageId>,
        reads: &mut Vec<PageId>,
    ) -> Key {
        items.fold(key, |k, &i| {
            reads.push(i);
            k.number(self.refs[i]).number(self.bodies[i])
        })
    }
}

/// A digest of a file's bytes, if it can be read.
fn digest_of(path: &std::path::Path) -> Option<u64> {
    std::fs::read(path)
        .ok()
        .map(|bytes| xxhash_rust::xxh3::xxh3_64(&bytes))
}

/// Each article's list record and, with a memo, the hash of it; records whose inputs are
/// those of a record the memo has are taken from it. The inputs: the article's body key
/// (its whole file and page path), the site-wide key, and the names and paths of its section,
/// tags and cities.
pub(super) fn page_refs(
    views: &Views,
    bodies: &Table<PageId, Rendered>,
    body_keys: &Table<PageId, u64>,
    memo: Option<(u64, u64, &mut Memo)>,
) -> (Table<PageId, Record>, Table<PageId, u64>) {
    let site = views.site;
    let Some((global, epoch, memo)) = memo else {
        let refs: Vec<Record> = (site.pages.par_iter().zip(bodies.par_iter()))
            .map(|(p, b)| views.page_ref(p, b))
            .collect();
        return (refs.into(), Table::default());
    };
    // In the same site (epoch) under the same site-wide key, a record's key changes with its
    // article's body key alone.
    let basis = (global, epoch);
    let last = (memo.ref_basis.as_ref())
        .filter(|(b, bodies)| *b == basis && bodies.len() == body_keys.len())
        .filter(|_| memo.ref_keys.len() == body_keys.len())
        .map(|(_, bodies)| bodies);
    let keys: Vec<u64> = (PageId::all(&site.pages).into_par_iter())
        .map(|i| match last {
            Some(last) if last[i] == body_keys[i] => memo.ref_keys[i],
            _ => ref_key(views, &site.pages[i], global, body_keys[i]),
        })
        .collect();
    memo.ref_basis = Some((basis, body_keys.clone()));
    // Taken out of the memo rather than copied: `give_back_refs` returns them.
    let known: Vec<Option<(Record, u64)>> = keys.iter().map(|k| memo.refs.remove(k)).collect();
    let made: Vec<(Record, u64)> = (site.pages.par_iter().zip(bodies.par_iter()).zip(known))
        .map(|((p, b), known)| {
            known.unwrap_or_else(|| {
                let value = views.page_ref(p, b);
                let hash = Key::new("ref").value(&value).finish();
                (value, hash)
            })
        })
        .collect();
    memo.ref_keys = keys.into();
    let (refs, hashes): (Vec<Record>, Vec<u64>) = made.into_iter().unzip();
    (refs.into(), hashes.into())
}

fn ref_key(views: &Views, p: &Page, global: u64, body: u64) -> u64 {
    let site = views.site;
    let mut key = Key::new("ref")
        .number(global)
        .number(body)
        .text(p.kind.key())
        .text(&views.kind_label(&p.kind));
    if let Some(s) = site.top_section(p) {
        let s = &site.sections[s];
        key = key.text(&s.key).text(&views.section_title(s)).text(&s.path);
    }
    let terms = p.tags.iter().map(|&t| &site.tags[t]);
    for t in terms {
        key = key.text(&t.name).text(&t.slug).text(&t.path);
    }
    for c in p.cities.iter().map(|&c| &site.cities[c]) {
        key = key.text("city").text(&c.name).text(&c.slug).text(&c.path);
    }
    key.finish()
}

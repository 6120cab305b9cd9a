//! Render stage, the search index: every article handed to Pagefind (the `pagefind` crate,
//! in-process) as a small HTML record made from what the render already has (its title,
//! rendered body, kind, tags, cities, year and status), and Pagefind's bundle (index,
//! fragments, filters, its scripts) written under `pagefind/`.
//!
//! Pagefind holds more than half a megabyte per article while it builds an index, so the
//! articles are indexed in shards of [`SHARD`], counted from the oldest, each its own bundle
//! (the newest at `pagefind/`, the others at `pagefind/shard-N/`, which the search page
//! merges), two at a time, each written as soon as it is built and then dropped.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use rayon::prelude::*;

use super::context::FieldView;
use super::views::Views;
use super::Sink;
use crate::content::custom::FieldValue;
use crate::content::markdown::Rendered;
use crate::diagnostic::{Diagnostic, Problem};
use crate::site::plan::SEARCH_DIR;
use crate::site::{Page, PageId, Site, Table};
use crate::text::apart;

/// Files by path, with their bytes.
type Files = Vec<(String, Vec<u8>)>;

/// Articles per shard of the index.
pub const SHARD: usize = 100;

/// Where Pagefind reads how many places of words go into each chunk of its word index.
const CHUNK_SIZE_VARIABLE: &str = "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE";

/// Places of words a chunk of each shard's word index holds. A search loads, from every shard,
/// the chunks that hold its words; every Chinese character is a word here ([`apart`]), with
/// many places each, so Pagefind's own size (20,000) made a query of a few characters load
/// most of a chunk per character for a handful of places: 7.7 MB for 牡丹江 at 10,000
/// articles, 2.9 MB with 4,000 (docs/performance.md). More, smaller files for it.
const CHUNK_SIZE: usize = 4_000;

/// Sets the size of the chunks of the word index Pagefind writes ([`CHUNK_SIZE`]), which it
/// reads from its environment only, unless the environment sets it already. Call it before
/// any thread starts.
pub fn set_chunk_size() {
    if std::env::var_os(CHUNK_SIZE_VARIABLE).is_none() {
        std::env::set_var(CHUNK_SIZE_VARIABLE, CHUNK_SIZE.to_string());
    }
}

/// The articles search finds: those in sections (pages at the content root, such as an about
/// page, are not results), in the site's order, newest first. Pagefind lists the results of a
/// search by filters alone in the order the articles were added, and the search page merges
/// the shards in order: so such a search lists a city's articles newest first.
fn indexed(site: &Site) -> Vec<PageId> {
    (PageId::each(&site.pages))
        .filter(|(_, p)| p.section.is_some())
        .map(|(i, _)| i)
        .collect()
}

/// The index's shards: the articles in runs of [`SHARD`] counted from the oldest, each run
/// newest first, so that a new article changes the newest shard only. Shard `i` is the
/// `i`-th from the oldest.
fn shards(ids: &[PageId]) -> Vec<&[PageId]> {
    ids.rchunks(SHARD).collect()
}

/// The folder (a site path) of shard `i` of `count`: the newest is [`SEARCH_DIR`] itself (its
/// bundle also holds the search scripts), the others `pagefind/shard-i/`.
pub fn folder(i: usize, count: usize) -> String {
    if i + 1 == count {
        SEARCH_DIR.to_string()
    } else {
        format!("{SEARCH_DIR}shard-{i}/")
    }
}

/// The bundle whose folder holds a site path inside [`SEARCH_DIR`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    /// The newest shard's, at [`SEARCH_DIR`] itself.
    Newest,
    /// Shard `i`'s, at `pagefind/shard-i/`.
    Shard(usize),
}

/// The bundle of a file of the index, by its site path.
pub fn bundle_of(path: &str) -> Option<Bundle> {
    let inside = path.strip_prefix(SEARCH_DIR)?;
    match inside.strip_prefix("shard-") {
        Some(rest) => rest.split_once('/')?.0.parse().ok().map(Bundle::Shard),
        None => Some(Bundle::Newest),
    }
}

/// The folder (a site path) of each shard's bundle, newest first: the order the search page
/// merges them in, which is the order it lists the results of a search by filters alone.
pub fn bundles(site: &Site) -> Vec<String> {
    let count = indexed(site).len().div_ceil(SHARD).max(1);
    (0..count).rev().map(|i| folder(i, count)).collect()
}

/// Makes the search index and hands each shard's files to `sink` as soon as that shard is
/// built, so that only the shards being built are held in memory.
pub fn index(
    views: &Views,
    bodies: &Table<PageId, Rendered>,
    sink: &dyn Sink,
) -> Result<(), Diagnostic> {
    let site = views.site;
    let ids = indexed(site);
    let shards = shards(&ids);
    let next = AtomicUsize::new(0);
    let failure: Mutex<Option<String>> = Mutex::default();
    let threads = threads().min(shards.len());
    let language = views.config.language.as_str();
    let work = || -> Result<(), String> {
        let runtime = runtime()?;
        loop {
            let n = next.fetch_add(1, Ordering::Relaxed);
            let Some(&shard) = shards.get(n).filter(|_| !failed_yet(&failure)) else {
                return Ok(());
            };
            let records = records(views, bodies, shard);
            for (path, bytes) in index_shard(&runtime, language, (n, shards.len()), records)? {
                sink.put(&path, &bytes);
            }
        }
    };
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                if let Err(e) = work() {
                    failure
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .get_or_insert(e);
                }
            });
        }
    });
    match failure.into_inner().unwrap_or_else(|e| e.into_inner()) {
        Some(message) => Err(failed(message)),
        None => Ok(()),
    }
}

/// How many shards are indexed at a time: two (one with `-j 1`), each on a thread of its own,
/// Pagefind's own parallel steps using rayon's.
pub fn threads() -> usize {
    rayon::current_num_threads().clamp(1, 2)
}

/// The records of a shard's articles.
fn records(views: &Views, bodies: &Table<PageId, Rendered>, shard: &[PageId]) -> Vec<Record> {
    let pages = &views.site.pages;
    (shard.iter())
        .map(|&i| record(views, &pages[i], &bodies[i]))
        .collect()
}

/// The runtime Pagefind's API runs on, one for each indexing thread.
pub fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}

/// The bundle of shard `i` of `count` made from its `records`: its files by site path. A
/// panic inside Pagefind is an error like any other.
pub fn index_shard(
    runtime: &tokio::runtime::Runtime,
    language: &str,
    (i, count): (usize, usize),
    records: Vec<Record>,
) -> Result<Files, String> {
    let newest = i + 1 == count;
    let files = catch_unwind(AssertUnwindSafe(|| {
        bundle(runtime, language, records, newest)
    }))
    .unwrap_or_else(|panic| Err(panic_message(&panic)))?;
    let folder = folder(i, count);
    Ok(files
        .into_iter()
        .map(|(name, bytes)| (format!("{folder}{name}"), bytes))
        .collect())
}

/// The records of an index made elsewhere (`serve` makes its own in the background).
#[derive(Debug, Default)]
pub struct Records {
    /// The site's language, which Pagefind segments the text in.
    pub language: String,
    /// A digest of every shard's records (and of whether it is the newest), by shard from
    /// the oldest: the index has as many shards.
    pub digests: Vec<Digest>,
    /// The records of the shards whose digest the taker did not know, by shard.
    pub shards: Vec<(usize, Vec<Record>)>,
}

/// What tells one shard's records from another's.
pub type Digest = u128;

/// Who makes the index from the records, instead of the render.
pub trait Handoff: Sync {
    /// Whether shard `n`'s records, with `digest`, are those of an index already made (or
    /// being made): they are then not handed over again.
    fn knows(&self, n: usize, digest: Digest) -> bool;
    /// Takes the records.
    fn take(&self, records: Records);
}

/// Hands the records of the search index to `to`: the records of each shard it does not
/// know yet, and a digest of every shard.
pub fn hand_off(views: &Views, bodies: &Table<PageId, Rendered>, to: &dyn Handoff) {
    let site = views.site;
    let ids = indexed(site);
    let shards = shards(&ids);
    let count = shards.len();
    let shards: Vec<(Digest, Option<Vec<Record>>)> = (shards.into_par_iter().enumerate())
        .map(|(n, shard)| {
            let made = records(views, bodies, shard);
            let mut hasher = xxhash_rust::xxh3::Xxh3::new();
            // The newest shard's bundle is another: it holds the scripts too.
            hasher.update(&[u8::from(n + 1 == count)]);
            for record in &made {
                record.digest_into(&mut hasher);
            }
            let digest = hasher.digest128();
            (digest, (!to.knows(n, digest)).then_some(made))
        })
        .collect();
    let mut records = Records {
        language: views.config.language.clone(),
        ..Records::default()
    };
    for (n, (digest, made)) in shards.into_iter().enumerate() {
        records.digests.push(digest);
        records.shards.extend(made.map(|m| (n, m)));
    }
    to.take(records);
}

fn failed_yet(failure: &Mutex<Option<String>>) -> bool {
    failure.lock().map_or(true, |f| f.is_some())
}

/// What a panic inside Pagefind said, for the message that reports it.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    let said = (panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .or_else(|| panic.downcast_ref::<String>().cloned());
    format!(
        "Pagefind stopped: {}",
        said.unwrap_or_else(|| "no reason given".into())
    )
}

fn failed(message: String) -> Diagnostic {
    let problem = Problem::Unsupported {
        message: format!("the search index could not be built: {message}"),
    };
    Diagnostic::new(problem, "(search index)")
        .with_help("build with --no-search (or `search: false` in site.yaml) to publish without it")
}

/// One shard's bundle: Pagefind's files by name inside the bundle's folder. The first shard
/// keeps the scripts the search page runs; the others only their index (the search page
/// merges them into the first, whose scripts and WebAssembly serve them all).
fn bundle(
    runtime: &tokio::runtime::Runtime,
    language: &str,
    records: Vec<Record>,
    first: bool,
) -> Result<Files, String> {
    runtime.block_on(async {
        let config = PagefindServiceConfig::builder()
            .force_language(language.to_ascii_lowercase())
            .build();
        let mut index = PagefindIndex::new(Some(config)).map_err(|e| e.to_string())?;
        for record in records {
            let html = record.html();
            let added = index.add_html_file(None, Some(record.url), html).await;
            added.map_err(|e| e.to_string())?;
        }
        let files = index.get_files().await.map_err(|e| e.to_string())?;
        Ok(files
            .into_iter()
            .map(|f| (f.filename.to_string_lossy().replace('\\', "/"), f.contents))
            .filter(|(name, _)| is_index_data(name) || first && is_search_script(name))
            .collect())
    })
}

/// Whether a file of a bundle is one the search page runs: Pagefind's search API, its worker
/// and WebAssembly (its ready-made interfaces are left out: the theme has its own).
fn is_search_script(name: &str) -> bool {
    matches!(name, "pagefind.js" | "pagefind-worker.js") || name.starts_with("wasm.")
}

/// Whether a file of a bundle is its index data rather than one of Pagefind's scripts.
fn is_index_data(name: &str) -> bool {
    name == "pagefind-entry.json"
        || name.ends_with(".pf_meta")
        || ["index/", "fragment/", "filter/"]
            .iter()
            .any(|d| name.starts_with(d))
}

/// An article as Pagefind reads it: its URL, and a page of HTML holding its title (weighted
/// above the body), its body, and its filters and result metadata.
fn record(views: &Views, page: &Page, body: &Rendered) -> Record {
    let site = views.site;
    let m = &page.doc.meta;
    // From the site's root: Pagefind's script puts the site's base path before it.
    let url = format!("/{}", page.path);
    let kind = views.kind_label(&page.kind);
    let mut filters: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    filters.insert("kind", vec![kind.clone()]);
    let tags = page.tags.iter().map(|&t| site.tags[t].name.clone());
    filters.insert("tag", tags.collect());
    let cities = page.cities.iter().map(|&c| site.cities[c].name.clone());
    filters.insert("city", cities.collect());
    if let Some(d) = &m.date {
        filters.insert("year", vec![d.day.format("%Y").to_string()]);
    }
    // The site's own fields marked `filter: true`, by their key: a list gives one value an
    // item.
    let fields = views.fields(&m.custom);
    for field in fields.iter().filter(|f| f.filter) {
        let values = match field.value {
            FieldValue::List(items) => items.clone(),
            _ => vec![field.text.clone()],
        };
        filters.entry(field.key).or_default().extend(values);
    }
    if let Some(status) = m.status {
        let label = views.strings.lookup("status", status.key());
        filters.insert("status", vec![label.unwrap_or_else(|| status.key().into())]);
    }
    let e = |s: &str| html_escape::encode_text(s).into_owned();
    let a = |s: &str| html_escape::encode_double_quoted_attribute(s).into_owned();
    let mut html = String::with_capacity(512);
    let lang = a(&views.config.language);
    // Every record marks its text as the body, so that an article whose raw HTML marks a
    // part of itself (`data-pagefind-body`) cannot leave the others out of the index; the
    // filters and metadata after it are not text to find or quote.
    let _ = write!(html, "<html lang=\"{lang}\"><body><div data-pagefind-body>");
    let _ = write!(html, "<h1 data-pagefind-weight=\"10\">{}</h1>", e(&m.title));
    let head = std::mem::take(&mut html);
    html.push_str("</div>");
    for (key, values) in &filters {
        for v in values {
            let _ = write!(html, "<p data-pagefind-filter=\"{key}\">{}</p>", e(v));
        }
    }
    let summary = m.summary.as_deref().unwrap_or(&body.summary);
    // The key beside the label: a result's badge takes the colour of its kind.
    let kind_key = page.kind.key().to_string();
    let mut meta = vec![
        ("title", m.title.clone()),
        ("kind", kind),
        ("kind_key", kind_key),
    ];
    if let Some(d) = &m.date {
        meta.push(("date", views.strings.date(d)));
        let sort = d.day.format("%Y-%m-%d").to_string();
        let _ = write!(html, "<p data-pagefind-sort=\"date:{sort}\" hidden></p>");
    }
    meta.push(("summary", summary.to_string()));
    let shown = shown_words(page, &fields, &filters);
    if !shown.is_empty() {
        meta.push(("words", shown));
    }
    // From an attribute: a value written inline would be cut at its first comma.
    for (key, value) in meta {
        let _ = write!(
            html,
            "<p data-pagefind-meta=\"{key}[data-value]\" data-value=\"{}\"></p>",
            a(&value)
        );
    }
    html.push_str("</body></html>");
    Record {
        url,
        head,
        body: Arc::clone(&body.html),
        tail: html,
    }
}

/// What else an article's page shows, beside its title and body, as words to find it by (a
/// metadata field, whose words Pagefind indexes but which no excerpt quotes): its cities and
/// tags, its summary when written out, its issuer and its own fields shown, spelled as the index
/// keeps words ([`apart`]).
fn shown_words(page: &Page, fields: &[FieldView], filters: &BTreeMap<&str, Vec<String>>) -> String {
    let m = &page.doc.meta;
    let named = ["city", "tag"]
        .iter()
        .filter_map(|k| filters.get(k))
        .flatten();
    let shown = fields.iter().filter(|f| f.show).map(|f| &f.text);
    let written = [&m.summary, &m.issuer].into_iter().flatten();
    let all: Vec<&str> = named
        .chain(written)
        .chain(shown)
        .map(String::as_str)
        .collect();
    apart::spaced_text(&all.join("、"))
}

/// An article as Pagefind reads it: its URL, and its page of HTML, kept in parts so that the
/// body is the rendered one, shared rather than copied: its title and body are the text
/// search finds and quotes; the tail holds its filters and metadata.
#[derive(Debug)]
pub struct Record {
    url: String,
    head: String,
    body: Arc<str>,
    tail: String,
}

impl Record {
    /// A record of a whole page of HTML.
    #[cfg(test)]
    pub fn whole(url: String, html: String) -> Record {
        Record {
            url,
            head: html,
            body: Arc::from(""),
            tail: String::new(),
        }
    }

    /// The record's page of HTML, its text spelled as the index keeps it ([`apart::spaced`]).
    fn html(&self) -> String {
        let text = [&*self.head, &*self.body];
        let mut html = String::with_capacity(text.iter().map(|t| t.len() * 3 / 2).sum());
        for part in text {
            apart::spaced(part, &mut html);
        }
        html.push_str(&self.tail);
        html
    }

    fn digest_into(&self, hasher: &mut xxhash_rust::xxh3::Xxh3) {
        for part in [&*self.url, &*self.head, &*self.body, &*self.tail] {
            hasher.update(part.as_bytes());
            hasher.update(&[0]);
        }
    }
}

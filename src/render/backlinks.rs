//! Render stage, backlinks: which articles link to each article, read from the links of
//! every rendered body (so they are known once all bodies are).

use std::collections::HashMap;

use crate::content::markdown::{Rendered, TocEntry};
use crate::site::{PageId, Site, Table};

/// An article that links to another, and the heading it links to, if it names one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Backlink {
    pub from: PageId,
    /// The id of the heading the link leads to, if it leads to one.
    pub anchor: Option<String>,
}

/// For each article, the articles whose bodies link to it or whose `source:` names it, in
/// the site's order (newest first), each once per heading it links to (and once for links
/// to no heading); an article's links to itself are not counted.
pub fn of(site: &Site, bodies: &Table<PageId, Rendered>) -> Table<PageId, Vec<Backlink>> {
    let by_path: HashMap<&str, PageId> = PageId::each(&site.pages)
        .map(|(i, p)| (p.path.as_str(), i))
        .collect();
    let mut to: Table<PageId, Vec<Backlink>> = site.pages.iter().map(|_| Vec::new()).collect();
    for (from, body) in PageId::all(&site.pages).into_iter().zip(bodies.iter()) {
        let source = site.relations[from].source.map(|to| (to, None));
        let links = body.links.iter().filter_map(|link| {
            let &target = by_path.get(link.target.as_str())?;
            // Only a heading of the target is worth naming: a link to a footnote or to an id
            // in raw HTML counts as a link to the article.
            let anchor =
                (link.anchor.as_deref()).filter(|id| heading(&bodies[target].toc, id).is_some());
            Some((target, anchor))
        });
        for (target, anchor) in source.into_iter().chain(links) {
            let backlink = Backlink {
                from,
                anchor: anchor.map(str::to_string),
            };
            // The article's own earlier links to the same place are at the end of the list.
            let list = &mut to[target];
            let known = (list.iter().rev())
                .take_while(|b| b.from == from)
                .any(|b| *b == backlink);
            if target != from && !known {
                list.push(backlink);
            }
        }
    }
    to
}

/// A digest of `backlinks`: it changes when a link between two articles is added or removed.
pub fn digest(backlinks: &Table<PageId, Vec<Backlink>>) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for list in backlinks.iter() {
        list.hash(&mut h);
    }
    h.finish()
}

/// The title of the heading with id `id` in `toc`, at any depth.
pub fn heading<'t>(toc: &'t [TocEntry], id: &str) -> Option<&'t str> {
    toc.iter().find_map(|h| {
        (h.id == id)
            .then_some(h.title.as_str())
            .or_else(|| heading(&h.children, id))
    })
}

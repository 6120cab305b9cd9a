//! Resolve stage, related articles: for each article of a section, the few others that
//! share the most of its cities and tags, weighted so that a shared city counts more than a
//! shared tag and a term few articles have counts more than a common one.
//!
//! No step compares every article with every other: the candidates of an article are its
//! neighbours in the date order of each of its terms' lists (at most [`WINDOW`] a term), so
//! the work grows with the number of articles times their terms, whatever a term's size.

use super::{City, Page, PageId, Table, Term};

/// How many related articles an article gets.
pub const SHOWN: usize = 5;
/// How many neighbours in a term's list (half before, half after) are candidates.
const WINDOW: usize = 32;
const CITY: f64 = 4.0;
const TAG: f64 = 2.0;

/// The related articles of every article (none for pages at the content root), best first;
/// ties go to the article first in the site's order (the newer one).
pub fn of(pages: &[Page], tags: &[Term], cities: &[City]) -> Table<PageId, Vec<PageId>> {
    use rayon::prelude::*;
    let ids = PageId::all(pages);
    // Each thread reuses one buffer for the candidates of its articles.
    ids.par_iter()
        .map_init(Vec::new, |shares, &i| match pages[i].section {
            Some(_) => best(pages, i, tags, cities, shares),
            None => Vec::new(),
        })
        .collect::<Vec<_>>()
        .into()
}

/// What sharing a term whose list holds `n` articles is worth.
fn weight(base: f64, n: usize) -> f64 {
    base / (2.0 + n as f64).log2()
}

fn best(
    pages: &[Page],
    i: PageId,
    tags: &[Term],
    cities: &[City],
    shares: &mut Vec<(PageId, f64)>,
) -> Vec<PageId> {
    let p = &pages[i];
    let terms = (p.cities.iter().map(|&c| (&cities[c].pages, CITY)))
        .chain(p.tags.iter().map(|&t| (&tags[t].pages, TAG)));
    // Every (candidate, worth) pair, then summed per candidate, in place.
    shares.clear();
    for (list, base) in terms {
        let w = weight(base, list.len());
        let at = list.binary_search(&i).unwrap_or_else(|at| at);
        let window = &list[at.saturating_sub(WINDOW / 2)..(at + WINDOW / 2).min(list.len())];
        let others = window
            .iter()
            .filter(|&&j| j != i && pages[j].section.is_some());
        shares.extend(others.map(|&j| (j, w)));
    }
    shares.sort_unstable_by_key(|&(j, _)| j);
    shares.dedup_by(|(j, w), (kept, sum)| {
        let same = j == kept;
        if same {
            *sum += *w;
        }
        same
    });
    let scored = shares;
    let rank = |&(j, s): &(PageId, f64)| (std::cmp::Reverse(OrdF64(s)), j);
    if scored.len() > SHOWN {
        scored.select_nth_unstable_by_key(SHOWN, rank);
        scored.truncate(SHOWN);
    }
    scored.sort_unstable_by_key(rank);
    scored.iter().take(SHOWN).map(|&(j, _)| j).collect()
}

/// A score, ordered (scores are finite and positive).
#[derive(PartialEq)]
struct OrdF64(f64);

impl Eq for OrdF64 {}

impl PartialOrd for OrdF64 {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for OrdF64 {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

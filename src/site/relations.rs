//! Resolve stage, relations: the articles an article amends, supersedes or implements
//! (front-matter keys that name Markdown sources, as links do), resolved and checked like
//! links, and seen from both ends.

use std::collections::HashMap;

use super::{links, Page, PageId, Site, Table, Unpublished};
use crate::content::meta::{Date, Relation, RelationRef, SourceLink, Status};
use crate::diagnostic::{Diagnostic, Problem};
use crate::text::file::join;

/// The other end of a relation, and what the relation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tie {
    pub relation: Relation,
    pub page: PageId,
}

/// How one article stands to others.
#[derive(Debug, Default, Clone, PartialEq, Eq, Hash)]
pub struct Relations {
    /// The articles it amends, supersedes or implements, in the order its front matter
    /// names them (`amends` first, then `supersedes`, then `implements`).
    pub to: Vec<Tie>,
    /// The articles that amend, supersede or implement it, in the site's order (newest
    /// first).
    pub from: Vec<Tie>,
    /// The article its `source:` names, when it names one of this site.
    pub source: Option<PageId>,
}

impl Relations {
    /// The articles that stand to this one as `relation` says (those that amend it, …).
    pub fn from_by(&self, relation: Relation) -> impl Iterator<Item = PageId> + '_ {
        ties(&self.from, relation)
    }

    /// The articles this one stands to as `relation` says (those it amends, …).
    pub fn to_by(&self, relation: Relation) -> impl Iterator<Item = PageId> + '_ {
        ties(&self.to, relation)
    }
}

fn ties(list: &[Tie], relation: Relation) -> impl Iterator<Item = PageId> + '_ {
    (list.iter())
        .filter(move |t| t.relation == relation)
        .map(|t| t.page)
}

/// A relation as an article's front matter names it, resolved.
struct Named<'s> {
    from: PageId,
    written: &'s RelationRef,
    to: PageId,
}

impl Named<'_> {
    /// It amends or supersedes: the other article is (partly) replaced.
    fn replaces(&self) -> bool {
        self.written.relation != Relation::Implements
    }
}

/// Every article's relations, from both ends, and the problems found: a name that leads to no
/// published article or to the article itself, articles that replace each other in a circle
/// (errors); a status that a relation contradicts, an article that amends or supersedes a
/// later one (warnings).
pub fn resolve(site: &Site) -> (Table<PageId, Relations>, Vec<Diagnostic>) {
    let by_path: HashMap<&str, PageId> = PageId::each(&site.pages)
        .map(|(i, p)| (p.path.as_str(), i))
        .collect();
    let mut named = Vec::new();
    let mut problems = Vec::new();
    let mut table: Table<PageId, Relations> =
        site.pages.iter().map(|_| Relations::default()).collect();
    for (i, page) in PageId::each(&site.pages) {
        // The other article a key names, or None with the reason among the problems.
        let mut other = |key: &str, written: &str| match other(site, &by_path, i, written) {
            Ok(to) => to,
            Err(message) => {
                let problem = Problem::InvalidValue {
                    key: key.into(),
                    message,
                };
                problems.push(super::at_item(&page.doc.file, key, written, problem));
                None
            }
        };
        for written in &page.doc.meta.relations {
            if let Some(to) = other(written.relation.key(), &written.target) {
                named.push(Named {
                    from: i,
                    written,
                    to,
                });
            }
        }
        if let Some(SourceLink::Article(written)) = page.doc.meta.source.as_ref().map(|s| &s.to) {
            table[i].source = other("source", written);
        }
    }
    // In the site's order of the naming articles, so each `from` list is in it too.
    for n in &named {
        let relation = n.written.relation;
        table[n.from].to.push(Tie {
            relation,
            page: n.to,
        });
        table[n.to].from.push(Tie {
            relation,
            page: n.from,
        });
    }
    problems.extend(circles(site, &named));
    problems.extend(contradicted_status(site, &table));
    problems.extend(replaced_by_older(site, &named));
    (table, problems)
}

/// The article `written` names from `page`: a Markdown source relative to the page's file
/// (or to `content/` when it starts with `/`). None when that source has errors of its own.
fn target(
    site: &Site,
    by_path: &HashMap<&str, PageId>,
    page: &Page,
    written: &str,
) -> Result<Option<PageId>, String> {
    if !written.ends_with(".md") {
        return Err(
            "name the article's Markdown source, relative to this file (../policies/name.md)"
                .into(),
        );
    }
    let rel = source_of(page, written).ok_or("it points above the content folder")?;
    if site.unpublished.get(&rel) == Some(&Unpublished::Invalid) {
        return Ok(None);
    }
    let path = links::source_page(site, &rel)?;
    match by_path.get(path.as_str()) {
        Some(&t) => Ok(Some(t)),
        None => Err(format!(
            "content/{rel} is not an article but a section's, a city's or a tag's page"
        )),
    }
}

/// The source inside `content/` that `written` names from `page`'s file: relative to its
/// folder, or to `content/` when it starts with `/`. None when it climbs above `content/`.
fn source_of(page: &Page, written: &str) -> Option<String> {
    let dir = match written.starts_with('/') {
        true => "",
        false => page.doc.file.rel.rsplit_once('/').map_or("", |(d, _)| d),
    };
    join(dir, written)
}

/// A diagnostic at the name `named` in `page`'s front matter.
fn at(page: &Page, named: &RelationRef, message: String) -> Diagnostic {
    let key = named.relation.key();
    let problem = Problem::InvalidValue {
        key: key.into(),
        message,
    };
    super::at_item(&page.doc.file, key, &named.target, problem)
}

/// The other article that article `i` names (`written`) under a front-matter key, or why
/// there is none; None without a reason when that article has problems of its own.
fn other(
    site: &Site,
    by_path: &HashMap<&str, PageId>,
    i: PageId,
    written: &str,
) -> Result<Option<PageId>, String> {
    match target(site, by_path, &site.pages[i], written) {
        Ok(Some(t)) if t == i => Err(format!("`{written}` is this article itself")),
        Ok(to) => Ok(to),
        Err(why) => Err(format!("no article at `{written}`: {why}")),
    }
}

/// An error for each circle of articles that amend or supersede each other (a → b → a),
/// at the name that closes it.
fn circles(site: &Site, named: &[Named]) -> Vec<Diagnostic> {
    #[derive(Clone, Copy, PartialEq)]
    enum Seen {
        No,
        OnPath,
        Done,
    }
    let mut out: Vec<Vec<&Named>> = vec![Vec::new(); site.pages.len()];
    for n in named.iter().filter(|n| n.replaces()) {
        out[n.from.0].push(n);
    }
    let mut seen = vec![Seen::No; site.pages.len()];
    let mut problems = Vec::new();
    for start in PageId::all(&site.pages) {
        if seen[start.0] != Seen::No {
            continue;
        }
        // Depth first, without recursion: the path from `start`, each with its next name.
        let mut path: Vec<(PageId, usize)> = vec![(start, 0)];
        seen[start.0] = Seen::OnPath;
        while let Some((at_page, next)) = path.last_mut() {
            let Some(n) = out[at_page.0].get(*next) else {
                seen[at_page.0] = Seen::Done;
                path.pop();
                continue;
            };
            *next += 1;
            match seen[n.to.0] {
                Seen::No => {
                    seen[n.to.0] = Seen::OnPath;
                    path.push((n.to, 0));
                }
                Seen::OnPath => {
                    let from = path.iter().position(|(p, _)| *p == n.to).unwrap_or(0);
                    let mut round: Vec<String> = (path[from..].iter())
                        .map(|(p, _)| format!("content/{}", site.pages[*p].doc.file.rel))
                        .collect();
                    round.push(round[0].clone());
                    let message = format!(
                        "`{}` closes a circle of articles that replace each other: {}",
                        n.written.target,
                        round.join(" → ")
                    );
                    problems.push(at(&site.pages[n.from], n.written, message));
                }
                Seen::Done => {}
            }
        }
    }
    problems
}

/// A warning where a relation says more than the article's `status`: `in-force` or `amended`
/// on an article another supersedes, `in-force` on one another amends.
fn contradicted_status(site: &Site, table: &Table<PageId, Relations>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, page) in PageId::each(&site.pages) {
        let Some(status) = page.doc.meta.status else {
            continue;
        };
        let by = |r| table[i].from_by(r).next();
        let (other, says, should) = match (status, by(Relation::Supersedes), by(Relation::Amends)) {
            (Status::InForce | Status::Amended, Some(s), _) => (s, "supersedes", "repealed"),
            (Status::InForce, None, Some(a)) => (a, "amends", "amended"),
            _ => continue,
        };
        let other = &site.pages[other].doc.file;
        let problem = Problem::InvalidValue {
            key: "status".into(),
            message: format!(
                "`{}`, but content/{} {says} this article",
                status.key(),
                other.rel
            ),
        };
        let help = format!(
            "set `status: {should}`, or check `{says}:` in {}",
            other.path.display()
        );
        out.push(
            super::at_item(&page.doc.file, "status", status.key(), problem)
                .with_help(help)
                .warning(),
        );
    }
    out
}

/// A warning where an article amends or supersedes one dated after it: most likely the two
/// are the wrong way round, or a date is wrong.
fn replaced_by_older(site: &Site, named: &[Named]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for n in named.iter().filter(|n| n.replaces()) {
        let (page, other) = (&site.pages[n.from], &site.pages[n.to]);
        let (Some(mine), Some(theirs)) = (page.doc.meta.date, other.doc.meta.date) else {
            continue;
        };
        if earlier(mine, theirs) {
            let message = format!(
                "`{}` is dated {}, after this article ({})",
                n.written.target,
                theirs.day_iso(),
                mine.day_iso()
            );
            let help = "an article amends or supersedes older ones: check both dates, or which way round the relation goes";
            out.push(at(page, n.written, message).with_help(help).warning());
        }
    }
    out
}

/// `a` is before `b`, to the precision both are written in (a month alone is not before a
/// day in it).
fn earlier(a: Date, b: Date) -> bool {
    use chrono::Datelike;
    if a.month_only || b.month_only {
        (a.day.year(), a.day.month()) < (b.day.year(), b.day.month())
    } else {
        a.day < b.day
    }
}

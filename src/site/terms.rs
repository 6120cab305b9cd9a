//! Resolve stage, taxonomies: tags and cities, from their profiles and from the names
//! articles write; slugs claimed once, names given once, spellings made one.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use super::{at_item, City, CityId, PageId, TagId, Taxonomy, Term};
use crate::content::{ArticleMeta, CityMeta, Doc, SourceFile};
use crate::diagnostic::{Diagnostic, Problem};
use crate::text::slug;

/// How names are compared: case and spacing aside (`R Studio`, `rstudio` and `RStudio` are
/// one name).
pub fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Where `canonical` is written: the profile's file, or the first article that writes it.
fn where_written(
    spellings: &[(&str, usize, &SourceFile)],
    canonical: &str,
    profile: Option<&Path>,
) -> String {
    let article = spellings
        .iter()
        .find(|(s, ..)| *s == canonical)
        .map(|(_, _, f)| f);
    match (article, profile) {
        (Some(f), _) => match crate::text::yaml::item_position(&f.text, "tags", canonical) {
            Some(p) => format!("{}:{}", f.path.display(), p.line),
            None => f.path.display().to_string(),
        },
        (None, Some(p)) => p.display().to_string(),
        (None, None) => String::new(),
    }
}

/// Tags (or any named terms): profiles first, then every name articles use. Names that
/// differ only in case or spacing ([`fold`]) are one term, written one way.
pub(super) struct Terms {
    terms: Vec<Term>,
    by_name: HashMap<String, TagId>,
    /// The spelling that names each folded name, where there is one (see [`Terms::spell`]).
    spelling: HashMap<String, String>,
    /// Who first claimed each slug, to name both when two names share one.
    slug_owner: BTreeMap<String, (String, PathBuf)>,
    pub problems: Vec<Diagnostic>,
}

impl Terms {
    pub fn from_profiles(
        profiles: impl Iterator<Item = (String, String, Option<String>, SourceFile)>,
    ) -> Terms {
        let mut t = Terms {
            terms: Vec::new(),
            by_name: HashMap::new(),
            spelling: HashMap::new(),
            slug_owner: BTreeMap::new(),
            problems: Vec::new(),
        };
        for (name, slug, description, file) in profiles {
            if let Some(&existing) = t.by_name.get(&name) {
                let other = t.terms[existing].profile.as_ref();
                let d = name_collision(Taxonomy::Tags, &file, "name", &name, other);
                t.problems.push(d);
                continue;
            }
            if !t.claim_slug(&slug, &name, &file.path) {
                continue;
            }
            t.by_name.insert(name.clone(), TagId(t.terms.len()));
            let path = slug.clone();
            t.terms.push(Term {
                name,
                slug,
                path,
                description,
                profile: Some(file),
                pages: Vec::new(),
            });
        }
        t
    }

    fn claim_slug(&mut self, slug: &str, name: &str, source: &std::path::Path) -> bool {
        match self.slug_owner.get(slug) {
            Some((owner, owner_path)) if owner != name => {
                let message = format!(
                    "`{name}` and `{owner}` (in {}) would both be written at the slug `{slug}`",
                    owner_path.display()
                );
                let d = Diagnostic::new(Problem::Unsupported { message }, source.to_path_buf())
                    .with_help("give one of them a profile with its own `slug:`");
                self.problems.push(d);
                false
            }
            _ => {
                self.slug_owner
                    .insert(slug.to_string(), (name.to_string(), source.to_path_buf()));
                true
            }
        }
    }

    /// Chooses how each tag is named where `articles` write it in more than one way (`RStudio`,
    /// `rstudio`): as a profile names it; else the spelling most articles use, and on a tie
    /// the one of the first source path, so that the choice does not depend on load order.
    /// Each other spelling gets a warning where it is first written.
    pub fn spell(&mut self, articles: &[Doc<ArticleMeta>]) {
        let mut order: Vec<&Doc<ArticleMeta>> = articles.iter().collect();
        order.sort_by(|a, b| a.file.rel.cmp(&b.file.rel));
        // Per folded name: each spelling, how many articles use it, and the first that does.
        let mut written: BTreeMap<String, Vec<(&str, usize, &SourceFile)>> = BTreeMap::new();
        for a in &order {
            for name in &a.meta.tags {
                let spellings = written.entry(fold(name)).or_default();
                match spellings.iter_mut().find(|(s, ..)| s == name) {
                    Some((_, n, _)) => *n += 1,
                    None => spellings.push((name, 1, &a.file)),
                }
            }
        }
        let profiled: HashMap<String, Vec<&Term>> =
            self.terms.iter().fold(HashMap::new(), |mut m, t| {
                m.entry(fold(&t.name)).or_default().push(t);
                m
            });
        for (folded, spellings) in written {
            let profiles = profiled.get(&folded).map_or(&[][..], Vec::as_slice);
            let chosen = match profiles {
                [one] => (
                    one.name.as_str(),
                    one.profile.as_ref().map(|f| f.path.clone()),
                ),
                // Profiles that keep the spellings apart: each name is its own tag.
                [_, _, ..] => continue,
                // On a tie the earlier (first path) stays.
                [] => match (spellings.iter()).max_by(|a, b| a.1.cmp(&b.1).then(Ordering::Greater))
                {
                    Some((name, ..)) => (*name, None),
                    None => continue,
                },
            };
            let (canonical, profile) = chosen;
            for (name, _, file) in spellings.iter().filter(|(s, ..)| *s != canonical) {
                let other = where_written(&spellings, canonical, profile.as_deref());
                let problem = Problem::Spelling {
                    what: "tag".into(),
                    name: name.to_string(),
                    canonical: canonical.to_string(),
                    other,
                };
                let help = "write it one way; to keep them apart, give each a profile in content/tags/ with its own `slug:`";
                self.problems.push(
                    at_item(file, "tags", name, problem)
                        .with_help(help)
                        .warning(),
                );
            }
            // Only names written in another way than the chosen one need looking up.
            if spellings.iter().any(|(s, ..)| *s != canonical) {
                self.spelling.insert(folded, canonical.to_string());
            }
        }
    }

    /// Records that page `index` uses the term `name`; returns the term's index.
    pub fn use_term(&mut self, written: &str, index: PageId, file: &SourceFile) -> TagId {
        // A name already known is the chosen spelling (others are never recorded): no need
        // to fold it.
        let chosen = match self.by_name.contains_key(written) {
            true => None,
            false => self.spelling.get(&fold(written)).cloned(),
        };
        let name = chosen.as_deref().unwrap_or(written);
        if let Some(&i) = self.by_name.get(name) {
            let pages = &mut self.terms[i].pages;
            // An article may write one tag twice, in two spellings.
            if pages.last() != Some(&index) {
                pages.push(index);
            }
            return i;
        }
        let slug = slug::readable(name);
        let slug = if slug.is_empty() {
            format!("tag-{}", self.terms.len() + 1)
        } else {
            slug
        };
        // A slug another name has is reported (naming the spelling this file writes); the
        // term still gets a page of its own, at a path no other has, so that the plan does
        // not report the same clash again.
        let slug = match self.claim_slug(&slug, written, &file.path) {
            true => slug,
            false => format!("{slug}~{}", self.terms.len()),
        };
        let i = TagId(self.terms.len());
        self.by_name.insert(name.to_string(), i);
        let path = slug.clone();
        self.terms.push(Term {
            name: name.into(),
            slug,
            path,
            description: None,
            profile: None,
            pages: vec![index],
        });
        i
    }

    /// Final terms with their site paths under `prefix`. Indexes stay valid.
    pub fn finish(self, prefix: &str) -> Vec<Term> {
        self.terms
            .into_iter()
            .map(|mut t| {
                t.path = format!("{prefix}{}/", t.slug);
                t
            })
            .collect()
    }
}

/// Cities: profiles by name, and cities articles name without a profile.
pub(super) struct CityTerms {
    cities: Vec<City>,
    by_name: HashMap<String, CityId>,
    pub problems: Vec<Diagnostic>,
}

impl CityTerms {
    pub fn from_profiles(docs: Vec<Doc<CityMeta>>) -> CityTerms {
        let mut c = CityTerms {
            cities: Vec::new(),
            by_name: HashMap::new(),
            problems: Vec::new(),
        };
        for d in docs {
            let slug = d
                .meta
                .slug
                .clone()
                .unwrap_or_else(|| slug::from_file_stem(d.file.stem()));
            let index = CityId(c.cities.len());
            c.claim_name(&d.meta.name, "name", index, &d.file);
            for other in &d.meta.other_names {
                c.claim_name(other, "other_names", index, &d.file);
            }
            c.cities.push(City {
                name: d.meta.name.clone(),
                path: format!("cities/{slug}/"),
                slug,
                meta: Some(d.meta),
                profile: Some(d.file),
                pages: Vec::new(),
            });
        }
        c
    }

    /// Gives `name`, written under `key` of the profile `file`, to the city `index`. A name
    /// that another profile gives already is an error naming both files.
    fn claim_name(&mut self, name: &str, key: &str, index: CityId, file: &SourceFile) {
        match self.by_name.get(name) {
            None => {
                self.by_name.insert(name.to_string(), index);
            }
            Some(&owner) if owner == index => {}
            Some(&owner) => {
                let other = self.cities[owner].profile.as_ref();
                let d = name_collision(Taxonomy::Cities, file, key, name, other);
                self.problems.push(d);
            }
        }
    }

    pub fn use_city(&mut self, name: &str, index: PageId, file: &SourceFile) -> CityId {
        if let Some(&i) = self.by_name.get(name) {
            let pages = &mut self.cities[i].pages;
            // An article may name one city twice: by its name and by another.
            if pages.last() != Some(&index) {
                pages.push(index);
            }
            return i;
        }
        let slug = slug::readable(name);
        if slug.is_empty() {
            self.problems.push(unusable_name(file, "cities", name));
        }
        let i = CityId(self.cities.len());
        self.by_name.insert(name.to_string(), i);
        let path = format!("cities/{slug}/");
        self.cities.push(City {
            name: name.into(),
            slug,
            path,
            meta: None,
            profile: None,
            pages: vec![index],
        });
        i
    }

    pub fn finish(self) -> Vec<City> {
        self.cities
    }
}

/// Two profiles give one name: reported where the later one writes it, naming the first.
fn name_collision(
    taxonomy: Taxonomy,
    file: &SourceFile,
    key: &str,
    name: &str,
    first: Option<&SourceFile>,
) -> Diagnostic {
    let problem = Problem::NameCollision {
        what: taxonomy.what().into(),
        name: name.into(),
        other: first
            .map(|f| f.path.display().to_string())
            .unwrap_or_default(),
    };
    at_item(file, key, name, problem).with_help("give each name to one profile only")
}

/// A tag or city name with nothing a URL can be made of, pointing at it in the article's list.
fn unusable_name(file: &SourceFile, key: &str, name: &str) -> Diagnostic {
    let problem = Problem::InvalidValue {
        key: key.into(),
        message: format!("`{name}` has no letters or digits to make a URL from"),
    };
    at_item(file, key, name, problem).with_help(format!(
        "rename it, or give it a profile in content/{key}/ with a `slug:`"
    ))
}

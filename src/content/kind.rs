//! The closed and open vocabularies of the content model: what an article is ([`Kind`]) and
//! where a city lies ([`Region`]). One place knows their names, folders and order.

use std::fmt;

use serde::{Serialize, Serializer};

/// What an article is. The three built-in kinds have a folder each; a section may name
/// another (`kind: news` in its `_index.md`), and articles at the content root are pages.
/// Ordered as lists of kinds show them: the built-in three in their order, then the others
/// by name (`page` among them).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Kind {
    Policy,
    Pilot,
    Analysis,
    /// An article at the content root (`/about/`).
    Page,
    /// A kind a site names itself.
    Other(OwnKind),
}

/// The name of a kind a site names itself: never one of the built-in names (made only by
/// [`Kind::from_key`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OwnKind(String);

impl Ord for Kind {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        fn rank(k: &Kind) -> (usize, &str) {
            let built_in = Kind::BUILT_IN.iter().position(|b| b == k);
            (built_in.unwrap_or(Kind::BUILT_IN.len()), k.key())
        }
        rank(self).cmp(&rank(other))
    }
}

impl PartialOrd for Kind {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Kind {
    /// The kinds with a folder of their own, in the order sections are listed.
    pub const BUILT_IN: [Kind; 3] = [Kind::Policy, Kind::Pilot, Kind::Analysis];

    /// The name written in front matter and used by templates and language files.
    pub fn key(&self) -> &str {
        match self {
            Kind::Policy => "policy",
            Kind::Pilot => "pilot",
            Kind::Analysis => "analysis",
            Kind::Page => "page",
            Kind::Other(OwnKind(key)) => key,
        }
    }

    /// The folder under `content/` whose articles have this kind unless its `_index.md`
    /// says otherwise: the content root for pages, the key itself for a site's own kinds.
    pub fn folder(&self) -> &str {
        match self {
            Kind::Policy => "policies",
            Kind::Pilot => "pilots",
            Kind::Analysis => "analysis",
            Kind::Page => "",
            Kind::Other(OwnKind(key)) => key,
        }
    }

    /// The kind named by `key` (as written in a section's `kind:`).
    pub fn from_key(key: &str) -> Kind {
        match key {
            "policy" => Kind::Policy,
            "pilot" => Kind::Pilot,
            "analysis" => Kind::Analysis,
            "page" => Kind::Page,
            other => Kind::Other(OwnKind(other.to_string())),
        }
    }

    /// The kind of the articles in a folder without `kind:` in its `_index.md`.
    pub fn of_folder(folder: &str) -> Kind {
        Kind::BUILT_IN
            .into_iter()
            .find(|k| k.folder() == folder)
            .unwrap_or_else(|| Kind::from_key(folder))
    }

    /// A built-in kind named by its key or its folder (`policy`, `policies`).
    pub fn built_in(name: &str) -> Result<Kind, String> {
        Kind::BUILT_IN
            .into_iter()
            .find(|k| name == k.key() || name == k.folder())
            .ok_or_else(|| {
                format!("unknown kind `{name}`: use policy, pilot or analysis (or the folder names policies, pilots, analysis)")
            })
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl Serialize for Kind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

/// One of the four statistical regions of China a city profile names (`region: 西部`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Region {
    East,
    Central,
    West,
    Northeast,
}

impl Region {
    /// In the order the city index lists them.
    pub const ALL: [Region; 4] = [
        Region::East,
        Region::Central,
        Region::West,
        Region::Northeast,
    ];

    /// The name profiles write and language files translate (`regions.西部`).
    pub fn name(self) -> &'static str {
        match self {
            Region::East => "东部",
            Region::Central => "中部",
            Region::West => "西部",
            Region::Northeast => "东北",
        }
    }

    fn english(self) -> &'static str {
        match self {
            Region::East => "east",
            Region::Central => "central",
            Region::West => "west",
            Region::Northeast => "northeast",
        }
    }

    /// A region as an author may write it: `西部`, `西部地区` or `west` (any case).
    pub fn parse(text: &str) -> Result<Region, String> {
        let text = text.trim();
        let bare = text.strip_suffix("地区").unwrap_or(text);
        Region::ALL
            .into_iter()
            .find(|r| bare == r.name() || text.eq_ignore_ascii_case(r.english()))
            .ok_or_else(|| format!("`{text}` is not one of the four regions"))
    }

    pub const HELP: &'static str =
        "use 东部, 中部, 西部 or 东北 (or east, central, west, northeast)";
}

impl Serialize for Region {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_and_keys_name_the_same_kinds() {
        assert_eq!(Kind::of_folder("policies"), Kind::Policy);
        assert_eq!(Kind::of_folder("analysis"), Kind::Analysis);
        assert_eq!(Kind::of_folder("news").key(), "news");
        assert_eq!(Kind::of_folder("news"), Kind::from_key("news"));
        assert_eq!(Kind::from_key("pilot"), Kind::Pilot);
        assert_eq!(Kind::built_in("pilots"), Ok(Kind::Pilot));
        assert_eq!(Kind::built_in("policy"), Ok(Kind::Policy));
        assert!(Kind::built_in("news")
            .unwrap_err()
            .contains("unknown kind `news`"));
        for k in Kind::BUILT_IN {
            assert_eq!(Kind::of_folder(k.folder()), k);
            assert_eq!(Kind::from_key(k.key()), k);
        }
    }

    #[test]
    fn built_in_kinds_sort_first_then_the_others_by_name() {
        let mut kinds: Vec<Kind> = ["faq", "page", "analysis", "news", "policy"]
            .into_iter()
            .map(Kind::from_key)
            .collect();
        kinds.sort();
        let keys: Vec<&str> = kinds.iter().map(Kind::key).collect();
        assert_eq!(keys, ["policy", "analysis", "faq", "news", "page"]);
    }

    #[test]
    fn regions_are_read_as_authors_write_them() {
        assert_eq!(Region::parse("西部"), Ok(Region::West));
        assert_eq!(Region::parse("东北地区"), Ok(Region::Northeast));
        assert_eq!(Region::parse("Central"), Ok(Region::Central));
        assert!(Region::parse("华南").unwrap_err().contains("`华南`"));
        assert!(Region::parse("西").is_err());
    }
}

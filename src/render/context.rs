//! Render stage, the theme contract: what each template receives, as types (the README's
//! "Theme contract" follows this file). Every field is always present; an `Option` is
//! `null` when empty; [`Html`] fields are marked safe, so templates print them as they are.
//! [`views`](super::views) fills these in; [`pages`](super::pages) hands them to Tera.

use std::borrow::Cow;

use serde::{Serialize, Serializer};
use tera::Value;

use crate::content::custom::FieldValue;
use crate::content::markdown::TocEntry;
use crate::content::meta::SortBy;
use crate::content::{Kind, Region};

/// An article's list record, a [`PageRef`], built once and shared by every page that
/// shows the article (a cheap-to-clone Tera value).
#[derive(Clone)]
pub struct Record(Value);

impl Record {
    pub fn of(view: &PageRef) -> Record {
        Record(Value::from_serializable(view))
    }
}

impl Serialize for Record {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// The schema.org description of a page as JSON-LD, escaped for a `<script>` element:
/// templates print it unescaped.
pub struct JsonLd(pub String);

impl Serialize for JsonLd {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Value::safe_string(&self.0).serialize(s)
    }
}

/// HTML the engine made from Markdown: templates print it unescaped.
pub struct Html<'a>(pub &'a str);

impl Serialize for Html<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Value::safe_string(self.0).serialize(s)
    }
}

// ---------------------------------------------------------------------------------------
// What every template receives

/// Tera's global context: the same for every page of a build.
#[derive(Serialize)]
pub struct Globals<'a> {
    pub site: SiteInfo<'a>,
    /// The strings of `i18n/LANG.yaml`.
    pub t: &'a serde_json::Value,
    /// The sections, in order.
    pub nav: Vec<NavItem<'a>>,
    /// Root-relative URL of the site's Atom feed, when there is one.
    pub feed_url: Option<String>,
    /// Root-relative URL of the search page, when the site has search.
    pub search_url: Option<String>,
    /// Root-relative URL of the timeline, when the site has dated articles.
    pub timeline_url: Option<String>,
    /// Root-relative URL of the city index, when the site has cities (a blog brought in
    /// from another tool may have none: its menus then leave the index out).
    pub cities_url: Option<String>,
}

#[derive(Serialize)]
pub struct SiteInfo<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub language: &'a str,
    /// Absolute, ending with `/`.
    pub base_url: &'a str,
    /// The path of `base_url` (`/` or `/kb/`): every internal URL starts with it.
    pub root: &'a str,
    pub extra: &'a serde_json::Value,
}

#[derive(Serialize)]
pub struct NavItem<'a> {
    pub key: &'a str,
    pub title: String,
    pub url: String,
    pub kind: &'a Kind,
}

/// A page's context with where it is: root-relative `current_url` and absolute `permalink`.
#[derive(Serialize)]
pub struct Located<'a, T> {
    #[serde(flatten)]
    pub view: &'a T,
    pub current_url: String,
    pub permalink: String,
    /// The page shows highlighted code (and so needs `syntax.css`).
    pub has_code: bool,
    /// What the page is about, in a sentence or two, for search results and link previews:
    /// an article's summary, a city's, a section's or tag's description, else the site's.
    pub description: &'a str,
}

// ---------------------------------------------------------------------------------------
// Records shared by the templates

/// An article as lists show it.
#[derive(Serialize)]
pub struct PageRef<'a> {
    pub title: &'a str,
    pub url: String,
    pub permalink: String,
    /// The date of the document or event the article is about: `YYYY-MM-DD`, `YYYY-MM` for
    /// a month alone, or RFC 3339 when a time was given; null for an undated article (at the
    /// content root, or in a section with `undated: true`).
    pub date: Option<String>,
    /// The date in the language file's `date_format` (`month_format` for a month alone).
    pub date_text: Option<String>,
    /// When the entry was written (front matter `published`), in the same forms.
    pub published: Option<String>,
    pub published_text: Option<String>,
    /// When the entry was last revised.
    pub updated: Option<String>,
    pub updated_text: Option<String>,
    pub summary: String,
    /// The summary is an excerpt of the body rather than written in the front matter.
    pub excerpt: bool,
    pub kind: &'a Kind,
    pub kind_label: String,
    pub section: Option<SectionLink<'a>>,
    pub tags: Vec<Link<'a>>,
    pub cities: Vec<Link<'a>>,
    pub issuer: Option<&'a str>,
    pub status: Option<&'static str>,
    pub status_label: Option<String>,
    /// Minutes.
    pub reading_time: u32,
    pub draft: bool,
}

/// A tag or a city as an article names it.
#[derive(Serialize)]
pub struct Link<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub url: String,
}

#[derive(Serialize)]
pub struct SectionLink<'a> {
    pub key: &'a str,
    pub title: String,
    pub url: String,
}

#[derive(Serialize)]
pub struct TagView<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub url: String,
    /// How many articles have the tag.
    pub count: usize,
    pub description: Option<&'a str>,
    pub feed_url: Option<String>,
}

#[derive(Serialize)]
pub struct CityView<'a> {
    pub name: &'a str,
    /// The profile's `other_names` (empty without a profile).
    pub other_names: &'a [String],
    pub slug: &'a str,
    pub url: String,
    pub province: Option<&'a str>,
    /// The region's name (`西部`, also for a profile's `西部地区` or `west`); language files
    /// translate it under `regions`.
    pub region: Option<Region>,
    pub has_profile: bool,
    pub pilots: Vec<PilotView<'a>>,
    /// `[latitude, longitude]`.
    pub coordinates: Option<[f64; 2]>,
    /// How many articles name the city.
    pub count: usize,
    /// Plain text from the profile's body.
    pub summary: &'a str,
    pub feed_url: Option<String>,
}

#[derive(Serialize)]
pub struct PilotView<'a> {
    pub programme: &'a str,
    pub batch: Option<u32>,
    /// `第三批`: the language file's `batch`, in Chinese numerals for Chinese.
    pub batch_label: Option<String>,
    pub approved: Option<String>,
    pub approved_text: Option<String>,
}

/// A paginated list's page numbers: a window of the first, the last and two on each side
/// of the current page.
#[derive(Serialize)]
pub struct Paginator {
    pub current: usize,
    pub total_pages: usize,
    pub total_items: usize,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    pub pages: Vec<PageNumber>,
}

#[derive(Serialize)]
pub struct PageNumber {
    pub number: usize,
    pub url: String,
    pub current: bool,
    /// Numbers were skipped before this one.
    pub gap_before: bool,
}

// ---------------------------------------------------------------------------------------
// One context per template

/// `index.html`.
#[derive(Serialize)]
pub struct Home<'a> {
    pub intro: Intro<'a>,
    /// The newest articles.
    pub latest: Vec<Record>,
    /// The top sections.
    pub sections: Vec<SectionSummary<'a>>,
    /// Cities with a profile, by region.
    pub cities: Vec<CityView<'a>>,
    /// The most used tags.
    pub popular_tags: Vec<TagView<'a>>,
}

/// `content/_index.md`.
#[derive(Serialize)]
pub struct Intro<'a> {
    pub title: Option<&'a str>,
    pub content: Html<'a>,
}

#[derive(Serialize)]
pub struct SectionSummary<'a> {
    pub key: &'a str,
    pub title: String,
    pub url: String,
    pub count: usize,
    pub description: Option<&'a str>,
}

/// `section.html`, one page of a section's list.
#[derive(Serialize)]
pub struct SectionList<'a> {
    pub section: SectionView<'a>,
    pub pages: Vec<Record>,
    pub paginator: Paginator,
}

#[derive(Serialize)]
pub struct SectionView<'a> {
    pub key: &'a str,
    pub title: String,
    pub kind: &'a Kind,
    pub kind_label: String,
    pub description: Option<&'a str>,
    pub url: String,
    /// The body of the section's `_index.md`.
    pub content: Html<'a>,
    /// Its articles, with those of its sub-sections.
    pub count: usize,
    /// The sections above it, top section first (empty for a top section).
    pub trail: Vec<SectionLink<'a>>,
    /// Its sub-sections, in order.
    pub children: Vec<SectionSummary<'a>>,
}

/// `page.html`.
#[derive(Serialize)]
pub struct Article<'a> {
    pub page: ArticleView<'a>,
}

/// An article's page: its list record and the rest.
#[derive(Serialize)]
pub struct ArticleView<'a> {
    #[serde(flatten)]
    pub record: Record,
    pub content: Html<'a>,
    pub toc: &'a [TocEntry],
    pub source: Option<SourceView<'a>>,
    pub extra: &'a serde_json::Value,
    /// Chinese characters plus words of other scripts.
    pub char_count: usize,
    /// The site's own fields the article gives, in the order `site.yaml` declares them.
    pub fields: Vec<FieldView<'a>>,
    /// The sections that hold it, top section first, down to the one that lists it: a
    /// breadcrumb (empty for a page at the content root).
    pub trail: Vec<SectionLink<'a>>,
    /// How its section orders its list: `date` (`prev` is the older article, `next` the
    /// newer) or `title` (`prev` and `next` are the ones before and after it by title).
    pub order: SortBy,
    /// The article before it in its section: the older one, or by title.
    pub prev: Option<Record>,
    /// The article after it in its section: the newer one, or by title.
    pub next: Option<Record>,
    /// The articles that share the most of its cities and tags, best first (at most five).
    pub related: Vec<Record>,
    /// The articles that link to it, newest first.
    pub backlinks: Vec<BacklinkView<'a>>,
    /// What it amends, supersedes or implements, and what does so to it.
    pub relations: RelationsView,
    /// What it is (`Legislation` for a policy, else `Article`) and its breadcrumb, for
    /// `<script type="application/ld+json">`.
    pub json_ld: JsonLd,
}

/// The articles that stand to the shown one in each way (front matter `amends`,
/// `supersedes`, `implements`, and the same seen from the other end), each list in the
/// site's order; empty lists where there are none.
#[derive(Serialize, Default)]
pub struct RelationsView {
    /// Articles that replace it: it is no longer in force.
    pub superseded_by: Vec<Record>,
    /// Articles that change part of it.
    pub amended_by: Vec<Record>,
    pub supersedes: Vec<Record>,
    pub amends: Vec<Record>,
    pub implements: Vec<Record>,
    /// Articles that carry it out.
    pub implemented_by: Vec<Record>,
    /// Whether any of the lists has an article.
    pub any: bool,
}

/// An article that links to the one shown.
#[derive(Serialize)]
pub struct BacklinkView<'a> {
    pub page: Record,
    /// The heading of the shown article it links to, when it names one.
    pub heading: Option<HeadingRef<'a>>,
}

#[derive(Serialize)]
pub struct HeadingRef<'a> {
    pub id: &'a str,
    pub title: &'a str,
}

/// One of the site's own fields (`fields:` in `site.yaml`) with its value.
#[derive(Serialize)]
pub struct FieldView<'a> {
    pub key: &'a str,
    /// In the site's language.
    pub label: &'a str,
    /// `text`, `date`, `integer`, `url`, `list` or `choice`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// As written: text, a number, a list of text, a date as `YYYY-MM-DD`.
    pub value: &'a FieldValue,
    /// For reading: a date in the language file's `date_format`, a list joined with `、`.
    pub text: String,
    /// In the article's info panel.
    pub show: bool,
    /// A filter of the search page (for the index, not templates).
    #[serde(skip)]
    pub filter: bool,
}

#[derive(Serialize)]
pub struct SourceView<'a> {
    pub name: &'a str,
    pub url: Option<Cow<'a, str>>,
    /// The URL is another site's (else it is an article of this one).
    pub external: bool,
}

/// `tags.html`: every tag, by count and then name.
#[derive(Serialize)]
pub struct TagIndex<'a> {
    pub tags: Vec<TagView<'a>>,
}

/// `tag.html`, one page of a tag's list.
#[derive(Serialize)]
pub struct TagList<'a> {
    pub tag: TagPage<'a>,
    /// The articles of this page: by kind, newest first within each.
    pub pages: Vec<Record>,
    /// The same articles in a group per kind.
    pub groups: Vec<KindGroup<'a>>,
    pub paginator: Paginator,
}

#[derive(Serialize)]
pub struct TagPage<'a> {
    #[serde(flatten)]
    pub tag: TagView<'a>,
    /// The body of the tag's profile.
    pub content: Html<'a>,
}

/// `timeline.html`: `/timeline/` (every year) and `/timeline/YYYY/` (one year).
#[derive(Serialize)]
pub struct TimelinePage<'a> {
    /// Every year, newest first.
    pub years: Vec<YearSummary>,
    /// The year this page shows, or null on `/timeline/`.
    pub year: Option<YearSummary>,
    /// The months this page lists, newest first: every month with articles on
    /// `/timeline/`, the year's on a year's page.
    pub months: Vec<MonthGroup>,
    /// Articles per year, stacked by kind, drawn at build time.
    pub chart: Chart<'a>,
    /// How many articles the page lists.
    pub count: usize,
}

/// A year of the timeline: its page and counts.
#[derive(Serialize, Clone)]
pub struct YearSummary {
    pub year: i32,
    pub url: String,
    pub count: usize,
    /// How many of each of the chart's `kinds`, in its order (0 for a kind the year lacks).
    pub counts: Vec<usize>,
}

#[derive(Serialize, Clone)]
pub struct KindCount<'a> {
    pub kind: &'a Kind,
    pub label: String,
    pub count: usize,
}

/// A month of the timeline and its articles.
#[derive(Serialize)]
pub struct MonthGroup {
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
    /// In the language file's `month_format` (2014年3月).
    pub label: String,
    /// `2014-03`: an id for the month's heading.
    pub key: String,
    pub pages: Vec<Record>,
}

/// A bar chart of articles per year as SVG geometry in the chart's own units (`width` ×
/// `height`, y downwards): every year from the oldest on the left to the newest.
#[derive(Serialize)]
pub struct Chart<'a> {
    pub width: u32,
    pub height: u32,
    /// Where the bars stand (the baseline's y).
    pub base: u32,
    pub bar_width: u32,
    pub bars: Vec<Bar>,
    /// The kinds the chart stacks, bottom first, with their totals: its legend and the
    /// columns of its table.
    pub kinds: Vec<KindCount<'a>>,
}

#[derive(Serialize)]
pub struct Bar {
    pub year: i32,
    /// Its year's page; null for a year without articles (an empty bar).
    pub url: Option<String>,
    pub count: usize,
    /// The bar's left edge, the middle of its label and its top (where its count goes).
    pub x: u32,
    pub label_x: u32,
    pub top: f32,
    /// Bottom first.
    pub segments: Vec<Segment>,
}

#[derive(Serialize)]
pub struct Segment {
    pub kind: String,
    pub count: usize,
    pub y: f32,
    pub height: f32,
}

/// `cities.html`.
#[derive(Serialize)]
pub struct CityIndex<'a> {
    /// 东部, 中部, 西部, 东北, then cities without a region.
    pub regions: Vec<RegionGroup<'a>>,
    pub total_cities: usize,
}

#[derive(Serialize)]
pub struct RegionGroup<'a> {
    /// The region's name, or the language file's `region_other`.
    pub name: &'a str,
    pub provinces: Vec<ProvinceGroup<'a>>,
}

#[derive(Serialize)]
pub struct ProvinceGroup<'a> {
    /// The province's name, or the language file's `region_other`.
    pub name: &'a str,
    pub cities: Vec<CityView<'a>>,
}

/// `city.html`.
#[derive(Serialize)]
pub struct CityPage<'a> {
    pub city: CityWithBody<'a>,
    /// The city's articles by kind: policies, pilots, analysis, then a site's own kinds
    /// (`page` among them) by name.
    pub groups: Vec<KindGroup<'a>>,
}

#[derive(Serialize)]
pub struct CityWithBody<'a> {
    #[serde(flatten)]
    pub city: CityView<'a>,
    /// The body of the city's profile.
    pub content: Html<'a>,
    /// The city as a schema.org `Place`, and its breadcrumb, for
    /// `<script type="application/ld+json">`.
    pub json_ld: JsonLd,
}

#[derive(Serialize)]
pub struct KindGroup<'a> {
    pub kind: &'a Kind,
    pub label: String,
    /// How many of the whole list are of this kind (a list over several pages shows some of
    /// them here).
    pub count: usize,
    pub pages: Vec<Record>,
}

/// `search.html`, the search page.
#[derive(Serialize)]
pub struct SearchPage {
    /// Root-relative URLs of the folders of the index's bundles: the first holds Pagefind's
    /// scripts (`pagefind.js`), the others are merged into it (`pagefind.mergeIndex`).
    pub bundles: Vec<String>,
    /// The site's own fields that are search filters (`filter: true`), in declared order.
    pub filters: Vec<SearchFilter>,
}

/// A field of the site's that the search page offers as a filter.
#[derive(Serialize)]
pub struct SearchFilter {
    pub key: String,
    pub label: String,
}

/// `404.html`: the globals only.
#[derive(Serialize)]
pub struct NotFound {}

/// `redirect.html`, written at each old URL in `aliases:`.
#[derive(Serialize)]
pub struct Redirect {
    /// The article the old URL leads to.
    pub page: Record,
    /// Its absolute URL.
    pub to: String,
}

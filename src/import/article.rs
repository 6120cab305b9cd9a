//! One article: its front matter converted and completed (a title from its first heading,
//! a date from its file name or a leading line), its body converted, its old URL kept as
//! an alias; then all articles' aliases settled against each other, and `site.yaml`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::body;
use super::convert::{convert_body, with_source, Placed};
use super::dates;
use super::dest::{Payload, Planned};
use super::emit::Yaml;
use super::front::{self, as_site_path, ArticleFront, Sink};
use super::links::LinkIndex;
use super::report::{ImportReport, NoteKind};
use super::tools::{OldUrl, PageFacts, Source};
use super::{zola, Tool};
use crate::content::{Date, SourceFile};
use crate::text::slug::{from_file_stem, is_valid_slug};

/// The site title when the source names none.
pub const PLACEHOLDER_TITLE: &str = "我的知识库";

/// An article ready to write.
#[derive(Debug, Clone)]
pub struct Article {
    /// Inside `content/`.
    pub dest: String,
    pub shown: String,
    /// Its URL in the new site, as a site path (`/posts/a/`).
    pub url: String,
    pub front: ArticleFront,
    pub body: String,
}

/// Reads and converts one article; none (reported) when it cannot be read.
pub fn convert(
    src: &Path,
    p: &Placed,
    source: &dyn Source,
    index: &LinkIndex,
    report: &mut ImportReport,
) -> Option<Article> {
    with_source(src, p, source.site().zone, report, |cut, sink| {
        let mut front = front::convert(source.tool(), &cut.map, sink);
        let body = complete(&mut front, p, source.tool(), cut.body, sink)?;
        let body = convert_body(&body, cut.body_line, p, source.tool(), index, sink);
        let url = new_url(&p.dest, front.slug.as_deref());
        keep_old_url(&mut front, source, p, &url, sink);
        Some(Article {
            dest: p.dest.clone(),
            shown: p.found.shown.clone(),
            url,
            front,
            body: body.trim_start_matches('\n').to_string(),
        })
    })
}

/// Fills in a missing title and date; the body, without the heading that gave the title.
fn complete(
    front: &mut ArticleFront,
    p: &Placed,
    tool: Tool,
    body: &str,
    sink: &mut Sink,
) -> Option<String> {
    let mut body = body.to_string();
    if front.title.is_none() {
        front.title = Some(take_heading(&mut body).unwrap_or_else(|| {
            let stem = stem(&p.dest).to_string();
            let message =
                format!("no title and no `# heading`: the file name, {stem}, is the title");
            sink.note(Some(1), NoteKind::Changed, message);
            stem
        }));
    }
    if front.date.is_none() {
        front.date = date_elsewhere(front, p, tool, &mut body, sink);
    }
    Some(body)
}

/// Line `i` of `body`, which gave the date, blanked (kept, so that later lines keep their
/// numbers); left as it is inside code or a quote, which it would cut in two.
fn blank_date_line(body: &mut String, i: usize) {
    let start: usize = body.split_inclusive('\n').take(i).map(str::len).sum();
    let len = body[start..].find('\n').unwrap_or(body.len() - start);
    let in_prose =
        (body::segments(body).into_iter()).any(|(code, range)| !code && range.contains(&start));
    if in_prose && !body[start..].trim_start().starts_with('>') {
        body.replace_range(start..start + len, "");
    }
}

/// The text of the first `# heading` outside code, which is blanked (its line kept, so
/// that later lines keep their numbers).
pub(super) fn take_heading(body: &mut String) -> Option<String> {
    let prose = body::segments(body).into_iter().filter(|(code, _)| !code);
    for (_, range) in prose {
        let mut at = range.start;
        for line in body[range].split_inclusive('\n') {
            if let Some(title) = heading_text(line) {
                let end = at + line.trim_end_matches('\n').len();
                body.replace_range(at..end, "");
                return Some(title);
            }
            at += line.len();
        }
    }
    None
}

/// The text of a `# heading` line, without its closing `#`s.
pub(super) fn heading_text(line: &str) -> Option<String> {
    let text = line.trim_end().strip_prefix("# ")?;
    let text = text.trim().trim_end_matches('#').trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// A date from the file name or a leading line (which is then taken out of the body: it
/// would be the summary); none, reported, when there is neither (the article is then
/// written undated, and its section says it has undated articles). A date in the name of a
/// Zola page is left out of its slug, as Zola's URL leaves it out.
fn date_elsewhere(
    front: &mut ArticleFront,
    p: &Placed,
    tool: Tool,
    body: &mut String,
    sink: &mut Sink,
) -> Option<Date> {
    let stem = stem(&p.found.rel).to_string();
    if let Some(day) = dates::from_file_name(&stem) {
        let dated_slug = zola::without_date(&stem);
        if tool == Tool::Zola && front.slug.is_none() && is_valid_slug(&dated_slug) {
            front.slug = Some(dated_slug);
        }
        return Some(Date::of_day(day));
    }
    if let Some((day, i)) = dates::from_leading_line(body) {
        blank_date_line(body, i);
        return Some(Date::of_day(day));
    }
    // A page at the content root needs none.
    let page = p.dest.strip_suffix("/index.md").unwrap_or(&p.dest);
    if let Some((section, _)) = page.split_once('/') {
        let message = format!(
            "no date in the front matter, the file name (2014-03-05-title.md) or the first \
             five lines (日期：2014-03-05): written without one, and content/{section}/_index.md \
             says `undated: true`"
        );
        sink.note(Some(1), NoteKind::Changed, message);
    }
    None
}

/// The file name without `.md`, or a bundle's folder name.
fn stem(rel: &str) -> &str {
    let rel = rel.strip_suffix("/index.md").unwrap_or(rel);
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.strip_suffix(".md")
        .or_else(|| name.strip_suffix(".markdown"))
        .unwrap_or(name)
}

/// The URL tradekb gives the file at `dest` (inside `content/`), as a site path.
fn new_url(dest: &str, slug: Option<&str>) -> String {
    let file = SourceFile {
        path: PathBuf::from(dest),
        rel: dest.to_string(),
        text: Default::default(),
        digest: 0,
        body_offset: 0,
        body_line: 1,
    };
    // Import always writes `date:`, so a date in the name stays in the slug.
    let slug = slug.map_or_else(|| from_file_stem(file.slug_source(false)), str::to_string);
    match file.section_folder() {
        Some(section) => format!("/{section}/{slug}/"),
        None => format!("/{slug}/"),
    }
}

/// Adds the URL the source tool gave the page, when it is not tradekb's.
fn keep_old_url(
    front: &mut ArticleFront,
    source: &dyn Source,
    p: &Placed,
    url: &str,
    sink: &mut Sink,
) {
    let Some(date) = front.date.map(|d| d.day).filter(|_| !front.own_url) else {
        return;
    };
    let facts = PageFacts {
        root: &p.found.root,
        rel: &p.found.rel,
        slug: front.slug.as_deref(),
        title: front.title.as_deref(),
        date,
    };
    match source.old_url(&facts) {
        OldUrl::At(old) => match as_site_path(&old) {
            Ok(old) if old == url => {}
            Ok(old) => {
                front.aliases.insert(0, old);
                sink.report.mapped("(old URL)", "aliases");
            }
            Err(why) => sink.note(None, NoteKind::Dropped, format!("old URL `{old}` {why}")),
        },
        OldUrl::Unknown(why) => {
            let message =
                format!("old URL not kept as an alias: {why}; add it to `aliases:` by hand");
            sink.note(None, NoteKind::Dropped, message);
        }
        OldUrl::None => {}
    }
}

/// Drops aliases that are some page's URL or another page's alias, and reports two
/// articles that would have one URL.
pub fn settle_urls(articles: &mut [Article], report: &mut ImportReport) {
    let mut owners: BTreeMap<String, String> = BTreeMap::new();
    for a in articles.iter() {
        if let Some(first) = owners.insert(a.url.clone(), a.shown.clone()) {
            let message = format!(
                "has the URL {} as {first} has: give one of them a `slug:` before building",
                a.url
            );
            report.note(&a.shown, None, NoteKind::Changed, message);
        }
    }
    let pages: BTreeSet<String> = owners.keys().cloned().collect();
    for a in articles.iter_mut() {
        let (shown, url) = (a.shown.clone(), a.url.clone());
        a.front.aliases.retain(|alias| {
            let taken = if *alias == url {
                return false;
            } else if pages.contains(alias) {
                format!("alias {alias} is the URL of another page: left out")
            } else if let Some(other) = owners.get(alias) {
                format!("alias {alias} is an old URL of {other} too: left out")
            } else {
                owners.insert(alias.clone(), shown.clone());
                return true;
            };
            report.note(&shown, None, NoteKind::Dropped, taken);
            false
        });
    }
}

impl Article {
    pub fn planned(&self) -> Planned {
        Planned {
            rel: format!("content/{}", self.dest),
            payload: Payload::Converted(self.render()),
            shown: self.shown.clone(),
        }
    }

    fn render(&self) -> String {
        let f = &self.front;
        let mut y = Yaml::default();
        y.text("title", f.title.as_deref().unwrap_or_default());
        if let Some(date) = f.date {
            y.raw("date", date.iso());
        }
        if let Some(published) = f.published {
            y.raw("published", published.iso());
        }
        if let Some(updated) = f.updated {
            y.raw("updated", updated.iso());
        }
        if let Some(summary) = &f.summary {
            y.text("summary", summary);
        }
        self.render_lists(&mut y);
        y.front_matter(&self.body)
    }

    fn render_lists(&self, y: &mut Yaml) {
        let f = &self.front;
        if !f.tags.is_empty() {
            y.list("tags", &f.tags);
        }
        if let Some(slug) = &f.slug {
            y.text("slug", slug);
        }
        if !f.aliases.is_empty() {
            y.list("aliases", &f.aliases);
        }
        if f.draft {
            y.raw("draft", true);
        }
        if let Some(author) = &f.author {
            y.text("author", author);
        }
        if !f.extra.is_empty() {
            let mut extra = f.extra.clone();
            extra.sort_by(|a, b| a.0.cmp(&b.0));
            y.mapping("extra", &extra);
        }
    }
}

/// The custom field `author` articles may then carry, for `site.yaml`.
const AUTHOR_FIELD: &str = "\
fields:
  author:
    type: text
    label: { zh-CN: 作者, en: Author }
    show: true
";

/// `site.yaml`: the source's title and address (placeholders when it gives none).
pub fn site_yaml(source: &dyn Source, author: bool, report: &mut ImportReport) -> Planned {
    let site = source.site();
    let mut y = Yaml::default();
    let tool = source.tool().name();
    y.block(&format!(
        "# Written by `tradekb import` from a {tool} site; the README of tradekb lists every key.\n"
    ));
    y.text("title", site.title.as_deref().unwrap_or(PLACEHOLDER_TITLE));
    if let Some(description) = &site.description {
        y.text("description", description);
    }
    if let Some(author) = &site.author {
        y.text("author", author);
    }
    y.raw("base_url", base_url(site.base_url.as_deref(), report));
    y.raw("language", "zh-CN");
    if author {
        y.block(AUTHOR_FIELD);
    }
    Planned {
        rel: crate::config::CONFIG_FILE.to_string(),
        payload: Payload::Made(y.into_text()),
        shown: crate::config::CONFIG_FILE.to_string(),
    }
}

fn base_url(given: Option<&str>, report: &mut ImportReport) -> String {
    const PLACEHOLDER: &str = "https://example.org/";
    let Some(given) = given else {
        return PLACEHOLDER.into();
    };
    match crate::config::BaseUrl::parse(given) {
        Ok(url) => url.absolute,
        Err(why) => {
            let message =
                format!("the site's address `{given}` {why}: {PLACEHOLDER} written instead");
            report.note("site.yaml", None, NoteKind::Changed, message);
            PLACEHOLDER.into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_date_line_is_blanked_only_where_it_stands_alone() {
        let blanked = |body: &str, i: usize| {
            let mut body = body.to_string();
            blank_date_line(&mut body, i);
            body
        };
        assert_eq!(
            blanked("# 题\n\n日期：2014-03-05\n正文\n", 2),
            "# 题\n\n\n正文\n"
        );
        assert_eq!(blanked("正文\r\n日期：2014-03-05", 1), "正文\r\n");
        let quoted = "> 引文\n> 日期：2014-03-05\n> 引文\n";
        assert_eq!(blanked(quoted, 1), quoted, "a quote is not cut in two");
        let code = "```\n日期：2014-03-05\n```\n";
        assert_eq!(blanked(code, 1), code, "code is left alone");
    }

    #[test]
    fn urls_are_tradekbs() {
        assert_eq!(new_url("posts/sub/a.md", None), "/posts/a/");
        assert_eq!(new_url("posts/b/index.md", None), "/posts/b/");
        assert_eq!(new_url("about.md", None), "/about/");
        assert_eq!(new_url("about/index.md", None), "/about/");
        assert_eq!(
            new_url("法律/刑法修正案（三）.md", None),
            "/法律/刑法修正案-三/"
        );
        assert_eq!(new_url("posts/a.md", Some("x")), "/posts/x/");
    }

    #[test]
    fn the_first_heading_is_the_title_and_leaves_a_blank_line() {
        let mut body = "```\n# not this\n```\n# 标题 #\n正文\n".to_string();
        assert_eq!(take_heading(&mut body).as_deref(), Some("标题"));
        assert_eq!(body, "```\n# not this\n```\n\n正文\n");
    }

    #[test]
    fn site_yaml_declares_the_author_field_only_when_used() {
        let source = super::super::markdown::Plain::open(std::path::Path::new(""));
        let mut report = ImportReport::new(Tool::Markdown);
        let text = |p: Planned| match p.payload {
            Payload::Made(t) => t,
            _ => unreachable!(),
        };
        let with = text(site_yaml(&source, true, &mut report));
        assert!(with.ends_with(
            "language: zh-CN\nfields:\n  author:\n    type: text\n    label: { zh-CN: 作者, en: Author }\n    show: true\n"
        ), "{with}");
        assert!(with.contains("title: 我的知识库\nbase_url: https://example.org/\n"));
        let without = text(site_yaml(&source, false, &mut report));
        assert!(!without.contains("fields:"));
    }
}

//! Render stage: Markdown bodies to HTML, then every page of the site through the theme's
//! templates. Input: the config, the theme and the resolved [`Site`]. Output: a [`Plan`] of
//! files for the write stage, or every problem found.

mod crawl;
pub use crawl::links_in;
pub mod feeds;
pub mod theme;
pub mod views;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use tera::{Tera, Value};

use crate::config::Config;
use crate::content::highlight::{self, Highlighter};
use crate::content::markdown::{Markdown, Rendered};
use crate::content::SourceFile;
use crate::diagnostic::{self, Diagnostic, Problem};
use crate::site::links::Targets;
use crate::site::Site;
use theme::{StaticFile, Theme};
use views::{map, Strings, Views};

/// Every file of the finished site, by output path (`pilots/changsha/index.html`).
pub struct Plan {
    pub files: Vec<OutputFile>,
}

pub struct OutputFile {
    pub path: String,
    pub contents: Contents,
}

pub enum Contents {
    Bytes(Vec<u8>),
    Static(StaticFile),
}

/// Markdown bodies of everything that has one, by the same indexes as in [`Site`].
struct Bodies {
    home: Option<Rendered>,
    sections: Vec<Option<Rendered>>,
    pages: Vec<Rendered>,
    tags: Vec<Option<Rendered>>,
    cities: Vec<Option<Rendered>>,
}

const SYNTAX_CSS: &str = "syntax.css";

pub fn render(config: &Config, theme: &Theme, site: &Site) -> Result<Plan, Vec<Diagnostic>> {
    let strings = Strings::new(theme.strings.clone(), &config.language);
    let views = Views {
        config,
        site,
        strings: &strings,
    };
    let tera = setup(config, theme, &views)?;
    let highlighter = Highlighter::default();
    let targets = link_targets(config, theme, site);
    let md = Markdown {
        highlighter: &highlighter,
        raw_html: config.raw_html,
    };
    let (bodies, mut problems) = render_bodies(site, &md, &targets);
    let refs: Vec<Value> = site
        .pages
        .par_iter()
        .zip(&bodies.pages)
        .map(|(p, b)| views.page_ref(p, b))
        .collect();
    let pages = Pages {
        views: &views,
        bodies: &bodies,
        refs: &refs,
    };
    let (mut files, mut template_problems) = render_pages(config, site, &tera, theme, &pages);
    problems.append(&mut template_problems);
    if !problems.is_empty() {
        // The crawl below would only repeat the links already reported.
        return Err(problems);
    }
    files.extend(support_files(config, theme, site));
    files.extend(machine_files(config, site, &bodies.pages, &strings));
    let clashes = clashing_files(config, theme, site, &files);
    if !clashes.is_empty() {
        return Err(clashes);
    }
    let output_name = config.display_path(&config.output_dir);
    let dead = crawl::check(&files, &config.base_url.root, &output_name);
    if !dead.is_empty() {
        return Err(dead);
    }
    Ok(Plan { files })
}

/// Two files of the plan at one output path: an alias onto a feed, a content file where a
/// page goes. The URL claims of the resolve stage see pages; this sees every file.
fn clashing_files(
    config: &Config,
    theme: &Theme,
    site: &Site,
    files: &[OutputFile],
) -> Vec<Diagnostic> {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut problems = Vec::new();
    for f in files {
        let count = seen.entry(f.path.as_str()).or_default();
        *count += 1;
        if *count == 2 && !claimed_by_resolve(site, &f.path, files) {
            let origins = origins_of(config, theme, site, &f.path);
            let problem = Problem::UrlCollision {
                what: "output file".into(),
                url: format!("/{}", f.path),
                other: origins
                    .get(1)
                    .cloned()
                    .unwrap_or_else(|| "a file tradekb generates".into()),
            };
            // An alias is the likely mistake: point at its line.
            let alias = site.redirects.iter().find(|r| r.output_path() == f.path);
            let d = match alias {
                Some(r) => crate::site::at_key(&site.pages[r.to].doc.file, "aliases", problem),
                None => {
                    let source = origins
                        .first()
                        .cloned()
                        .unwrap_or_else(|| "(generated)".into());
                    Diagnostic::new(problem, source)
                }
            };
            let d = d.with_help("change the alias or move the file");
            problems.push(d);
        }
    }
    for f in files {
        // `a/b` cannot be both a file and the folder of `a/b/index.html`.
        let mut ancestors = f.path.match_indices('/').map(|(i, _)| &f.path[..i]);
        if let Some(folder) = ancestors.find(|a| seen.contains_key(a)) {
            let origins = origins_of(config, theme, site, folder);
            let message = format!(
                "/{folder} is written as a file, but /{} needs it to be a folder",
                f.path
            );
            let source = origins
                .first()
                .cloned()
                .unwrap_or_else(|| "(generated)".into());
            problems.push(Diagnostic::new(Problem::Unsupported { message }, source));
        }
    }
    diagnostic::sort(&mut problems);
    problems
}

/// Whether every writer of `path` is a page or redirect whose URL the resolve stage claims
/// (and so has reported already when two of them meet).
fn claimed_by_resolve(site: &Site, path: &str, files: &[OutputFile]) -> bool {
    let writers = files.iter().filter(|f| f.path == path).count();
    let page_dir = path.strip_suffix("index.html");
    let is_list = |p: &str| {
        p.is_empty()
            || p == "tags/"
            || p == "cities/"
            || site.sections.iter().any(|s| s.path == p)
            || site.tags.iter().any(|t| t.path == p)
            || site.cities.iter().any(|c| c.path == p)
    };
    let pages = page_dir.map_or(0, |d| {
        site.pages.iter().filter(|p| p.path == d).count() + usize::from(is_list(d))
    });
    let redirects = site
        .redirects
        .iter()
        .filter(|r| r.output_path() == path)
        .count();
    pages + redirects >= writers
}

/// Where the files written at `path` come from, sources first.
fn origins_of(config: &Config, theme: &Theme, site: &Site, path: &str) -> Vec<String> {
    let mut out: Vec<String> = site
        .redirects
        .iter()
        .filter(|r| r.output_path() == path)
        .map(|r| site.pages[r.to].doc.file.path.display().to_string())
        .collect();
    if site.assets.binary_search(&path.to_string()).is_ok() {
        out.push(
            config
                .display_path(&config.content_dir.join(path))
                .display()
                .to_string(),
        );
    }
    if theme.statics.contains_key(path) {
        out.push(format!("the theme's static/{path}"));
    }
    out
}

/// Everything a link in a body may point at: pages, lists, feeds and files.
fn link_targets<'a>(config: &'a Config, theme: &Theme, site: &'a Site) -> Targets<'a> {
    let generated = [
        SYNTAX_CSS,
        "404.html",
        "sitemap.xml",
        "robots.txt",
        feeds::SITE_FEED,
    ];
    let files = theme
        .statics
        .keys()
        .cloned()
        .chain(generated.map(String::from));
    Targets::new(
        site,
        &config.base_url,
        list_paths(config, site).into_iter().chain(files),
    )
}

/// Every page through its template, in parallel; a template mistake is reported once.
fn render_pages(
    config: &Config,
    site: &Site,
    tera: &Tera,
    theme: &Theme,
    pages: &Pages,
) -> (Vec<OutputFile>, Vec<Diagnostic>) {
    let rendered: Vec<Result<OutputFile, Diagnostic>> = jobs(config, site)
        .par_iter()
        .map(|job| pages.render(tera, theme, job))
        .collect();
    let mut files = Vec::with_capacity(rendered.len() + theme.statics.len() + site.assets.len());
    let mut problems = Vec::new();
    for r in rendered {
        match r {
            Ok(f) => files.push(f),
            Err(d) => problems.push(d),
        }
    }
    diagnostic::sort(&mut problems);
    problems
        .dedup_by(|a, b| a.problem == b.problem && a.path == b.path && a.position == b.position);
    (files, problems)
}

/// The stylesheet for highlighting, the theme's static files and the content's own files.
fn support_files(config: &Config, theme: &Theme, site: &Site) -> Vec<OutputFile> {
    let css = highlight::stylesheet(&config.highlight);
    let mut files = vec![OutputFile {
        path: SYNTAX_CSS.into(),
        contents: Contents::Bytes(css.into_bytes()),
    }];
    for (path, file) in &theme.statics {
        files.push(OutputFile {
            path: path.clone(),
            contents: Contents::Static(file.clone()),
        });
    }
    for asset in &site.assets {
        let file = StaticFile::Disk(config.content_dir.join(asset));
        files.push(OutputFile {
            path: asset.clone(),
            contents: Contents::Static(file),
        });
    }
    files
}

/// Feeds, the sitemap, robots.txt and redirect pages.
fn machine_files(
    config: &Config,
    site: &Site,
    bodies: &[Rendered],
    strings: &Strings,
) -> Vec<OutputFile> {
    let file = |path: String, text: String| OutputFile {
        path,
        contents: Contents::Bytes(text.into_bytes()),
    };
    let all: Vec<usize> = (0..site.pages.len()).collect();
    let mut files: Vec<OutputFile> = feeds(config, site, &all)
        .par_iter()
        .map(|f| file(f.path.clone(), feeds::atom(config, site, bodies, f)))
        .collect();
    if config.sitemap {
        let urls = feeds::sitemap_urls(site, &listed(site, &all));
        files.extend(
            feeds::sitemaps(config, &urls, feeds::SITEMAP_LIMIT)
                .into_iter()
                .map(|(p, x)| file(p, x)),
        );
    }
    if config.robots {
        files.push(file("robots.txt".into(), feeds::robots(config)));
    }
    for r in &site.redirects {
        files.push(file(
            r.output_path(),
            feeds::redirect_page(config, site, r, strings),
        ));
    }
    files
}

/// The site's feed and one per tag and per city with articles.
fn feeds<'a>(config: &'a Config, site: &'a Site, all: &'a [usize]) -> Vec<feeds::Feed<'a>> {
    let mut out = Vec::new();
    if let Some(path) = feeds::feed_path(config, "", all) {
        out.push(feeds::Feed {
            title: config.title.clone(),
            path,
            page_path: "",
            subtitle: Some(&config.description),
            entries: all,
        });
    }
    for t in &site.tags {
        if let Some(path) = feeds::feed_path(config, &t.path, &t.pages) {
            let title = format!("{} · {}", t.name, config.title);
            out.push(feeds::Feed {
                title,
                path,
                page_path: &t.path,
                subtitle: t.description.as_deref(),
                entries: &t.pages,
            });
        }
    }
    for c in &site.cities {
        if let Some(path) = feeds::feed_path(config, &c.path, &c.pages) {
            let title = format!("{} · {}", c.name, config.title);
            out.push(feeds::Feed {
                title,
                path,
                page_path: &c.path,
                subtitle: None,
                entries: &c.pages,
            });
        }
    }
    out
}

/// The list pages of the sitemap (first pages only) with the articles they show.
fn listed<'a>(site: &'a Site, all: &'a [usize]) -> Vec<(String, &'a [usize])> {
    let mut lists = vec![
        (String::new(), all),
        ("tags/".to_string(), all),
        ("cities/".to_string(), all),
    ];
    lists.extend(
        site.sections
            .iter()
            .map(|s| (s.path.clone(), s.pages.as_slice())),
    );
    lists.extend(
        site.tags
            .iter()
            .map(|t| (t.path.clone(), t.pages.as_slice())),
    );
    lists.extend(
        site.cities
            .iter()
            .map(|c| (c.path.clone(), c.pages.as_slice())),
    );
    lists
}

/// Site paths of the lists: pagination pages and taxonomy indexes, which have no source file.
fn list_paths(config: &Config, site: &Site) -> Vec<String> {
    let mut paths = vec![String::new(), "tags/".to_string(), "cities/".to_string()];
    for s in &site.sections {
        let per = s.meta.paginate_by.unwrap_or(config.paginate_by);
        paths.extend((2..=page_count(s.pages.len(), per)).map(|n| format!("{}page/{n}/", s.path)));
    }
    for t in &site.tags {
        paths.push(t.path.clone());
        paths.extend(
            (2..=page_count(t.pages.len(), config.paginate_by))
                .map(|n| format!("{}page/{n}/", t.path)),
        );
    }
    paths.extend(site.cities.iter().map(|c| c.path.clone()));
    let feeds = site
        .tags
        .iter()
        .map(|t| (&t.path, &t.pages))
        .chain(site.cities.iter().map(|c| (&c.path, &c.pages)));
    paths.extend(feeds.filter_map(|(path, pages)| feeds::feed_path(config, path, pages)));
    paths.extend(site.sections.iter().map(|s| s.path.clone()));
    paths.extend(site.pages.iter().map(|p| p.path.clone()));
    paths
}

fn page_count(items: usize, per: usize) -> usize {
    items.div_ceil(per.max(1)).max(1)
}

/// Loads the templates into Tera and sets the data every template receives.
fn setup(config: &Config, theme: &Theme, views: &Views) -> Result<Tera, Vec<Diagnostic>> {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    let sources = theme
        .templates
        .iter()
        .map(|(name, t)| (name.as_str(), t.source.as_str()));
    tera.add_raw_templates(sources)
        .map_err(|e| vec![template_error(theme, &e, None)])?;
    let site = map(vec![
        ("title", config.title.as_str().into()),
        ("description", config.description.as_str().into()),
        ("language", config.language.as_str().into()),
        ("base_url", config.base_url.absolute.as_str().into()),
        ("root", config.base_url.root.as_str().into()),
        ("extra", Value::from_serializable(&config.extra)),
    ]);
    let nav: Vec<Value> = views
        .site
        .sections
        .iter()
        .map(|s| nav_item(views, s))
        .collect();
    let globals = tera.global_context();
    globals.insert_value("site", site);
    globals.insert_value("t", Value::from_serializable(&views.strings.all));
    globals.insert_value("nav", Value::from(nav));
    let all: Vec<usize> = (0..views.site.pages.len()).collect();
    let feed = feeds::feed_path(config, "", &all).map(|p| config.base_url.url(&p));
    globals.insert_value("feed_url", feed.into());
    Ok(tera)
}

fn nav_item(views: &Views, s: &crate::site::Section) -> Value {
    map(vec![
        ("key", s.key.as_str().into()),
        ("title", views.section_title(s).into()),
        ("url", views.config.base_url.url(&s.path).into()),
        ("kind", s.kind.as_str().into()),
    ])
}

/// A template error as a diagnostic of the template's file: Tera's report is taken apart
/// into its message, `name:line:column`, caret width and notes.
fn template_error(theme: &Theme, e: &tera::Error, rendering: Option<&str>) -> Diagnostic {
    let report = e.to_string();
    let mut lines = report.lines();
    let first = lines.next().unwrap_or_default();
    let message = first.strip_prefix("error: ").unwrap_or(first).to_string();
    let rest: Vec<&str> = lines.collect();
    let located = rest
        .iter()
        .find_map(|l| l.trim_start().strip_prefix("--> "))
        .and_then(parse_location);
    let notes: Vec<&str> = rest
        .iter()
        .filter_map(|l| l.trim_start().strip_prefix("note: "))
        .collect();
    let named = located.as_ref().map(|(name, ..)| name.as_str());
    let template = named.and_then(|n| theme.templates.get(n)).or_else(|| {
        theme
            .templates
            .iter()
            .find(|(n, _)| report.contains(&format!("'{n}'")))
            .map(|(_, t)| t)
    });
    let origin = template.map_or_else(|| PathBuf::from("templates"), |t| t.origin.clone());
    let mut d = Diagnostic::new(Problem::Template { message }, origin);
    if let (Some(t), Some((_, line, column))) = (template, &located) {
        let width = rest
            .iter()
            .map(|l| l.matches('^').count())
            .max()
            .unwrap_or(1);
        d = d.at(&t.source, *line, *column, width);
    }
    let mut help: Vec<String> = notes.iter().map(|n| n.to_string()).collect();
    if let Some(path) = rendering {
        help.push(format!("while rendering /{path}"));
    }
    if !help.is_empty() {
        d = d.with_help(help.join("; "));
    }
    d
}

/// `name:line:column` from Tera's report.
fn parse_location(text: &str) -> Option<(String, usize, usize)> {
    let mut parts = text.trim().rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    Some((parts.next()?.to_string(), line, column))
}

fn render_bodies(site: &Site, md: &Markdown, targets: &Targets) -> (Bodies, Vec<Diagnostic>) {
    let one =
        |file: &SourceFile, path: &str| md.render(file.body(), &targets.for_file(&file.rel, path));
    let opt = |file: Option<&SourceFile>, path: &str| file.map(|f| one(f, path));
    let (pages, (sections, (tags, cities))) = rayon::join(
        || {
            site.pages
                .par_iter()
                .map(|p| one(&p.doc.file, &p.path))
                .collect::<Vec<_>>()
        },
        || {
            rayon::join(
                || {
                    site.sections
                        .iter()
                        .map(|s| opt(s.intro.as_ref(), &s.path))
                        .collect()
                },
                || {
                    rayon::join(
                        || {
                            site.tags
                                .iter()
                                .map(|t| opt(t.profile.as_ref(), &t.path))
                                .collect()
                        },
                        || {
                            site.cities
                                .iter()
                                .map(|c| opt(c.profile.as_ref(), &c.path))
                                .collect()
                        },
                    )
                },
            )
        },
    );
    let home = opt(site.home.as_ref().map(|h| &h.file), "");
    let bodies = Bodies {
        home,
        sections,
        pages,
        tags,
        cities,
    };
    let problems = check_links(site, &bodies);
    (bodies, problems)
}

/// Every body with its source, for checks that look at all of them.
fn each_body<'a>(site: &'a Site, b: &'a Bodies) -> Vec<(&'a SourceFile, &'a str, &'a Rendered)> {
    let mut all = Vec::new();
    if let (Some(h), Some(r)) = (&site.home, &b.home) {
        all.push((&h.file, "", r));
    }
    for (s, r) in site.sections.iter().zip(&b.sections) {
        if let (Some(f), Some(r)) = (&s.intro, r) {
            all.push((f, s.path.as_str(), r));
        }
    }
    for (p, r) in site.pages.iter().zip(&b.pages) {
        all.push((&p.doc.file, p.path.as_str(), r));
    }
    for (t, r) in site.tags.iter().zip(&b.tags) {
        if let (Some(f), Some(r)) = (&t.profile, r) {
            all.push((f, t.path.as_str(), r));
        }
    }
    for (c, r) in site.cities.iter().zip(&b.cities) {
        if let (Some(f), Some(r)) = (&c.profile, r) {
            all.push((f, c.path.as_str(), r));
        }
    }
    all
}

/// Links that lead nowhere: to a missing page (found while rendering) or a missing anchor.
fn check_links(site: &Site, bodies: &Bodies) -> Vec<Diagnostic> {
    let all = each_body(site, bodies);
    let anchors: BTreeMap<&str, (&BTreeSet<String>, &Path)> = all
        .iter()
        .map(|(f, path, r)| (*path, (&r.anchors, f.path.as_path())))
        .collect();
    let mut problems = Vec::new();
    for (file, _, r) in &all {
        let at = |span: &std::ops::Range<usize>, problem: Problem| {
            Diagnostic::new(problem, file.path.clone()).at_offset(
                &file.text,
                file.body_offset + span.start,
                span.len(),
            )
        };
        if let Some(offset) = r.too_deep {
            let problem = Problem::NestedTooDeep {
                limit: crate::content::markdown::MAX_NESTING,
            };
            let d = Diagnostic::new(problem, file.path.clone()).at_offset(
                &file.text,
                file.body_offset + offset,
                1,
            );
            problems.push(d.with_help("flatten the quotes or lists that open here"));
        }
        for b in &r.broken {
            let problem = Problem::BrokenLink {
                target: b.dest.clone(),
                reason: b.reason.clone(),
            };
            problems.push(at(&b.span, problem));
        }
        for l in &r.links {
            let (Some(anchor), Some((ids, target_file))) =
                (&l.anchor, anchors.get(l.target.as_str()))
            else {
                continue;
            };
            if !ids.contains(anchor) {
                let reason = format!(
                    "{} has no heading or footnote with the id `{anchor}`",
                    target_file.display()
                );
                let d = at(
                    &l.span,
                    Problem::BrokenLink {
                        target: l.dest.clone(),
                        reason,
                    },
                );
                problems.push(d.with_help(suggest_anchor(anchor, ids)));
            }
        }
    }
    diagnostic::sort(&mut problems);
    problems
}

fn suggest_anchor(anchor: &str, ids: &BTreeSet<String>) -> String {
    let known: Vec<&str> = ids.iter().map(String::as_str).collect();
    match diagnostic::did_you_mean(anchor, &known) {
        Some(near) => format!("did you mean `#{near}`?"),
        None if known.is_empty() => "that page has no headings".to_string(),
        None => format!(
            "ids on that page: {}",
            known
                .iter()
                .take(12)
                .copied()
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// One output page to render.
#[derive(Debug, Clone, Copy)]
enum Job {
    Home,
    Section(usize, usize),
    Page(usize),
    Tags,
    Tag(usize, usize),
    Cities,
    City(usize),
    NotFound,
}

fn jobs(config: &Config, site: &Site) -> Vec<Job> {
    let mut jobs = vec![Job::Home, Job::Tags, Job::Cities, Job::NotFound];
    for (i, s) in site.sections.iter().enumerate() {
        let per = s.meta.paginate_by.unwrap_or(config.paginate_by);
        jobs.extend((1..=page_count(s.pages.len(), per)).map(|n| Job::Section(i, n)));
    }
    for (i, t) in site.tags.iter().enumerate() {
        jobs.extend((1..=page_count(t.pages.len(), config.paginate_by)).map(|n| Job::Tag(i, n)));
    }
    jobs.extend((0..site.cities.len()).map(Job::City));
    jobs.extend((0..site.pages.len()).map(Job::Page));
    jobs
}

mod pages;
use pages::Pages;

//! Beside the build pipeline, `import`: reads another tool's site (Hugo, Zola, Hexo,
//! VuePress, or plain Markdown) and writes a new tradekb site. Input: the source folder, the
//! new site's folder and options. Output: the files written and a report of what was
//! converted, what was copied and what could not be converted, file by file. The source
//! folder is only read.

mod article;
mod body;
mod convert;
mod dates;
mod dest;
mod emit;
mod front;
mod hexo;
mod hugo;
mod links;
mod markdown;
mod report;
mod tools;
mod vuepress;
mod walk;
mod zola;

use std::path::{Path, PathBuf};

pub use report::{ImportReport, Note, NoteKind};

/// The tool a site to import was made with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Hugo,
    Zola,
    Hexo,
    Vuepress,
    /// A folder of Markdown files, with or without front matter.
    Markdown,
}

impl Tool {
    /// The tool's name, as its users write it.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Hugo => "Hugo",
            Tool::Zola => "Zola",
            Tool::Hexo => "Hexo",
            Tool::Vuepress => "VuePress",
            Tool::Markdown => "Markdown",
        }
    }
}

/// What `import` does with a new site's folder that already holds files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IfExists {
    /// Write nothing and fail.
    #[default]
    Refuse,
    /// Replace the files the import writes; leave every other file as it is.
    Replace,
}

#[derive(Debug, Clone, Copy)]
pub struct ImportOptions {
    pub tool: Tool,
    pub if_exists: IfExists,
}

/// Why an import wrote nothing, or stopped part-way.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {}", .path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is not a folder", .path.display())]
    NotAFolder { path: PathBuf },
    #[error("{} has no {what}: is it a {tool} site?", .src.display())]
    NoContent {
        src: PathBuf,
        what: &'static str,
        tool: &'static str,
    },
    #[error(
        "{} already exists and is not empty; choose a new folder, or pass --force to replace \
         the files the import writes (other files are left as they are)",
        .dest.display()
    )]
    NotEmpty { dest: PathBuf },
    #[error(
        "the new site {} would be inside the site to import, {}; choose a folder outside it",
        .dest.display(), .src.display()
    )]
    DestInsideSource { src: PathBuf, dest: PathBuf },
    #[error(
        "the site to import, {}, is inside the new site's folder {}; choose a folder outside it",
        .src.display(), .dest.display()
    )]
    SourceInsideDest { src: PathBuf, dest: PathBuf },
    #[error("cannot write {}", .path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Files at the site's root that tradekb (or its default theme's stylesheet) writes itself:
/// a static file of the same name would clash with them, or replace the theme's styles. (A
/// `favicon.svg` of the site's own replaces the theme's, as it should.)
const TRADEKB_WRITES: &[&str] = &[
    "robots.txt",
    "sitemap.xml",
    "atom.xml",
    "404.html",
    "index.html",
    "syntax.css",
    "style.css",
];

/// The source's static files, to be copied as they are into the new site's `static/`.
fn statics(
    src: &Path,
    source: &dyn tools::Source,
    report: &mut ImportReport,
) -> Vec<dest::Planned> {
    let roots: Vec<tools::Root> = (source.statics().into_iter())
        .filter(|folder| src.join(folder).is_dir())
        .map(|folder| tools::Root::new(folder, "", tools::skip_none))
        .collect();
    let found = walk::walk(src, &roots, report);
    let (kept, generated): (Vec<_>, Vec<_>) =
        (found.into_iter()).partition(|f| !TRADEKB_WRITES.contains(&f.rel.as_str()));
    for f in generated {
        let message = format!(
            "tradekb writes its own `/{}`: this one is not copied",
            f.rel
        );
        report.note(&f.shown, None, report::NoteKind::NotWritten, message);
    }
    kept.into_iter()
        .map(|f| dest::Planned {
            rel: format!("static/{}", f.rel),
            payload: dest::Payload::Copy(src.join(&f.shown)),
            shown: f.shown,
        })
        .collect()
}

/// Writes a tradekb site into `dest` from the site at `src`, which is only read.
pub fn import(
    src: &Path,
    dest: &Path,
    options: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    dest::check(src, dest, options.if_exists)?;
    let mut report = ImportReport::new(options.tool);
    let source = tools::open(options.tool, src, &mut report)?;
    let files = walk::walk(src, &source.roots(), &mut report);
    let mut planned = convert::convert(src, &files, source.as_ref(), &mut report);
    planned.extend(statics(src, source.as_ref(), &mut report));
    dest::write(dest, &planned, &mut report)?;
    report.finish();
    Ok(report)
}

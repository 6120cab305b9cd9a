//! The command line: one argument struct per subcommand, each with `run`.

use std::path::{Path, PathBuf};

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use tradekb::content::Date;
use tradekb::import::ImportError;
use tradekb::scaffold::{self, IfNotEmpty, InitOptions, NewArticle, ScaffoldError};
use tradekb::{Config, Error, IfLocked, Overrides, Step};

#[derive(Debug, Parser)]
#[command(
    name = "tradekb",
    version,
    about = "Static site generator for trade-policy knowledge bases"
)]
pub struct Cli {
    /// The site's folder (the one holding site.yaml).
    #[arg(long, global = true, default_value = ".")]
    pub root: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into public/.
    Build(BuildArgs),
    /// Check the site as `build` would, without writing; exit 1 if anything is found.
    Check(CheckArgs),
    /// Create a new site in DIR, ready to build.
    Init(InitArgs),
    /// Write a new site in DEST from a Hugo, Zola, Hexo, VuePress or Markdown site in SRC.
    Import(ImportArgs),
    /// Write a new article with a filled-in front matter skeleton, marked as a draft.
    New(NewArgs),
    /// Build the site into a private temporary folder, serve it, and rebuild and reload open
    /// pages on every edit (public/ is left as it is).
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on. Anything but a loopback address lets other machines in.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Include articles marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Include articles published after today (`published:`, else `date:`).
    #[arg(long)]
    pub future: bool,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Make no search index (it is otherwise made in the background after each change).
    #[arg(long)]
    pub no_search: bool,
}

impl ServeArgs {
    pub fn run(&self, root: &Path) -> Result<Outcome, tradekb::serve::ServeError> {
        use tradekb::serve::{serve, ServeOptions, Stop};
        if !self.bind.is_loopback() {
            eprintln!(
                "warning: serving on {}: other machines can reach this preview; it is meant for \
                 the author's own machine",
                self.bind
            );
        }
        let stop = Stop::default();
        let on_ctrl_c = stop.clone();
        // Only fails if a handler is set already, which nothing else does.
        let _ = ctrlc::set_handler(move || on_ctrl_c.stop());
        let options = ServeOptions {
            root: root.to_path_buf(),
            bind: self.bind,
            port: self.port,
            drafts: self.drafts,
            future: self.future,
            no_search: self.no_search,
        };
        serve(&options, &ServeTerminal { open: self.open }, &stop)?;
        Ok(Outcome::Stopped)
    }
}

/// Colours for diagnostics on a terminal, unless `NO_COLOR` is set; plain text otherwise.
pub fn diagnostic_style() -> tradekb::diagnostic::Style {
    use tradekb::diagnostic::Style;
    let wanted = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    if std::io::stderr().is_terminal() && wanted {
        Style::Coloured
    } else {
        Style::Plain
    }
}

/// Shows what a running server does on the terminal.
struct ServeTerminal {
    open: bool,
}

impl tradekb::serve::ServeObserver for ServeTerminal {
    fn listening(&self, url: &str) {
        println!("Serving the site at {url} (Ctrl-C to stop)");
        if self.open {
            if let Err(e) = opener::open_browser(url) {
                eprintln!("warning: cannot open a browser: {e}");
            }
        }
    }

    fn built(&self, report: &tradekb::Report, changed: usize, took: Duration) {
        for w in &report.warnings {
            eprintln!("{}", w.render(diagnostic_style()));
        }
        println!(
            "Built {} in {} ms: {} changed",
            counted(report.articles, "article"),
            took.as_millis(),
            counted(changed, "file")
        );
    }

    fn indexed(&self, remade: usize, shards: usize, took: Duration) {
        let ms = took.as_millis();
        match shards {
            0 => println!("Search index removed: search is off, or no article is in a section"),
            1 => println!("Search index updated in {ms} ms"),
            n => println!("Search index updated in {ms} ms ({remade} of its {n} parts made again)"),
        }
    }

    fn index_failed(&self, problem: &tradekb::Diagnostic) {
        eprintln!("{}", problem.render(diagnostic_style()));
    }

    fn broken(&self, problems: &[tradekb::Diagnostic]) {
        for d in problems {
            eprintln!("{}", d.render(diagnostic_style()));
        }
        let errors = problems.iter().filter(|d| d.is_error()).count();
        eprintln!(
            "error: the site has {errors} error{}; still serving the last good version",
            if errors == 1 { "" } else { "s" }
        );
    }
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Also request every external link (http and https).
    #[arg(long)]
    pub external: bool,
    /// Seconds to wait for each external link.
    #[arg(long, default_value_t = 10, requires = "external")]
    pub timeout: u64,
    /// External requests in flight at once to one host.
    #[arg(long, default_value_t = 2, requires = "external")]
    pub per_host: usize,
    /// How to print the findings.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Check as if building with drafts.
    #[arg(long)]
    pub drafts: bool,
    /// Check as if building with future-dated articles.
    #[arg(long)]
    pub future: bool,
    /// Base URL to check for, overriding site.yaml.
    #[arg(long, value_parser = parse_base_url)]
    pub base_url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

impl CheckArgs {
    pub fn run(&self, root: &std::path::Path) -> Result<Outcome, Error> {
        let overrides = Overrides {
            base_url: self.base_url.clone(),
            drafts: self.drafts,
            future: self.future,
            ..Overrides::default()
        };
        let config = Config::load(root, &overrides)?;
        let external = self.external.then(|| tradekb::check::external::Options {
            timeout: std::time::Duration::from_secs(self.timeout.max(1)),
            per_host: self.per_host.max(1),
            ..Default::default()
        });
        let options = tradekb::check::CheckOptions { external };
        let report = tradekb::check::check(&config, &options)?;
        Ok(Outcome::Checked {
            report,
            format: self.format,
        })
    }
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Output folder, relative to the site root.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Base URL to build for, overriding site.yaml (e.g. https://example.org/kb/).
    #[arg(long, value_parser = parse_base_url)]
    pub base_url: Option<String>,
    /// Include articles marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Include articles published after today (`published:`, else `date:`).
    #[arg(long)]
    pub future: bool,
    /// Replace the output folder even if tradekb did not write it.
    #[arg(long)]
    pub force: bool,
    /// Write HTML and CSS as rendered, without minifying.
    #[arg(long)]
    pub no_minify: bool,
    /// Build no search index and no search page.
    #[arg(long)]
    pub no_search: bool,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Print only errors.
    #[arg(long, short, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print the time of each stage.
    #[arg(long, short)]
    pub verbose: bool,
    /// When another build is writing the same output folder, stop at once (exit 1) instead
    /// of waiting for it.
    #[arg(long)]
    pub no_wait: bool,
    /// Sleep this many milliseconds before writing each file (for tests of overlapping builds).
    #[arg(long, hide = true)]
    pub write_delay_ms: Option<u64>,
}

fn parse_base_url(s: &str) -> Result<String, String> {
    tradekb::config::BaseUrl::parse(s).map(|b| b.absolute)
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder for the new site, created if missing (relative to --root). It must be empty;
    /// hidden entries such as .git do not count.
    pub dir: PathBuf,
    /// Add the starter files that are missing to a folder that is not empty. Existing files
    /// are never overwritten.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The tool the site in SRC was made with.
    #[arg(long = "from", value_enum)]
    pub tool: ImportFrom,
    /// The site to import (relative to --root); it is only read.
    pub src: PathBuf,
    /// Folder for the new site (relative to --root): new, or empty.
    pub dest: PathBuf,
    /// Write into a folder that is not empty, replacing the files the import writes; other
    /// files are left as they are.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportFrom {
    Hugo,
    Zola,
    Hexo,
    Vuepress,
    Markdown,
}

impl ImportArgs {
    pub fn run(&self, root: &Path) -> Result<Outcome, ImportError> {
        use tradekb::import::{import, IfExists, ImportOptions, Tool};
        let tool = match self.tool {
            ImportFrom::Hugo => Tool::Hugo,
            ImportFrom::Zola => Tool::Zola,
            ImportFrom::Hexo => Tool::Hexo,
            ImportFrom::Vuepress => Tool::Vuepress,
            ImportFrom::Markdown => Tool::Markdown,
        };
        let if_exists = if self.force {
            IfExists::Replace
        } else {
            IfExists::Refuse
        };
        let dest = under_root(root, &self.dest);
        let options = ImportOptions { tool, if_exists };
        let report = import(&under_root(root, &self.src), &dest, &options)?;
        Ok(Outcome::Imported { report, dest })
    }
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// policy, pilot or analysis (or their folders: policies, pilots, analysis), or the
    /// folder of another section of the site (notes, policies/customs).
    pub kind: String,
    /// The file name without .md, also the end of the URL: ASCII letters, digits, `-`, `_`, `.`.
    #[arg(value_parser = parse_slug)]
    pub slug: String,
    /// The article's title [default: 待定标题].
    #[arg(long, value_parser = parse_title)]
    pub title: Option<String>,
    /// The article's date, YYYY-MM-DD or YYYY-MM [default: today].
    #[arg(long, value_parser = parse_date)]
    pub date: Option<Date>,
}

fn parse_slug(s: &str) -> Result<String, ScaffoldError> {
    scaffold::parse_slug(s)
}

fn parse_title(s: &str) -> Result<String, ScaffoldError> {
    scaffold::parse_title(s)
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).map_err(|reason| format!("{reason}; write the date as YYYY-MM-DD or YYYY-MM"))
}

/// Why a command failed: 2 for a command that asks for what cannot be (a section the site
/// does not have), 1 for the rest.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error(transparent)]
    Build(#[from] Error),
    #[error(transparent)]
    Scaffold(#[from] ScaffoldError),
    #[error(transparent)]
    Serve(#[from] tradekb::serve::ServeError),
    #[error(transparent)]
    Import(#[from] ImportError),
}

impl Failure {
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Scaffold(ScaffoldError::NoSection { .. }) => 2,
            _ => 1,
        }
    }
}

/// What a command has to say when it succeeds.
pub enum Outcome {
    Built {
        report: tradekb::Report,
        output: PathBuf,
        verbose: bool,
        quiet: bool,
    },
    Checked {
        report: tradekb::check::CheckReport,
        format: Format,
    },
    /// `init` wrote a site.
    Initialized { report: scaffold::InitReport },
    /// `import` wrote a site into `dest`.
    Imported {
        report: tradekb::import::ImportReport,
        dest: PathBuf,
    },
    /// `serve` was stopped.
    Stopped,
    /// `new` wrote `file` (as the user would type it) in the site at `root`.
    Created {
        file: PathBuf,
        root: PathBuf,
        /// Left out of builds until its day comes (or with `--future`).
        dated_after_today: bool,
    },
}

impl Outcome {
    /// 0 when the command did what was asked and found nothing wrong.
    pub fn exit_code(&self) -> u8 {
        match self {
            Outcome::Checked { report, .. } if !report.is_clean() => 1,
            _ => 0,
        }
    }
}

impl BuildArgs {
    pub fn run(&self, root: &std::path::Path) -> Result<Outcome, Error> {
        if let Some(n) = self.jobs {
            // Only fails if a pool already exists, which cannot happen before the first build.
            let _ = rayon::ThreadPoolBuilder::new()
                .num_threads(n.max(1))
                .build_global();
        }
        let overrides = Overrides {
            output: self.output.clone(),
            base_url: self.base_url.clone(),
            drafts: self.drafts,
            future: self.future,
            force: self.force,
            no_minify: self.no_minify,
            no_search: self.no_search,
            if_locked: if self.no_wait {
                IfLocked::Fail
            } else {
                IfLocked::Wait
            },
            write_delay: self.write_delay_ms.map(std::time::Duration::from_millis),
        };
        let config = Config::load(root, &overrides)?;
        let output = config.display_path(&config.output_dir);
        let observer = Terminal::new(&output, self.quiet);
        let report = tradekb::build_observed(&config, &observer)?;
        Ok(Outcome::Built {
            report,
            output,
            verbose: self.verbose,
            quiet: self.quiet,
        })
    }
}

/// Shows a build's events on standard error: the waiting message, and a progress bar per
/// step once the build has run for a second, when standard error is a terminal.
struct Terminal<'a> {
    output: &'a Path,
    quiet: bool,
    /// None when no bar is shown (quiet, or not a terminal).
    bars: Option<Bars>,
}

struct Bars {
    start: Instant,
    current: Mutex<Option<ProgressBar>>,
}

/// Builds shorter than this show no bar.
const QUIET_SPELL: Duration = Duration::from_secs(1);

impl<'a> Terminal<'a> {
    fn new(output: &'a Path, quiet: bool) -> Self {
        let bars = (!quiet && std::io::stderr().is_terminal()).then(|| Bars {
            start: Instant::now(),
            current: Mutex::new(None),
        });
        Terminal {
            output,
            quiet,
            bars,
        }
    }

    fn bar(&self) -> Option<ProgressBar> {
        let bars = self.bars.as_ref()?;
        bars.current.lock().ok()?.clone()
    }
}

impl tradekb::Observer for Terminal<'_> {
    fn waiting_for_output(&self, pid: Option<u32>) {
        if !self.quiet {
            eprintln!(
                "waiting for another tradekb build writing {}/{}…",
                self.output.display(),
                tradekb::output::pid_note(pid)
            );
        }
    }

    fn started(&self, step: Step, total: usize) {
        let Some(bars) = &self.bars else { return };
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden())
            .with_style(
                ProgressStyle::with_template("{prefix:>9} [{bar:30}] {pos}/{len} {elapsed}")
                    .expect("a valid template")
                    .progress_chars("=> "),
            )
            .with_prefix(step.label());
        if let Ok(mut current) = bars.current.lock() {
            *current = Some(bar);
        }
    }

    fn advanced(&self, _: Step) {
        let (Some(bars), Some(bar)) = (&self.bars, self.bar()) else {
            return;
        };
        bar.inc(1);
        if bar.is_hidden() && bars.start.elapsed() > QUIET_SPELL {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    fn finished(&self, _: Step) {
        if let Some(bar) = self.bar() {
            bar.finish_and_clear();
        }
    }
}

impl InitArgs {
    pub fn run(&self, root: &Path) -> Result<Outcome, ScaffoldError> {
        let if_not_empty = if self.force {
            IfNotEmpty::AddMissing
        } else {
            IfNotEmpty::Refuse
        };
        let options = InitOptions {
            if_not_empty,
            today: chrono::Local::now().date_naive(),
        };
        let report = scaffold::init(&under_root(root, &self.dir), &options)?;
        Ok(Outcome::Initialized { report })
    }
}

impl NewArgs {
    pub fn run(&self, root: &Path) -> Result<Outcome, ScaffoldError> {
        let today = chrono::Local::now().date_naive();
        let date = self.date.unwrap_or(Date::of_day(today));
        let article = NewArticle {
            section: self.kind.clone(),
            slug: self.slug.clone(),
            title: self.title.clone(),
            date,
        };
        let report = scaffold::new_article(root, &article)?;
        Ok(Outcome::Created {
            file: under_root(root, &report.file),
            root: root.to_path_buf(),
            dated_after_today: date.day > today,
        })
    }
}

/// `path` inside `root`, as a user would type it: without the `./` that joining onto the
/// default root would add, nor a trailing `/.`.
fn under_root(root: &Path, path: &Path) -> PathBuf {
    if root == Path::new(".") {
        path.to_path_buf()
    } else {
        root.join(path).components().collect()
    }
}

/// `1 error`, `2 errors`; `1 city`, `2 cities`.
pub fn counted(n: usize, what: &str) -> String {
    let consonant_y = (what.strip_suffix('y')).filter(|stem| !stem.ends_with(['a', 'e', 'o', 'u']));
    match (n, consonant_y) {
        (1, _) => format!("1 {what}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        _ => format!("{n} {what}s"),
    }
}

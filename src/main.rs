//! Parses the command line, runs the command, prints its outcome, maps it to an exit code.

mod cli;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;

use cli::{counted, Cli, Command, Failure, Outcome};

/// glibc's allocator serves large blocks from its heap once a few have been freed (its
/// threshold for giving them their own mapping rises as they go), and the search index
/// builds and frees large buffers a shard at a time beside the render, so the heap
/// fragments: with the threshold pinned at 128 KiB large blocks keep their own mappings and
/// go back to the system when freed (10,000 articles: ~555 MiB at the peak instead of ~610;
/// docs/performance.md).
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a parameter of the allocator, before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

fn main() -> ExitCode {
    tune_allocator();
    tradekb::render::search::set_chunk_size();
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Build(args) => args.run(&cli.root).map_err(Failure::from),
        Command::Check(args) => args.run(&cli.root).map_err(Failure::from),
        Command::Init(args) => args.run(&cli.root).map_err(Failure::from),
        Command::Import(args) => args.run(&cli.root).map_err(Failure::from),
        Command::New(args) => args.run(&cli.root).map_err(Failure::from),
        Command::Serve(args) => args.run(&cli.root).map_err(Failure::from),
    };
    match result {
        Ok(outcome) => {
            print_outcome(&outcome);
            ExitCode::from(outcome.exit_code())
        }
        Err(e) => {
            print_error(&e);
            ExitCode::from(e.exit_code())
        }
    }
}

fn print_outcome(outcome: &Outcome) {
    match outcome {
        Outcome::Checked { report, format } => print_check(report, *format),
        Outcome::Initialized { report } => print_initialized(report),
        Outcome::Imported { report, dest } => {
            print!("{}", report.render());
            println!("Build it with:");
            println!("  tradekb build --root {}", shell_word(dest));
        }
        Outcome::Stopped => println!("Stopped."),
        Outcome::Created {
            file,
            root,
            dated_after_today,
        } => print_created(file, root, *dated_after_today),
        Outcome::Built {
            report,
            output,
            verbose,
            quiet,
        } => {
            if *quiet {
                return;
            }
            for w in &report.warnings {
                eprintln!("{}", w.render(cli::diagnostic_style()));
            }
            let s = &report.stages;
            if *verbose {
                println!(
                    "stages: load {:.1} ms, resolve {:.1} ms, render {:.1} ms, write {:.1} ms \
                     (files are written as they are rendered: {:.1} ms of thread time)",
                    ms(s.load),
                    ms(s.resolve),
                    ms(s.render),
                    ms(s.write),
                    ms(s.writing)
                );
            }
            println!(
                "Built {} into {} ({}), {}, {} in {:.0} ms → {}",
                counted(report.articles, "article"),
                counted(report.pages, "page"),
                counted(report.files, "file"),
                counted(report.tags, "tag"),
                counted(report.cities, "city"),
                ms(s.total()),
                output.display()
            );
        }
    }
}

fn print_check(report: &tradekb::check::CheckReport, format: cli::Format) {
    if format == cli::Format::Json {
        println!("{}", report.to_json());
        return;
    }
    for d in &report.problems {
        eprintln!("{}", d.render(cli::diagnostic_style()));
    }
    for link in report.external.iter().filter(|l| !l.ok()) {
        let why = link.error.as_deref().unwrap_or_default();
        eprintln!("error: external link {} failed: {why}", link.url);
        for page in &link.pages {
            eprintln!("  --> linked from {page}");
        }
        eprintln!();
    }
    let external = if report.external.is_empty() {
        String::new()
    } else {
        format!(
            ", {} requested",
            counted(report.external.len(), "external link")
        )
    };
    let pages = match report.pages {
        Some(n) => format!(", {}", counted(n, "page")),
        None => String::new(),
    };
    let what = format!(
        "Checked {}{pages}{external}",
        counted(report.articles, "article")
    );
    if report.is_clean() {
        println!("{what}: no problems");
    } else {
        let (errors, warnings) = (report.errors(), report.warnings());
        println!(
            "{what}: {}, {}",
            counted(errors, "error"),
            counted(warnings, "warning")
        );
    }
}

fn print_initialized(report: &tradekb::scaffold::InitReport) {
    let dir = report.dir.display();
    if report.created.is_empty() {
        println!("Nothing to write: {dir} already has every starter file.");
    } else {
        println!("Created a new site in {dir}:");
    }
    for file in &report.created {
        println!("  {}", file.display());
    }
    if !report.kept.is_empty() {
        println!("Kept, as they were already there:");
        for file in &report.kept {
            println!("  {}", file.display());
        }
    }
    println!("Next:");
    println!("  cd {} && tradekb build", shell_word(&report.dir));
    println!(
        "Then write articles with `tradekb new policy SLUG --title TITLE` (or pilot, analysis)."
    );
}

fn print_created(file: &Path, root: &Path, dated_after_today: bool) {
    let root_arg = if root == Path::new(".") {
        String::new()
    } else {
        format!(" --root {}", shell_word(root))
    };
    println!("Created {}", file.display());
    println!(
        "It is a draft: `tradekb{root_arg} build --drafts` includes it; delete its `draft: true` line to publish it."
    );
    if dated_after_today {
        println!("Its date is after today: builds leave it out until that day, unless run with --future.");
    }
}

/// A path as one word for a POSIX shell: quoted when it holds anything but safe characters.
fn shell_word(path: &Path) -> String {
    let text = path.display().to_string();
    let safe = |c: char| !c.is_ascii() || c.is_ascii_alphanumeric() || "/._-+,:@%=".contains(c);
    if !text.is_empty() && text.chars().all(safe) {
        text
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// Colours only for a person at a terminal: pipes, files and CI logs get plain text, and so
/// does anyone who sets `NO_COLOR` (no-color.org).
fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn print_error(e: &Failure) {
    let stderr = std::io::stderr();
    let mut out = stderr.lock();
    let site_problems = match e {
        Failure::Build(tradekb::Error::Site(d)) => Some(d),
        Failure::Serve(tradekb::serve::ServeError::Site(tradekb::Error::Site(d))) => Some(d),
        _ => None,
    };
    if let Some(diagnostics) = site_problems {
        let style = cli::diagnostic_style();
        for d in diagnostics {
            let _ = writeln!(out, "{}", d.render(style));
        }
    } else {
        let _ = writeln!(out, "error: {e}");
        let mut source = std::error::Error::source(e);
        while let Some(cause) = source {
            let _ = writeln!(out, "  caused by: {cause}");
            source = cause.source();
        }
    }
    if let Failure::Build(tradekb::Error::Site(_)) = e {
        let _ = writeln!(out, "error: build failed: {e}; nothing was written");
    }
}

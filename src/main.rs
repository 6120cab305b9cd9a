//! Parses the command line, runs the command, prints its outcome, maps it to an exit code.

mod cli;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command, Outcome};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Build(args) => args.run(&cli.root),
        Command::Check(args) => args.run(&cli.root),
    };
    match result {
        Ok(outcome) => {
            print_outcome(&outcome);
            ExitCode::from(outcome.exit_code())
        }
        Err(e) => {
            print_error(&e);
            ExitCode::from(1)
        }
    }
}

fn print_outcome(outcome: &Outcome) {
    match outcome {
        Outcome::Checked { report, format } => print_check(report, *format),
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
                eprintln!("{w}");
            }
            let s = &report.stages;
            if *verbose {
                println!(
                    "stages: load {:.1} ms, resolve {:.1} ms, render {:.1} ms, write {:.1} ms",
                    ms(s.load),
                    ms(s.resolve),
                    ms(s.render),
                    ms(s.write)
                );
            }
            println!(
                "Built {} articles into {} pages ({} files), {} tags, {} cities in {:.0} ms → {}",
                report.articles,
                report.pages,
                report.files,
                report.tags,
                report.cities,
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
        eprintln!("{d}");
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
        format!(", {} external links requested", report.external.len())
    };
    let pages = if report.pages > 0 {
        format!(", {} pages", report.pages)
    } else {
        String::new()
    };
    let what = format!("Checked {} articles{pages}{external}", report.articles);
    if report.is_clean() {
        println!("{what}: no problems");
    } else {
        println!(
            "{what}: {} errors, {} warnings",
            report.errors(),
            report.warnings()
        );
    }
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn print_error(e: &tradekb::Error) {
    let stderr = std::io::stderr();
    let mut out = stderr.lock();
    if let tradekb::Error::Site(diagnostics) = e {
        for d in diagnostics {
            let _ = writeln!(out, "{d}");
        }
    } else {
        let _ = writeln!(out, "error: {e}");
        let mut source = std::error::Error::source(e);
        while let Some(cause) = source {
            let _ = writeln!(out, "  caused by: {cause}");
            source = cause.source();
        }
    }
    if let tradekb::Error::Site(_) = e {
        let _ = writeln!(out, "error: build failed: {e}; nothing was written");
    }
}

// The build allocates many short-lived strings on every thread; mimalloc handles that
// pattern far better than glibc's allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

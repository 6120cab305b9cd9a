//! Integration tests of tradekb: small fixture sites (tests/fixtures/), each made for one
//! feature, built in-process; the real sample site crawled for dead links; the command line
//! run as a user runs it.

mod support;

mod accessibility;
mod api;

mod backlinks;
mod bad_input;
mod base_url;
mod browser;
mod check;
mod cli;
mod concurrency;
mod content_errors;
mod crawl;
mod dates;
mod determinism;
mod drafts;
mod fields;
mod incremental;
mod input_encoding;
mod links;
mod markdown;
mod minify;
mod names;
mod output;
mod progress;
mod properties;
mod publishing;
mod reading;
mod related;
mod relations;
mod scaffold;
mod search;
mod sections;
mod serve;
mod structured;
mod taxonomies;
mod theme;
mod timeline;

// Beside the build: sites of other tools imported.
mod import;

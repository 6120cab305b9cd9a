//! Pieces every stage reuses, with no part of the pipeline in them: YAML read with the
//! position of every value, slugs, and reading a source file as text. They import nothing
//! of the crate but its diagnostics.

pub mod file;
pub mod slug;
pub mod yaml;

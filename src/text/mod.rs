//! Pieces every stage reuses, with no part of the pipeline in them: YAML read with the
//! position of every value, slugs, reading a source file as text, and reading HTML for its
//! ids and links. They import nothing
//! of the crate but its diagnostics.

pub mod file;
pub mod html;
pub mod slug;
pub mod yaml;

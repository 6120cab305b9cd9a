//! Pieces every stage reuses, with no part of the pipeline in them: YAML read with the
//! position of every value, slugs, reading a source file as text, reading HTML for its ids
//! and links, spelling text for the search index, and the order of titles. They import
//! nothing of the crate but its diagnostics.

pub mod apart;
pub mod collate;
pub mod file;
pub mod html;
pub mod slips;
pub mod slug;
pub mod yaml;

//! The import's report: what was converted and copied, how front matter keys were mapped,
//! and, file by file, what could not be converted and why.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::Tool;

/// What happened to a file, or to a part of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NoteKind {
    /// The file was not written at all.
    NotWritten,
    /// A symbolic link, which import never follows.
    NotFollowed,
    /// Text in the body (a shortcode, a component) left as it was written.
    LeftAsWritten,
    /// A value (a key, an alias) was left out.
    Dropped,
    /// A value was written differently (a local time kept as its day).
    Changed,
}

impl NoteKind {
    fn heading(self) -> &'static str {
        match self {
            NoteKind::NotWritten => "Files not written",
            NoteKind::NotFollowed => "Symbolic links not followed",
            NoteKind::LeftAsWritten => "Left as written (convert by hand)",
            NoteKind::Dropped => "Left out",
            NoteKind::Changed => "Changed",
        }
    }
}

/// One finding, at a source file (relative to the source folder) and a line when known.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    pub kind: NoteKind,
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl Note {
    /// `file:line`, or the file alone.
    pub fn place(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{line}", self.file),
            None => self.file.clone(),
        }
    }
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub tool: Tool,
    /// Markdown files converted, by path inside the new site.
    pub converted: Vec<String>,
    /// Other files copied as they are, by path inside the new site.
    pub copied: Vec<String>,
    /// `categories → tags`: how many files had each front matter key, and where it went.
    pub fields: BTreeMap<String, usize>,
    /// Every finding, sorted by kind, then file and line.
    pub notes: Vec<Note>,
}

impl ImportReport {
    pub fn new(tool: Tool) -> ImportReport {
        ImportReport {
            tool,
            converted: Vec::new(),
            copied: Vec::new(),
            fields: BTreeMap::new(),
            notes: Vec::new(),
        }
    }

    pub fn note(&mut self, file: &str, line: Option<usize>, kind: NoteKind, message: String) {
        self.notes.push(Note {
            kind,
            file: file.to_string(),
            line,
            message,
        });
    }

    /// Counts one file whose key `from` went to `to`.
    pub fn mapped(&mut self, from: &str, to: &str) {
        *self.fields.entry(format!("{from} → {to}")).or_default() += 1;
    }

    /// Sorts everything, so that the same source gives the same report.
    pub fn finish(&mut self) {
        self.converted.sort();
        self.copied.sort();
        self.notes.sort();
        self.notes.dedup();
    }

    /// The notes of one kind.
    pub fn of_kind(&self, kind: NoteKind) -> impl Iterator<Item = &Note> {
        self.notes.iter().filter(move |n| n.kind == kind)
    }

    /// The report as text, for a person; the command that builds the new site is the
    /// caller's to add.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Imported a {} site: {} Markdown files converted, {} other files copied.",
            self.tool.name(),
            self.converted.len(),
            self.copied.len()
        );
        if !self.fields.is_empty() {
            out.push_str("Front matter:\n");
            for (mapping, files) in &self.fields {
                let _ = writeln!(out, "  {mapping}: {files} file{}", plural(*files));
            }
        }
        self.render_notes(&mut out);
        out
    }

    fn render_notes(&self, out: &mut String) {
        let mut kinds: Vec<NoteKind> = self.notes.iter().map(|n| n.kind).collect();
        kinds.dedup();
        for kind in kinds {
            let notes: Vec<&Note> = self.of_kind(kind).collect();
            let _ = writeln!(out, "{} ({}):", kind.heading(), notes.len());
            for n in notes {
                let _ = writeln!(out, "  {}: {}", n.place(), n.message);
            }
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

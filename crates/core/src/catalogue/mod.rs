//! The workflow files (catalogue): departments, windows, grants and items, parsed and validated.
//!
//! Core does no IO: the caller reads the files and passes `(path, text)` pairs; [`parse`]
//! returns the whole [`Catalogue`] or every problem found, each pointing at a file, line and
//! column. The format is documented in `docs/workflows.md`; its JSON Schema comes from
//! [`json_schema`].

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::grant::{Grant, Window};
use crate::item::Item;

mod build;
mod error;
mod file;
mod law;
mod refs;

pub use error::{CatalogueError, Problem};
pub use file::WorkflowFile;

use error::{line_col, Located};

/// A department (部门) stationed in the hall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    pub code: String,
    pub name: String,
}

/// Everything the workflow files define, validated as a whole.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalogue {
    pub departments: Vec<Department>,
    pub windows: Vec<Window>,
    /// Numbered 1, 2, … in the order of the files and of the grants within them; a store
    /// importing them assigns its own ids.
    pub grants: Vec<Grant>,
    pub items: Vec<Item>,
    /// The hall's office hours (对外办公时间), from the one file that gives them.
    #[serde(default)]
    pub office_hours: crate::clock::OfficeHours,
}

impl Catalogue {
    pub fn department(&self, code: &str) -> Option<&Department> {
        self.departments.iter().find(|d| d.code == code)
    }

    pub fn window(&self, code: &str) -> Option<&Window> {
        self.windows.iter().find(|w| w.code == code)
    }

    pub fn item(&self, code: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.code == code)
    }
}

/// Parses and validates workflow files given as `(path, text)` pairs, in the order given
/// (the caller sorts them, so that grant numbering is stable). Errors come sorted by file,
/// then position.
pub fn parse<P: AsRef<str>, T: AsRef<str>>(
    files: &[(P, T)],
) -> Result<Catalogue, Vec<CatalogueError>> {
    let mut sink = Sink {
        files: files
            .iter()
            .map(|(p, t)| (p.as_ref(), t.as_ref()))
            .collect(),
        problems: Vec::new(),
    };
    let mut parsed = Vec::new();
    for (index, (_, text)) in files.iter().enumerate() {
        match toml::from_str::<WorkflowFile>(text.as_ref()) {
            Ok(file) => parsed.push((index, file)),
            Err(err) => sink.push(
                index,
                err.span().unwrap_or(0..0),
                Problem::Syntax(err.message().trim().to_owned()),
            ),
        }
    }
    let catalogue = build::catalogue(&mut sink, &parsed);
    // References may point into a file that did not parse; checking them would only repeat
    // that one error as many unknown codes.
    if parsed.len() == files.len() {
        refs::check(&mut sink, &parsed);
    }
    if sink.problems.is_empty() {
        Ok(catalogue)
    } else {
        Err(sink.finish())
    }
}

/// The JSON Schema of one workflow file (`workflows/schema/workflows.schema.json`).
pub fn json_schema() -> serde_json::Value {
    schemars::schema_for!(WorkflowFile).to_value()
}

/// Collects problems with their byte spans; line and column are worked out at the end.
pub(crate) struct Sink<'a> {
    files: Vec<(&'a str, &'a str)>,
    problems: Vec<(Located, Problem)>,
}

impl Sink<'_> {
    pub(crate) fn push(&mut self, file: usize, span: Range<usize>, problem: Problem) {
        self.problems.push((Located { file, span }, problem));
    }

    /// `path:line` of a span, for messages that point back at an earlier definition.
    pub(crate) fn position(&self, file: usize, span: &Range<usize>) -> String {
        let (path, text) = self.files[file];
        let (line, _) = line_col(text, span.start);
        format!("{path}:{line}")
    }

    fn finish(self) -> Vec<CatalogueError> {
        let mut problems = self.problems;
        problems.sort_by_key(|(at, _)| (at.file, at.span.start));
        problems
            .into_iter()
            .map(|(at, problem)| {
                let (path, text) = self.files[at.file];
                let (line, column) = line_col(text, at.span.start);
                CatalogueError {
                    file: path.to_owned(),
                    line,
                    column,
                    problem,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;

//! Checks across entries and files: duplicate codes, references to departments, windows and
//! items, grants that fit their window, and items that some window can take.

use std::collections::HashMap;
use std::ops::Range;

use crate::grant::{WindowAction, WindowKind};
use crate::item::ItemKind;

use super::error::Problem;
use super::file::{GrantEntry, ItemEntry, Text, WindowEntry, WorkflowFile};
use super::Sink;

/// Where a code was first defined, and what it holds.
struct Defined<'f, T> {
    file: usize,
    span: Range<usize>,
    entry: &'f T,
}

type Index<'f, T> = HashMap<&'f str, Defined<'f, T>>;

pub(super) fn check(sink: &mut Sink<'_>, files: &[(usize, WorkflowFile)]) {
    let departments = index(sink, files, "department", |f| {
        f.departments.iter().map(|d| (&d.code, d)).collect()
    });
    let windows = index(sink, files, "window", |f| {
        f.windows.iter().map(|w| (&w.code, w)).collect()
    });
    let items = index(sink, files, "item", |f| {
        f.items.iter().map(|i| (&i.code, i)).collect()
    });
    let known_department = |sink: &mut Sink<'_>, file: usize, code: &Text| {
        if !departments.contains_key(code.get_ref().trim()) {
            sink.push(
                file,
                code.span(),
                Problem::UnknownReference {
                    what: "department (部门)",
                    code: code.get_ref().trim().to_owned(),
                },
            );
        }
    };
    for (file, content) in files {
        for window in &content.windows {
            for department in &window.departments {
                known_department(sink, *file, department);
            }
        }
        for item in &content.items {
            known_department(sink, *file, &item.department);
            if let Some(department) = &item.rules.extension_by {
                known_department(sink, *file, department);
            }
            for stage in &item.stages {
                known_department(sink, *file, &stage.department);
            }
        }
        for grant in &content.grants {
            if let Some(department) = &grant.department {
                known_department(sink, *file, department);
            }
            check_grant(sink, *file, grant, &windows, &items);
        }
    }
    check_coverage(sink, files, &windows, &items);
}

/// Indexes entries by code, reporting every later duplicate against the first definition.
fn index<'f, T>(
    sink: &mut Sink<'_>,
    files: &'f [(usize, WorkflowFile)],
    what: &'static str,
    entries: impl Fn(&'f WorkflowFile) -> Vec<(&'f Text, &'f T)>,
) -> Index<'f, T> {
    let mut index: Index<'f, T> = HashMap::new();
    for (file, content) in files {
        for (code, entry) in entries(content) {
            let key = code.get_ref().trim();
            if let Some(first) = index.get(key) {
                let first = sink.position(first.file, &first.span);
                sink.push(
                    *file,
                    code.span(),
                    Problem::Duplicate {
                        what,
                        code: key.to_owned(),
                        first,
                    },
                );
            } else {
                index.insert(
                    key,
                    Defined {
                        file: *file,
                        span: code.span(),
                        entry,
                    },
                );
            }
        }
    }
    index
}

fn check_grant(
    sink: &mut Sink<'_>,
    file: usize,
    grant: &GrantEntry,
    windows: &Index<'_, WindowEntry>,
    items: &Index<'_, ItemEntry>,
) {
    let Some(window) = windows.get(grant.window.get_ref().trim()) else {
        sink.push(
            file,
            grant.window.span(),
            Problem::UnknownReference {
                what: "window (窗口)",
                code: grant.window.get_ref().trim().to_owned(),
            },
        );
        return;
    };
    let window = window.entry;
    let kind = *window.kind.get_ref();
    let actions = grant.actions.get_ref();
    if !kind.takes_applications() {
        for action in actions.iter().filter(|a| **a != WindowAction::Consult) {
            sink.push(
                file,
                grant.actions.span(),
                Problem::ActionNotAtWindowKind {
                    kind: kind.as_str(),
                    action: action.to_string(),
                },
            );
        }
    }
    // The departments whose items the grant reaches, each with the span to blame.
    let mut reached: Vec<(String, Range<usize>)> = Vec::new();
    if let Some(department) = &grant.department {
        reached.push((department.get_ref().trim().to_owned(), department.span()));
    }
    if let Some(codes) = &grant.items {
        for code in codes.get_ref() {
            let key = code.get_ref().trim();
            match items.get(key) {
                None => sink.push(
                    file,
                    code.span(),
                    Problem::UnknownReference {
                        what: "item (事项)",
                        code: key.to_owned(),
                    },
                ),
                Some(item) => {
                    let item = item.entry;
                    if actions.contains(&WindowAction::DecideOnSpot)
                        && *item.kind.get_ref() != ItemKind::Immediate
                    {
                        sink.push(
                            file,
                            code.span(),
                            Problem::DecideOnSpotNotImmediate {
                                item: key.to_owned(),
                            },
                        );
                    }
                    reached.push((item.department.get_ref().trim().to_owned(), code.span()));
                }
            }
        }
    }
    if matches!(kind, WindowKind::Department | WindowKind::Floating) {
        for (department, span) in reached {
            let served = window
                .departments
                .iter()
                .any(|d| d.get_ref().trim() == department);
            if !served {
                sink.push(
                    file,
                    span,
                    Problem::WindowDoesNotServe {
                        window: window.code.get_ref().trim().to_owned(),
                        kind: kind.as_str(),
                        department,
                    },
                );
            }
        }
    }
}

/// Every item must be acceptable at some window, and every immediate item decidable on the
/// spot at some window: otherwise the catalogue promises a service no one may give.
fn check_coverage(
    sink: &mut Sink<'_>,
    files: &[(usize, WorkflowFile)],
    windows: &Index<'_, WindowEntry>,
    items: &Index<'_, ItemEntry>,
) {
    let grants: Vec<&GrantEntry> = files.iter().flat_map(|(_, f)| &f.grants).collect();
    let granted = |item: &ItemEntry, action: WindowAction| {
        grants.iter().any(|g| {
            let takes = windows
                .get(g.window.get_ref().trim())
                .is_some_and(|w| w.entry.kind.get_ref().takes_applications());
            let covers = g
                .department
                .as_ref()
                .is_some_and(|d| d.get_ref().trim() == item.department.get_ref().trim())
                || g.items.as_ref().is_some_and(|codes| {
                    codes
                        .get_ref()
                        .iter()
                        .any(|c| c.get_ref().trim() == item.code.get_ref().trim())
                });
            takes && covers && g.actions.get_ref().contains(&action)
        })
    };
    let mut ordered: Vec<&Defined<'_, ItemEntry>> = items.values().collect();
    ordered.sort_by_key(|d| (d.file, d.span.start));
    for defined in ordered {
        let item = defined.entry;
        let code = item.code.get_ref().trim().to_owned();
        if !granted(item, WindowAction::Accept) {
            sink.push(
                defined.file,
                defined.span.clone(),
                Problem::ItemWithoutGrant {
                    item: code.clone(),
                    action: "accept",
                    why: "",
                },
            );
        }
        if *item.kind.get_ref() == ItemKind::Immediate && !granted(item, WindowAction::DecideOnSpot)
        {
            sink.push(
                defined.file,
                defined.span.clone(),
                Problem::ItemWithoutGrant {
                    item: code,
                    action: "decide_on_spot",
                    why: " (an immediate item, 即办件)",
                },
            );
        }
    }
}

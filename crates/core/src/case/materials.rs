//! Material checks: what was handed in against the item's list (申请材料).

use std::collections::HashSet;

use crate::item::Item;

use super::error::{CaseError, Named};
use super::model::{Case, MissingMaterial, SubmittedMaterial};

/// Every code known to the item, none twice, at least one copy each.
pub(crate) fn validate_submitted(
    item: &Item,
    materials: &[SubmittedMaterial],
) -> Result<(), CaseError> {
    let mut seen = HashSet::new();
    for m in materials {
        if item.material(&m.code).is_none() {
            return Err(CaseError::UnknownMaterial {
                code: m.code.clone(),
            });
        }
        if !seen.insert(m.code.as_str()) {
            return Err(CaseError::DuplicateMaterial {
                material: Named::material(item, &m.code),
            });
        }
        if m.copies == 0 {
            return Err(CaseError::ZeroCopies {
                material: Named::material(item, &m.code),
            });
        }
    }
    Ok(())
}

/// A supplement notice lists known materials, each once, and at least one.
pub(crate) fn validate_missing(item: &Item, missing: &[MissingMaterial]) -> Result<(), CaseError> {
    if missing.is_empty() {
        return Err(CaseError::EmptySupplementList);
    }
    let mut seen = HashSet::new();
    for m in missing {
        if item.material(&m.code).is_none() {
            return Err(CaseError::UnknownMaterial {
                code: m.code.clone(),
            });
        }
        if !seen.insert(m.code.as_str()) {
            return Err(CaseError::DuplicateMaterial {
                material: Named::material(item, &m.code),
            });
        }
    }
    Ok(())
}

/// Required materials not handed in with enough copies, split into those that block
/// acceptance and those that may be promised later (容缺).
pub(crate) struct Shortfall {
    pub blocking: Vec<String>,
    pub tolerable: Vec<String>,
}

pub(crate) fn shortfall(case: &Case, item: &Item) -> Shortfall {
    let mut blocking = Vec::new();
    let mut tolerable = Vec::new();
    for m in item.materials.iter().filter(|m| m.required) {
        if case.copies_of(&m.code) >= m.copies.max(1) {
            continue;
        }
        if m.tolerable {
            tolerable.push(m.code.clone());
        } else {
            blocking.push(m.code.clone());
        }
    }
    Shortfall {
        blocking,
        tolerable,
    }
}

/// Codes of the item's required materials the case lacks (too few copies or none), tolerable
/// or not, in the item's order: what a one-time supplement notice would list.
pub fn missing_required(case: &Case, item: &Item) -> Vec<String> {
    let s = shortfall(case, item);
    item.materials
        .iter()
        .filter(|m| s.blocking.contains(&m.code) || s.tolerable.contains(&m.code))
        .map(|m| m.code.clone())
        .collect()
}

/// Supplemented copies add to what was handed in under the same code: a replaced defective
/// document may count twice, which is harmless, whereas replacing counts could lose copies.
pub(crate) fn merge(case: &mut Case, materials: &[SubmittedMaterial]) {
    for m in materials {
        match case.materials.iter_mut().find(|x| x.code == m.code) {
            Some(existing) => existing.copies = existing.copies.saturating_add(m.copies),
            None => case.materials.push(m.clone()),
        }
    }
}

//! The written documents (文书) a hall issues on a case: which a case has at a given moment,
//! how each is numbered, and how a decision is titled by the item's legal category.
//!
//! A document is issued once: its number (文书编号) is drawn from the hall's series for its
//! kind and year the first time it is printed, and every later print shows the same number.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::case::{Case, DecisionOutcome, Outcome};
use crate::item::ItemCategory;

/// The working days a supplement notice gives the applicant to hand the materials in, after
/// which the hall may end the case (终止). The law sets no period; halls set one in the
/// notice, and ten working days is their common practice.
pub const SUPPLEMENT_PERIOD_WORKING_DAYS: u32 = 10;

/// The kinds of document, each with its own numbered series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// 收件凭证: the materials were received (before any decision on acceptance).
    Receipt,
    /// 受理通知书, also when the law accepted the case (art. 32).
    Acceptance,
    /// 补正材料通知书 (一次性告知), one per notice.
    Supplement,
    /// 不予受理决定书.
    Refusal,
    /// The decision, titled by the item's category (准予/不予行政许可决定书, 确认, 给付, 办结).
    Decision,
    /// 特别程序告知书 and its end, one per special procedure (art. 45).
    Suspension,
    /// 延期告知书 (art. 42).
    Extension,
    /// 送达回证: proof that the decision or refusal reached the applicant.
    Service,
}

pub const ALL_KINDS: [DocumentKind; 8] = [
    DocumentKind::Receipt,
    DocumentKind::Acceptance,
    DocumentKind::Supplement,
    DocumentKind::Refusal,
    DocumentKind::Decision,
    DocumentKind::Suspension,
    DocumentKind::Extension,
    DocumentKind::Service,
];

impl DocumentKind {
    /// The kind's name in paths and in the store.
    pub fn slug(self) -> &'static str {
        match self {
            DocumentKind::Receipt => "receipt",
            DocumentKind::Acceptance => "acceptance",
            DocumentKind::Supplement => "supplement",
            DocumentKind::Refusal => "refusal",
            DocumentKind::Decision => "decision",
            DocumentKind::Suspension => "suspension",
            DocumentKind::Extension => "extension",
            DocumentKind::Service => "service",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        ALL_KINDS.into_iter().find(|k| k.slug() == slug)
    }

    /// The series word of the number (收字, 受字, …), as halls number their documents.
    pub fn series(self) -> &'static str {
        match self {
            DocumentKind::Receipt => "收",
            DocumentKind::Acceptance => "受",
            DocumentKind::Supplement => "补",
            DocumentKind::Refusal => "不受",
            DocumentKind::Decision => "决",
            DocumentKind::Suspension => "特",
            DocumentKind::Extension => "延",
            DocumentKind::Service => "送",
        }
    }

    /// Whether a case can have several of this kind (numbered 1, 2, … in the order issued).
    pub fn repeats(self) -> bool {
        matches!(self, DocumentKind::Supplement | DocumentKind::Suspension)
    }
}

/// One document of one case: its kind and, for the repeating kinds, which one (from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DocumentRef {
    pub kind: DocumentKind,
    pub ordinal: u32,
}

impl DocumentRef {
    pub const fn new(kind: DocumentKind, ordinal: u32) -> Self {
        DocumentRef { kind, ordinal }
    }

    /// The path segment: `acceptance`, `supplement-2`.
    pub fn slug(self) -> String {
        if self.kind.repeats() {
            format!("{}-{}", self.kind.slug(), self.ordinal)
        } else {
            self.kind.slug().to_owned()
        }
    }

    /// Reads a path segment back; `None` for anything else (an ordinal on a kind that has
    /// none, a zero ordinal, an unknown kind).
    pub fn parse(slug: &str) -> Option<Self> {
        if let Some(kind) = DocumentKind::from_slug(slug) {
            return (!kind.repeats()).then_some(DocumentRef::new(kind, 1));
        }
        let (kind, n) = slug.rsplit_once('-')?;
        let kind = DocumentKind::from_slug(kind).filter(|k| k.repeats())?;
        let n: u32 = n.parse().ok().filter(|n| *n > 0)?;
        Some(DocumentRef::new(kind, n))
    }

    /// Which of the case's notices or procedures a repeating kind is, from 0.
    pub fn index(self) -> Option<usize> {
        usize::try_from(self.ordinal).ok()?.checked_sub(1)
    }

    /// The instant the document speaks of (its date): the event it records.
    pub fn dated(self, case: &Case) -> Option<DateTime<Utc>> {
        match self.kind {
            DocumentKind::Receipt => Some(case.received_at),
            DocumentKind::Acceptance => case.clocks.decision.map(|_| {
                case.acceptance_recorded
                    .as_ref()
                    .map_or(case.received_at, |r| r.at)
            }),
            DocumentKind::Supplement => case.supplement_notices.get(self.index()?).map(|n| n.at),
            DocumentKind::Refusal => refusal(case).map(|c| c.at),
            DocumentKind::Decision => case.decision.as_ref().map(|d| d.at),
            DocumentKind::Suspension => case
                .suspensions
                .get(self.index()?)
                .map(|s| s.resumed_at.unwrap_or(s.suspended_at)),
            DocumentKind::Extension => case.extension.as_ref().map(|e| e.at),
            DocumentKind::Service => served(case),
        }
    }
}

/// The case's refusal of acceptance (不予受理), when it ended so.
pub fn refusal(case: &Case) -> Option<&crate::case::Conclusion> {
    case.conclusion
        .as_ref()
        .filter(|c| c.outcome == Outcome::Refused)
}

/// What a 送达回证 is for: the decision or the refusal, once one exists; dated by the
/// delivery when there was one, else by the document to deliver.
fn served(case: &Case) -> Option<DateTime<Utc>> {
    let to_serve = case
        .decision
        .as_ref()
        .map(|d| d.at)
        .or_else(|| refusal(case).map(|c| c.at))?;
    Some(case.delivery.as_ref().map_or(to_serve, |d| d.at))
}

/// Every document the case has now, in the order they were issued.
pub fn available(case: &Case) -> Vec<DocumentRef> {
    let mut refs = Vec::new();
    for kind in ALL_KINDS {
        let count = match kind {
            DocumentKind::Supplement => case.supplement_notices.len(),
            DocumentKind::Suspension => case.suspensions.len(),
            _ => 1,
        };
        for n in 1..=count {
            let r = DocumentRef::new(kind, u32::try_from(n).unwrap_or(u32::MAX));
            if r.dated(case).is_some() {
                refs.push(r);
            }
        }
    }
    refs.sort_by_key(|r| r.dated(case));
    refs
}

/// The printed number: `县公安局受字〔2026〕第12号`. The series is the organ's, per kind
/// and year.
pub fn number_text(organ: &str, kind: DocumentKind, year: i32, seq: u32) -> String {
    format!("{organ}{}字〔{year}〕第{seq}号", kind.series())
}

/// The title of a decision by the item's legal category and the outcome, in Chinese and
/// English: a 行政确认 is not a licence, a 公共服务 is not decided but done.
pub fn decision_title(
    category: ItemCategory,
    outcome: DecisionOutcome,
) -> (&'static str, &'static str) {
    use DecisionOutcome::{Approved, Denied};
    use ItemCategory::*;
    match (category, outcome) {
        (License, Approved) => ("准予行政许可决定书", "Decision granting the licence"),
        (License, Denied) => ("不予行政许可决定书", "Decision refusing the licence"),
        (Confirmation, Approved) => ("行政确认决定书", "Decision of confirmation"),
        (Confirmation, Denied) => ("不予行政确认决定书", "Decision refusing confirmation"),
        (Benefit, Approved) => ("行政给付决定书", "Decision granting the benefit"),
        (Benefit, Denied) => ("不予行政给付决定书", "Decision refusing the benefit"),
        (PublicService, Approved) => ("办结通知书", "Notice of completion"),
        (PublicService, Denied) => ("不予办理告知书", "Notice of refusal to provide the service"),
        (Levy | Adjudication | Other, Approved) => ("行政决定书", "Administrative decision"),
        (Levy | Adjudication | Other, Denied) => ("不予办理决定书", "Decision not to grant"),
    }
}

/// The short name of a decision in a timeline, by the item's category: 准予许可, 予以确认,
/// 准予给付, 办结 ….
pub fn decision_label(
    category: ItemCategory,
    outcome: DecisionOutcome,
) -> (&'static str, &'static str) {
    use DecisionOutcome::{Approved, Denied};
    use ItemCategory::*;
    match (category, outcome) {
        (License, Approved) => ("准予许可", "Licence granted"),
        (License, Denied) => ("不予许可", "Licence refused"),
        (Confirmation, Approved) => ("予以确认", "Confirmed"),
        (Confirmation, Denied) => ("不予确认", "Confirmation refused"),
        (Benefit, Approved) => ("准予给付", "Benefit granted"),
        (Benefit, Denied) => ("不予给付", "Benefit refused"),
        (PublicService, Approved) => ("办结", "Done"),
        (PublicService, Denied) => ("不予办理", "Refused"),
        (Levy | Adjudication | Other, Approved) => ("准予办理", "Granted"),
        (Levy | Adjudication | Other, Denied) => ("不予办理", "Refused"),
    }
}

/// Whether a decision of this category and outcome is open to administrative review and
/// litigation (复议、诉讼): every decision of an organ is, except a public service done as
/// asked.
pub fn decision_open_to_review(category: ItemCategory, outcome: DecisionOutcome) -> bool {
    !(category == ItemCategory::PublicService && outcome == DecisionOutcome::Approved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_round_trip_and_reject_what_is_not_a_document() {
        for kind in ALL_KINDS {
            let r = DocumentRef::new(kind, if kind.repeats() { 3 } else { 1 });
            assert_eq!(DocumentRef::parse(&r.slug()), Some(r), "{kind:?}");
        }
        for bad in [
            "",
            "supplement",
            "supplement-0",
            "acceptance-1",
            "decision-x",
            "seal",
            "suspension--1",
        ] {
            assert_eq!(DocumentRef::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn numbers_read_as_halls_write_them() {
        assert_eq!(
            number_text("县公安局", DocumentKind::Acceptance, 2026, 12),
            "县公安局受字〔2026〕第12号"
        );
        assert_eq!(
            number_text("县公安局", DocumentKind::Refusal, 2027, 1),
            "县公安局不受字〔2027〕第1号"
        );
    }

    #[test]
    fn every_category_has_its_own_decision_title() {
        use ItemCategory::*;
        let titles: std::collections::HashSet<_> = [License, Confirmation, Benefit, PublicService]
            .into_iter()
            .flat_map(|c| {
                [DecisionOutcome::Approved, DecisionOutcome::Denied].map(|o| decision_title(c, o).0)
            })
            .collect();
        assert_eq!(titles.len(), 8);
        assert!(!decision_title(Confirmation, DecisionOutcome::Approved)
            .0
            .contains("许可"));
        assert!(!decision_open_to_review(
            PublicService,
            DecisionOutcome::Approved
        ));
        assert!(decision_open_to_review(
            PublicService,
            DecisionOutcome::Denied
        ));
        assert!(decision_open_to_review(License, DecisionOutcome::Approved));
    }

    #[test]
    fn a_case_has_the_documents_of_what_happened_to_it() {
        use crate::case::test_support::{clerk, item, run, submitted, COMPLETE};
        use crate::case::Command;
        let it = item();
        let case = submitted(&it, COMPLETE, "2025-11-03T01:00:00Z");
        assert_eq!(
            available(&case),
            vec![DocumentRef::new(DocumentKind::Receipt, 1)]
        );
        assert_eq!(
            DocumentRef::new(DocumentKind::Supplement, 1).dated(&case),
            None
        );

        let accepted = run(
            &case,
            &it,
            Command::Accept,
            &clerk(),
            "2025-11-04T02:00:00Z",
        )
        .case;
        assert_eq!(
            available(&accepted),
            vec![
                DocumentRef::new(DocumentKind::Receipt, 1),
                DocumentRef::new(DocumentKind::Acceptance, 1)
            ]
        );

        let refuse = Command::Refuse {
            reason: "不属于本机关职权范围".into(),
            legal_basis: "《中华人民共和国行政许可法》第三十二条".into(),
        };
        let refused = run(&case, &it, refuse, &clerk(), "2025-11-04T02:00:00Z").case;
        let kinds: Vec<_> = available(&refused).into_iter().map(|r| r.kind).collect();
        assert_eq!(
            kinds,
            vec![
                DocumentKind::Receipt,
                DocumentKind::Refusal,
                DocumentKind::Service
            ]
        );
        assert!(refusal(&accepted).is_none());
    }
}

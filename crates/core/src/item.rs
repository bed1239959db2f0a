//! Approval items (政务服务事项) and the standard elements of their implementation list
//! (实施清单): the catalogue entries every case is accepted under.
//!
//! Every limit is data on the item (and its stages); the defaults here are the
//! Administrative Licensing Law rule set a new item starts from (domain.md, "Time rules").

use serde::{Deserialize, Serialize};

use crate::case::Procedure;

use crate::role::Role;

/// 即办件 / 承诺件.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// Decided on the spot by an authorised window.
    Immediate,
    /// Decided within a promised time.
    Promised,
}

/// The legal type of the item (事项类型).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemCategory {
    /// 行政许可
    License,
    /// 行政确认
    Confirmation,
    /// 行政给付
    Benefit,
    /// 行政征收
    Levy,
    /// 行政裁决
    Adjudication,
    /// 公共服务
    PublicService,
    /// 其他行政权力
    Other,
}

/// How a time limit is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DayUnit {
    WorkingDays,
    NaturalDays,
    /// Months (月), counted by the civil rule: the period ends on the same-numbered day of
    /// the last month, or on its last day when it has none (then, like every period, on the
    /// next working day when that is a rest day). `days` holds the number of months.
    Months,
}

/// A period of `days` working or natural days, or of `days` months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TimeLimit {
    pub days: u32,
    pub unit: DayUnit,
}

impl TimeLimit {
    pub const fn working_days(days: u32) -> Self {
        TimeLimit {
            days,
            unit: DayUnit::WorkingDays,
        }
    }

    pub const fn natural_days(days: u32) -> Self {
        TimeLimit {
            days,
            unit: DayUnit::NaturalDays,
        }
    }

    pub const fn months(months: u32) -> Self {
        TimeLimit {
            days: months,
            unit: DayUnit::Months,
        }
    }

    /// The limit as counted from `start` (not counted): months become the natural days to
    /// the same-numbered day of the last month (its last day if it has none); working and
    /// natural days are already counted that way.
    pub fn from_start(self, start: chrono::NaiveDate) -> TimeLimit {
        if self.unit != DayUnit::Months {
            return self;
        }
        let end = start
            .checked_add_months(chrono::Months::new(self.days))
            .unwrap_or(start);
        let days = u32::try_from((end - start).num_days()).unwrap_or(u32::MAX);
        TimeLimit::natural_days(days)
    }
}

/// The form in which a material is handed in.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum MaterialForm {
    /// 原件
    Original,
    /// 复印件
    #[default]
    Copy,
    /// 原件和复印件
    OriginalAndCopy,
    /// 电子材料
    Electronic,
}

/// One required or optional material (申请材料).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Material {
    pub code: String,
    pub name: String,
    /// Must be present for the case to be complete.
    pub required: bool,
    /// May be promised later under tolerated-missing acceptance (容缺受理).
    pub tolerable: bool,
    pub copies: u32,
    pub form: MaterialForm,
    pub note: Option<String>,
}

/// A fee in yuan, kept in fen so that arithmetic is exact. Written as a decimal string
/// ("12.50") in files and JSON, as api.md fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Yuan(pub i64);

impl Yuan {
    pub fn fen(self) -> i64 {
        self.0
    }
}

impl std::fmt::Display for Yuan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an amount in yuan (expected e.g. \"0\", \"12\" or \"12.50\")")]
pub struct BadAmount(pub String);

impl std::str::FromStr for Yuan {
    type Err = BadAmount;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadAmount(s.to_owned());
        let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || (s.contains('.') && !digits(frac)) || frac.len() > 2 {
            return Err(bad());
        }
        let whole: i64 = whole.parse().map_err(|_| bad())?;
        let frac: i64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
        whole
            .checked_mul(100)
            .and_then(|w| w.checked_add(frac))
            .map(Yuan)
            .ok_or_else(bad)
    }
}

impl Serialize for Yuan {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Yuan {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// 收费标准及依据.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fee {
    pub amount: Yuan,
    /// The legal basis of the fee; for free items, the basis of the exemption or "不收费".
    pub basis: String,
}

/// One stage of the item's workflow (承办, 审核, 批准, a parallel department review …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    pub code: String,
    pub name: String,
    /// The department that handles the stage.
    pub department: String,
    /// The role that completes it.
    pub role: Role,
    /// The stage's own time budget.
    pub limit: TimeLimit,
    /// Consecutive stages with the same group run in parallel (并联审批) and all must finish
    /// before the next stage starts.
    pub parallel_group: Option<String>,
}

/// The supervision warning threshold: yellow when the remaining time is at or under
/// `working_days`, or under `percent` of the limit when that is less (domain.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarningThreshold {
    pub working_days: u32,
    pub percent: u32,
}

impl Default for WarningThreshold {
    fn default() -> Self {
        WarningThreshold {
            working_days: 2,
            percent: 20,
        }
    }
}

/// The statutory clocks of an item, with the article defaults of domain.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatutoryLimits {
    /// Decide on acceptance or send the one-time supplement notice (art. 32).
    pub acceptance: TimeLimit,
    /// One extension of the decision limit (art. 42).
    pub extension: TimeLimit,
    /// Issue the result document after approval (art. 44).
    pub delivery: TimeLimit,
}

impl Default for StatutoryLimits {
    fn default() -> Self {
        StatutoryLimits {
            acceptance: TimeLimit::working_days(5),
            extension: TimeLimit::working_days(10),
            delivery: TimeLimit::working_days(10),
        }
    }
}

/// An approval item of the catalogue, at one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub code: String,
    pub name: String,
    pub version: u32,
    pub kind: ItemKind,
    pub category: ItemCategory,
    /// The implementing department (实施主体), by code.
    pub department: String,
    /// 设定依据.
    pub legal_basis: String,
    /// 办事条件.
    pub conditions: Vec<String>,
    pub materials: Vec<Material>,
    /// 办理流程, as the applicant reads it; the machine-readable form is `stages`.
    pub procedure: String,
    /// 数量限制; `None` when there is none.
    pub quantity_limit: Option<String>,
    /// 法定时限.
    pub legal_limit: TimeLimit,
    /// 承诺时限.
    pub promised_limit: TimeLimit,
    pub statutory: StatutoryLimits,
    pub warning: WarningThreshold,
    pub fee: Fee,
    /// 审批结果 (the result document, e.g. a licence).
    pub result_document: String,
    /// 咨询方式.
    pub consultation: String,
    /// 监督投诉方式.
    pub complaint: String,
    pub stages: Vec<Stage>,
    /// The item's choices within the law's rules.
    #[serde(default)]
    pub rules: ItemRules,
}

/// The rule set of the law an item is handled under (办理方式).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RuleSet {
    /// One organ decides (art. 42 para. 1): 20 working days, extension 10.
    #[default]
    Standard,
    /// Joint, unified or centralised handling (art. 42 para. 2): 45 working days, extension
    /// 15 approved by the head of the government.
    Joint,
    /// A lower organ reviews first (art. 43): its review within 20 working days, then the
    /// deciding organ's own limit.
    PreliminaryReview,
}

impl RuleSet {
    /// The longest extension the rule set allows, in working days.
    pub fn max_extension(self) -> u32 {
        match self {
            RuleSet::Joint => 15,
            RuleSet::Standard | RuleSet::PreliminaryReview => 10,
        }
    }

    /// The article the extension rule stands in.
    pub fn extension_article(self) -> &'static str {
        match self {
            RuleSet::Joint => "art. 42 para. 2",
            RuleSet::Standard | RuleSet::PreliminaryReview => "art. 42",
        }
    }

    /// The same article as the law's text cites it (第四十二条第一款).
    pub fn extension_article_zh(self) -> &'static str {
        match self {
            RuleSet::Joint => "第四十二条第二款",
            RuleSet::Standard | RuleSet::PreliminaryReview => "第四十二条第一款",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            RuleSet::Standard => "一般程序",
            RuleSet::Joint => "联合办理",
            RuleSet::PreliminaryReview => "下级机关初审",
        }
    }
}

/// The longest preliminary review by a lower organ (art. 43), in working days.
pub const PRELIMINARY_REVIEW_DAYS: u32 = 20;

/// The item's choices within the law's time rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemRules {
    /// Whether an extension granted before the promise broke also moves the promised
    /// deadline (it never moves a broken one).
    #[serde(default = "allowed")]
    pub extension_moves_promise: bool,
    /// The special procedures (art. 45) whose time this item does not count: the law's list
    /// unless the item says otherwise; a ground outside it needs `special_law`.
    #[serde(default = "statutory_procedures")]
    pub special_procedures: Vec<Procedure>,
    /// The law or regulation that allows this item what 行政许可法 does not (another
    /// ground for suspension, a longer limit), as cited to the applicant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub special_law: Option<String>,
    #[serde(default)]
    pub rule_set: RuleSet,
    /// The department whose head approves an extension; `None`: the item's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_by: Option<String>,
}

fn allowed() -> bool {
    true
}

fn statutory_procedures() -> Vec<Procedure> {
    Procedure::statutory().to_vec()
}

impl Default for ItemRules {
    fn default() -> Self {
        ItemRules {
            extension_moves_promise: true,
            special_procedures: statutory_procedures(),
            special_law: None,
            rule_set: RuleSet::Standard,
            extension_by: None,
        }
    }
}

impl ItemRules {
    /// Whether a case of this item may stop its clocks for `procedure`.
    pub fn allows(&self, procedure: Procedure) -> bool {
        self.special_procedures.contains(&procedure)
    }
}

impl Item {
    /// The stages grouped into steps: each step is one stage, or a run of consecutive stages
    /// sharing a parallel group, all of which must finish before the next step starts.
    pub fn steps(&self) -> Vec<&[Stage]> {
        let mut steps = Vec::new();
        let mut start = 0;
        for i in 1..=self.stages.len() {
            let same_group = i < self.stages.len()
                && self.stages[i].parallel_group.is_some()
                && self.stages[i].parallel_group == self.stages[i - 1].parallel_group;
            if !same_group {
                steps.push(&self.stages[start..i]);
                start = i;
            }
        }
        steps
    }

    pub fn material(&self, code: &str) -> Option<&Material> {
        self.materials.iter().find(|m| m.code == code)
    }

    pub fn stage(&self, code: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.code == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_parses_and_prints_decimal_strings() {
        assert_eq!("0".parse::<Yuan>(), Ok(Yuan(0)));
        assert_eq!("12.5".parse::<Yuan>(), Ok(Yuan(1250)));
        assert_eq!("12.05".parse::<Yuan>(), Ok(Yuan(1205)));
        assert_eq!(Yuan(1205).to_string(), "12.05");
        assert_eq!(Yuan(7).to_string(), "0.07");
        for bad in [
            "",
            ".5",
            "1.",
            "1.234",
            "-1",
            "1e3",
            "abc",
            "99999999999999999999",
        ] {
            assert!(bad.parse::<Yuan>().is_err(), "{bad} should not parse");
        }
    }
}

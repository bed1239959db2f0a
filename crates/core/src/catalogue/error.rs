//! Errors in workflow files, each with the file, line and column it points at.

use std::ops::Range;

/// One problem found in the workflow files.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {problem}")]
pub struct CatalogueError {
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters (not bytes), as editors count.
    pub column: usize,
    pub problem: Problem,
}

/// What is wrong. Messages are for the administrator editing the files, in English with the
/// Chinese field name where it helps.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// TOML syntax, an unknown field, a missing field or a wrong type (from the parser).
    #[error("{0}")]
    Syntax(String),
    #[error("{what} code `{code}` is already used at {first}")]
    Duplicate {
        what: &'static str,
        code: String,
        /// `file:line` of the first use.
        first: String,
    },
    #[error("unknown {what} `{code}`")]
    UnknownReference { what: &'static str, code: String },
    #[error("{field} must not be empty")]
    Empty { field: &'static str },
    #[error("fee amount (收费标准) {0}")]
    BadAmount(String),
    #[error("`{value}` is not a date (expected YYYY-MM-DD)")]
    BadDate { value: String },
    #[error("valid_to (失效日期) {valid_to} is before valid_from (生效日期) {valid_from}")]
    ValidToBeforeFrom {
        valid_from: String,
        valid_to: String,
    },
    #[error(
        "promised limit (承诺时限) {promised} is longer than the legal limit (法定时限) {legal}"
    )]
    PromisedOverLegal { promised: String, legal: String },
    #[error("promised limit (承诺时限) in working days cannot be compared with a legal limit (法定时限) in natural days; use the same unit")]
    IncomparableLimits,
    #[error(
        "the stages take {stages} in sequence, more than the promised limit (承诺时限) {promised}"
    )]
    StagesOverPromised { stages: String, promised: String },
    #[error("{0}")]
    Immediate(&'static str),
    #[error("{0}")]
    OfficeHours(crate::clock::OfficeHoursError),
    #[error("{what} of {given} is beyond the law (行政许可法 {article}: at most {max}); name the law that allows it in `rules.special_law`")]
    BeyondTheLaw {
        what: &'static str,
        given: String,
        max: String,
        article: &'static str,
    },
    #[error("warnings switched off (预警阈值 0): e-supervision warns before every deadline; name the law that allows otherwise in `rules.special_law`")]
    WarningsOff,
    #[error("{0} is not a special procedure of art. 45 行政许可法 (听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审); name the law that adds it in `rules.special_law`")]
    NotAStatutoryGround(&'static str),
    #[error("a promised item (承诺件) needs at least one stage (办理环节)")]
    NoStages,
    #[error("{0}")]
    Limit(&'static str),
    #[error("parallel group (并联组) `{group}` is split: its stages must be consecutive")]
    SplitParallelGroup { group: String },
    #[error("{0}")]
    Material(&'static str),
    #[error("warning percent (预警比例) {0} is over 100")]
    WarningPercent(u32),
    #[error("version (版本) must be at least 1")]
    Version,
    #[error("give exactly one of `items` (授权事项) and `department` (授权部门)")]
    GrantScope,
    #[error("actions (授权权限) must not be empty")]
    NoActions,
    #[error("action `{0}` is listed twice")]
    DuplicateAction(String),
    #[error("window `{window}` ({kind}) does not serve department `{department}`; add it to the window's departments")]
    WindowDoesNotServe {
        window: String,
        kind: &'static str,
        department: String,
    },
    #[error("a {kind} window may only be granted `consult`, not `{action}`")]
    ActionNotAtWindowKind { kind: &'static str, action: String },
    #[error(
        "`decide_on_spot` (当场决定) is only for immediate items (即办件); `{item}` is promised"
    )]
    DecideOnSpotNotImmediate { item: String },
    #[error("{0}")]
    Window(&'static str),
    #[error("rota (轮值表) department `{department}` on {weekday} is not among the window's departments")]
    RotaNotAmongWindow {
        department: String,
        weekday: &'static str,
    },
    #[error("department `{department}` is on the rota twice on {weekday}")]
    RotaDuplicate {
        department: String,
        weekday: &'static str,
    },
    #[error("no window is granted `{action}` for item `{item}`{why}")]
    ItemWithoutGrant {
        item: String,
        action: &'static str,
        why: &'static str,
    },
}

/// The file and byte span an error points at; turned into line:column at the end.
#[derive(Debug, Clone)]
pub(crate) struct Located {
    pub file: usize,
    pub span: Range<usize>,
}

/// 1-based line and character column of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::line_col;

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "a = 1\nname = \"县政务办\" x\n";
        let x = text.find('x').unwrap();
        assert_eq!(line_col(text, x), (2, 15));
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, text.len()), (3, 1));
    }
}

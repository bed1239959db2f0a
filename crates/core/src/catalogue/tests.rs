use chrono::NaiveDate;

use super::*;
use crate::grant::{GrantScope, WindowAction, WindowKind};
use crate::item::{DayUnit, ItemKind, MaterialForm, StatutoryLimits, TimeLimit, Yuan};
use crate::role::Role;

const HALL: &str = r#"
[[departments]]
code = "scjgj"
name = "县市场监督管理局"

[[departments]]
code = "wjj"
name = "县卫生健康局"

[[windows]]
code = "A01"
name = "市场监管窗口"
kind = "department"
departments = ["scjgj"]

[[windows]]
code = "Z01"
name = "综合窗口"
kind = "general"

[[windows]]
code = "F01"
name = "流动窗口"
kind = "floating"
departments = ["scjgj", "wjj"]
rota = { mon = ["scjgj"], wed = ["wjj"] }

[[grants]]
window = "A01"
department = "scjgj"
actions = ["consult", "accept", "decide_on_spot", "deliver"]
valid_from = 2026-01-01
granted_by = "县市场监督管理局"
document_no = "县市监授〔2026〕1号"

[[grants]]
window = "Z01"
items = ["WJ-XK-01"]
actions = ["accept"]
valid_from = "2026-01-01"
valid_to = "2026-12-31"
granted_by = "县卫生健康局"
document_no = "县卫健授〔2026〕2号"
"#;

const ITEMS: &str = r#"
[[items]]
code = "SC-XK-01"
name = "食品经营许可"
kind = "promised"
category = "license"
department = "scjgj"
legal_basis = "《中华人民共和国食品安全法》第三十五条"
conditions = ["有与经营的食品品种相适应的经营场所"]
procedure = "申请、受理、审查、决定、送达"
legal_limit = { days = 10 }
promised_limit = { days = 5, unit = "working_days" }
result_document = "食品经营许可证"
consultation = "0571-12345"
complaint = "12345"
materials = [
  { code = "sqs", name = "食品经营许可申请书", form = "original" },
  { code = "zz", name = "营业执照", tolerable = true },
  { code = "pmt", name = "经营场所平面图", required = false, copies = 2 },
]
stages = [
  { code = "cb", name = "承办", department = "scjgj", role = "approver", limit = { days = 2 } },
  { code = "sh", name = "审核", department = "scjgj", role = "approver", limit = { days = 1 }, parallel_group = "g" },
  { code = "ws", name = "卫生审查", department = "wjj", role = "approver", limit = { days = 2 }, parallel_group = "g" },
  { code = "pz", name = "批准", department = "scjgj", role = "head", limit = { days = 1 } },
]

[[items]]
code = "SC-QR-01"
name = "个体工商户名称变更登记"
kind = "immediate"
category = "confirmation"
department = "scjgj"
legal_basis = "《促进个体工商户发展条例》"
procedure = "当场办结"
legal_limit = { days = 15 }
promised_limit = { days = 0 }
fee = { amount = "0", basis = "不收费" }
result_document = "营业执照"
consultation = "12345"
complaint = "12345"
stages = [
  { code = "bl", name = "办理", department = "scjgj", role = "approver", limit = { days = 1 } },
]

[[items]]
code = "WJ-XK-01"
name = "公共场所卫生许可"
kind = "promised"
category = "license"
department = "wjj"
legal_basis = "《公共场所卫生管理条例》"
procedure = "受理、审查、决定"
legal_limit = { days = 20 }
promised_limit = { days = 10 }
statutory = { delivery = { days = 5 } }
warning = { working_days = 1, percent = 10 }
fee = { amount = "12.50", basis = "某收费依据" }
result_document = "卫生许可证"
consultation = "12345"
complaint = "12345"
stages = [
  { code = "cb", name = "承办", department = "wjj", role = "approver", limit = { days = 10 } },
]
"#;

fn parse_two(hall: &str, items: &str) -> Result<Catalogue, Vec<CatalogueError>> {
    parse(&[
        ("workflows/hall.toml", hall),
        ("workflows/items/demo.toml", items),
    ])
}

/// The errors of a broken copy, as `file:line: message` strings for readable assertions.
fn errors(hall: &str, items: &str) -> Vec<CatalogueError> {
    match parse_two(hall, items) {
        Ok(_) => panic!("expected errors"),
        Err(errors) => errors,
    }
}

/// The line (1-based) of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in text"));
    text[..at].matches('\n').count() + 1
}

/// Asserts exactly one error, in `file` at the line of `needle`, whose message contains `says`.
#[track_caller]
fn assert_one(errors: &[CatalogueError], file: &str, line: usize, says: &str) {
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let e = &errors[0];
    assert_eq!((e.file.as_str(), e.line), (file, line), "{e}");
    assert!(e.to_string().contains(says), "`{e}` should say `{says}`");
}

const HALL_FILE: &str = "workflows/hall.toml";
const ITEMS_FILE: &str = "workflows/items/demo.toml";

#[test]
fn the_sample_parses_into_domain_values() {
    let c = parse_two(HALL, ITEMS).unwrap();
    assert_eq!(
        (
            c.departments.len(),
            c.windows.len(),
            c.grants.len(),
            c.items.len()
        ),
        (2, 3, 2, 3)
    );
    let food = c.item("SC-XK-01").unwrap();
    assert_eq!(food.version, 1);
    assert_eq!(food.kind, ItemKind::Promised);
    assert_eq!(food.legal_limit, TimeLimit::working_days(10));
    assert_eq!(food.statutory, StatutoryLimits::default());
    assert_eq!(food.fee.amount, Yuan(0));
    assert_eq!(food.fee.basis, "不收费");
    let zz = food.material("zz").unwrap();
    assert!(zz.required && zz.tolerable && zz.copies == 1 && zz.form == MaterialForm::Copy);
    assert!(!food.material("pmt").unwrap().required);
    assert_eq!(food.steps().len(), 3);
    assert_eq!(food.stage("pz").unwrap().role, Role::Head);
    let hygiene = c.item("WJ-XK-01").unwrap();
    assert_eq!(hygiene.fee.amount, Yuan(1250));
    assert_eq!(hygiene.statutory.delivery, TimeLimit::working_days(5));
    assert_eq!(hygiene.statutory.acceptance, TimeLimit::working_days(5));
    assert_eq!(hygiene.warning.percent, 10);
    let floating = c.window("F01").unwrap();
    assert_eq!(floating.kind, WindowKind::Floating);
    assert_eq!(floating.rota.as_ref().unwrap().wed, vec!["wjj".to_owned()]);
    let g = &c.grants[1];
    assert_eq!((g.id, g.window.as_str()), (2, "Z01"));
    assert_eq!(g.scope, GrantScope::Items(vec!["WJ-XK-01".into()]));
    assert_eq!(g.actions, vec![WindowAction::Accept]);
    assert_eq!(g.valid_to, NaiveDate::from_ymd_opt(2026, 12, 31));
    assert_eq!(
        c.grants[0].valid_from,
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
    );
    assert_eq!(c.department("wjj").unwrap().name, "县卫生健康局");
}

#[test]
fn toml_syntax_errors_point_at_the_line() {
    let broken = ITEMS.replace("name = \"食品经营许可\"", "name = \"食品经营许可");
    let errs = errors(HALL, &broken);
    assert_one(
        &errs,
        ITEMS_FILE,
        line_of(&broken, "name = \"食品经营许可"),
        "",
    );
    assert!(matches!(errs[0].problem, Problem::Syntax(_)));
}

#[test]
fn unknown_fields_are_refused() {
    let broken = ITEMS.replace(
        "procedure = \"当场办结\"",
        "procedure = \"当场办结\"\nprocedur = \"x\"",
    );
    assert_one(
        &errors(HALL, &broken),
        ITEMS_FILE,
        line_of(&broken, "procedur = "),
        "unknown field `procedur`",
    );
}

#[test]
fn wrong_types_and_unknown_variants_are_refused() {
    let broken = ITEMS.replace(
        "legal_limit = { days = 20 }",
        "legal_limit = { days = \"20\" }",
    );
    assert_one(
        &errors(HALL, &broken),
        ITEMS_FILE,
        line_of(&broken, "days = \"20\""),
        "expected u32",
    );
    let broken = HALL.replace("kind = \"general\"", "kind = \"generel\"");
    assert_one(
        &errors(&broken, ITEMS),
        HALL_FILE,
        line_of(&broken, "generel"),
        "unknown variant",
    );
}

#[test]
fn missing_required_fields_are_named() {
    let broken = ITEMS.replace("result_document = \"卫生许可证\"\n", "");
    let errs = errors(HALL, &broken);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0]
            .to_string()
            .contains("missing field `result_document`"),
        "{}",
        errs[0]
    );
}

#[test]
fn duplicate_item_codes_name_the_first_one() {
    let broken = ITEMS.replace("code = \"WJ-XK-01\"", "code = \"SC-QR-01\"");
    let errs = errors(
        HALL,
        &broken.replace("items = [\"WJ-XK-01\"]", "items = [\"SC-QR-01\"]"),
    );
    let expected = format!(
        "already used at {ITEMS_FILE}:{}",
        line_of(&broken, "code = \"SC-QR-01\"")
    );
    let dup: Vec<_> = errs
        .iter()
        .filter(|e| matches!(e.problem, Problem::Duplicate { .. }))
        .collect();
    assert_eq!(dup.len(), 1, "{errs:#?}");
    assert_eq!(
        dup[0].line,
        line_of(&broken, "code = \"SC-QR-01\"\nname = \"公共场所")
    );
    assert!(dup[0].to_string().contains(&expected), "{}", dup[0]);
}

#[test]
fn duplicate_departments_and_windows_across_files() {
    let extra = "[[departments]]\ncode = \"wjj\"\nname = \"重复\"\n";
    let errs = parse(&[
        (HALL_FILE, HALL),
        (ITEMS_FILE, ITEMS),
        ("workflows/more.toml", extra),
    ])
    .unwrap_err();
    assert_one(
        &errs,
        "workflows/more.toml",
        2,
        "department code `wjj` is already used at workflows/hall.toml:",
    );
    let broken = HALL.replace("code = \"Z01\"", "code = \"A01\"");
    let errs = errors(&broken, ITEMS);
    let dup: Vec<_> = errs
        .iter()
        .filter(|e| matches!(e.problem, Problem::Duplicate { .. }))
        .collect();
    assert_eq!(dup.len(), 1, "{errs:#?}");
    assert_eq!(
        dup[0].line,
        line_of(&broken, "code = \"A01\"\nname = \"综合窗口\"")
    );
}

#[test]
fn duplicate_materials_and_stages_within_an_item() {
    let broken = ITEMS.replace("code = \"pmt\"", "code = \"zz\"");
    assert_one(
        &errors(HALL, &broken),
        ITEMS_FILE,
        line_of(&broken, "name = \"经营场所平面图\""),
        "material code `zz`",
    );
    let broken = ITEMS.replace("code = \"pz\"", "code = \"cb\"");
    assert_one(
        &errors(HALL, &broken),
        ITEMS_FILE,
        line_of(&broken, "name = \"批准\""),
        "stage code `cb`",
    );
}

#[test]
fn unknown_departments_are_reported_where_referenced() {
    let broken = ITEMS.replacen(
        "department = \"wjj\", role",
        "department = \"xfj\", role",
        1,
    );
    assert_one(
        &errors(HALL, &broken),
        ITEMS_FILE,
        line_of(&broken, "xfj"),
        "unknown department (部门) `xfj`",
    );
    let broken = HALL.replace(
        "departments = [\"scjgj\"]",
        "departments = [\"scjgj\", \"gaj\"]",
    );
    assert_one(
        &errors(&broken, ITEMS),
        HALL_FILE,
        line_of(&broken, "\"gaj\""),
        "unknown department",
    );
    let broken = ITEMS.replace(
        "department = \"wjj\"\nlegal_basis",
        "department = \"wj\"\nlegal_basis",
    );
    let errs = errors(HALL, &broken);
    assert!(
        errs.iter()
            .any(|e| e.line == line_of(&broken, "department = \"wj\"\n")
                && e.to_string().contains("`wj`")),
        "{errs:#?}"
    );
}

#[test]
fn grants_must_reference_existing_windows_and_items() {
    let broken = HALL.replace("window = \"Z01\"", "window = \"Z09\"");
    let errs = errors(&broken, ITEMS);
    assert!(
        errs.iter()
            .any(|e| e.line == line_of(&broken, "Z09") && e.to_string().contains("unknown window")),
        "{errs:#?}"
    );
    let broken = HALL.replace("items = [\"WJ-XK-01\"]", "items = [\"WJ-XK-01\", \"NOPE\"]");
    assert_one(
        &errors(&broken, ITEMS),
        HALL_FILE,
        line_of(&broken, "NOPE"),
        "unknown item (事项) `NOPE`",
    );
}

#[test]
fn rota_departments_must_exist_among_the_windows() {
    let broken = HALL.replace("wed = [\"wjj\"]", "wed = [\"wjj\"], fri = [\"gaj\"]");
    assert_one(
        &errors(&broken, ITEMS),
        HALL_FILE,
        line_of(&broken, "gaj"),
        "not among the window's departments",
    );
    let broken = HALL.replace("wed = [\"wjj\"]", "wed = [\"wjj\", \"wjj\"]");
    assert_one(
        &errors(&broken, ITEMS),
        HALL_FILE,
        line_of(&broken, "wed = "),
        "on the rota twice",
    );
}

#[test]
fn only_floating_windows_have_a_rota_and_they_need_one() {
    let broken = HALL.replace("rota = { mon = [\"scjgj\"], wed = [\"wjj\"] }\n", "");
    assert_one(
        &errors(&broken, ITEMS),
        HALL_FILE,
        line_of(&broken, "kind = \"floating\""),
        "needs a rota",
    );
    let broken = HALL.replace(
        "kind = \"general\"",
        "kind = \"general\"\nrota = { mon = [\"scjgj\"] }",
    );
    assert_one(
        &errors(&broken, ITEMS),
        HALL_FILE,
        line_of(&broken, "rota = { mon = [\"scjgj\"] }"),
        "only a floating window",
    );
}

#[test]
fn promised_limit_may_not_exceed_the_legal_limit() {
    let broken = ITEMS.replace(
        "promised_limit = { days = 10 }",
        "promised_limit = { days = 25 }",
    );
    assert_one(
        &errors(HALL, &broken),
        ITEMS_FILE,
        line_of(&broken, "days = 25"),
        "longer than the legal limit",
    );
    let broken = ITEMS.replace(
        "promised_limit = { days = 10 }",
        "promised_limit = { days = 10, unit = \"natural_days\" }",
    );
    assert!(parse_two(HALL, &broken).is_ok());
    let broken = ITEMS.replace(
        "legal_limit = { days = 20 }",
        "legal_limit = { days = 20, unit = \"natural_days\" }",
    );
    assert_one(
        &errors(HALL, &broken),
        ITEMS_FILE,
        line_of(&broken, "promised_limit = { days = 10 }"),
        "same unit",
    );
}

#[test]
fn stage_budgets_must_fit_the_promised_limit() {
    // cb 2 + (sh 1 ‖ ws 2) + pz 1 = 5 fits 5; one more day on ws does not.
    let broken = ITEMS.replace(
        "name = \"卫生审查\", department = \"wjj\", role = \"approver\", limit = { days = 2 }",
        "name = \"卫生审查\", department = \"wjj\", role = \"approver\", limit = { days = 3 }",
    );
    assert_one(
        &errors(HALL, &broken),
        ITEMS_FILE,
        line_of(&broken, "promised_limit = { days = 5"),
        "6 working days",
    );
}

#[test]
fn grant_dates_must_be_dates_in_order() {
    let broken = HALL.replace("valid_to = \"2026-12-31\"", "valid_to = \"2025-12-31\"");
    assert_one(
        &errors(&broken, ITEMS),
        HALL_FILE,
        line_of(&broken, "valid_to"),
        "before valid_from",
    );
    let broken = HALL.replace("valid_to = \"2026-12-31\"", "valid_to = \"2026-13-01\"");
    assert_one(
        &errors(&broken, ITEMS),
        HALL_FILE,
        line_of(&broken, "valid_to"),
        "not a date",
    );
    let broken = HALL.replace(
        "valid_from = 2026-01-01",
        "valid_from = 2026-01-01T08:00:00",
    );
    assert_one(
        &errors(&broken, ITEMS),
        HALL_FILE,
        line_of(&broken, "valid_from = 2026-01-01T"),
        "not a date",
    );
}

#[test]
fn fee_amounts_are_decimal_yuan_strings() {
    let broken = ITEMS.replace("amount = \"12.50\"", "amount = \"12.505\"");
    assert_one(
        &errors(HALL, &broken),
        ITEMS_FILE,
        line_of(&broken, "12.505"),
        "not an amount in yuan",
    );
    let broken = ITEMS.replace("amount = \"12.50\"", "amount = 12.5");
    assert_one(
        &errors(HALL, &broken),
        ITEMS_FILE,
        line_of(&broken, "amount = 12.5"),
        "string",
    );
}

#[test]
fn immediate_items_are_decided_on_the_spot() {
    let broken = ITEMS.replace(
        "promised_limit = { days = 0 }",
        "promised_limit = { days = 1 }",
    );
    assert_one(
        &errors(HALL, &broken),
        ITEMS_FILE,
        line_of(&broken, "days = 1 }\nfee"),
        "promised limit (承诺时限) is 0 days",
    );
    let two = ITEMS.replace(
        "{ code = \"bl\", name = \"办理\", department = \"scjgj\", role = \"approver\", limit = { days = 1 } },",
        "{ code = \"bl\", name = \"办理\", department = \"scjgj\", role = \"approver\", limit = { days = 1 } },\n  { code = \"pz2\", name = \"批准\", department = \"scjgj\", role = \"head\", limit = { days = 1 } },",
    );
    assert_one(
        &errors(HALL, &two),
        ITEMS_FILE,
        line_of(&two, "pz2"),
        "at most one stage",
    );
    let elsewhere = ITEMS.replace(
        "{ code = \"bl\", name = \"办理\", department = \"scjgj\"",
        "{ code = \"bl\", name = \"办理\", department = \"wjj\"",
    );
    assert_one(
        &errors(HALL, &elsewhere),
        ITEMS_FILE,
        line_of(&elsewhere, "code = \"bl\""),
        "own department",
    );
}

#[test]
fn promised_items_need_stages_and_a_promise() {
    let broken = ITEMS.replace(
        "stages = [\n  { code = \"cb\", name = \"承办\", department = \"wjj\", role = \"approver\", limit = { days = 10 } },\n]\n",
        "",
    );
    assert_one(
        &errors(HALL, &broken),
        ITEMS_FILE,
        line_of(&broken, "code = \"WJ-XK-01\""),
        "at least one stage",
    );
    let broken = ITEMS.replace(
        "promised_limit = { days = 10 }",
        "promised_limit = { days = 0 }",
    );
    let errs = errors(HALL, &broken);
    assert!(
        errs.iter()
            .any(|e| e.line == line_of(&broken, "days = 0 }\nstatutory")
                && e.to_string().contains("at least 1 day")),
        "{errs:#?}"
    );
}

#[test]
fn names_must_not_be_empty() {
    let broken = ITEMS.replace("name = \"营业执照\"", "name = \"  \"");
    assert_one(
        &errors(HALL, &broken),
        ITEMS_FILE,
        line_of(&broken, "name = \"  \""),
        "material name (材料名称) must not be empty",
    );
    let broken = HALL.replace("name = \"县卫生健康局\"", "name = \"\"");
    assert_one(
        &errors(&broken, ITEMS),
        HALL_FILE,
        line_of(&broken, "name = \"\""),
        "department name (部门名称)",
    );
}

#[test]
fn parallel_groups_must_be_contiguous() {
    let broken = ITEMS.replace(
        "{ code = \"pz\", name = \"批准\", department = \"scjgj\", role = \"head\", limit = { days = 1 } },",
        "{ code = \"pz\", name = \"批准\", department = \"scjgj\", role = \"head\", limit = { days = 1 }, parallel_group = \"x\" },\n  { code = \"fh\", name = \"复核\", department = \"scjgj\", role = \"head\", limit = { days = 1 }, parallel_group = \"g\" },",
    );
    let errs = errors(HALL, &broken);
    let split: Vec<_> = errs
        .iter()
        .filter(|e| matches!(e.problem, Problem::SplitParallelGroup { .. }))
        .collect();
    assert_eq!(split.len(), 1, "{errs:#?}");
    assert_eq!(split[0].line, line_of(&broken, "code = \"fh\""));
}

#[test]
fn materials_tolerable_only_if_required_and_at_least_one_copy() {
    let broken = ITEMS.replace(
        "required = false, copies = 2",
        "required = false, tolerable = true, copies = 2",
    );
    assert_one(
        &errors(HALL, &broken),
        ITEMS_FILE,
        line_of(&broken, "tolerable = true, copies"),
        "must be required",
    );
    let broken = ITEMS.replace("copies = 2", "copies = 0");
    assert_one(
        &errors(HALL, &broken),
        ITEMS_FILE,
        line_of(&broken, "copies = 0"),
        "copies (份数)",
    );
}

#[test]
fn grants_give_one_scope_and_fitting_actions() {
    let broken = HALL.replace(
        "department = \"scjgj\"\nactions",
        "department = \"scjgj\"\nitems = [\"SC-XK-01\"]\nactions",
    );
    let errs = errors(&broken, ITEMS);
    assert!(
        errs.iter().any(|e| matches!(e.problem, Problem::GrantScope)
            && e.line == line_of(&broken, "window = \"A01\"")),
        "{errs:#?}"
    );
    let broken = HALL.replace(
        "actions = [\"accept\"]",
        "actions = [\"accept\", \"accept\"]",
    );
    assert_one(
        &errors(&broken, ITEMS),
        HALL_FILE,
        line_of(&broken, "\"accept\", \"accept\""),
        "listed twice",
    );
    let broken = HALL.replace("actions = [\"accept\"]", "actions = []");
    let errs = errors(&broken, ITEMS);
    assert!(
        errs.iter().any(|e| matches!(e.problem, Problem::NoActions)
            && e.line == line_of(&broken, "actions = []")),
        "{errs:#?}"
    );
}

#[test]
fn grants_fit_their_window() {
    // A department window granted another department's item.
    let broken = HALL.replace("window = \"Z01\"", "window = \"A01\"");
    assert_one(
        &errors(&broken, ITEMS),
        HALL_FILE,
        line_of(&broken, "[\"WJ-XK-01\"]"),
        "does not serve department `wjj`",
    );
    // decide_on_spot on a promised item.
    let broken = HALL.replace(
        "actions = [\"accept\"]",
        "actions = [\"accept\", \"decide_on_spot\"]",
    );
    assert_one(
        &errors(&broken, ITEMS),
        HALL_FILE,
        line_of(&broken, "[\"WJ-XK-01\"]"),
        "only for immediate items",
    );
    // A consultation window may only consult.
    let broken = HALL.replace("kind = \"general\"", "kind = \"consultation\"");
    let errs = errors(&broken, ITEMS);
    assert!(
        errs.iter()
            .any(|e| matches!(e.problem, Problem::ActionNotAtWindowKind { .. })),
        "{errs:#?}"
    );
}

#[test]
fn every_item_is_granted_somewhere() {
    let broken = HALL
        .replace("items = [\"WJ-XK-01\"]", "department = \"wjj\"")
        .replace("actions = [\"accept\"]", "actions = [\"consult\"]");
    assert_one(
        &errors(&broken, ITEMS),
        ITEMS_FILE,
        line_of(ITEMS, "code = \"WJ-XK-01\""),
        "no window is granted `accept` for item `WJ-XK-01`",
    );
    let broken = HALL.replace(
        "[\"consult\", \"accept\", \"decide_on_spot\", \"deliver\"]",
        "[\"consult\", \"accept\", \"deliver\"]",
    );
    assert_one(
        &errors(&broken, ITEMS),
        ITEMS_FILE,
        line_of(ITEMS, "code = \"SC-QR-01\""),
        "`decide_on_spot`",
    );
}

#[test]
fn warning_percent_is_a_percentage() {
    let broken = ITEMS.replace("percent = 10", "percent = 120");
    assert_one(
        &errors(HALL, &broken),
        ITEMS_FILE,
        line_of(&broken, "percent = 120"),
        "over 100",
    );
}

#[test]
fn errors_are_sorted_by_file_then_position_and_displayed_as_path_line_col() {
    let hall = HALL.replace("window = \"Z01\"", "window = \"Z09\"");
    let items = ITEMS.replace("amount = \"12.50\"", "amount = \"x\"");
    let errs = errors(&hall, &items);
    let files: Vec<&str> = errs.iter().map(|e| e.file.as_str()).collect();
    let mut sorted = files.clone();
    sorted.sort_by_key(|f| *f != HALL_FILE);
    assert_eq!(files, sorted);
    let fee = errs
        .iter()
        .find(|e| matches!(e.problem, Problem::BadAmount(_)))
        .unwrap();
    let line = line_of(&items, "amount = \"x\"");
    let col = items.lines().nth(line - 1).unwrap().find("\"x\"").unwrap() + 1;
    assert!(
        fee.to_string()
            .starts_with(&format!("{ITEMS_FILE}:{line}:{col}: ")),
        "{fee}"
    );
}

#[test]
fn natural_day_limits_round_trip() {
    let items = ITEMS
        .replace(
            "legal_limit = { days = 20 }",
            "legal_limit = { days = 60, unit = \"natural_days\" }",
        )
        .replace(
            "promised_limit = { days = 10 }",
            "promised_limit = { days = 20, unit = \"natural_days\" }",
        )
        .replace(
            "role = \"approver\", limit = { days = 10 } }",
            "role = \"approver\", limit = { days = 20, unit = \"natural_days\" } }",
        );
    let c = parse_two(HALL, &items).unwrap();
    assert_eq!(
        c.item("WJ-XK-01").unwrap().legal_limit.unit,
        DayUnit::NaturalDays
    );
}

#[test]
fn the_schema_file_is_current() {
    let generated = serde_json::to_string_pretty(&json_schema()).unwrap() + "\n";
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../workflows/schema/workflows.schema.json"
    );
    if std::env::var_os("TONGBAN_UPDATE_SCHEMA").is_some() {
        std::fs::write(path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "workflows/schema/workflows.schema.json is stale: run `TONGBAN_UPDATE_SCHEMA=1 cargo test -p tongban-core the_schema_file_is_current`"
    );
}

#[test]
fn office_hours_default_to_the_standard_day_and_are_read_from_one_file() {
    use crate::clock::OfficeHours;
    assert_eq!(
        parse_two(HALL, ITEMS).unwrap().office_hours,
        OfficeHours::standard()
    );
    let hours = "[[office_hours]]\nopens = \"08:30\"\ncloses = \"16:30\"\n";
    let c = parse_two(&format!("{hours}{HALL}"), ITEMS).unwrap();
    assert_eq!(c.office_hours.sessions().len(), 1);
    assert_eq!(c.office_hours.seconds_per_day(), 8 * 3600);
    assert_eq!(c.office_hours.closes().to_string(), "16:30:00");
    // Given twice: the second file is refused, naming the first.
    let errs = parse(&[
        (HALL_FILE, format!("{hours}{HALL}").as_str()),
        (ITEMS_FILE, format!("{hours}{ITEMS}").as_str()),
    ])
    .unwrap_err();
    assert_one(
        &errs,
        ITEMS_FILE,
        1,
        "office hours (办公时间) code `office_hours` is already used at workflows/hall.toml:1",
    );
    // A session that closes before it opens, or a time that is none.
    let backwards = "[[office_hours]]\nopens = \"17:30\"\ncloses = \"09:00\"\n";
    let errs = errors(&format!("{backwards}{HALL}"), ITEMS);
    assert_one(&errs, HALL_FILE, 1, "closes before it opens");
    let bad = "[[office_hours]]\nopens = \"九点\"\ncloses = \"12:00\"\n";
    let errs = errors(&format!("{bad}{HALL}"), ITEMS);
    assert_one(&errs, HALL_FILE, 1, "`九点` is not a time of day");
}

#[test]
fn limits_beyond_the_law_are_refused_naming_line_and_article() {
    let cases = [
        (
            "statutory = { delivery = { days = 5 } }",
            "statutory = { acceptance = { days = 15 } }",
            "art. 32",
        ),
        (
            "statutory = { delivery = { days = 5 } }",
            "statutory = { delivery = { days = 60 } }",
            "art. 44",
        ),
        (
            "statutory = { delivery = { days = 5 } }",
            "statutory = { extension = { days = 30, unit = \"natural_days\" } }",
            "art. 42",
        ),
        (
            "warning = { working_days = 1, percent = 10 }",
            "warning = { working_days = 0, percent = 0 }",
            "warnings switched off",
        ),
    ];
    for (from, to, says) in cases {
        let broken = ITEMS.replace(from, to);
        let errs = errors(HALL, &broken);
        let e = errs
            .iter()
            .find(|e| e.to_string().contains(says))
            .unwrap_or_else(|| panic!("{to}: {errs:#?}"));
        assert_eq!(
            (e.file.as_str(), e.line),
            (ITEMS_FILE, line_of(&broken, to)),
            "{e}"
        );
        // Naming the special law that allows it lets the item keep the deviation (an
        // extension still counts working days, whatever the law).
        let allowed = broken.replace(
            to,
            &format!("{to}\nrules = {{ special_law = \"《某特别法》第十条\" }}"),
        );
        let result = parse_two(HALL, &allowed);
        if to.contains("natural_days") {
            let errs = result.unwrap_err();
            assert!(
                errs.iter()
                    .all(|e| e.to_string().contains("counts working days")),
                "{errs:#?}"
            );
        } else {
            assert!(
                result.is_ok(),
                "{to} with a special law: {:#?}",
                result.err()
            );
        }
    }
    // Within the law: 5 and 10 working days, or fewer natural days.
    let fine = ITEMS.replace(
        "statutory = { delivery = { days = 5 } }",
        "statutory = { acceptance = { days = 5 }, extension = { days = 10 }, delivery = { days = 10, unit = \"natural_days\" } }",
    );
    parse_two(HALL, &fine).unwrap();
}

#[test]
fn months_count_by_the_civil_rule_and_compare_with_days() {
    let months = ITEMS.replace(
        "legal_limit = { days = 20 }\npromised_limit = { days = 10 }",
        "legal_limit = { days = 3, unit = \"months\" }\npromised_limit = { days = 60, unit = \"natural_days\" }",
    );
    let c = parse_two(HALL, &months).unwrap();
    let it = c.item("WJ-XK-01").unwrap();
    assert_eq!(it.legal_limit, TimeLimit::months(3));
    // From 01-31, three months end on 04-30 (April has no 31st): 89 natural days.
    let start = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
    assert_eq!(
        it.legal_limit.from_start(start),
        TimeLimit::natural_days(89)
    );
    // A promise of 100 natural days outlasts any three months.
    let over = months.replace(
        "days = 60, unit = \"natural_days\"",
        "days = 100, unit = \"natural_days\"",
    );
    let errs = errors(HALL, &over);
    assert!(
        errs.iter()
            .any(|e| matches!(e.problem, Problem::PromisedOverLegal { .. })),
        "{errs:#?}"
    );
    // 90 natural days may or may not outlast three months: refused as incomparable.
    let unsure = months.replace(
        "days = 60, unit = \"natural_days\"",
        "days = 90, unit = \"natural_days\"",
    );
    let errs = errors(HALL, &unsure);
    assert!(
        errs.iter()
            .any(|e| matches!(e.problem, Problem::IncomparableLimits)),
        "{errs:#?}"
    );
}

#[test]
fn joint_handling_and_preliminary_review_are_rule_sets_with_their_own_limits() {
    use crate::item::RuleSet;
    let joint = ITEMS.replace(
        "stages = [\n  { code = \"cb\", name = \"承办\", department = \"wjj\", role = \"approver\", limit = { days = 10 } },\n]",
        "rules = { rule_set = \"joint\", extension_by = \"scjgj\" }\nstages = [\n  { code = \"cb\", name = \"承办\", department = \"wjj\", role = \"approver\", limit = { days = 5 } },\n  { code = \"lh\", name = \"联合审查\", department = \"scjgj\", role = \"approver\", limit = { days = 5 } },\n]",
    );
    let c = parse_two(HALL, &joint).unwrap();
    let it = c.item("WJ-XK-01").unwrap();
    assert_eq!(it.rules.rule_set, RuleSet::Joint);
    assert_eq!(it.statutory.extension, TimeLimit::working_days(15));
    assert_eq!(it.rules.extension_by.as_deref(), Some("scjgj"));
    // 15 is the joint maximum; an extension of 16 is not.
    let long = joint.replace(
        "statutory = { delivery = { days = 5 } }",
        "statutory = { delivery = { days = 5 }, extension = { days = 16 } }",
    );
    let errs = errors(HALL, &long);
    assert!(
        errs.iter()
            .any(|e| e.to_string().contains("art. 42 para. 2")),
        "{errs:#?}"
    );
    // Joint handling needs the department of the government's head, taking part in it.
    let nobody = joint.replace(", extension_by = \"scjgj\"", "");
    assert!(errors(HALL, &nobody)
        .iter()
        .any(|e| e.to_string().contains("rules.extension_by")));
    let absent = joint.replace(
        "department = \"scjgj\", role = \"approver\", limit = { days = 5 } }",
        "department = \"wjj\", role = \"approver\", limit = { days = 5 } }",
    );
    assert!(errors(HALL, &absent)
        .iter()
        .any(|e| e.to_string().contains("handle a stage")));
    // A preliminary review: the first step within 20 working days, a decision after it.
    let review = joint
        .replace(
            "rule_set = \"joint\", extension_by = \"scjgj\"",
            "rule_set = \"preliminary_review\"",
        )
        .replace(
            "limit = { days = 5 } },\n  { code = \"lh\"",
            "limit = { days = 25 } },\n  { code = \"lh\"",
        )
        .replace(
            "legal_limit = { days = 20 }\npromised_limit = { days = 10 }",
            "legal_limit = { days = 40 }\npromised_limit = { days = 30 }",
        );
    let errs = errors(HALL, &review);
    assert!(
        errs.iter().any(|e| e.to_string().contains("art. 43")),
        "{errs:#?}"
    );
    let fine = review.replace(
        "limit = { days = 25 } },\n  { code = \"lh\"",
        "limit = { days = 20 } },\n  { code = \"lh\"",
    );
    let c = parse_two(HALL, &fine).unwrap();
    assert_eq!(
        c.item("WJ-XK-01").unwrap().rules.rule_set,
        RuleSet::PreliminaryReview
    );
}

//! The hall on the system clock, today, whatever today is (no `--test-clock`): every demo item
//! is taken at a window granted for it today, accepted and decided, and every due date says
//! whether it counts a provisional year (a year after the last official one). Nothing may be
//! refused for lack of an official year.

use chrono::{Datelike, NaiveDate, Weekday};
use serde_json::{json, Value};

use crate::cases_client::{application, items, status_version, windows, windows_for, Api, Logins};
use crate::harness::Server;

fn weekday(d: NaiveDate) -> &'static str {
    match d.weekday() {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

fn date(v: &Value) -> Option<NaiveDate> {
    v.as_str().and_then(|s| s.parse().ok())
}

/// Every `due` object of the case says `provisional` exactly when its date is after the last
/// official day; the flat dates stay plain dates; the case's own flag is their union.
fn check_marks(case: &Value, last_official: NaiveDate) -> usize {
    let mut dues: Vec<&Value> = Vec::new();
    let clocks = &case["clocks"];
    dues.push(&clocks["acceptance"]["due"]);
    for d in ["promised_due", "legal_due"] {
        if clocks["decision"].is_object() {
            dues.push(&clocks["decision"][d]);
        }
    }
    if clocks["delivery"].is_object() {
        dues.push(&clocks["delivery"]["due"]);
    }
    for stage in case["stages"].as_array().into_iter().flatten() {
        if stage["due"].is_object() {
            dues.push(&stage["due"]);
        }
    }
    let mut provisional = 0;
    for due in dues {
        let d = date(&due["date"]).unwrap_or_else(|| panic!("due date in {due}"));
        let expected = d > last_official;
        assert_eq!(due["provisional"], json!(expected), "{due} in {case}");
        provisional += usize::from(expected);
    }
    for flat in [
        "acceptance_due",
        "promised_due",
        "legal_due",
        "delivery_due",
    ] {
        assert!(
            case[flat].is_null() || date(&case[flat]).is_some(),
            "{flat}"
        );
    }
    provisional
}

/// The explanation of each clock arrives at the stored date and counts its limit.
fn check_clocks(api: &Api, case_no: &str, last_official: NaiveDate) {
    let clocks = api
        .get(&format!("/api/v1/cases/{case_no}/clocks"))
        .ok(200, "clocks");
    let clocks = clocks.as_array().expect("clocks");
    assert!(!clocks.is_empty());
    for c in clocks {
        assert_eq!(c["explained_due"], c["due"], "{c}");
        let due = date(&c["due"]).expect("due");
        assert_eq!(c["provisional"], json!(due > last_official), "{c}");
        if c["unit"] == "working_days" {
            let counted = c["days"]
                .as_array()
                .expect("days")
                .iter()
                .filter(|d| d["counted"] == true)
                .count() as u64;
            let expected =
                c["limit_days"].as_u64().unwrap_or(0) + c["extension_days"].as_u64().unwrap_or(0);
            assert_eq!(counted, expected, "{c}");
        }
        for d in c["days"].as_array().into_iter().flatten() {
            let day = date(&d["date"]).expect("day");
            assert_eq!(d["provisional"], json!(day > last_official), "{d}");
        }
    }
}

#[test]
fn every_demo_item_is_taken_accepted_and_decided_today() {
    let server = Server::start(&["--demo"]);
    let anonymous = Api::anonymous(&server);
    let years = anonymous.get("/api/v1/calendar/years").ok(200, "years");
    let last_official = date(&years["last_official_day"]).expect("last official day");
    let logins = Logins::new(&server);
    let admin = logins.as_user("admin", None);
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8"))
        .date_naive();
    // The years list counts every year from the first official one to far beyond today.
    let listed: Vec<&Value> = years["years"].as_array().expect("years").iter().collect();
    assert!(listed.iter().any(|y| y["year"] == today.year() + 1));
    for y in &listed {
        let year = y["year"].as_i64().expect("year");
        let official = year <= i64::from(last_official.year());
        assert_eq!(
            y["status"],
            if official { "official" } else { "provisional" },
            "{y}"
        );
        assert!(y["source"].is_string(), "{y}");
    }
    let ready = anonymous.get("/readyz").ok(200, "readyz");
    assert_eq!(
        ready["calendar_last_official_day"],
        last_official.to_string()
    );
    assert_eq!(
        ready["calendar_days_left"],
        (last_official - today).num_days(),
        "{ready}"
    );
    let metrics = anonymous.request(reqwest::Method::GET, "/metrics");
    let metrics = metrics
        .send()
        .expect("metrics")
        .text()
        .expect("metrics text");
    assert!(
        metrics.contains(&format!(
            "tongban_calendar_official_days_left {}",
            (last_official - today).num_days()
        )),
        "{metrics}"
    );

    let windows = windows(&admin);
    let day = weekday(today);
    let mut provisional = 0;
    let mut decided = 0;
    let catalogue = items(&anonymous);
    assert!(catalogue.len() >= 30, "the demo catalogue");
    for (n, item) in catalogue.iter().enumerate() {
        // A window granted to accept the item today (a floating window only on its rota day;
        // the general windows take every item on any day).
        let at = windows_for(&windows, item, "accept", day);
        let (w, _) = at
            .first()
            .unwrap_or_else(|| panic!("no window accepts {} on {day}", item.code));
        let clerk = logins.clerk(&w.code);
        let body = application(&item.code, n, item.all_materials());
        let case = clerk
            .intake(&format!("today-{n}"), &body)
            .ok(201, &format!("intake {} today", item.code));
        let no = case["case_no"].as_str().expect("case_no").to_owned();
        provisional += check_marks(&case, last_official);
        let case = clerk
            .act(&no, "accept", 1, &json!({}))
            .ok(200, &format!("accept {} today", item.code));
        provisional += check_marks(&case, last_official);
        let (_, mut version) = status_version(&case);
        // An immediate item is decided on the spot at a window granted for it today; where
        // none is (or for an ordinary item), the back office reviews and decides.
        let on_spot = windows_for(&windows, item, "decide_on_spot", day)
            .first()
            .map(|(w, _)| w.code.clone())
            .filter(|_| item.immediate);
        let decided_case = if let Some(window) = on_spot {
            logins
                .clerk(&window)
                .act(&no, "approve", version, &json!({"opinion": "当场办结"}))
                .ok(200, &format!("decide {} on the spot today", item.code))
        } else {
            for step in &item.steps {
                for stage in step {
                    let staff = logins.staff(&stage.role, &stage.department);
                    let case = staff
                        .act(
                            &no,
                            "complete-stage",
                            version,
                            &json!({"stage": stage.code, "opinion": "符合条件"}),
                        )
                        .ok(200, &format!("{} of {}", stage.code, item.code));
                    version = status_version(&case).1;
                }
            }
            logins
                .approver(&item.department)
                .act(&no, "approve", version, &json!({"opinion": "准予许可"}))
                .ok(200, &format!("approve {} today", item.code))
        };
        assert_eq!(decided_case["status"], "approved", "{decided_case}");
        provisional += check_marks(&decided_case, last_official);
        check_clocks(&clerk, &no, last_official);
        decided += 1;
    }
    eprintln!(
        "today {today}: {decided} items taken, accepted and decided; {provisional} provisional due dates; official through {last_official}"
    );
}

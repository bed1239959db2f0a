//! The working-day calendar over HTTP: due dates, and the administrator's years, which are
//! counted on at once and kept across a restart.

use serde_json::{json, Value};

use crate::admin::{bearer, fields, ok, problem};
use crate::harness::Server;

fn due(server: &Server, query: &str) -> Value {
    ok(
        server
            .get(&format!("/api/v1/calendar/due?{query}"))
            .send()
            .unwrap(),
        200,
    )
}

fn due_problem(server: &Server, query: &str, status: u16, code: &str) -> Value {
    let res = server
        .get(&format!("/api/v1/calendar/due?{query}"))
        .send()
        .unwrap();
    problem(res, status, code)
}

/// The 2026 holidays of workflows/calendars/cn.toml, without National Day (国庆节).
pub fn year_2026_without_national_day() -> Value {
    let mut holidays: Vec<String> = Vec::new();
    for (from, to) in [
        ("2026-01-01", "2026-01-03"),
        ("2026-02-15", "2026-02-23"),
        ("2026-04-04", "2026-04-06"),
        ("2026-05-01", "2026-05-05"),
        ("2026-06-19", "2026-06-21"),
        ("2026-09-25", "2026-09-27"),
    ] {
        let mut d = chrono::NaiveDate::parse_from_str(from, "%Y-%m-%d").unwrap();
        let to = chrono::NaiveDate::parse_from_str(to, "%Y-%m-%d").unwrap();
        while d <= to {
            holidays.push(d.to_string());
            d = d.succ_opt().unwrap();
        }
    }
    json!({
        "holidays": holidays,
        "workdays": ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20"],
    })
}

#[test]
fn calendar_due_dates_and_years() {
    for backend in crate::backend::all("calendar_due_dates_and_years") {
        eprintln!("backend: {}", backend.name());
        let mut args = backend.args();
        args.extend(["--demo".to_owned(), "--test-clock".to_owned()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let server = Server::start(&args);

        // National Day 2026: 10-01..10-07 off, 10-10 (Saturday) worked (cn.toml).
        assert_eq!(
            due(&server, "from=2026-09-30&working_days=1")["due"],
            "2026-10-08"
        );
        assert_eq!(
            due(&server, "from=2026-09-30&working_days=2")["due"],
            "2026-10-09"
        );
        assert_eq!(
            due(&server, "from=2026-09-30&working_days=3")["due"],
            "2026-10-10"
        );
        assert_eq!(
            due(&server, "from=2026-09-28&natural_days=5")["due"],
            "2026-10-08"
        );
        assert_eq!(
            due(&server, "from=2026-10-03&working_days=0")["due"],
            "2026-10-08"
        );

        // Bad questions are 4xx with a clear problem, never a guess.
        let p = due_problem(&server, "from=2026-09-30", 422, "validation_failed");
        assert_eq!(fields(&p), ["working_days"]);
        due_problem(
            &server,
            "from=2026-09-30&working_days=1&natural_days=1",
            422,
            "validation_failed",
        );
        let p = due_problem(
            &server,
            "from=2026-09-30&working_days=3651",
            422,
            "validation_failed",
        );
        assert_eq!(fields(&p), ["working_days"]);
        due_problem(
            &server,
            "from=2026-09-30&working_days=-1",
            400,
            "invalid_query",
        );
        let p = due_problem(
            &server,
            "from=2026-02-30&working_days=1",
            422,
            "validation_failed",
        );
        assert_eq!(fields(&p), ["from"]);
        let p = due_problem(
            &server,
            "from=2101-01-02&working_days=1",
            422,
            "date_outside_calendar",
        );
        assert!(p["detail"].as_str().unwrap().contains("2101-01-02"), "{p}");
        // Years with no notice yet are counted on the 放假办法 and say so: never refused.
        let d = due(&server, "from=2026-12-30&working_days=10");
        assert_eq!(d["due"], "2027-01-14", "{d}");
        assert_eq!(d["provisional"], true, "{d}");
        let d = due(&server, "from=2030-01-02&working_days=1");
        assert_eq!(d["provisional"], true, "{d}");
        let d = due(&server, "from=2026-09-30&working_days=1");
        assert_eq!(d["provisional"], false, "{d}");
        // 2027 by the rule: 春节 除夕 Fri 5 Feb, 初三 Mon 8 Feb, 补假 9–10 Feb.
        assert_eq!(
            due(&server, "from=2027-02-04&working_days=1")["due"],
            "2027-02-11"
        );

        // Setting a year: admin only, checked, counted on at once.
        let admin = server.login("admin", None);
        let supervisor = server.login("supervisor", None);
        let year = year_2026_without_national_day();
        let res = server
            .put("/api/v1/calendar/years/2026")
            .json(&year)
            .send()
            .unwrap();
        problem(res, 401, "missing_token");
        let res = bearer(server.put("/api/v1/calendar/years/2026"), &supervisor)
            .json(&year)
            .send()
            .unwrap();
        problem(res, 403, "role_not_allowed");
        let bad = [
            (
                json!({"holidays": ["2027-01-01"], "workdays": []}),
                "holidays[0]",
            ),
            // 2026-10-13 is a Tuesday: already a working day.
            (
                json!({"holidays": [], "workdays": ["2026-10-13"]}),
                "workdays[0]",
            ),
            (
                json!({"holidays": ["2026-10-01", "2026-10-01"], "workdays": []}),
                "holidays[1]",
            ),
        ];
        for (body, field) in bad {
            let res = bearer(server.put("/api/v1/calendar/years/2026"), &admin)
                .json(&body)
                .send()
                .unwrap();
            let p = problem(res, 422, "validation_failed");
            assert_eq!(fields(&p), [field], "{body} → {p}");
        }
        let res = bearer(server.put("/api/v1/calendar/years/2026"), &admin)
            .json(&json!({"holidays": ["2026-02-30"], "workdays": []}))
            .send()
            .unwrap();
        problem(res, 422, "invalid_body");
        // Years must stay contiguous: 2029 is not next to 2026.
        let res = bearer(server.put("/api/v1/calendar/years/2029"), &admin)
            .json(&json!({"holidays": [], "workdays": []}))
            .send()
            .unwrap();
        let p = problem(res, 422, "validation_failed");
        assert_eq!(fields(&p), ["year"]);
        // Nothing was changed by the refused requests.
        assert_eq!(
            due(&server, "from=2026-09-30&working_days=1")["due"],
            "2026-10-08"
        );

        let set = ok(
            bearer(server.put("/api/v1/calendar/years/2026"), &admin)
                .json(&year)
                .send()
                .unwrap(),
            200,
        );
        assert_eq!(set["year"], 2026);
        assert_eq!(
            due(&server, "from=2026-09-30&working_days=1")["due"],
            "2026-10-01"
        );
        // Next year, published: 2027-01-01 (a Friday) off.
        let set = ok(
            bearer(server.put("/api/v1/calendar/years/2027"), &admin)
                .json(&json!({"holidays": ["2027-01-01"], "workdays": []}))
                .send()
                .unwrap(),
            200,
        );
        assert_eq!(set["official_through"], 2027);
        assert_eq!(
            due(&server, "from=2026-12-31&working_days=1")["due"],
            "2027-01-04"
        );
        // Official now: the notice's year has no 补假 the notice does not give.
        let d = due(&server, "from=2027-02-04&working_days=1");
        assert_eq!(d["due"], "2027-02-05", "{d}");
        assert_eq!(d["provisional"], false, "{d}");
        let years = ok(server.get("/api/v1/calendar/years").send().unwrap(), 200);
        assert_eq!(years["last_official_day"], "2027-12-31", "{years}");

        // Kept across a restart.
        let dir = server.kill_hard();
        let server = Server::start_in(dir, &args);
        assert_eq!(
            due(&server, "from=2026-09-30&working_days=1")["due"],
            "2026-10-01"
        );
        assert_eq!(
            due(&server, "from=2026-12-31&working_days=1")["due"],
            "2027-01-04"
        );
    }
}

//! Loading and correcting a calendar year mid-flight, on the test clock at 2026-12-28 with
//! 2027 still provisional: the case's legal due date counts the provisional 春节 (除夕 5 Feb,
//! 初三 8 Feb, 补假 9–10 Feb). The preview lists the date that would move and changes
//! nothing; loading an official 2027 moves it earlier, a correction moves it later; each
//! move is one event, one audit record and one notice to the applicant; the legal red comes
//! on the new date, not the old one.

use serde_json::{json, Value};

use crate::cases_client::{application, items, windows, windows_for, Api, Logins};
use crate::harness::Server;

const ITEM: &str = "JY-XK-02"; // 30 working days legal, 20 promised
const SOURCE_A: &str = "国办发明电〔2026〕测试1号";
const SOURCE_B: &str = "国办发明电〔2027〕测试2号（更正）";

fn dates(from: &str, to: &str) -> Vec<String> {
    let mut d: chrono::NaiveDate = from.parse().expect("date");
    let to: chrono::NaiveDate = to.parse().expect("date");
    let mut out = Vec::new();
    while d <= to {
        out.push(d.to_string());
        d = d.succ_opt().expect("next day");
    }
    out
}

fn year(holidays: Vec<String>, source: &str) -> Value {
    let mut all = vec!["2027-01-01".to_owned()];
    all.extend(holidays);
    json!({"holidays": all, "workdays": [], "source": source})
}

fn reprojected_events(api: &Api, no: &str) -> Vec<Value> {
    api.events(no)
        .into_iter()
        .filter(|e| e["kind"] == "reprojected")
        .collect()
}

fn notices(admin: &Api, no: &str) -> usize {
    let list = admin
        .get("/api/v1/admin/outbox?limit=500")
        .ok(200, "outbox");
    list.as_array()
        .expect("outbox")
        .iter()
        .filter(|m| {
            let s = m["subject"].as_str().unwrap_or_default();
            s.contains("期限调整告知书") && s.contains(no)
        })
        .count()
}

fn legal_reds(api: &Api, no: &str) -> usize {
    let list = api
        .get(&format!(
            "/api/v1/supervision/alerts?case_no={no}&per_page=500"
        ))
        .ok(200, "alerts");
    list["items"]
        .as_array()
        .or(list.as_array())
        .expect("alerts")
        .iter()
        .filter(|a| a["rule"] == "legal_deadline" && a["level"] == "red")
        .count()
}

#[test]
fn loading_and_correcting_a_year_moves_the_dates_and_tells_the_applicant() {
    let server = Server::start(&["--demo", "--test-clock"]);
    server.set_clock("2026-12-28T10:00:00+08:00");
    let logins = Logins::new(&server);
    let admin = logins.as_user("admin", None);
    let item = items(&Api::anonymous(&server))
        .into_iter()
        .find(|i| i.code == ITEM)
        .expect("the item");
    let windows = windows(&admin);
    let (w, _) = windows_for(&windows, &item, "accept", "mon")[0];
    let clerk = logins.clerk(&w.code);
    let mut body = application(ITEM, 1, item.all_materials());
    body["applicant"]["email"] = json!("zhang3@example.cn");
    let case = clerk.intake("reproject-1", &body).ok(201, "intake");
    let no = case["case_no"].as_str().expect("case_no").to_owned();
    let case = clerk.act(&no, "accept", 1, &json!({})).ok(200, "accept");
    assert_eq!(case["legal_due"], "2027-02-15", "{case}");
    assert_eq!(case["clocks"]["decision"]["legal_due"]["provisional"], true);
    assert_eq!(case["promised_due"], "2027-01-26", "{case}");
    assert_eq!(
        case["clocks"]["decision"]["promised_due"]["provisional"],
        true
    );
    assert_eq!(case["provisional"], true);

    // The notice's 2027, if it gave 春节 as 6–8 Feb only: the date moves earlier.
    let a = year(dates("2027-02-06", "2027-02-08"), SOURCE_A);
    let impact = admin
        .post("/api/v1/calendar/years/2027/impact", &a, &[])
        .ok(200, "impact");
    let lines = impact["cases"].as_array().expect("cases");
    assert!(
        lines.iter().any(|l| l["case_no"] == no.as_str()
            && l["clock"] == "legal"
            && l["from"] == "2027-02-15"
            && l["to"] == "2027-02-10"),
        "{impact}"
    );
    assert_eq!(impact["total"], lines.len());
    assert!(lines.iter().all(|l| l["clock"] != "promised"), "{impact}");
    // The preview changed nothing.
    assert_eq!(clerk.case(&no)["legal_due"], "2027-02-15");
    assert!(reprojected_events(&clerk, &no).is_empty());

    let set = admin
        .request(reqwest::Method::PUT, "/api/v1/calendar/years/2027")
        .json(&a);
    let set = Api::send(set).ok(200, "load 2027");
    assert_eq!(set["official_through"], 2027, "{set}");
    assert_eq!(set["moved"], 1, "{set}");
    assert_eq!(set["reprojected"], true, "{set}");
    let case = clerk.case(&no);
    assert_eq!(case["legal_due"], "2027-02-10", "{case}");
    assert_eq!(
        case["clocks"]["decision"]["legal_due"]["provisional"],
        false
    );
    assert_eq!(case["promised_due"], "2027-01-26", "{case}");
    assert_eq!(case["provisional"], false, "{case}");
    let events = reprojected_events(&clerk, &no);
    assert_eq!(events.len(), 1, "{events:?}");
    let text = events[0].to_string();
    assert!(
        text.contains(SOURCE_A) && text.contains("2027-02-15") && text.contains("2027-02-10"),
        "{text}"
    );
    assert_eq!(notices(&admin, &no), 1);
    // The explanation now names the official days.
    let clocks = clerk
        .get(&format!("/api/v1/cases/{no}/clocks"))
        .ok(200, "clocks");
    let legal = clocks
        .as_array()
        .expect("clocks")
        .iter()
        .find(|c| c["clock"] == "legal")
        .expect("legal clock")
        .clone();
    assert_eq!(legal["explained_due"], "2027-02-10", "{legal}");
    assert!(legal["days"]
        .as_array()
        .expect("days")
        .iter()
        .any(|d| d["date"] == "2027-02-08" && d["counted"] == false && d["reason"] == "holiday"));

    // A correction: 春节 5–12 Feb. The date moves later; once more one event, one notice.
    let b = year(dates("2027-02-05", "2027-02-12"), SOURCE_B);
    let impact = admin
        .post("/api/v1/calendar/years/2027/impact", &b, &[])
        .ok(200, "impact of the correction");
    assert!(impact["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .any(|l| l["clock"] == "legal" && l["from"] == "2027-02-10" && l["to"] == "2027-02-17"));
    let set = Api::send(
        admin
            .request(reqwest::Method::PUT, "/api/v1/calendar/years/2027")
            .json(&b),
    )
    .ok(200, "correct 2027");
    assert_eq!(set["moved"], 1, "{set}");
    assert_eq!(clerk.case(&no)["legal_due"], "2027-02-17");
    assert_eq!(reprojected_events(&clerk, &no).len(), 2);
    assert_eq!(notices(&admin, &no), 2);
    // Loading the same year again moves nothing and tells nobody.
    let set = Api::send(
        admin
            .request(reqwest::Method::PUT, "/api/v1/calendar/years/2027")
            .json(&b),
    )
    .ok(200, "the same year again");
    assert_eq!(set["moved"], 0, "{set}");
    assert_eq!(reprojected_events(&clerk, &no).len(), 2);

    // The legal red follows the corrected date: not on 16 Feb, on 18 Feb.
    server.set_clock("2027-02-16T10:00:00+08:00");
    server.sweep();
    logins.forget();
    let supervisor = logins.as_user("supervisor", None);
    assert_eq!(legal_reds(&supervisor, &no), 0);
    server.set_clock("2027-02-18T10:00:00+08:00");
    server.sweep();
    logins.forget();
    let supervisor = logins.as_user("supervisor", None);
    assert_eq!(legal_reds(&supervisor, &no), 1);

    // Every change is in the audit chain, intact.
    let years = Api::anonymous(&server)
        .get("/api/v1/calendar/years")
        .ok(200, "years");
    let y2027 = years["years"]
        .as_array()
        .expect("years")
        .iter()
        .find(|y| y["year"] == 2027)
        .expect("2027")
        .clone();
    assert_eq!(y2027["status"], "official");
    assert_eq!(y2027["source"], SOURCE_B);
}

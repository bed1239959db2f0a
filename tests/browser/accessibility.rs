//! Every role's main pages, as each role reaches them, pass axe-core's WCAG 2 A and AA rules
//! with no serious or critical violation; the long pages fit a phone's width without growing
//! into a scroll of cards.

use crate::harness::DEMO_PASSWORD;
use crate::session::Session;
use crate::steps::{accepted_at_a02, sign_in_without_window, sign_out, start, DAY25};

const ID_NUMBER: &str = "330102199003077788";

/// The page's serious violations, each prefixed with where it was found; a screenshot too.
fn check(b: &mut Session, name: &str, found: &mut Vec<String>) {
    b.shot(name);
    let path = b.path();
    found.extend(
        b.accessibility_violations()
            .into_iter()
            .map(|v| format!("{name} ({path}): {v}")),
    );
}

#[test]
fn every_roles_main_pages_have_no_serious_accessibility_violation() {
    let test = "every_roles_main_pages_have_no_serious_accessibility_violation";
    let Some((server, mut b)) = start(test) else {
        return;
    };
    let receipt = accepted_at_a02(&mut b, "孔九", ID_NUMBER);
    let no = receipt.case_no.clone();
    server.set_clock(DAY25);
    server.sweep();
    let mut found = Vec::new();

    // The check finds what it is for: an image without a text alternative is critical.
    b.goto("/");
    b.append_html("<img src=\"/assets/none.png\" width=\"10\" height=\"10\">");
    let planted = b.accessibility_violations();
    assert!(
        planted.iter().any(|v| v.starts_with("image-alt")),
        "axe finds a planted violation: {planted:?}"
    );

    // Anyone: home, the guide, the status query, both sign-in pages.
    for (path, name) in [
        ("/", "home"),
        ("/guide", "guide"),
        ("/guide/GA-QR-01", "item-guide"),
        ("/status", "status"),
        ("/account/login", "applicant-sign-in"),
    ] {
        b.goto(path);
        check(&mut b, name, &mut found);
    }

    // The applicant: my cases and the application form.
    b.goto("/account/login");
    b.fill("用户名", "applicant");
    b.fill("密码", DEMO_PASSWORD);
    b.press("登录");
    check(&mut b, "my-cases", &mut found);
    b.goto("/apply/GA-QR-01");
    check(&mut b, "apply", &mut found);
    // An applicant signs out to the home page.
    let out = b.all("#sign-out");
    b.click(&out[0]);
    for _ in 0..100 {
        if b.path() == "/" {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(b.path(), "/", "the applicant signed out to the home page");

    // The clerk: the queue, a case, its receipt.
    b.goto("/staff/login");
    crate::steps::sign_in_at_window(&mut b, "clerk-a02", "A02");
    check(&mut b, "clerk-queue", &mut found);
    let queue_on_phone = b.height_on_a_phone();
    b.goto(&format!("/staff/cases/{no}"));
    check(&mut b, "clerk-case", &mut found);
    b.goto(&format!("/cases/{no}/documents/receipt"));
    check(&mut b, "receipt", &mut found);
    sign_out(&mut b);

    // The supervision office: the desk, the alerts, the statistics.
    sign_in_without_window(&mut b, "supervisor", "/staff/supervision/alerts");
    check(&mut b, "alerts", &mut found);
    b.goto("/staff/supervision");
    check(&mut b, "dashboard", &mut found);
    b.goto("/staff/supervision/stats");
    check(&mut b, "statistics", &mut found);
    let stats_on_phone = b.height_on_a_phone();
    sign_out(&mut b);

    // The administrator: users and the calendar.
    sign_in_without_window(&mut b, "admin", "/staff/supervision/alerts");
    b.goto("/admin/users");
    check(&mut b, "admin-users", &mut found);
    b.goto("/admin/calendar");
    check(&mut b, "admin-calendar", &mut found);

    assert!(
        found.is_empty(),
        "serious accessibility violations:\n{}",
        found.join("\n")
    );
    eprintln!(
        "on a phone (390 px): clerk queue {queue_on_phone} px, statistics {stats_on_phone} px"
    );
    // A phone shows the statistics' wide table scrolling sideways and each queue row as a
    // short card: neither page runs to tens of thousands of pixels.
    assert!(
        stats_on_phone < 9000.0,
        "statistics {stats_on_phone} px on a phone"
    );
    assert!(
        queue_on_phone < 4000.0,
        "queue {queue_on_phone} px on a phone"
    );
}

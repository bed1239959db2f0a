//! The back office of the Public Security bureau: an approver and a head sign in without a
//! window, open the case from their work queue, complete their stages with an opinion, the
//! head extends the time limit, the approver approves; each step confirmed. The applicant
//! then sees the decision on the public status page.

use crate::session::Session;
use crate::steps::{
    accepted_at_a02, look_up_status, propose_and_confirm, row_with, sign_in_without_window,
    sign_out, start, QUEUE_ROWS,
};

const ID_NUMBER: &str = "440305199203157721";

/// Signs in without a window and opens `case_no` from the work queue.
fn open_from_queue(b: &mut Session, username: &str, case_no: &str) {
    sign_in_without_window(b, username, "/staff/queue");
    let (row, text) = row_with(b, QUEUE_ROWS, &[case_no]);
    assert!(text.contains("居民身份证换领"), "{text}");
    b.shot(&format!("{username}-queue"));
    b.follow_in(&row);
    assert_eq!(b.path(), format!("/staff/cases/{case_no}"));
}

/// Completes the stage `stage` with `opinion` from the case page.
fn complete_stage(b: &mut Session, stage: &str, opinion: &str, shot: &str) {
    b.choose("办理环节", stage);
    b.fill("环节意见", opinion);
    let page = propose_and_confirm(b, "完成环节", &[stage, opinion], shot);
    assert!(page.contains(opinion), "the stage's opinion shows: {page}");
}

#[test]
fn the_back_office_completes_the_stages_and_approves() {
    let Some((_server, mut b)) = start("the_back_office_completes_the_stages_and_approves") else {
        return;
    };
    let receipt = accepted_at_a02(&mut b, "周九", ID_NUMBER);
    let no = receipt.case_no.as_str();

    // The approver: the first stage; approval waits for the head's.
    open_from_queue(&mut b, "approver-gaj", no);
    let page = b.text();
    assert!(page.contains("暂不能办理"), "approval waits: {page}");
    assert!(!page.contains("延期…"), "extending is the head's");
    b.shot("approver-case");
    complete_stage(&mut b, "审核签发", "材料齐全，符合条件", "approver-stage");
    sign_out(&mut b);

    // The head: the second stage, and five more working days.
    open_from_queue(&mut b, "head-gaj", no);
    let legal = b.described("法定办结期限");
    complete_stage(&mut b, "制证", "已制证", "head-stage");
    b.fill("延长工作日数", "5");
    b.fill("延期理由", "需实地核查");
    propose_and_confirm(&mut b, "延期", &["需实地核查"], "extend");
    assert_ne!(
        b.described("法定办结期限"),
        legal,
        "the legal deadline moved"
    );
    assert!(!b.text().contains("延期…"), "one extension only");
    sign_out(&mut b);

    // The approver decides.
    open_from_queue(&mut b, "approver-gaj", no);
    b.fill("审批意见", "准予换领");
    propose_and_confirm(&mut b, "予以确认", &["准予换领"], "approve");
    assert_eq!(
        b.described("状态"),
        "予以确认",
        "a 行政确认 is confirmed, not licensed"
    );
    let timeline: Vec<String> = b.all(".timeline li").iter().map(|e| b.text_of(e)).collect();
    for (event, by) in [
        ("环节办结", "approver-gaj"),
        ("环节办结", "head-gaj"),
        ("延期", "head-gaj"),
        ("予以确认", "approver-gaj"),
    ] {
        assert!(
            timeline.iter().any(|e| e.contains(event) && e.contains(by)),
            "«{event}» by {by} on the timeline: {timeline:?}"
        );
    }
    sign_out(&mut b);

    look_up_status(&mut b, &receipt);
    assert_eq!(b.described("当前状态"), "予以确认");
    b.shot("status-approved");
}

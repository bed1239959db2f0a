//! Case attachments against real databases: stored once per case, material and content;
//! listed without content; read back only under their own case.

mod support;

use tongban_store::attachments::{self, NewAttachment};

use support::{intake, TestDb};

on_both_backends!(stored_once_and_read_back_under_their_case);

fn file(case_no: &str, material: &str, content: &[u8]) -> NewAttachment {
    NewAttachment {
        case_no: case_no.into(),
        material_code: material.into(),
        file_name: "户口簿.pdf".into(),
        content_type: "application/pdf".into(),
        size: content.len() as i64,
        sha256: hex::encode(content),
        content: content.to_vec(),
        uploaded_by: "applicant".into(),
        uploaded_at: 2_000,
    }
}

fn stored_once_and_read_back_under_their_case(db: &TestDb) {
    let store = db.open();
    store.create_case_blocking(intake("C1", "k1")).unwrap();
    store.create_case_blocking(intake("C2", "k2")).unwrap();
    let (first, again, other, elsewhere) = store
        .write_blocking(|c| {
            let first = attachments::insert(c, &file("C1", "hkb", b"%PDF-1 one"))?;
            let again = attachments::insert(c, &file("C1", "hkb", b"%PDF-1 one"))?;
            let other = attachments::insert(c, &file("C1", "jsfz", b"%PDF-1 one"))?;
            let elsewhere = attachments::insert(c, &file("C2", "hkb", b"\0\x01binary"))?;
            Ok((first, again, other, elsewhere))
        })
        .unwrap();
    assert!(first.1, "the first upload is new");
    assert_eq!(
        again,
        (first.0.clone(), false),
        "the same file again is the same row"
    );
    assert!(
        other.1,
        "the same content for another material is another row"
    );
    assert_ne!(other.0.id, first.0.id);

    let listed = store
        .read_blocking(|c| attachments::for_case(c, "C1"))
        .unwrap();
    assert_eq!(listed, vec![first.0.clone(), other.0.clone()]);
    assert_eq!(listed[0].file_name, "户口簿.pdf");

    let id = first.0.id;
    let (record, bytes) = store
        .read_blocking(move |c| attachments::content(c, "C1", id))
        .unwrap()
        .expect("own case");
    assert_eq!((record, bytes.as_slice()), (first.0, &b"%PDF-1 one"[..]));
    let eid = elsewhere.0.id;
    let binary = store
        .read_blocking(move |c| attachments::content(c, "C2", eid))
        .unwrap()
        .expect("binary content");
    assert_eq!(
        binary.1,
        b"\0\x01binary".to_vec(),
        "bytes survive as they are"
    );
    // Under another case number, or unknown: nothing.
    assert!(store
        .read_blocking(move |c| attachments::content(c, "C2", id))
        .unwrap()
        .is_none());
    assert!(store
        .read_blocking(|c| attachments::content(c, "C1", 999_999))
        .unwrap()
        .is_none());
}

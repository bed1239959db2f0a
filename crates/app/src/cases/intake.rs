//! 收件: taking an application, online by an applicant (`submitted`) or at a window by a
//! clerk (`received`, under the window's `accept` grant). Idempotent by the caller's key: the
//! same key and application give the same case; the same key with another application is a
//! conflict.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use tongban_core::case::{open_case, Applicant, Case, NewCase, SubmittedMaterial};
use tongban_core::grant::WindowAction;
use tongban_core::role::Role;
use tongban_store::{CaseIntake, IntakeOutcome, StoreError};

use super::actor::{actor, window_grant};
use super::records::{audit, case_record, new_event, outbox, stage_tasks};
use super::view::decode_case;
use super::{has, Who};
use crate::app::App;
use crate::catalogue_view::CatalogueView;
use crate::error::{AppResult, Code, Error, Text};
use crate::numbers;
use crate::records::{millis, to_json};
use crate::validate::Fields;

/// Longest `Idempotency-Key` accepted.
pub const MAX_KEY: usize = 200;
/// Longest name of an applicant (persons and organisations).
const MAX_NAME: usize = 200;
/// Most materials in one request.
pub const MAX_MATERIALS: usize = 100;
/// Longest material code.
pub const MAX_CODE: usize = 64;

/// A material handed in; `copies` as asked (`None`: one).
#[derive(Debug, Clone, Serialize)]
pub struct MaterialCount {
    pub code: String,
    pub copies: Option<u32>,
}

impl MaterialCount {
    pub fn submitted(&self) -> SubmittedMaterial {
        SubmittedMaterial {
            code: self.code.clone(),
            copies: self.copies.unwrap_or(1),
        }
    }
}

/// An application as the applicant or the clerk filled it in. Its JSON is what a repeated
/// request is compared by (the same field order as the API's body).
#[derive(Debug, Clone, Serialize)]
pub struct Application {
    pub item_code: String,
    pub applicant: Applicant,
    pub materials: Vec<MaterialCount>,
    /// The application form's fields, as the item's form defines them.
    pub form: Option<serde_json::Value>,
}

/// The case an intake answers with.
#[derive(Debug, Clone)]
pub struct Taken {
    pub case: Case,
    /// `false` when the key and application repeat an earlier intake.
    pub new: bool,
}

/// 400 unless `key` is 1–200 visible ASCII characters.
pub fn check_key(key: Option<&str>) -> AppResult<String> {
    let key = key.map(str::trim).unwrap_or("");
    if key.is_empty() || key.len() > MAX_KEY || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::bad_request(
            Code::IdempotencyKeyRequired,
            Text::new(
                "请在 Idempotency-Key 请求头中提供 1–200 个可见 ASCII 字符的唯一键，重复提交时使用同一个键。",
                "Send a unique Idempotency-Key header of 1–200 visible ASCII characters; repeat it when you retry.",
            ),
        ));
    }
    Ok(key.to_owned())
}

fn check_material_counts(f: &mut Fields, materials: &[SubmittedMaterial]) {
    if materials.len() > MAX_MATERIALS {
        f.error(
            "materials",
            format!("最多 {MAX_MATERIALS} 项"),
            format!("at most {MAX_MATERIALS} entries"),
        );
    }
    for (i, m) in materials.iter().enumerate() {
        f.text(&format!("materials[{i}].code"), &m.code, 1, MAX_CODE);
        if m.copies == 0 || m.copies > 1000 {
            f.error(
                &format!("materials[{i}].copies"),
                "份数须在 1 到 1000 之间",
                "must be between 1 and 1000",
            );
        }
    }
}

/// 422 for too many materials, a bad code or a copy count outside 1–1000.
pub fn check_materials(materials: &[SubmittedMaterial]) -> AppResult<()> {
    let mut f = Fields::default();
    check_material_counts(&mut f, materials);
    f.finish()
}

fn check(a: &Application, catalogue: &CatalogueView) -> AppResult<()> {
    let mut f = Fields::default();
    if catalogue.item(&a.item_code).is_none() {
        f.error(
            "item_code",
            format!(
                "没有编码为 {} 的事项",
                a.item_code.chars().take(64).collect::<String>()
            ),
            "is not an item of the catalogue",
        );
    }
    f.text("applicant.name", &a.applicant.name, 1, MAX_NAME);
    f.id_number("applicant.id_number", &a.applicant.id_number);
    if let Some(p) = &a.applicant.phone {
        f.phone("applicant.phone", p);
    }
    if let Some(e) = &a.applicant.email {
        f.email("applicant.email", e);
    }
    let materials: Vec<_> = a.materials.iter().map(MaterialCount::submitted).collect();
    check_material_counts(&mut f, &materials);
    f.finish()
}

fn new_case(a: &Application, case_no: String, query_code: String) -> NewCase {
    let p = &a.applicant;
    NewCase {
        case_no,
        query_code,
        applicant: Applicant {
            kind: p.kind,
            name: p.name.trim().to_owned(),
            id_number: p.id_number.trim().to_uppercase(),
            phone: p.phone.clone(),
            email: p.email.clone(),
        },
        materials: a.materials.iter().map(MaterialCount::submitted).collect(),
        form: a.form.clone(),
    }
}

/// Takes `application` under the caller's `key` (see [`check_key`]).
pub async fn intake(app: &App, who: &Who, key: &str, application: Application) -> AppResult<Taken> {
    let config = app.config().await?;
    let catalogue = &config.catalogue;
    check(&application, catalogue)?;
    let item = catalogue
        .item(&application.item_code)
        .ok_or_else(|| Error::corrupt("a checked item left the catalogue"))?;
    let role = if has(who, Role::Clerk) && who.window.is_some() {
        Role::Clerk
    } else if has(who, Role::Applicant) {
        Role::Applicant
    } else {
        return Err(Error::role_not_allowed(&[Role::Applicant, Role::Clerk]));
    };
    let now = app.clock.now();
    let mut acting = actor(who, role);
    if role == Role::Clerk {
        // Opening a case at a window is an acceptance.
        let grant = window_grant(app, &config, &acting, item, WindowAction::Accept, now).await?;
        acting.grant = Some(grant);
    }
    let request_hash = hex::encode(Sha256::digest(to_json(&application).as_bytes()));
    // Keys are scoped by user: two clients choosing the same key never meet.
    let scoped_key = format!("{}\u{1f}{key}", who.sub);
    if role == Role::Applicant {
        within_quota(app, &who.sub, &scoped_key, now).await?;
    }
    let calendar = config.calendar();
    let hall = app.hall;
    // A fresh case number collides with an existing one about once in 10^8 intakes a day.
    for _ in 0..5 {
        let case_no = numbers::case_no(hall.local_date(now));
        let new = new_case(&application, case_no, numbers::query_code());
        let t = open_case(new, item, &acting, now, &calendar, hall)?;
        let intake = CaseIntake {
            idempotency_key: Some(scoped_key.clone()),
            request_hash: request_hash.clone(),
            case: case_record(&t.case, item, &calendar, hall),
            event: new_event(&t.event),
            audit: audit(&t.event),
            outbox: outbox(&t.notifications, now),
            stage_tasks: stage_tasks(&t.case, now),
        };
        match app.store.create_case(intake).await {
            Ok(IntakeOutcome::Created(_)) => {
                return Ok(Taken {
                    case: t.case,
                    new: true,
                })
            }
            Ok(IntakeOutcome::Repeated(record)) => {
                return Ok(Taken {
                    case: decode_case(&record)?,
                    new: false,
                })
            }
            Err(StoreError::Duplicate(_)) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::internal())
}

/// The current items the clerk's window may accept now, by the grants in force (the check
/// `window_grant` makes for one item, made for the whole catalogue with one read). Empty for
/// a caller not at a window.
pub async fn granted_items(app: &App, who: &Who) -> AppResult<Vec<tongban_core::item::Item>> {
    use tongban_core::grant::{authorise, ItemRef, WindowRequest};
    let config = app.config().await?;
    let catalogue = &config.catalogue;
    let Some(window) = who.window.as_deref().and_then(|w| catalogue.window(w)) else {
        return Ok(Vec::new());
    };
    let code = window.code.clone();
    let records = app
        .store
        .read(move |conn| tongban_store::grants::for_window(conn, &code))
        .await?;
    let hall = app.hall;
    let in_force: Vec<_> = records
        .iter()
        .filter_map(|r| crate::records::grant_from_record(r, hall).ok())
        .collect();
    let now = app.clock.now();
    Ok(catalogue
        .items()
        .filter(|i| {
            let request = WindowRequest {
                window,
                clerk: &who.sub,
                item: ItemRef {
                    code: &i.code,
                    department: &i.department,
                },
                action: WindowAction::Accept,
                at: now,
            };
            authorise(&in_force, &request, hall).is_ok()
        })
        .cloned()
        .collect())
}

/// What an application form starts with for a signed-in applicant: their account's name,
/// phone and e-mail.
#[derive(Debug, Clone, Default)]
pub struct ApplicantDefaults {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// The defaults of the caller's application form (`None` without an account row).
pub async fn applicant_defaults(app: &App, who: &Who) -> AppResult<Option<ApplicantDefaults>> {
    let username = who.sub.clone();
    let user = app
        .store
        .read(move |conn| tongban_store::users::get(conn, &username))
        .await?;
    Ok(user.map(|u| ApplicantDefaults {
        name: u.name,
        phone: u.phone,
        email: u.email,
    }))
}

/// Cases one applicant may file online in a hall day by default (`serve
/// --applicant-cases-per-day`): enough for any family's errands, too few to flood the hall.
pub const APPLICANT_CASES_PER_DAY: i64 = 20;

/// 429 when the applicant has filed their day's cases, unless this request repeats one
/// already stored (its answer is the case, whatever the quota).
async fn within_quota(app: &App, owner: &str, key: &str, now: DateTime<Utc>) -> AppResult<()> {
    let quota = app.applicant_cases_per_day;
    if quota <= 0 {
        return Ok(());
    }
    let since = millis(app.hall.start_of_day(app.hall.local_date(now)));
    let (owner_, key_) = (owner.to_owned(), key.to_owned());
    let (filed, repeat) = app
        .store
        .read(move |conn| tongban_store::cases::filed_since(conn, &owner_, since, &key_))
        .await?;
    if repeat || filed < quota {
        return Ok(());
    }
    let mut e = Error::new(
        Code::QuotaExceeded,
        Text::new("今日申请数量已达上限", "Daily limit reached"),
        Text::new(
            format!("每位申请人每天最多网上申请 {quota} 件，请明天再试或到窗口办理。"),
            format!("An applicant may file {quota} cases online a day; try again tomorrow or at a window."),
        ),
    );
    let tomorrow = app.hall.end_of_day(app.hall.local_date(now));
    e.retry_after = Some(
        u64::try_from((tomorrow - now).num_seconds())
            .unwrap_or(0)
            .max(1),
    );
    Err(e)
}

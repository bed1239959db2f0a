//! The grants (授权) of a window: reading them with where each stands, granting, revoking.
//! Revoked and expired grants are kept, because case events refer to them.

use chrono::{DateTime, NaiveDate, Utc};
use tongban_core::grant::{Grant, GrantScope, GrantState, Window, WindowAction, WindowKind};
use tongban_core::item::ItemKind;
use tongban_core::role::Role;
use tongban_store::grants::{self, GrantRecord};

use crate::audit;
use crate::auth::token::Claims;
use crate::catalogue_view::CatalogueView;
use crate::error::{AppResult, Code, Error, Text};
use crate::records::{self, from_millis, millis, to_json};
use crate::validate::Fields;
use crate::App;

/// Where a grant stands now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    InForce,
    NotYetValid,
    Expired,
    Revoked,
}

/// A grant as the administrator reads it, with its record's bookkeeping.
#[derive(Debug, Clone)]
pub struct ListedGrant {
    pub grant: Grant,
    pub created_at: DateTime<Utc>,
    pub revoked_by: Option<String>,
    /// The revocation's document number (文号); none for one revoked before it was asked.
    pub revoke_document_no: Option<String>,
    pub revoke_reason: Option<String>,
    pub standing: Standing,
}

pub(super) fn listed(app: &App, r: &GrantRecord) -> AppResult<ListedGrant> {
    let grant = records::grant_from_record(r, app.hall).map_err(Error::corrupt)?;
    let standing = match grant.state(app.clock.now(), app.hall) {
        // A revocation stamped later than the (test) clock is still a revocation.
        _ if grant.revoked_at.is_some() => Standing::Revoked,
        GrantState::InForce => Standing::InForce,
        GrantState::NotYetValid { .. } => Standing::NotYetValid,
        GrantState::Expired { .. } => Standing::Expired,
        GrantState::Revoked { .. } => Standing::Revoked,
    };
    Ok(ListedGrant {
        grant,
        created_at: from_millis(r.created_at),
        revoked_by: r.revoked_by.clone(),
        revoke_document_no: r.revoke_document_no.clone(),
        revoke_reason: r.revoke_reason.clone(),
        standing,
    })
}

/// The grants of window `code`, revoked and expired ones included: for administrators,
/// supervisors and the clerks signed in at that window.
pub async fn list_grants(app: &App, caller: &Claims, code: &str) -> AppResult<Vec<ListedGrant>> {
    let has = |role| caller.roles.contains(&role);
    let clerk_here = has(Role::Clerk) && caller.window.as_deref() == Some(code);
    if !(clerk_here || has(Role::Admin) || has(Role::Supervisor)) {
        return Err(Error::role_not_allowed(&[
            Role::Admin,
            Role::Supervisor,
            Role::Clerk,
        ]));
    }
    super::window_now(app, code).await?;
    let code = code.to_owned();
    let rows = app
        .store
        .read(move |conn| grants::for_window(conn, &code))
        .await?;
    rows.iter().map(|r| listed(app, r)).collect()
}

/// A grant to make, as the administrator gives it.
#[derive(Debug, Clone)]
pub struct CreateGrant {
    /// The items granted (codes); give this or `department`.
    pub items: Option<Vec<String>>,
    /// Every item of this department; give this or `items`.
    pub department: Option<String>,
    pub actions: Vec<WindowAction>,
    /// First valid day, `YYYY-MM-DD`.
    pub valid_from: String,
    /// Last valid day (inclusive), `YYYY-MM-DD`; `None`: open-ended.
    pub valid_to: Option<String>,
    /// The granting department or office (授权单位).
    pub granted_by: String,
    /// 授权书文号.
    pub document_no: String,
}

/// Grants window `code` items (or a department's items) and actions, checked against the
/// window and the catalogue as they are now, with the `grant.create` audit record.
pub async fn create_grant(
    app: &App,
    actor: &str,
    code: &str,
    cmd: CreateGrant,
) -> AppResult<ListedGrant> {
    let window = super::window_now(app, code).await?;
    let config = app.config().await?;
    let grant = checked_grant(cmd, &window, &config.catalogue)?;
    let now = app.clock.now();
    let new = records::new_grant(&grant, app.hall, now);
    let actor = actor.to_owned();
    let detail = to_json(&grant);
    let record = app
        .store
        .write(move |conn| {
            let stored = grants::insert(conn, &new)?;
            tongban_store::audit::append(
                conn,
                &audit::record(now, &actor, "grant.create", &stored.id.to_string(), detail),
            )?;
            Ok(stored)
        })
        .await?;
    app.config().await?;
    listed(app, &record)
}

enum Revoked {
    Done,
    Already,
    Unknown,
}

/// A revocation as the administrator makes it: like the grant, under a document.
#[derive(Debug, Clone)]
pub struct Revoke {
    /// The revocation's document number (文号).
    pub document_no: String,
    pub reason: String,
}

/// Revokes grant `id` of window `code` under `revoke`'s document: it stops authorising at
/// once but is kept, with who revoked it, when, under which document and why (also in the
/// `grant.revoke` audit record). Revoking a revoked grant is `grant_already_revoked`.
pub async fn revoke_grant(
    app: &App,
    actor: &str,
    code: &str,
    id: i64,
    revoke: Revoke,
) -> AppResult<()> {
    let mut fields = Fields::default();
    fields.text("document_no", &revoke.document_no, 1, 200);
    fields.text("reason", &revoke.reason, 1, 500);
    fields.finish()?;
    super::window_now(app, code).await?;
    let now = app.clock.now();
    let actor = actor.to_owned();
    let window = code.to_owned();
    let document_no = revoke.document_no.trim().to_owned();
    let reason = revoke.reason.trim().to_owned();
    let outcome = app
        .store
        .write(move |conn| {
            match grants::get(conn, id)? {
                Some(g) if g.window_code == window => {}
                _ => return Ok(Revoked::Unknown),
            }
            let revocation = grants::Revocation {
                at: millis(now),
                by: &actor,
                document_no: &document_no,
                reason: &reason,
            };
            if !grants::revoke(conn, id, &revocation)? {
                return Ok(Revoked::Already);
            }
            tongban_store::audit::append(
                conn,
                &audit::record(
                    now,
                    &actor,
                    "grant.revoke",
                    &id.to_string(),
                    to_json(&serde_json::json!({
                        "window": window,
                        "document_no": document_no,
                        "reason": reason,
                    })),
                ),
            )?;
            Ok(Revoked::Done)
        })
        .await?;
    match outcome {
        Revoked::Done => {
            app.config().await?;
            Ok(())
        }
        Revoked::Already => Err(Error::new(
            Code::GrantAlreadyRevoked,
            Text::new("授权已撤销", "Already revoked"),
            Text::new(
                format!("授权 {id} 已经撤销。"),
                format!("Grant {id} is already revoked."),
            ),
        )),
        Revoked::Unknown => Err(Error::not_found(
            Code::UnknownGrant,
            Text::new(
                format!("窗口 {code} 没有编号为 {id} 的授权。"),
                format!("Window {code} has no grant {id}."),
            ),
        )),
    }
}

fn parse_date(fields: &mut Fields, field: &str, value: &str) -> Option<NaiveDate> {
    let parsed = NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok();
    if parsed.is_none() {
        fields.error(
            field,
            format!("“{value}”不是有效日期（应为 YYYY-MM-DD）"),
            format!("`{value}` is not a valid date (expected YYYY-MM-DD)"),
        );
    }
    parsed
}

/// The grant the body describes, checked against the window and the catalogue with the
/// rules of the workflow files (docs/workflows.md), every problem at once.
fn checked_grant(
    body: CreateGrant,
    window: &Window,
    catalogue: &CatalogueView,
) -> AppResult<Grant> {
    let mut fields = Fields::default();
    // The departments whose items the grant reaches, with the field to blame.
    let mut reached: Vec<(String, String)> = Vec::new();
    let scope = match (body.items, body.department) {
        (Some(items), None) => {
            if items.is_empty() {
                fields.error("items", "不能为空", "must not be empty");
            }
            for (i, code) in items.iter().enumerate() {
                let field = format!("items[{i}]");
                match catalogue.item(code) {
                    None => fields.error(
                        &field,
                        format!("没有编码为 {code} 的事项"),
                        format!("there is no item with code {code}"),
                    ),
                    Some(item) => {
                        if body.actions.contains(&WindowAction::DecideOnSpot)
                            && item.kind != ItemKind::Immediate
                        {
                            fields.error(
                                &field,
                                format!("{code} 是承诺件，不能授权当场决定（decide_on_spot 仅限即办件）"),
                                format!("{code} is a promised item: `decide_on_spot` is for immediate items only"),
                            );
                        }
                        reached.push((item.department.clone(), field));
                    }
                }
            }
            Some(GrantScope::Items(items))
        }
        (None, Some(department)) => {
            if catalogue.department(&department).is_none() {
                fields.error(
                    "department",
                    format!("没有编码为 {department} 的部门"),
                    format!("there is no department with code {department}"),
                );
            } else {
                reached.push((department.clone(), "department".into()));
            }
            Some(GrantScope::Department(department))
        }
        _ => {
            fields.error(
                "items",
                "须给出 items（授权事项）或 department（授权部门）之一，且只能一个",
                "give exactly one of `items` and `department`",
            );
            None
        }
    };
    if body.actions.is_empty() {
        fields.error("actions", "不能为空", "must not be empty");
    }
    for (i, action) in body.actions.iter().enumerate() {
        if body.actions[..i].contains(action) {
            fields.error(
                "actions",
                format!("{action} 重复"),
                format!("`{action}` is listed twice"),
            );
        }
        if !window.kind.takes_applications() && *action != WindowAction::Consult {
            fields.error(
                "actions",
                format!("{}只能提供咨询，不能授权 {action}", window.kind.name_zh()),
                format!(
                    "a {} window may only be granted `consult`, not `{action}`",
                    window.kind
                ),
            );
        }
    }
    if matches!(window.kind, WindowKind::Department | WindowKind::Floating) {
        for (department, field) in reached {
            if !window.serves_department(&department) {
                fields.error(
                    &field,
                    format!("窗口 {} 不办理部门 {department} 的事项", window.code),
                    format!(
                        "window {} does not serve department {department}",
                        window.code
                    ),
                );
            }
        }
    }
    let valid_from = parse_date(&mut fields, "valid_from", &body.valid_from);
    let valid_to = body
        .valid_to
        .as_deref()
        .map(|v| parse_date(&mut fields, "valid_to", v));
    if let (Some(from), Some(Some(to))) = (valid_from, valid_to) {
        if to < from {
            fields.error(
                "valid_to",
                format!("失效日期 {to} 早于生效日期 {from}"),
                format!("{to} is before valid_from {from}"),
            );
        }
    }
    fields.text("granted_by", &body.granted_by, 1, 200);
    fields.text("document_no", &body.document_no, 1, 200);
    fields.finish()?;
    match (scope, valid_from) {
        (Some(scope), Some(valid_from)) => Ok(Grant {
            id: 0,
            window: window.code.clone(),
            clerk: None,
            scope,
            actions: body.actions,
            valid_from,
            valid_to: valid_to.flatten(),
            granted_by: body.granted_by.trim().to_owned(),
            document_no: body.document_no.trim().to_owned(),
            revoked_at: None,
        }),
        // Every way to get here reported a field error above.
        _ => Err(Error::internal()),
    }
}

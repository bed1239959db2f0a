//! Adding a window (`POST /api/v1/windows`), checked like a window of the workflow files.

use serde::Serialize;
use tongban_core::grant::{Rota, Window, WindowKind};
use tongban_store::windows;

use crate::audit;
use crate::catalogue::{check, code_field, entry_of};
use crate::error::{AppResult, Code};
use crate::records::{self, to_json};
use crate::validate::Fields;
use crate::App;

/// The window to add, in the shape of the workflow files' `[[windows]]`.
#[derive(Debug, Clone, Serialize)]
pub struct CreateWindow {
    pub code: String,
    pub name: String,
    pub kind: WindowKind,
    /// The departments (codes) that staff the window; required for department and floating
    /// windows.
    pub departments: Vec<String>,
    /// A floating window's weekly rota (required for it, refused for other kinds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rota: Option<Rota>,
}

pub async fn create_window(app: &App, actor: &str, cmd: CreateWindow) -> AppResult<Window> {
    let mut fields = Fields::default();
    code_field(&mut fields, "code", &cmd.code);
    fields.text("name", &cmd.name, 1, 100);
    fields.finish()?;
    let entry = entry_of(&cmd)?;
    let config = app.config().await?;
    let window =
        check::check_window(&config.catalogue.departments, &entry).map_err(check::entry_error)?;
    let now = app.clock.now();
    let record = records::window_record(&window, now);
    let audit_record = audit::record(now, actor, "window.create", &window.code, to_json(&window));
    let code = window.code.clone();
    super::add_entry(
        app,
        move |conn| windows::insert(conn, &record),
        audit_record,
        || {
            super::exists(
                Code::WindowExists,
                format!("窗口编号 {code} 已存在。"),
                format!("A window with code {code} already exists."),
            )
        },
    )
    .await?;
    Ok(window)
}

//! The windows as the administrator reads the directory: each with every grant it holds
//! (revoked and expired ones included, with where each stands) and the clerks who sit at it.

use tongban_core::grant::Window;
use tongban_store::{grants, windows};

use super::grants::{listed, ListedGrant};
use crate::error::AppResult;
use crate::App;

/// One window of the hall.
#[derive(Debug, Clone)]
pub struct WindowEntry {
    pub window: Window,
    pub grants: Vec<ListedGrant>,
    /// Usernames, sorted.
    pub staff: Vec<String>,
}

/// Every window, in the catalogue's order.
pub async fn list_windows(app: &App) -> AppResult<Vec<WindowEntry>> {
    let config = app.config().await?;
    let all = config.catalogue.windows.clone();
    let codes: Vec<String> = all.iter().map(|w| w.code.clone()).collect();
    let (rows, staff) = app
        .store
        .read(move |conn| {
            let mut rows = Vec::with_capacity(codes.len());
            for code in &codes {
                rows.push(grants::for_window(conn, code)?);
            }
            Ok((rows, windows::all_staff(conn)?))
        })
        .await?;
    all.into_iter()
        .zip(rows)
        .map(|(window, rows)| {
            let mut at: Vec<String> = staff
                .iter()
                .filter(|(_, w)| *w == window.code)
                .map(|(u, _)| u.clone())
                .collect();
            at.sort();
            Ok(WindowEntry {
                grants: rows
                    .iter()
                    .map(|r| listed(app, r))
                    .collect::<AppResult<_>>()?,
                staff: at,
                window,
            })
        })
        .collect()
}

/// The window `code` (`unknown_window`, 404, when there is none).
pub async fn window_entry(app: &App, code: &str) -> AppResult<WindowEntry> {
    super::window_now(app, code).await?;
    list_windows(app)
        .await?
        .into_iter()
        .find(|e| e.window.code == code)
        .ok_or_else(crate::error::Error::internal)
}

//! Moving the test clock (`PUT /api/v1/admin/clock`, servers started with `--test-clock`).

use chrono::{DateTime, Utc};

use crate::audit;
use crate::error::{AppResult, Code, Error, Text};
use crate::records::to_json;
use crate::App;

/// Sets the clock to `now`, audited as `clock.set` at the instant it read before.
pub async fn set_clock(app: &App, actor: &str, now: DateTime<Utc>) -> AppResult<DateTime<Utc>> {
    if !app.clock.is_test() {
        return Err(Error::not_found(
            Code::NotFound,
            Text::new("系统时钟不能设置", "The system clock cannot be set"),
        ));
    }
    let before = app.clock.now();
    app.store
        .append_audit(audit::record(
            before,
            actor,
            "clock.set",
            "clock",
            to_json(&serde_json::json!({ "from": before, "to": now })),
        ))
        .await?;
    app.clock.set(now);
    Ok(now)
}

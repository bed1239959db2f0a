//! Readiness (`/readyz`): the database answers and every migration is applied.

use crate::error::{AppResult, Code, Error, Text};
use crate::App;

pub async fn check(app: &App) -> AppResult<()> {
    let store = app.store.clone();
    // A pooled connection may wait for the database: keep it off the async workers.
    let ready = tokio::task::spawn_blocking(move || store.ready()).await;
    match ready {
        Ok(Ok(true)) => Ok(()),
        Ok(Ok(false)) => Err(not_ready()),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check failed");
            Err(not_ready())
        }
        Err(_) => Err(not_ready()),
    }
}

fn not_ready() -> Error {
    Error::new(
        Code::NotReady,
        Text::new("服务尚未就绪", "Not ready"),
        Text::new(
            "数据库不可达或其结构不是当前版本（请运行 tongban migrate）。",
            "The database is unreachable or its schema is not current (run `tongban migrate`).",
        ),
    )
}

//! Readiness (`/readyz`): the database answers, every migration is applied, and writes
//! succeed (see `tongban_store::probe`); and what the writers counted, for `/metrics`.

use tongban_store::probe::NotReady;
use tongban_store::write_health::WriteFailure;

use crate::error::{AppResult, Code, Error, Text};
use crate::App;

pub async fn check(app: &App) -> AppResult<()> {
    match app.store.readiness().await {
        Ok(()) => Ok(()),
        Err(why) => {
            let mut e = not_ready(&why);
            e.reason = Some(why.code());
            Err(e)
        }
    }
}

/// Failed write requests since this process started, by cause (`disk_full`, …).
pub fn write_failures(app: &App) -> Vec<(&'static str, u64)> {
    app.store
        .writer()
        .health()
        .failures()
        .into_iter()
        .map(|(cause, n)| (cause.code(), n))
        .collect()
}

fn not_ready(why: &NotReady) -> Error {
    let detail = match why {
        NotReady::Unreachable(_) => Text::new("数据库不可达。", "The database cannot be reached."),
        NotReady::PendingMigrations => Text::new(
            "数据库结构不是当前版本，请运行 tongban migrate。",
            "The database schema is not current: run `tongban migrate`.",
        ),
        NotReady::WriterStuck => Text::new(
            "数据库写入线程未在时限内响应。",
            "The database writer did not answer in time.",
        ),
        NotReady::Writes(cause, _) => match cause {
            WriteFailure::DiskFull => Text::new(
                "磁盘已满，无法保存任何内容；腾出空间后自动恢复。",
                "The disk is full: nothing can be saved. Readiness returns once space is freed.",
            ),
            WriteFailure::ReadOnly => Text::new(
                "数据库为只读，无法保存任何内容。",
                "The database is read-only: nothing can be saved.",
            ),
            WriteFailure::Io => Text::new(
                "磁盘读写出错，无法保存任何内容。",
                "The disk reports I/O errors: nothing can be saved.",
            ),
            WriteFailure::Unreachable => Text::new(
                "数据库连接中断，无法保存任何内容。",
                "The connection to the database is lost: nothing can be saved.",
            ),
            WriteFailure::WriterStopped => {
                Text::new("数据库写入线程已停止。", "The database writer has stopped.")
            }
            WriteFailure::Other => Text::new("数据库拒绝写入。", "The database refuses writes."),
        },
    };
    let detail = match why.error() {
        Some(e) => Text::new(
            format!("{}（{e}）", detail.zh),
            format!("{} ({e})", detail.en),
        ),
        None => detail,
    };
    Error::new(
        Code::NotReady,
        Text::new("服务尚未就绪", "Not ready"),
        detail,
    )
}

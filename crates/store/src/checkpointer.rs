//! SQLite's WAL checkpoints on a thread of their own. By default the connection that commits
//! copies the WAL back into the database file whenever the WAL passes 1,000 pages, inside its
//! commit: the request whose commit crossed the line waits for the copy and its fsync (a
//! fifth of a 10,000-case sweep's time in the profile, and a slow intake now and then). The
//! store's writers turn that off (`wal_autocheckpoint = 0`) and this thread checkpoints
//! instead, shortly after each commit, while the writer goes on.
//!
//! A checkpoint here is PASSIVE, as the automatic one was: it copies what no reader still
//! needs and never blocks a reader or the writer. Durability does not depend on it: a
//! commit is durable once its WAL frames are synced.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::time::Duration;

use diesel::connection::SimpleConnection;

use crate::conn::{establish, ConnectionOptions, DbUrl};
use crate::repeats::{self, Refused};

/// The least time between two checkpoints: under load, one checkpoint copies the frames of
/// many commits.
const PAUSE: Duration = Duration::from_millis(100);

/// Checkpoints at least this often while idle, in case another process wrote.
const IDLE: Duration = Duration::from_secs(5);

/// Wakes the checkpoint thread; the thread stops when every clone is dropped.
#[derive(Clone)]
pub struct Checkpoints {
    wake: SyncSender<()>,
}

impl Checkpoints {
    /// Starts the thread for the SQLite database at `url` (`None` for PostgreSQL, which
    /// checkpoints on its own).
    pub fn start(url: &DbUrl, options: &ConnectionOptions) -> std::io::Result<Option<Checkpoints>> {
        if !matches!(url, DbUrl::Sqlite(_)) {
            return Ok(None);
        }
        let (wake, woken) = mpsc::sync_channel(1);
        let (url, options) = (url.clone(), *options);
        std::thread::Builder::new()
            .name("tongban-checkpoint".into())
            .spawn(move || run(&url, &options, &woken))?;
        Ok(Some(Checkpoints { wake }))
    }

    /// Something was committed: checkpoint soon. Never blocks (a wake-up already pending
    /// covers this one).
    pub fn committed(&self) {
        match self.wake.try_send(()) {
            Ok(()) | Err(TrySendError::Full(())) | Err(TrySendError::Disconnected(())) => {}
        }
    }
}

fn run(url: &DbUrl, options: &ConnectionOptions, woken: &Receiver<()>) {
    let mut conn = None;
    loop {
        match woken.recv_timeout(IDLE) {
            Ok(()) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        if conn.is_none() {
            match establish(url, options) {
                Ok(c) => conn = Some(c),
                Err(e) => {
                    repeats::error(
                        Refused::Attempts,
                        &format!("checkpoint cannot connect: {e}"),
                    );
                    continue;
                }
            }
        }
        if let Some(c) = conn.as_mut() {
            // Busy (another process is checkpointing) or a full disk: the frames stay in the
            // WAL, readable and durable, and the next round tries again.
            if let Err(e) = c.batch_execute("PRAGMA wal_checkpoint(PASSIVE)") {
                repeats::error(Refused::Attempts, &format!("checkpoint failed: {e}"));
                conn = None;
            }
        }
        std::thread::sleep(PAUSE);
    }
}

//! PDF files of printable documents, made on the server by headless Chromium's print: the
//! same HTML and print stylesheet a browser prints, so the PDF and the paper agree.
//!
//! Chromium is found from `TONGBAN_CHROMIUM`, else as `chromium`, `chromium-browser` or
//! `google-chrome` on the `PATH`. Without it a PDF answers 503 and the page still prints.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use tokio::sync::Semaphore;

/// Why no PDF could be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("no Chromium found (set TONGBAN_CHROMIUM or install chromium)")]
    NoChromium,
    #[error("chromium did not finish within {0:?}")]
    TimedOut(Duration),
    #[error("chromium failed: {0}")]
    Failed(String),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
}

/// A print takes a second or two; a hung browser must not hold a request for ever.
const PRINT_TIMEOUT: Duration = Duration::from_secs(60);

/// Each Chromium takes a few hundred MB: at most two print at once.
fn printers() -> &'static Semaphore {
    static PRINTERS: OnceLock<Semaphore> = OnceLock::new();
    PRINTERS.get_or_init(|| Semaphore::new(2))
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| Path::new(dir).join(name))
        .find(|p| p.is_file())
}

/// The Chromium binary, looked up once.
pub fn chromium() -> Option<&'static Path> {
    static FOUND: OnceLock<Option<PathBuf>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            if let Some(p) = std::env::var_os("TONGBAN_CHROMIUM").filter(|p| !p.is_empty()) {
                return Some(PathBuf::from(p));
            }
            ["chromium", "chromium-browser", "google-chrome"]
                .into_iter()
                .find_map(on_path)
        })
        .as_deref()
}

/// Prints a whole HTML document (with its styles inline) to PDF.
pub async fn print(html: String) -> Result<Vec<u8>, PdfError> {
    let chromium = chromium().ok_or(PdfError::NoChromium)?;
    let _permit = printers().acquire().await.ok();
    let dir = tempfile::tempdir()?;
    let page = dir.path().join("document.html");
    let out = dir.path().join("document.pdf");
    tokio::fs::write(&page, html).await?;
    let mut command = tokio::process::Command::new(chromium);
    command
        .arg("--headless")
        // Root in a container has no user namespaces for the sandbox; the page is our own.
        .arg("--no-sandbox")
        .arg("--disable-gpu")
        .arg("--disable-dev-shm-usage")
        .arg("--no-first-run")
        .arg("--no-default-browser-check")
        .arg("--disable-extensions")
        .arg("--allow-file-access-from-files")
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg("--no-pdf-header-footer")
        .arg(format!("--print-to-pdf={}", out.display()))
        .arg(format!("file://{}", page.display()))
        .env("HOME", dir.path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    let child = command.spawn()?;
    let finished = tokio::time::timeout(PRINT_TIMEOUT, child.wait_with_output())
        .await
        .map_err(|_| PdfError::TimedOut(PRINT_TIMEOUT))??;
    let pdf = tokio::fs::read(&out).await.unwrap_or_default();
    if !finished.status.success() || !pdf.starts_with(b"%PDF") {
        let stderr = String::from_utf8_lossy(&finished.stderr);
        let last = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        return Err(PdfError::Failed(format!(
            "{} ({})",
            finished.status,
            last.chars().take(300).collect::<String>()
        )));
    }
    Ok(pdf)
}

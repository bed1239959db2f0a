//! The stylesheet, embedded in the binary: pages load nothing from anywhere else.

use actix_web::{get, http::header, HttpResponse};

// The documents' print styles come last, as the PDF printer also reads them alone.
const CSS: &str = concat!(
    include_str!("../../assets/tongban.css"),
    include_str!("../../assets/document.css")
);

/// `GET /assets/tongban.css`.
#[get("/assets/tongban.css")]
pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        // An hour is short enough that a new release's styles arrive the same day.
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(CSS)
}

//! The page language: the `lang` cookie set by the switch, else `Accept-Language`, else
//! Simplified Chinese.

use actix_web::{
    cookie::{time::Duration, Cookie, SameSite},
    get,
    http::header,
    web, HttpRequest, HttpResponse,
};

use crate::lang::Lang;

pub const COOKIE: &str = "lang";

pub fn of(req: &HttpRequest) -> Lang {
    match req.cookie(COOKIE).as_ref().map(Cookie::value) {
        Some("en") => Lang::En,
        Some("zh") => Lang::Zh,
        _ => Lang::of(req),
    }
}

/// The value of `<html lang>` and `Content-Language`.
pub fn tag(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en",
    }
}

/// A path of this site to go back to: anything else (another host, `//host`) becomes `/`, so
/// that the switch is no open redirect.
pub fn local_path(next: &str) -> &str {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    if ok {
        next
    } else {
        "/"
    }
}

/// Percent-encodes a query value (everything but unreserved characters).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[derive(serde::Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// `GET /lang/{zh|en}?next=/path`: remembers the choice for a year and goes back.
#[get("/lang/{code}")]
pub async fn switch(
    code: web::Path<String>,
    query: Result<web::Query<Next>, actix_web::Error>,
) -> HttpResponse {
    let value = if code.as_str() == "en" { "en" } else { "zh" };
    let next = query.ok().and_then(|q| q.into_inner().next);
    let back = local_path(next.as_deref().unwrap_or("/")).to_owned();
    let cookie = Cookie::build(COOKIE, value)
        .path("/")
        .max_age(Duration::days(365))
        .same_site(SameSite::Lax)
        .http_only(true)
        .finish();
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, back))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .cookie(cookie)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path("/guide?q=a"), "/guide?q=a");
        assert_eq!(local_path("//evil.example/"), "/");
        assert_eq!(local_path("https://evil.example/"), "/");
        assert_eq!(local_path("/\\evil"), "/");
        assert_eq!(local_path(""), "/");
    }

    #[test]
    fn encodes_query_values() {
        assert_eq!(encode("/guide?q=身份"), "/guide%3Fq%3D%E8%BA%AB%E4%BB%BD");
    }
}

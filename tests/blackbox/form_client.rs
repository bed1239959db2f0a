//! A browser without JavaScript for the page tests: keeps its cookies by hand, posts forms
//! (`application/x-www-form-urlencoded`, or `multipart/form-data` with files), follows no
//! redirect by itself so that each step can be checked.

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::blocking::{Client, RequestBuilder, Response};
use reqwest::header::{ACCEPT_LANGUAGE, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};

use crate::harness::Server;

/// One page answer.
pub struct Page {
    pub status: u16,
    pub content_type: String,
    pub location: Option<String>,
    pub set_cookies: Vec<String>,
    pub body: String,
    /// The body as sent (files).
    pub bytes: Vec<u8>,
}

impl Page {
    pub fn html(&self, status: u16, what: &str) -> &str {
        assert_eq!(self.status, status, "{what}: {}", self.body);
        assert!(
            self.content_type.starts_with("text/html"),
            "{what}: content type {}",
            self.content_type
        );
        &self.body
    }

    pub fn redirect(&self, what: &str) -> &str {
        assert_eq!(self.status, 303, "{what}: {}", self.body);
        self.location.as_deref().expect("Location")
    }

    /// The value of the first form field named `name` (hidden fields, mostly).
    pub fn field(&self, name: &str) -> String {
        let needle = format!("name=\"{name}\" value=\"");
        let start = self
            .body
            .find(&needle)
            .unwrap_or_else(|| panic!("no field {name} in {}", self.body))
            + needle.len();
        let end = self.body[start..].find('"').expect("end of value") + start;
        self.body[start..end].to_owned()
    }
}

/// A browser without JavaScript: keeps its cookies, follows nothing by itself.
pub struct Browser<'s> {
    pub server: &'s Server,
    pub http: Client,
    pub cookies: BTreeMap<String, String>,
    pub accept_language: Option<&'static str>,
    /// Sent with every request (as a reverse proxy in front would add them).
    pub headers: Vec<(&'static str, String)>,
}

impl<'s> Browser<'s> {
    pub fn new(server: &'s Server) -> Self {
        Browser {
            server,
            http: Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(60))
                .build()
                .expect("client"),
            cookies: BTreeMap::new(),
            accept_language: None,
            headers: Vec::new(),
        }
    }

    pub fn send(&mut self, req: RequestBuilder) -> Page {
        let mut req = req;
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            req = req.header(COOKIE, jar.join("; "));
        }
        if let Some(l) = self.accept_language {
            req = req.header(ACCEPT_LANGUAGE, l);
        }
        for (name, value) in &self.headers {
            req = req.header(*name, value);
        }
        let res: Response = req.send().expect("request");
        let header = |name| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header(CONTENT_TYPE).unwrap_or_default();
        let location = header(LOCATION);
        let set_cookies: Vec<String> = res
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect();
        for c in &set_cookies {
            let pair = c.split(';').next().unwrap_or("");
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let removed = value.is_empty() || c.contains("Max-Age=0");
            if removed {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let status = res.status().as_u16();
        let bytes = res.bytes().map(|b| b.to_vec()).unwrap_or_default();
        Page {
            status,
            content_type,
            location,
            set_cookies,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
        }
    }

    pub fn get(&mut self, path: &str) -> Page {
        let req = self.http.get(self.server.url(path));
        self.send(req)
    }

    pub fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let req = self.http.post(self.server.url(path)).form(form);
        self.send(req)
    }

    /// Posts a `multipart/form-data` form: text fields, then files, as a browser sends them.
    pub fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[Upload],
    ) -> Page {
        let boundary = "----tongban-test-boundary-7MA4YWxkTrZu0gW";
        let mut body: Vec<u8> = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        for f in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
                    f.field, f.file_name, f.content_type
                )
                .as_bytes(),
            );
            body.extend_from_slice(f.bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let req = self
            .http
            .post(self.server.url(path))
            .header(
                CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body);
        self.send(req)
    }
}

/// A file a multipart form carries.
pub struct Upload<'a> {
    pub field: &'a str,
    pub file_name: &'a str,
    /// What the client claims; the server looks at the bytes.
    pub content_type: &'a str,
    pub bytes: &'a [u8],
}

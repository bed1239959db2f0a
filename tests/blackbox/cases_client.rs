//! A small client for the case API shared by the day, authorisation and bad-input tests:
//! one keep-alive HTTP client, answers as (status, content type, JSON), the demo catalogue
//! and directory as the server serves them, and bodies for applications and actions.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use reqwest::blocking::{Client, RequestBuilder};
use serde_json::{json, Value};

use crate::harness::{Server, DEMO_PASSWORD};

/// An answer of the server.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub content_type: String,
    pub body: Value,
    pub etag: Option<String>,
}

impl Resp {
    /// The body, after checking the status (the body is in the panic message).
    pub fn ok(self, status: u16, what: &str) -> Value {
        assert_eq!(self.status, status, "{what}: {}", self.body);
        self.body
    }

    /// Checks a problem+json answer with this status and `code`.
    pub fn problem(&self, status: u16, code: &str, what: &str) {
        assert_eq!(self.status, status, "{what}: {}", self.body);
        self.is_problem(what);
        assert_eq!(self.body["code"], code, "{what}: {}", self.body);
    }

    /// Checks that the answer is problem+json with the fields of api.md, and not a 5xx.
    pub fn is_problem(&self, what: &str) {
        assert!(
            (400..500).contains(&self.status),
            "{what}: a 4xx, not {}: {}",
            self.status,
            self.body
        );
        assert_eq!(
            self.content_type, "application/problem+json",
            "{what}: {} {}",
            self.status, self.body
        );
        for field in ["type", "title", "status", "detail", "code"] {
            assert!(
                !self.body[field].is_null(),
                "{what}: problem lacks `{field}`: {}",
                self.body
            );
        }
        assert_eq!(self.body["status"], self.status, "{what}: {}", self.body);
    }
}

/// One signed-in caller (or nobody, `token: None`).
#[derive(Clone)]
pub struct Api {
    base: String,
    http: Client,
    pub token: Option<String>,
    /// `Accept-Language` to send, if any.
    pub lang: Option<&'static str>,
}

pub fn http() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(8)
        .build()
        .expect("http client")
}

impl Api {
    pub fn anonymous(server: &Server) -> Api {
        Api {
            base: server.base.clone(),
            http: http(),
            token: None,
            lang: None,
        }
    }

    pub fn with_token(&self, token: &str) -> Api {
        Api {
            token: Some(token.to_owned()),
            ..self.clone()
        }
    }

    pub fn in_english(&self) -> Api {
        Api {
            lang: Some("en"),
            ..self.clone()
        }
    }

    pub fn request(&self, method: reqwest::Method, path: &str) -> RequestBuilder {
        let mut rb = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(t) = &self.token {
            rb = rb.bearer_auth(t);
        }
        if let Some(l) = self.lang {
            rb = rb.header("Accept-Language", l);
        }
        rb
    }

    pub fn send(rb: RequestBuilder) -> Resp {
        let res = rb.send().expect("request");
        let status = res.status().as_u16();
        let header = |name: &str| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header("content-type").unwrap_or_default();
        let etag = header("etag");
        let text = res.text().unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Resp {
            status,
            content_type,
            body,
            etag,
        }
    }

    pub fn get(&self, path: &str) -> Resp {
        Api::send(self.request(reqwest::Method::GET, path))
    }

    pub fn post(&self, path: &str, body: &Value, headers: &[(&str, &str)]) -> Resp {
        let mut rb = self.request(reqwest::Method::POST, path).json(body);
        for (k, v) in headers {
            rb = rb.header(*k, *v);
        }
        Api::send(rb)
    }

    /// `POST /api/v1/cases` with an `Idempotency-Key`.
    pub fn intake(&self, key: &str, body: &Value) -> Resp {
        self.post("/api/v1/cases", body, &[("Idempotency-Key", key)])
    }

    /// `POST /api/v1/cases/{no}/{action}` with `If-Match: version`.
    pub fn act(&self, case_no: &str, action: &str, version: u64, body: &Value) -> Resp {
        self.post(
            &format!("/api/v1/cases/{case_no}/{action}"),
            body,
            &[("If-Match", &version.to_string())],
        )
    }

    pub fn case(&self, case_no: &str) -> Value {
        self.get(&format!("/api/v1/cases/{case_no}"))
            .ok(200, &format!("GET case {case_no}"))
    }

    pub fn events(&self, case_no: &str) -> Vec<Value> {
        match self
            .get(&format!("/api/v1/cases/{case_no}/events"))
            .ok(200, &format!("GET events of {case_no}"))
        {
            Value::Array(a) => a,
            other => panic!("events are a list: {other}"),
        }
    }

    /// The `total` of a queue query (`query` starts with `?` or is empty).
    pub fn total(&self, query: &str) -> u64 {
        self.get(&format!("/api/v1/cases{query}"))
            .ok(200, "case list")["total"]
            .as_u64()
            .expect("total")
    }
}

/// Signs users in once and keeps their tokens (argon2 is slow in debug builds).
pub struct Logins {
    api: Api,
    tokens: Mutex<HashMap<(String, Option<String>), String>>,
}

impl Logins {
    pub fn new(server: &Server) -> Logins {
        Logins {
            api: Api::anonymous(server),
            tokens: Mutex::new(HashMap::new()),
        }
    }

    /// The API as `user` (a clerk at `window`).
    pub fn as_user(&self, user: &str, window: Option<&str>) -> Api {
        let key = (user.to_owned(), window.map(str::to_owned));
        if let Some(t) = self.tokens.lock().expect("tokens").get(&key) {
            return self.api.with_token(t);
        }
        let token = self.sign_in(user, DEMO_PASSWORD, window);
        self.tokens
            .lock()
            .expect("tokens")
            .insert(key, token.clone());
        self.api.with_token(&token)
    }

    /// Forgets every token (after moving the test clock past their lifetime).
    pub fn forget(&self) {
        self.tokens.lock().expect("tokens").clear();
    }

    pub fn sign_in(&self, user: &str, password: &str, window: Option<&str>) -> String {
        let mut body = json!({"username": user, "password": password});
        if let Some(w) = window {
            body["window"] = w.into();
        }
        let v = self
            .api
            .post("/api/v1/auth/token", &body, &[])
            .ok(200, &format!("sign-in of {user} at {window:?}"));
        v["access_token"].as_str().expect("access_token").to_owned()
    }

    /// The clerk of a demo window, signed in at it.
    pub fn clerk(&self, window: &str) -> Api {
        self.as_user(&format!("clerk-{}", window.to_lowercase()), Some(window))
    }

    pub fn approver(&self, department: &str) -> Api {
        self.as_user(&format!("approver-{department}"), None)
    }

    pub fn head(&self, department: &str) -> Api {
        self.as_user(&format!("head-{department}"), None)
    }

    /// A back-office user of `department` in `role` ("approver" or "head").
    pub fn staff(&self, role: &str, department: &str) -> Api {
        self.as_user(&format!("{role}-{department}"), None)
    }

    /// Registers an applicant account and signs it in.
    pub fn register(&self, username: &str) -> Api {
        let password = "applicant-pass-1";
        let res = self.api.post(
            "/api/v1/auth/register",
            &json!({"username": username, "password": password, "name": "王五"}),
            &[],
        );
        assert_eq!(res.status, 201, "register {username}: {}", res.body);
        let token = self.sign_in(username, password, None);
        self.api.with_token(&token)
    }
}

#[derive(Debug, Clone)]
pub struct Material {
    pub code: String,
    pub required: bool,
    pub tolerable: bool,
    pub copies: u64,
}

#[derive(Debug, Clone)]
pub struct Stage {
    pub code: String,
    pub department: String,
    /// "approver" or "head".
    pub role: String,
}

#[derive(Debug, Clone)]
pub struct Item {
    pub code: String,
    pub immediate: bool,
    pub department: String,
    pub materials: Vec<Material>,
    /// Stages by step: a parallel group is one step of several stages.
    pub steps: Vec<Vec<Stage>>,
    /// Most working days of the one extension.
    pub max_extension: u64,
    /// The department whose head extends: the item's own, or the government's for joint
    /// handling.
    pub extension_by: String,
}

impl Item {
    /// Every material the item asks for, with the copies it asks for.
    pub fn all_materials(&self) -> Value {
        self.materials_where(|_| true)
    }

    pub fn materials_where(&self, keep: impl Fn(&Material) -> bool) -> Value {
        Value::Array(
            self.materials
                .iter()
                .filter(|m| keep(m))
                .map(|m| json!({"code": m.code, "copies": m.copies}))
                .collect(),
        )
    }

    /// A required material whose absence blocks acceptance.
    pub fn blocking_material(&self) -> Option<&Material> {
        self.materials.iter().find(|m| m.required && !m.tolerable)
    }

    pub fn tolerable_material(&self) -> Option<&Material> {
        self.materials.iter().find(|m| m.required && m.tolerable)
    }

    pub fn is_parallel(&self) -> bool {
        self.steps.iter().any(|s| s.len() > 1)
    }

    /// Every department with a stage outside the item's own.
    pub fn other_departments(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .steps
            .iter()
            .flatten()
            .map(|s| s.department.clone())
            .filter(|d| *d != self.department)
            .collect();
        v.sort();
        v.dedup();
        v
    }
}

fn text(v: &Value, field: &str) -> String {
    v[field]
        .as_str()
        .unwrap_or_else(|| panic!("`{field}` in {v}"))
        .to_owned()
}

/// The items of the service guide, as the server serves them.
pub fn items(api: &Api) -> Vec<Item> {
    let page = api.get("/api/v1/items?per_page=500").ok(200, "items");
    let list = page["items"].as_array().expect("items").clone();
    list.iter()
        .map(|i| {
            let materials = i["materials"]
                .as_array()
                .expect("materials")
                .iter()
                .map(|m| Material {
                    code: text(m, "code"),
                    required: m["required"].as_bool().unwrap_or(true),
                    tolerable: m["tolerable"].as_bool().unwrap_or(false),
                    copies: m["copies"].as_u64().unwrap_or(1).max(1),
                })
                .collect();
            let mut steps: Vec<Vec<Stage>> = Vec::new();
            let mut last_group: Option<String> = None;
            for s in i["stages"].as_array().expect("stages") {
                let group = s["parallel_group"].as_str().map(str::to_owned);
                let stage = Stage {
                    code: text(s, "code"),
                    department: text(s, "department"),
                    role: text(s, "role"),
                };
                match (&group, steps.last_mut()) {
                    (Some(g), Some(step)) if last_group.as_ref() == Some(g) => step.push(stage),
                    _ => steps.push(vec![stage]),
                }
                last_group = group;
            }
            Item {
                code: text(i, "code"),
                immediate: i["kind"] == "immediate",
                department: text(i, "department"),
                materials,
                steps,
                max_extension: i["statutory"]["extension"]["days"].as_u64().unwrap_or(10),
                extension_by: i["rules"]["extension_by"]
                    .as_str()
                    .map_or_else(|| text(i, "department"), str::to_owned),
            }
        })
        .collect()
}

/// A window with its grants in force, as the administrator lists them.
#[derive(Debug, Clone)]
pub struct WindowInfo {
    pub code: String,
    pub kind: String,
    pub departments: Vec<String>,
    /// The floating window's rota: weekday (`mon` …) → departments.
    pub rota: HashMap<String, Vec<String>>,
    pub grants: Vec<Value>,
}

impl WindowInfo {
    /// The grant of this window for `action` on `item` on `weekday` (a demo-data reading
    /// of the rules: the window serves the department, the floating window's rota).
    pub fn grant_for(&self, item: &Item, action: &str, weekday: &str) -> Option<i64> {
        if matches!(self.kind.as_str(), "department" | "floating")
            && !self.departments.contains(&item.department)
        {
            return None;
        }
        if self.kind == "floating"
            && !self
                .rota
                .get(weekday)
                .is_some_and(|d| d.contains(&item.department))
        {
            return None;
        }
        self.grants
            .iter()
            .filter(|g| g["state"] == "in_force")
            .filter(|g| {
                g["actions"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|x| x == action))
            })
            .find(|g| {
                g["department"] == item.department.as_str()
                    || g["items"]
                        .as_array()
                        .is_some_and(|a| a.iter().any(|x| x == item.code.as_str()))
            })
            .and_then(|g| g["id"].as_i64())
    }
}

/// The hall's windows with their grants (read as `admin`).
pub fn windows(admin: &Api) -> Vec<WindowInfo> {
    let list = admin.get("/api/v1/windows").ok(200, "windows");
    list.as_array()
        .expect("windows")
        .iter()
        .map(|w| {
            let code = text(w, "code");
            let grants = admin
                .get(&format!("/api/v1/windows/{code}/grants"))
                .ok(200, "grants");
            let rota = w["rota"]
                .as_object()
                .map(|r| {
                    r.iter()
                        .map(|(day, ds)| {
                            let ds = ds
                                .as_array()
                                .map(|a| {
                                    a.iter()
                                        .filter_map(|d| d.as_str().map(str::to_owned))
                                        .collect()
                                })
                                .unwrap_or_default();
                            (day.clone(), ds)
                        })
                        .collect()
                })
                .unwrap_or_default();
            WindowInfo {
                code,
                kind: text(w, "kind"),
                departments: w["departments"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|d| d.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default(),
                rota,
                grants: grants.as_array().cloned().unwrap_or_default(),
            }
        })
        .collect()
}

/// The windows that may do `action` (`accept`, `decide_on_spot`, `deliver`) for `item` on
/// `weekday`, with the grant that allows it.
pub fn windows_for<'a>(
    windows: &'a [WindowInfo],
    item: &Item,
    action: &str,
    weekday: &str,
) -> Vec<(&'a WindowInfo, i64)> {
    windows
        .iter()
        .filter_map(|w| w.grant_for(item, action, weekday).map(|g| (w, g)))
        .collect()
}

/// An application body: a person with a well-formed (made-up) ID number.
pub fn application(item_code: &str, n: usize, materials: Value) -> Value {
    json!({
        "item_code": item_code,
        "applicant": {
            "kind": "person",
            "name": format!("申请人{n}"),
            "id_number": format!("3301{n:014}"),
            "phone": "13800000000",
        },
        "materials": materials,
    })
}

/// The status and version of a case answer.
pub fn status_version(case: &Value) -> (String, u64) {
    (
        case["status"].as_str().unwrap_or_default().to_owned(),
        case["version"].as_u64().expect("version"),
    )
}

/// A due date of the case view is a `YYYY-MM-DD` date.
pub fn has_date(case: &Value, field: &str) -> bool {
    case[field]
        .as_str()
        .is_some_and(|d| d.len() == 10 && d.as_bytes()[4] == b'-' && d.as_bytes()[7] == b'-')
}

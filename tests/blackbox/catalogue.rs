use crate::harness::Server;

#[test]
fn serves_health_and_openapi() {
    let server = Server::start(&[]);
    let health: serde_json::Value = server.get("/healthz").send().unwrap().json().unwrap();
    assert_eq!(health["status"], "ok");
    let doc: serde_json::Value = server.get("/openapi.json").send().unwrap().json().unwrap();
    assert!(doc["paths"]["/healthz"].is_object(), "{doc}");
    let page = server.get("/api/docs/").send().unwrap();
    assert!(page.status().is_success());
}

#[test]
fn serves_the_service_guide() {
    for backend in crate::backend::all("serves_the_service_guide") {
        eprintln!("backend: {}", backend.name());
        let server = Server::start_on(&backend, &[]);
        service_guide(&server);
    }
}

fn service_guide(server: &Server) {
    let page: serde_json::Value = server
        .get("/api/v1/items?per_page=500")
        .send()
        .unwrap()
        .json()
        .unwrap();
    let total = page["total"].as_u64().unwrap();
    assert!(total >= 30, "demo catalogue has at least 30 items: {total}");
    let first = &page["items"][0];
    for field in [
        "code",
        "name",
        "version",
        "kind",
        "department",
        "legal_limit",
        "promised_limit",
        "materials",
        "stages",
        "fee",
    ] {
        assert!(!first[field].is_null(), "item lacks {field}: {first}");
    }
    let code = first["code"].as_str().unwrap();
    let one: serde_json::Value = server
        .get(&format!("/api/v1/items/{code}"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(&one, first);
    assert!(one["fee"]["amount"].as_str().unwrap().contains('.'));

    let immediate: serde_json::Value = server
        .get("/api/v1/items?kind=immediate&per_page=500")
        .send()
        .unwrap()
        .json()
        .unwrap();
    let n = immediate["total"].as_u64().unwrap();
    assert!(n > 0 && n < total);
    assert!(immediate["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["kind"] == "immediate"));

    let departments: serde_json::Value = server
        .get("/api/v1/departments")
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(departments.as_array().unwrap().len() >= 12);
    let windows: serde_json::Value = server
        .get("/api/v1/windows")
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(windows
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["kind"] == "floating" && w["rota"].is_object()));
}

#[test]
fn unknown_item_is_a_localised_404() {
    let server = Server::start(&[]);
    let zh = server.get("/api/v1/items/NO-SUCH").send().unwrap();
    assert_eq!(zh.status(), 404);
    assert_eq!(
        zh.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let zh: serde_json::Value = zh.json().unwrap();
    assert_eq!(zh["code"], "unknown_item");
    assert!(zh["detail"].as_str().unwrap().contains("没有"));
    let en: serde_json::Value = server
        .get("/api/v1/items/NO-SUCH")
        .header("Accept-Language", "en")
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(en["code"], "unknown_item");
    assert!(en["detail"]
        .as_str()
        .unwrap()
        .starts_with("There is no item"));
    let bad = server.get("/api/v1/items?per_page=501").send().unwrap();
    assert_eq!(bad.status(), 400);
    let bad = server.get("/api/v1/items?kind=sometimes").send().unwrap();
    assert_eq!(bad.status(), 400);
}

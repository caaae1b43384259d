//! The OpenAPI description: 3.1, every route of the table answers, and the schemas name the
//! fields the routes really send.

use super::*;
use spotter_server::{ROUTES, openapi_document};

#[tokio::test]
async fn the_description_is_openapi_3_1_and_served() {
    let r = get("/api/v1/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc, openapi_document());
    for route in ROUTES {
        let op = &doc["paths"][route.path][route.method];
        assert!(op["summary"].is_string(), "{} {} missing", route.method, route.path);
        let ok = op["responses"].as_object().expect("responses").keys().any(|k| k.starts_with('2') || k.starts_with('3'));
        assert!(ok, "{} {} has no success answer described", route.method, route.path);
    }
    for path in [
        "/api/v1/triage",
        "/api/v1/explain",
        "/api/v1/plan",
        "/api/v1/card",
        "/healthz",
        "/api/v1/openapi.json",
        "/api/v1/diary",
        "/api/v1/diary/status",
        "/api/v1/checks",
        "/api/v1/export",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
    let params = doc["paths"]["/api/v1/plan"]["post"]["parameters"].as_array().expect("plan has parameters");
    assert_eq!(params[0]["name"], "minutes");
}

#[tokio::test]
async fn every_route_in_the_table_exists() {
    for route in ROUTES {
        let method = Method::from_bytes(route.method.to_ascii_uppercase().as_bytes()).expect("method");
        let r = send(request(method, route.path, None, Body::empty())).await;
        assert!(
            r.status != StatusCode::NOT_FOUND && r.status != StatusCode::METHOD_NOT_ALLOWED,
            "{} {}: {}",
            route.method,
            route.path,
            r.status
        );
    }
}

fn keys(v: &serde_json::Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
    k.sort();
    k
}

#[tokio::test]
async fn the_schemas_have_the_fields_the_routes_send() {
    let doc = openapi_document();
    let schema = |name: &str| doc["components"]["schemas"][name].clone();
    let check = |name: &str, answer: &serde_json::Value| {
        let s = schema(name);
        let props = keys(&s["properties"]);
        for k in keys(answer) {
            assert!(props.contains(&k), "{name}: {k} is sent but not described");
        }
        for req in s["required"].as_array().expect("required") {
            assert!(answer.get(req.as_str().expect("name")).is_some(), "{name}: {req} is required but not sent");
        }
    };
    check("TriageDoc", &post_json("/api/v1/triage", SELF_CARE).await.json());
    check("TriageDoc", &post_json("/api/v1/triage", EMERGENCY).await.json());
    check("ExplainDoc", &post_json("/api/v1/explain", SELF_CARE).await.json());
    check("ExplainDoc", &post_json("/api/v1/explain", URGENT).await.json());
    check("PlanDoc", &post_json("/api/v1/plan", SELF_CARE).await.json());
    check("Error", &post_json("/api/v1/triage", "{}").await.json());
    check("Health", &get("/healthz").await.json());
}

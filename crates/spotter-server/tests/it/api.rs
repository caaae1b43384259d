//! The JSON API: the CLI's documents for good input, a 4xx JSON error naming the problem for
//! each kind of bad input.

use super::*;
use axum::http::StatusCode;

#[tokio::test]
async fn healthz_says_ok() {
    let r = get("/healthz").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.content_type(), "application/json");
    assert_eq!(r.json(), serde_json::json!({"status": "ok"}));
}

#[tokio::test]
async fn triage_answers_exactly_what_the_cli_prints() {
    for (answers, tier) in [(SELF_CARE, "self_care"), (URGENT, "urgent"), (EMERGENCY, "emergency")] {
        let r = post_json("/api/v1/triage", answers).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.content_type(), "application/json");
        assert_eq!(r.text(), cli_triage_json(answers), "byte for byte");
        assert_eq!(r.json()["tier"], tier);
    }
    // The rules the spec says fire: E1 on saddle numbness with bladder trouble, U5 on cough pain.
    let rules = |v: &serde_json::Value| v["reasons"].as_array().expect("reasons").iter().map(|r| r["rule"].as_str().unwrap_or("").to_string()).collect::<Vec<_>>();
    assert!(rules(&post_json("/api/v1/triage", EMERGENCY).await.json()).contains(&"E1".to_string()));
    assert!(rules(&post_json("/api/v1/triage", URGENT).await.json()).contains(&"U5".to_string()));
}

#[tokio::test]
async fn an_emergency_on_partial_answers_does_not_wait_for_the_rest() {
    let r = post_json("/api/v1/triage", r#"{"bladder_difficulty_starting": true}"#).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let v = r.json();
    assert_eq!(v["tier"], "emergency");
    assert!(v["call_script"].as_str().is_some_and(|s| !s.is_empty()));
    let missing: Vec<&str> = v["not_answered"].as_array().expect("list").iter().filter_map(|m| m["item"].as_str()).collect();
    for id in ["major_trauma", "saddle_numbness", "leg_weakness", "chest_or_abdominal_pain"] {
        assert!(missing.contains(&id), "{id} not listed as not answered: {missing:?}");
    }
    assert_eq!(r.text(), cli_triage_json(r#"{"bladder_difficulty_starting": true}"#));
}

#[tokio::test]
async fn incomplete_answers_are_422_naming_the_missing_items() {
    let r = post_json("/api/v1/triage", without(SELF_CARE, &["leg_weakness", "major_trauma"])).await;
    let v = r.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "safety-critical items not answered");
    let items: Vec<&str> = v["items"].as_array().expect("items").iter().filter_map(|i| i.as_str()).collect();
    assert!(items.contains(&"leg_weakness") && items.contains(&"major_trauma"), "{items:?}");
    assert_eq!(items.len(), 2, "{items:?}");
    // A follow-up the other answers make necessary.
    let r = post_json("/api/v1/triage", without(URGENT, &["pain_spread_side"])).await;
    let v = r.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "pain_spread_side");
    assert_eq!(v["items"], serde_json::json!(["pain_spread_side"]));
}

#[tokio::test]
async fn invalid_values_and_wrong_types_are_422_naming_the_items() {
    let mut v: serde_json::Value = serde_json::from_str(SELF_CARE).expect("fixture");
    v["age_years"] = 200.into();
    v["major_trauma"] = "yes".into();
    v["no_such_item"] = true.into();
    let r = post_json("/api/v1/triage", v.to_string()).await;
    let e = r.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "3 problems");
    let mut items: Vec<&str> = e["items"].as_array().expect("items").iter().filter_map(|i| i.as_str()).collect();
    items.sort_unstable();
    assert_eq!(items, ["age_years", "major_trauma", "no_such_item"]);
    let msg = e["error"].as_str().expect("text");
    assert!(msg.contains("expected true or false"), "{msg}");
}

#[tokio::test]
async fn bodies_that_are_not_an_answers_object_are_400_never_500() {
    let cases: [(&[u8], &str); 8] = [
        (b"{\"major_trauma\": fal", "not valid JSON"),
        (b"{\"a\":1}{", "not valid JSON"),
        (b"[true, false]", "must be one JSON object"),
        (b"\"answers\"", "must be one JSON object"),
        (b"42", "must be one JSON object"),
        (b"null", "must be one JSON object"),
        (b"", "the request body is empty"),
        (b"{\"age_years\": \"\xff\xfe\"}", "not UTF-8"),
    ];
    for (body, says) in cases {
        let r = post_json("/api/v1/triage", body.to_vec()).await;
        r.assert_error(StatusCode::BAD_REQUEST, says);
        // The same for the routes that take an answers object or a request around it.
        for uri in ["/api/v1/explain", "/api/v1/plan", "/api/v1/card?format=svg"] {
            let r = post_json(uri, body.to_vec()).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri} {:?}: {}", String::from_utf8_lossy(body), r.text());
            assert!(r.json()["error"].is_string());
        }
    }
}

#[tokio::test]
async fn a_byte_order_mark_is_read_as_the_cli_reads_it() {
    // `spotter triage --answers` skips a leading UTF-8 BOM (some editors write one); so does the API.
    let with_bom = format!("\u{feff}{SELF_CARE}");
    let r = post_json("/api/v1/triage", with_bom.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.text(), cli_triage_json(SELF_CARE));
    // A BOM before anything else that is not answers is still a clear 400.
    post_json("/api/v1/triage", "\u{feff}[1]").await.assert_error(StatusCode::BAD_REQUEST, "must be one JSON object");
    let r = post_json("/api/v1/explain", format!("\u{feff}{{\"answers\": {SELF_CARE}}}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
}

#[tokio::test]
async fn over_64_kib_is_413() {
    // Valid JSON with 70 KiB of spaces: refused for its size, not parsed.
    let big = format!("{}{}", " ".repeat(70 * 1024), SELF_CARE);
    for uri in ["/api/v1/triage", "/api/v1/explain", "/api/v1/plan", "/api/v1/card?format=pdf"] {
        post_json(uri, big.clone()).await.assert_error(StatusCode::PAYLOAD_TOO_LARGE, "larger than 64 KiB");
    }
    // Just under the limit is read.
    let under = format!("{}{}", " ".repeat(64 * 1024 - SELF_CARE.len()), SELF_CARE);
    assert_eq!(under.len(), 64 * 1024);
    assert_eq!(post_json("/api/v1/triage", under).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_body_that_is_not_json_by_its_content_type_is_415() {
    let r = send(request(Method::POST, "/api/v1/triage", Some("text/plain"), SELF_CARE)).await;
    r.assert_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "must be JSON");
    let r = send(request(Method::POST, "/api/v1/plan", Some("application/x-www-form-urlencoded"), "a=b")).await;
    r.assert_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "must be JSON");
    // No Content-Type at all is read as JSON (curl --data-binary without -H).
    let r = send(request(Method::POST, "/api/v1/triage", None, SELF_CARE)).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = send(request(Method::POST, "/api/v1/triage", Some("application/json; charset=utf-8"), SELF_CARE)).await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn unknown_routes_methods_and_query_parameters_are_json_errors() {
    get("/api/v1/nothing").await.assert_error(StatusCode::NOT_FOUND, "/api/v1/nothing");
    let r = get("/api/v1/triage").await;
    r.assert_error(StatusCode::METHOD_NOT_ALLOWED, "GET is not allowed on /api/v1/triage");
    assert_eq!(r.headers.get(header::ALLOW).and_then(|v| v.to_str().ok()), Some("POST"));
    post_json("/api/v1/triage?minutes=5", SELF_CARE).await.assert_error(StatusCode::BAD_REQUEST, "unknown query parameter \"minutes\"");
    post_json("/api/v1/plan?minutes=6&minutes=7", SELF_CARE).await.assert_error(StatusCode::BAD_REQUEST, "more than once");
}

fn explain_doc(answers: &str) -> String {
    let a = spotter_app::read_answers(kb(), answers, "test").expect("answers");
    serde_json::to_string_pretty(&spotter_app::explain(kb(), &a).1).expect("json") + "\n"
}

fn plan_doc(answers: &str, minutes: Option<f64>) -> String {
    let a = spotter_app::read_answers(kb(), answers, "test").expect("answers");
    serde_json::to_string_pretty(&spotter_app::plan(kb(), &a, minutes).expect("plan").1).expect("json") + "\n"
}

#[tokio::test]
async fn explain_takes_a_bare_or_a_wrapped_answers_object() {
    let bare = post_json("/api/v1/explain", SELF_CARE).await;
    assert_eq!(bare.status, StatusCode::OK, "{}", bare.text());
    assert_eq!(bare.text(), explain_doc(SELF_CARE));
    assert!(!bare.json()["causes"].as_array().expect("causes").is_empty());
    let wrapped = post_json("/api/v1/explain", format!("{{\"answers\": {SELF_CARE}}}")).await;
    assert_eq!(wrapped.text(), bare.text());
    let with_null = post_json("/api/v1/explain", format!("{{\"answers\": {SELF_CARE}, \"analysis\": null}}")).await;
    assert_eq!(with_null.text(), bare.text());
    // At `urgent` the cause finder refuses, and says why.
    let urgent = post_json("/api/v1/explain", URGENT).await.json();
    assert_eq!(urgent["tier"], "urgent");
    assert_eq!(urgent["causes"], serde_json::json!([]));
    assert!(urgent["refused"].as_str().is_some_and(|s| s.contains("urgent")));
}

#[tokio::test]
async fn a_wrapped_request_is_checked_field_by_field() {
    let r = post_json("/api/v1/explain", format!("{{\"answers\": {SELF_CARE}, \"minutes\": 5}}")).await;
    r.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "unknown field \"minutes\"");
    let r = post_json("/api/v1/explain", r#"{"answers": [1, 2]}"#).await;
    r.assert_error(StatusCode::BAD_REQUEST, "invalid answers in `answers`");
    let r = post_json("/api/v1/plan", format!("{{\"answers\": {SELF_CARE}, \"analysis\": {{\"tier\": \"self_care\"}}}}")).await;
    r.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid analysis in `analysis`");
    let r = post_json("/api/v1/plan", format!("{{\"answers\": {}}}", without(SELF_CARE, &["saddle_numbness"]))).await;
    let v = r.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "saddle_numbness");
    assert_eq!(v["items"], serde_json::json!(["saddle_numbness"]));
}

#[tokio::test]
async fn plan_is_the_cli_document_and_minutes_is_5_to_10() {
    let r = post_json("/api/v1/plan", SELF_CARE).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.text(), plan_doc(SELF_CARE, None));
    let r = post_json("/api/v1/plan?minutes=8", SELF_CARE).await;
    assert_eq!(r.text(), plan_doc(SELF_CARE, Some(8.0)));
    assert_eq!(r.json()["warmup_seconds"], 480);
    for m in ["5", "10", "7.5"] {
        assert_eq!(post_json(&format!("/api/v1/plan?minutes={m}"), SELF_CARE).await.status, StatusCode::OK, "{m}");
    }
    for m in ["4.9", "11", "0", "-5"] {
        post_json(&format!("/api/v1/plan?minutes={m}"), SELF_CARE).await.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "5 to 10 minutes");
    }
    for m in ["abc", "", "NaN", "inf"] {
        post_json(&format!("/api/v1/plan?minutes={m}"), SELF_CARE).await.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "minutes must be a number");
    }
    // An emergency plan holds no training blocks.
    let v = post_json("/api/v1/plan", EMERGENCY).await.json();
    assert_eq!(v["tier"], "emergency");
    assert_eq!(v["blocks"], serde_json::json!([]));
}

#[tokio::test]
async fn the_card_comes_in_three_formats_with_their_content_types() {
    let pdf = post_json("/api/v1/card?format=pdf", SELF_CARE).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.content_type(), "application/pdf");
    assert!(pdf.body.starts_with(b"%PDF-"));
    let png = post_json("/api/v1/card?format=png&minutes=6", format!("{{\"answers\": {SELF_CARE}}}")).await;
    assert_eq!(png.content_type(), "image/png");
    assert!(png.body.starts_with(b"\x89PNG\r\n\x1a\n"));
    // 2 pixels per point of the A5 page, as the CLI's card.png.
    assert_eq!(spotter_report::png_size_px(&png.body), Some((839, 1191)));
    let svg = post_json("/api/v1/card?format=svg", SELF_CARE).await;
    assert_eq!(svg.content_type(), "image/svg+xml");
    assert!(svg.text().contains("<svg"));
    post_json("/api/v1/card", SELF_CARE).await.assert_error(StatusCode::BAD_REQUEST, "format is missing");
    post_json("/api/v1/card?format=docx", SELF_CARE).await.assert_error(StatusCode::BAD_REQUEST, "format must be pdf, png or svg");
    post_json("/api/v1/card?format=pdf&minutes=12", SELF_CARE).await.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "5 to 10 minutes");
}

//! The diary on the web (spec/memory.md): the JSON routes give the CLI's documents, refuse bad
//! input with 4xx naming the field and leave what is stored unchanged; the /diary page logs a
//! day without JavaScript and shows the alerts, the chart and the warm-up view. Each test has a
//! SQLite file of its own.

use super::*;
use spotter_app::diary::DiaryBook;
use spotter_store::Location;

const SEED: &str = include_str!("../../../../examples/diary-seed-story.json");

struct Db {
    dir: std::path::PathBuf,
    state: AppState,
}

impl Db {
    fn location(&self) -> Location {
        Location::Sqlite { path: self.dir.join("spotter.db") }
    }

    async fn send(&self, req: Request<Body>) -> Resp {
        let r = router(self.state.clone()).oneshot(req).await.expect("the router answers");
        let status = r.status();
        let headers = r.headers().clone();
        let body = http_body_util::BodyExt::collect(r.into_body()).await.expect("body").to_bytes().to_vec();
        Resp { status, headers, body }
    }

    async fn get(&self, uri: &str) -> Resp {
        self.send(request(Method::GET, uri, None, Body::empty())).await
    }

    async fn post_json(&self, uri: &str, body: &str) -> Resp {
        self.send(request(Method::POST, uri, Some("application/json"), body.to_string())).await
    }

    async fn post_form(&self, uri: &str, body: &str) -> Resp {
        self.send(request(Method::POST, uri, Some("application/x-www-form-urlencoded"), body.to_string())).await
    }

    /// Runs `f` with a book of the file on a thread of its own (the store may not run on the
    /// test's runtime).
    fn with_book<T: Send + 'static>(&self, f: impl FnOnce(&DiaryBook) -> T + Send + 'static) -> T {
        let loc = self.location();
        std::thread::spawn(move || f(&DiaryBook::open(&loc).expect("opens"))).join().expect("thread")
    }
}

async fn db(name: &str) -> Db {
    let dir = std::env::temp_dir().join(format!("spotter-server-diary-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let location = Location::Sqlite { path: dir.join("spotter.db") };
    let state = AppState::builtin().expect("kb").with_diary(location).await.expect("the diary opens");
    Db { dir, state }
}

fn today() -> String {
    spotter_app::diary::today().to_string()
}

fn days_ago(n: i64) -> String {
    spotter_app::diary::today().add_days(-n).expect("date").to_string()
}

fn entry(date: &str, pain: u8) -> String {
    format!(r#"{{"date": "{date}", "pain_now": {pain}, "trained": false}}"#)
}

#[tokio::test]
async fn an_entry_is_stored_and_listed_as_the_cli_lists_it() {
    let d = db("add").await;
    let body = format!(
        r#"{{"date": "{}", "pain_now": 4, "pain_worst_24h": 6, "trained": true, "exercises": ["back_squat"], "warmed_up": false, "pain_after_training": 6, "note": "third set"}}"#,
        days_ago(1)
    );
    let r = d.post_json("/api/v1/diary", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_i64().expect("an id");
    let list = d.get("/api/v1/diary").await;
    assert_eq!(list.status, StatusCode::OK);
    let cli = d.with_book(|b| serde_json::to_string_pretty(&b.list_json().expect("list")).expect("json") + "\n");
    assert_eq!(list.text(), cli, "the same document as `spotter diary list --format json`");
    let entries = list.json()["entries"].as_array().expect("entries").clone();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["id"], id);
    assert_eq!(entries[0]["exercises"], serde_json::json!(["back_squat"]));
    assert_eq!(entries[0]["note"], "third set");
}

#[tokio::test]
async fn bad_entries_get_4xx_naming_the_field_and_change_nothing() {
    let d = db("bad").await;
    assert_eq!(d.post_json("/api/v1/diary", &entry(&days_ago(2), 3)).await.status, StatusCode::CREATED);
    let before = d.get("/api/v1/diary").await.text();
    let tomorrow = spotter_app::diary::today().add_days(1).expect("date").to_string();
    let long_note = format!(r#"{{"date": "{}", "pain_now": 1, "trained": false, "note": "{}"}}"#, days_ago(1), "x".repeat(2001));
    let cases: Vec<(String, StatusCode, &str)> = vec![
        (entry(&days_ago(1), 11), StatusCode::UNPROCESSABLE_ENTITY, "pain_now"),
        (entry("2026-02-30", 2), StatusCode::UNPROCESSABLE_ENTITY, "date"),
        (entry(&tomorrow, 2), StatusCode::UNPROCESSABLE_ENTITY, "date"),
        (
            format!(r#"{{"date": "{}", "pain_now": 2, "trained": true, "exercises": ["bench_press_on_a_ball"]}}"#, days_ago(1)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "exercises",
        ),
        (format!(r#"{{"date": "{}", "pain_now": 2, "trained": false, "answers": {{"not_an_item": true}}}}"#, days_ago(1)), StatusCode::UNPROCESSABLE_ENTITY, "answers"),
        (long_note, StatusCode::UNPROCESSABLE_ENTITY, "note"),
        (format!(r#"{{"date": "{}", "trained": false}}"#, days_ago(1)), StatusCode::UNPROCESSABLE_ENTITY, "pain_now"),
        (entry(&days_ago(2), 5), StatusCode::CONFLICT, "date"),
    ];
    for (body, status, field) in &cases {
        let r = d.post_json("/api/v1/diary", body).await;
        let v = r.assert_error(*status, field);
        let fields: Vec<&str> = v["fields"].as_array().expect("fields").iter().filter_map(|f| f.as_str()).collect();
        assert!(fields.iter().any(|f| f.starts_with(field)), "{field} not among {fields:?} for {}", &body[..body.len().min(80)]);
    }
    d.post_json("/api/v1/diary", "{not json").await.assert_error(StatusCode::BAD_REQUEST, "not valid JSON");
    d.post_json("/api/v1/diary", "").await.assert_error(StatusCode::BAD_REQUEST, "empty");
    d.send(request(Method::POST, "/api/v1/diary", Some("text/plain"), entry(&days_ago(1), 1))).await.assert_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "JSON");
    d.post_json("/api/v1/diary?replace=maybe", &entry(&days_ago(1), 1)).await.assert_error(StatusCode::BAD_REQUEST, "replace");
    assert_eq!(d.get("/api/v1/diary").await.text(), before, "nothing stored changed");
    // ?replace=true replaces the date's entry and keeps the old version.
    let r = d.post_json("/api/v1/diary?replace=true", &entry(&days_ago(2), 5)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(d.get("/api/v1/diary").await.json()["entries"][0]["pain_now"], 5);
    let date = spotter_diary::Date::parse(&days_ago(2)).expect("date");
    let versions = d.with_book(move |b| b.entry_versions(date).expect("versions").len());
    assert_eq!(versions, 2, "the old version is kept");
}

#[tokio::test]
async fn a_check_is_triaged_stored_and_read_by_the_status() {
    let d = db("check").await;
    assert_eq!(d.get("/api/v1/diary/status").await.json()["triage"], serde_json::Value::Null);
    let r = d.post_json("/api/v1/checks", SELF_CARE).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.text(), cli_triage_json(SELF_CARE), "the triage document, as `spotter diary check` prints it");
    let status = d.get("/api/v1/diary/status").await;
    assert_eq!(status.status, StatusCode::OK);
    assert_eq!(status.json()["triage"]["tier"], "self_care");
    let kb = kb();
    let cli = d.with_book(|b| {
        let diary = b.diary(kb).expect("diary");
        serde_json::to_string_pretty(&spotter_diary::status(kb, &diary).to_json()).expect("json") + "\n"
    });
    assert_eq!(status.text(), cli, "the same document as `spotter diary status --format json`");
    // A dated check; a future date or an invalid answer is refused and nothing is stored.
    assert_eq!(d.post_json(&format!("/api/v1/checks?date={}", days_ago(3)), URGENT).await.status, StatusCode::CREATED);
    let tomorrow = spotter_app::diary::today().add_days(1).expect("date").to_string();
    d.post_json(&format!("/api/v1/checks?date={tomorrow}"), SELF_CARE).await.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "future");
    d.post_json("/api/v1/checks", r#"{"fever": "very"}"#).await.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "fever");
    let checks = d.with_book(|b| b.diary(kb).expect("diary").checks().len());
    assert_eq!(checks, 2);
}

#[tokio::test]
async fn the_seed_story_exports_as_the_cli_exports_it() {
    let d = db("export").await;
    let kb = kb();
    let imported = d.with_book(|b| b.import_json(kb, SEED, "seed", spotter_app::diary::today()).expect("imports"));
    assert_eq!(imported.entries_added, 7);
    let json = d.get("/api/v1/export?format=json").await;
    assert_eq!(json.status, StatusCode::OK);
    assert_eq!(json.content_type(), "application/json");
    assert_eq!(json.text(), d.with_book(|b| b.export_json(kb).expect("export")));
    let csv = d.get("/api/v1/export?format=csv").await;
    assert_eq!(csv.content_type(), "text/csv; charset=utf-8");
    assert_eq!(csv.text(), d.with_book(|b| spotter_app::diary::entries_csv(&b.diary(kb).expect("diary"))));
    assert_eq!(csv.text().lines().count(), 8, "a header and 7 days");
    let fhir = d.get("/api/v1/export?format=fhir").await;
    assert_eq!(fhir.content_type(), "application/fhir+json");
    let bundle = fhir.json();
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "collection");
    assert!(fhir.headers.get(header::CONTENT_DISPOSITION).is_some_and(|v| v.to_str().unwrap_or("").starts_with("attachment")));
    d.get("/api/v1/export").await.assert_error(StatusCode::BAD_REQUEST, "format is missing");
    d.get("/api/v1/export?format=docx").await.assert_error(StatusCode::BAD_REQUEST, "json, csv, fhir or pdf");
    let pdf = d.get("/api/v1/export?format=pdf").await;
    assert_eq!(pdf.status, StatusCode::OK, "{}", String::from_utf8_lossy(&pdf.body[..pdf.body.len().min(300)]));
    assert_eq!(pdf.content_type(), "application/pdf");
    assert!(pdf.body.starts_with(b"%PDF-"));
    // The status of the seed story: no improvement after three rest days, book a professional.
    let st = d.get("/api/v1/diary/status").await.json();
    assert_eq!(st["triage"]["tier"], "see_professional", "{st}");
    let ids: Vec<&str> = st["alerts"].as_array().expect("alerts").iter().filter_map(|a| a["id"].as_str()).collect();
    assert!(ids.contains(&"no_improvement_after_rest"), "{ids:?}");
}

#[tokio::test]
async fn the_diary_page_shows_the_alerts_the_chart_and_logs_a_day_without_javascript() {
    let d = db("page").await;
    let kb = kb();
    let empty = d.get("/diary").await;
    assert_eq!(empty.status, StatusCode::OK);
    let html = empty.text();
    assert!(html.contains("data-alert=\"needs_check\""), "no check saved yet is said");
    assert!(html.contains("No days logged yet"));
    assert!(html.contains("name=\"pain_now\" value=\"10\""));
    d.with_book(|b| b.import_json(kb, SEED, "seed", spotter_app::diary::today()).expect("imports"));
    let html = d.get("/diary").await.text();
    // The alerts come before the form and the chart.
    let alert = html.find("data-alert=\"no_improvement_after_rest\"").expect("the alert is shown");
    assert!(alert < html.find("<form").expect("a form") && alert < html.find("<svg").expect("a chart"));
    assert!(html.contains("data-tier=\"see_professional\""));
    // 7 days logged: 7 points; training days marked (filled when warmed up).
    let svg = &html[html.find("<svg").unwrap()..html.find("</svg>").unwrap()];
    assert_eq!(svg.matches("<circle").count(), 7);
    let seed: serde_json::Value = serde_json::from_str(SEED).unwrap();
    let trained = seed["entries"].as_array().unwrap().iter().filter(|e| e["trained"] == true).count();
    let warmed = seed["entries"].as_array().unwrap().iter().filter(|e| e["warmed_up"] == true).count();
    assert_eq!(svg.matches("<rect").count(), trained);
    assert_eq!(svg.matches("fill=\"#000\" stroke=\"#000\" stroke-width=\"1.5\"").count(), warmed, "filled squares: warmed up");
    assert!(html.contains("<table>"), "the days as a table");
    // Log today with the form: 303 to the page, which says it is saved.
    let form = format!("date={}&pain_now=3&trained=true&exercises=back_squat&exercises=walking_lunge&warmed_up=true&pain_after_training=2&note=ok", today());
    let r = d.post_form("/diary", &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let to = r.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).expect("a Location").to_string();
    assert_eq!(to, format!("/diary?saved={}", today()));
    assert!(d.get(&to).await.text().contains("Saved: your entry for"));
    let last = d.get("/api/v1/diary").await.json()["entries"].as_array().unwrap().last().cloned().unwrap();
    assert_eq!(last["date"], today());
    assert_eq!(last["exercises"], serde_json::json!(["back_squat", "walking_lunge"]));
    assert_eq!(last["warmed_up"], true);
    // The same day again: the page offers to replace it, carrying what was sent.
    let again = d.post_form("/diary", &format!("date={}&pain_now=6&trained=false", today())).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let offer = again.text();
    assert!(offer.contains("name=\"replace\" value=\"true\"") && offer.contains("name=\"pain_now\" value=\"6\""));
    let r = d.post_form("/diary", &format!("date={}&pain_now=6&trained=false&replace=true", today())).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let last = d.get("/api/v1/diary").await.json()["entries"].as_array().unwrap().last().cloned().unwrap();
    assert_eq!((last["pain_now"].as_i64(), last["trained"].as_bool()), (Some(6), Some(false)));
    // A rest day keeps no training fields; a bad pain is refused naming the field, nothing saved.
    let before = d.get("/api/v1/diary").await.text();
    let bad = d.post_form("/diary", &format!("date={}&pain_now=12&trained=false", days_ago(1))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("pain_now"), "{}", bad.text());
    let bad = d.post_form("/diary", &format!("date={}&pain_now=2", days_ago(1))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("trained"));
    let bad = d.post_form("/diary", &format!("date={}&pain_now=2&trained=false&colour=red", days_ago(1))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(d.get("/api/v1/diary").await.text(), before);
    let rest = d.post_form("/diary", &format!("date={}&pain_now=2&trained=false&exercises=back_squat&pain_after_training=4", days_ago(1))).await;
    assert_eq!(rest.status, StatusCode::SEE_OTHER, "{}", rest.text());
}

#[tokio::test]
async fn the_check_result_offers_to_save_it_in_the_diary() {
    let d = db("save-check").await;
    let form = super::pages::as_form(SELF_CARE);
    let result = d.post_form("/check", &form).await;
    assert_eq!(result.status, StatusCode::OK);
    let page = result.text();
    assert!(page.contains("action=\"/diary/check\""), "the result offers to save the check");
    // The button to go on comes first; the save button last.
    assert!(page.find("action=\"/check\"").expect("go on") < page.find("action=\"/diary/check\"").unwrap());
    let r = d.post_form("/diary/check", &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let st = d.get("/api/v1/diary/status").await.json();
    assert_eq!(st["triage"]["tier"], "self_care");
    // Without a diary the page does not offer it.
    assert!(!post_form("/check", form.clone()).await.text().contains("/diary/check"));
}

#[tokio::test]
async fn a_server_without_a_diary_says_so() {
    get("/api/v1/diary").await.assert_error(StatusCode::SERVICE_UNAVAILABLE, "without a diary");
    post_json("/api/v1/checks", SELF_CARE).await.assert_error(StatusCode::SERVICE_UNAVAILABLE, "without a diary");
}

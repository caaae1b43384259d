//! The pain diary on the web (spec/memory.md): the JSON routes `POST/GET /api/v1/diary`,
//! `GET /api/v1/diary/status`, `POST /api/v1/checks`, `GET /api/v1/export?format=`, and the
//! `/diary` page (log today in a few taps, the alerts on top, the pain chart with training and
//! warm-up days marked, the warm-up view), which works without JavaScript.
//!
//! Every store call runs on a blocking thread (the store drives its own small runtime); a write is
//! answered only once the store says it is durable. The documents are those of `spotter diary ...
//! --format json`, made by the same application layer.

use crate::AppState;
use crate::api::{body_text, json_response, pretty, query_params, shorten};
use crate::error::ApiError;
use crate::html::{Page, esc};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use spotter_app::diary::{DiaryAppError, DiaryBook};
use spotter_diary::{Date, Diary, DiaryError, Status};
use spotter_kb::Kb;
use spotter_store::{Location, StoreError};
use std::fmt::Write as _;
use std::sync::Arc;

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/v1/diary", post(add_entry).get(list))
        .route("/api/v1/diary/status", get(status))
        .route("/api/v1/checks", post(add_check))
        .route("/api/v1/export", get(export))
        .route("/diary", get(diary_page).post(diary_form))
        .route("/diary/check", post(save_check_form))
}

/// The diary the server writes to, opened once at start. Dropped on a thread of its own: the store
/// owns a runtime, which may not be dropped on one of the server's.
pub struct SharedDiary {
    book: Option<DiaryBook>,
}

impl SharedDiary {
    /// Opens (making on first use) the database at `location`. Blocks: call it from a blocking
    /// thread or before the server's runtime runs.
    pub fn open(location: &Location) -> Result<SharedDiary, DiaryAppError> {
        Ok(SharedDiary { book: Some(DiaryBook::open(location)?) })
    }

    fn book(&self) -> &DiaryBook {
        // Only `drop` takes it.
        self.book.as_ref().expect("the diary is open until dropped")
    }
}

impl Drop for SharedDiary {
    fn drop(&mut self) {
        if let Some(book) = self.book.take() {
            let _ = std::thread::spawn(move || drop(book)).join();
        }
    }
}

/// Runs `f` with the diary on a blocking thread; 503 when this server has no diary.
async fn with_diary<T: Send + 'static>(
    s: &AppState,
    f: impl FnOnce(&Kb, &DiaryBook) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let Some(diary) = s.diary.clone() else {
        return Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "this server was started without a diary database"));
    };
    let kb = s.kb.clone();
    tokio::task::spawn_blocking(move || f(&kb, diary.book())).await.map_err(|e| {
        tracing::error!(error = %e, "diary task failed");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "the diary could not be reached")
    })?
}

/// A refusal of the diary, in HTTP: the person's input 4xx naming the field, the machine's 500.
pub fn diary_error(e: &DiaryAppError) -> ApiError {
    match e {
        DiaryAppError::Input { what, error } => {
            let status = match error {
                DiaryError::Syntax { .. } | DiaryError::NotAnObject { .. } => StatusCode::BAD_REQUEST,
                DiaryError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
                DiaryError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let fields: Vec<String> = error.fields().into_iter().filter(|f| !f.is_empty()).map(str::to_string).collect();
            let mut a = ApiError::new(status, format!("{what}: {error}"));
            if !fields.is_empty() {
                a.fields = Some(fields);
            }
            a
        }
        DiaryAppError::Store(StoreError::DateTaken { date }) => {
            let mut a = ApiError::new(
                StatusCode::CONFLICT,
                format!("`date`: the diary already has an entry for {date}; send it again with ?replace=true to replace it (the old one is kept)"),
            );
            a.fields = Some(vec!["date".into()]);
            a
        }
        DiaryAppError::Store(se) if se.is_bad_input() => {
            let mut a = ApiError::unprocessable(se.to_string());
            a.fields = se.field().map(|f| vec![f.to_string()]);
            a
        }
        DiaryAppError::Store(se) => {
            tracing::error!(error = %se, "diary store failed");
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "the diary could not be read or written; nothing was changed by this request")
        }
    }
}

fn de(e: DiaryAppError) -> ApiError {
    diary_error(&e)
}

/// `replace=true|false`.
fn replace_param(v: Option<&String>) -> Result<bool, ApiError> {
    match v.map(String::as_str) {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(o) => Err(ApiError::bad_request(format!("replace must be true or false, got {:?}", shorten(o)))),
    }
}

/// `date=YYYY-MM-DD`, not after today; today when not given.
fn date_param(v: Option<&String>, today: Date) -> Result<Date, ApiError> {
    let Some(t) = v else { return Ok(today) };
    let d = Date::parse(t).map_err(|e| field_error("date", format!("`date` {:?}: {e}", shorten(t))))?;
    if d > today {
        return Err(field_error("date", format!("`date` {d}: the date is in the future (today is {today})")));
    }
    Ok(d)
}

fn field_error(field: &str, message: String) -> ApiError {
    let mut a = ApiError::unprocessable(message);
    a.fields = Some(vec![field.to_string()]);
    a
}

async fn add_entry(State(s): State<AppState>, headers: HeaderMap, RawQuery(q): RawQuery, body: Result<Bytes, BytesRejection>) -> Result<Response, ApiError> {
    let params = query_params(q.as_deref(), &["replace"])?;
    let replace = replace_param(params.get("replace"))?;
    let text = body_text(&headers, body)?;
    let id = with_diary(&s, move |kb, book| book.add_entry_json(kb, &text, "the request body", spotter_app::diary::today(), replace).map_err(de)).await?;
    Ok(json_response(StatusCode::CREATED, pretty(&serde_json::json!({ "id": id.0 }))))
}

async fn list(State(s): State<AppState>, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    query_params(q.as_deref(), &[])?;
    let doc = with_diary(&s, |_, book| book.list_json().map_err(de)).await?;
    Ok(json_response(StatusCode::OK, pretty(&doc)))
}

async fn status(State(s): State<AppState>, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    query_params(q.as_deref(), &[])?;
    let text = with_diary(&s, |kb, book| {
        let diary = book.diary(kb).map_err(de)?;
        Ok(pretty(&spotter_diary::status(kb, &diary).to_json()))
    })
    .await?;
    Ok(json_response(StatusCode::OK, text))
}

/// As `spotter diary check`: triage of the answers, stored with its result; the answer is the
/// triage document.
async fn add_check(State(s): State<AppState>, headers: HeaderMap, RawQuery(q): RawQuery, body: Result<Bytes, BytesRejection>) -> Result<Response, ApiError> {
    let params = query_params(q.as_deref(), &["date"])?;
    let date = date_param(params.get("date"), spotter_app::diary::today())?;
    let text = body_text(&headers, body)?;
    let answers = spotter_app::read_answers(&s.kb, &text, "the request body").map_err(|e| ApiError::from_app(&e))?;
    let result = with_diary(&s, move |kb, book| {
        let result = pretty(&spotter_app::triage(kb, &answers).doc);
        book.record_check(kb, date, answers, &result).map_err(de)?;
        Ok(result)
    })
    .await?;
    Ok(json_response(StatusCode::CREATED, result))
}

/// What `GET /api/v1/export` can make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ExportFormat {
    Json,
    Csv,
    Fhir,
    Pdf,
}

async fn export(State(s): State<AppState>, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let params = query_params(q.as_deref(), &["format"])?;
    let format = match params.get("format").map(String::as_str) {
        None => return Err(ApiError::bad_request("format is missing: add ?format=json, ?format=csv, ?format=fhir or ?format=pdf")),
        Some("json") => ExportFormat::Json,
        Some("csv") => ExportFormat::Csv,
        Some("fhir") => ExportFormat::Fhir,
        Some("pdf") => ExportFormat::Pdf,
        Some(o) => return Err(ApiError::bad_request(format!("format must be json, csv, fhir or pdf, got {:?}", shorten(o)))),
    };
    // The PDF takes a typst layout: it waits for a slot for CPU-heavy work like the card.
    let _slot = if format == ExportFormat::Pdf { s.heavy_slot().await } else { None };
    let text: Vec<u8> = with_diary(&s, move |kb, book| match format {
        ExportFormat::Json => book.export_json(kb).map(String::into_bytes).map_err(de),
        ExportFormat::Csv => Ok(spotter_app::diary::entries_csv(&book.diary(kb).map_err(de)?).into_bytes()),
        ExportFormat::Fhir => Ok(pretty(&spotter_app::diary::fhir_bundle(&book.diary(kb).map_err(de)?)).into_bytes()),
        ExportFormat::Pdf => spotter_app::diary::clinician_pdf(kb, &book.diary(kb).map_err(de)?, None).map_err(|e| {
            tracing::error!(error = %e, "clinician summary failed");
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "the summary could not be made")
        }),
    })
    .await?;
    let (ct, name) = match format {
        ExportFormat::Json => ("application/json", "spotter-diary.json"),
        ExportFormat::Csv => ("text/csv; charset=utf-8", "spotter-diary.csv"),
        ExportFormat::Fhir => ("application/fhir+json", "spotter-diary-fhir.json"),
        ExportFormat::Pdf => ("application/pdf", "spotter-diary-summary.pdf"),
    };
    let mut r = text.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

// ---------------------------------------------------------------------------------------------
// The /diary page.

/// The fields of the page's "log today" form.
const FORM_FIELDS: [&str; 9] = ["date", "pain_now", "trained", "exercises", "warmed_up", "pain_after_training", "worse_at_night", "note", "replace"];

/// The form's fields as the entry JSON the API takes (read by the same reader). Fields left empty
/// are left out; on a rest day the training-only fields are not kept (the page says so).
pub fn entry_from_form(body: &[u8]) -> Result<(String, bool, Vec<(String, String)>), ApiError> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (k, v) in form_urlencoded::parse(body) {
        if !FORM_FIELDS.contains(&k.as_ref()) {
            return Err(ApiError::unprocessable(format!("the form sent a field the diary does not know ({:?})", shorten(&k))));
        }
        pairs.push((k.into_owned(), v.into_owned()));
    }
    let one = |name: &str| -> Result<Option<String>, ApiError> {
        let mut vs = pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty());
        let first = vs.next().map(str::to_string);
        if vs.next().is_some() {
            return Err(field_error(name, format!("`{name}` was sent more than once")));
        }
        Ok(first)
    };
    let number = |name: &str, v: &str| -> Result<serde_json::Value, ApiError> {
        v.parse::<i64>().map(serde_json::Value::from).map_err(|_| field_error(name, format!("`{name}`: expected a whole number from 0 to 10, got {:?}", shorten(v))))
    };
    let yes_no = |name: &str, v: &str| -> Result<bool, ApiError> {
        match v {
            "true" => Ok(true),
            "false" => Ok(false),
            o => Err(field_error(name, format!("`{name}`: expected true or false, got {:?}", shorten(o)))),
        }
    };
    let mut e = serde_json::Map::new();
    if let Some(d) = one("date")? {
        e.insert("date".into(), d.into());
    }
    if let Some(p) = one("pain_now")? {
        e.insert("pain_now".into(), number("pain_now", &p)?);
    }
    let trained = match one("trained")? {
        Some(t) => yes_no("trained", &t)?,
        None => return Err(field_error("trained", "`trained`: say whether you trained today".into())),
    };
    e.insert("trained".into(), trained.into());
    if trained {
        let exercises: Vec<serde_json::Value> =
            pairs.iter().filter(|(k, v)| k == "exercises" && !v.trim().is_empty()).map(|(_, v)| v.trim().into()).collect();
        if !exercises.is_empty() {
            e.insert("exercises".into(), exercises.into());
        }
        if let Some(w) = one("warmed_up")? {
            e.insert("warmed_up".into(), yes_no("warmed_up", &w)?.into());
        }
        if let Some(p) = one("pain_after_training")? {
            e.insert("pain_after_training".into(), number("pain_after_training", &p)?);
        }
    }
    if let Some(n) = one("worse_at_night")? {
        e.insert("worse_at_night".into(), yes_no("worse_at_night", &n)?.into());
    }
    if let Some(n) = one("note")? {
        e.insert("note".into(), n.into());
    }
    let replace = match one("replace")? {
        Some(r) => yes_no("replace", &r)?,
        None => false,
    };
    Ok((serde_json::Value::Object(e).to_string(), replace, pairs))
}

fn html(status: StatusCode, p: Page<'_>, disclaimer: &str) -> Response {
    let mut r = (status, p.render(disclaimer)).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    r
}

fn see_other(to: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

fn is_form(headers: &HeaderMap) -> bool {
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    ct.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/x-www-form-urlencoded")
}

fn form_page_error(kb: &Kb, e: &ApiError) -> Response {
    let message = format!("{} Nothing was saved; go back to the diary and try again.", e.message);
    let main = format!(
        "<h1>Not saved</h1>\n<p class=\"error\" role=\"alert\">{}</p>\n<p><a class=\"button\" href=\"/diary\">Back to the diary</a></p>",
        esc(&message)
    );
    html(e.status, Page { title: "Not saved", main, header: true, body_class: "error-page" }, &kb.disclaimer)
}

async fn diary_form(State(s): State<AppState>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    if !is_form(&headers) {
        return form_page_error(&s.kb, &ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "This page takes its own form only."));
    }
    let bytes = match body {
        Ok(b) => b,
        Err(e) => return form_page_error(&s.kb, &ApiError::new(e.status(), "The form could not be read.")),
    };
    let (json, replace, pairs) = match entry_from_form(&bytes) {
        Ok(x) => x,
        Err(e) => return form_page_error(&s.kb, &e),
    };
    let saved = with_diary(&s, move |kb, book| {
        let id = book.add_entry_json(kb, &json, "the day", spotter_app::diary::today(), replace).map_err(de)?;
        let date = book.entries().map_err(de)?.into_iter().find(|e| e.id == id).map(|e| e.record.date.to_string());
        Ok(date)
    })
    .await;
    match saved {
        Ok(date) => see_other(&format!("/diary?saved={}", date.unwrap_or_default())),
        Err(e) if e.status == StatusCode::CONFLICT => replace_offer(&s.kb, &pairs),
        Err(e) => form_page_error(&s.kb, &e),
    }
}

/// The page for a day that already has an entry: replace it (the old one is kept) or go back.
fn replace_offer(kb: &Kb, pairs: &[(String, String)]) -> Response {
    let date = pairs.iter().find(|(k, _)| k == "date").map(|(_, v)| v.as_str()).unwrap_or("");
    let mut hidden = String::new();
    for (k, v) in pairs.iter().filter(|(k, _)| k != "replace") {
        let _ = writeln!(hidden, "<input type=\"hidden\" name=\"{}\" value=\"{}\">", esc(k), esc(v));
    }
    let main = format!(
        "<h1>This day is already in the diary</h1>\n<p role=\"alert\">The diary already has an entry for {}. Replace it with the one you just sent? \
         The old one is kept in the diary's history.</p>\n<form method=\"post\" action=\"/diary\" class=\"actions\">\n{hidden}\
         <input type=\"hidden\" name=\"replace\" value=\"true\">\n<button type=\"submit\">Replace the entry</button>\n</form>\n\
         <p><a href=\"/diary\">Keep the old entry</a></p>",
        esc(date)
    );
    html(StatusCode::CONFLICT, Page { title: "Already logged", main, header: true, body_class: "diary" }, &kb.disclaimer)
}

/// The check's result page's "save it in my diary": the same answers, triaged again and stored.
async fn save_check_form(State(s): State<AppState>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    if !is_form(&headers) {
        return form_page_error(&s.kb, &ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "This page takes its own form only."));
    }
    let bytes = match body {
        Ok(b) => b,
        Err(e) => return form_page_error(&s.kb, &ApiError::new(e.status(), "The form could not be read.")),
    };
    let form = match crate::questionnaire::parse_form(&s.kb, &bytes, &[]) {
        Ok(f) => f,
        Err(e) => return form_page_error(&s.kb, &ApiError::unprocessable(e.message)),
    };
    let answers = form.answers;
    let saved = with_diary(&s, move |kb, book| {
        let result = pretty(&spotter_app::triage(kb, &answers).doc);
        book.record_check(kb, spotter_app::diary::today(), answers, &result).map_err(de)
    })
    .await;
    match saved {
        Ok(_) => see_other("/diary?saved=check"),
        Err(e) => form_page_error(&s.kb, &e),
    }
}

async fn diary_page(State(s): State<AppState>, RawQuery(q): RawQuery) -> Response {
    let saved = form_urlencoded::parse(q.as_deref().unwrap_or("").as_bytes()).find(|(k, _)| k == "saved").map(|(_, v)| v.into_owned());
    let loaded = with_diary(&s, |kb, book| book.diary(kb).map_err(de)).await;
    match loaded {
        Ok(diary) => {
            let main = page_html(&s.kb, &diary, spotter_app::diary::today(), saved.as_deref());
            html(StatusCode::OK, Page { title: "Your back diary", main, header: true, body_class: "diary" }, &s.kb.disclaimer)
        }
        Err(e) => form_page_error(&s.kb, &e),
    }
}

/// The days the chart shows: the four weeks up to the latest entry.
pub const CHART_DAYS: i64 = 28;

/// The /diary page's `<main>`.
pub fn page_html(kb: &Kb, diary: &Diary, today: Date, saved: Option<&str>) -> String {
    let st = spotter_diary::status(kb, diary);
    let mut m = String::new();
    m.push_str("<h1>Your back diary</h1>\n");
    match saved {
        Some("check") => m.push_str("<p class=\"saved\" role=\"status\">Your check is saved in the diary.</p>\n"),
        Some(d) if !d.is_empty() => {
            let _ = writeln!(m, "<p class=\"saved\" role=\"status\">Saved: your entry for {}.</p>", esc(d));
        }
        _ => {}
    }
    m.push_str(&alerts_html(kb, &st));
    m.push_str(&log_form_html(kb, today));
    m.push_str(&chart_html(diary));
    m.push_str(&adherence_html(&st));
    m.push_str(
        "<h2>Take your record with you</h2>\n<p>Everything stays on this machine until you download it.</p>\n<ul class=\"exports\">\n\
         <li><a href=\"/api/v1/export?format=json\">The whole diary (JSON, for <code>spotter diary import</code>)</a></li>\n\
         <li><a href=\"/api/v1/export?format=csv\">The days as a table (CSV)</a></li>\n\
         <li><a href=\"/api/v1/export?format=pdf\">One page for your physiotherapist or doctor (PDF)</a></li>\n\
         <li><a href=\"/api/v1/export?format=fhir\">For a clinic's records (FHIR R4 JSON)</a></li>\n</ul>\n",
    );
    m
}

fn alerts_html(kb: &Kb, st: &Status<'_>) -> String {
    let mut m = String::new();
    m.push_str("<section class=\"diary-status\" aria-labelledby=\"status-title\">\n<h2 id=\"status-title\">What your record says</h2>\n");
    if let Some(t) = &st.triage {
        let info = kb.tier_info(t.triage.tier);
        let _ = writeln!(
            m,
            "<p data-tier=\"{}\"><span class=\"tier-badge\">{}</span> {}</p>",
            t.triage.tier.id(),
            esc(&info.label),
            esc(&info.headline)
        );
    }
    if st.alerts.is_empty() {
        m.push_str("<p>Nothing in your record needs your attention.</p>\n");
    } else {
        m.push_str("<ul class=\"alerts\">\n");
        for a in &st.alerts {
            let _ = write!(m, "<li class=\"alert alert-{}\" data-alert=\"{}\">{}", a.severity.id(), a.id.id(), esc(&a.message));
            if a.id == spotter_diary::AlertId::NeedsCheck {
                m.push_str(" <a href=\"/check\">Start the check</a>");
            }
            m.push_str("</li>\n");
        }
        m.push_str("</ul>\n");
    }
    m.push_str("</section>\n");
    m
}

fn radios(m: &mut String, name: &str, values: &[(&str, &str)], checked: Option<&str>) {
    for (i, (value, label)) in values.iter().enumerate() {
        let id = format!("{name}-{i}");
        let _ = writeln!(
            m,
            "<label class=\"tap\" for=\"{id}\"><input type=\"radio\" id=\"{id}\" name=\"{name}\" value=\"{value}\"{}> {label}</label>",
            if checked == Some(value) { " checked" } else { "" }
        );
    }
}

fn pain_scale(m: &mut String, name: &str, legend: &str, required: bool) {
    let _ = writeln!(m, "<fieldset class=\"scale\">\n<legend>{legend}</legend>");
    for p in 0..=10 {
        let id = format!("{name}-{p}");
        let _ = writeln!(
            m,
            "<label class=\"tap\" for=\"{id}\"><input type=\"radio\" id=\"{id}\" name=\"{name}\" value=\"{p}\"{}> {p}</label>",
            if required && p == 0 { " required" } else { "" }
        );
    }
    m.push_str("<p class=\"hint\">0 is no pain, 10 the worst you can imagine.</p>\n</fieldset>\n");
}

fn log_form_html(kb: &Kb, today: Date) -> String {
    let mut m = String::new();
    m.push_str("<section aria-labelledby=\"log-title\">\n<h2 id=\"log-title\">Log a day</h2>\n<form method=\"post\" action=\"/diary\" class=\"diary-form\">\n");
    let _ = writeln!(
        m,
        "<p><label for=\"date\">Day</label> <input type=\"date\" id=\"date\" name=\"date\" value=\"{today}\" max=\"{today}\" required></p>"
    );
    pain_scale(&mut m, "pain_now", "How much does your back hurt now?", true);
    m.push_str("<fieldset>\n<legend>Did you train today?</legend>\n");
    radios(&mut m, "trained", &[("true", "Yes"), ("false", "No, a rest day")], None);
    m.push_str("</fieldset>\n");
    m.push_str("<fieldset class=\"training\">\n<legend>If you trained</legend>\n<p class=\"hint\">Kept only for a training day.</p>\n<p>Exercises:</p>\n");
    for (i, e) in kb.coaching.exercises.iter().enumerate() {
        let id = format!("exercise-{i}");
        let _ = writeln!(m, "<label class=\"tap\" for=\"{id}\"><input type=\"checkbox\" id=\"{id}\" name=\"exercises\" value=\"{}\"> {}</label>", esc(&e.id), esc(&e.name));
    }
    m.push_str("<fieldset>\n<legend>Did you warm up first?</legend>\n");
    radios(&mut m, "warmed_up", &[("true", "Yes"), ("false", "No")], None);
    m.push_str("</fieldset>\n");
    pain_scale(&mut m, "pain_after_training", "Pain after training", false);
    m.push_str("</fieldset>\n");
    m.push_str(
        "<p><label class=\"tap\" for=\"worse_at_night\"><input type=\"checkbox\" id=\"worse_at_night\" name=\"worse_at_night\" value=\"true\"> It was worse at night</label></p>\n",
    );
    let _ = writeln!(
        m,
        "<p><label for=\"note\">Note (optional)</label><br><textarea id=\"note\" name=\"note\" rows=\"2\" maxlength=\"{}\"></textarea></p>",
        spotter_diary::MAX_NOTE_CHARS
    );
    m.push_str("<p class=\"hint\">A new warning sign (numbness, weakness, trouble passing urine, fever)? Do the <a href=\"/check\">check</a> now instead of waiting.</p>\n");
    m.push_str("<button type=\"submit\">Save the day</button>\n</form>\n</section>\n");
    m
}

/// The pain chart: pain now (0 to 10) on each of the chart's days as a line with points, training
/// days marked with a square under the axis (filled when warmed up first), with a table of the
/// same days for screen readers and for reading exact values. Drawn with presentation attributes
/// only (the page's policy allows no inline style), legible in black and white.
pub fn chart_html(diary: &Diary) -> String {
    let entries = diary.entries();
    let mut m = String::new();
    m.push_str("<section aria-labelledby=\"chart-title\">\n<h2 id=\"chart-title\">Your pain over four weeks</h2>\n");
    let Some(last) = entries.last() else {
        m.push_str("<p>No days logged yet. Log today above; the chart fills in as you go.</p>\n</section>\n");
        return m;
    };
    let first_day = last.date.add_days(-(CHART_DAYS - 1)).unwrap_or(last.date);
    let shown: Vec<_> = entries.iter().filter(|e| e.date >= first_day).collect();
    let (w, h, left, top, plot_h) = (400.0_f64, 250.0_f64, 34.0_f64, 12.0_f64, 170.0_f64);
    let step = (w - left - 12.0) / (CHART_DAYS - 1) as f64;
    let x = |d: Date| left + d.days_since(first_day) as f64 * step;
    let y = |p: u8| top + plot_h - f64::from(p) / 10.0 * plot_h;
    let _ = writeln!(
        m,
        "<figure class=\"chart\">\n<svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"chart-svg-title chart-svg-desc\" xmlns=\"http://www.w3.org/2000/svg\">\n\
         <title id=\"chart-svg-title\">Pain now, 0 to 10, from {first_day} to {}</title>\n\
         <desc id=\"chart-svg-desc\">{} days logged. Squares under the axis mark training days: filled when you warmed up first, open when you did not or did not say.</desc>",
        last.date,
        shown.len()
    );
    for p in [0u8, 2, 4, 6, 8, 10] {
        let yy = y(p);
        let _ = writeln!(
            m,
            "<line x1=\"{left}\" y1=\"{yy:.1}\" x2=\"{:.1}\" y2=\"{yy:.1}\" stroke=\"#999\" stroke-width=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"15\" text-anchor=\"end\" fill=\"#000\">{p}</text>",
            w - 12.0,
            if p == 0 { 1.5 } else { 0.5 },
            left - 6.0,
            yy + 5.0
        );
    }
    // The line breaks where a day is missing, so no day is drawn that was not logged.
    let mut path = String::new();
    let mut prev: Option<Date> = None;
    for e in &shown {
        let cmd = if prev.is_some_and(|p| e.date.days_since(p) == 1) { 'L' } else { 'M' };
        let _ = write!(path, "{cmd}{:.1} {:.1} ", x(e.date), y(e.pain_now.points()));
        prev = Some(e.date);
    }
    let _ = writeln!(m, "<path d=\"{}\" fill=\"none\" stroke=\"#000\" stroke-width=\"2\"/>", path.trim_end());
    let marks_y = top + plot_h + 14.0;
    for e in &shown {
        let (cx, cy) = (x(e.date), y(e.pain_now.points()));
        let _ = writeln!(m, "<circle cx=\"{cx:.1}\" cy=\"{cy:.1}\" r=\"4.5\" fill=\"#000\"/>");
        if let Some(t) = &e.training {
            let fill = if t.warmed_up == Some(true) { "#000" } else { "#fff" };
            let _ = writeln!(m, "<rect x=\"{:.1}\" y=\"{marks_y:.1}\" width=\"11\" height=\"11\" fill=\"{fill}\" stroke=\"#000\" stroke-width=\"1.5\"/>", cx - 5.5);
        }
    }
    let label_y = marks_y + 34.0;
    let _ = writeln!(
        m,
        "<text x=\"{left}\" y=\"{label_y:.1}\" font-size=\"15\" fill=\"#000\">{first_day}</text><text x=\"{:.1}\" y=\"{label_y:.1}\" font-size=\"15\" text-anchor=\"end\" fill=\"#000\">{}</text>\n</svg>",
        w - 12.0,
        last.date
    );
    m.push_str(
        "<figcaption>Line: pain now. ■ trained after a warm-up, □ trained without one (or not said). A gap is a day not logged.</figcaption>\n</figure>\n",
    );
    m.push_str("<details>\n<summary>The days as a table</summary>\n<table>\n<thead><tr><th scope=\"col\">Day</th><th scope=\"col\">Pain now</th><th scope=\"col\">Training</th><th scope=\"col\">Pain after</th></tr></thead>\n<tbody>\n");
    for e in shown.iter().rev() {
        let (training, after) = match &e.training {
            Some(t) => (
                format!(
                    "{}{}",
                    if t.exercises.is_empty() { "trained".to_string() } else { t.exercises.join(", ") },
                    match t.warmed_up {
                        Some(true) => ", warmed up",
                        Some(false) => ", no warm-up",
                        None => "",
                    }
                ),
                t.pain_after_training.map(|p| p.points().to_string()).unwrap_or_default(),
            ),
            None => ("rest".to_string(), String::new()),
        };
        let _ = writeln!(m, "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", e.date, e.pain_now.points(), esc(&training), after);
    }
    m.push_str("</tbody>\n</table>\n</details>\n</section>\n");
    m
}

fn adherence_html(st: &Status<'_>) -> String {
    let mut m = String::from("<section aria-labelledby=\"warmup-title\">\n<h2 id=\"warmup-title\">Warm-up and pain after training</h2>\n");
    match &st.adherence {
        Some(a) => {
            let _ = writeln!(
                m,
                "<table>\n<thead><tr><th scope=\"col\">Training days</th><th scope=\"col\">Days</th><th scope=\"col\">Mean pain after (0 to 10)</th></tr></thead>\n<tbody>\n\
                 <tr><th scope=\"row\">With the warm-up</th><td>{}</td><td>{:.1}</td></tr>\n<tr><th scope=\"row\">Without it</th><td>{}</td><td>{:.1}</td></tr>\n</tbody>\n</table>\n<p>{}</p>",
                a.with_warm_up.training_days,
                a.with_warm_up.mean_pain_after_training,
                a.without_warm_up.training_days,
                a.without_warm_up.mean_pain_after_training,
                esc(&a.message)
            );
        }
        None => {
            let _ = writeln!(
                m,
                "<p>Once you have logged at least {} training days with the warm-up and {} without, with the pain after training, this shows how they compare for you.</p>",
                spotter_diary::MIN_ADHERENCE_DAYS,
                spotter_diary::MIN_ADHERENCE_DAYS
            );
        }
    }
    m.push_str("</section>\n");
    m
}

/// Opens the diary of `location` for a server (a blocking call, made on a blocking thread when a
/// runtime runs).
pub async fn open_shared(location: Location) -> Result<Arc<SharedDiary>, DiaryAppError> {
    match tokio::task::spawn_blocking(move || SharedDiary::open(&location)).await {
        Ok(r) => r.map(Arc::new),
        Err(e) => Err(DiaryAppError::Store(StoreError::Engine(format!("the diary could not be opened: {e}")))),
    }
}

//! The pages, rendered on the server and working without JavaScript: `/` (what Spotter is, the
//! disclaimer, the emergency list), `/check` (the questionnaire in steps, then the result, causes
//! and plan), `/plan` (the five blocks, printable) and `/plan/card` (the card as a file).
//! Every page has the knowledge base's disclaimer in its footer.

use crate::AppState;
use crate::api::{CardFormat, render_card};
use crate::error::ApiError;
use crate::html::{Page, STYLE_CSS, esc};
use crate::questionnaire::{self, FormAnswers, FormError, Next, must_answer, offered_values};
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use spotter_kb::{Item, ItemKind, Kb, Tier};
use spotter_triage::{Answer, Answers};
use std::fmt::Write as _;

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/", get(home))
        .route("/check", get(check_start).post(check_step))
        .route("/plan", get(plan_start).post(plan_page))
        .route("/plan/card", axum::routing::post(plan_card))
        .route("/plan/calendar", axum::routing::post(plan_calendar))
        .route("/assets/style.css", get(style_css))
        .fallback(not_found)
}

async fn style_css() -> Response {
    let mut r = STYLE_CSS.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

async fn not_found(State(s): State<AppState>, uri: Uri) -> Response {
    let path = crate::api::shorten(uri.path());
    if crate::layers::is_api(uri.path()) {
        return ApiError::new(StatusCode::NOT_FOUND, format!("there is nothing at {path}; the routes are listed at /api/v1/openapi.json"))
            .into_response();
    }
    error_page(&s.kb.disclaimer, StatusCode::NOT_FOUND, &format!("There is no page at {path}."))
}

/// A page that says what went wrong, with the way back to the check.
pub fn error_page(disclaimer: &str, status: StatusCode, message: &str) -> Response {
    let main = format!(
        "<h1>{}</h1>\n<p class=\"error\" role=\"alert\">{}</p>\n<p><a class=\"button\" href=\"/check\">Start the check again</a> <a href=\"/\">About Spotter</a></p>",
        esc(status.canonical_reason().unwrap_or("Something went wrong")),
        esc(message)
    );
    page(status, Page { title: "Something went wrong", main, header: true, body_class: "error-page" }, disclaimer)
}

/// A page of the app with its status (for the other page modules).
pub fn html_page(status: StatusCode, p: Page<'_>, disclaimer: &str) -> Response {
    page(status, p, disclaimer)
}

/// [`complete_form`] for the other page modules: the refusal as (status, message).
pub fn complete_form_pub(kb: &Kb, headers: &HeaderMap, body: Result<Bytes, BytesRejection>, extra: &[&str]) -> Result<(FormAnswers, Option<f64>), (StatusCode, String)> {
    complete_form(kb, headers, body, extra).map_err(|PageError(s, m)| (s, m))
}

fn page(status: StatusCode, p: Page<'_>, disclaimer: &str) -> Response {
    let mut r = (status, p.render(disclaimer)).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    r
}

async fn home(State(s): State<AppState>) -> Response {
    let kb = &s.kb;
    let flags = spotter_report::card::red_flags(kb);
    let mut main = String::new();
    main.push_str("<h1>Spotter: is this back pain safe to train with?</h1>\n");
    main.push_str(
        "<p>Your lower back hurts after leg day. Spotter asks about the warning signs first and tells you whether you need a doctor, \
         and how soon. When it is safe, it looks for why your back took the load and gives you a warm-up, cues for your lifts, \
         stretches, core and glute work, and a card to print.</p>\n\
         <p>Everything runs on this machine: your answers are not sent anywhere else, and kept only if you save them in your diary.</p>\n",
    );
    let _ = write!(
        main,
        "<section class=\"notice\" aria-labelledby=\"flags\">\n<h2 id=\"flags\">{}</h2>\n<ul>\n{}</ul>\n<p><strong>{}</strong></p>\n</section>\n",
        esc(&flags.heading),
        flags.signs.iter().map(|s| format!("<li>{}</li>\n", esc(s))).collect::<String>(),
        esc(&flags.action)
    );
    let _ = write!(main, "<h2>Spotter is not a diagnosis</h2>\n<p>{}</p>\n", esc(&kb.disclaimer));
    main.push_str("<p class=\"actions\"><a class=\"button\" href=\"/check\">Start the check</a></p>\n");
    page(StatusCode::OK, Page { title: "Is this back pain safe to train with?", main, header: true, body_class: "home" }, &kb.disclaimer)
}

async fn check_start(State(s): State<AppState>) -> Response {
    respond_check(&s.kb, &FormAnswers::default(), s.has_diary())
}

async fn check_step(State(s): State<AppState>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    let form = match read_form(&s.kb, &headers, body, &[]) {
        Ok(f) => f,
        Err(e) => return e.page(&s.kb),
    };
    respond_check(&s.kb, &form, s.has_diary())
}

/// The form body, read and checked; a page saying what is wrong otherwise.
/// A refused form: the status and what the page says.
struct PageError(StatusCode, String);

impl PageError {
    fn page(self, kb: &Kb) -> Response {
        error_page(&kb.disclaimer, self.0, &self.1)
    }
}

fn read_form(kb: &Kb, headers: &HeaderMap, body: Result<Bytes, BytesRejection>, extra: &[&str]) -> Result<FormAnswers, PageError> {
    let fail = |status, message: &str| Err(PageError(status, message.to_string()));
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !ct.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        return fail(StatusCode::UNSUPPORTED_MEDIA_TYPE, "This page takes the answers of its own form only.");
    }
    let bytes = match body {
        Ok(b) => b,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return fail(StatusCode::PAYLOAD_TOO_LARGE, &format!("The form sent more than {} KiB; start the check again.", crate::MAX_ANSWERS_BODY_BYTES / 1024));
        }
        Err(_) => return fail(StatusCode::BAD_REQUEST, "The form could not be read; start the check again."),
    };
    questionnaire::parse_form(kb, &bytes, extra).map_err(|e: FormError| PageError(StatusCode::UNPROCESSABLE_ENTITY, e.message))
}

fn respond_check(kb: &Kb, form: &FormAnswers, diary: bool) -> Response {
    match questionnaire::next_step(kb, form) {
        Next::Ask(items) => page(StatusCode::OK, Page { title: "Check", main: step_html(kb, form, &items), header: true, body_class: "check" }, &kb.disclaimer),
        Next::Emergency => {
            let main = result_html(kb, form, ResultKind::Emergency, diary);
            page(StatusCode::OK, Page { title: "Emergency: call now", main, header: false, body_class: "result emergency" }, &kb.disclaimer)
        }
        Next::TriageDone => {
            page(StatusCode::OK, Page { title: "Your result", main: result_html(kb, form, ResultKind::Triage, diary), header: true, body_class: "result" }, &kb.disclaimer)
        }
        Next::CoachingDone => {
            page(StatusCode::OK, Page { title: "Your result and plan", main: result_html(kb, form, ResultKind::Coached, diary), header: true, body_class: "result" }, &kb.disclaimer)
        }
    }
}

/// The answers so far as hidden fields (each item's empty field marks it as shown).
fn hidden_fields(form: &FormAnswers) -> String {
    let mut out = String::new();
    let mut hidden = |name: &str, value: &str| {
        let _ = writeln!(out, "<input type=\"hidden\" name=\"{}\" value=\"{}\">", esc(name), esc(value));
    };
    for id in &form.seen {
        hidden(id, "");
        match form.answers.get(id) {
            Some(Answer::Multi(values)) => values.iter().for_each(|v| hidden(id, v)),
            Some(a) => hidden(id, &form_text(a)),
            None => {}
        }
    }
    if form.go_on {
        hidden(questionnaire::GO_ON_FIELD, "true");
    }
    out
}

/// An answer as its form field's value (the form reader turns it back into the same answer).
fn form_text(a: &Answer) -> String {
    match a {
        Answer::Bool(b) => b.to_string(),
        Answer::Integer(i) => i.to_string(),
        // Rust prints the shortest text that reads back as the same f64.
        Answer::Number(x) => x.to_string(),
        Answer::Choice(c) => c.clone(),
        Answer::Multi(v) => v.join(","),
    }
}

fn step_html(kb: &Kb, form: &FormAnswers, items: &[&Item]) -> String {
    let mut main = String::new();
    let section = kb.section(&items[0].section);
    let _ = writeln!(main, "<h1>{}</h1>", esc(section.map_or("A few questions", |s| s.title.as_str())));
    if form.seen.is_empty() {
        main.push_str(
            "<p>A few questions, a page at a time. Questions about your safety must be answered; you can leave the others blank. \
             If you feel very unwell right now, stop and call your emergency number.</p>\n",
        );
    }
    if let Some(intro) = section.and_then(|s| s.intro.as_deref()) {
        let _ = writeln!(main, "<p>{}</p>", esc(intro));
    }
    let answered = form.answers.len();
    if answered > 0 {
        let _ = writeln!(main, "<p class=\"progress\">{} answered so far.</p>", if answered == 1 { "1 question".to_string() } else { format!("{answered} questions") });
    }
    main.push_str("<form class=\"check\" method=\"post\" action=\"/check\">\n");
    main.push_str(&hidden_fields(form));
    for item in items {
        let retry = form.seen.contains(&item.id) && form.answers.get(&item.id).is_none();
        main.push_str(&question_html(item, &form.answers, retry));
    }
    main.push_str("<button type=\"submit\">Next</button>\n</form>\n");
    main
}

fn question_html(item: &Item, answers: &Answers, retry: bool) -> String {
    let id = esc(&item.id);
    let must = must_answer(item, answers);
    let mut q = String::new();
    let help_id = format!("help-{id}");
    let described = if item.help.is_some() { format!(" aria-describedby=\"{help_id}\"") } else { String::new() };
    let _ = writeln!(q, "<fieldset class=\"q\" id=\"q-{id}\">\n<legend>{}</legend>", esc(&item.question));
    if retry && must {
        q.push_str("<p class=\"safety\" role=\"alert\">This question matters for your safety, so it cannot be skipped. If you are not sure, answer yes: a doctor can check it quickly.</p>\n");
    } else if must {
        q.push_str("<p class=\"safety\">A safety question: please answer it.</p>\n");
    }
    if let Some(help) = &item.help {
        let _ = writeln!(q, "<p class=\"help\" id=\"{help_id}\">{}</p>", esc(help));
    }
    // Marks the question as shown, so a blank answer to an optional one is not asked again.
    let _ = writeln!(q, "<input type=\"hidden\" name=\"{id}\" value=\"\">");
    let required = if must { " required" } else { "" };
    let offered = offered_values(item, answers);
    match &item.kind {
        ItemKind::Bool => {
            q.push_str("<div class=\"choices yes-no\">\n");
            for (value, label) in [("true", "Yes"), ("false", "No")] {
                let _ = writeln!(q, "<label><input type=\"radio\" name=\"{id}\" value=\"{value}\"{required}{described}> {label}</label>");
            }
            q.push_str("</div>\n");
        }
        ItemKind::Choice { values } | ItemKind::Multi { values } => {
            let multi = matches!(item.kind, ItemKind::Multi { .. });
            let values = offered.as_deref().unwrap_or(values);
            q.push_str("<div class=\"choices\">\n");
            for c in values {
                let (ty, req) = if multi { ("checkbox", "") } else { ("radio", required) };
                let _ = writeln!(q, "<label><input type=\"{ty}\" name=\"{id}\" value=\"{}\"{req}{described}> {}</label>", esc(&c.id), esc(&c.label));
            }
            q.push_str("</div>\n");
        }
        ItemKind::Integer { min, max, unit } => {
            let unit = unit.as_deref().map(|u| format!(" ({})", esc(u))).unwrap_or_default();
            let _ = writeln!(
                q,
                "<div class=\"number\"><label for=\"in-{id}\">Your answer{unit}, {min} to {max}</label>\n<input type=\"number\" id=\"in-{id}\" name=\"{id}\" min=\"{min}\" max=\"{max}\" step=\"1\" inputmode=\"numeric\"{required}{described}></div>"
            );
        }
        ItemKind::Number { min, max, unit } => {
            let unit = unit.as_deref().map(|u| format!(" ({})", esc(u))).unwrap_or_default();
            let (min, max) = (spotter_kb::number::show(*min), spotter_kb::number::show(*max));
            let _ = writeln!(
                q,
                "<div class=\"number\"><label for=\"in-{id}\">Your answer{unit}, {min} to {max}</label>\n<input type=\"number\" id=\"in-{id}\" name=\"{id}\" min=\"{min}\" max=\"{max}\" step=\"any\" inputmode=\"decimal\"{required}{described}></div>"
            );
        }
    }
    q.push_str("</fieldset>\n");
    q
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ResultKind {
    Emergency,
    Triage,
    Coached,
}

fn result_html(kb: &Kb, form: &FormAnswers, kind: ResultKind, diary: bool) -> String {
    let answers = &form.answers;
    let t = spotter_app::triage(kb, answers);
    let doc = &t.doc;
    let tier = doc.tier;
    let mut m = String::new();
    let _ = writeln!(m, "<section class=\"result\" data-tier=\"{}\" aria-labelledby=\"result-title\">", tier.id());
    if let Some(script) = &doc.call_script {
        let _ = writeln!(
            m,
            "<div class=\"call\">\n<p class=\"call-script\" id=\"call-script\">“{}”</p>\n<p class=\"call-label\">Call your emergency number now and say this.</p>\n</div>",
            esc(script)
        );
    }
    let _ = writeln!(m, "<p><span class=\"tier-badge\">{}</span></p>\n<h1 id=\"result-title\">{}</h1>", esc(&doc.label), esc(&doc.headline));
    m.push_str("<h2>What to do</h2>\n<ol>\n");
    for step in &doc.next_steps {
        let _ = writeln!(m, "<li>{}</li>", esc(step));
    }
    m.push_str("</ol>\n<h2>Why</h2>\n");
    if doc.reasons.is_empty() {
        m.push_str("<p>None of the warning signs Spotter asks about is present: the pain looks mechanical.</p>\n");
    } else {
        m.push_str("<ul class=\"reasons\">\n");
        for r in &doc.reasons {
            let _ = writeln!(
                m,
                "<li data-rule=\"{}\"><strong>{}</strong> ({})<br>{}</li>",
                esc(&r.rule),
                esc(&r.title),
                esc(&kb.tier_info(r.tier).label.to_lowercase()),
                esc(&r.reason)
            );
        }
        m.push_str("</ul>\n");
    }
    if kind == ResultKind::Emergency {
        m.push_str("<p>Spotter stopped asking here: with this answer it is an emergency, whatever the other answers would be.</p>\n");
        // As `spotter check` offers after an emergency: a way back for an answer given by
        // mistake. The questions behind the emergency are asked again; nothing else changes.
        let mut back = form.clone();
        for r in doc.reasons.iter().filter(|r| r.tier == Tier::Emergency) {
            for id in &r.items {
                back.answers.remove(id);
                back.seen.remove(id);
            }
        }
        let _ = write!(
            m,
            "<form method=\"post\" action=\"/check\" class=\"actions\">\n<p>Answered by mistake? Go back and answer those questions again. Otherwise the result above stands: call now.</p>\n{}<button type=\"submit\" class=\"secondary\">Change my answer</button>\n</form>\n",
            hidden_fields(&back)
        );
    } else if !doc.unanswered_could_raise.is_empty() {
        m.push_str("<h2>Questions you left blank that could make this more urgent</h2>\n<ul>\n");
        for c in &doc.unanswered_could_raise {
            let _ = writeln!(m, "<li>{}</li>", esc(&c.question));
        }
        m.push_str("</ul>\n");
    }
    m.push_str("</section>\n");
    // The answers and the questions left blank go on with the person, so none is asked again.
    let form = FormAnswers { go_on: true, ..form.clone() };
    match kind {
        ResultKind::Triage if spotter_coach::causes::coaching_allowed(tier) => {
            let (ask, button) = if tier == Tier::SelfCare {
                ("No warning sign needs a doctor. Go on to find out why your back took the load and get your leg-day plan?", "Find the causes and get my plan")
            } else {
                ("Book a professional (see above). Meanwhile, go on to see what may have caused it and get gentle movement for now?", "Find the causes and gentle movement")
            };
            let _ = write!(
                m,
                "<h2>Next</h2>\n<p>{}</p>\n<form method=\"post\" action=\"/check\" class=\"actions\">\n{}<button type=\"submit\">{}</button>\n</form>\n",
                esc(ask),
                hidden_fields(&form),
                esc(button)
            );
        }
        ResultKind::Coached => {
            let (_, explain) = spotter_app::explain(kb, answers);
            if !explain.causes.is_empty() {
                m.push_str("<h2>What may have caused it</h2>\n");
                for c in &explain.causes {
                    let _ = write!(
                        m,
                        "<div class=\"cause\">\n<h3>{}</h3>\n<p>{}</p>\n<p><strong>Change today:</strong> {}</p>\n<p><strong>Over the next weeks:</strong> {}</p>\n",
                        esc(&c.name),
                        esc(&c.mechanism),
                        esc(&c.change_today),
                        esc(&c.train_over_weeks)
                    );
                    if !c.evidence.is_empty() {
                        let _ = writeln!(m, "<p>Because: {}.</p>", esc(&c.evidence.iter().map(|e| e.says.as_str()).collect::<Vec<_>>().join("; ")));
                    }
                    m.push_str("</div>\n");
                }
            }
            if let Ok((plan, _)) = spotter_app::plan(kb, answers, None) {
                m.push_str(&blocks_html(&spotter_report::Card::new(kb, &plan), 2));
            }
            m.push_str(&plan_actions(&form));
        }
        _ => {}
    }
    // Last, after the button that goes on: the diary is kept only when the person asks.
    if diary {
        // Kept only when the person asks: the diary builds on the latest saved check.
        let _ = write!(
            m,
            "<form method=\"post\" action=\"/diary/check\" class=\"actions save-check\">\n<p>Keep this check in your diary on this machine, so later days are read against it?</p>\n{}<button type=\"submit\" class=\"secondary\">Save the check in my diary</button>\n</form>\n",
            hidden_fields(&FormAnswers { go_on: false, ..form.clone() })
        );
    }
    m
}

/// The buttons to the printable plan and the PDF card, carrying the answers.
fn plan_actions(form: &FormAnswers) -> String {
    let fields = hidden_fields(form);
    format!(
        "<div class=\"actions\">\n<form method=\"post\" action=\"/plan\">\n{fields}<button type=\"submit\">Printable plan</button>\n</form>\n\
         <form method=\"post\" action=\"/plan/card\">\n{fields}<input type=\"hidden\" name=\"format\" value=\"pdf\">\n<button type=\"submit\">Download the card (PDF)</button>\n</form>\n\
         <form method=\"post\" action=\"/warmup\">\n{fields}<button type=\"submit\" class=\"secondary\">Start the guided warm-up</button>\n</form>\n</div>\n"
    )
}

/// The five blocks in the card's words: warm-up (with stopwatch starts), cues for the lifts,
/// cool-down, strength, daily habits. `level`: the heading level of each block.
fn blocks_html(card: &spotter_report::Card, level: u8) -> String {
    let mut m = String::new();
    let h = |m: &mut String, title: &str| {
        let _ = writeln!(m, "<section class=\"block\">\n<h{level}>{}</h{level}>", esc(title));
    };
    if let Some(w) = &card.warmup {
        h(&mut m, &format!("{} ({})", w.title, w.total));
        m.push_str("<ol class=\"plan-items\">\n");
        for i in &w.items {
            let _ = write!(m, "<li><span class=\"start\">{}</span> {} <span class=\"dose\">{}</span>", esc(&i.start), esc(&i.name), esc(&i.dose));
            if let Some(cue) = &i.cue {
                let _ = write!(m, "<br><span class=\"note\">{}</span>", esc(cue));
            }
            m.push_str("</li>\n");
        }
        m.push_str("</ol>\n</section>\n");
    }
    if let Some(l) = &card.lifts {
        h(&mut m, &l.title);
        if l.items.is_empty() {
            m.push_str("<p>No lifts were named for today: tick today's exercises in the check to get cues for them.</p>\n");
        } else {
            m.push_str("<ul class=\"plan-items\">\n");
            for i in &l.items {
                let _ = writeln!(m, "<li><strong>{}</strong>: {}</li>", esc(&i.name), esc(&i.cues.join("; ")));
            }
            m.push_str("</ul>\n");
        }
        m.push_str("</section>\n");
    }
    for s in [&card.cooldown, &card.strength, &card.daily].into_iter().flatten() {
        h(&mut m, &s.title);
        m.push_str("<ul class=\"plan-items\">\n");
        for i in &s.items {
            let _ = write!(m, "<li>{} <span class=\"dose\">{}</span>", esc(&i.name), esc(&i.dose));
            if let Some(n) = &i.note {
                let _ = write!(m, "<br><span class=\"note\">{}</span>", esc(n));
            }
            if let Some(c) = &i.caution {
                let _ = write!(m, "<br><span class=\"caution\">{}</span>", esc(c));
            }
            m.push_str("</li>\n");
        }
        m.push_str("</ul>\n</section>\n");
    }
    m
}

async fn plan_start(State(s): State<AppState>) -> Response {
    let main = "<h1>Your leg-day plan</h1>\n<p>Your plan is made from your answers to the check: the warm-up, cues for your lifts, \
                stretches, core and glute work, and daily habits, on one printable page.</p>\n\
                <p class=\"actions\"><a class=\"button\" href=\"/check\">Start the check</a></p>\n"
        .to_string();
    page(StatusCode::OK, Page { title: "Your plan", main, header: true, body_class: "plan" }, &s.kb.disclaimer)
}

/// The answers of a plan or card form: complete (every safety question answered, unless it is an
/// emergency), and the warm-up minutes if given.
fn complete_form(kb: &Kb, headers: &HeaderMap, body: Result<Bytes, BytesRejection>, extra: &[&str]) -> Result<(FormAnswers, Option<f64>), PageError> {
    let form = read_form(kb, headers, body, extra)?;
    if let Err(e) = spotter_triage::require_safety_critical(kb, &form.answers) {
        let questions: Vec<String> = e.items().iter().filter_map(|id| kb.item(id)).map(|i| format!("“{}”", i.question)).collect();
        return Err(PageError(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("The plan needs the answers to every safety question first, and these are not answered: {}. Please do the check.", questions.join(" ")),
        ));
    }
    let minutes = match form.extra.get("minutes").map(|m| m.trim()).filter(|m| !m.is_empty()) {
        None => None,
        Some(m) => match m.parse::<f64>() {
            Ok(x) if x.is_finite() => Some(x),
            _ => return Err(PageError(StatusCode::UNPROCESSABLE_ENTITY, "The warm-up time must be a number of minutes from 5 to 10.".into())),
        },
    };
    Ok((form, minutes))
}

async fn plan_page(State(s): State<AppState>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    let kb = &s.kb;
    let (form, minutes) = match complete_form(kb, &headers, body, &["minutes"]) {
        Ok(f) => f,
        Err(e) => return e.page(kb),
    };
    let plan = match spotter_app::plan(kb, &form.answers, minutes) {
        Ok((plan, _)) => plan,
        Err(e) => return error_page(&kb.disclaimer, StatusCode::UNPROCESSABLE_ENTITY, &ApiError::from_app(&e).message),
    };
    let card = spotter_report::Card::new(kb, &plan);
    let mut m = String::new();
    let _ = writeln!(m, "<section class=\"plan-card\" data-tier=\"{}\" aria-labelledby=\"plan-title\">", card.tier.id);
    if let Some(script) = &card.call_script {
        let _ = writeln!(m, "<div class=\"call\">\n<p class=\"call-script\">“{}”</p>\n<p class=\"call-label\">Call your emergency number now and say this.</p>\n</div>", esc(script));
    }
    let _ = writeln!(m, "<h1 id=\"plan-title\">{}</h1>\n<p>{}</p>", esc(&card.title), esc(&card.subtitle));
    let _ = writeln!(m, "<p><span class=\"tier-badge\">{}</span> {}</p>", esc(&card.tier.label), esc(&card.tier.headline));
    if let Some(a) = &card.advice {
        let _ = writeln!(m, "<p><strong>{}</strong></p>", esc(a));
    }
    if !card.steps.is_empty() {
        m.push_str("<ol>\n");
        for s in &card.steps {
            let _ = writeln!(m, "<li>{}</li>", esc(s));
        }
        m.push_str("</ol>\n");
    }
    if !card.causes.is_empty() {
        let _ = writeln!(m, "<p>Likely causes: {}.</p>", esc(&card.causes.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join("; ")));
    }
    m.push_str(&blocks_html(&card, 2));
    let _ = write!(
        m,
        "<section class=\"red-flags\">\n<h2>{}</h2>\n<ul>\n{}</ul>\n<p><strong>{}</strong></p>\n</section>\n</section>\n",
        esc(&card.red_flags.heading),
        card.red_flags.signs.iter().map(|s| format!("<li>{}</li>\n", esc(s))).collect::<String>(),
        esc(&card.red_flags.action)
    );
    let fields = hidden_fields(&form);
    let budget = minutes.map(spotter_kb::number::show).unwrap_or_default();
    let _ = write!(
        m,
        "<div class=\"actions\">\n<form method=\"post\" action=\"/plan/card\">\n{fields}<input type=\"hidden\" name=\"minutes\" value=\"{budget}\">\n\
         <input type=\"hidden\" name=\"format\" value=\"pdf\">\n<button type=\"submit\">Download the card (PDF)</button>\n</form>\n\
         <form method=\"post\" action=\"/warmup\">\n{fields}<input type=\"hidden\" name=\"minutes\" value=\"{budget}\">\n<button type=\"submit\" class=\"secondary\">Start the guided warm-up</button>\n</form>\n\
         <form method=\"post\" action=\"/plan\" class=\"number\">\n{fields}<label for=\"minutes\">Warm-up minutes, 5 to 10</label>\n\
         <input type=\"number\" id=\"minutes\" name=\"minutes\" min=\"5\" max=\"10\" step=\"0.5\" value=\"{}\">\n<button type=\"submit\">Change the warm-up time</button>\n</form>\n</div>\n\
         <p class=\"no-print\">To print this page, use your browser's Print command: it prints the plan alone, without the menus.</p>\n",
        if budget.is_empty() { spotter_kb::number::show(plan.warmup_budget_seconds as f64 / 60.0) } else { budget.clone() }
    );
    if spotter_app::reminders::has_reminders(&plan) {
        m.push_str(&calendar_form(&fields, &budget));
    }
    page(StatusCode::OK, Page { title: "Your plan", main: m, header: true, body_class: "plan" }, &kb.disclaimer)
}

/// The plan page's reminders form: leg days, session time, work days and hours, to a calendar file.
fn calendar_form(fields: &str, budget: &str) -> String {
    let mut m = String::from(
        "<section class=\"no-print\" aria-labelledby=\"calendar-title\">\n<h2 id=\"calendar-title\">Reminders in your calendar</h2>\n\
         <p>Download a calendar file (.ics) that your phone's or computer's calendar imports: the warm-up 15 minutes before each leg day, and the sitting breaks on work days. Nothing is sent anywhere.</p>\n\
         <form method=\"post\" action=\"/plan/calendar\" class=\"diary-form\">\n",
    );
    m.push_str(fields);
    let _ = writeln!(m, "<input type=\"hidden\" name=\"minutes\" value=\"{}\">", esc(budget));
    let days = [("mon", "Mon"), ("tue", "Tue"), ("wed", "Wed"), ("thu", "Thu"), ("fri", "Fri"), ("sat", "Sat"), ("sun", "Sun")];
    for (name, legend, checked) in [("leg_days", "Leg days", &[][..]), ("work_days", "Work days", &["mon", "tue", "wed", "thu", "fri"][..])] {
        let _ = writeln!(m, "<fieldset>\n<legend>{legend}</legend>");
        for (v, label) in days {
            let id = format!("{name}-{v}");
            let _ = writeln!(
                m,
                "<label class=\"tap\" for=\"{id}\"><input type=\"checkbox\" id=\"{id}\" name=\"{name}\" value=\"{v}\"{}> {label}</label>",
                if checked.contains(&v) { " checked" } else { "" }
            );
        }
        m.push_str("</fieldset>\n");
    }
    m.push_str(
        "<p><label for=\"session_time\">Leg-day session starts at</label> <input type=\"time\" id=\"session_time\" name=\"session_time\" value=\"18:00\" required></p>\n\
         <p><label for=\"work_start\">Work from</label> <input type=\"time\" id=\"work_start\" name=\"work_start\" value=\"09:00\" required> \
         <label for=\"work_end\">to</label> <input type=\"time\" id=\"work_end\" name=\"work_end\" value=\"17:00\" required></p>\n\
         <button type=\"submit\">Download the reminders (.ics)</button>\n</form>\n</section>\n",
    );
    m
}

/// The single-valued fields of the calendar form besides the answers (the day lists are read
/// apart: `leg_days`, `work_days`).
const CALENDAR_FIELDS: [&str; 4] = ["minutes", "session_time", "work_start", "work_end"];

async fn plan_calendar(State(s): State<AppState>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    use spotter_app::reminders::{Schedule, TimeOfDay, Weekday};
    let kb = &s.kb;
    // Day lists come as repeated fields: take them out before the answers are read.
    let Ok(bytes) = body else {
        return error_page(&kb.disclaimer, StatusCode::BAD_REQUEST, "The form could not be read.");
    };
    let mut lists: std::collections::BTreeMap<&str, Vec<String>> = std::collections::BTreeMap::new();
    let mut rest = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(&bytes) {
        match k.as_ref() {
            "leg_days" => lists.entry("leg_days").or_default().push(v.into_owned()),
            "work_days" => lists.entry("work_days").or_default().push(v.into_owned()),
            _ => {
                rest.append_pair(&k, &v);
            }
        }
    }
    let rest = Bytes::from(rest.finish());
    let (form, minutes) = match complete_form(kb, &headers, Ok(rest), &CALENDAR_FIELDS) {
        Ok(f) => f,
        Err(e) => return e.page(kb),
    };
    let bad = |m: String| error_page(&kb.disclaimer, StatusCode::UNPROCESSABLE_ENTITY, &m);
    let mut schedule = Schedule::new(spotter_app::diary::today());
    for (name, target) in [("leg_days", &mut schedule.leg_days), ("work_days", &mut schedule.work_days)] {
        let mut days = Vec::new();
        for d in lists.get(name).into_iter().flatten() {
            match Weekday::parse(d) {
                Some(w) => days.push(w),
                None => return bad(format!("{name}: {:?} is not a day of the week.", crate::api::shorten(d))),
            }
        }
        *target = days;
    }
    for (name, target) in [("session_time", &mut schedule.session_start), ("work_start", &mut schedule.work_start), ("work_end", &mut schedule.work_end)] {
        if let Some(t) = form.extra.get(name) {
            match TimeOfDay::parse(t) {
                Some(x) => *target = x,
                None => return bad(format!("{name}: {:?} is not a time of day (HH:MM).", crate::api::shorten(t))),
            }
        }
    }
    let plan = match spotter_app::plan(kb, &form.answers, minutes) {
        Ok((plan, _)) => plan,
        Err(e) => return bad(ApiError::from_app(&e).message),
    };
    match spotter_app::reminders::plan_calendar_now(&plan, &schedule) {
        Ok(r) => {
            let mut resp = r.ics.into_response();
            let h = resp.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/calendar; charset=utf-8"));
            h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"spotter-reminders.ics\""));
            resp
        }
        Err(e) => bad(format!("{}.", upper_first(&e.to_string()))),
    }
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

async fn plan_card(State(s): State<AppState>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    let kb = &s.kb;
    let (form, minutes) = match complete_form(kb, &headers, body, &["minutes", "format"]) {
        Ok(f) => f,
        Err(e) => return e.page(kb),
    };
    let format = match form.extra.get("format").map(String::as_str).map(CardFormat::parse) {
        None => CardFormat::Pdf,
        Some(Some(f)) => f,
        Some(None) => return error_page(&kb.disclaimer, StatusCode::UNPROCESSABLE_ENTITY, "The card comes as PDF, PNG or SVG only."),
    };
    let disclaimer = kb.disclaimer.clone();
    match render_card(s.clone(), form.answers, minutes, format).await {
        Ok(mut r) => {
            let disposition = format!("attachment; filename=\"spotter-card.{}\"", format.extension());
            if let Ok(v) = HeaderValue::from_str(&disposition) {
                r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
            }
            r
        }
        Err(e) => error_page(&disclaimer, e.status, &e.message),
    }
}

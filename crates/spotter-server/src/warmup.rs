//! The guided warm-up player (`/warmup`, spec/web.md): the plan's warm-up as a timeline made by
//! `spotter_coach::timer::Routine` (the same one `spotter warmup` plays), handed to the page as
//! JSON in a data attribute and played by `web/warmup.js`. The script only runs the timeline: it
//! adds no step, time or cue of its own. Without JavaScript the page lists the drills with their
//! times and stopwatch starts.

use crate::AppState;
use crate::html::{Page, esc};
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use spotter_coach::timer::{DEFAULT_GET_READY_SECONDS, Phase, Routine};
use std::fmt::Write as _;

/// The player's script, written here (no third-party code).
pub const WARMUP_JS: &str = include_str!("../../../web/warmup.js");

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/warmup", get(start).post(player)).route("/assets/warmup.js", get(script))
}

async fn script() -> Response {
    let mut r = WARMUP_JS.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

async fn start(State(s): State<AppState>) -> Response {
    let main = "<h1>Your guided warm-up</h1>\n<p>The warm-up player times your personal warm-up drill by drill, with a get-ready countdown, \
                a cue when it is time to change sides, and a sound, a vibration and a flash at the end. It needs your answers to the check first.</p>\n\
                <p class=\"actions\"><a class=\"button\" href=\"/check\">Start the check</a></p>\n"
        .to_string();
    crate::pages::html_page(StatusCode::OK, Page { title: "Warm-up player", main, header: true, body_class: "warmup" }, &s.kb.disclaimer)
}

/// One step of the timeline as the script plays it, times in milliseconds from the start.
#[derive(Debug, Serialize)]
pub struct StepJson {
    /// `get_ready` or `drill`.
    pub kind: &'static str,
    pub start_ms: u64,
    pub length_ms: u64,
    /// The drill's index in `drills`, for drills.
    pub drill: Option<usize>,
    /// `left side` or `right side` for one side of a per-side drill.
    pub side: Option<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct DrillJson {
    pub name: String,
    pub cues: Vec<String>,
    pub caution: Option<String>,
    /// Both sides counted.
    pub total_seconds: u32,
    pub per_side: bool,
}

#[derive(Debug, Serialize)]
pub struct RoutineJson {
    pub total_ms: u64,
    pub steps: Vec<StepJson>,
    pub drills: Vec<DrillJson>,
}

/// The routine as the player's JSON.
pub fn routine_json(r: &Routine) -> RoutineJson {
    let ms = |d: std::time::Duration| d.as_millis() as u64;
    RoutineJson {
        total_ms: ms(r.total()),
        steps: r
            .steps()
            .iter()
            .map(|s| StepJson {
                kind: if s.phase == Phase::GetReady { "get_ready" } else { "drill" },
                start_ms: ms(s.start),
                length_ms: ms(s.length),
                drill: s.phase.drill_idx(),
                side: s.phase.side().map(|side| side.label()),
            })
            .collect(),
        drills: r
            .drills()
            .iter()
            .map(|d| DrillJson { name: d.name.clone(), cues: d.cues.clone(), caution: d.caution.clone(), total_seconds: d.total_seconds(), per_side: d.per_side })
            .collect(),
    }
}

fn clock(seconds: u64) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

async fn player(State(s): State<AppState>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    let kb = &s.kb;
    let (form, minutes) = match crate::pages::complete_form_pub(kb, &headers, body, &["minutes"]) {
        Ok(f) => f,
        Err((status, message)) => return crate::pages::error_page(&kb.disclaimer, status, &message),
    };
    let plan = match spotter_app::plan(kb, &form.answers, minutes) {
        Ok((plan, _)) => plan,
        Err(e) => return crate::pages::error_page(&kb.disclaimer, StatusCode::UNPROCESSABLE_ENTITY, &crate::error::ApiError::from_app(&e).message),
    };
    let routine = match Routine::from_plan(&plan, DEFAULT_GET_READY_SECONDS) {
        Ok(r) => r,
        Err(_) => {
            let info = kb.tier_info(plan.triage.tier);
            let message = format!("There is no warm-up to play: {} {}", info.label, info.headline);
            return crate::pages::error_page(&kb.disclaimer, StatusCode::UNPROCESSABLE_ENTITY, &message);
        }
    };
    let json = serde_json::to_string(&routine_json(&routine)).unwrap_or_else(|_| "{}".into());
    let total = routine.total().as_secs();
    let mut m = String::new();
    let _ = writeln!(
        m,
        "<h1>Your warm-up, {}</h1>\n<p class=\"keep-open\" role=\"note\"><strong>Keep this tab open and in front</strong> while you warm up: \
         the timer, its sounds and keeping the screen awake work only while the page is open.</p>",
        clock(total)
    );
    let _ = writeln!(
        m,
        "<section id=\"player\" class=\"player\" data-routine=\"{}\" aria-labelledby=\"now-title\" hidden>\n\
         <p class=\"player-step\" id=\"player-step\">Ready when you are</p>\n\
         <h2 id=\"now-title\" class=\"player-name\">{}</h2>\n\
         <p class=\"player-side\" id=\"player-side\"></p>\n\
         <p class=\"player-clock\" id=\"player-clock\" aria-live=\"off\">{}</p>\n\
         <p class=\"player-cue\" id=\"player-cue\" aria-live=\"assertive\"></p>\n\
         <ul class=\"player-cues\" id=\"player-cues\"></ul>\n\
         <p class=\"player-next\" id=\"player-next\"></p>\n\
         <div class=\"player-controls\">\n\
         <button type=\"button\" id=\"player-start\">Start</button>\n\
         <button type=\"button\" id=\"player-back\" class=\"secondary\" disabled>Back</button>\n\
         <button type=\"button\" id=\"player-pause\" class=\"secondary\" disabled>Pause</button>\n\
         <button type=\"button\" id=\"player-skip\" class=\"secondary\" disabled>Skip</button>\n\
         </div>\n<p class=\"player-total\" id=\"player-total\"></p>\n<p class=\"player-wake\" id=\"player-wake\"></p>\n</section>",
        esc(&json),
        esc(&routine.drills()[0].name),
        clock(u64::from(routine.get_ready_seconds()))
    );
    m.push_str("<noscript><p>The player needs JavaScript. Without it, time the drills below with a stopwatch.</p></noscript>\n");
    m.push_str("<section aria-labelledby=\"drills-title\">\n<h2 id=\"drills-title\">The drills</h2>\n<ol class=\"plan-items\">\n");
    for (i, d) in routine.drills().iter().enumerate() {
        let start = routine.drill_start(i).map(|t| t.as_secs()).unwrap_or(0);
        let _ = write!(
            m,
            "<li><span class=\"start\">{}</span> <strong>{}</strong> <span class=\"dose\">{}{}</span>",
            clock(start),
            esc(&d.name),
            clock(u64::from(d.total_seconds())),
            if d.per_side { format!(" ({} s each side)", d.seconds) } else { String::new() }
        );
        if let Some(c) = d.cues.first() {
            let _ = write!(m, "<br>{}", esc(c));
        }
        if let Some(c) = &d.caution {
            let _ = write!(m, "<br><span class=\"caution\">Careful: {}</span>", esc(c));
        }
        m.push_str("</li>\n");
    }
    m.push_str("</ol>\n</section>\n<script src=\"/assets/warmup.js\" defer></script>\n");
    crate::pages::html_page(StatusCode::OK, Page { title: "Warm-up player", main: m, header: true, body_class: "warmup" }, &kb.disclaimer)
}

//! The pages, without JavaScript: the check walked through step by step as a browser submits
//! its forms, answering from the example intakes; the result marks; the plan and the card.

use super::form::{attr, form_html, questions, submit, tags};
use super::*;
use spotter_kb::ItemKind;

fn fixture(answers: &str) -> serde_json::Map<String, serde_json::Value> {
    serde_json::from_str(answers).expect("fixture")
}

/// The fixture's answer to `name` as form values (none when the fixture has no answer).
fn pick(answers: &serde_json::Map<String, serde_json::Value>, name: &str) -> Vec<String> {
    match answers.get(name) {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(serde_json::Value::Array(vs)) => vs.iter().filter_map(|v| v.as_str()).map(str::to_string).collect(),
        Some(serde_json::Value::String(s)) => vec![s.clone()],
        Some(v) => vec![v.to_string()],
    }
}

/// One page of the walk.
struct Step {
    html: String,
    /// The item ids asked on this page.
    asked: Vec<String>,
}

/// Walks the check from `GET /check`, answering from `answers`, until a page without questions
/// (the result); `go_on`: press the result's "go on" button once and walk the cause finder too.
async fn walk(answers: &str, go_on: bool) -> Vec<Step> {
    let answers = fixture(answers);
    let mut steps = Vec::new();
    let mut page = get("/check").await;
    let mut went_on = false;
    for _ in 0..60 {
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        let html = page.text();
        let asked: Vec<String> = questions(&html).into_iter().map(|(id, _, _)| id).collect();
        steps.push(Step { html: html.clone(), asked: asked.clone() });
        let Some(form) = form_html(&html, "/check") else { return steps };
        // An emergency result ends the walk (its one form is the way back for a mistake).
        if asked.is_empty() && result_tier(&html).as_deref() == Some("emergency") {
            return steps;
        }
        if asked.is_empty() {
            if !go_on || went_on {
                return steps;
            }
            went_on = true;
        }
        let buttons = tags(form, "button");
        assert_eq!(buttons.len(), 1, "one submit button per step");
        assert_eq!(attr(&buttons[0], "type"), Some("submit"));
        let body = submit(form, |name, _, _| pick(&answers, name));
        page = post_form("/check", body).await;
    }
    panic!("the check did not end in 60 steps");
}

fn result_tier(html: &str) -> Option<String> {
    html.split("data-tier=\"").nth(1).and_then(|s| s.split('"').next()).map(str::to_string)
}

fn fired_rules(html: &str) -> Vec<String> {
    html.split("data-rule=\"").skip(1).filter_map(|s| s.split('"').next()).map(str::to_string).collect()
}

#[tokio::test]
async fn home_says_what_spotter_is_with_the_disclaimer_and_the_emergency_list() {
    let r = get("/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.content_type(), "text/html; charset=utf-8");
    let html = r.text();
    assert!(html.contains(&format!("<p>{}</p>", spotter_server_esc(&kb().disclaimer))), "the disclaimer in the page");
    let flags = spotter_report::card::red_flags(kb());
    assert!(flags.signs.len() >= 5, "{:?}", flags.signs);
    for sign in &flags.signs {
        assert!(html.contains(&format!("<li>{}</li>", spotter_server_esc(sign))), "{sign} missing");
    }
    assert!(html.contains("href=\"/check\""));
    assert!(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
}

/// The pages' escaping, for comparing text.
fn spotter_server_esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

#[tokio::test]
async fn every_page_has_the_same_disclaimer_in_its_footer() {
    let footer = format!("<footer class=\"site-footer\">\n<p class=\"disclaimer\">{}</p>", spotter_server_esc(&kb().disclaimer));
    let pages = [
        get("/").await,
        get("/check").await,
        get("/plan").await,
        get("/no-such-page").await,
        post_form("/check", "bladder_difficulty_starting=true").await,
        post_form("/check", "major_trauma=maybe").await,
    ];
    for p in pages {
        assert!(p.text().contains(&footer), "{}", p.text());
    }
}

#[tokio::test]
async fn the_first_step_asks_by_item_id_with_the_inputs_the_spec_names() {
    let html = get("/check").await.text();
    let qs = questions(&html);
    assert!(!qs.is_empty());
    for (id, legend, block) in &qs {
        let item = kb().item(id).unwrap_or_else(|| panic!("{id} is not an item"));
        assert_eq!(legend, &item.question);
        let inputs: Vec<_> = tags(block, "input").into_iter().filter(|a| attr(a, "type") != Some("hidden")).collect();
        assert!(inputs.iter().all(|a| attr(a, "name") == Some(id.as_str())), "inputs named by item id");
        let types: Vec<&str> = inputs.iter().filter_map(|a| attr(a, "type")).collect();
        let values: Vec<&str> = inputs.iter().filter_map(|a| attr(a, "value")).collect();
        match &item.kind {
            ItemKind::Bool => {
                assert_eq!(types, ["radio", "radio"]);
                assert_eq!(values, ["true", "false"]);
            }
            ItemKind::Choice { values: vs } => {
                assert!(types.iter().all(|t| *t == "radio"));
                assert_eq!(values, vs.iter().map(|c| c.id.as_str()).collect::<Vec<_>>());
            }
            ItemKind::Multi { values: vs } => {
                assert!(types.iter().all(|t| *t == "checkbox"));
                assert_eq!(values, vs.iter().map(|c| c.id.as_str()).collect::<Vec<_>>());
            }
            ItemKind::Integer { min, max, .. } => {
                assert_eq!(types, ["number"]);
                assert_eq!(attr(&inputs[0], "min"), Some(min.to_string().as_str()));
                assert_eq!(attr(&inputs[0], "max"), Some(max.to_string().as_str()));
            }
            ItemKind::Number { .. } => assert_eq!(types, ["number"]),
        }
    }
    let form = form_html(&html, "/check").expect("a form");
    assert_eq!(tags(form, "button").len(), 1);
    assert!(html.contains("<form class=\"check\" method=\"post\" action=\"/check\">"));
}

#[tokio::test]
async fn a_self_care_walk_asks_every_safety_question_on_its_own_then_gives_causes_and_plan() {
    let steps = walk(SELF_CARE, true).await;
    let last = steps.last().expect("steps");
    assert_eq!(result_tier(&last.html).as_deref(), Some("self_care"));
    // Every safety-critical item was asked, each in its own fieldset with its words and help.
    let shown: Vec<(String, String, String)> = steps.iter().flat_map(|s| questions(&s.html)).collect();
    for item in kb().items.iter().filter(|i| i.safety_critical) {
        let (_, legend, block) = shown.iter().find(|(id, _, _)| id == &item.id).unwrap_or_else(|| panic!("{} never asked", item.id));
        assert_eq!(legend, &item.question);
        if let Some(help) = &item.help {
            assert!(block.contains(&spotter_server_esc(help)), "{}: help missing", item.id);
        }
        assert!(block.contains(" required"), "{}: a safety question must be answered", item.id);
    }
    // No question asked twice.
    let mut asked: Vec<&String> = steps.iter().flat_map(|s| &s.asked).collect();
    let n = asked.len();
    asked.sort();
    asked.dedup();
    assert_eq!(asked.len(), n, "a question was asked twice");
    // The triage result came first, with the offer to go on; then the causes and the plan.
    let result = steps.iter().find(|s| s.asked.is_empty()).expect("a result page");
    assert!(result.html.contains("Find the causes and get my plan"));
    assert!(steps.iter().any(|s| s.asked.iter().any(|id| kb().item(id).is_some_and(|i| i.coaching))), "the cause finder asked nothing");
    assert!(last.html.contains("What may have caused it"));
    assert_eq!(last.html.matches("<section class=\"block\">").count(), 5, "the five blocks");
    assert!(form_html(&last.html, "/plan").is_some() && form_html(&last.html, "/plan/card").is_some());
}

#[tokio::test]
async fn a_question_left_blank_is_not_asked_again_after_going_on() {
    let steps = walk(&without(SELF_CARE, &["pain_now", "trend", "age_years"]), true).await;
    let last = steps.last().expect("steps");
    assert_eq!(result_tier(&last.html).as_deref(), Some("self_care"));
    let asked: Vec<&String> = steps.iter().flat_map(|s| &s.asked).collect();
    for id in ["pain_now", "trend", "age_years"] {
        assert_eq!(asked.iter().filter(|a| **a == id).count(), 1, "{id} asked once, left blank, not asked again");
    }
    assert!(last.html.contains("What may have caused it"));
}

#[tokio::test]
async fn an_emergency_answer_ends_the_questionnaire_with_the_call_script_first() {
    let steps = walk(EMERGENCY, true).await;
    let last = steps.last().expect("steps");
    assert_eq!(result_tier(&last.html).as_deref(), Some("emergency"));
    assert!(fired_rules(&last.html).contains(&"E1".to_string()), "{:?}", fired_rules(&last.html));
    // It ended on the step that asked the cauda-equina signs: later questions were never asked.
    let step_with_saddle = steps.iter().position(|s| s.asked.contains(&"saddle_numbness".to_string())).expect("asked");
    assert_eq!(step_with_saddle, steps.len() - 2, "the result came right after the emergency answer");
    let asked: Vec<&String> = steps.iter().flat_map(|s| &s.asked).collect();
    assert!(!asked.iter().any(|id| *id == "fever"), "questions after the emergency were asked");
    assert_call_script_first(&last.html);
    // No causes, no plan at an emergency.
    assert!(!last.html.contains("What may have caused it"));
    assert!(form_html(&last.html, "/plan").is_none());
    // As in `spotter check`, an answer given by mistake can be changed: the questions behind
    // the emergency are asked again, the other answers kept.
    let back = form_html(&last.html, "/check").expect("the way back");
    let again = post_form("/check", submit(back, |_, _, _| Vec::new())).await.text();
    assert_eq!(result_tier(&again), None, "questions again, not a result");
    let asked: Vec<String> = questions(&again).into_iter().map(|(id, _, _)| id).collect();
    for id in ["saddle_numbness", "bladder_difficulty_starting"] {
        assert!(asked.contains(&id.to_string()), "{id} asked again: {asked:?}");
    }
    assert!(!asked.contains(&"altered_sensation_wiping".to_string()), "answers not behind the emergency are kept");
}

/// The call script is the first thing in the page's body, in the largest type (the CSS gives
/// `.call-script` the largest font size, checked in `headers.rs`).
fn assert_call_script_first(html: &str) {
    let body = html.split("<body").nth(1).expect("body");
    let main = body.split("<main id=\"main\">").nth(1).expect("main");
    let before_main = body.split("<main id=\"main\">").next().expect("before main");
    assert!(!before_main.contains("<header") && !before_main.contains("<a "), "nothing before the main content: {before_main}");
    let first_text_tag = main.find("<p").expect("a paragraph");
    assert!(main[..first_text_tag].trim_start().starts_with("<section class=\"result\" data-tier=\"emergency\""));
    assert!(main[first_text_tag..].starts_with("<p class=\"call-script\""), "{}", &main[..300.min(main.len())]);
    assert!(!main[..first_text_tag].contains("<h1"));
}

#[tokio::test]
async fn one_emergency_answer_alone_shows_the_emergency_result_at_once() {
    for body in ["bladder_difficulty_starting=true", "major_trauma=true", "leg_weakness=both_legs"] {
        let r = post_form("/check", body).await;
        assert_eq!(r.status, StatusCode::OK);
        let html = r.text();
        assert_eq!(result_tier(&html).as_deref(), Some("emergency"), "{body}");
        assert_call_script_first(&html);
        assert!(html.contains("Spotter stopped asking here"));
    }
}

#[tokio::test]
async fn an_urgent_walk_gives_the_result_and_no_plan() {
    let steps = walk(URGENT, true).await;
    let last = steps.last().expect("steps");
    assert_eq!(result_tier(&last.html).as_deref(), Some("urgent"));
    assert!(fired_rules(&last.html).contains(&"U5".to_string()));
    assert!(form_html(&last.html, "/check").is_none(), "no offer to go on at urgent");
    assert!(!last.html.contains("call-script"));
}

#[tokio::test]
async fn a_safety_question_left_blank_is_asked_again_and_optional_ones_are_not() {
    let first = get("/check").await.text();
    let form = form_html(&first, "/check").expect("form");
    let qs = questions(&first);
    // Leave every question blank.
    let r = post_form("/check", submit(form, |_, _, _| Vec::new())).await.text();
    let again: Vec<String> = questions(&r).into_iter().map(|(id, _, _)| id).collect();
    for (id, _, _) in &qs {
        let must = kb().item(id).is_some_and(|i| i.safety_critical);
        assert_eq!(again.contains(id), must, "{id}");
    }
    if qs.iter().any(|(id, _, _)| kb().item(id).is_some_and(|i| i.safety_critical)) {
        assert!(r.contains("cannot be skipped"));
    }
}

#[tokio::test]
async fn a_form_that_is_not_the_checks_is_refused_with_a_page() {
    let r = post_form("/check", "major_trauma=maybe").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.content_type().starts_with("text/html"));
    assert!(r.text().contains("is not valid"));
    let r = post_form("/check", "admin=1").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("a field Spotter does not know"));
    let r = post_form("/check", "age_years=30&age_years=40").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("more than one answer"));
    let r = send(request(Method::POST, "/check", Some("application/json"), "{}")).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = post_form("/check", "x".repeat(70 * 1024)).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.content_type().starts_with("text/html"));
    let r = send(request(Method::DELETE, "/check", None, Body::empty())).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(r.content_type().starts_with("text/html"));
}

/// The fixture as the plan form sends it.
pub fn as_form(answers: &str) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in fixture(answers) {
        for value in pick(&fixture(answers), &k) {
            s.append_pair(&k, &value);
        }
        if v.as_array().is_some_and(|a| a.is_empty()) {
            s.append_pair(&k, "");
        }
    }
    s.finish()
}

#[tokio::test]
async fn the_plan_page_has_five_blocks_a_print_stylesheet_and_the_pdf_card() {
    let r = post_form("/plan", as_form(SELF_CARE)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let html = r.text();
    assert_eq!(result_tier(&html).as_deref(), Some("self_care"));
    assert_eq!(html.matches("<section class=\"block\">").count(), 5);
    let card = spotter_report::Card::new(kb(), &spotter_app::plan(kb(), &spotter_app::read_answers(kb(), SELF_CARE, "t").expect("a"), None).expect("plan").0);
    for title in [card.warmup.as_ref().map(|w| w.title.clone()), card.lifts.as_ref().map(|l| l.title.clone())].into_iter().flatten() {
        assert!(html.contains(&spotter_server_esc(&title)), "{title}");
    }
    assert!(html.contains("<link rel=\"stylesheet\" href=\"/assets/style.css\">"));
    let card_form = form_html(&html, "/plan/card").expect("the card's form");
    let body = submit(card_form, |_, _, _| Vec::new());
    let pdf = post_form("/plan/card", body).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.content_type(), "application/pdf");
    assert!(pdf.body.starts_with(b"%PDF-"));
    assert!(pdf.headers.get(header::CONTENT_DISPOSITION).and_then(|v| v.to_str().ok()).is_some_and(|d| d.starts_with("attachment")));
    // A different warm-up budget.
    let r = post_form("/plan", format!("{}&minutes=8", as_form(SELF_CARE))).await;
    assert!(r.text().contains("(8:00)"), "the warm-up's total time");
    let r = post_form("/plan", format!("{}&minutes=3", as_form(SELF_CARE))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_plan_needs_complete_answers() {
    let r = post_form("/plan", "major_trauma=false").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("every safety question"));
    let r = get("/plan").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("href=\"/check\""));
}

#[tokio::test]
async fn the_plan_page_offers_its_reminders_as_a_calendar_file() {
    let html = post_form("/plan", as_form(SELF_CARE)).await.text();
    let form = form_html(&html, "/plan/calendar").expect("the calendar form");
    // As a person fills it in: Monday and Thursday legs at 19:00, the work days left as offered.
    let body = submit(form, |name, _, offered| match name {
        "leg_days" => vec!["mon".into(), "thu".into()],
        "work_days" => offered[..5].to_vec(),
        "session_time" => vec!["19:00".into()],
        "work_start" => vec!["08:00".into()],
        "work_end" => vec!["16:00".into()],
        _ => Vec::new(),
    });
    let r = post_form("/plan/calendar", body.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.content_type(), "text/calendar; charset=utf-8");
    let ics = r.text();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
    let warmup = ics.split("BEGIN:VEVENT").find(|e| e.contains("UID:spotter-warmup@spotter.local")).expect("the warm-up event");
    assert!(warmup.contains("RRULE:FREQ=WEEKLY;BYDAY=MO,TH"));
    assert!(warmup.contains("T184500"), "15 minutes before 19:00: {warmup}");
    let breaks = ics.matches("UID:spotter-sitting-break-").count();
    assert!(breaks >= 8, "sitting breaks through 08:00 to 16:00: {breaks}");
    assert!(!ics.contains("sitting-break-16") || ics.contains("sitting-break-1600"), "none after 16:00");
    // No leg day ticked: the page says what is missing.
    let none = body.split('&').filter(|p| !p.starts_with("leg_days=")).collect::<Vec<_>>().join("&");
    let r = post_form("/plan/calendar", none).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("leg days"), "{}", r.text());
    let r = post_form("/plan/calendar", format!("{body}&leg_days=someday")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_warm_up_player_gets_the_timer_of_spotter_warmup() {
    let r = get("/warmup").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("href=\"/check\""));
    // The plan page leads to it with the answers.
    let html = post_form("/plan", as_form(SELF_CARE)).await.text();
    let form = form_html(&html, "/warmup").expect("the player's form on the plan page");
    let r = post_form("/warmup", submit(form, |_, _, _| Vec::new())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let page = r.text();
    assert!(page.contains("<script src=\"/assets/warmup.js\" defer></script>"));
    assert!(page.contains("Keep this tab open"));
    // The timeline in data-routine is the Rust timer's, step by step.
    let start = page.find("data-routine=\"").expect("data-routine") + "data-routine=\"".len();
    let raw = &page[start..start + page[start..].find('"').unwrap()];
    let json: serde_json::Value = serde_json::from_str(&raw.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")).expect("JSON");
    let answers = spotter_app::read_answers(kb(), SELF_CARE, "t").expect("answers");
    let (plan, _) = spotter_app::plan(kb(), &answers, None).expect("plan");
    let routine = spotter_coach::timer::Routine::from_plan(&plan, spotter_coach::timer::DEFAULT_GET_READY_SECONDS).expect("a routine");
    assert_eq!(json["total_ms"].as_u64(), Some(routine.total().as_millis() as u64));
    let steps = json["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), routine.steps().len());
    assert_eq!(steps[0]["kind"], "get_ready");
    for (s, r) in steps.iter().zip(routine.steps()) {
        assert_eq!(s["start_ms"].as_u64(), Some(r.start.as_millis() as u64));
        assert_eq!(s["length_ms"].as_u64(), Some(r.length.as_millis() as u64));
    }
    assert_eq!(json["drills"].as_array().unwrap().len(), routine.drills().len());
    // The script is served by Spotter itself.
    let js = get("/assets/warmup.js").await;
    assert_eq!(js.status, StatusCode::OK);
    assert_eq!(js.content_type(), "text/javascript; charset=utf-8");
    assert!(js.text().contains("wakeLock"));
    // No warm-up at urgent: the page says why.
    let r = post_form("/warmup", as_form(URGENT)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("no warm-up"), "{}", r.text());
}

//! Tests of the card: its wording (doses, clock times, red flags), that it is always one page, that
//! the page shows the plan and the red-flag box, that urgent and emergency cards carry no training,
//! and that the output is byte-for-byte repeatable.

use crate::card::{self, Card, clock, dose, duration, second_person};
use crate::{FITS, LaidCard, ReportError, card_pdf, card_png, card_svg, lay_out, layout};
use spotter_coach::{BlockId, Plan, make_plan};
use spotter_kb::Kb;
use std::sync::LazyLock;

const SEED_STORY: &str = include_str!("../../../examples/plan-seed-story.json");
const SELF_CARE: &str = include_str!("../../../examples/intake-self-care.json");
const URGENT: &str = include_str!("../../../examples/intake-urgent.json");
const EMERGENCY: &str = include_str!("../../../examples/intake-emergency.json");

fn kb() -> Kb {
    Kb::builtin().expect("the built-in knowledge base loads")
}

/// Laying a card out takes a while in a debug build: the seed story's card is laid out once.
static KB: LazyLock<Kb> = LazyLock::new(kb);
static SEED_CARD: LazyLock<LaidCard> = LazyLock::new(|| checked(&KB, &plan(&KB, SEED_STORY)));

/// The seed story's answers with some answers replaced.
fn seed_with(changes: serde_json::Value) -> String {
    let mut answers: serde_json::Value = serde_json::from_str(SEED_STORY).expect("seed story is JSON");
    for (k, v) in changes.as_object().expect("changes are an object") {
        answers[k] = v.clone();
    }
    answers.to_string()
}

fn plan<'kb>(kb: &'kb Kb, answers: &str) -> Plan<'kb> {
    let answers = spotter_triage::parse_answers_json(kb, answers).expect("answers parse");
    make_plan(kb, &answers, None).expect("default budget is allowed")
}

/// The card laid out, checked to be one page without template warnings.
fn checked(kb: &Kb, plan: &Plan<'_>) -> LaidCard {
    let laid = lay_out(kb, plan).expect("the card lays out");
    assert_eq!(laid.pages(), 1);
    assert!(laid.warnings().is_empty(), "template warnings: {:?}", laid.warnings());
    laid
}

fn contains_all(text: &str, wanted: &[&str]) {
    let missing: Vec<&&str> = wanted.iter().filter(|w| !text.contains(**w)).collect();
    assert!(missing.is_empty(), "missing on the card: {missing:?}\n--- card text ---\n{text}");
}

// ------------------------------------------------------------------------------- wording

#[test]
fn clock_and_duration_words() {
    for (seconds, c, d) in
        [(0, "0:00", "0 s"), (30, "0:30", "30 s"), (60, "1:00", "1:00"), (90, "1:30", "1:30"), (330, "5:30", "5:30")]
    {
        assert_eq!(clock(seconds), c, "clock({seconds})");
        assert_eq!(duration(seconds), d, "duration({seconds})");
    }
}

#[test]
fn doses_of_the_builtin_drills() {
    let kb = kb();
    let plan = plan(&kb, SEED_STORY);
    let dose_of = |block: BlockId, id: &str| {
        let item = plan
            .block(block)
            .and_then(|b| b.items.iter().find(|i| i.id == id))
            .unwrap_or_else(|| panic!("{id} in plan"));
        dose(item)
    };
    // Doses from coach/drills.toml and plan.toml (spec/coaching.md), not from the renderer.
    assert_eq!(dose_of(BlockId::Strength, "glute_bridge"), "2 × 12");
    assert_eq!(dose_of(BlockId::Strength, "bird_dog"), "5 × 8 s hold each side");
    assert_eq!(dose_of(BlockId::Strength, "dead_bug"), "2 × 8 each side");
    assert_eq!(dose_of(BlockId::Strength, "plank"), "3 × 30 s");
    assert_eq!(dose_of(BlockId::Cooldown, "legs_up_the_wall"), "1:30");
    assert_eq!(dose_of(BlockId::Cooldown, "reclining_hamstring_stretch"), "45 s each side");
    assert_eq!(dose_of(BlockId::Daily, "sitting_break"), "every 30 min");
}

#[test]
fn warmup_of_the_default_template_reads_like_the_seed_routine() {
    // Self-care answers without cause-finder items: the seed's routine as it is (spec/coaching.md).
    let kb = kb();
    let card = Card::new(&kb, &plan(&kb, SELF_CARE));
    let w = card.warmup.expect("self-care card has a warm-up");
    let rows: Vec<(&str, &str, &str)> =
        w.items.iter().map(|i| (i.start.as_str(), i.name.as_str(), i.dose.as_str())).collect();
    assert_eq!(
        rows,
        [
            ("0:00", "Leg swings", "30 s each side"),
            ("1:00", "Walking lunges with a twist", "1:00"),
            ("2:00", "Standing roll-downs", "30 s"),
            ("2:30", "Glute kickbacks", "1:00"),
            ("3:30", "Hip circles", "1:00"),
            ("4:30", "Bodyweight squats", "1:00"),
        ]
    );
    assert_eq!(w.total, "5:30");
}

#[test]
fn second_person_turns_the_call_words_around() {
    for (said, card) in [
        ("numbness in my groin or saddle area", "numbness in your groin or saddle area"),
        ("changed feeling when I wipe after the toilet", "changed feeling when you wipe after the toilet"),
        ("sciatica: pain running from my back down both legs", "sciatica: pain running from your back down both legs"),
        ("mystery myself I'm", "mystery myself you're"),
        ("new weakness in both legs", "new weakness in both legs"),
    ] {
        assert_eq!(second_person(said), card);
    }
}

#[test]
fn red_flags_are_every_sign_that_alone_means_emergency() {
    let flags = card::red_flags(&kb());
    // spec/triage.md E1 (cauda equina), E2 (both legs), E3 (sciatica both legs), E5, E6.
    for sign in [
        "numbness in your groin or saddle area",
        "trouble starting to pee or emptying your bladder",
        "new leaking of urine",
        "loss of bowel control",
        "new weakness in both legs",
        "numbness or tingling in both legs",
        "sciatica: pain running from your back down both legs",
        "chest or belly pain",
    ] {
        assert!(flags.signs.iter().any(|s| s == sign), "{sign:?} not in {:?}", flags.signs);
    }
    // One leg alone is not an emergency, and nothing is listed twice.
    assert!(!flags.signs.iter().any(|s| s.contains("one leg")), "{:?}", flags.signs);
    let mut unique = flags.signs.clone();
    unique.dedup();
    assert_eq!(unique.len(), flags.signs.len());
    assert!(flags.action.contains("emergency"), "{}", flags.action);
}

// ------------------------------------------------------------------------------- what the page shows

#[test]
fn seed_card_shows_the_plan_on_one_page() {
    let kb = &*KB;
    let plan = plan(kb, SEED_STORY);
    let text = SEED_CARD.text();
    contains_all(&text, &["Leg-day plan", "Self-care", "Warm-up before leg day", "total", "Cues for today's lifts"]);
    // Every warm-up drill of the plan with its start time and its time.
    let warmup = plan.block(BlockId::Warmup).expect("warm-up block");
    let mut at = 0;
    for item in &warmup.items {
        let time = if item.per_side {
            format!("{} each side", duration(item.seconds.expect("timed")))
        } else {
            duration(item.seconds.expect("timed"))
        };
        contains_all(&text, &[item.name, &clock(at), &time]);
        at += item.total_seconds().expect("timed");
    }
    contains_all(&text, &[&format!("{} total", clock(plan.warmup_budget_seconds))]);
    // The lifts of the day with their first cue, the stretches, the strength work and the habits.
    for block in [BlockId::ExerciseCues, BlockId::Cooldown, BlockId::Strength, BlockId::Daily] {
        for item in &plan.block(block).expect("block").items {
            contains_all(&text, &[item.name]);
        }
    }
    for lift in &plan.block(BlockId::ExerciseCues).expect("cues").items {
        contains_all(&text, &[lift.cues[0]]);
    }
    contains_all(&text, &["every 30 min", plan.causes[0].cause.name.as_str()]);
}

#[test]
fn every_card_has_the_red_flag_box_and_the_disclaimer() {
    let kb = kb();
    let others = [SELF_CARE, URGENT, EMERGENCY].map(|answers| checked(&kb, &plan(&kb, answers)).text());
    for text in [SEED_CARD.text()].iter().chain(&others) {
        contains_all(
            text,
            &[
                "Stop and get help now if you have any of these:",
                "numbness in your groin or saddle area",
                "new leaking of urine",
                "new weakness in both legs",
                "pain running from your back down both legs",
                kb.tier_info(spotter_kb::Tier::Emergency).headline.as_str(),
                kb.disclaimer.as_str(),
            ],
        );
    }
}

#[test]
fn nerve_flossing_comes_with_its_caution() {
    let kb = kb();
    let answers = seed_with(serde_json::json!({ "observations": ["pull_behind_knee_with_tingle"] }));
    let plan = plan(&kb, &answers);
    let floss =
        plan.block(BlockId::Daily).and_then(|b| b.items.iter().find(|i| i.id == "nerve_floss")).expect("flossing");
    let text = checked(&kb, &plan).text();
    contains_all(&text, &[floss.name, "10 each side", floss.caution.expect("flossing has a caution")]);
}

#[test]
fn urgent_and_emergency_cards_carry_no_training() {
    let kb = kb();
    for (answers, label) in [(URGENT, "Same-day medical help"), (EMERGENCY, "Emergency")] {
        let plan = plan(&kb, answers);
        let card = Card::new(&kb, &plan);
        assert!(!card.coaching);
        assert!(card.warmup.is_none() && card.lifts.is_none() && card.cooldown.is_none());
        assert!(card.strength.is_none() && card.daily.is_none() && card.causes.is_empty());
        let text = checked(&kb, &plan).text();
        contains_all(
            &text,
            &[
                "No training plan today",
                "What to do now",
                label,
                plan.triage.info.headline.as_str(),
                plan.triage.info.steps[0].as_str(),
            ],
        );
        for f in &plan.triage.fired {
            contains_all(&text, &[f.rule.title.as_str()]);
        }
        for absent in
            ["Warm-up", "Cues for today", "Stretches after training", "Core and glute", "Every day", "Leg swings"]
        {
            assert!(!text.contains(absent), "{label} card shows {absent:?}:\n{text}");
        }
    }
    let text = checked(&kb, &plan(&kb, EMERGENCY)).text();
    contains_all(&text, &["What to say when you call", "I have low back pain"]);
}

#[test]
fn see_professional_card_has_gentle_mobility_and_the_advice_only() {
    let kb = kb();
    let plan = plan(&kb, &seed_with(serde_json::json!({ "pain_pattern": "constant" })));
    assert_eq!(plan.triage.tier, spotter_kb::Tier::SeeProfessional);
    let card = Card::new(&kb, &plan);
    assert!(card.lifts.is_none() && card.strength.is_none() && card.cooldown.is_none());
    let text = checked(&kb, &plan).text();
    contains_all(
        &text,
        &["Book a professional", "Gentle mobility", "Easy walking", "Until then, only gentle movement", "Every day"],
    );
    assert!(!text.contains("Cues for today"), "{text}");
}

#[test]
fn a_day_of_every_exercise_and_every_fault_still_fits_on_one_page() {
    let kb = kb();
    let every_exercise: Vec<&str> = kb.coaching.exercises.iter().map(|e| e.id.as_str()).collect();
    let every_observation: Vec<&str> =
        kb.item("observations").expect("observations item").kind.choices().iter().map(|c| c.id.as_str()).collect();
    let answers =
        seed_with(serde_json::json!({ "exercises_today": every_exercise, "observations": every_observation }));
    let answers = spotter_triage::parse_answers_json(&kb, &answers).expect("answers parse");
    let plan = make_plan(&kb, &answers, Some(10.0)).expect("10 minutes is allowed");
    assert!(plan.block(BlockId::ExerciseCues).expect("cues").items.len() >= 15);
    let card = Card::new(&kb, &plan);
    // The roomiest fit does not hold all this: the card must have shrunk to one page.
    assert!(layout(&card, FITS[0]).expect("lays out").pages() > 1);
    let laid = checked(&kb, &plan);
    assert!(laid.fit().size_pt >= 6.0 && laid.fit() != FITS[0], "{:?}", laid.fit());
    let text = laid.text();
    // Every lift is still named, with its cues or on the "also today" line; the safety text stays.
    for e in &kb.coaching.exercises {
        contains_all(&text, &[e.name.as_str()]);
    }
    contains_all(&text, &["Stop and get help now", kb.disclaimer.as_str(), "Nerve flossing", "Stop"]);
}

#[test]
fn each_fit_holds_no_more_than_the_one_before() {
    // lay_out searches FITS by halves: that is only right if every step gives up something.
    for pair in FITS.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        assert!(b.size_pt <= a.size_pt && b.max_cues <= a.max_cues && b.max_lifts <= a.max_lifts, "{a:?} then {b:?}");
        assert!(b.tight >= a.tight && b.warmup_cues <= a.warmup_cues && b.notes <= a.notes, "{a:?} then {b:?}");
        assert_ne!(a, b);
    }
    // The how-tos are the last to go: every fit but the last two keeps them.
    assert!(FITS[..FITS.len() - 2].iter().all(|f| f.warmup_cues && f.notes));
}

#[test]
fn a_long_plan_keeps_every_drills_how_to_on_its_one_page() {
    // Ten minutes of warm-up, four lifts and every observed fault: many causes, every drill block.
    let kb = &*KB;
    let every_observation: Vec<&str> =
        kb.item("observations").expect("observations item").kind.choices().iter().map(|c| c.id.as_str()).collect();
    let answers = seed_with(serde_json::json!({
        "exercises_today": ["back_squat", "romanian_deadlift", "walking_lunge", "leg_curl"],
        "observations": every_observation,
    }));
    let answers = spotter_triage::parse_answers_json(kb, &answers).expect("answers parse");
    let plan = make_plan(kb, &answers, Some(10.0)).expect("10 minutes is allowed");
    assert!(plan.causes.len() >= 3, "{} causes", plan.causes.len());
    let card = Card::new(kb, &plan);
    // Too much for the roomiest fit: the card had to be fitted.
    assert!(layout(&card, FITS[0]).expect("lays out").pages() > 1);
    let laid = checked(kb, &plan);
    assert!(laid.fit().warmup_cues && laid.fit().notes, "{:?}", laid.fit());
    assert!(laid.fit().size_pt >= 8.0, "readable in the gym: {:?}", laid.fit());
    let text = laid.text();
    let mut how_tos = 0;
    for block in [BlockId::Warmup, BlockId::Cooldown, BlockId::Strength, BlockId::Daily] {
        for item in &plan.block(block).expect("block").items {
            let how_to = item.cues.first().unwrap_or_else(|| panic!("{} has a how-to", item.name));
            contains_all(&text, &[item.name, how_to]);
            how_tos += 1;
        }
    }
    assert!(how_tos >= 12, "{how_tos} drills");
    // Every lift keeps at least its first cue.
    for lift in &plan.block(BlockId::ExerciseCues).expect("cues").items {
        contains_all(&text, &[lift.name, lift.cues[0]]);
    }
}

// ------------------------------------------------------------------------------- the files

#[test]
fn pdf_is_a_one_page_pdf_and_repeatable() {
    let pdf = SEED_CARD.pdf().expect("pdf");
    assert!(pdf.starts_with(b"%PDF-"), "{:?}", &pdf[..8]);
    assert!(pdf.len() > 5_000 && pdf.len() < 500_000, "{} bytes", pdf.len());
    // The page tree as typst-pdf writes it: one page object, a count of one.
    let count = |needle: &[u8]| pdf.windows(needle.len()).filter(|w| *w == needle).count();
    assert_eq!(count(b"/Type/Page") - count(b"/Type/Pages"), 1);
    assert_eq!(count(b"/Count 1"), 1);
    // Laid out again from scratch, through the one-call API: the same bytes.
    let kb = &*KB;
    assert_eq!(pdf, card_pdf(kb, &plan(kb, SEED_STORY)).expect("pdf again"), "PDF is not repeatable");
}

#[test]
fn png_is_a5_at_the_asked_scale_and_repeatable() {
    let png = SEED_CARD.png(1.0).expect("png");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    // IHDR: width and height, big-endian, right after the signature and the chunk header.
    let size = |png: &[u8]| {
        let be = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().expect("4 bytes"));
        (be(16), be(20))
    };
    // A5 is 148 × 210 mm = 419.5 × 595.3 pt.
    assert_eq!(size(&png), (420, 595));
    assert_eq!(size(&SEED_CARD.png(2.0).expect("png at 2x")), (839, 1191));
    let kb = &*KB;
    assert_eq!(png, card_png(kb, &plan(kb, SEED_STORY), 1.0).expect("png again"), "PNG is not repeatable");
}

#[test]
fn png_scale_out_of_range_is_refused() {
    let kb = &*KB;
    let plan = plan(kb, URGENT);
    for bad in [0.0, 0.2, -1.0, 10.5, f32::NAN, f32::INFINITY] {
        let err = card_png(kb, &plan, bad).expect_err("refused");
        assert!(matches!(err, ReportError::Scale { .. }), "{err:?}");
        assert!(err.to_string().starts_with("pixels per point must be from 0.25 to 10"), "{err}");
        assert!(SEED_CARD.png(bad).is_err());
    }
}

#[test]
fn svg_is_one_svg_document() {
    let svg = SEED_CARD.svg();
    assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
    assert_eq!(svg.matches("<svg").count(), 1);
    let kb = &*KB;
    assert_eq!(card_svg(kb, &plan(kb, URGENT)).expect("svg").matches("<svg").count(), 1);
}

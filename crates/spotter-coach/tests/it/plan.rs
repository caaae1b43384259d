//! Plan invariants: the warm-up fills the budget to the second, no static stretch before
//! training, tier gates, and nerve flossing only with nerve-specific evidence.

use crate::common::{answers, kb};
use proptest::prelude::*;
use serde_json::{Value, json};
use spotter_coach::plan::ItemKind;
use spotter_coach::{BlockId, PlanError, make_plan};

fn block_ids(changes: Value) -> Vec<&'static str> {
    make_plan(kb(), &answers(changes), None).expect("plan").blocks.iter().map(|b| b.id.id()).collect()
}

#[test]
fn with_nothing_found_the_warm_up_is_the_seed_routine() {
    let plan = make_plan(kb(), &answers(json!({})), None).expect("plan");
    let w = plan.block(BlockId::Warmup).expect("warm-up");
    let got: Vec<(&str, u32, bool)> = w.items.iter().map(|i| (i.id, i.seconds.expect("timed"), i.per_side)).collect();
    assert_eq!(
        got,
        [
            ("leg_swings", 30, true),
            ("walking_lunge_twist", 60, false),
            ("standing_roll_down", 30, false),
            ("glute_kickback", 60, false),
            ("hip_circles", 60, false),
            ("bodyweight_squat", 60, false),
        ]
    );
    assert_eq!(plan.warmup_budget_seconds, 330);
}

#[test]
fn self_care_gets_all_five_blocks_in_order() {
    assert_eq!(block_ids(json!({})), ["warmup", "exercise_cues", "cooldown", "strength", "daily"]);
}

#[test]
fn see_professional_gets_gentle_mobility_and_habits_only() {
    let plan = make_plan(kb(), &answers(json!({"pain_pattern": "constant", "warmed_up": false})), None).expect("plan");
    assert_eq!(plan.triage.tier.id(), "see_professional");
    let ids: Vec<&str> = plan.blocks.iter().map(|b| b.id.id()).collect();
    assert_eq!(ids, ["warmup", "daily"]);
    let warmup: Vec<&str> = plan.block(BlockId::Warmup).unwrap().items.iter().map(|i| i.id).collect();
    assert_eq!(warmup, ["easy_walk", "hip_circles", "leg_swings"]);
    assert!(plan.advice.as_deref().unwrap().contains("Book a doctor or physiotherapist"));
}

#[test]
fn urgent_and_emergency_get_no_blocks_only_the_triage_message() {
    for changes in [json!({"fever": true}), json!({"bowel_incontinence": true})] {
        let plan = make_plan(kb(), &answers(changes), None).expect("plan");
        assert!(plan.blocks.is_empty());
        assert!(plan.advice.as_deref().unwrap().starts_with("No training plan today."));
    }
}

#[test]
fn budget_outside_5_to_10_minutes_is_refused() {
    for bad in [4.9, 10.1, 0.0, -3.0, f64::NAN, f64::INFINITY] {
        let err = make_plan(kb(), &answers(json!({})), Some(bad)).unwrap_err();
        assert!(matches!(err, PlanError::BudgetOutOfRange { .. }), "{bad}");
        assert!(err.to_string().contains("5 to 10 minutes"), "{err}");
    }
}

#[test]
fn the_warm_up_follows_the_causes() {
    // Tight hamstrings and no brace: leg swings and roll-downs get more time, brace practice joins.
    let a = answers(json!({"straight_leg_raise_deg": 55, "toe_touch": "knees", "observations": ["belly_relaxed_not_braced"], "warmed_up": true}));
    let plan = make_plan(kb(), &a, Some(8.0)).expect("plan");
    let w = plan.block(BlockId::Warmup).unwrap();
    let secs = |id: &str| w.items.iter().find(|i| i.id == id).and_then(|i| i.total_seconds()).unwrap_or(0);
    assert!(secs("brace_breathing") > 0, "brace practice added");
    assert!(secs("standing_roll_down") > secs("glute_kickback") / 2, "{w:?}");
    assert!(secs("leg_swings") > 60 * 8 / 6, "leg swings get more than an even share: {}", secs("leg_swings"));
    assert_eq!(w.items.iter().map(|i| i.total_seconds().unwrap()).sum::<u32>(), 480);
    // Cues for the day's lifts answer the causes found.
    let cooldown: Vec<&str> = plan.block(BlockId::Cooldown).unwrap().items.iter().map(|i| i.id).collect();
    assert!(cooldown.contains(&"reclining_hamstring_stretch"));
}

#[test]
fn hip_flexor_stretch_after_training_when_hip_flexors_are_tight() {
    let cooldown = |changes: Value| -> Vec<&'static str> {
        let plan = make_plan(kb(), &answers(changes), None).unwrap();
        plan.block(BlockId::Cooldown).unwrap().items.iter().map(|i| i.id).collect()
    };
    assert_eq!(cooldown(json!({})), ["reclining_hamstring_stretch", "legs_up_the_wall", "knees_to_chest"]);
    assert!(cooldown(json!({"thomas_test": "thigh_above_horizontal"})).contains(&"hip_flexor_stretch"));
}

#[test]
fn exercise_cues_answer_the_causes_found() {
    let a = answers(json!({"exercises_today": ["back_squat", "romanian_deadlift"], "observations": ["belly_relaxed_not_braced"]}));
    let plan = make_plan(kb(), &a, None).unwrap();
    let cues = plan.block(BlockId::ExerciseCues).unwrap();
    let squat = cues.items.iter().find(|i| i.id == "back_squat").expect("back squat cues");
    assert_eq!(squat.cues[0], "Big breath into the belly and brace before every rep; re-brace at the top.");
    assert!(squat.serves.contains(&"no_brace"));
    assert!(squat.cues.contains(&"Bar over mid-foot all the way down and up."));
    assert!(cues.items.iter().any(|i| i.id == "romanian_deadlift"));
    assert!(cues.items.iter().all(|i| i.kind == ItemKind::Exercise && i.cues.len() <= 4));
}

#[test]
fn nerve_flossing_only_with_nerve_evidence_and_at_self_care() {
    let daily = |changes: Value| -> Vec<&'static str> {
        let plan = make_plan(kb(), &answers(changes), None).unwrap();
        plan.block(BlockId::Daily).map(|b| b.items.iter().map(|i| i.id).collect()).unwrap_or_default()
    };
    // Tight hamstrings alone: no flossing.
    assert_eq!(daily(json!({"straight_leg_raise_deg": 40, "toe_touch": "knees"})), ["sitting_break"]);
    // Pull behind the knee with tingle, or transient one-leg tingling: flossing, with its warning.
    assert_eq!(daily(json!({"observations": ["pull_behind_knee_with_tingle"]})), ["sitting_break", "nerve_floss"]);
    assert_eq!(daily(json!({"numbness_tingling": "one_leg", "numbness_persistent": false})), ["sitting_break", "nerve_floss"]);
    // Same evidence at see_professional: no flossing.
    assert_eq!(daily(json!({"observations": ["pull_behind_knee_with_tingle"], "pain_now": 8})), ["sitting_break"]);
    let plan = make_plan(kb(), &answers(json!({"observations": ["pull_behind_knee_with_tingle"]})), None).unwrap();
    let floss = plan.block(BlockId::Daily).unwrap().items.iter().find(|i| i.id == "nerve_floss").unwrap();
    assert!(floss.cues.iter().any(|c| c.contains("Stop if it provokes pain or tingling")));
}

#[test]
fn sitting_break_carries_its_interval() {
    let plan = make_plan(kb(), &answers(json!({})), None).unwrap();
    let sit = &plan.block(BlockId::Daily).unwrap().items[0];
    assert_eq!((sit.id, sit.interval_minutes), ("sitting_break", Some(30)));
}

/// A random cause-finder intake on top of the baseline (sometimes at another tier).
fn intake() -> impl Strategy<Value = Value> {
    let obs = prop::sample::subsequence(
        vec![
            "tailbone_tucks_at_bottom", "back_rounds_in_hinge", "chest_drops_forward", "belly_relaxed_not_braced",
            "hips_shoot_up_first", "low_back_arches_in_lunge", "long_lunge_step", "torso_twists_in_lunge",
            "low_back_arches_at_lockout", "pull_behind_knee_with_tingle",
        ],
        0..4,
    );
    let exercises = prop::sample::subsequence(vec!["back_squat", "romanian_deadlift", "walking_lunge", "leg_curl", "hip_thrust"], 0..4);
    (
        obs,
        exercises,
        any::<bool>(),
        0.0f64..14.0,
        prop::sample::select(vec!["palms_floor", "fingertips_floor", "ankles", "shins", "knees"]),
        20i64..110,
        prop::sample::select(vec!["thigh_below_horizontal", "thigh_horizontal", "thigh_above_horizontal"]),
        0i64..60,
        prop::sample::select(vec![json!({}), json!({"pain_now": 8}), json!({"fever": true}), json!({"saddle_numbness": true}),
            json!({"numbness_tingling": "one_leg", "numbness_persistent": false})]),
    )
        .prop_map(|(obs, ex, warm, sit, toe, slr, thomas, bridge, tier_change)| {
            let mut v = json!({
                "observations": obs, "exercises_today": ex, "warmed_up": warm, "sitting_hours_per_day": sit,
                "toe_touch": toe, "straight_leg_raise_deg": slr, "thomas_test": thomas, "single_leg_bridge_hold_s": bridge,
            });
            for (k, x) in tier_change.as_object().unwrap() {
                v[k] = x.clone();
            }
            v
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn plan_invariants(changes in intake(), tenths in 50u32..=100) {
        let minutes = f64::from(tenths) / 10.0;
        let a = answers(changes);
        let plan = make_plan(kb(), &a, Some(minutes)).expect("budget in range");
        let tier = plan.triage.tier.id();
        match tier {
            "emergency" | "urgent" => prop_assert!(plan.blocks.is_empty()),
            "see_professional" => {
                let ids: Vec<&str> = plan.blocks.iter().map(|b| b.id.id()).collect();
                prop_assert_eq!(ids, ["warmup", "daily"]);
            }
            _ => prop_assert_eq!(plan.blocks.len(), 5),
        }
        if let Some(w) = plan.block(BlockId::Warmup) {
            // The budget is kept to the second, every drill is dynamic, doses are positive.
            let total: u32 = w.items.iter().map(|i| i.total_seconds().expect("timed")).sum();
            prop_assert_eq!(total, (minutes * 60.0).round() as u32);
            prop_assert!(w.items.iter().all(|i| i.kind == ItemKind::Dynamic), "no static stretch before training");
            prop_assert!(w.items.iter().all(|i| i.seconds.unwrap() >= 5));
        }
        let flosses = plan.blocks.iter().flat_map(|b| &b.items).any(|i| i.id == "nerve_floss");
        if flosses {
            prop_assert_eq!(tier, "self_care");
        }
        for b in &plan.blocks {
            for i in &b.items {
                let expected_kind = match b.id {
                    BlockId::Warmup => ItemKind::Dynamic,
                    BlockId::ExerciseCues => ItemKind::Exercise,
                    BlockId::Cooldown => ItemKind::Static,
                    BlockId::Strength => ItemKind::Strength,
                    BlockId::Daily => ItemKind::Habit,
                };
                prop_assert_eq!(i.kind, expected_kind, "{} in {}", i.id, b.id.id());
            }
        }
    }
}

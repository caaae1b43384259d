//! Tests of the knowledge-base loader: the built-in files load and match the spec, and malformed
//! files fail with file, key and line.

use super::*;

fn builtin() -> Kb {
    Kb::builtin().unwrap_or_else(|e| panic!("built-in knowledge base failed to load: {e}"))
}

#[test]
fn builtin_files_load() {
    let kb = builtin();
    assert_eq!(kb.tiers.len(), 4);
    assert!(kb.items.len() >= 38, "{} items", kb.items.len());
    assert!(kb.rules.len() >= 20, "{} rules", kb.rules.len());
}

/// The item ids, kinds and values of spec/triage.md, which the engine must keep.
#[test]
fn every_spec_item_is_present_with_its_type() {
    let kb = builtin();
    let bools = [
        "major_trauma", "worse_at_night", "eased_by_rest", "worse_with_cough_sneeze_strain",
        "leg_weakness_worsening", "foot_drop_or_tripping", "numbness_persistent",
        "saddle_numbness", "altered_sensation_wiping", "bladder_difficulty_starting",
        "bladder_sensation_reduced", "urinary_incontinence", "bowel_incontinence",
        "bowel_sensation_reduced", "sexual_dysfunction_new", "fever", "unexplained_weight_loss",
        "history_of_cancer", "immunosuppressed_or_iv_drug_use", "recent_infection",
        "osteoporosis_or_long_term_steroids", "back_deformity_or_lump",
        "pain_between_shoulder_blades", "chest_or_abdominal_pain",
    ];
    for id in bools {
        let item = kb.item(id).unwrap_or_else(|| panic!("missing item {id}"));
        assert_eq!(item.kind, ItemKind::Bool, "{id}");
    }
    let choices: [(&str, &[&str]); 8] = [
        ("onset", &["during_set", "after_session", "next_day", "gradual"]),
        ("pain_spread", &["back_only", "buttock", "thigh", "below_knee"]),
        ("pain_spread_side", &["left", "right", "both"]),
        ("pain_pattern", &["movement_related", "constant"]),
        ("trend", &["improving", "same", "worse"]),
        ("leg_weakness", &["none", "one_leg", "both_legs"]),
        ("leg_weakness_onset", &["sudden", "gradual"]),
        ("numbness_tingling", &["none", "one_leg", "both_legs"]),
    ];
    for (id, values) in choices {
        let item = kb.item(id).unwrap_or_else(|| panic!("missing item {id}"));
        assert!(matches!(item.kind, ItemKind::Choice { .. }), "{id} is {}", item.kind.name());
        let mut have: Vec<&str> = item.kind.choices().iter().map(|c| c.id.as_str()).collect();
        let mut want = values.to_vec();
        have.sort();
        want.sort();
        assert_eq!(have, want, "{id}");
    }
    let character = kb.item("pain_character").expect("pain_character");
    assert!(matches!(character.kind, ItemKind::Multi { .. }));
    let ints: [(&str, i64, i64); 5] = [
        ("age_years", 10, 110),
        ("pain_now", 0, 10),
        ("pain_worst_24h", 0, 10),
        ("days_since_onset", 0, 36500),
        ("rest_days_without_improvement", 0, 36500),
    ];
    for (id, lo, hi) in ints {
        match &kb.item(id).unwrap_or_else(|| panic!("missing item {id}")).kind {
            ItemKind::Integer { min, max, .. } => assert_eq!((*min, *max), (lo, hi), "{id}"),
            other => panic!("{id} is {}", other.name()),
        }
    }
}

#[test]
fn safety_critical_items_are_exactly_the_specs() {
    let kb = builtin();
    let mut have: Vec<&str> = kb.items.iter().filter(|i| i.safety_critical).map(|i| i.id.as_str()).collect();
    let mut want = vec![
        "saddle_numbness", "altered_sensation_wiping", "bladder_difficulty_starting",
        "bladder_sensation_reduced", "urinary_incontinence", "bowel_incontinence",
        "bowel_sensation_reduced", "sexual_dysfunction_new", "leg_weakness", "numbness_tingling",
        "major_trauma", "chest_or_abdominal_pain",
    ];
    have.sort();
    want.sort();
    assert_eq!(have, want);
}

#[test]
fn every_spec_rule_is_present_with_its_tier() {
    let kb = builtin();
    for (prefix, n, tier) in [("E", 6, Tier::Emergency), ("U", 8, Tier::Urgent), ("P", 5, Tier::SeeProfessional)] {
        for i in 1..=n {
            let id = format!("{prefix}{i}");
            let rule = kb.rule(&id).unwrap_or_else(|| panic!("missing rule {id}"));
            assert_eq!(rule.tier, tier, "{id}");
            assert!(!rule.sources.is_empty() && !rule.reason.is_empty(), "{id}");
        }
    }
    assert_eq!(kb.rule("S1").map(|r| r.tier), Some(Tier::SelfCare));
}

#[test]
fn every_item_and_tier_names_a_source_that_exists() {
    let kb = builtin();
    let all = kb.items.iter().flat_map(|i| &i.sources).chain(kb.tiers.iter().flat_map(|t| &t.sources));
    for s in all {
        assert!(kb.source(s).is_some(), "unknown source {s}");
    }
}

#[test]
fn follow_up_items_come_after_the_item_they_depend_on() {
    let kb = builtin();
    for (pos, item) in kb.items.iter().enumerate() {
        if let Some(c) = &item.ask_if {
            for dep in c.items() {
                let dep_pos = kb.items.iter().position(|i| i.id == dep).expect("loader checked");
                assert!(dep_pos < pos, "{} depends on later item {dep}", item.id);
            }
        }
    }
}

#[test]
fn max_tier_reading_follows_the_rules() {
    let kb = builtin();
    assert_eq!(kb.max_tier_reading("saddle_numbness"), Some(Tier::Emergency));
    assert_eq!(kb.max_tier_reading("pain_spread_side"), Some(Tier::Emergency));
    assert_eq!(kb.max_tier_reading("fever"), Some(Tier::Urgent));
    assert_eq!(kb.max_tier_reading("pain_now"), Some(Tier::SeeProfessional));
    assert_eq!(kb.max_tier_reading("onset"), None);
}

// ---------------------------------------------------------------- malformed files

/// Loads the built-in files with `file` replaced by `text` and returns the error.
fn load_with(file: &str, text: &str) -> KbError {
    let mut files = BUILTIN_FILES;
    match file {
        "sources.toml" => files.sources = text,
        "triage/items.toml" => files.triage_items = text,
        "triage/tiers.toml" => files.triage_tiers = text,
        "triage/rules.toml" => files.triage_rules = text,
        "coach/items.toml" => files.coach_items = text,
        "coach/causes.toml" => files.coach_causes = text,
        "coach/exercises.toml" => files.coach_exercises = text,
        "coach/drills.toml" => files.coach_drills = text,
        "coach/evidence.toml" => files.coach_evidence = text,
        "coach/plan.toml" => files.coach_plan = text,
        "coach/measured.toml" => files.coach_measured = text,
        other => panic!("no such file {other}"),
    }
    match Kb::from_files(&files) {
        Ok(_) => panic!("{file} was accepted:\n{text}"),
        Err(e) => e,
    }
}

/// Replaces `from` (which must occur) by `to` in a built-in file and checks the error names the
/// file, the key, the line of `to`, and says what is wrong.
fn check_edit(file: &str, from: &str, to: &str, key: &str, message_part: &str) {
    let original = BUILTIN_FILES.named().into_iter().find(|(n, _)| *n == file).expect("file").1;
    assert!(original.contains(from), "{from:?} not in {file}");
    let text = original.replacen(from, to, 1);
    let err = load_with(file, &text);
    let at = original.find(from).expect("edited text present");
    let line = text[..at].matches('\n').count() + 1;
    assert_eq!(err.file, file, "{err}");
    assert_eq!(err.key, key, "{err}");
    assert!(
        (line..=line + to.matches('\n').count()).contains(&err.line),
        "error line {} not at the edit (line {line}): {err}",
        err.line
    );
    assert!(err.message.contains(message_part), "{err}");
    assert!(err.to_string().starts_with(&format!("{file}:{}:", err.line)), "{err}");
}

#[test]
fn toml_syntax_error_names_file_and_line() {
    check_edit("triage/rules.toml", "id = \"E2\"", "id = \"E2", "id", "");
}

#[test]
fn unknown_item_in_a_rule() {
    check_edit(
        "triage/rules.toml",
        "{ item = \"bowel_incontinence\", is = true }",
        "{ item = \"bowel_incontinance\", is = true }",
        "rule[E1].when.any[5].item",
        "unknown item `bowel_incontinance`",
    );
}

#[test]
fn negative_condition_in_an_emergency_rule_is_refused() {
    check_edit(
        "triage/rules.toml",
        "when = { item = \"major_trauma\", is = true }",
        "when = { item = \"major_trauma\", is = false }",
        "rule[E5].when.is",
        "could lower the tier",
    );
}

#[test]
fn wrong_operator_for_the_item_kind() {
    check_edit(
        "triage/rules.toml",
        "when = { item = \"worse_at_night\", is = true }",
        "when = { item = \"worse_at_night\", ge = 3 }",
        "rule[U4].when.ge",
        "needs a integer or number item",
    );
}

#[test]
fn unknown_choice_value() {
    check_edit(
        "triage/rules.toml",
        "{ item = \"leg_weakness\", eq = \"both_legs\" }",
        "{ item = \"leg_weakness\", eq = \"both\" }",
        "rule[E2].when.any[0].eq",
        "`both` is not a value of `leg_weakness`",
    );
}

#[test]
fn threshold_outside_the_items_range() {
    check_edit(
        "triage/rules.toml",
        "{ item = \"pain_now\", ge = 7 }",
        "{ item = \"pain_now\", ge = 70 }",
        "rule[P3].when.any[0].ge",
        "outside the range",
    );
}

#[test]
fn rule_id_must_match_its_tier() {
    check_edit("triage/rules.toml", "id = \"U4\"", "id = \"E9\"", "rule[E9].id", "urgent rule id is `U`");
}

#[test]
fn duplicate_rule_id() {
    check_edit("triage/rules.toml", "id = \"E3\"", "id = \"E2\"", "rule[E2].id", "defined twice");
}

#[test]
fn rule_without_a_source() {
    check_edit(
        "triage/rules.toml",
        "sources = [\"nhs_back_pain\"]\nwhen = { item = \"worse_with_cough_sneeze_strain\"",
        "sources = []\nwhen = { item = \"worse_with_cough_sneeze_strain\"",
        "rule[U5].sources",
        "at least one source",
    );
}

#[test]
fn unknown_source() {
    check_edit(
        "triage/items.toml",
        "sources = [\"ahcpr_1994\", \"nice_ng59\"]\n\n[[item]]\nid = \"major_trauma\"",
        "sources = [\"ahcpr_1994\", \"nice_ng_59\"]\n\n[[item]]\nid = \"major_trauma\"",
        "item[age_years].sources",
        "unknown source `nice_ng_59`",
    );
}

#[test]
fn unknown_field_in_an_item() {
    check_edit("triage/items.toml", "safety_critical = true\nquestion = \"Did the pain", "safety_critcal = true\nquestion = \"Did the pain", "safety_critcal", "unknown field");
}

#[test]
fn wrong_value_type() {
    check_edit("triage/items.toml", "min = 10\nmax = 110", "min = \"ten\"\nmax = 110", "min", "");
}

#[test]
fn unknown_item_kind() {
    check_edit("triage/items.toml", "kind = \"integer\"\nmin = 10", "kind = \"integr\"\nmin = 10", "item[age_years].kind", "unknown kind `integr`");
}

#[test]
fn condition_with_two_operators() {
    check_edit(
        "triage/rules.toml",
        "when = { item = \"chest_or_abdominal_pain\", is = true }",
        "when = { item = \"chest_or_abdominal_pain\", is = true, eq = \"x\" }",
        "rule[E6].when",
        "exactly one of",
    );
}

#[test]
fn follow_up_on_a_later_item_is_refused() {
    check_edit(
        "triage/items.toml",
        "ask_if = { item = \"leg_weakness\", in = [\"one_leg\", \"both_legs\"] }\nquestion = \"Did the weakness",
        "ask_if = { item = \"pain_spread\", in = [\"thigh\"] }\nquestion = \"Did the weakness",
        "item[leg_weakness_onset].ask_if.item",
        "unknown item `pain_spread`",
    );
}

#[test]
fn missing_tier() {
    let text = BUILTIN_FILES.triage_tiers.replacen("id = \"urgent\"", "id = \"urgnt\"", 1);
    let err = load_with("triage/tiers.toml", &text);
    assert_eq!(err.key, "tier[urgnt].id", "{err}");
    assert!(err.message.contains("unknown tier"), "{err}");
}

#[test]
fn call_script_must_name_the_symptoms() {
    check_edit(
        "triage/tiers.toml",
        "and now I have: {symptoms}.",
        "and now I have some symptoms.",
        "tier[emergency].call_script",
        "{symptoms}",
    );
}

#[test]
fn unless_must_name_a_more_urgent_rule() {
    check_edit("triage/rules.toml", "unless = [\"E4\"]", "unless = [\"P2\"]", "rule[U6].unless", "not more urgent");
    check_edit("triage/rules.toml", "unless = [\"E4\"]", "unless = [\"E44\"]", "rule[U6].unless", "unknown rule `E44`");
}

#[test]
fn less_than_is_refused_in_triage_rules() {
    check_edit("triage/rules.toml", "{ item = \"pain_now\", ge = 7 }", "{ item = \"pain_now\", lt = 7 }", "rule[P3].when.any[0].lt", "could lower the tier");
}

// ---------------------------------------------------------------- coaching knowledge

#[test]
fn every_spec_cause_exercise_and_drill_is_present() {
    let kb = builtin();
    let c = &kb.coaching;
    for (id, kind) in [
        ("butt_wink", CauseKind::Technique), ("no_brace", CauseKind::Technique), ("forward_lean", CauseKind::Technique),
        ("lunge_overarch", CauseKind::Technique), ("lunge_long_step", CauseKind::Technique), ("torso_twist", CauseKind::Technique),
        ("weak_glutes", CauseKind::Foundation), ("tight_hip_flexors", CauseKind::Foundation),
        ("tight_hamstrings", CauseKind::Foundation), ("prolonged_sitting", CauseKind::Foundation),
        ("skipped_warmup", CauseKind::Foundation), ("nerve_tension", CauseKind::Foundation),
    ] {
        assert_eq!(c.cause(id).map(|x| x.kind), Some(kind), "{id}");
    }
    for (ids, pattern) in [
        (&["back_squat", "front_squat", "goblet_squat", "bodyweight_squat"][..], Pattern::Squat),
        (&["romanian_deadlift", "conventional_deadlift", "good_morning"][..], Pattern::Hinge),
        (&["walking_lunge", "reverse_lunge", "split_squat"][..], Pattern::Lunge),
        (&["leg_press", "leg_curl", "leg_extension"][..], Pattern::Machine),
        (&["hip_thrust", "glute_bridge"][..], Pattern::Bridge),
    ] {
        for id in ids {
            assert_eq!(c.exercise(id).map(|e| e.pattern), Some(pattern), "{id}");
        }
    }
    for (ids, kind) in [
        (&["leg_swings", "walking_lunge_twist", "standing_roll_down", "glute_kickback", "hip_circles", "bodyweight_squat"][..], DrillKind::Dynamic),
        (&["reclining_hamstring_stretch", "legs_up_the_wall", "knees_to_chest", "childs_pose", "hip_flexor_stretch"][..], DrillKind::Static),
        (&["glute_bridge", "bird_dog", "dead_bug", "plank"][..], DrillKind::Strength),
        (&["sitting_break", "nerve_floss"][..], DrillKind::Habit),
    ] {
        for id in ids {
            assert_eq!(c.drill(id).map(|d| d.kind), Some(kind), "{id}");
        }
    }
    for id in ["exercises_today", "pain_exercise", "pain_moment", "warmed_up", "sitting_hours_per_day", "toe_touch",
        "straight_leg_raise_deg", "thomas_test", "single_leg_bridge_hold_s", "observations"] {
        assert!(kb.item(id).is_some_and(|i| i.coaching), "missing cause-finder item {id}");
    }
    assert!(kb.items.iter().filter(|i| i.safety_critical).all(|i| !i.coaching));
}

#[test]
fn default_warm_up_is_the_seed_routine() {
    let w = &builtin().coaching.plan.warmup;
    let got: Vec<(&str, u32)> = w.template.iter().map(|t| (t.drill.as_str(), t.seconds)).collect();
    assert_eq!(
        got,
        [("leg_swings", 30), ("walking_lunge_twist", 60), ("standing_roll_down", 30), ("glute_kickback", 60), ("hip_circles", 60), ("bodyweight_squat", 60)]
    );
    assert_eq!(w.default_minutes, 5.5);
    assert_eq!((w.min_minutes, w.max_minutes), (5.0, 10.0));
}

#[test]
fn every_cause_has_evidence_and_a_drill() {
    let c = &builtin().coaching;
    for cause in &c.causes {
        assert!(c.evidence.iter().any(|e| e.cause == cause.id), "no evidence points to {}", cause.id);
        assert!(c.drills.iter().any(|d| d.serves.contains(&cause.id)), "no drill serves {}", cause.id);
    }
}

#[test]
fn unknown_cause_in_evidence() {
    check_edit("coach/evidence.toml", "cause = \"butt_wink\"\npoints = 3", "cause = \"butwink\"\npoints = 3", "evidence[0].cause", "unknown cause `butwink`");
}

#[test]
fn static_stretch_cannot_go_in_the_warm_up() {
    check_edit(
        "coach/plan.toml",
        "{ drill = \"hip_circles\", seconds = 60 },\n  { drill = \"bodyweight_squat\"",
        "{ drill = \"hip_flexor_stretch\", seconds = 60 },\n  { drill = \"bodyweight_squat\"",
        "warmup.template.drill",
        "is a static drill; this list takes dynamic",
    );
}

#[test]
fn template_must_add_up_to_the_default_budget() {
    let text = BUILTIN_FILES.coach_plan.replacen("{ drill = \"glute_kickback\", seconds = 60 }", "{ drill = \"glute_kickback\", seconds = 50 }", 1);
    let err = load_with("coach/plan.toml", &text);
    assert_eq!(err.key, "warmup.template", "{err}");
    assert!(err.message.contains("adds up to 320 s, but default_minutes is 5.5 (330 s)"), "{err}");
    // The error points at default_minutes, the other side of the mismatch.
    assert_eq!(err.line, text.lines().position(|l| l.starts_with("default_minutes")).expect("line") + 1);
}

#[test]
fn exercise_items_must_list_the_exercises() {
    let err = load_with("coach/exercises.toml", &BUILTIN_FILES.coach_exercises.replace("id = \"leg_extension\"", "id = \"leg_extensions\""));
    assert_eq!(err.file, "coach/exercises.toml");
    assert!(err.message.contains("must be the exercise ids"), "{err}");
}

#[test]
fn drill_serving_an_unknown_cause() {
    check_edit("coach/drills.toml", "serves = [\"no_brace\"]", "serves = [\"no_bracing\"]", "drill[brace_breathing].serves", "unknown cause `no_bracing`");
}

#[test]
fn measured_fault_must_map_to_a_known_observation() {
    check_edit("coach/measured.toml", "observation = \"long_lunge_step\"", "observation = \"long_step\"", "measured[lunge_long_step].observation", "not a value of `observations`");
}

#[test]
fn offer_from_names_an_earlier_multi_item_with_no_values_of_its_own() {
    let kb = builtin();
    assert_eq!(kb.item("pain_exercise").and_then(|i| i.offer_from.as_deref()), Some("exercises_today"));
    check_edit(
        "coach/items.toml",
        "offer_from = \"exercises_today\"",
        "offer_from = \"exercises_todya\"",
        "item[pain_exercise].offer_from",
        "`exercises_todya` is not an item defined before `pain_exercise`",
    );
    check_edit(
        "coach/items.toml",
        "offer_from = \"exercises_today\"",
        "offer_from = \"pain_moment\"",
        "item[pain_exercise].offer_from",
        "is not an item defined before",
    );
    // The error is reported at `offer_from` (line of the key), whichever value is missing.
    let original = BUILTIN_FILES.named().into_iter().find(|(n, _)| *n == "coach/items.toml").expect("file").1;
    let cut = "  { id = \"glute_bridge\", label = \"Glute bridge\" },\n]\nsources = [\"seed_legday_back\"]";
    assert!(original.contains(cut));
    let err = load_with("coach/items.toml", &original.replacen(cut, "]\nsources = [\"seed_legday_back\"]", 1));
    assert_eq!(err.key, "item[pain_exercise].offer_from", "{err}");
    assert!(err.message.contains("has the value `glute_bridge` that `pain_exercise` does not"), "{err}");
}

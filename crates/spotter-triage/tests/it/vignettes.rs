//! Vignette suites. Two sources, both written from spec/triage.md, not from the engine:
//! - `tests/data/vignettes_narrative.json`: 96 hand-written stories of lifters, each with the tier
//!   and the complete list of rules the spec says must fire;
//! - a matrix built here: realistic lifter profiles (each with the tier the spec gives it) crossed
//!   with warning signs (each with its rule and tier), giving over 300 emergency cases.
//!
//! Release gate: no missed emergency, no under-triage, and (for these exact cases) no over-triage.

use crate::common::{kb, parse};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use spotter_triage::{Tier, parse_complete_answers_json, triage};

#[derive(Deserialize)]
struct Narrative {
    id: String,
    story: String,
    answers: Value,
    expected_tier: String,
    expected_rules: Vec<String>,
}

#[test]
fn narrative_vignettes() {
    let cases: Vec<Narrative> =
        serde_json::from_str(include_str!("../data/vignettes_narrative.json")).expect("vignette file parses");
    assert!(cases.len() >= 90, "{} narrative vignettes", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let answers = parse_complete_answers_json(kb(), &case.answers.to_string())
            .unwrap_or_else(|e| panic!("vignette {}: {e}", case.id));
        let t = triage(kb(), &answers);
        // The engine also reports self-care notes (S rules), which the spec's lists do not name.
        let mut fired: Vec<&str> =
            t.fired.iter().filter(|f| f.rule.tier > Tier::SelfCare).map(|f| f.rule.id.as_str()).collect();
        let mut want: Vec<&str> = case.expected_rules.iter().map(String::as_str).collect();
        fired.sort();
        want.sort();
        if t.tier.id() != case.expected_tier || fired != want {
            failures.push(format!(
                "{}: expected {} {:?}, got {} {:?} -- {}",
                case.id, case.expected_tier, want, t.tier, fired, case.story
            ));
        }
    }
    assert!(failures.is_empty(), "{} of {} narrative vignettes failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

/// A lifter before any warning sign is added, with the tier and rules the spec gives them.
struct Profile {
    name: &'static str,
    tier: Tier,
    answers: Value,
}

/// A warning sign, as the answers that show it, the rule that must fire, and its tier.
struct Sign {
    name: &'static str,
    rule: &'static str,
    tier: Tier,
    answers: Value,
    /// The sign counts as "alone" only without leg symptoms (U6: otherwise it is E4).
    needs_no_leg_symptom: bool,
    /// The sign is for people of 50 or under (P2: over 50 it is U7).
    needs_age_at_most_50: bool,
}

fn no_red_flags() -> Map<String, Value> {
    let v = json!({
        "major_trauma": false, "chest_or_abdominal_pain": false,
        "saddle_numbness": false, "altered_sensation_wiping": false, "bladder_difficulty_starting": false,
        "bladder_sensation_reduced": false, "urinary_incontinence": false, "bowel_incontinence": false,
        "bowel_sensation_reduced": false, "sexual_dysfunction_new": false,
        "leg_weakness": "none", "numbness_tingling": "none"
    });
    v.as_object().expect("object").clone()
}

fn profiles() -> Vec<Profile> {
    use Tier::*;
    let p = |name, tier, answers| Profile { name, tier, answers };
    vec![
        p("doms-day-after", SelfCare, json!({"age_years": 19, "onset": "next_day", "days_since_onset": 1, "pain_now": 3, "pain_worst_24h": 4, "pain_character": ["tightness"], "pain_spread": "back_only", "pain_pattern": "movement_related", "trend": "improving", "worse_at_night": false, "worse_with_cough_sneeze_strain": false})),
        p("tweak-mid-set", SelfCare, json!({"age_years": 40, "onset": "during_set", "days_since_onset": 0, "pain_now": 5, "pain_worst_24h": 6, "pain_character": ["sharp_local"], "pain_spread": "back_only", "pain_pattern": "movement_related", "trend": "same", "eased_by_rest": true})),
        p("brief-tingle-in-stretch", SelfCare, json!({"age_years": 27, "onset": "during_set", "days_since_onset": 1, "numbness_tingling": "one_leg", "numbness_persistent": false, "pain_now": 2, "pain_worst_24h": 3, "pain_character": ["tightness"], "pain_spread": "back_only", "pain_pattern": "movement_related", "trend": "improving"})),
        p("no-warm-up-lunges", SelfCare, json!({"age_years": 28, "onset": "during_set", "days_since_onset": 2, "pain_now": 4, "pain_worst_24h": 5, "pain_character": ["tightness", "stiffness"], "pain_spread": "back_only", "pain_pattern": "movement_related", "trend": "improving", "rest_days_without_improvement": 0})),
        p("ache-into-buttock", SelfCare, json!({"age_years": 35, "onset": "after_session", "days_since_onset": 2, "pain_now": 3, "pain_worst_24h": 4, "pain_character": ["dull_ache"], "pain_spread": "buttock", "pain_spread_side": "left", "pain_pattern": "movement_related", "trend": "improving"})),
        p("older-stiff-lifter", SelfCare, json!({"age_years": 60, "onset": "next_day", "days_since_onset": 2, "pain_now": 3, "pain_worst_24h": 4, "pain_character": ["stiffness"], "pain_spread": "back_only", "pain_pattern": "movement_related", "trend": "improving", "fever": false, "history_of_cancer": false})),
        p("dull-ache-into-thigh", SelfCare, json!({"age_years": 22, "onset": "after_session", "days_since_onset": 1, "pain_now": 4, "pain_worst_24h": 4, "pain_character": ["dull_ache"], "pain_spread": "thigh", "pain_spread_side": "right", "pain_pattern": "movement_related", "trend": "same"})),
        p("month-improving", SelfCare, json!({"age_years": 45, "onset": "gradual", "days_since_onset": 30, "pain_now": 2, "pain_worst_24h": 3, "pain_character": ["dull_ache"], "pain_spread": "back_only", "pain_pattern": "movement_related", "trend": "improving", "rest_days_without_improvement": 0})),
        p("only-the-required-answers", SelfCare, json!({})),
        p("teen-first-leg-day", SelfCare, json!({"age_years": 17, "onset": "next_day", "days_since_onset": 1, "pain_now": 2, "pain_worst_24h": 3, "pain_character": ["tightness"], "pain_spread": "back_only", "pain_pattern": "movement_related", "trend": "improving"})),
        p("radicular-right-leg", SeeProfessional, json!({"age_years": 45, "onset": "during_set", "days_since_onset": 2, "pain_now": 5, "pain_worst_24h": 6, "pain_character": ["burning"], "pain_spread": "below_knee", "pain_spread_side": "right", "pain_pattern": "movement_related", "trend": "same"})),
        p("constant-at-40", SeeProfessional, json!({"age_years": 40, "onset": "gradual", "days_since_onset": 10, "pain_now": 4, "pain_worst_24h": 5, "pain_character": ["dull_ache"], "pain_spread": "back_only", "pain_pattern": "constant", "trend": "same"})),
        p("severe-8", SeeProfessional, json!({"age_years": 31, "onset": "during_set", "days_since_onset": 0, "pain_now": 8, "pain_worst_24h": 8, "pain_character": ["sharp_local"], "pain_spread": "back_only", "pain_pattern": "movement_related", "trend": "same"})),
        p("four-rest-days", SeeProfessional, json!({"age_years": 36, "onset": "after_session", "days_since_onset": 5, "pain_now": 4, "pain_worst_24h": 5, "pain_character": ["dull_ache"], "pain_spread": "back_only", "pain_pattern": "movement_related", "trend": "same", "rest_days_without_improvement": 4})),
        p("eight-weeks", SeeProfessional, json!({"age_years": 48, "onset": "gradual", "days_since_onset": 56, "pain_now": 3, "pain_worst_24h": 4, "pain_character": ["stiffness"], "pain_spread": "back_only", "pain_pattern": "movement_related", "trend": "same"})),
        p("worse-on-day-five", SeeProfessional, json!({"age_years": 26, "onset": "during_set", "days_since_onset": 5, "pain_now": 5, "pain_worst_24h": 6, "pain_character": ["dull_ache"], "pain_spread": "back_only", "pain_pattern": "movement_related", "trend": "worse"})),
        p("night-pain", Urgent, json!({"age_years": 44, "onset": "gradual", "days_since_onset": 14, "pain_now": 4, "pain_worst_24h": 6, "pain_character": ["dull_ache"], "pain_spread": "back_only", "pain_pattern": "movement_related", "trend": "same", "worse_at_night": true})),
        p("cancer-history-62", Urgent, json!({"age_years": 62, "onset": "gradual", "days_since_onset": 7, "pain_now": 4, "pain_worst_24h": 5, "pain_character": ["dull_ache"], "pain_spread": "back_only", "pain_pattern": "movement_related", "trend": "same", "history_of_cancer": true})),
        p("slow-weak-leg", Urgent, json!({"age_years": 39, "onset": "gradual", "days_since_onset": 9, "leg_weakness": "one_leg", "leg_weakness_onset": "gradual", "leg_weakness_worsening": false, "pain_now": 3, "pain_worst_24h": 4, "pain_character": ["dull_ache"], "pain_spread": "buttock", "pain_spread_side": "left", "pain_pattern": "movement_related", "trend": "same"})),
    ]
}

fn signs() -> Vec<Sign> {
    use Tier::*;
    let s = |name, rule, tier, answers| Sign { name, rule, tier, answers, needs_no_leg_symptom: false, needs_age_at_most_50: false };
    let mut v = vec![
        s("saddle-numbness", "E1", Emergency, json!({"saddle_numbness": true})),
        s("numb-when-wiping", "E1", Emergency, json!({"altered_sensation_wiping": true})),
        s("hard-to-start-peeing", "E1", Emergency, json!({"bladder_difficulty_starting": true})),
        s("cannot-feel-bladder", "E1", Emergency, json!({"bladder_sensation_reduced": true})),
        s("new-urine-leak", "E1", Emergency, json!({"urinary_incontinence": true})),
        s("bowel-incontinence", "E1", Emergency, json!({"bowel_incontinence": true})),
        s("cannot-feel-bowel", "E1", Emergency, json!({"bowel_sensation_reduced": true})),
        s("saddle-and-bladder", "E1", Emergency, json!({"saddle_numbness": true, "bladder_difficulty_starting": true})),
        s("weak-both-legs", "E2", Emergency, json!({"leg_weakness": "both_legs", "leg_weakness_onset": "gradual", "leg_weakness_worsening": false})),
        s("numb-both-legs-comes-and-goes", "E2", Emergency, json!({"numbness_tingling": "both_legs", "numbness_persistent": false})),
        s("numb-both-legs-constant", "E2", Emergency, json!({"numbness_tingling": "both_legs", "numbness_persistent": true})),
        s("sciatica-both-thighs", "E3", Emergency, json!({"pain_spread": "thigh", "pain_spread_side": "both"})),
        s("sciatica-both-below-knee", "E3", Emergency, json!({"pain_spread": "below_knee", "pain_spread_side": "both"})),
        s("electric-both-legs", "E3", Emergency, json!({"pain_spread": "below_knee", "pain_spread_side": "both", "pain_character": ["electric_shooting"]})),
        s("sexual-and-thigh-pain", "E4", Emergency, json!({"sexual_dysfunction_new": true, "pain_spread": "thigh", "pain_spread_side": "right"})),
        s("sexual-and-weak-leg", "E4", Emergency, json!({"sexual_dysfunction_new": true, "leg_weakness": "one_leg", "leg_weakness_onset": "gradual", "leg_weakness_worsening": false})),
        s("sexual-and-brief-tingle", "E4", Emergency, json!({"sexual_dysfunction_new": true, "numbness_tingling": "one_leg", "numbness_persistent": false})),
        s("sexual-and-calf-pain", "E4", Emergency, json!({"sexual_dysfunction_new": true, "pain_spread": "below_knee", "pain_spread_side": "left"})),
        s("fell-off-box", "E5", Emergency, json!({"major_trauma": true})),
        s("chest-pain", "E6", Emergency, json!({"chest_or_abdominal_pain": true})),
        s("trauma-and-belly-pain", "E6", Emergency, json!({"major_trauma": true, "chest_or_abdominal_pain": true})),
        s("leg-gave-way-suddenly", "U1", Urgent, json!({"leg_weakness": "one_leg", "leg_weakness_onset": "sudden", "leg_weakness_worsening": false})),
        s("weak-leg-getting-worse", "U1", Urgent, json!({"leg_weakness": "one_leg", "leg_weakness_onset": "gradual", "leg_weakness_worsening": true})),
        s("foot-slaps", "U1", Urgent, json!({"foot_drop_or_tripping": true})),
        s("numb-shin-all-day", "U2", Urgent, json!({"numbness_tingling": "one_leg", "numbness_persistent": true})),
        s("fever", "U3", Urgent, json!({"fever": true})),
        s("weight-loss", "U3", Urgent, json!({"unexplained_weight_loss": true})),
        s("cancer-history", "U3", Urgent, json!({"history_of_cancer": true})),
        s("immunosuppressed", "U3", Urgent, json!({"immunosuppressed_or_iv_drug_use": true})),
        s("recent-infection", "U3", Urgent, json!({"recent_infection": true})),
        s("osteoporosis", "U3", Urgent, json!({"osteoporosis_or_long_term_steroids": true})),
        s("lump", "U3", Urgent, json!({"back_deformity_or_lump": true})),
        s("between-shoulder-blades", "U3", Urgent, json!({"pain_between_shoulder_blades": true})),
        s("wakes-at-night", "U4", Urgent, json!({"worse_at_night": true})),
        s("sneeze-jolts", "U5", Urgent, json!({"worse_with_cough_sneeze_strain": true})),
        Sign { needs_no_leg_symptom: true, ..s("sexual-change-alone", "U6", Urgent, json!({"sexual_dysfunction_new": true})) },
        s("constant-at-58", "U7", Urgent, json!({"age_years": 58, "pain_pattern": "constant"})),
        s("slowly-weak-leg", "U8", Urgent, json!({"leg_weakness": "one_leg", "leg_weakness_onset": "gradual", "leg_weakness_worsening": false})),
        s("electric-below-knee", "P1", SeeProfessional, json!({"pain_character": ["electric_shooting"], "pain_spread": "below_knee", "pain_spread_side": "left"})),
        s("burning-thigh", "P1", SeeProfessional, json!({"pain_character": ["burning", "dull_ache"], "pain_spread": "thigh", "pain_spread_side": "right"})),
        Sign { needs_age_at_most_50: true, ..s("constant", "P2", SeeProfessional, json!({"pain_pattern": "constant"})) },
        s("pain-now-7", "P3", SeeProfessional, json!({"pain_now": 7})),
        s("worst-9", "P3", SeeProfessional, json!({"pain_worst_24h": 9})),
        s("three-rest-days", "P4", SeeProfessional, json!({"rest_days_without_improvement": 3, "trend": "same"})),
        s("worse-on-day-3", "P4", SeeProfessional, json!({"trend": "worse", "days_since_onset": 3})),
        s("six-weeks-same", "P5", SeeProfessional, json!({"days_since_onset": 42, "trend": "same"})),
        s("hundred-days-unsaid-trend", "P5", SeeProfessional, json!({"days_since_onset": 100, "trend": null})),
    ];
    v.sort_by_key(|s| std::cmp::Reverse(s.tier));
    v
}

fn has_leg_symptom(a: &Map<String, Value>) -> bool {
    let is = |k: &str, vals: &[&str]| a.get(k).and_then(Value::as_str).is_some_and(|v| vals.contains(&v));
    is("pain_spread", &["thigh", "below_knee"])
        || is("leg_weakness", &["one_leg", "both_legs"])
        || is("numbness_tingling", &["one_leg", "both_legs"])
}

/// Near misses that the spec keeps at self-care, applied to each self-care profile.
fn near_misses() -> Vec<(&'static str, Value)> {
    vec![
        ("pain-6", json!({"pain_now": 6, "pain_worst_24h": 6})),
        ("two-rest-days", json!({"rest_days_without_improvement": 2, "trend": "same", "days_since_onset": 2})),
        ("worse-on-day-2", json!({"trend": "worse", "days_since_onset": 2})),
        ("day-41", json!({"days_since_onset": 41, "trend": "same"})),
        ("not-eased-by-rest", json!({"eased_by_rest": false})),
    ]
}

struct Tally {
    total: [usize; 4],
    under: Vec<String>,
    over: Vec<String>,
    rule_missing: Vec<String>,
}

impl Tally {
    fn record(&mut self, name: String, answers: &Map<String, Value>, want: Tier, rule: Option<&str>) {
        let t = triage(kb(), &parse(answers));
        self.total[want as usize] += 1;
        if t.tier < want {
            self.under.push(format!("{name}: expected {want}, got {}", t.tier));
        } else if t.tier > want {
            self.over.push(format!("{name}: expected {want}, got {}", t.tier));
        }
        if let Some(rule) = rule
            && !t.fired.iter().any(|f| f.rule.id == rule)
        {
            self.rule_missing.push(format!("{name}: rule {rule} did not fire"));
        }
    }
}

#[test]
fn matrix_vignettes_have_no_under_triage() {
    let mut tally = Tally { total: [0; 4], under: vec![], over: vec![], rule_missing: vec![] };
    let merge = |base: &Value, extra: &Value| {
        let mut m = no_red_flags();
        for src in [base, extra] {
            for (k, v) in src.as_object().expect("object") {
                if v.is_null() { m.remove(k) } else { m.insert(k.clone(), v.clone()) };
            }
        }
        m
    };
    for profile in profiles() {
        let alone = merge(&profile.answers, &json!({}));
        tally.record(format!("{} (no added sign)", profile.name), &alone, profile.tier, None);
        for sign in signs() {
            if sign.tier < profile.tier {
                continue; // only signs at least as urgent as the profile's own
            }
            if sign.needs_no_leg_symptom && has_leg_symptom(&alone) {
                continue;
            }
            let age = alone.get("age_years").and_then(Value::as_i64);
            if sign.needs_age_at_most_50 && age.is_some_and(|a| a > 50) {
                continue;
            }
            let answers = merge(&profile.answers, &sign.answers);
            tally.record(format!("{} + {}", profile.name, sign.name), &answers, sign.tier, Some(sign.rule));
        }
        if profile.tier == Tier::SelfCare {
            for (name, change) in near_misses() {
                tally.record(format!("{} + {name}", profile.name), &merge(&profile.answers, &change), Tier::SelfCare, None);
            }
        }
    }
    let n_emergency = tally.total[Tier::Emergency as usize];
    // One-sided 95% upper bound on the miss rate with zero misses in n cases: 1 - 0.05^(1/n).
    let bound = 1.0 - 0.05f64.powf(1.0 / n_emergency as f64);
    eprintln!(
        "matrix vignettes: emergency {}, urgent {}, see_professional {}, self_care {}; \
         under-triaged {}, over-triaged {}; 95% upper bound on the emergency miss rate {:.2}%",
        n_emergency,
        tally.total[Tier::Urgent as usize],
        tally.total[Tier::SeeProfessional as usize],
        tally.total[Tier::SelfCare as usize],
        tally.under.len(),
        tally.over.len(),
        bound * 100.0
    );
    assert!(n_emergency >= 300, "only {n_emergency} emergency vignettes");
    assert!(tally.under.is_empty(), "under-triage:\n{}", tally.under.join("\n"));
    assert!(tally.rule_missing.is_empty(), "{}", tally.rule_missing.join("\n"));
    assert!(tally.over.is_empty(), "over-triage:\n{}", tally.over.join("\n"));
}

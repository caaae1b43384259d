//! The registry against the data: every fault rule fires on its clearest case and not on its
//! near miss; a typo in `data/thresholds.toml` is refused when it loads.

use super::*;
use crate::analysis::{HingeMeasures, LungeMeasures, RepMeasures, check_fault, measure_value};
use crate::thresholds::{BUILTIN, Thresholds};

/// A rep with every measure known and harmless (inside every threshold).
fn rep() -> RepMeasures {
    RepMeasures {
        index: 0,
        partial: false,
        start_s: 0.0,
        bottom_s: 1.0,
        end_s: 2.0,
        descent_s: 1.0,
        ascent_s: 1.0,
        hip_below_knee_m: Some(0.05),
        hip_below_knee_over_leg: Some(0.06),
        depth_below_parallel: Some(true),
        hip_drop_m: Some(0.4),
        hip_drop_over_leg: Some(0.45),
        peak_trunk_lean_deg: Some(10.0),
        hip_flexion_bottom_deg: Some(110.0),
        knee_flexion_bottom_deg: Some(110.0),
        shin_angle_bottom_deg: Some(25.0),
        ascent_lean_increase_deg: Some(1.0),
        trunk_lean_range_deg: Some(5.0),
        hinge: Some(HingeMeasures { trunk_angle_bottom_deg: Some(60.0), hip_to_knee_flexion_ratio: Some(3.0) }),
        lunge: Some(LungeMeasures {
            front_leg: "left",
            step_over_leg: Some(1.0),
            front_knee_past_toes_over_leg: Some(0.0),
            side_shift_m: None,
            back_knee_height_over_leg: Some(0.02),
        }),
        l5s1: None,
        faults: Vec::new(),
        verdict: None,
        verdict_reasons: Vec::new(),
    }
}

fn set(m: &mut RepMeasures, measure: &str, v: f64) {
    let l = m.lunge.as_mut().expect("lunge measures");
    match measure {
        "hip_below_knee_over_leg" => m.hip_below_knee_over_leg = Some(v),
        "hip_drop_over_leg" => m.hip_drop_over_leg = Some(v),
        "peak_trunk_lean_deg" => m.peak_trunk_lean_deg = Some(v),
        "ascent_lean_increase_deg" => m.ascent_lean_increase_deg = Some(v),
        "trunk_lean_range_deg" => m.trunk_lean_range_deg = Some(v),
        "back_knee_height_over_leg" => l.back_knee_height_over_leg = Some(v),
        "knee_flexion_bottom_deg" => m.knee_flexion_bottom_deg = Some(v),
        "step_over_leg" => l.step_over_leg = Some(v),
        "front_knee_past_toes_over_leg" => l.front_knee_past_toes_over_leg = Some(v),
        other => panic!("no setter for `{other}`"),
    }
}

/// The rule of `id` on its clearest case (three typical errors beyond the threshold, side-on):
/// the fault with a high confidence; on its near miss (a hundredth of a typical error on the good
/// side): nothing; and nothing on the harmless rep.
fn fires_on_its_clearest_case_and_not_on_its_near_miss(id: FaultId) {
    let t = Thresholds::builtin();
    let rule = t.fault.iter().find(|f| f.id == id.as_str()).expect("a rule for every fault");
    let toward = if rule.above_is_fault { 1.0 } else { -1.0 };
    assert!(check_fault(rule, &rep(), true).is_none(), "{id} fires on the harmless rep");
    let mut clear = rep();
    set(&mut clear, &rule.measure, rule.threshold + toward * 3.0 * rule.sigma);
    let f = check_fault(rule, &clear, true).unwrap_or_else(|| panic!("{id} does not fire on its clearest case"));
    assert_eq!(f.id, id.as_str());
    assert!(f.confidence >= 0.99, "{id}: confidence {}", f.confidence);
    // Seen from a bad angle, the same fault is less sure.
    assert!(check_fault(rule, &clear, false).expect("still fires").confidence <= 0.5);
    let mut near = rep();
    set(&mut near, &rule.measure, rule.threshold - toward * 0.01 * rule.sigma);
    assert!(check_fault(rule, &near, true).is_none(), "{id} fires on its near miss");
    // Just past the threshold it fires, unsure.
    let mut just = rep();
    set(&mut just, &rule.measure, rule.threshold + toward * 0.01 * rule.sigma);
    let f = check_fault(rule, &just, true).unwrap_or_else(|| panic!("{id} does not fire just past its threshold"));
    assert!(f.confidence < 0.6, "{id}: confidence {} just past the threshold", f.confidence);
}

#[test]
fn shallow_depth_rule() {
    fires_on_its_clearest_case_and_not_on_its_near_miss(FaultId::ShallowDepth);
}

#[test]
fn forward_lean_rule() {
    fires_on_its_clearest_case_and_not_on_its_near_miss(FaultId::ForwardLean);
}

#[test]
fn hips_rise_first_rule() {
    fires_on_its_clearest_case_and_not_on_its_near_miss(FaultId::HipsRiseFirst);
}

#[test]
fn lunge_trunk_lean_rule() {
    fires_on_its_clearest_case_and_not_on_its_near_miss(FaultId::LungeTrunkLean);
}

#[test]
fn lunge_long_step_rule() {
    fires_on_its_clearest_case_and_not_on_its_near_miss(FaultId::LungeLongStep);
}

#[test]
fn knee_travel_rule() {
    fires_on_its_clearest_case_and_not_on_its_near_miss(FaultId::KneeTravel);
}

#[test]
fn ids_read_back_and_every_measure_is_read() {
    for f in FaultId::ALL {
        assert_eq!(FaultId::from_id(f.as_str()), Some(f));
    }
    assert_eq!(FaultId::from_id("shallow"), None);
    let m = rep();
    for name in MEASURES {
        assert!(measure_value(&m, name).is_some(), "measure_value does not read `{name}`");
    }
    assert_eq!(measure_value(&m, "peak_trunk_lean"), None);
}

#[test]
fn every_fault_and_measure_of_the_data_has_words() {
    let t = Thresholds::builtin();
    for f in FaultId::ALL {
        let words = t.fault_words(f.as_str()).expect("words");
        assert!(!words.contains('_'), "{f}: the words look like an id: {words}");
    }
    for f in &t.fault {
        assert!(t.measure_words(&f.measure).is_some(), "{}", f.measure);
    }
}

/// `BUILTIN` with `from` replaced by `to` (once, and it must be there).
fn edited(from: &str, to: &str) -> String {
    assert!(BUILTIN.contains(from), "the edit's text `{from}` is not in the file");
    BUILTIN.replacen(from, to, 1)
}

#[test]
fn typos_in_the_thresholds_are_refused_when_they_load() {
    for (from, to, says) in [
        ("id = \"knee_travel\"", "id = \"knee_travl\"", "fault `knee_travl`: not a fault of the registry"),
        ("measure = \"step_over_leg\"\nthreshold", "measure = \"step_over_legs\"\nthreshold", "fault `lunge_long_step`: unknown measure `step_over_legs`"),
        ("id = \"front_knee_past_toes_over_leg\"", "id = \"front_knee_past_toe_over_leg\"", "measure `front_knee_past_toe_over_leg`: not a measure"),
        ("{ measure = \"trunk_lean_range_deg\", threshold = 9.2576", "{ measure = \"trunk_lean_rang_deg\", threshold = 9.2576", "verdict `lunge`: unknown measure `trunk_lean_rang_deg`"),
        ("id = \"shallow_depth\"\nmovement = \"squat\"", "id = \"shallow_depth\"\nmovement = \"lunge\"", "fault `shallow_depth`: is judged on the squat"),
        ("words = \"Very long lunge step\"\n", "", "missing field `words`"),
        ("sources = [\"ipf_technical_rules\"]", "sources = []", "fault `shallow_depth`: `sources` must name at least one source"),
    ] {
        let e = Thresholds::parse(&edited(from, to)).expect_err(to);
        assert!(e.contains(says), "{to}: {e}");
    }
    // A fault of the registry without a rule: the whole block gone.
    let start = BUILTIN.find("[[fault]]\nid = \"knee_travel\"").expect("block");
    let end = start + BUILTIN[start..].find("\n\n").expect("block end");
    let without = format!("{}{}", &BUILTIN[..start], &BUILTIN[end..]);
    assert!(Thresholds::parse(&without).expect_err("refused").contains("fault `knee_travel` of the registry has no rule"));
}

#[test]
fn source_ids_are_checked_against_what_is_known() {
    let t = Thresholds::builtin();
    assert!(t.check_sources(&|_| true).is_ok());
    // Judgement needs no entry; every other id does.
    let e = t.check_sources(&|id| id != "seed_legday_back").expect_err("refused");
    assert_eq!(e, "data/thresholds.toml, fault `lunge_long_step`: `seed_legday_back` is not a source of the knowledge base");
    assert!(t.source_ids().iter().any(|(_, id)| *id == JUDGEMENT));
}

//! Each alert of `memory.md` on its clearest case and on its near miss, their severities, their
//! order, and their words (plain, no ids).

use crate::common::*;
use spotter_diary::{Alert, AlertId, Diary, Severity, status};
use spotter_kb::Tier;

fn alerts_of(d: &Diary) -> Vec<Alert> {
    status(kb(), d).alerts
}

fn ids(d: &Diary) -> Vec<AlertId> {
    alerts_of(d).iter().map(|a| a.id).collect()
}

fn find(d: &Diary, id: AlertId) -> Option<Alert> {
    alerts_of(d).into_iter().find(|a| a.id == id)
}

/// No rule id (E1, U4, P4, S1...) and no item id (they all have an underscore or are one word
/// we never use bare) in what a person reads.
fn assert_plain(a: &Alert) {
    for rule in &kb().rules {
        let padded = format!(" {} ", a.message.replace(['.', ',', ':', ';', '(', ')', '"'], " "));
        assert!(!padded.contains(&format!(" {} ", rule.id)), "{:?} names rule {}: {}", a.id, rule.id, a.message);
    }
    assert!(!a.message.contains('_'), "{:?} has an id: {}", a.id, a.message);
    assert!(a.message.ends_with('.'), "{}", a.message);
}

#[test]
fn red_flag_on_an_emergency_sign_is_listed_first() {
    let d = diary(vec![train(0, 4), with_answers(rest(1, 4), &[yes("saddle_numbness")]), rest(2, 4), rest(3, 4)]);
    let a = alerts_of(&d);
    assert_eq!(a[0].id, AlertId::RedFlag);
    assert_eq!(a[0].severity, Severity::Tier(Tier::Emergency));
    assert_eq!(a[0].rules, ["E1"]);
    assert_eq!(
        a[0].message,
        "In the last 14 days your diary notes a warning sign: possible cauda equina syndrome. Go to an emergency department or call your emergency number (999, 112, 911) now."
    );
    // First even with no check saved and three rest days without improvement.
    assert_eq!(ids(&d), [AlertId::RedFlag, AlertId::NeedsCheck, AlertId::NoImprovementAfterRest]);
    a.iter().for_each(assert_plain);
}

#[test]
fn red_flag_severity_is_the_rules_tier() {
    let d = diary(vec![with_answers(rest(0, 2), &[yes("fever")])]);
    let a = find(&d, AlertId::RedFlag).unwrap();
    assert_eq!((a.severity, a.rules.as_slice()), (Severity::Tier(Tier::Urgent), ["U3".to_string()].as_slice()));
    // Several signs: one alert, the most urgent tier, every sign named.
    let d = diary(vec![with_answers(rest(0, 2), &[yes("fever"), yes("major_trauma")])]);
    let a = find(&d, AlertId::RedFlag).unwrap();
    assert_eq!(a.severity, Severity::Tier(Tier::Emergency));
    assert_eq!(a.rules, ["E5", "U3"]);
    assert!(a.message.contains("warning signs: back pain after major trauma and a sign of a possible cause other than strain."), "{}", a.message);
    assert_plain(&a);
}

#[test]
fn red_flag_near_misses() {
    // Answered "no"; a sign 14 days before L; a self-care finding; a see-a-professional one.
    for d in [
        diary(vec![with_answers(rest(0, 2), &[("saddle_numbness", spotter_triage::Answer::Bool(false))])]),
        diary(vec![with_answers(rest(0, 2), &[yes("saddle_numbness")]), rest(14, 2)]),
        diary(vec![with_answers(rest(0, 2), &[choice("numbness_tingling", "one_leg"), ("numbness_persistent", spotter_triage::Answer::Bool(false))])]),
        diary(vec![with_answers(rest(0, 2), &[choice("pain_pattern", "constant")])]),
    ] {
        assert_eq!(find(&d, AlertId::RedFlag), None, "{:?}", d.entries());
    }
    // Day 13 is still in the window.
    assert!(find(&diary(vec![with_answers(rest(0, 2), &[yes("saddle_numbness")]), rest(13, 2)]), AlertId::RedFlag).is_some());
}

#[test]
fn red_flag_needs_the_items_given() {
    // A rule that would fire on an unanswered item (made so for this test: U8 with
    // `if_unanswered`) does not raise a red flag on answers that do not give it.
    let rules = spotter_kb::BUILTIN_FILES
        .triage_rules
        .replace(r#"when = { item = "leg_weakness", eq = "one_leg" }"#, r#"when = { item = "leg_weakness", eq = "one_leg", if_unanswered = true }"#);
    assert_ne!(rules, spotter_kb::BUILTIN_FILES.triage_rules);
    let kb = spotter_kb::Kb::from_files(&spotter_kb::KbFiles { triage_rules: &rules, ..spotter_kb::BUILTIN_FILES }).unwrap();
    let answers = with_answers(rest(0, 2), &[yes("recent_infection")]).answers;
    assert!(spotter_triage::triage(&kb, &answers).fired.iter().any(|f| f.rule.id == "U8"));
    let flags: Vec<&str> = spotter_diary::status::red_flag_rules(&kb, &answers).iter().map(|f| f.rule.id.as_str()).collect();
    assert_eq!(flags, ["U3"]);
}

#[test]
fn needs_check_only_without_a_check() {
    let a = find(&diary(vec![rest(0, 2)]), AlertId::NeedsCheck).unwrap();
    assert_eq!(a.severity, Severity::Info);
    assert_plain(&a);
    assert_eq!(find(&diary_with_check(vec![rest(0, 2)], check(0)), AlertId::NeedsCheck), None);
    // Without entries too.
    assert_eq!(ids(&diary(vec![])), [AlertId::NeedsCheck]);
    assert_eq!(ids(&Diary::from_parts(vec![], vec![check(0)]).unwrap()), Vec::<AlertId>::new());
}

#[test]
fn tier_raised_names_the_rules_that_raised_it() {
    let d = diary_with_check(vec![train(0, 4), rest(1, 4), rest(2, 4), rest(3, 4)], check(0));
    let a = find(&d, AlertId::TierRaised).unwrap();
    assert_eq!(a.severity, Severity::Tier(Tier::SeeProfessional));
    assert_eq!(a.rules, ["P4"]);
    assert_eq!(
        a.message,
        "Your check on 1 November 2026 said \"Self-care\"; with what you have logged since, it is now \"Book a professional\" because of: not improving with rest. Book a doctor or physiotherapist in the next few days."
    );
    assert_plain(&a);
    // Near miss: two rest days, still self-care.
    let d = diary_with_check(vec![train(0, 4), rest(1, 4), rest(2, 4)], check(0));
    assert_eq!(find(&d, AlertId::TierRaised), None);
    // A check that already said "see a professional" is not raised by the same tier.
    let mut c = check(0);
    c.tier = Tier::SeeProfessional;
    let d = diary_with_check(vec![train(0, 4), rest(1, 4), rest(2, 4), rest(3, 4)], c);
    assert_eq!(find(&d, AlertId::TierRaised), None);
}

#[test]
fn tier_raised_lists_only_the_rules_above_the_checks_tier() {
    // Urgent now (night pain) and P4 too, from a check that said "see a professional": only the
    // urgent rule raised it.
    let mut c = check(0);
    c.tier = Tier::SeeProfessional;
    let mut last = rest(3, 4);
    last.worse_at_night = Some(true);
    let d = diary_with_check(vec![train(0, 4), rest(1, 4), rest(2, 4), last], c);
    let a = find(&d, AlertId::TierRaised).unwrap();
    assert_eq!((a.severity, a.rules.as_slice()), (Severity::Tier(Tier::Urgent), ["U4".to_string()].as_slice()));
    assert!(a.message.contains("because of: pain worse at night."), "{}", a.message);
}

#[test]
fn no_improvement_after_rest_3_vs_2() {
    let d = diary(vec![train(0, 5), rest(1, 5), rest(2, 4), rest(3, 4)]);
    let a = find(&d, AlertId::NoImprovementAfterRest).unwrap();
    assert_eq!(a.severity, Severity::Tier(Tier::SeeProfessional));
    assert_eq!(
        a.message,
        "3 days of rest and the pain has not eased: 4 out of 10 now, 5 on your last training day. Pain that does not improve after a few days of rest should be looked at. Book a doctor or physiotherapist in the next few days."
    );
    assert_plain(&a);
    assert_eq!(find(&diary(vec![train(0, 5), rest(1, 5), rest(2, 4)]), AlertId::NoImprovementAfterRest), None);
    // A drop of 2 points is an improvement.
    assert_eq!(find(&diary(vec![train(0, 5), rest(1, 5), rest(2, 4), rest(3, 3)]), AlertId::NoImprovementAfterRest), None);
    // Without any training entry the first entry is the baseline, named by its date.
    let a = find(&diary(vec![rest(0, 5), rest(1, 5), rest(2, 5)]), AlertId::NoImprovementAfterRest).unwrap();
    assert!(a.message.contains("5 out of 10 now, 5 on 1 November 2026."), "{}", a.message);
}

#[test]
fn worsening_2_vs_1_point() {
    // Onset known 3 days before L: trend worse is a "see a professional" finding (P4).
    let d = diary(vec![train(0, 2), train(3, 4)]);
    let a = find(&d, AlertId::Worsening).unwrap();
    assert_eq!(a.severity, Severity::Tier(Tier::SeeProfessional));
    assert_eq!(
        a.message,
        "Your pain is getting worse: 4 out of 10 now, 2 on 1 November 2026. Book a doctor or physiotherapist in the next few days."
    );
    assert_plain(&a);
    assert_eq!(find(&diary(vec![train(0, 2), train(3, 3)]), AlertId::Worsening), None);
    // Worse within 2 days of onset: said, but at self-care, with what to watch for.
    let a = find(&diary(vec![train(0, 2), train(2, 4)]), AlertId::Worsening).unwrap();
    assert_eq!(a.severity, Severity::Tier(Tier::SelfCare));
    assert!(a.message.ends_with("If it is still getting worse a few days after it started, book a doctor or physiotherapist."), "{}", a.message);
    // Outside the 7-day window: no trend, no alert.
    assert_eq!(find(&diary(vec![train(0, 2), train(7, 4)]), AlertId::Worsening), None);
}

#[test]
fn night_pain_true_vs_false() {
    let mut e = train(3, 2);
    e.worse_at_night = Some(true);
    let a = find(&diary(vec![e.clone()]), AlertId::NightPain).unwrap();
    assert_eq!(a.severity, Severity::Tier(Tier::Urgent));
    assert!(a.message.starts_with("In the last 7 days your diary notes pain that is worse at night."), "{}", a.message);
    assert_plain(&a);
    e.worse_at_night = Some(false);
    assert_eq!(find(&diary(vec![e.clone()]), AlertId::NightPain), None);
    e.worse_at_night = None;
    assert_eq!(find(&diary(vec![e]), AlertId::NightPain), None);
}

#[test]
fn improving_needs_2_points_and_70_percent() {
    let improving = |entries| find(&diary(entries), AlertId::Improving);
    // Highest 5 before L: 3 is 2 down and 60 %; 4 is 1 down.
    let a = improving(vec![rest(0, 5), rest(1, 4), rest(2, 3)]).unwrap();
    assert_eq!(a.severity, Severity::Info);
    assert_eq!(
        a.message,
        "Your pain is easing: 3 out of 10 now, down from 5 on 1 November 2026. Keep to your plan, and re-check if anything new or worrying happens."
    );
    assert_plain(&a);
    assert_eq!(improving(vec![rest(0, 5), rest(1, 5), rest(2, 4)]), None);
    // Highest 10: 8 is 2 down but 80 %; 7 is exactly 70 %.
    assert_eq!(improving(vec![rest(0, 10), rest(1, 8)]), None);
    assert!(improving(vec![rest(0, 10), rest(1, 7)]).is_some());
    // Highest 2: 0 is both.
    assert!(improving(vec![rest(0, 2), rest(1, 0)]).is_some());
    // The run before L is broken by a day without pain: the earlier 8 does not count.
    assert_eq!(improving(vec![rest(0, 8), rest(1, 0), rest(2, 4), rest(3, 3)]), None);
    // One entry has nothing before it.
    assert_eq!(improving(vec![rest(0, 0)]), None);
}

#[test]
fn alerts_come_in_the_specs_order() {
    // Everything at once except improving (which cannot come with worsening over the same days).
    let mut last = rest(10, 6);
    last.worse_at_night = Some(true);
    let d = diary_with_check(
        vec![train(4, 2), rest(5, 3), with_answers(rest(8, 5), &[yes("fever")]), last],
        check(4),
    );
    assert_eq!(
        ids(&d),
        [AlertId::RedFlag, AlertId::TierRaised, AlertId::NoImprovementAfterRest, AlertId::Worsening, AlertId::NightPain]
    );
    let d = diary(vec![rest(0, 6), rest(1, 6), rest(2, 6), rest(3, 3)]);
    assert_eq!(ids(&d), [AlertId::NeedsCheck, AlertId::Improving]);
}

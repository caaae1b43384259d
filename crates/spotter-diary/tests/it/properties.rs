//! Properties over random valid diaries: deriving and the status never panic and give valid
//! triage answers; alerts keep their order; an entry reads back from its own JSON; a new red flag
//! in the latest entry never lowers the status tier.

use crate::common::*;
use proptest::prelude::*;
use spotter_diary::{AlertId, Diary, Entry, Training, derive, parse_entry_json, status};
use spotter_kb::Tier;
use spotter_triage::{Answer, Answers, check_answer};

/// Entry answers a lifter might log: warning signs and their "no" answers, and mild findings.
fn answer_pool() -> Vec<(&'static str, Answer)> {
    let b = |id, v| (id, Answer::Bool(v));
    let c = |id, v: &str| (id, Answer::Choice(v.to_string()));
    vec![
        b("fever", true),
        b("fever", false),
        b("saddle_numbness", true),
        b("saddle_numbness", false),
        b("numbness_persistent", true),
        b("numbness_persistent", false),
        c("numbness_tingling", "none"),
        c("numbness_tingling", "one_leg"),
        c("leg_weakness", "none"),
        c("leg_weakness", "one_leg"),
        c("pain_pattern", "constant"),
        c("pain_pattern", "movement_related"),
        c("pain_spread", "thigh"),
        c("pain_spread_side", "left"),
        ("age_years", Answer::Integer(60)),
    ]
}

fn pain_points() -> impl Strategy<Value = u8> {
    0u8..=10
}

/// An entry on day `n`, any valid combination of fields.
fn entry(n: i64) -> impl Strategy<Value = Entry> {
    (
        pain_points(),
        proptest::option::of(pain_points()),
        proptest::option::of((proptest::option::of(any::<bool>()), proptest::option::of(pain_points()), 0usize..3)),
        proptest::option::of(any::<bool>()),
        proptest::option::of(0i64..30),
        proptest::collection::vec(0usize..15, 0..3),
    )
        .prop_map(move |(now, worst, training, night, onset_back, answers)| {
            let pool = answer_pool();
            let mut a = Answers::new();
            for i in answers {
                let (id, v) = &pool[i];
                a.set(kb(), id, v.clone()).unwrap();
            }
            Entry {
                date: day(n),
                pain_now: pain(now),
                pain_worst_24h: worst.map(pain),
                training: training.map(|(w, after, k)| Training {
                    exercises: ["back_squat", "walking_lunge", "leg_curl"][..k].iter().map(|s| s.to_string()).collect(),
                    warmed_up: w,
                    pain_after_training: after.map(pain),
                }),
                worse_at_night: night,
                onset_date: onset_back.map(|b| day(n - b)),
                answers: a,
                note: None,
            }
        })
}

/// Up to 25 entries on distinct days among 60, and maybe a check.
fn diary_strategy() -> impl Strategy<Value = Diary> {
    (proptest::collection::btree_set(0i64..60, 0..25), proptest::option::of((0i64..70, proptest::option::of(0i64..20))))
        .prop_flat_map(|(days, check_at)| {
            let entries: Vec<_> = days.into_iter().map(entry).collect();
            (entries, Just(check_at))
        })
        .prop_map(|(entries, check_at)| {
            let checks = check_at
                .map(|(n, dso)| {
                    let mut c = check(n);
                    if let Some(x) = dso {
                        c.answers.set(kb(), "days_since_onset", Answer::Integer(x)).unwrap();
                    }
                    vec![c]
                })
                .unwrap_or_default();
            Diary::from_parts(entries, checks).unwrap()
        })
}

/// Answers that make an emergency or urgent rule fire on their own.
fn red_flags() -> Vec<Vec<(&'static str, Answer)>> {
    vec![
        vec![yes("saddle_numbness")],
        vec![yes("bowel_incontinence")],
        vec![yes("major_trauma")],
        vec![yes("fever")],
        vec![yes("foot_drop_or_tripping")],
        vec![choice("leg_weakness", "both_legs")],
        vec![choice("numbness_tingling", "one_leg"), yes("numbness_persistent")],
        vec![choice("pain_spread", "below_knee"), choice("pain_spread_side", "both")],
        vec![yes("sexual_dysfunction_new")],
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn status_never_panics_and_derives_valid_answers(d in diary_strategy()) {
        let s = status(kb(), &d);
        let v = s.to_json_value();
        prop_assert!(v.is_object());
        if let Some(der) = derive(&d) {
            for (id, a) in der.to_answers().iter() {
                let checked = check_answer(kb(), id, &a.to_json());
                prop_assert_eq!(checked.as_ref(), Ok(a), "{}", id);
            }
            prop_assert!(der.days_since_onset.is_some() || der.pain_now.points() == 0);
        }
        // Alerts in the spec's order, each at most once.
        let ids: Vec<AlertId> = s.alerts.iter().map(|a| a.id).collect();
        prop_assert!(ids.windows(2).all(|w| w[0] < w[1]), "{:?}", ids);
        prop_assert_eq!(ids.contains(&AlertId::NeedsCheck), d.checks().is_empty());
        for a in &s.alerts {
            prop_assert!(!a.message.contains('_'), "{}", a.message);
        }
    }

    #[test]
    fn an_entry_reads_back_from_its_own_json(e in (0i64..60).prop_flat_map(entry)) {
        let text = serde_json::to_string(&e).unwrap();
        let back = parse_entry_json(kb(), &text, day(60));
        prop_assert_eq!(back.as_ref(), Ok(&e), "{}", text);
        prop_assert_eq!(serde_json::to_string(&back.unwrap()).unwrap(), text);
    }

    #[test]
    fn a_new_red_flag_never_lowers_the_status_tier(d in diary_strategy(), flag in 0usize..9, later in 0i64..3) {
        // The same new entry with and without the red flag.
        let next = d.entries().last().map_or(0, |e| e.date.days_since(day(0)) + 1) + later;
        let plain = Entry::rest_day(day(next), pain(3));
        let flagged = with_answers(plain.clone(), &red_flags()[flag]);
        let with = |e: Entry| {
            let mut d = d.clone();
            d.add(e).unwrap();
            d
        };
        let (without_flag, with_flag) = (with(plain), with(flagged.clone()));
        let flag_tier = spotter_triage::tier_only(kb(), &flagged.answers);
        prop_assert!(flag_tier >= Tier::Urgent);
        let s = status(kb(), &with_flag);
        // A red flag, listed first, at the flag's tier.
        prop_assert_eq!(s.alerts[0].id, AlertId::RedFlag);
        prop_assert!(matches!(s.alerts[0].severity, spotter_diary::Severity::Tier(t) if t >= flag_tier));
        if let (Some(a), Some(b)) = (s.tier(), status(kb(), &without_flag).tier()) {
            prop_assert!(a >= b, "{:?} < {:?}", a, b);
            prop_assert!(a >= flag_tier);
        }
    }
}

#[test]
fn the_red_flag_list_only_holds_red_flags() {
    for f in red_flags() {
        let mut a = Answers::new();
        for (id, v) in &f {
            a.set(kb(), id, v.clone()).unwrap();
        }
        assert!(spotter_triage::tier_only(kb(), &a) >= Tier::Urgent, "{f:?}");
    }
}

/// Any JSON value, small.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-20.0f64..20.0).prop_map(Value::from),
        prop_oneof![
            Just("2026-02-30".to_string()),
            Just("2026-12-01".to_string()),
            Just("back_squat".to_string()),
            Just("one_leg".to_string()),
            ".{0,12}"
        ]
        .prop_map(Value::String),
    ];
    let nested = leaf.clone().prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map(prop_oneof![Just("fever".to_string()), Just("leg_weakness".to_string()), "[a-z_]{1,8}"], inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    });
    prop_oneof![2 => leaf, 1 => nested]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    /// Bad input never panics: any value in any field is read or refused with that field named.
    #[test]
    fn any_value_in_any_field_is_read_or_refused_by_name(field in 0usize..12, value in json_value()) {
        let mut doc = serde_json::json!({
            "date": "2026-12-01", "pain_now": 4, "pain_worst_24h": 6, "trained": true,
            "exercises": ["back_squat"], "warmed_up": false, "pain_after_training": 6,
            "worse_at_night": false, "onset_date": "2026-11-28",
            "answers": {"numbness_tingling": "none"}, "note": "felt it on the third set"
        });
        let name = spotter_diary::ENTRY_FIELDS.get(field).copied().unwrap_or("unknown_field");
        doc[name] = value;
        match parse_entry_json(kb(), &doc.to_string(), date("2026-12-04")) {
            Ok(e) => prop_assert!(e.check(kb(), date("2026-12-04")).is_ok()),
            Err(spotter_diary::DiaryError::Invalid(problems)) => {
                prop_assert!(!problems.is_empty());
                // `"trained": false` makes the example's training fields the wrong ones.
                let training = ["exercises", "warmed_up", "pain_after_training"];
                for p in &problems {
                    let named = p.field == name
                        || p.field.starts_with(&format!("{name}."))
                        || (name == "trained" && doc[name] == false && training.contains(&p.field.as_str()));
                    prop_assert!(named, "{} for {}", p, name);
                }
            }
            Err(other) => prop_assert!(false, "{}", other),
        }
    }

    #[test]
    fn any_text_is_read_or_refused(text in "[{}\\[\\]\",:0-9a-z_ -]{0,80}") {
        let _ = parse_entry_json(kb(), &text, date("2026-12-04"));
        let _ = spotter_diary::parse_diary_json(kb(), &text, date("2026-12-04"));
    }
}

//! Property tests: saying yes to one more symptom (or a worse value of one) never lowers the tier,
//! and the same answers always give the same result.

use crate::common::kb;
use proptest::prelude::*;
use serde_json::Value;
use spotter_kb::{Item, ItemKind};
use spotter_triage::{Answer, Answers, parse_answers_json, tier_only, triage};

/// Values of a choice item from least to most worrying, per spec/triage.md. `None`: not ordinal.
fn worsening_order(item: &str) -> Option<&'static [&'static str]> {
    Some(match item {
        "leg_weakness" | "numbness_tingling" => &["none", "one_leg", "both_legs"],
        "pain_spread" => &["back_only", "buttock", "thigh", "below_knee"],
        "pain_pattern" => &["movement_related", "constant"],
        "trend" => &["improving", "same", "worse"],
        "leg_weakness_onset" => &["gradual", "sudden"],
        _ => return None,
    })
}

/// Bool items where `true` is not a symptom.
const REASSURING_BOOLS: [&str; 1] = ["eased_by_rest"];

/// Builds a full intake from one random number per item: safety-critical items always answered,
/// others sometimes left out.
fn intake(seeds: &[u32]) -> Answers {
    let mut a = Answers::new();
    for (item, &s) in kb().items.iter().zip(seeds) {
        if !item.safety_critical && s % 5 == 0 {
            continue;
        }
        let s = s / 5;
        let answer = match &item.kind {
            // Mostly "no" and the mildest value, as in real intakes, so that every tier is reached.
            ItemKind::Bool => Answer::Bool(s % 20 == 0),
            ItemKind::Integer { min, max, .. } => Answer::Integer(min + (s as i64) % (max.min(&120) - min + 1)),
            ItemKind::Number { min, max, .. } => Answer::Number(min + (s as f64 / u32::MAX as f64) * (max - min)),
            ItemKind::Choice { values } => {
                let i = if s % 3 != 0 { 0 } else { (s / 3) as usize % values.len() };
                Answer::Choice(values[i].id.clone())
            }
            ItemKind::Multi { values } => Answer::Multi(
                values.iter().enumerate().filter(|(i, _)| s >> i & 1 == 1).map(|(_, c)| c.id.clone()).collect(),
            ),
        };
        a.set_unchecked(&item.id, answer);
    }
    a
}

/// Every strictly worse answer for `item` than `current` (`None`: not answered).
fn worse_answers(item: &Item, current: Option<&Answer>) -> Vec<Answer> {
    match (&item.kind, current) {
        (ItemKind::Bool, _) if REASSURING_BOOLS.contains(&item.id.as_str()) => vec![],
        (ItemKind::Bool, None | Some(Answer::Bool(false))) => vec![Answer::Bool(true)],
        (ItemKind::Integer { max, .. }, None) => vec![Answer::Integer(*max)],
        (ItemKind::Integer { max, .. }, Some(Answer::Integer(x))) => {
            [x + 1, x + 3, x + 10, *max].into_iter().filter(|v| v > x && v <= max).map(Answer::Integer).collect()
        }
        (ItemKind::Choice { values }, cur) if item.id == "pain_spread_side" => match cur {
            Some(Answer::Choice(c)) if c == "both" => vec![],
            _ => vec![Answer::Choice("both".into())],
        }
        .into_iter()
        .filter(|_| values.iter().any(|v| v.id == "both"))
        .collect(),
        (ItemKind::Choice { .. }, cur) => {
            let Some(order) = worsening_order(&item.id) else { return vec![] };
            let from = match cur {
                Some(Answer::Choice(c)) => order.iter().position(|v| v == c).map_or(order.len(), |p| p + 1),
                _ => order.len() - 1, // unanswered -> the worst value
            };
            order[from..].iter().map(|v| Answer::Choice(v.to_string())).collect()
        }
        (ItemKind::Multi { values }, cur) => {
            let have: Vec<String> = match cur {
                Some(Answer::Multi(v)) => v.clone(),
                _ => vec![],
            };
            values
                .iter()
                .filter(|c| !have.contains(&c.id))
                .map(|c| {
                    let mut more = have.clone();
                    more.push(c.id.clone());
                    Answer::Multi(values.iter().filter(|v| more.contains(&v.id)).map(|v| v.id.clone()).collect())
                })
                .collect()
        }
        _ => vec![],
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn one_more_symptom_never_lowers_the_tier(seeds in prop::collection::vec(any::<u32>(), 64), pick in any::<usize>()) {
        let kb = kb();
        let before = intake(&seeds);
        let tier_before = tier_only(kb, &before);
        let item = &kb.items[pick % kb.items.len()];
        for worse in worse_answers(item, before.get(&item.id)) {
            let mut after = before.clone();
            after.set_unchecked(&item.id, worse.clone());
            let tier_after = tier_only(kb, &after);
            prop_assert!(
                tier_after >= tier_before,
                "{} -> {worse}: tier went from {tier_before} to {tier_after}", item.id
            );
        }
    }

    #[test]
    fn same_answers_same_result_whatever_the_key_order(seeds in prop::collection::vec(any::<u32>(), 64), rotate in 0usize..64) {
        let kb = kb();
        let answers = intake(&seeds);
        let first = triage(kb, &answers);
        prop_assert_eq!(&first, &triage(kb, &answers));
        // Written out with the keys in another order and read back: the same result.
        let Value::Object(map) = answers.to_json() else { unreachable!() };
        let mut entries: Vec<(String, Value)> = map.into_iter().collect();
        let n = entries.len().max(1);
        entries.rotate_left(rotate % n);
        entries.reverse();
        let text = format!(
            "{{{}}}",
            entries.iter().map(|(k, v)| format!("{}:{}", Value::String(k.clone()), v)).collect::<Vec<_>>().join(",")
        );
        let reread = parse_answers_json(kb, &text).expect("round trip");
        prop_assert_eq!(&first, &triage(kb, &reread));
    }
}

/// The strategy reaches every tier, so the properties above are not vacuous.
#[test]
fn random_intakes_cover_every_tier() {
    let mut seen = std::collections::BTreeSet::new();
    let mut x: u32 = 12345;
    for _ in 0..2000 {
        let seeds: Vec<u32> = (0..64)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x
            })
            .collect();
        seen.insert(tier_only(kb(), &intake(&seeds)));
    }
    assert_eq!(seen.len(), 4, "{seen:?}");
}

//! The seed story as a diary (`examples/diary-seed-story.json`): the lifter of the second seed
//! skips the warm-up on leg day, the lower back locks up, and three rest days later it is no
//! better. The status says what the first seed (and a physiotherapist) would: book a
//! professional.

use crate::common::*;
use spotter_diary::{AlertId, Diary, Trend, parse_diary_json, status};
use spotter_kb::Tier;
use spotter_triage::triage;

const STORY: &str = include_str!("../../../../examples/diary-seed-story.json");

fn story() -> Diary {
    parse_diary_json(kb(), STORY, date("2026-11-26")).expect("the seed story reads")
}

#[test]
fn the_story_reads_back_as_written() {
    let d = story();
    assert_eq!(d.entries().len(), 7);
    let file: serde_json::Value = serde_json::from_str(STORY).unwrap();
    assert_eq!(d.to_json(), file);
    // The check's tier is the one the engine gives its answers.
    let c = &d.checks()[0];
    assert_eq!((c.tier, triage(kb(), &c.answers).tier), (Tier::SelfCare, Tier::SelfCare));
}

#[test]
fn three_rest_days_without_improvement_book_a_professional() {
    let s = status(kb(), &story());
    let d = s.derived.as_ref().unwrap();
    assert_eq!(d.as_of, date("2026-11-26"));
    assert_eq!((d.pain_now.points(), d.pain_worst_24h.points()), (4, 5));
    assert_eq!(d.days_since_onset, Some(3));
    assert_eq!(d.rest_days_without_improvement, 3);
    assert_eq!(d.trend.map(|t| t.trend), Some(Trend::Same));
    assert_eq!(d.worse_at_night, Some(false));

    let t = s.triage.as_ref().unwrap();
    assert_eq!(t.triage.tier, Tier::SeeProfessional);
    assert_eq!(t.triage.info.label, "Book a professional");
    assert_eq!(t.triage.info.headline, "Book a doctor or physiotherapist in the next few days.");
    let fired: Vec<(&str, &[&str])> = t.triage.fired.iter().map(|f| (f.rule.id.as_str(), f.items.as_slice())).collect();
    assert_eq!(fired, [("P4", ["rest_days_without_improvement"].as_slice())]);

    let alerts: Vec<AlertId> = s.alerts.iter().map(|a| a.id).collect();
    assert_eq!(alerts, [AlertId::TierRaised, AlertId::NoImprovementAfterRest]);
    assert_eq!(
        s.alerts[1].message,
        "3 days of rest and the pain has not eased: 4 out of 10 now, 5 on your last training day. Pain that does not improve after a few days of rest should be looked at. Book a doctor or physiotherapist in the next few days."
    );
    // Two training days with the warm-up and one without: too few to compare.
    assert_eq!(s.adherence, None);
}

#[test]
fn it_is_the_third_rest_day_that_changes_the_status() {
    let d = story();
    let tiers: Vec<(String, Option<Tier>)> = (1..=d.entries().len())
        .map(|n| {
            let part = Diary::from_parts(d.entries()[..n].to_vec(), d.checks().to_vec()).unwrap();
            (part.entries()[n - 1].date.to_string(), status(kb(), &part).tier())
        })
        .collect();
    let expected = [
        ("2026-11-16", Tier::SelfCare),
        ("2026-11-18", Tier::SelfCare),
        ("2026-11-19", Tier::SelfCare),
        ("2026-11-23", Tier::SelfCare),
        ("2026-11-24", Tier::SelfCare),
        ("2026-11-25", Tier::SelfCare),
        ("2026-11-26", Tier::SeeProfessional),
    ];
    assert_eq!(tiers, expected.map(|(d, t)| (d.to_string(), Some(t))));
}

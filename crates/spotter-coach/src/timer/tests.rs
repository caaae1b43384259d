//! Tests of the warm-up clock: the self-care example's timeline written out by hand from the
//! seed routine, edge cases, and properties (time budget, one bell per change, pause and skip).

use super::*;
use crate::make_plan;
use proptest::prelude::*;
use spotter_kb::Kb;
use std::sync::OnceLock;

const SELF_CARE: &str = include_str!("../../../../examples/intake-self-care.json");
const EMERGENCY: &str = include_str!("../../../../examples/intake-emergency.json");

/// The plan of an example intake, with the default warm-up budget.
fn plan_of(answers_json: &str) -> Plan<'static> {
    static KB: OnceLock<Kb> = OnceLock::new();
    let kb = KB.get_or_init(|| Kb::builtin().expect("built-in knowledge base"));
    let answers = spotter_triage::parse_answers_json(kb, answers_json).expect("answers");
    make_plan(kb, &answers, None).expect("plan")
}

fn s(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn drill(id: &str, seconds: u32, per_side: bool) -> RoutineDrill {
    RoutineDrill { id: id.into(), name: id.into(), seconds, per_side, cues: vec![format!("{id} cue")], caution: None }
}

/// Leg swings 30 s a side, then 60 s of lunges, after 5 s of get-ready: 125 s.
fn small() -> Routine {
    Routine::new(5, vec![drill("swings", 30, true), drill("lunges", 60, false)]).expect("routine")
}

fn check_events(r: &Routine, from: u64, to: u64, expected: &[(u64, Event)]) {
    let got: Vec<(u64, Event)> = r.events_between(s(from), s(to)).iter().map(|e| (e.at.as_secs(), e.event)).collect();
    assert_eq!(got, expected, "events in {from}..{to}");
}

#[test]
fn self_care_example_times_the_seed_routine() {
    let plan = plan_of(SELF_CARE);
    let r = Routine::from_plan(&plan, DEFAULT_GET_READY_SECONDS).expect("routine");
    assert_eq!(r.total(), s(u64::from(plan.warmup_budget_seconds) + 5));
    let got: Vec<(u64, Event)> = r.timeline().iter().map(|e| (e.at.as_secs(), e.event)).collect();
    // The example finds no cause that reshapes the warm-up: the seed's quick routine, 5.5 min.
    let ids: Vec<&str> = r.drills().iter().map(|d| d.id.as_str()).collect();
    assert_eq!(
        ids,
        ["leg_swings", "walking_lunge_twist", "standing_roll_down", "glute_kickback", "hip_circles", "bodyweight_squat"]
    );
    use Event::*;
    assert_eq!(
        got,
        [
            (0, GetReady { seconds: 5 }),
            (5, DrillStart { drill_idx: 0 }),
            (35, SwitchSides { drill_idx: 0, to: Side::Right }),
            (65, DrillStart { drill_idx: 1 }),
            (125, DrillStart { drill_idx: 2 }),
            (155, DrillStart { drill_idx: 3 }),
            (215, DrillStart { drill_idx: 4 }),
            (275, DrillStart { drill_idx: 5 }),
            (335, Finished),
        ]
    );
}

#[test]
fn plans_without_a_warm_up_and_bad_blocks_are_refused() {
    assert_eq!(Routine::from_plan(&plan_of(EMERGENCY), 5).unwrap_err(), TimerError::NoWarmup);
    assert_eq!(Routine::new(5, vec![]).unwrap_err(), TimerError::NoDrills);
    assert_eq!(
        Routine::new(5, vec![drill("a", 10, false), drill("b", 0, true)]).unwrap_err(),
        TimerError::ZeroLength { id: "b".into() }
    );
    let mut untimed = plan_of(SELF_CARE).block(BlockId::Warmup).expect("warm-up").clone();
    untimed.items[0].seconds = None;
    let err = Routine::from_block(&untimed, 5).unwrap_err();
    assert_eq!(err, TimerError::Untimed { id: "leg_swings".into() });
    assert_eq!(err.to_string(), "warm-up item `leg_swings` has no time in seconds");
}

#[test]
fn state_walks_through_get_ready_sides_and_the_end() {
    let r = small();
    let st = r.state_at(ms(2500));
    assert_eq!((st.phase, st.step_remaining, st.drill_remaining, st.total_remaining), (Phase::GetReady, ms(2500), ms(2500), ms(122_500)));
    let st = r.state_at(s(5));
    assert_eq!(st.phase, Phase::Drill { drill_idx: 0, side: Some(Side::Left) });
    assert_eq!((st.step_remaining, st.drill_remaining), (s(30), s(60)));
    let st = r.state_at(s(35));
    assert_eq!(st.phase, Phase::Drill { drill_idx: 0, side: Some(Side::Right) });
    assert_eq!((st.step_remaining, st.drill_remaining), (s(30), s(30)));
    let st = r.state_at(ms(64_999));
    assert_eq!(st.phase.side(), Some(Side::Right));
    let st = r.state_at(s(65));
    assert_eq!(st.phase, Phase::Drill { drill_idx: 1, side: None });
    assert_eq!((st.step_idx, st.step_remaining, st.total_remaining, st.finished), (3, s(60), s(60), false));
    for t in [s(125), s(9999)] {
        let st = r.state_at(t);
        assert_eq!((st.phase, st.finished, st.total_remaining, st.elapsed, st.step_idx), (Phase::Finished, true, Duration::ZERO, s(125), 4));
    }
}

#[test]
fn events_windows_are_half_open() {
    let r = small();
    use Event::*;
    check_events(&r, 0, 0, &[]);
    check_events(&r, 0, 5, &[(0, GetReady { seconds: 5 })]);
    check_events(&r, 5, 36, &[(5, DrillStart { drill_idx: 0 }), (35, SwitchSides { drill_idx: 0, to: Side::Right })]);
    check_events(&r, 36, 125, &[(65, DrillStart { drill_idx: 1 })]);
    check_events(&r, 125, 126, &[(125, Finished)]);
    let none = Routine::new(0, vec![drill("a", 10, false)]).unwrap();
    check_events(&none, 0, 100, &[(0, DrillStart { drill_idx: 0 }), (10, Finished)]);
}

#[test]
fn a_session_polls_each_event_once_and_pauses_and_skips() {
    use Event::*;
    let mut sn = Session::new(small());
    let polled = |sn: &mut Session, now: Duration| sn.poll(now).into_iter().map(|e| e.event).collect::<Vec<_>>();
    assert_eq!(polled(&mut sn, s(0)), [GetReady { seconds: 5 }]);
    assert_eq!(polled(&mut sn, s(0)), []);
    assert_eq!(polled(&mut sn, s(5)), [DrillStart { drill_idx: 0 }]);
    sn.pause(s(10));
    assert!(sn.is_paused());
    assert_eq!(sn.state(s(100)).step_remaining, s(25));
    assert_eq!(polled(&mut sn, s(100)), []);
    sn.resume(s(100));
    assert_eq!(sn.state(s(120)).elapsed, s(30));
    assert_eq!(polled(&mut sn, s(130)), [SwitchSides { drill_idx: 0, to: Side::Right }]);
    // Skipping the right side of the swings: the lunges start, and their bell rings.
    sn.skip(s(131));
    assert_eq!(sn.state(s(131)).phase, Phase::Drill { drill_idx: 1, side: None });
    assert_eq!(polled(&mut sn, s(131)), [DrillStart { drill_idx: 1 }]);
    sn.toggle_pause(s(140));
    sn.skip(s(150));
    assert!(sn.is_paused(), "a skip keeps the pause");
    assert!(sn.state(s(150)).finished);
    assert_eq!(polled(&mut sn, s(151)), [Finished]);
    sn.skip(s(152));
    assert_eq!(polled(&mut sn, s(500)), []);
    sn.resume(s(600));
    assert_eq!(sn.elapsed(s(700)), s(125));
}

#[test]
fn a_skip_during_get_ready_goes_to_the_first_drill() {
    let mut sn = Session::new(small());
    sn.skip(s(1));
    assert_eq!(sn.state(s(1)).phase, Phase::Drill { drill_idx: 0, side: Some(Side::Left) });
    assert_eq!(sn.state(s(1)).step_remaining, s(30));
    let events: Vec<Event> = sn.poll(s(1)).into_iter().map(|e| e.event).collect();
    assert_eq!(events, [Event::DrillStart { drill_idx: 0 }], "the skipped get-ready is not announced");
}

fn arb_routine() -> impl Strategy<Value = Routine> {
    let drill = (1u32..=120, any::<bool>()).prop_map(|(sec, per_side)| (sec, per_side));
    (0u32..=10, prop::collection::vec(drill, 1..8)).prop_map(|(gr, ds)| {
        let drills = ds.iter().enumerate().map(|(i, &(sec, ps))| self::drill(&format!("d{i}"), sec, ps)).collect();
        Routine::new(gr, drills).expect("valid routine")
    })
}

/// A routine and `n` times in it (or a little past it), to the millisecond.
fn with_times(n: usize) -> impl Strategy<Value = (Routine, Vec<Duration>)> {
    arb_routine().prop_flat_map(move |r| {
        let max = r.total().as_millis() as u64 + 2000;
        (Just(r), prop::collection::vec((0..=max).prop_map(Duration::from_millis), n))
    })
}

proptest! {
    #[test]
    fn total_is_get_ready_plus_every_drill(r in arb_routine()) {
        let sum: u64 = r.drills().iter().map(|d| u64::from(d.total_seconds())).sum();
        prop_assert_eq!(r.total(), s(sum + u64::from(r.get_ready_seconds())));
        prop_assert_eq!(r.steps().iter().map(|st| st.length).sum::<Duration>(), r.total());
        prop_assert_eq!(r.state_at(Duration::ZERO).total_remaining, r.total());
    }

    #[test]
    fn every_drill_starts_once_and_per_side_drills_switch_once_at_half(r in arb_routine()) {
        let all = r.events_between(Duration::ZERO, Duration::MAX);
        for (i, d) in r.drills().iter().enumerate() {
            let starts: Vec<&TimedEvent> = all.iter().filter(|e| e.event == Event::DrillStart { drill_idx: i }).collect();
            prop_assert_eq!(starts.len(), 1);
            let start = starts[0].at;
            prop_assert_eq!(Some(start), r.drill_start(i));
            let switches: Vec<Duration> = all.iter()
                .filter(|e| matches!(e.event, Event::SwitchSides { drill_idx, .. } if drill_idx == i))
                .map(|e| e.at)
                .collect();
            if d.per_side {
                prop_assert_eq!(switches, vec![start + s(u64::from(d.total_seconds()) / 2)]);
            } else {
                prop_assert!(switches.is_empty());
            }
        }
        prop_assert_eq!(all.iter().filter(|e| e.event == Event::Finished).count(), 1);
        prop_assert_eq!(all.last().map(|e| (e.at, e.event)), Some((r.total(), Event::Finished)));
    }

    #[test]
    fn event_windows_concatenate((r, ts) in with_times(3)) {
        let mut ts = ts;
        ts.sort();
        let (t0, t1, t2) = (ts[0], ts[1], ts[2]);
        let mut joined = r.events_between(t0, t1);
        joined.extend(r.events_between(t1, t2));
        prop_assert_eq!(joined, r.events_between(t0, t2));
    }

    #[test]
    fn polling_at_any_times_reports_the_timeline_exactly_once((r, ts) in with_times(6)) {
        let mut ts = ts;
        ts.sort();
        let mut sn = Session::new(r.clone());
        let mut got = Vec::new();
        for t in ts {
            got.extend(sn.poll(t));
        }
        got.extend(sn.poll(r.total()));
        prop_assert_eq!(got, r.timeline());
    }

    #[test]
    fn pausing_does_not_consume_drill_time(
        (r, ts) in with_times(3)
    ) {
        let (pause_at, pause_for, after) = (ts[0], ts[1], ts[2]);
        let mut sn = Session::new(r.clone());
        sn.pause(pause_at);
        prop_assert_eq!(sn.state(pause_at + pause_for), r.state_at(pause_at));
        sn.resume(pause_at + pause_for);
        prop_assert_eq!(sn.state(pause_at + pause_for + after), r.state_at(pause_at + after));
    }

    #[test]
    fn skip_moves_to_the_next_drill_start((r, ts) in with_times(1)) {
        let t = ts[0];
        let before = r.state_at(t);
        let mut sn = Session::new(r.clone());
        sn.skip(t);
        let after = sn.state(t);
        let next = match before.phase {
            Phase::GetReady => Some(0),
            Phase::Drill { drill_idx, .. } => Some(drill_idx + 1).filter(|&i| i < r.drills().len()),
            Phase::Finished => None,
        };
        match next {
            Some(i) => {
                let d = &r.drills()[i];
                prop_assert_eq!(after.phase, Phase::Drill { drill_idx: i, side: d.per_side.then_some(Side::Left) });
                prop_assert_eq!(Some(after.elapsed), r.drill_start(i));
                prop_assert_eq!(after.step_remaining, s(u64::from(d.seconds)));
                prop_assert_eq!(after.drill_remaining, s(u64::from(d.total_seconds())));
                prop_assert_eq!(sn.poll(t).iter().map(|e| e.event).collect::<Vec<_>>(), vec![Event::DrillStart { drill_idx: i }]);
            }
            None => prop_assert!(after.finished),
        }
    }
}

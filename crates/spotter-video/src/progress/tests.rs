//! Unit tests of progress snapshots and sinks

use std::time::Duration;

use super::{IndicatifProgress, Progress, ProgressUpdate, snapshot_at};

#[test]
fn rate_and_time_left_follow_from_frames_and_elapsed_time() {
    let p = snapshot_at(50, Some(200), Duration::from_secs(2));
    assert_eq!(p.fps, 25.0);
    assert_eq!(p.eta_s, Some(6.0));
    assert_eq!(p.frames_total_estimate, Some(200));
    // No total: no ETA. Nothing done yet: no rate, no ETA.
    assert_eq!(snapshot_at(50, None, Duration::from_secs(2)).eta_s, None);
    let start = snapshot_at(0, Some(200), Duration::ZERO);
    assert_eq!((start.fps, start.eta_s), (0.0, None));
    // An estimate that was too low grows to the frames done.
    let over = snapshot_at(210, Some(200), Duration::from_secs(7));
    assert_eq!((over.frames_total_estimate, over.eta_s), (Some(210), Some(0.0)));
}

#[test]
fn a_closure_sink_sees_every_advance_and_the_finish() {
    let mut seen: Vec<u64> = Vec::new();
    {
        let mut p = Progress::new(Some(3), |u: &ProgressUpdate| seen.push(u.frames_done));
        p.advance(1);
        p.advance(2);
        let _sink = p.finish();
    }
    assert_eq!(seen, vec![1, 3]);
}

#[test]
fn the_indicatif_bar_tracks_position_and_length() {
    use super::ProgressSink;
    let mut bar = IndicatifProgress::with_target("pose", indicatif::ProgressDrawTarget::hidden());
    bar.update(&snapshot_at(30, Some(90), Duration::from_secs(1)));
    assert_eq!((bar.bar().position(), bar.bar().length()), (30, Some(90)));
    // The estimate can disappear (unknown length) without losing the position.
    bar.update(&snapshot_at(31, None, Duration::from_secs(1)));
    assert_eq!((bar.bar().position(), bar.bar().length()), (31, None));
    let mut p = Progress::new(Some(90), bar);
    p.advance(5);
    let bar = p.finish();
    assert!(bar.bar().is_finished());
}

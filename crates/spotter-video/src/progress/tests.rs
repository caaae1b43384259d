//! Unit tests of progress snapshots and sinks

use std::time::Duration;

use super::{IndicatifProgress, Progress, ProgressSink, ProgressUpdate, duration_words, rate_words, snapshot_at, status_line};

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

#[test]
fn rates_are_rounded_with_their_unit() {
    assert_eq!(rate_words(46.3478), "46 frames/s");
    assert_eq!(rate_words(9.96), "10 frames/s");
    assert_eq!(rate_words(9.5), "9.5 frames/s");
    assert_eq!(rate_words(0.42), "0.4 frames/s");
    assert_eq!(rate_words(0.01), "under 0.1 frames/s");
    assert_eq!(rate_words(f64::NAN), "- frames/s");
}

#[test]
fn times_left_are_whole_seconds_minutes_or_hours() {
    assert_eq!(duration_words(0.0), "0 s");
    assert_eq!(duration_words(3.2), "4 s");
    assert_eq!(duration_words(65.0), "1 min 05 s");
    assert_eq!(duration_words(7380.0), "2 h 03 min");
    assert_eq!(duration_words(f64::INFINITY), "unknown time");
}

#[test]
fn the_status_line_counts_frames_in_plain_words() {
    let line = |done, total, secs| status_line(&snapshot_at(done, total, Duration::from_secs_f64(secs)));
    // The "46.3478/s": a rounded rate with its unit.
    assert_eq!(line(139, Some(300), 2.999_04), "139/300 frames · 46 frames/s · 4 s left");
    // Before the first frame: no rate and no time left.
    assert_eq!(line(0, Some(90), 0.0), "0/90 frames");
    // Without a total: the count alone, with its plural.
    assert_eq!(line(1, None, 0.5), "1 frame · 2.0 frames/s");
    assert_eq!(line(2, None, 0.5), "2 frames · 4.0 frames/s");
    assert_eq!(line(0, Some(1), 0.0), "0/1 frame");
}

/// A terminal that keeps what is drawn on it.
#[derive(Debug, Clone, Default)]
struct Screen(std::sync::Arc<std::sync::Mutex<String>>);

impl indicatif::TermLike for Screen {
    fn width(&self) -> u16 {
        100
    }
    fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn write_line(&self, s: &str) -> std::io::Result<()> {
        self.write_str(&format!("{s}\n"))
    }
    fn write_str(&self, s: &str) -> std::io::Result<()> {
        self.0.lock().expect("screen").push_str(s);
        Ok(())
    }
    fn clear_line(&self) -> std::io::Result<()> {
        Ok(())
    }
    fn flush(&self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn the_drawn_bar_shows_the_status_line() {
    let screen = Screen::default();
    let mut bar = IndicatifProgress::with_target("pose", indicatif::ProgressDrawTarget::term_like(Box::new(screen.clone())));
    bar.update(&snapshot_at(30, Some(90), Duration::from_secs(2)));
    bar.bar().tick();
    let drawn = screen.0.lock().expect("screen").clone();
    assert!(drawn.contains("pose ") && drawn.contains("30/90 frames · 15 frames/s · 4 s left"), "{drawn:?}");
}

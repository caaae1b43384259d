//! Progress of a long step (frames done, total estimate, rate, time left), reported to a sink
//! the CLI chooses; an indicatif bar on stderr that hides itself when stderr is not a terminal

use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// A snapshot of progress.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProgressUpdate {
    /// Frames finished so far.
    pub frames_done: u64,
    /// Frames expected in all, when known (from the container; an estimate).
    pub frames_total_estimate: Option<u64>,
    /// Seconds since the step started.
    pub elapsed_s: f64,
    /// Frames per second over the whole step so far (0 before the first frame).
    pub fps: f64,
    /// Seconds left at the current rate, when the total is known and a frame is done.
    pub eta_s: Option<f64>,
}

/// Receives progress. Closures `FnMut(&ProgressUpdate)` are sinks too.
pub trait ProgressSink {
    /// Called after each frame (or batch).
    fn update(&mut self, progress: &ProgressUpdate);
    /// Called once at the end (success or not).
    fn finish(&mut self, _progress: &ProgressUpdate) {}
}

impl<F: FnMut(&ProgressUpdate)> ProgressSink for F {
    fn update(&mut self, progress: &ProgressUpdate) {
        self(progress)
    }
}

/// A sink that ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl ProgressSink for NoProgress {
    fn update(&mut self, _progress: &ProgressUpdate) {}
}

/// Counts frames and times them; hands snapshots to a sink.
pub struct Progress<S: ProgressSink> {
    sink: S,
    start: Instant,
    total: Option<u64>,
    done: u64,
}

impl<S: ProgressSink> Progress<S> {
    /// Starts the clock.
    pub fn new(frames_total_estimate: Option<u64>, sink: S) -> Self {
        Progress { sink, start: Instant::now(), total: frames_total_estimate, done: 0 }
    }

    /// Records `frames` more finished frames and tells the sink.
    pub fn advance(&mut self, frames: u64) {
        self.done += frames;
        let p = self.snapshot();
        self.sink.update(&p);
    }

    /// Tells the sink the step is over and gives it back.
    pub fn finish(mut self) -> S {
        let p = self.snapshot();
        self.sink.finish(&p);
        self.sink
    }

    /// The progress now.
    pub fn snapshot(&self) -> ProgressUpdate {
        snapshot_at(self.done, self.total, self.start.elapsed())
    }
}

/// The snapshot for `done` frames after `elapsed` (pure; the total grows to `done` when the
/// estimate was too low).
pub fn snapshot_at(done: u64, total: Option<u64>, elapsed: Duration) -> ProgressUpdate {
    let elapsed_s = elapsed.as_secs_f64();
    let fps = if elapsed_s > 0.0 { done as f64 / elapsed_s } else { 0.0 };
    let total = total.map(|t| t.max(done));
    let eta_s = match total {
        Some(t) if done > 0 && fps > 0.0 => Some((t - done) as f64 / fps),
        _ => None,
    };
    ProgressUpdate { frames_done: done, frames_total_estimate: total, elapsed_s, fps, eta_s }
}

/// What the bar prints after itself: "30/90 frames · 15 frames/s · 4 s left", in words a person
/// reads (a rounded rate with its unit, correct plurals; no rate before the first frame).
pub fn status_line(p: &ProgressUpdate) -> String {
    let mut parts = vec![match p.frames_total_estimate {
        Some(total) => format!("{}/{total} {}", p.frames_done, if total == 1 { "frame" } else { "frames" }),
        None => format!("{} {}", p.frames_done, if p.frames_done == 1 { "frame" } else { "frames" }),
    }];
    if p.frames_done > 0 {
        parts.push(rate_words(p.fps));
    }
    if let Some(left) = p.eta_s.filter(|_| p.frames_done > 0) {
        parts.push(format!("{} left", duration_words(left)));
    }
    parts.join(" · ")
}

/// A frame rate for people: whole frames per second from 10 on ("46 frames/s"), one decimal
/// below ("9.5 frames/s", "0.4 frames/s"), "-" when unknown.
pub fn rate_words(fps: f64) -> String {
    if !fps.is_finite() || fps < 0.0 {
        "- frames/s".to_string()
    } else if fps >= 9.95 {
        format!("{fps:.0} frames/s")
    } else if fps >= 0.05 {
        format!("{fps:.1} frames/s")
    } else {
        "under 0.1 frames/s".to_string()
    }
}

/// A time left, rounded up to the next second: "4 s", "1 min 05 s", "2 h 03 min".
pub fn duration_words(seconds: f64) -> String {
    if !seconds.is_finite() || seconds < 0.0 {
        return "unknown time".to_string();
    }
    let s = seconds.ceil().min(1e9) as u64;
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min {:02} s", s / 60, s % 60),
        _ => format!("{} h {:02} min", s / 3600, s % 3600 / 60),
    }
}

/// A progress bar on stderr (indicatif), hidden when stderr is not a terminal.
pub struct IndicatifProgress {
    bar: indicatif::ProgressBar,
}

impl IndicatifProgress {
    /// A bar with this message (e.g. `pose`), drawn on stderr if it is a terminal.
    pub fn stderr(message: &str) -> Self {
        let target = if std::io::stderr().is_terminal() {
            indicatif::ProgressDrawTarget::stderr()
        } else {
            indicatif::ProgressDrawTarget::hidden()
        };
        IndicatifProgress::with_target(message, target)
    }

    /// A bar drawing to a given target (tests use a hidden one). `message` names the step.
    pub fn with_target(message: &str, target: indicatif::ProgressDrawTarget) -> Self {
        let bar = indicatif::ProgressBar::with_draw_target(None, target).with_style(Self::style(false)).with_prefix(message.to_string());
        IndicatifProgress { bar }
    }

    /// A bar when the total is known, a spinner when not; [`status_line`] after it.
    fn style(known_total: bool) -> indicatif::ProgressStyle {
        let template = if known_total { "{prefix} {bar:30} {msg}" } else { "{prefix} {spinner} {msg}" };
        indicatif::ProgressStyle::with_template(template).unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
    }

    /// The underlying bar (to read its position in tests, or style it).
    pub fn bar(&self) -> &indicatif::ProgressBar {
        &self.bar
    }
}

impl ProgressSink for IndicatifProgress {
    fn update(&mut self, p: &ProgressUpdate) {
        if let Some(t) = p.frames_total_estimate {
            if self.bar.length() != Some(t) {
                self.bar.set_length(t);
                self.bar.set_style(Self::style(true));
            }
        } else if self.bar.length().is_some() {
            self.bar.unset_length();
            self.bar.set_style(Self::style(false));
        }
        self.bar.set_message(status_line(p));
        self.bar.set_position(p.frames_done);
    }

    fn finish(&mut self, p: &ProgressUpdate) {
        self.bar.set_position(p.frames_done);
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests;

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

    /// A bar drawing to a given target (tests use a hidden one).
    pub fn with_target(message: &str, target: indicatif::ProgressDrawTarget) -> Self {
        let bar = indicatif::ProgressBar::with_draw_target(None, target);
        bar.set_message(message.to_string());
        IndicatifProgress { bar }
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
                let style = indicatif::ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} frames  {per_sec}  ETA {eta}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
                self.bar.set_style(style);
            }
        } else if self.bar.length().is_some() {
            self.bar.unset_length();
        }
        self.bar.set_position(p.frames_done);
    }

    fn finish(&mut self, p: &ProgressUpdate) {
        self.bar.set_position(p.frames_done);
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests;

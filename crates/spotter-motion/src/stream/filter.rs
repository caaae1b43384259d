//! The cleaning of [`crate::filter::clean`] (short gaps filled linearly, each run of known samples
//! low-passed forward and backward) done sample by sample, with memory bounded by a margin.
//!
//! The forward pass is causal and runs exactly as the batch one does (same start padding and
//! initial state, so bit for bit the same numbers). The backward pass needs the future: it is run
//! over blocks, starting `margin` samples ahead of the block it finalises, as if the run ended
//! there. The error this makes decays as the filter's pole radius to the power `margin`; the
//! margin is chosen so that factor is below 1e-12 (34 samples for 6 Hz at 30 fps). When a run
//! ends (a gap too long to fill, or the end of the stream) its last samples are finished with the
//! batch end padding, exactly. Delay: at most `max_gap + margin + block` samples (block = 4
//! margins: 6.3 s at 30 fps).

use crate::filter::{self, Biquad};
use std::collections::VecDeque;

/// Samples of padding at each end of a run, as in [`crate::filter::filtfilt`].
const PAD: usize = 9;

/// How far ahead of a block the backward pass starts, for `f`: the smallest margin with the
/// pole radius to that power below 1e-12 (at least 8 samples).
pub fn margin_for(f: &Biquad) -> usize {
    // Complex poles of radius sqrt(a2); real poles (not produced by a Butterworth design, kept safe).
    let disc = f.a[0] * f.a[0] - 4.0 * f.a[1];
    let r = if disc < 0.0 { f.a[1].sqrt() } else { ((f.a[0].abs() + disc.sqrt()) / 2.0).min(0.999_999) };
    if !(r > 0.0 && r < 1.0) {
        return 8;
    }
    // A little over the bare bound, for the factor in front of the decaying term.
    ((1e-12f64.ln() / r.ln()).ceil() as usize + 4).clamp(8, 100_000)
}

/// One step of the biquad, in the exact arithmetic order of the batch filter.
#[inline]
fn step(f: &Biquad, s: &mut [f64; 4], x0: f64) -> f64 {
    let [x1, x2, y1, y2] = *s;
    let y0 = f.b[0] * x0 + f.b[1] * x1 + f.b[2] * x2 - f.a[0] * y1 - f.a[1] * y2;
    *s = [x0, x1, y0, y1];
    y0
}

/// A run of known (or gap-filled) samples being filtered.
#[derive(Debug, Clone, Default)]
struct Run {
    len: usize,
    /// The last `PAD + 1` raw samples (the end padding reflects them).
    tail: VecDeque<f64>,
    /// Raw samples waiting for the forward pass (only until the run has `PAD + 1` samples).
    waiting: Vec<f64>,
    /// Forward-pass state, once started.
    state: Option<[f64; 4]>,
    /// Forward outputs of the samples not yet handed out.
    fwd: VecDeque<f64>,
}

/// The streaming counterpart of [`crate::filter::clean`] for one coordinate track.
#[derive(Debug, Clone)]
pub struct TrackFilter {
    f: Option<Biquad>,
    max_gap: usize,
    margin: usize,
    block: usize,
    /// The last known sample of the current run (`None`: no run, so a gap cannot be filled).
    last_known: Option<f64>,
    /// Unknown samples since `last_known`, not yet decided.
    pending_gap: usize,
    run: Run,
    /// Finished samples, oldest first.
    out: VecDeque<Option<f64>>,
    /// Scratch for the backward pass.
    scratch: Vec<f64>,
}

impl TrackFilter {
    /// Cleans like `filter::clean(x, fs_hz, cutoff_hz, max_gap)`.
    pub fn new(fs_hz: f64, cutoff_hz: f64, max_gap: usize) -> TrackFilter {
        let f = filter::butterworth_lowpass(cutoff_hz, fs_hz);
        let margin = f.as_ref().map_or(0, margin_for);
        TrackFilter {
            f,
            max_gap,
            margin,
            // Blocks of four margins: the backward pass costs 1.25 steps per sample.
            block: 4 * margin.max(8),
            last_known: None,
            pending_gap: 0,
            run: Run::default(),
            out: VecDeque::new(),
            scratch: Vec::new(),
        }
    }

    /// The most samples this filter holds back before their cleaned value is out.
    pub fn max_delay(&self) -> usize {
        self.max_gap + 1 + self.margin + self.block + PAD + 1
    }

    /// Takes the next sample (`None`: not seen).
    pub fn push(&mut self, v: Option<f64>) {
        match v {
            Some(x) => {
                if let (Some(before), gap @ 1..) = (self.last_known, self.pending_gap) {
                    for k in 0..gap {
                        let w = (k + 1) as f64 / (gap + 1) as f64;
                        self.run_push(before + w * (x - before));
                    }
                }
                self.pending_gap = 0;
                self.run_push(x);
                self.last_known = Some(x);
            }
            None if self.last_known.is_none() => self.out.push_back(None),
            None => {
                self.pending_gap += 1;
                if self.pending_gap > self.max_gap {
                    self.close_run();
                    self.out.extend(std::iter::repeat_n(None, self.pending_gap));
                    self.pending_gap = 0;
                    self.last_known = None;
                }
            }
        }
    }

    /// Ends the track: the last run is finished exactly, a trailing gap stays unknown.
    pub fn finish(&mut self) {
        self.close_run();
        self.out.extend(std::iter::repeat_n(None, self.pending_gap));
        self.pending_gap = 0;
        self.last_known = None;
    }

    /// The next finished sample, if any (outer `None`: not ready yet).
    pub fn pop(&mut self) -> Option<Option<f64>> {
        self.out.pop_front()
    }

    /// Finished samples waiting to be taken.
    pub fn ready(&self) -> usize {
        self.out.len()
    }

    fn run_push(&mut self, x: f64) {
        let Some(f) = self.f else {
            self.out.push_back(Some(x));
            return;
        };
        let r = &mut self.run;
        r.len += 1;
        r.tail.push_back(x);
        if r.tail.len() > PAD + 1 {
            r.tail.pop_front();
        }
        match &mut r.state {
            Some(s) => {
                let y = step(&f, s, x);
                r.fwd.push_back(y);
            }
            None => {
                r.waiting.push(x);
                if r.waiting.len() == PAD + 1 {
                    // The start padding: odd reflection about the first sample.
                    let w = &r.waiting;
                    let first = 2.0 * w[0] - w[PAD];
                    let mut s = [first; 4];
                    for i in (1..=PAD).rev() {
                        step(&f, &mut s, 2.0 * w[0] - w[i]);
                    }
                    for &v in w.iter() {
                        let y = step(&f, &mut s, v);
                        r.fwd.push_back(y);
                    }
                    r.waiting.clear();
                    r.state = Some(s);
                }
            }
        }
        if r.fwd.len() >= self.margin + self.block {
            // Backward over the held forward outputs, from the newest, as if the run ended there;
            // the oldest `block` of them are far enough back to be final.
            self.scratch.clear();
            let mut s = [*r.fwd.back().expect("not empty"); 4];
            self.scratch.extend(r.fwd.iter().rev().map(|&y| step(&f, &mut s, y)));
            for k in 0..self.block {
                let idx = self.scratch.len() - 1 - k;
                self.out.push_back(Some(self.scratch[idx]));
            }
            r.fwd.drain(..self.block);
        }
    }

    fn close_run(&mut self) {
        let run = std::mem::take(&mut self.run);
        let Some(f) = self.f else { return };
        if run.len == 0 {
            return;
        }
        if run.state.is_none() {
            // Fewer than PAD + 1 samples: the batch filter on the whole (short) run.
            self.out.extend(filter::filtfilt(&f, &run.waiting).into_iter().map(Some));
            return;
        }
        let mut s = run.state.expect("started");
        let tail: Vec<f64> = run.tail.iter().copied().collect();
        let last = tail[PAD];
        let mut ext: Vec<f64> = run.fwd.iter().copied().collect();
        let held = ext.len();
        for i in 1..=PAD {
            ext.push(step(&f, &mut s, 2.0 * last - tail[PAD - i]));
        }
        let mut b = [*ext.last().expect("padded"); 4];
        let back: Vec<f64> = ext.iter().rev().map(|&y| step(&f, &mut b, y)).collect();
        for k in 0..held {
            self.out.push_back(Some(back[back.len() - 1 - k]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(x: &[Option<f64>], fs: f64, cutoff: f64, max_gap: usize) -> Vec<Option<f64>> {
        let mut t = TrackFilter::new(fs, cutoff, max_gap);
        let mut out = Vec::new();
        for &v in x {
            t.push(v);
            while let Some(o) = t.pop() {
                out.push(o);
            }
        }
        t.finish();
        while let Some(o) = t.pop() {
            out.push(o);
        }
        out
    }

    #[test]
    fn matches_the_batch_cleaning_within_1e_9() {
        // Noisy squat-like tracks with gaps short and long, runs short and long.
        let n = 3000;
        let mut x: Vec<Option<f64>> = (0..n)
            .map(|i| {
                let t = i as f64 / 30.0;
                Some(300.0 + 80.0 * (t * 2.1).sin() + ((i * 7919 % 101) as f64 - 50.0) * 0.3)
            })
            .collect();
        for (from, len) in [(0, 3), (100, 2), (400, 9), (700, 10), (1200, 40), (1300, 3), (1305, 5), (2990, 10)] {
            for v in x.iter_mut().skip(from).take(len) {
                *v = None;
            }
        }
        for (fs, cutoff, max_gap) in [(30.0, 6.0, 9), (120.0, 6.0, 36), (30.0, 20.0, 9), (29.97, 6.0, 0)] {
            let batch = filter::clean(&x, fs, cutoff, max_gap);
            let s = stream(&x, fs, cutoff, max_gap);
            assert_eq!(s.len(), batch.len());
            for (i, (a, b)) in s.iter().zip(&batch).enumerate() {
                match (a, b) {
                    (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "fs {fs}: sample {i}: {a} vs {b}"),
                    (None, None) => {}
                    _ => panic!("fs {fs}: sample {i}: {a:?} vs {b:?}"),
                }
            }
        }
    }

    #[test]
    fn holds_back_at_most_its_stated_delay() {
        let mut t = TrackFilter::new(30.0, 6.0, 9);
        let delay = t.max_delay();
        let mut out = 0;
        for i in 0..5000 {
            t.push(Some(i as f64));
            while t.pop().is_some() {
                out += 1;
            }
            assert!(i + 1 - out <= delay, "{} held at sample {i}, bound {delay}", i + 1 - out);
        }
    }
}

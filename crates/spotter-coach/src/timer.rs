//! The guided warm-up timer's clock: a pure state machine. A [`Routine`] (a get-ready countdown,
//! then each warm-up drill, per-side drills in two halves) answers "where are we at this time?"
//! ([`Routine::state_at`]) and "what changed between these two times?" ([`Routine::events_between`]);
//! a [`Session`] adds pause, resume and skip. Time is always passed in by the caller as a
//! [`Duration`] since the start: this module has no clock of its own and does no IO.
//!
//! Conventions: every window of time is half-open, `from <= t < to`, so the events of `t0..t1`
//! followed by those of `t1..t2` are exactly the events of `t0..t2`. The get-ready countdown ends
//! with the first drill's [`Event::DrillStart`]; [`Event::Finished`] happens at the routine's
//! total length.

use crate::plan::{Block, BlockId, Plan};
use std::time::Duration;

/// Default length of the get-ready countdown before the first drill, in seconds.
pub const DEFAULT_GET_READY_SECONDS: u32 = 5;

/// Which half of a per-side drill. The left side comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Left,
    Right,
}

impl Side {
    /// Plain words for people: "left side", "right side".
    pub fn label(self) -> &'static str {
        match self {
            Side::Left => "left side",
            Side::Right => "right side",
        }
    }
}

/// One timed drill of the routine, owned so that a routine outlives the plan it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutineDrill {
    pub id: String,
    pub name: String,
    /// Time for the drill in seconds; per side when `per_side` is true.
    pub seconds: u32,
    pub per_side: bool,
    pub cues: Vec<String>,
    /// When to stop or change it.
    pub caution: Option<String>,
}

impl RoutineDrill {
    /// Time the drill takes in seconds, both sides counted.
    pub fn total_seconds(&self) -> u32 {
        if self.per_side { 2 * self.seconds } else { self.seconds }
    }
}

/// What is going on during a step, or after the last one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// The countdown before the first drill.
    GetReady,
    /// A drill; `side` is `Some` for per-side drills.
    Drill { drill_idx: usize, side: Option<Side> },
    /// The routine is over.
    Finished,
}

impl Phase {
    pub fn drill_idx(self) -> Option<usize> {
        match self {
            Phase::Drill { drill_idx, .. } => Some(drill_idx),
            Phase::GetReady | Phase::Finished => None,
        }
    }

    pub fn side(self) -> Option<Side> {
        match self {
            Phase::Drill { side, .. } => side,
            Phase::GetReady | Phase::Finished => None,
        }
    }
}

/// A stretch of time between two bells: the get-ready countdown, a whole drill, or one side of a
/// per-side drill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// Never [`Phase::Finished`].
    pub phase: Phase,
    /// When the step starts, since the start of the routine.
    pub start: Duration,
    pub length: Duration,
}

impl Step {
    pub fn end(&self) -> Duration {
        self.start + self.length
    }
}

/// A change a player announces (with a bell) exactly once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Event {
    /// The get-ready countdown starts (at time zero; absent when it lasts zero seconds).
    GetReady { seconds: u32 },
    /// A drill starts (for a per-side drill, on the left side). The first one also ends the
    /// get-ready countdown.
    DrillStart { drill_idx: usize },
    /// Halfway through a per-side drill: change to the other side.
    SwitchSides { drill_idx: usize, to: Side },
    /// The last drill is over.
    Finished,
}

/// An event and when it happens, since the start of the routine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimedEvent {
    pub at: Duration,
    pub event: Event,
}

/// Where the routine is at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct State {
    /// Time into the routine (clamped to its total length).
    pub elapsed: Duration,
    pub phase: Phase,
    /// Index into [`Routine::steps`]; equal to the number of steps once finished.
    pub step_idx: usize,
    /// Time left in the current step (the current side of a per-side drill).
    pub step_remaining: Duration,
    /// Time left in the current drill, both sides counted (the countdown's own time during the
    /// get-ready).
    pub drill_remaining: Duration,
    /// Time left in the whole routine.
    pub total_remaining: Duration,
    pub finished: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimerError {
    #[error("this plan has no warm-up to time")]
    NoWarmup,
    #[error("the routine has no drills")]
    NoDrills,
    #[error("warm-up item `{id}` has no time in seconds")]
    Untimed { id: String },
    #[error("warm-up item `{id}` lasts zero seconds")]
    ZeroLength { id: String },
}

/// The warm-up as a timeline: a get-ready countdown, then each drill in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routine {
    get_ready_seconds: u32,
    drills: Vec<RoutineDrill>,
    steps: Vec<Step>,
    /// Start of each drill (its first step), since the start of the routine.
    drill_starts: Vec<Duration>,
    total: Duration,
}

fn secs(s: u32) -> Duration {
    Duration::from_secs(u64::from(s))
}

impl Routine {
    /// A routine of `drills` after a get-ready countdown of `get_ready_seconds` (0 for none).
    pub fn new(get_ready_seconds: u32, drills: Vec<RoutineDrill>) -> Result<Routine, TimerError> {
        if drills.is_empty() {
            return Err(TimerError::NoDrills);
        }
        if let Some(d) = drills.iter().find(|d| d.seconds == 0) {
            return Err(TimerError::ZeroLength { id: d.id.clone() });
        }
        let mut steps = Vec::new();
        let mut drill_starts = Vec::with_capacity(drills.len());
        let mut t = Duration::ZERO;
        if get_ready_seconds > 0 {
            steps.push(Step { phase: Phase::GetReady, start: t, length: secs(get_ready_seconds) });
            t += secs(get_ready_seconds);
        }
        for (drill_idx, d) in drills.iter().enumerate() {
            drill_starts.push(t);
            let sides: &[Option<Side>] = if d.per_side { &[Some(Side::Left), Some(Side::Right)] } else { &[None] };
            for &side in sides {
                steps.push(Step { phase: Phase::Drill { drill_idx, side }, start: t, length: secs(d.seconds) });
                t += secs(d.seconds);
            }
        }
        Ok(Routine { get_ready_seconds, drills, steps, drill_starts, total: t })
    }

    /// The routine of a warm-up block (or any block whose items all have `seconds`).
    pub fn from_block(block: &Block<'_>, get_ready_seconds: u32) -> Result<Routine, TimerError> {
        let drills = block
            .items
            .iter()
            .map(|item| {
                let seconds = item.seconds.ok_or_else(|| TimerError::Untimed { id: item.id.to_owned() })?;
                Ok(RoutineDrill {
                    id: item.id.to_owned(),
                    name: item.name.to_owned(),
                    seconds,
                    per_side: item.per_side,
                    cues: item.cues.iter().map(|c| (*c).to_owned()).collect(),
                    caution: item.caution.map(str::to_owned),
                })
            })
            .collect::<Result<Vec<_>, TimerError>>()?;
        Routine::new(get_ready_seconds, drills)
    }

    /// The routine of the plan's warm-up block; `urgent` and `emergency` plans have none.
    pub fn from_plan(plan: &Plan<'_>, get_ready_seconds: u32) -> Result<Routine, TimerError> {
        let block = plan.block(BlockId::Warmup).ok_or(TimerError::NoWarmup)?;
        Routine::from_block(block, get_ready_seconds)
    }

    pub fn get_ready_seconds(&self) -> u32 {
        self.get_ready_seconds
    }

    pub fn drills(&self) -> &[RoutineDrill] {
        &self.drills
    }

    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// Total length: the get-ready countdown plus every drill, both sides counted.
    pub fn total(&self) -> Duration {
        self.total
    }

    /// When drill `drill_idx` starts, since the start of the routine.
    pub fn drill_start(&self, drill_idx: usize) -> Option<Duration> {
        self.drill_starts.get(drill_idx).copied()
    }

    /// Index of the step that holds time `t` (`steps().len()` at or after the end).
    fn step_idx_at(&self, t: Duration) -> usize {
        self.steps.partition_point(|s| s.end() <= t)
    }

    /// Where the routine is at `t` since its start.
    pub fn state_at(&self, t: Duration) -> State {
        let t = t.min(self.total);
        let step_idx = self.step_idx_at(t);
        let total_remaining = self.total - t;
        match self.steps.get(step_idx) {
            None => State {
                elapsed: t,
                phase: Phase::Finished,
                step_idx,
                step_remaining: Duration::ZERO,
                drill_remaining: Duration::ZERO,
                total_remaining,
                finished: true,
            },
            Some(step) => {
                let drill_end = match step.phase {
                    Phase::Drill { drill_idx, .. } => {
                        self.drill_starts[drill_idx] + secs(self.drills[drill_idx].total_seconds())
                    }
                    Phase::GetReady | Phase::Finished => step.end(),
                };
                State {
                    elapsed: t,
                    phase: step.phase,
                    step_idx,
                    step_remaining: step.end() - t,
                    drill_remaining: drill_end - t,
                    total_remaining,
                    finished: false,
                }
            }
        }
    }

    /// Every event of the routine, in order.
    pub fn timeline(&self) -> Vec<TimedEvent> {
        let mut out = Vec::with_capacity(self.steps.len() + 1);
        for step in &self.steps {
            let event = match step.phase {
                Phase::GetReady => Event::GetReady { seconds: self.get_ready_seconds },
                Phase::Drill { drill_idx, side: None | Some(Side::Left) } => Event::DrillStart { drill_idx },
                Phase::Drill { drill_idx, side: Some(to @ Side::Right) } => Event::SwitchSides { drill_idx, to },
                Phase::Finished => continue,
            };
            out.push(TimedEvent { at: step.start, event });
        }
        out.push(TimedEvent { at: self.total, event: Event::Finished });
        out
    }

    /// The events that happen at times `from <= t < to`, in order.
    pub fn events_between(&self, from: Duration, to: Duration) -> Vec<TimedEvent> {
        self.timeline().into_iter().filter(|e| from <= e.at && e.at < to).collect()
    }

    /// Where a skip at `t` lands: the start of the next drill, or the end once in the last one.
    pub fn next_drill_start(&self, t: Duration) -> Duration {
        self.drill_starts.iter().copied().find(|&s| s > t).unwrap_or(self.total)
    }
}

/// A routine being played: maps the caller's clock (time since the session started, paused time
/// included) to routine time, with pause, resume and skip. Every method takes `now`; calls are
/// expected with `now` never going backwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    routine: Routine,
    /// Caller time of the last change (start, pause, resume or skip).
    anchor_now: Duration,
    /// Routine time at `anchor_now`.
    anchor_elapsed: Duration,
    paused: bool,
    /// Routine time before which [`Session::poll`] has reported every event.
    reported_until: Duration,
}

impl Session {
    /// A session that starts running at caller time zero.
    pub fn new(routine: Routine) -> Session {
        Session {
            routine,
            anchor_now: Duration::ZERO,
            anchor_elapsed: Duration::ZERO,
            paused: false,
            reported_until: Duration::ZERO,
        }
    }

    pub fn routine(&self) -> &Routine {
        &self.routine
    }

    pub fn is_paused(&self) -> bool {
        self.paused
    }

    /// Routine time at caller time `now` (paused time does not count; clamped to the end).
    pub fn elapsed(&self, now: Duration) -> Duration {
        let run = if self.paused { Duration::ZERO } else { now.saturating_sub(self.anchor_now) };
        (self.anchor_elapsed + run).min(self.routine.total())
    }

    pub fn state(&self, now: Duration) -> State {
        self.routine.state_at(self.elapsed(now))
    }

    /// Stops the clock; nothing happens if already paused.
    pub fn pause(&mut self, now: Duration) {
        if !self.paused {
            self.anchor_elapsed = self.elapsed(now);
            self.anchor_now = now;
            self.paused = true;
        }
    }

    /// Starts the clock again; nothing happens if not paused.
    pub fn resume(&mut self, now: Duration) {
        if self.paused {
            self.anchor_now = now;
            self.paused = false;
        }
    }

    pub fn toggle_pause(&mut self, now: Duration) {
        if self.paused { self.resume(now) } else { self.pause(now) }
    }

    /// Jumps to the start of the next drill (from the get-ready, to the first drill; from the last
    /// drill, to the end). Events skipped over are never reported; the new drill's start is. A
    /// paused session stays paused.
    pub fn skip(&mut self, now: Duration) {
        let target = self.routine.next_drill_start(self.elapsed(now));
        self.anchor_elapsed = target;
        self.anchor_now = now;
        self.reported_until = self.reported_until.max(target);
    }

    /// The events since the last poll (or the start) up to and including `now`, each reported
    /// once: the get-ready at a first poll at zero, [`Event::Finished`] once the routine is over.
    pub fn poll(&mut self, now: Duration) -> Vec<TimedEvent> {
        // Events fall on whole seconds, so "up to and including t" is "before t + 1 ns".
        let until = self.elapsed(now) + Duration::from_nanos(1);
        let events = self.routine.events_between(self.reported_until, until);
        self.reported_until = self.reported_until.max(until);
        events
    }
}

#[cfg(test)]
mod tests;

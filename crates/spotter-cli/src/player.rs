//! The guided warm-up player: runs `spotter_coach::timer` against the real clock, either as a
//! full-screen terminal view (ratatui + crossterm: big countdown, gauges, cues, "SWITCH LEGS",
//! a bell at each change, keys to pause, skip and quit) or as plain lines, one per event, for
//! pipes and tests.

use anyhow::{Context, bail};
use ratatui::Frame;
use ratatui::crossterm::event::{self, KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Gauge, Paragraph, Wrap};
use spotter_coach::Plan;
use spotter_coach::timer::{Event, Phase, Routine, Session, Side, State, TimedEvent, TimerError};
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// How to play the warm-up.
#[derive(Debug, Clone, PartialEq)]
pub struct PlayOptions {
    /// How fast the clock runs: 1.0 is real time, larger is faster (for demos and tests).
    pub speed: f64,
    /// `true`: the full-screen view (only when standard output is a terminal, else plain lines);
    /// `false`: one line per event to the writer.
    pub interactive: bool,
    /// Length of the countdown before the first drill, in seconds (0 for none).
    pub get_ready_seconds: u32,
}

impl Default for PlayOptions {
    fn default() -> PlayOptions {
        PlayOptions { speed: 1.0, interactive: true, get_ready_seconds: spotter_coach::timer::DEFAULT_GET_READY_SECONDS }
    }
}

/// The slowest and fastest clock speeds accepted.
const SPEED_RANGE: std::ops::RangeInclusive<f64> = 0.01..=1_000_000.0;

/// How long "SWITCH LEGS" stays on screen after the switch, and how early it is announced.
const SWITCH_BANNER: Duration = Duration::from_secs(3);

/// Plays the plan's warm-up. Interactive: full screen until done or quit, then one summary line
/// to `out`. Otherwise: one line per event to `out`, written when the (sped-up) clock gets there.
pub fn play(plan: &Plan, opts: &PlayOptions, out: &mut dyn Write) -> anyhow::Result<()> {
    if !(opts.speed.is_finite() && SPEED_RANGE.contains(&opts.speed)) {
        bail!("the speed must be between {} and {}, got {}", SPEED_RANGE.start(), SPEED_RANGE.end(), spotter_kb::number::show(opts.speed));
    }
    let routine = match Routine::from_plan(plan, opts.get_ready_seconds) {
        Err(TimerError::NoWarmup) => {
            let why = plan.advice.as_deref().unwrap_or("the plan has no warm-up block");
            bail!("no warm-up to play: {why}")
        }
        r => r.context("the warm-up cannot be timed")?,
    };
    if opts.interactive && std::io::stdout().is_terminal() {
        play_tui(routine, opts.speed, out)
    } else {
        play_lines(&routine, opts.speed, out)
    }
}

// ---------------------------------------------------------------------------------------------
// Plain lines

fn play_lines(routine: &Routine, speed: f64, out: &mut dyn Write) -> anyhow::Result<()> {
    let start = Instant::now();
    for e in routine.timeline() {
        let due = e.at.div_f64(speed);
        if let Some(wait) = due.checked_sub(start.elapsed()) {
            std::thread::sleep(wait);
        }
        writeln!(out, "{}", event_line(routine, &e))?;
        out.flush()?;
    }
    Ok(())
}

/// One line of the plain output, e.g. `0:35 SWITCH SIDES Leg swings`.
fn event_line(routine: &Routine, e: &TimedEvent) -> String {
    let at = clock(e.at);
    match e.event {
        Event::GetReady { seconds } => format!("{at} get ready ({seconds} s)"),
        Event::DrillStart { drill_idx } => {
            let d = &routine.drills()[drill_idx];
            let cue = d.cues.first().map(|c| format!(": {c}")).unwrap_or_default();
            format!("{at} BELL {} ({}){cue}", d.name, dose(d.seconds, d.per_side))
        }
        Event::SwitchSides { drill_idx, .. } => format!("{at} SWITCH SIDES {}", routine.drills()[drill_idx].name),
        Event::Finished => format!("{at} done: warm-up complete"),
    }
}

/// `30 s each side` or `60 s`.
fn dose(seconds: u32, per_side: bool) -> String {
    if per_side { format!("{seconds} s each side") } else { format!("{seconds} s") }
}

/// `m:ss` of a time since the start (whole seconds, rounded down).
fn clock(d: Duration) -> String {
    let s = d.as_secs();
    format!("{}:{:02}", s / 60, s % 60)
}

/// `m:ss` of a time left, counted as a countdown shows it: 29.2 s left reads 0:30.
fn countdown(d: Duration) -> String {
    let s = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    format!("{}:{:02}", s / 60, s % 60)
}

// ---------------------------------------------------------------------------------------------
// Full screen

/// Restores the terminal however the player ends: return, error or panic (`ratatui::try_init`
/// also installs a panic hook that restores it).
struct RestoreOnDrop;

impl Drop for RestoreOnDrop {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    TogglePause,
    Skip,
    Quit,
    Nothing,
}

fn action_of(key: KeyEvent, finished: bool) -> Action {
    let ctrl_c = key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c');
    match key.code {
        _ if ctrl_c || finished => Action::Quit,
        KeyCode::Char('q' | 'Q') | KeyCode::Esc => Action::Quit,
        KeyCode::Char(' ') | KeyCode::Char('p' | 'P') => Action::TogglePause,
        KeyCode::Char('n' | 'N') | KeyCode::Right => Action::Skip,
        _ => Action::Nothing,
    }
}

fn play_tui(routine: Routine, speed: f64, out: &mut dyn Write) -> anyhow::Result<()> {
    let guard = RestoreOnDrop;
    let mut terminal = ratatui::try_init().context("cannot take over the terminal")?;
    let start = Instant::now();
    let now = || start.elapsed().mul_f64(speed);
    // Redraw often enough that no displayed second is missed, whatever the speed.
    let tick = Duration::from_millis(100).div_f64(speed.max(1.0)).max(Duration::from_millis(10));
    let mut session = Session::new(routine);
    let mut quit = false;
    while !quit {
        let t = now();
        if !session.poll(t).is_empty() {
            let backend = terminal.backend_mut();
            backend.write_all(b"\x07")?;
            backend.flush()?;
        }
        let view = View { routine: session.routine(), state: session.state(t), paused: session.is_paused() };
        terminal.draw(|f| render(f, &view))?;
        if event::poll(tick)?
            && let Some(key) = event::read()?.as_key_press_event()
        {
            let t = now();
            match action_of(key, session.state(t).finished) {
                Action::TogglePause => session.toggle_pause(t),
                Action::Skip => session.skip(t),
                Action::Quit => quit = true,
                Action::Nothing => {}
            }
        }
    }
    drop(terminal);
    drop(guard);
    let st = session.state(now());
    let total = session.routine().total();
    if st.finished {
        writeln!(out, "warm-up complete ({})", clock(total))?;
    } else {
        writeln!(out, "warm-up stopped at {} of {}", clock(st.elapsed), clock(total))?;
    }
    Ok(())
}

/// Everything one frame shows.
struct View<'a> {
    routine: &'a Routine,
    state: State,
    paused: bool,
}

const ACCENT: Color = Color::Cyan;
const ALERT: Color = Color::Yellow;
const DONE: Color = Color::Green;

fn render(frame: &mut Frame, view: &View) {
    let routine = view.routine;
    let st = view.state;
    let drills = routine.drills();
    let n_drills = drills.len();
    let position = match st.phase {
        Phase::GetReady => format!(" get ready · {n_drills} drills "),
        Phase::Drill { drill_idx, .. } => format!(" drill {} of {n_drills} ", drill_idx + 1),
        Phase::Finished => " done ".to_owned(),
    };
    let outer = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(Line::from(" Spotter · leg-day warm-up ").bold())
        .title(Line::from(position).right_aligned());
    let area = outer.inner(frame.area());
    frame.render_widget(outer, frame.area());

    let [name_area, sub_area, _, digits_area, _, banner_area, drill_gauge_area, _, cues_area, next_area, total_gauge_area, keys_area] =
        Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(5),
            Constraint::Length(1),
            Constraint::Length(3),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(2),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area.inner(ratatui::layout::Margin { horizontal: 1, vertical: 0 }));

    // What is going on, big and clear.
    let (title, subtitle, colour) = match st.phase {
        Phase::GetReady => {
            let first = &drills[0];
            ("GET READY".to_owned(), format!("first up: {} ({})", first.name, dose(first.seconds, first.per_side)), ALERT)
        }
        Phase::Drill { drill_idx, side } => {
            let d = &drills[drill_idx];
            let sub = match side {
                Some(s) => format!("{} · {}", s.label(), dose(d.seconds, true)),
                None => dose(d.seconds, false),
            };
            (d.name.to_uppercase(), sub, ACCENT)
        }
        Phase::Finished => ("WARM-UP COMPLETE".to_owned(), "go lift well · press any key to leave".to_owned(), DONE),
    };
    frame.render_widget(Paragraph::new(title).centered().style(Style::new().fg(colour).add_modifier(Modifier::BOLD)), name_area);
    frame.render_widget(Paragraph::new(subtitle).centered(), sub_area);

    // The countdown of the current step (the current side of a per-side drill).
    let remaining = countdown(st.step_remaining);
    let digits: Vec<Line> = big_text(&remaining).into_iter().map(Line::from).collect();
    let digits_style = if view.paused { Style::new().fg(Color::DarkGray) } else { Style::new().fg(colour) };
    if digits_area.width as usize >= big_text_width(&remaining) && digits_area.height >= 5 {
        frame.render_widget(Paragraph::new(digits).centered().style(digits_style), digits_area);
    } else {
        frame.render_widget(Paragraph::new(remaining.clone()).centered().style(digits_style.bold()), digits_area);
    }

    // The banner: pause, the switch, or a heads-up before it.
    let banner: Option<(String, Style)> = if view.paused {
        Some(("PAUSED · space to go on".to_owned(), Style::new().fg(Color::Black).bg(Color::Gray).bold()))
    } else {
        match st.phase {
            Phase::Drill { side: Some(Side::Right), drill_idx } => {
                let since_switch = Duration::from_secs(u64::from(drills[drill_idx].seconds)).saturating_sub(st.step_remaining);
                (since_switch < SWITCH_BANNER)
                    .then(|| ("⇄  SWITCH LEGS  ⇄".to_owned(), Style::new().fg(Color::Black).bg(ALERT).bold()))
            }
            Phase::Drill { side: Some(Side::Left), .. } if st.step_remaining <= SWITCH_BANNER => {
                let seconds = st.step_remaining.as_secs() + u64::from(st.step_remaining.subsec_nanos() > 0);
                Some((format!("switch legs in {seconds} s"), Style::new().fg(ALERT).bold()))
            }
            _ => None,
        }
    };
    if let Some((text, style)) = banner {
        let width = (text.chars().count() as u16 + 8).min(banner_area.width);
        let band = banner_area.centered_horizontally(Constraint::Length(width));
        frame.render_widget(Block::new().style(style), band);
        let middle = Rect { y: band.y + band.height / 2, height: 1.min(band.height), ..band };
        frame.render_widget(Paragraph::new(text).centered().style(style), middle);
    }

    // This drill's progress, both sides counted.
    let (drill_ratio, drill_label) = match st.phase {
        Phase::Drill { drill_idx, .. } => {
            let total = Duration::from_secs(u64::from(drills[drill_idx].total_seconds()));
            (ratio(total - st.drill_remaining, total), format!("{} left in this drill", countdown(st.drill_remaining)))
        }
        Phase::GetReady => {
            let total = Duration::from_secs(u64::from(routine.get_ready_seconds()));
            (ratio(total - st.drill_remaining, total), "starting soon".to_owned())
        }
        Phase::Finished => (1.0, "all drills done".to_owned()),
    };
    frame.render_widget(
        Gauge::default().ratio(drill_ratio).label(drill_label).gauge_style(Style::new().fg(colour).bg(Color::DarkGray)),
        drill_gauge_area,
    );

    // Cues for the drill (during the get-ready: for the first one), and when to change it.
    let shown = match st.phase {
        Phase::GetReady => Some(&drills[0]),
        Phase::Drill { drill_idx, .. } => Some(&drills[drill_idx]),
        Phase::Finished => None,
    };
    let mut cue_lines: Vec<Line> = Vec::new();
    if let Some(d) = shown {
        cue_lines.extend(d.cues.iter().map(|c| Line::from(vec![Span::from("• ").fg(colour), Span::from(c.as_str())])));
        if let Some(c) = &d.caution {
            cue_lines.push(Line::from(vec![Span::from("careful: ").fg(ALERT).bold(), Span::from(c.as_str()).italic()]));
        }
    }
    frame.render_widget(Paragraph::new(cue_lines).wrap(Wrap { trim: true }), cues_area);

    // What comes next.
    let next = match st.phase {
        Phase::GetReady => drills.get(1),
        Phase::Drill { drill_idx, .. } => drills.get(drill_idx + 1),
        Phase::Finished => None,
    };
    let lead = if st.phase == Phase::GetReady { "then: " } else { "next: " };
    let next_text = match (st.phase, next) {
        (Phase::Finished, _) => Line::from(""),
        (_, Some(d)) => Line::from(vec![Span::from(lead).bold(), Span::from(format!("{} ({})", d.name, dose(d.seconds, d.per_side)))]),
        (_, None) => Line::from(vec![Span::from(lead).bold(), Span::from("done, off to lift")]),
    };
    frame.render_widget(Paragraph::new(next_text), next_area);

    // The whole warm-up.
    let total = routine.total();
    frame.render_widget(
        Gauge::default()
            .ratio(ratio(st.elapsed, total))
            .label(format!("warm-up {} of {} · {} left", clock(st.elapsed), clock(total), countdown(st.total_remaining)))
            .gauge_style(Style::new().fg(DONE).bg(Color::DarkGray)),
        total_gauge_area,
    );

    let keys = if st.finished { "any key: leave" } else { "space: pause/resume · n or →: skip drill · q or Esc: quit" };
    frame.render_widget(Paragraph::new(keys).alignment(Alignment::Center).fg(Color::DarkGray), keys_area);
}

fn ratio(part: Duration, whole: Duration) -> f64 {
    if whole.is_zero() { 1.0 } else { (part.as_secs_f64() / whole.as_secs_f64()).clamp(0.0, 1.0) }
}

// ---------------------------------------------------------------------------------------------
// Big digits: a 3x5 block font, each dot two cells wide so that it looks square.

/// Rows of a glyph, `#` for a dot; digits are 3 dots wide, the colon 1.
fn glyph(c: char) -> Option<[&'static str; 5]> {
    Some(match c {
        '0' => ["###", "# #", "# #", "# #", "###"],
        '1' => [" # ", "## ", " # ", " # ", "###"],
        '2' => ["###", "  #", "###", "#  ", "###"],
        '3' => ["###", "  #", " ##", "  #", "###"],
        '4' => ["# #", "# #", "###", "  #", "  #"],
        '5' => ["###", "#  ", "###", "  #", "###"],
        '6' => ["###", "#  ", "###", "# #", "###"],
        '7' => ["###", "  #", "  #", "  #", "  #"],
        '8' => ["###", "# #", "###", "# #", "###"],
        '9' => ["###", "# #", "###", "  #", "###"],
        ':' => [" ", "#", " ", "#", " "],
        _ => return None,
    })
}

/// Five rows of `text` in the block font (characters it lacks are left out); glyphs one dot apart.
fn big_text(text: &str) -> [String; 5] {
    let mut rows: [String; 5] = Default::default();
    for (i, g) in text.chars().filter_map(glyph).enumerate() {
        for (row, dots) in rows.iter_mut().zip(g) {
            if i > 0 {
                row.push_str("  ");
            }
            for d in dots.chars() {
                row.push_str(if d == '#' { "██" } else { "  " });
            }
        }
    }
    rows
}

fn big_text_width(text: &str) -> usize {
    big_text(text)[0].chars().count()
}

#[cfg(test)]
mod tests;

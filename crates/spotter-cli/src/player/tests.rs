//! Tests of the warm-up player: the plain event lines of the self-care example, the full-screen
//! view drawn on ratatui's `TestBackend`, the keys, and the block font.

use super::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use spotter_coach::{BlockId, make_plan};
use spotter_kb::Kb;
use std::sync::OnceLock;

const SELF_CARE: &str = include_str!("../../../../examples/intake-self-care.json");
const EMERGENCY: &str = include_str!("../../../../examples/intake-emergency.json");

fn plan_of(answers_json: &str) -> Plan<'static> {
    static KB: OnceLock<Kb> = OnceLock::new();
    let kb = KB.get_or_init(|| Kb::builtin().expect("built-in knowledge base"));
    let answers = spotter_triage::parse_answers_json(kb, answers_json).expect("answers");
    make_plan(kb, &answers, None).expect("plan")
}

fn plain(speed: f64) -> PlayOptions {
    PlayOptions { speed, interactive: false, get_ready_seconds: 5 }
}

fn play_to_string(plan: &Plan, opts: &PlayOptions) -> anyhow::Result<String> {
    let mut out = Vec::new();
    play(plan, opts, &mut out)?;
    Ok(String::from_utf8(out).expect("utf-8"))
}

/// `m:ss` at the start of a line, in seconds.
fn seconds_at(line: &str) -> u64 {
    let (m, s) = line.split_once(' ').and_then(|(t, _)| t.split_once(':')).expect("a time first");
    m.parse::<u64>().expect("minutes") * 60 + s.parse::<u64>().expect("seconds")
}

#[test]
fn plain_lines_of_the_self_care_example() {
    let plan = plan_of(SELF_CARE);
    let text = play_to_string(&plan, &plain(1_000_000.0)).expect("played");
    // Written from the seed's quick routine: leg swings 30 s each leg, lunges with a twist 60 s,
    // roll-downs 30 s, kickbacks 60 s, hip circles 60 s, squats 60 s, after 5 s to get ready.
    // The cues are the knowledge base's (first cue of each drill); names and times are the spec's.
    let cue = |id: &str| plan.block(BlockId::Warmup).and_then(|b| b.items.iter().find(|i| i.id == id)).expect(id).cues[0];
    let expected = format!(
        "\
0:00 get ready (5 s)
0:05 BELL Leg swings (30 s each side): {}
0:35 SWITCH SIDES Leg swings
1:05 BELL Walking lunges with a twist (60 s): {}
2:05 BELL Standing roll-downs (30 s): {}
2:35 BELL Glute kickbacks (60 s): {}
3:35 BELL Hip circles (60 s): {}
4:35 BELL Bodyweight squats (60 s): {}
5:35 done: warm-up complete
",
        cue("leg_swings"),
        cue("walking_lunge_twist"),
        cue("standing_roll_down"),
        cue("glute_kickback"),
        cue("hip_circles"),
        cue("bodyweight_squat"),
    );
    assert_eq!(text, expected);
    // The drills fill the plan's warm-up budget to the second.
    let lines: Vec<&str> = text.lines().collect();
    let first_drill = seconds_at(lines[1]);
    let done = seconds_at(lines.last().expect("lines"));
    assert_eq!(first_drill, 5);
    assert_eq!(done - first_drill, u64::from(plan.warmup_budget_seconds));
    let bells = lines.iter().filter(|l| l.contains(" BELL ")).count();
    assert_eq!(bells, plan.block(BlockId::Warmup).expect("warm-up").items.len());
}

#[test]
fn plain_lines_follow_the_clock_speed() {
    // 335 s at 10 000 times: at least 33 ms.
    let began = Instant::now();
    play_to_string(&plan_of(SELF_CARE), &plain(10_000.0)).expect("played");
    assert!(began.elapsed() >= Duration::from_millis(33), "{:?}", began.elapsed());
}

#[test]
fn without_get_ready_the_first_bell_is_at_zero() {
    let opts = PlayOptions { get_ready_seconds: 0, ..plain(1_000_000.0) };
    let text = play_to_string(&plan_of(SELF_CARE), &opts).expect("played");
    assert!(text.starts_with("0:00 BELL Leg swings"), "{text}");
    assert!(text.ends_with("5:30 done: warm-up complete\n"), "{text}");
}

#[test]
fn bad_speeds_and_plans_without_a_warm_up_are_refused() {
    for speed in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e7] {
        let err = play_to_string(&plan_of(SELF_CARE), &plain(speed)).unwrap_err();
        assert!(err.to_string().starts_with("the speed must be between 0.01 and 1000000, got"), "{err}");
    }
    let err = play_to_string(&plan_of(EMERGENCY), &plain(1000.0)).unwrap_err();
    assert!(err.to_string().starts_with("no warm-up to play: No training plan today."), "{err}");
}

/// The screen after drawing `routine` at time `t` on an 80x24 terminal, one string per row.
fn screen(routine: &Routine, t: Duration, paused: bool) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test terminal");
    let view = View { routine, state: routine.state_at(t), paused };
    terminal.draw(|f| render(f, &view)).expect("drawn");
    let buf = terminal.backend().buffer();
    (0..buf.area.height).map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect()).collect()
}

fn shows(screen: &[String], text: &str) -> bool {
    screen.iter().any(|row| row.contains(text))
}

/// The big digits of `time` appear on five consecutive rows.
fn shows_big(screen: &[String], time: &str) -> bool {
    let big = big_text(time);
    screen.windows(5).any(|rows| rows.iter().zip(&big).all(|(row, b)| row.contains(b.as_str())))
}

fn routine() -> Routine {
    Routine::from_plan(&plan_of(SELF_CARE), 5).expect("routine")
}

#[test]
fn the_view_shows_the_drill_its_time_left_and_cues() {
    let r = routine();
    let s = screen(&r, Duration::from_millis(10_500), false);
    let all = s.join("\n");
    assert!(shows(&s, "LEG SWINGS"), "{all}");
    assert!(shows(&s, "left side · 30 s each side"), "{all}");
    assert!(shows_big(&s, "0:25"), "{all}");
    assert!(!shows_big(&s, "0:24"), "a countdown rounds up: {all}");
    assert!(shows(&s, "0:55 left in this drill"), "{all}");
    assert!(shows(&s, "• Hold a rail"), "{all}");
    let caution = r.drills()[0].caution.as_deref().expect("leg swings have a caution");
    let start: String = caution.chars().take(20).collect();
    assert!(shows(&s, &format!("careful: {start}")), "{all}");
    assert!(shows(&s, "next: Walking lunges with a twist (60 s)"), "{all}");
    assert!(shows(&s, "drill 1 of 6"), "{all}");
    assert!(shows(&s, "warm-up 0:10 of 5:35"), "{all}");
    assert!(shows(&s, "space: pause/resume"), "{all}");
    assert!(!shows(&s, "SWITCH LEGS"), "{all}");
}

#[test]
fn switch_legs_shows_at_the_half_of_a_per_side_drill() {
    let r = routine();
    let before = screen(&r, Duration::from_secs(33), false);
    assert!(shows(&before, "switch legs in 2 s"), "{}", before.join("\n"));
    for t in [35_000, 36_000, 37_999] {
        let s = screen(&r, Duration::from_millis(t), false);
        assert!(shows(&s, "SWITCH LEGS"), "at {t} ms:\n{}", s.join("\n"));
        assert!(shows(&s, "right side · 30 s each side"), "{}", s.join("\n"));
    }
    assert!(shows_big(&screen(&r, Duration::from_secs(35), false), "0:30"));
    let later = screen(&r, Duration::from_secs(38), false);
    assert!(!shows(&later, "SWITCH LEGS"), "{}", later.join("\n"));
    // Lunges are not per side: no switch at their half.
    let lunges = screen(&r, Duration::from_secs(95), false);
    assert!(shows(&lunges, "WALKING LUNGES WITH A TWIST") && !shows(&lunges, "SWITCH"), "{}", lunges.join("\n"));
}

#[test]
fn the_view_of_get_ready_pause_and_the_end() {
    let r = routine();
    let s = screen(&r, Duration::from_secs(1), false);
    assert!(shows(&s, "GET READY") && shows(&s, "first up: Leg swings (30 s each side)"), "{}", s.join("\n"));
    assert!(shows_big(&s, "0:04") && shows(&s, "• Hold a rail"), "{}", s.join("\n"));
    assert!(shows(&s, "then: Walking lunges with a twist (60 s)"), "{}", s.join("\n"));
    let s = screen(&r, Duration::from_secs(20), true);
    assert!(shows(&s, "PAUSED · space to go on"), "{}", s.join("\n"));
    let s = screen(&r, Duration::from_secs(400), false);
    assert!(shows(&s, "WARM-UP COMPLETE") && shows(&s, "any key: leave") && shows_big(&s, "0:00"), "{}", s.join("\n"));
    assert!(shows(&s, "warm-up 5:35 of 5:35 · 0:00 left"), "{}", s.join("\n"));
}

#[test]
fn a_small_terminal_gets_plain_digits() {
    let r = routine();
    let mut terminal = Terminal::new(TestBackend::new(24, 30)).expect("test terminal");
    let view = View { routine: &r, state: r.state_at(Duration::from_secs(10)), paused: false };
    terminal.draw(|f| render(f, &view)).expect("drawn");
    let buf = terminal.backend().buffer();
    let rows: Vec<String> = (0..buf.area.height).map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect()).collect();
    assert!(shows(&rows, "0:25"), "{}", rows.join("\n"));
}

#[test]
fn keys() {
    let key = |code| KeyEvent::new(code, KeyModifiers::NONE);
    assert_eq!(action_of(key(KeyCode::Char(' ')), false), Action::TogglePause);
    assert_eq!(action_of(key(KeyCode::Char('n')), false), Action::Skip);
    assert_eq!(action_of(key(KeyCode::Right), false), Action::Skip);
    assert_eq!(action_of(key(KeyCode::Char('q')), false), Action::Quit);
    assert_eq!(action_of(key(KeyCode::Esc), false), Action::Quit);
    assert_eq!(action_of(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL), false), Action::Quit);
    assert_eq!(action_of(key(KeyCode::Char('x')), false), Action::Nothing);
    assert_eq!(action_of(key(KeyCode::Char(' ')), true), Action::Quit, "any key leaves the end screen");
}

#[test]
fn block_font_and_times() {
    assert_eq!(big_text("0"), ["██████", "██  ██", "██  ██", "██  ██", "██████"]);
    assert_eq!(big_text("1:")[1], "████    ██");
    assert_eq!(big_text_width("5:35"), 6 + 2 + 2 + 2 + 6 + 2 + 6);
    assert_eq!(countdown(Duration::from_millis(29_200)), "0:30");
    assert_eq!(countdown(Duration::from_secs(30)), "0:30");
    assert_eq!(countdown(Duration::ZERO), "0:00");
    assert_eq!(clock(Duration::from_millis(335_900)), "5:35");
}

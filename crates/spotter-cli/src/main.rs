//! The `spotter` binary: command-line parsing, reading input at the edge, and exit codes
//! (0 success, 2 invalid or incomplete input, 1 anything else).

mod analyze;
mod check;
mod cli;
mod coach_out;
mod demo;
mod diary;
mod output;
mod player;
mod plot;
mod render;
mod style;
mod video;

use anyhow::Context;
use clap::Parser;
use spotter_kb::Kb;
use std::io::{Read, Write};
use std::process::ExitCode;

/// An error caused by what the user gave us (exit code 2): bad or incomplete input, a file that
/// cannot be read. Everything else exits with 1.
#[derive(Debug)]
pub struct InputError(pub String);

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

pub fn input_error(message: impl Into<String>) -> anyhow::Error {
    InputError(message.into()).into()
}

fn main() -> ExitCode {
    let args = match cli::Cli::try_parse() {
        Ok(a) => a,
        Err(e) => {
            // clap prints help and version to stdout with success, usage errors to stderr with 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    args.color.write_global();
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // The reader went away (`spotter ... | head`): nothing more to say.
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            let code = if e.downcast_ref::<InputError>().is_some() { 2 } else { 1 };
            let mut err = anstream::stderr();
            let _ = writeln!(err, "{}error:{} {e:#}", style::ERROR.render(), style::ERROR.render_reset());
            ExitCode::from(code)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        let io = c.downcast_ref::<std::io::Error>().map(std::io::Error::kind);
        let json = c.downcast_ref::<serde_json::Error>().and_then(serde_json::Error::io_error_kind);
        io.or(json) == Some(std::io::ErrorKind::BrokenPipe)
    })
}

fn run(args: cli::Cli) -> anyhow::Result<()> {
    let kb = Kb::builtin().context("the built-in knowledge base failed to load")?;
    match args.command {
        cli::Command::Triage(a) => triage(&kb, &a),
        cli::Command::Check(a) => check::run(&kb, &a),
        cli::Command::Demo(a) => demo::run(&kb, &a),
        cli::Command::Explain(a) => explain(&kb, &a),
        cli::Command::Plan(a) => plan(&kb, &a),
        cli::Command::Warmup(a) => warmup(&kb, &a),
        cli::Command::Analyze(a) => analyze::run(&kb, &a),
        cli::Command::Pose(a) => video::run_pose_command(&a),
        cli::Command::Diary(c) => diary::run(&kb, &c),
        cli::Command::Export(a) => diary::export(&kb, &a),
        cli::Command::Backup(a) => diary::backup_command(&a),
        cli::Command::Serve(a) => serve(&a),
    }
}

/// Reads a text file, or standard input for `-`, of at most `limit` bytes: a device, a pipe that
/// never ends or a wrong file is stopped at the limit (with a message naming it) instead of filling
/// the memory. `what` names the input in messages ("--answers", "--analysis").
pub fn read_input_limited(path: &std::path::Path, limit: usize, what: &str) -> anyhow::Result<String> {
    let source = if path.as_os_str() == "-" { "standard input".to_string() } else { path.display().to_string() };
    let reader: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        if path.is_dir() {
            return Err(input_error(format!("{what} {source}: is a folder, not a file")));
        }
        Box::new(std::fs::File::open(path).map_err(|e| input_error(format!("{what}: cannot read {source}: {e}")))?)
    };
    let mut bytes = Vec::new();
    reader
        .take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| input_error(format!("{what}: cannot read {source}: {e}")))?;
    if bytes.len() > limit {
        return Err(input_error(format!(
            "{what} {source}: larger than {}, the limit for this input; is it the right file?",
            human_bytes(limit)
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        input_error(format!("{what} {source}: not a text file (not UTF-8 at byte {})", e.utf8_error().valid_up_to()))
    })
}

/// "4 MiB", "512 KiB", "100 bytes".
pub fn human_bytes(n: usize) -> String {
    if n >= 1024 * 1024 && n % (1024 * 1024) == 0 {
        format!("{} MiB", n / (1024 * 1024))
    } else if n >= 1024 && n % 1024 == 0 {
        format!("{} KiB", n / 1024)
    } else {
        format!("{n} bytes")
    }
}

/// Reads and checks a complete answers file (every safety-critical item present, unless an
/// emergency rule already fires on what is there).
pub fn read_answers(kb: &Kb, path: &std::path::Path) -> anyhow::Result<spotter_triage::Answers> {
    let text = read_input_limited(path, spotter_triage::MAX_ANSWERS_BYTES, "--answers")?;
    let source = if path.as_os_str() == "-" { "standard input".to_string() } else { path.display().to_string() };
    spotter_app::read_answers(kb, &text, &source).map_err(|e| input_error(e.to_string()))
}

/// Adds the observations of a `spotter analyze` JSON file to the answers' `observations`.
pub fn merge_analysis(kb: &Kb, answers: &mut spotter_triage::Answers, path: Option<&std::path::Path>) -> anyhow::Result<()> {
    let Some(path) = path else { return Ok(()) };
    let text = read_input_limited(path, spotter_triage::MAX_ANALYSIS_BYTES, "--analysis")?;
    spotter_app::add_analysis(kb, answers, &text, &path.display().to_string()).map_err(|e| input_error(e.to_string()))
}

fn explain(kb: &Kb, a: &cli::ExplainArgs) -> anyhow::Result<()> {
    let mut answers = read_answers(kb, &a.answers)?;
    merge_analysis(kb, &mut answers, a.analysis.as_deref())?;
    let e = spotter_coach::explain(kb, &answers);
    coach_out::write_explanation(&mut anstream::stdout(), kb, &e, a.format)
}

fn plan(kb: &Kb, a: &cli::PlanArgs) -> anyhow::Result<()> {
    // The card's name and folder are checked before any work: a typo fails at once.
    if let Some(path) = &a.card {
        output::check_extension("--card", path, &["pdf", "png", "svg"])?;
        output::check_file("--card", path)?;
        output::check_not_input("--card", path, &a.answers)?;
        if let Some(analysis) = &a.analysis {
            output::check_not_input("--card", path, analysis)?;
        }
    }
    let schedule = match &a.ics {
        Some(path) => {
            output::check_extension("--ics", path, &["ics"])?;
            output::check_file("--ics", path)?;
            output::check_not_input("--ics", path, &a.answers)?;
            Some(schedule(a)?)
        }
        None => None,
    };
    let mut answers = read_answers(kb, &a.answers)?;
    merge_analysis(kb, &mut answers, a.analysis.as_deref())?;
    let plan = spotter_coach::make_plan(kb, &answers, a.minutes).map_err(|e| input_error(format!("--minutes: {e}")))?;
    let mut card_note = match &a.card {
        Some(path) => Some(write_card(kb, &plan, path)?),
        None => None,
    };
    if let (Some(path), Some(schedule)) = (&a.ics, &schedule) {
        let r = spotter_app::reminders::plan_calendar_now(&plan, schedule).map_err(|e| input_error(format!("--ics: {e}")))?;
        output::write_atomic("--ics", path, r.ics.as_bytes())?;
        let mut said = format!("Reminders written to {}:", path.display());
        if let Some(t) = r.warmup_start {
            said.push_str(&format!(" the {}-minute warm-up at {t} on {}", r.warmup_minutes, a.leg_days.join(", ")));
        }
        if !r.sitting_breaks.is_empty() {
            if r.warmup_start.is_some() {
                said.push(';');
            }
            said.push_str(&format!(" {} sitting breaks a work day, {} to {}", r.sitting_breaks.len(), r.sitting_breaks[0], r.sitting_breaks[r.sitting_breaks.len() - 1]));
        }
        said.push_str(". Import the file into your calendar.");
        card_note = Some(match card_note {
            Some(n) => format!("{n}\n{said}"),
            None => said,
        });
    }
    let mut out = anstream::stdout();
    coach_out::write_plan(&mut out, kb, &plan, a.format)?;
    if let Some(note) = card_note {
        out.flush()?;
        eprintln!("{note}");
    }
    if a.play && plan.block(spotter_coach::BlockId::Warmup).is_some() {
        let opts = player::PlayOptions::default();
        player::play(&plan, &opts, &mut out)?;
    }
    Ok(())
}

/// The `--ics` flags as a schedule from today.
fn schedule(a: &cli::PlanArgs) -> anyhow::Result<spotter_app::reminders::Schedule> {
    use spotter_app::reminders::{Schedule, TimeOfDay, Weekday};
    let days = |flag: &str, list: &[String]| -> anyhow::Result<Vec<Weekday>> {
        if list.len() == 1 && list[0].trim().eq_ignore_ascii_case("none") {
            return Ok(Vec::new());
        }
        list.iter()
            .map(|d| Weekday::parse(d).ok_or_else(|| input_error(format!("{flag}: {d:?} is not a day of the week (mon, tue, wed, thu, fri, sat, sun)"))))
            .collect()
    };
    let time = |flag: &str, t: &str| TimeOfDay::parse(t).ok_or_else(|| input_error(format!("{flag}: {t:?} is not a time of day HH:MM (00:00 to 23:59)")));
    let mut s = Schedule::new(spotter_app::diary::today());
    s.leg_days = days("--leg-days", &a.leg_days)?;
    s.work_days = days("--work-days", &a.work_days)?;
    s.session_start = time("--session-time", &a.session_time)?;
    let Some((start, end)) = a.work_hours.split_once('-') else {
        return Err(input_error(format!("--work-hours: {:?} is not HH:MM-HH:MM (such as 09:00-17:00)", a.work_hours)));
    };
    s.work_start = time("--work-hours", start)?;
    s.work_end = time("--work-hours", end)?;
    Ok(s)
}

/// Renders the printable card to `path`, in the format its extension names, and says where it
/// went ("Card written to card.pdf (one A5 page, PDF)"). The card is made in memory first, then
/// written whole or not at all (`output::write_atomic`).
fn write_card(kb: &Kb, plan: &spotter_coach::Plan<'_>, path: &std::path::Path) -> anyhow::Result<String> {
    let ext = output::check_extension("--card", path, &["pdf", "png", "svg"])?;
    let format = spotter_app::card::CardFormat::parse(&ext).ok_or_else(|| input_error(format!("--card {}: give a .pdf, .png or .svg file", path.display())))?;
    let card = spotter_app::card::render_card(kb, plan, format).map_err(|e| anyhow::anyhow!(e.to_string()))?;
    output::write_atomic("--card", path, &card.bytes)?;
    Ok(format!("Card written to {} (one A5 page, {})", path.display(), card.what))
}

fn warmup(kb: &Kb, a: &cli::WarmupArgs) -> anyhow::Result<()> {
    if !(a.speed.is_finite() && (0.01..=1_000_000.0).contains(&a.speed)) {
        return Err(input_error(format!("--speed must be 0.01 to 1000000, got {}", spotter_kb::number::show(a.speed))));
    }
    let answers = read_answers(kb, &a.answers)?;
    let plan = spotter_coach::make_plan(kb, &answers, a.minutes).map_err(|e| input_error(format!("--minutes: {e}")))?;
    let mut out = anstream::stdout();
    if plan.block(spotter_coach::BlockId::Warmup).is_none() {
        // Not a failure: the triage result comes first, and it says not to train.
        return coach_out::write_plan(&mut out, kb, &plan, cli::Format::Text);
    }
    let opts = player::PlayOptions { speed: a.speed, interactive: !a.plain, get_ready_seconds: a.get_ready };
    player::play(&plan, &opts, &mut out)
}

fn triage(kb: &Kb, a: &cli::TriageArgs) -> anyhow::Result<()> {
    let answers = read_answers(kb, &a.answers)?;
    let mut out = anstream::stdout();
    render::write_result(&mut out, kb, &answers, a.format)?;
    Ok(())
}

/// `spotter serve`: the flags into the server's configuration; the server does the rest.
fn serve(a: &cli::ServeArgs) -> anyhow::Result<()> {
    let addr = spotter_server::parse_addr(&a.addr).map_err(|e| input_error(e.to_string()))?;
    let data_dir = match &a.data_dir {
        Some(d) => d.clone(),
        None => {
            let home = std::env::var_os("HOME");
            let xdg = std::env::var_os("XDG_DATA_HOME");
            let db = spotter_store::default_sqlite_path(xdg.as_deref(), home.as_deref()).map_err(|e| input_error(format!("--data-dir: {e}")))?;
            db.parent().map(std::path::Path::to_path_buf).unwrap_or_default()
        }
    };
    let tls = match (&a.tls_cert, &a.tls_key, a.tls.as_deref()) {
        (Some(cert), Some(key), _) => Some(spotter_server::Tls::Files { cert: cert.clone(), key: key.clone() }),
        (_, _, Some(_)) => Some(spotter_server::Tls::SelfSigned),
        _ => None,
    };
    // The diary: --db or SPOTTER_DB; else spotter.db in the data folder (the default one, unless
    // --data-dir names another).
    let db = match (&a.db.db, &a.data_dir) {
        (None, Some(dir)) => spotter_store::Location::Sqlite { path: dir.join("spotter.db") },
        _ => diary::location(&a.db)?,
    };
    let mut config = spotter_server::ServeConfig { addr, tls, db: Some(db), ..spotter_server::ServeConfig::new(data_dir) };
    if let Some(m) = a.max_upload {
        config.max_upload_bytes = m;
    }
    match spotter_server::serve_until_signal(config) {
        Ok(()) => Ok(()),
        Err(spotter_server::ServeError::Config(e)) => Err(input_error(e.to_string())),
        Err(e) => Err(anyhow::anyhow!(e.to_string())),
    }
}

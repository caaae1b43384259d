//! The `spotter` binary: command-line parsing, reading input at the edge, and exit codes
//! (0 success, 2 invalid or incomplete input, 1 anything else).

mod analyze;
mod check;
mod cli;
mod coach_out;
mod demo;
mod player;
mod plot;
mod render;
mod stream_input;
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
    }
}

/// Reads a file, or standard input for `-`.
pub fn read_input(path: &std::path::Path) -> anyhow::Result<String> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| input_error(format!("cannot read the answers from standard input: {e}")))?;
        Ok(s)
    } else {
        std::fs::read_to_string(path).map_err(|e| input_error(format!("cannot read answers file {}: {e}", path.display())))
    }
}

/// Reads and checks a complete answers file (every safety-critical item present).
fn read_answers(kb: &Kb, path: &std::path::Path) -> anyhow::Result<spotter_triage::Answers> {
    let text = read_input(path)?;
    spotter_triage::parse_complete_answers_json(kb, &text).map_err(|e| {
        let source = if path.as_os_str() == "-" { "standard input".to_string() } else { path.display().to_string() };
        input_error(format!("invalid answers in {source}: {e}"))
    })
}

/// Adds the observations of a `spotter analyze` JSON file to the answers' `observations`.
pub fn merge_analysis(kb: &Kb, answers: &mut spotter_triage::Answers, path: Option<&std::path::Path>) -> anyhow::Result<()> {
    let Some(path) = path else { return Ok(()) };
    let text = read_input(path)?;
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| input_error(format!("--analysis {}: not valid JSON: {e}", path.display())))?;
    let Some(list) = v.get("observations").and_then(|o| o.as_array()) else {
        return Err(input_error(format!("--analysis {}: no `observations` list; give the JSON output of `spotter analyze`", path.display())));
    };
    let mut all: Vec<serde_json::Value> = match answers.get("observations") {
        Some(spotter_triage::Answer::Multi(v)) => v.iter().cloned().map(serde_json::Value::String).collect(),
        _ => Vec::new(),
    };
    all.extend(list.iter().cloned());
    let merged = spotter_triage::check_answer(kb, "observations", &serde_json::Value::Array(all))
        .map_err(|p| input_error(format!("--analysis {}: {p}", path.display())))?;
    answers.set_unchecked("observations", merged);
    Ok(())
}

fn explain(kb: &Kb, a: &cli::ExplainArgs) -> anyhow::Result<()> {
    let mut answers = read_answers(kb, &a.answers)?;
    merge_analysis(kb, &mut answers, a.analysis.as_deref())?;
    let e = spotter_coach::explain(kb, &answers);
    coach_out::write_explanation(&mut anstream::stdout(), kb, &e, a.format)
}

fn plan(kb: &Kb, a: &cli::PlanArgs) -> anyhow::Result<()> {
    let mut answers = read_answers(kb, &a.answers)?;
    merge_analysis(kb, &mut answers, a.analysis.as_deref())?;
    let plan = spotter_coach::make_plan(kb, &answers, a.minutes).map_err(|e| input_error(format!("--minutes: {e}")))?;
    if let Some(path) = &a.card {
        write_card(kb, &plan, path)?;
    }
    let mut out = anstream::stdout();
    coach_out::write_plan(&mut out, kb, &plan, a.format)?;
    if a.play && plan.block(spotter_coach::BlockId::Warmup).is_some() {
        let opts = player::PlayOptions::default();
        player::play(&plan, &opts, &mut out)?;
    }
    Ok(())
}

/// Renders the printable card to `path`, in the format its extension names. The card is made in
/// memory first, then written next to its place and renamed, so a failure leaves no half file.
fn write_card(kb: &Kb, plan: &spotter_coach::Plan<'_>, path: &std::path::Path) -> anyhow::Result<()> {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let bytes = match ext.as_deref() {
        Some("pdf") => spotter_report::card_pdf(kb, plan),
        // 2 pixels per point: 840 x 1190 for the A5 card, sharp on a phone screen.
        Some("png") => spotter_report::card_png(kb, plan, 2.0),
        Some("svg") => spotter_report::card_svg(kb, plan).map(String::into_bytes),
        _ => return Err(input_error(format!("--card {}: the file must end in .pdf, .png or .svg", path.display()))),
    }
    .context("the card could not be made")?;
    let tmp = path.with_extension("partial");
    std::fs::write(&tmp, bytes).map_err(|e| input_error(format!("--card: cannot write {}: {e}", tmp.display())))?;
    std::fs::rename(&tmp, path).map_err(|e| input_error(format!("--card: cannot write {}: {e}", path.display())))?;
    Ok(())
}

fn warmup(kb: &Kb, a: &cli::WarmupArgs) -> anyhow::Result<()> {
    if !(a.speed.is_finite() && (0.01..=1_000_000.0).contains(&a.speed)) {
        return Err(input_error(format!("--speed must be 0.01 to 1000000, got {}", a.speed)));
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

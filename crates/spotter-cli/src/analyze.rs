//! `spotter analyze`: reads a keypoint file or a UI-PRMD marker file, runs the movement analysis
//! and prints it (per-rep table, faults in plain words, what to change) or its JSON; optionally an
//! SVG plot of the angle and load curves with the reps shaded.

use crate::cli::{AnalyzeArgs, Format, LoadPositionArg, SexArg};
use crate::input_error;
use crate::style::{self, paint};
use spotter_kb::{Kb, Pattern};
use spotter_motion::analysis::{self, Analysis, Movement, Options};
use spotter_motion::body::SagittalBody;
use spotter_motion::keypoints::KeypointSequence;
use spotter_motion::load::{ExternalLoad, Lifter, LoadPosition, Sex};
use spotter_motion::mocap;
use spotter_motion::thresholds::Thresholds;
use std::io::Write;
use std::path::Path;

/// What kind of input a file is, by its name.
enum InputKind {
    KeypointJson,
    KeypointCsv,
    Uiprmd { gz: bool },
    Video,
}

fn kind_of(path: &Path) -> anyhow::Result<InputKind> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    Ok(if name.ends_with(".txt.gz") {
        InputKind::Uiprmd { gz: true }
    } else if name.ends_with(".txt") {
        InputKind::Uiprmd { gz: false }
    } else if name.ends_with(".json") {
        InputKind::KeypointJson
    } else if name.ends_with(".csv") {
        InputKind::KeypointCsv
    } else if [".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm"].iter().any(|e| name.ends_with(e)) {
        InputKind::Video
    } else {
        return Err(input_error(format!(
            "{}: unknown input type; expected keypoints (.json, .csv), a UI-PRMD marker file (.txt, .txt.gz) or a video (.mp4, .mov, .m4v, .avi, .mkv, .webm)",
            path.display()
        )));
    })
}

/// The keypoint sequence to analyse, and for a motion-capture file (one repetition) its prepared
/// markers, which the verdict uses.
fn read_sequence(path: &Path) -> anyhow::Result<(KeypointSequence, Option<mocap::PreparedTrial>)> {
    let kind = kind_of(path)?;
    if matches!(kind, InputKind::Video) {
        return Err(input_error(format!("{}: a video goes through the pose step first (spotter analyze runs it)", path.display())));
    }
    // Every reader is bounded (stream_input's module docs give the limits).
    match kind {
        InputKind::KeypointJson => Ok((crate::stream_input::read_keypoints_json(path)?, None)),
        InputKind::KeypointCsv => Ok((crate::stream_input::read_keypoints_csv(path)?, None)),
        InputKind::Uiprmd { gz } => {
            let trial = crate::stream_input::read_uiprmd(path, gz)?;
            let prepared = mocap::prepare(&trial).map_err(|e| input_error(format!("{}: {e}", path.display())))?;
            // The side view a phone would see, at a phone's frame rate.
            Ok((mocap::to_side_view(&prepared, mocap::CameraSide::Right, Some(30.0)), Some(prepared)))
        }
        InputKind::Video => unreachable!("handled above"),
    }
}

fn movement_of(kb: &Kb, exercise: &str) -> anyhow::Result<Movement> {
    let Some(e) = kb.coaching.exercise(exercise) else {
        let known: Vec<&str> = kb.coaching.exercises.iter().map(|e| e.id.as_str()).collect();
        return Err(input_error(format!("--exercise: unknown exercise `{exercise}` (known: {})", known.join(", "))));
    };
    match e.pattern {
        Pattern::Squat => Ok(Movement::Squat),
        Pattern::Hinge => Ok(Movement::Hinge),
        Pattern::Lunge => Ok(Movement::Lunge),
        other => Err(input_error(format!(
            "--exercise: `{exercise}` is {}; the analysis measures squats, hinges and lunges",
            match other {
                Pattern::Machine => "done on a machine",
                Pattern::Bridge => "a bridge (lying on the back)",
                Pattern::Squat | Pattern::Hinge | Pattern::Lunge => "not a squat, hinge or lunge",
            }
        ))),
    }
}

fn options(kb: &Kb, a: &AnalyzeArgs, single_rep: bool) -> anyhow::Result<Options> {
    if !(20.0..=350.0).contains(&a.body_mass) {
        return Err(input_error(format!("--body-mass must be 20 to 350 kg, got {}", spotter_kb::number::show(a.body_mass))));
    }
    if !(1.0..=2.5).contains(&a.height) {
        return Err(input_error(format!("--height must be 1.0 to 2.5 m, got {}", spotter_kb::number::show(a.height))));
    }
    if !(0.0..=1000.0).contains(&a.load) {
        return Err(input_error(format!("--load must be 0 to 1000 kg, got {}", spotter_kb::number::show(a.load))));
    }
    let position = match a.load_position {
        Some(LoadPositionArg::Back) => LoadPosition::Back,
        Some(LoadPositionArg::FrontRack) => LoadPosition::FrontRack,
        Some(LoadPositionArg::Hands) => LoadPosition::Hands,
        Some(LoadPositionArg::None) => LoadPosition::None,
        None if a.load > 0.0 => LoadPosition::Back,
        None => LoadPosition::None,
    };
    if position == LoadPosition::None && a.load > 0.0 {
        return Err(input_error("--load-position none cannot carry a load; say where it is held (back, front_rack, hands)"));
    }
    Ok(Options {
        movement: movement_of(kb, &a.exercise)?,
        single_rep,
        lifter: Lifter { body_mass_kg: a.body_mass, height_m: a.height, sex: if a.sex == SexArg::Female { Sex::Female } else { Sex::Male } },
        load: ExternalLoad { mass_kg: if position == LoadPosition::None { 0.0 } else { a.load }, position },
        dynamic: a.dynamic,
    })
}

/// Runs the analysis of a keypoint sequence as the command would, printing text or JSON.
pub fn analyze_and_write(kb: &Kb, a: &AnalyzeArgs, seq: &KeypointSequence, single_rep: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    analyze_and_write_markers(kb, a, seq, single_rep, None, out).map(|_| ())
}

/// As [`analyze_and_write`], returning the analysis (for the key frames of a video); for a
/// motion-capture repetition, `trial` (its prepared markers) gives the verdict, which then sees
/// the frontal plane too (`mocap::verdict`).
fn analyze_and_write_markers(
    kb: &Kb,
    a: &AnalyzeArgs,
    seq: &KeypointSequence,
    single_rep: bool,
    trial: Option<&mocap::PreparedTrial>,
    out: &mut dyn Write,
) -> anyhow::Result<Analysis> {
    let opts = options(kb, a, single_rep)?;
    let body = SagittalBody::from_keypoints(seq, a.height, spotter_motion::filter::DEFAULT_CUTOFF_HZ)
        .map_err(|e| input_error(format!("{}: {e}", a.input.display())))?;
    let thresholds = Thresholds::builtin();
    let mut analysis = analysis::analyze(&body, &opts, &thresholds);
    if let Some(trial) = trial {
        mocap::verdict::apply_to_analysis(&mut analysis, trial, &thresholds);
    }
    if let Some(path) = &a.plot {
        crate::plot::write_svg(path, &analysis).map_err(|e| input_error(format!("--plot {}: {e}", path.display())))?;
    }
    match a.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &to_json(kb, a, &analysis, single_rep))?;
            writeln!(out)?;
        }
        Format::Text => write_text(out, kb, a, &analysis)?,
    }
    Ok(analysis)
}

pub fn run(kb: &Kb, a: &AnalyzeArgs) -> anyhow::Result<()> {
    if matches!(kind_of(&a.input)?, InputKind::Video) {
        return run_video(kb, a);
    }
    if a.keyframes.is_some() || a.keypoints_out.is_some() {
        return Err(input_error("--keyframes and --keypoints-out need a video as input"));
    }
    // The plot's name is checked before the input is read: a wrong path fails at once.
    if let Some(path) = &a.plot {
        crate::output::check_output("--plot", path, &["svg"], &a.input)?;
    }
    let (seq, trial) = read_sequence(&a.input)?;
    analyze_and_write_markers(kb, a, &seq, trial.is_some(), trial.as_ref(), &mut anstream::stdout()).map(|_| ())
}

/// `spotter analyze VIDEO`: the pose step, then the analysis of its keypoints; optionally the
/// keypoints saved and the key frames drawn.
fn run_video(kb: &Kb, a: &AnalyzeArgs) -> anyhow::Result<()> {
    options(kb, a, false)?; // bad lifter numbers are reported before minutes of video work
    // So are outputs that cannot be written (a missing folder, a file where a folder should be).
    if let Some(path) = &a.plot {
        crate::output::check_output("--plot", path, &["svg"], &a.input)?;
    }
    if let Some(path) = &a.keypoints_out {
        crate::output::check_output("--keypoints-out", path, &["json"], &a.input)?;
        if let Some(plot) = &a.plot {
            crate::output::check_distinct(&[("--plot", plot), ("--keypoints-out", path)])?;
        }
    }
    if let Some(dir) = &a.keyframes {
        crate::output::check_dir("--keyframes", dir)?;
    }
    let show_progress = a.format == Format::Text;
    let run = crate::video::run_pose(&a.input, &a.pose, show_progress)?;
    if let Some(path) = &a.keypoints_out {
        crate::video::write_keypoints("--keypoints-out", path, &run.sequence)?;
    }
    for d in &run.report.diagnostics {
        eprintln!("note: {d}");
    }
    let analysis = analyze_and_write_markers(kb, a, &run.sequence, false, None, &mut anstream::stdout())?;
    if let Some(dir) = &a.keyframes {
        let written = crate::video::write_keyframes(&a.input, dir, &run.sequence, &analysis)?;
        if a.format == Format::Text {
            if written.is_empty() {
                eprintln!("No key frames written: no rep was found");
            } else {
                eprintln!("{} written to {}", crate::output::count(written.len() as u64, "key frame", "key frames"), dir.display());
            }
        }
    }
    Ok(())
}

/// The cause-finder observation each measured fault counts as (coach/measured.toml).
pub fn observations<'k>(kb: &'k Kb, analysis: &Analysis) -> Vec<&'k str> {
    let mut out: Vec<&str> = Vec::new();
    for f in analysis.reps.iter().filter(|r| !r.partial || analysis.reps.len() == 1).flat_map(|r| &r.faults) {
        for o in kb.coaching.measured.iter().filter(|m| m.fault == f.id).filter_map(|m| m.observation.as_deref()) {
            if !out.contains(&o) {
                out.push(o);
            }
        }
    }
    out
}

fn to_json(kb: &Kb, a: &AnalyzeArgs, analysis: &Analysis, single_rep: bool) -> spotter_app::wire::AnalysisDoc {
    let input = a.input.display().to_string();
    let asked = spotter_app::wire::AnalysisAsked { input: &input, exercise: &a.exercise, body_mass_kg: a.body_mass, height_m: a.height, load_kg: a.load, single_rep };
    spotter_app::wire::AnalysisDoc::new(&asked, analysis, observations(kb, analysis).into_iter().map(str::to_string).collect())
}

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map_or("-".into(), |v| format!("{v:.digits$}"))
}

fn write_text(out: &mut dyn Write, kb: &Kb, a: &AnalyzeArgs, an: &Analysis) -> anyhow::Result<()> {
    let width = style::width();
    writeln!(out, "{}", paint(style::HEADING, &format!("{} ({}): {}", a.exercise, an.movement.id(), plural(an.rep_count, "rep", "reps"))))?;
    let cam = if an.camera.side_on { style::DIM } else { style::ERROR };
    writeln!(out, "{}", paint(cam, &style::wrap(&an.camera.message, width, "", "")))?;
    if !an.reps.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", paint(style::BOLD, " rep  bottom   down    up  depth   hip-knee  trunk  knee   L5/S1 moment  compression  shear (neutral/flexed)"))?;
        writeln!(out, "{}", paint(style::DIM, "        s      s      s           m      deg    deg         N m           N          N"))?;
    }
    for r in &an.reps {
        let l = r.l5s1.as_ref();
        writeln!(
            out,
            " {:>3}{} {:>6.2} {:>5.2} {:>5.2}  {:<7} {:>7}  {:>5}  {:>4}   {:>10}   {:>10}   {:>6} / {:<6}",
            r.index + 1,
            if r.partial { "*" } else { " " },
            r.bottom_s,
            r.descent_s,
            r.ascent_s,
            match r.depth_below_parallel {
                Some(true) => "below",
                Some(false) => "above",
                None => "-",
            },
            opt(r.hip_below_knee_m, 2),
            opt(r.peak_trunk_lean_deg, 0),
            opt(r.knee_flexion_bottom_deg, 0),
            opt(l.map(|l| l.moment_nm), 0),
            opt(l.map(|l| l.compression_n), 0),
            opt(l.map(|l| l.shear_n_neutral), 0),
            opt(l.map(|l| l.shear_n_flexed), 0),
        )?;
    }
    if an.reps.iter().any(|r| r.partial) {
        writeln!(out, "{}", paint(style::DIM, "  * partial: the clip starts or ends inside this rep"))?;
    }
    if let Some(l) = an.reps.iter().filter_map(|r| r.l5s1.as_ref()).max_by(|x, y| x.compression_n.total_cmp(&y.compression_n)) {
        let msg = format!(
            "Peak disc compression {:.0} N ({:.1} x body weight): {}. Peak shear {:.0} N with a neutral back, {:.0} N if the lower back rounds (workplace limits 700 / 1000 N). These limits are for repeated work lifting and are given for context: trained lifters exceed them safely by building up gradually, and shear is what a rounded back adds.",
            l.compression_n,
            l.compression_bw,
            match l.compression_limit {
                "below_action_limit" => "below 3400 N, the workplace action limit (NIOSH)",
                "above_action_limit" => "above 3400 N, the workplace action limit (NIOSH), as loaded squats and hinges usually are",
                _ => "above 6400 N, the workplace maximum (NIOSH), as heavy lifting often is",
            },
            l.shear_n_neutral,
            l.shear_n_flexed
        );
        writeln!(out, "\n{}", style::wrap(&msg, width, "", ""))?;
    }
    let mut seen = Vec::new();
    for f in an.reps.iter().flat_map(|r| &r.faults) {
        if seen.contains(&f.id) {
            continue;
        }
        seen.push(f.id.clone());
        let reps: Vec<String> = an.reps.iter().filter(|r| r.faults.iter().any(|x| x.id == f.id)).map(|r| (r.index + 1).to_string()).collect();
        let words = fault_words(&f.id);
        let which = format!("({} {})", if reps.len() == 1 { "rep" } else { "reps" }, reps.join(", "));
        writeln!(out, "\n{} {}", paint(style::BOLD, words), paint(style::DIM, &which))?;
        let (what, unit) = measure_words(&f.measure);
        writeln!(
            out,
            "{}",
            style::wrap(
                &format!(
                    "{what}: {}{unit}, against a threshold of {}{unit}; confidence {:.0}%",
                    short_number(f.value),
                    short_number(f.threshold),
                    f.confidence * 100.0
                ),
                width,
                "  ",
                "  "
            )
        )?;
        for m in kb.coaching.measured.iter().filter(|m| m.fault == f.id) {
            if let Some(c) = m.cause.as_deref().and_then(|c| kb.coaching.cause(c)) {
                writeln!(out, "{}", style::wrap(&c.change_today, width, "  What to change: ", "  "))?;
            }
        }
    }
    if seen.is_empty() && !an.reps.is_empty() {
        writeln!(out, "\nNo fault crossed its threshold.")?;
    }
    if an.reps.is_empty() {
        writeln!(out, "\nNo repetition to report; the notes below say why.")?;
    }
    writeln!(out, "\n{}", paint(style::DIM, &style::wrap(an.butt_wink, width, "", "")))?;
    for d in &an.diagnostics {
        writeln!(out, "{}", paint(style::DIM, &style::wrap(d, width, "note: ", "      ")))?;
    }
    Ok(())
}

/// `1 rep`, `2 reps`.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A measured number, in plain decimals when it is of a sane size (the analysis never gives
/// others, but a report must not print 300 digits if it ever did).
fn short_number(v: f64) -> String {
    if v.is_finite() && v.abs() < 1e5 { format!("{v:.2}") } else { spotter_motion::plausibility::short_number(v) }
}

/// The heading of a fault, in plain words (the JSON keeps the id). Every fault of the built-in
/// thresholds has words (tested); one added later without reads as a generic heading, never as
/// its id.
pub(crate) fn fault_words(id: &str) -> &'static str {
    match id {
        "shallow_depth" => "Shallow: the hips stayed above the knees",
        "forward_lean" => "Too much forward lean",
        "hips_rise_first" => "The hips rose before the shoulders",
        "lunge_trunk_lean" => "The trunk leaned forward in the lunge",
        "lunge_long_step" => "Very long lunge step",
        "knee_travel" => "The front knee travelled far past the toes",
        _ => "A measured fault",
    }
}

/// What a fault rule measures, in plain words, and the unit its numbers are in (`""` for a
/// fraction of leg length, which the words say).
fn measure_words(measure: &str) -> (&'static str, &'static str) {
    match measure {
        "hip_below_knee_over_leg" => ("Hips below the knees at the bottom, as a fraction of leg length (negative: above)", ""),
        "hip_drop_over_leg" => ("How far the hips dropped, as a fraction of leg length", ""),
        "peak_trunk_lean_deg" => ("Largest forward lean of the trunk", " degrees"),
        "ascent_lean_increase_deg" => ("Extra forward lean early in the way up", " degrees"),
        "trunk_lean_range_deg" => ("Range of trunk lean over the rep", " degrees"),
        "back_knee_height_over_leg" => ("Back knee height above the ankles at the bottom, as a fraction of leg length", ""),
        "knee_flexion_bottom_deg" => ("Knee bend at the bottom", " degrees"),
        "step_over_leg" => ("Step length, as a fraction of leg length", ""),
        "front_knee_past_toes_over_leg" => ("Front knee past the toes at the bottom, as a fraction of leg length", ""),
        _ => ("Measured", ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_fault_and_measure_has_plain_words() {
        for f in &Thresholds::builtin().fault {
            assert_ne!(fault_words(&f.id), "A measured fault", "fault `{}` has no words", f.id);
            assert_ne!(measure_words(&f.measure).0, "Measured", "measure `{}` has no words", f.measure);
        }
    }

    #[test]
    fn counts_and_numbers_read_well() {
        assert_eq!(plural(1, "rep", "reps"), "1 rep");
        assert_eq!(plural(0, "rep", "reps"), "0 reps");
        assert_eq!(short_number(-0.0312), "-0.03");
        assert_eq!(short_number(1e300), "1.0e300");
    }
}

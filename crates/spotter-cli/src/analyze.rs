//! `spotter analyze`: flags into a `spotter_app::AnalyzeRequest`, the outputs checked before
//! any work, then the analysis rendered: a per-rep table, faults in plain words and what to
//! change, or its JSON (`spotter_app::wire::AnalysisDoc`); optionally the SVG plot, the video's
//! keypoints and its key frames, written as files.

use crate::cli::{AnalyzeArgs, Format, LoadPositionArg, ModelArg, PoseModelArgs, SexArg};
use crate::input_error;
use crate::style::{self, paint};
use spotter_app::{AnalysisInput, AnalysisOutcome, AnalyzeRequest, AppError, InputKind, Lift, PoseOptions, VideoHooks};
use spotter_kb::Kb;
use spotter_motion::analysis::Analysis;
use spotter_motion::load::{self, LoadPosition, Sex};
use spotter_video::{IndicatifProgress, LandmarkModel, NoProgress, ProgressSink};
use std::io::Write;

/// An application error as the binary reports it: exit 2 when the input is at fault.
pub fn app_error(e: AppError) -> anyhow::Error {
    if e.is_input() { input_error(e.to_string()) } else { anyhow::anyhow!(e.to_string()) }
}

/// The lift the flags describe.
pub fn lift(a: &AnalyzeArgs) -> Lift<'_> {
    Lift {
        exercise: &a.exercise,
        body_mass_kg: a.body_mass,
        height_m: a.height,
        sex: if a.sex == SexArg::Female { Sex::Female } else { Sex::Male },
        load_kg: a.load,
        load_position: a.load_position.map(|p| match p {
            LoadPositionArg::Back => LoadPosition::Back,
            LoadPositionArg::FrontRack => LoadPosition::FrontRack,
            LoadPositionArg::Hands => LoadPosition::Hands,
            LoadPositionArg::None => LoadPosition::None,
        }),
        dynamic: a.dynamic,
    }
}

/// How the pose step runs, from its flags.
pub fn pose_options(p: &PoseModelArgs) -> PoseOptions {
    PoseOptions {
        model: match p.model {
            ModelArg::Lite => LandmarkModel::Lite,
            ModelArg::Full => LandmarkModel::Full,
            ModelArg::Heavy => LandmarkModel::Heavy,
        },
        threads: p.threads,
        models_dir: p.models.clone(),
    }
}

pub fn run(kb: &Kb, a: &AnalyzeArgs) -> anyhow::Result<()> {
    let kind = spotter_app::input_kind(&a.input).map_err(app_error)?;
    let video = kind == InputKind::Video;
    if !video && (a.keyframes.is_some() || a.keypoints_out.is_some()) {
        return Err(input_error("--keyframes and --keypoints-out need a video as input"));
    }
    // Bad lifter numbers are reported before any reading or minutes of video work, and so are
    // outputs that cannot be written (a missing folder, a file where a folder should be).
    spotter_app::analyze::options(kb, &lift(a), false).map_err(app_error)?;
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
    let request = || AnalyzeRequest {
        input: AnalysisInput::Path(&a.input),
        lift: lift(a),
        series: a.plot.is_some(),
        key_frames: a.keyframes.is_some(),
        pose: pose_options(&a.pose),
    };
    let mut bar;
    let mut none = NoProgress;
    let progress: &mut dyn ProgressSink = if video && a.format == Format::Text {
        bar = IndicatifProgress::stderr("pose");
        &mut bar
    } else {
        &mut none
    };
    let outcome = match &a.keypoints_out {
        None => spotter_app::analyze(kb, request(), VideoHooks { progress, keypoints_out: None }).map_err(app_error)?,
        Some(path) => {
            // The keypoints are streamed into the file as the pose step finds them; it is put in
            // place whole once the analysis is done, or not at all.
            let mut result = None;
            let written = crate::output::write_atomic_with("--keypoints-out", path, |w| {
                let r = spotter_app::analyze(kb, request(), VideoHooks { progress, keypoints_out: Some(w) });
                let stop = match &r {
                    Ok(_) => None,
                    Err(AppError::Write(m)) => Some(std::io::Error::other(m.clone())),
                    Err(_) => Some(std::io::Error::other("the analysis stopped")),
                };
                result = Some(r);
                stop.map_or(Ok(()), Err)
            });
            match result {
                Some(Err(e)) if !matches!(e, AppError::Write(_)) => return Err(app_error(e)),
                Some(Ok(outcome)) => {
                    written?;
                    outcome
                }
                _ => return Err(written.err().unwrap_or_else(|| anyhow::anyhow!("--keypoints-out: nothing was written"))),
            }
        }
    };
    if let Some(pose) = &outcome.pose {
        for d in &pose.diagnostics {
            eprintln!("note: {d}");
        }
    }
    if let Some(path) = &a.plot {
        crate::plot::write_svg(path, &outcome.analysis).map_err(|e| input_error(format!("--plot {}: {e}", path.display())))?;
    }
    write_analysis(&mut anstream::stdout(), kb, &a.exercise, &outcome, a.format)?;
    if let Some(dir) = &a.keyframes {
        let mut written = 0u64;
        if !outcome.key_frames.is_empty() {
            crate::output::make_dir("--keyframes", dir)?;
        }
        let mut write_err = None;
        spotter_app::draw_key_frames(&a.input, &outcome.key_frames, &outcome.analysis, &mut |k| {
            let path = dir.join(format!("rep-{:02}-bottom.png", k.rep + 1));
            match crate::output::write_atomic("--keyframes", &path, &k.png) {
                Ok(()) => {
                    written += 1;
                    Ok(())
                }
                Err(e) => {
                    let m = format!("{e:#}");
                    write_err = Some(e);
                    Err(AppError::Write(m))
                }
            }
        })
        .map_err(|e| write_err.take().unwrap_or_else(|| app_error(e)))?;
        if a.format == Format::Text {
            if written == 0 {
                eprintln!("No key frames written: no rep was found");
            } else {
                eprintln!("{} written to {}", crate::output::count(written, "key frame", "key frames"), dir.display());
            }
        }
    }
    Ok(())
}

/// Prints an analysis as text or as its JSON document.
pub fn write_analysis(out: &mut dyn Write, kb: &Kb, exercise: &str, outcome: &AnalysisOutcome, format: Format) -> anyhow::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &outcome.doc)?;
            writeln!(out)?;
        }
        Format::Text => write_text(out, kb, exercise, &outcome.analysis)?,
    }
    Ok(())
}

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map_or("-".into(), |v| format!("{v:.digits$}"))
}

fn write_text(out: &mut dyn Write, kb: &Kb, exercise: &str, an: &Analysis) -> anyhow::Result<()> {
    let width = style::width();
    writeln!(out, "{}", paint(style::HEADING, &format!("{} ({}): {}", exercise, an.movement.id(), plural(an.rep_count, "rep", "reps"))))?;
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
        let (action, maximum) = (load::COMPRESSION_ACTION_LIMIT_N, load::COMPRESSION_MAXIMUM_LIMIT_N);
        let msg = format!(
            "Peak disc compression {:.0} N ({:.1} x body weight): {}. Peak shear {:.0} N with a neutral back, {:.0} N if the lower back rounds (workplace limits {:.0} / {:.0} N). These limits are for repeated work lifting and are given for context: trained lifters exceed them safely by building up gradually, and shear is what a rounded back adds.",
            l.compression_n,
            l.compression_bw,
            match l.compression_limit {
                "below_action_limit" => format!("below {action:.0} N, the workplace action limit (NIOSH)"),
                "above_action_limit" => format!("above {action:.0} N, the workplace action limit (NIOSH), as loaded squats and hinges usually are"),
                _ => format!("above {maximum:.0} N, the workplace maximum (NIOSH), as heavy lifting often is"),
            },
            l.shear_n_neutral,
            l.shear_n_flexed,
            load::SHEAR_ACTION_LIMIT_N,
            load::SHEAR_MAXIMUM_LIMIT_N,
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
        writeln!(out, "\n{} {}", paint(style::BOLD, &words), paint(style::DIM, &which))?;
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

/// The heading of a fault, in plain words (the JSON keeps the id): `data/thresholds.toml`'s.
pub(crate) fn fault_words(id: &str) -> String {
    spotter_app::analyze::fault_words(id)
}

/// What a fault rule measures, in plain words, and the unit its numbers are in.
fn measure_words(measure: &str) -> (String, String) {
    spotter_app::analyze::measure_words(measure)
}

#[cfg(test)]
mod tests {
    use super::*;
    use spotter_motion::thresholds::Thresholds;

    #[test]
    fn every_built_in_fault_and_measure_has_plain_words() {
        for f in &Thresholds::builtin().fault {
            assert_ne!(fault_words(&f.id), "A measured fault", "fault `{}` has no words", f.id);
            assert_ne!(measure_words(&f.measure).0, "Measured", "measure `{}` has no words", f.measure);
            assert_eq!(fault_words(&f.id), f.words);
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

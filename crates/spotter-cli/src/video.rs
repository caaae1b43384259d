//! `spotter pose VIDEO -o keypoints.json`: the flags checked, then `spotter_app::pose` (which
//! decodes, poses and streams the keypoints into the file as it goes), with a progress bar and
//! the timings and diagnostics said at the end.

use crate::cli::PoseArgs;
use crate::input_error;
use crate::output::{self, count};
use spotter_app::AppError;
use spotter_video::{IndicatifProgress, NoProgress, ProgressSink};

/// `spotter pose VIDEO -o keypoints.json`. Both outputs are checked before the video is touched.
pub fn run_pose_command(a: &PoseArgs) -> anyhow::Result<()> {
    if a.output.extension().is_none_or(|e| !e.eq_ignore_ascii_case("json")) {
        return Err(input_error(format!("-o {}: the keypoints are written as JSON; give a .json file name", a.output.display())));
    }
    output::check_file("-o", &a.output)?;
    output::check_not_input("-o", &a.output, &a.video)?;
    if let Some(stats) = &a.stats {
        output::check_extension("--stats", stats, &["json"])?;
        output::check_file("--stats", stats)?;
        output::check_not_input("--stats", stats, &a.video)?;
        output::check_distinct(&[("-o", &a.output), ("--stats", stats)])?;
    }
    let mut bar;
    let mut none = NoProgress;
    let progress: &mut dyn ProgressSink = if a.quiet {
        &mut none
    } else {
        bar = IndicatifProgress::stderr("pose");
        &mut bar
    };
    let options = crate::analyze::pose_options(&a.pose);
    let mut result = None;
    let written = output::write_atomic_with("-o", &a.output, |w| {
        let r = spotter_app::pose(&a.video, &options, progress, w);
        let stop = match &r {
            Ok(_) => None,
            Err(AppError::Write(m)) => Some(std::io::Error::other(m.clone())),
            Err(_) => Some(std::io::Error::other("the pose step stopped")),
        };
        result = Some(r);
        stop.map_or(Ok(()), Err)
    });
    let r = match result {
        Some(Err(e)) if !matches!(e, AppError::Write(_)) => return Err(crate::analyze::app_error(e)),
        Some(Ok(r)) => {
            written?;
            r
        }
        _ => return Err(written.err().unwrap_or_else(|| anyhow::anyhow!("-o: nothing was written"))),
    };
    if let Some(stats) = &a.stats {
        output::write_atomic("--stats", stats, &serde_json::to_vec_pretty(&r)?)?;
    }
    if !a.quiet {
        eprintln!(
            "{} ({} with a person) in {:.1} s: {:.1} frames/s end to end, pose step {:.1} ms per frame (median), model {} on {}; keypoints in {}",
            count(r.frames, "frame", "frames"),
            r.frames_with_person,
            r.wall_s,
            r.fps_end_to_end,
            r.pose_ms_median,
            r.model,
            count(r.threads as u64, "thread", "threads"),
            a.output.display()
        );
        for d in &r.diagnostics {
            eprintln!("note: {d}");
        }
    }
    Ok(())
}

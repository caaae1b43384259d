//! What the motion fuzz targets share: a parsed keypoint sequence run through the analysis as
//! `spotter analyze` runs it (crates/spotter-app/src/analyze.rs: the streaming engine, the marker
//! verdict for a motion-capture repetition, the analysis document), and through the batch
//! analysis it is tested against (`SagittalBody::from_keypoints`, `analysis::analyze`), so that
//! garbage which parses is exercised there too. Any panic counts as a finding.

use spotter_kb::Kb;
use spotter_motion::analysis::{self, Analysis, Movement, Options, RepMeasures};
use spotter_motion::body::SagittalBody;
use spotter_motion::filter::DEFAULT_CUTOFF_HZ;
use spotter_motion::keypoints::KeypointSequence;
use spotter_motion::keypoints::reader::Header;
use spotter_motion::load::{ExternalLoad, Lifter, LoadPosition, Sex};
use spotter_motion::mocap::PreparedTrial;
use spotter_motion::stream::{StreamAnalyzer, StreamConfig, StreamSummary};
use spotter_motion::thresholds::Thresholds;
use spotter_wire::{AnalysisAsked, AnalysisDoc};
use std::sync::OnceLock;

/// The lifter's height used throughout, in metres.
pub const HEIGHT_M: f64 = 1.75;

pub fn thresholds() -> &'static Thresholds {
    static T: OnceLock<Thresholds> = OnceLock::new();
    T.get_or_init(Thresholds::builtin)
}

pub fn kb() -> &'static Kb {
    static KB: OnceLock<Kb> = OnceLock::new();
    KB.get_or_init(|| Kb::builtin().expect("built-in knowledge base"))
}

/// The analysis settings for one input, picked from `selector` (the input's length) so that the
/// corpus as a whole covers every movement, quasi-static and dynamic, with and without a bar:
/// `selector % 3` the movement, `/ 3 % 2` dynamic, `/ 6 % 2` a 60 kg back load or none,
/// `% 2` the sex.
pub fn options(selector: usize, single_rep: bool) -> Options {
    let movement = [Movement::Squat, Movement::Hinge, Movement::Lunge][selector % 3];
    let load = if (selector / 6) % 2 == 0 {
        ExternalLoad { mass_kg: 60.0, position: LoadPosition::Back }
    } else {
        ExternalLoad::NONE
    };
    Options {
        movement,
        single_rep,
        lifter: Lifter { body_mass_kg: 80.0, height_m: HEIGHT_M, sex: if selector % 2 == 0 { Sex::Male } else { Sex::Female } },
        load,
        dynamic: (selector / 3) % 2 == 1,
    }
}

/// The streaming engine's settings, with the plot's per-frame curves kept for one input in two
/// (`selector / 12 % 2`).
pub fn config(selector: usize) -> StreamConfig {
    let mut cfg = StreamConfig::new(HEIGHT_M, DEFAULT_CUTOFF_HZ);
    cfg.series = (selector / 12) % 2 == 1;
    cfg
}

/// The reps handed out while streaming and the summary at the end, as one analysis (as the app
/// layer assembles them).
pub fn assemble(movement: Movement, mut reps: Vec<RepMeasures>, s: StreamSummary) -> Analysis {
    reps.extend(s.reps);
    Analysis {
        movement,
        rep_count: s.rep_count,
        reps,
        camera: s.camera,
        butt_wink: analysis::BUTT_WINK_NOTE,
        leg_length_m: s.leg_length_m,
        diagnostics: s.diagnostics,
        series: s.series,
        rep_frames: Vec::new(),
    }
}

/// The analysis of a whole sequence as `spotter analyze` runs it on a CSV file or a marker
/// file's side view: the streaming engine frame by frame, the marker verdict for a
/// motion-capture repetition (`trial`), then the JSON document.
pub fn analyze_streaming(seq: &KeypointSequence, trial: Option<&PreparedTrial>, selector: usize) -> Option<Analysis> {
    let header = Header { fps: seq.fps, width: seq.width, height: seq.height, layout: seq.layout };
    let opts = options(selector, trial.is_some());
    let mut a = StreamAnalyzer::new(&header, config(selector), opts.clone(), thresholds().clone()).ok()?;
    let mut reps = Vec::new();
    for f in &seq.frames {
        reps.extend(a.push(f));
    }
    let mut analysis = assemble(opts.movement, reps, a.finish().ok()?);
    if let Some(trial) = trial {
        spotter_motion::mocap::verdict::apply_to_analysis(&mut analysis, trial, thresholds());
    }
    finish(&analysis, trial.is_some());
    Some(analysis)
}

/// The batch analysis (the reference the streaming engine is tested against), with the marker
/// verdict for a motion-capture repetition.
pub fn analyze_batch(seq: &KeypointSequence, trial: Option<&PreparedTrial>, selector: usize) -> Option<Analysis> {
    let body = SagittalBody::from_keypoints(seq, HEIGHT_M, DEFAULT_CUTOFF_HZ).ok()?;
    let mut a = analysis::analyze(&body, &options(selector, trial.is_some()), thresholds());
    if let Some(trial) = trial {
        spotter_motion::mocap::verdict::apply_to_analysis(&mut a, trial, thresholds());
    }
    finish(&a, trial.is_some());
    Some(a)
}

/// Both analyses of a parsed keypoint sequence.
pub fn analyze_all(seq: &KeypointSequence, trial: Option<&PreparedTrial>, selector: usize) {
    analyze_streaming(seq, trial, selector);
    analyze_batch(seq, trial, selector);
}

/// What holds for any analysis, whatever went in; then its JSON document, as the CLI prints it.
pub fn finish(a: &Analysis, single_rep: bool) {
    assert!(a.rep_count <= a.reps.len(), "rep_count {} but {} reps listed", a.rep_count, a.reps.len());
    let asked = AnalysisAsked { input: "fuzz", exercise: "back_squat", body_mass_kg: 80.0, height_m: HEIGHT_M, load_kg: 60.0, single_rep };
    let doc = AnalysisDoc::new(&asked, a, Vec::new());
    serde_json::to_vec(&doc).expect("an analysis document serialises");
}

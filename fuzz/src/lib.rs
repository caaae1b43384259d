//! What the motion fuzz targets share: a parsed keypoint sequence run through the analysis as
//! `spotter analyze` runs it (crates/spotter-cli/src/analyze.rs), batch and streaming, so that
//! garbage which parses is exercised there too. Any panic counts as a finding.

use spotter_motion::analysis::{self, Analysis, Movement, Options};
use spotter_motion::body::SagittalBody;
use spotter_motion::filter::DEFAULT_CUTOFF_HZ;
use spotter_motion::keypoints::KeypointSequence;
use spotter_motion::load::{ExternalLoad, Lifter, LoadPosition, Sex};
use spotter_motion::mocap::PreparedTrial;
use spotter_motion::stream::{self, StreamConfig};
use spotter_motion::thresholds::Thresholds;
use std::sync::OnceLock;

/// The lifter's height used throughout, in metres (the CLI's default).
pub const HEIGHT_M: f64 = 1.75;

pub fn thresholds() -> &'static Thresholds {
    static T: OnceLock<Thresholds> = OnceLock::new();
    T.get_or_init(Thresholds::builtin)
}

/// The analysis settings for one input, picked from `selector` (the input's length) so that the
/// corpus as a whole covers every movement, quasi-static and dynamic, with and without a bar:
/// `selector % 3` the movement, `/ 3 % 2` dynamic, `/ 6 % 2` a 60 kg back load or none.
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

/// The batch analysis as `spotter analyze` runs it on a keypoint sequence (and, for a
/// motion-capture repetition, the marker verdict on top), then its JSON.
pub fn analyze_batch(seq: &KeypointSequence, trial: Option<&PreparedTrial>, selector: usize) -> Option<Analysis> {
    let body = SagittalBody::from_keypoints(seq, HEIGHT_M, DEFAULT_CUTOFF_HZ).ok()?;
    let opts = options(selector, trial.is_some());
    let mut a = analysis::analyze(&body, &opts, thresholds());
    if let Some(trial) = trial {
        spotter_motion::mocap::verdict::apply_to_analysis(&mut a, trial, thresholds());
    }
    check(&a);
    serde_json::to_vec(&a).expect("an analysis serialises");
    Some(a)
}

/// The streaming analysis (flat memory, frame by frame) of the same sequence.
pub fn analyze_streaming(seq: &KeypointSequence, selector: usize) -> Option<Analysis> {
    let cfg = StreamConfig::new(HEIGHT_M, DEFAULT_CUTOFF_HZ);
    let a = stream::analyze_streaming(seq, cfg, &options(selector, false), thresholds()).ok()?;
    check(&a);
    serde_json::to_vec(&a).expect("an analysis serialises");
    Some(a)
}

/// Both analyses of a parsed keypoint sequence.
pub fn analyze_all(seq: &KeypointSequence, selector: usize) {
    analyze_batch(seq, None, selector);
    analyze_streaming(seq, selector);
}

/// What holds for any analysis, whatever went in.
fn check(a: &Analysis) {
    assert!(a.rep_count <= a.reps.len(), "rep_count {} but {} reps listed", a.rep_count, a.reps.len());
    assert_eq!(a.rep_count, a.reps.iter().filter(|r| !r.partial).count(), "rep_count counts the complete reps");
}

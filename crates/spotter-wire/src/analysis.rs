//! The movement analysis's document (`spotter analyze --format json`) and the pose step's
//! keypoint document (`spotter pose -o FILE`, `spotter analyze VIDEO --keypoints-out FILE`).
//!
//! The analysis document keeps the fields and order the CLI has always printed, including one
//! quirk kept for byte-identity: each rep has `faults` twice, first the fault objects (as the
//! rep's measures always carried them) and then the list of ids that spec/movement.md's interface
//! names (a JSON reader keeps the last: the ids). `fault_details` holds the objects again.

use serde::Serialize;
use spotter_motion::analysis::{Analysis, CameraCheck, Fault, HingeMeasures, L5s1Peak, LungeMeasures, Movement, RepMeasures};
use spotter_motion::keypoints::{KeypointFrame, KeypointSequence, Layout};

/// What the analysis was asked: the input as named, the exercise id and the lifter's numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisAsked<'a> {
    pub input: &'a str,
    pub exercise: &'a str,
    pub body_mass_kg: f64,
    pub height_m: f64,
    pub load_kg: f64,
    /// A motion-capture file (one repetition): the document has `verdict`.
    pub single_rep: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnalysisDoc {
    pub input: String,
    pub exercise: String,
    /// `squat`, `hinge` or `lunge`.
    pub movement: &'static str,
    pub body_mass_kg: f64,
    pub height_m: f64,
    pub load_kg: f64,
    pub rep_count: usize,
    pub reps: Vec<RepDoc>,
    /// For a motion-capture file (one repetition): `correct` or `incorrect`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<&'static str>,
    pub camera: CameraDoc,
    pub butt_wink: String,
    pub leg_length_m: Option<f64>,
    pub diagnostics: Vec<String>,
    /// Observations the cause finder can use (`spotter explain --analysis FILE`).
    pub observations: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepDoc {
    pub index: usize,
    pub partial: bool,
    pub start_s: f64,
    pub bottom_s: f64,
    pub end_s: f64,
    pub descent_s: f64,
    pub ascent_s: f64,
    pub hip_below_knee_m: Option<f64>,
    pub hip_below_knee_over_leg: Option<f64>,
    pub depth_below_parallel: Option<bool>,
    pub hip_drop_m: Option<f64>,
    pub hip_drop_over_leg: Option<f64>,
    pub peak_trunk_lean_deg: Option<f64>,
    pub hip_flexion_bottom_deg: Option<f64>,
    pub knee_flexion_bottom_deg: Option<f64>,
    pub shin_angle_bottom_deg: Option<f64>,
    pub ascent_lean_increase_deg: Option<f64>,
    pub trunk_lean_range_deg: Option<f64>,
    pub hinge: Option<HingeDoc>,
    pub lunge: Option<LungeDoc>,
    pub l5s1: Option<L5s1Doc>,
    /// The fault objects (the first `faults` key; see the module docs).
    #[serde(rename = "faults")]
    pub fault_objects: Vec<FaultDoc>,
    pub verdict: Option<&'static str>,
    pub verdict_reasons: Vec<String>,
    /// Fault ids (details in `fault_details`).
    pub faults: Vec<String>,
    pub fault_details: Vec<FaultDoc>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HingeDoc {
    pub trunk_angle_bottom_deg: Option<f64>,
    pub hip_to_knee_flexion_ratio: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LungeDoc {
    pub front_leg: &'static str,
    pub step_over_leg: Option<f64>,
    pub front_knee_past_toes_over_leg: Option<f64>,
    pub side_shift_m: Option<f64>,
    pub back_knee_height_over_leg: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct L5s1Doc {
    pub moment_nm: f64,
    pub compression_n: f64,
    pub compression_bw: f64,
    pub shear_n_neutral: f64,
    pub shear_n_flexed: f64,
    pub compression_limit: &'static str,
    pub shear_limit_neutral: &'static str,
    pub shear_limit_flexed: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FaultDoc {
    pub id: String,
    pub measure: String,
    pub value: f64,
    pub threshold: f64,
    pub confidence: f64,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CameraDoc {
    pub yaw_deg: Option<f64>,
    pub side_on: bool,
    pub message: String,
}

impl FaultDoc {
    pub fn new(f: &Fault) -> FaultDoc {
        FaultDoc {
            id: f.id.to_string(),
            measure: f.measure.to_string(),
            value: f.value,
            threshold: f.threshold,
            confidence: f.confidence,
            source: f.source.to_string(),
        }
    }
}

impl L5s1Doc {
    pub fn new(l: &L5s1Peak) -> L5s1Doc {
        L5s1Doc {
            moment_nm: l.moment_nm,
            compression_n: l.compression_n,
            compression_bw: l.compression_bw,
            shear_n_neutral: l.shear_n_neutral,
            shear_n_flexed: l.shear_n_flexed,
            compression_limit: l.compression_limit,
            shear_limit_neutral: l.shear_limit_neutral,
            shear_limit_flexed: l.shear_limit_flexed,
        }
    }
}

impl RepDoc {
    pub fn new(r: &RepMeasures) -> RepDoc {
        let faults: Vec<FaultDoc> = r.faults.iter().map(FaultDoc::new).collect();
        RepDoc {
            index: r.index,
            partial: r.partial,
            start_s: r.start_s,
            bottom_s: r.bottom_s,
            end_s: r.end_s,
            descent_s: r.descent_s,
            ascent_s: r.ascent_s,
            hip_below_knee_m: r.hip_below_knee_m,
            hip_below_knee_over_leg: r.hip_below_knee_over_leg,
            depth_below_parallel: r.depth_below_parallel,
            hip_drop_m: r.hip_drop_m,
            hip_drop_over_leg: r.hip_drop_over_leg,
            peak_trunk_lean_deg: r.peak_trunk_lean_deg,
            hip_flexion_bottom_deg: r.hip_flexion_bottom_deg,
            knee_flexion_bottom_deg: r.knee_flexion_bottom_deg,
            shin_angle_bottom_deg: r.shin_angle_bottom_deg,
            ascent_lean_increase_deg: r.ascent_lean_increase_deg,
            trunk_lean_range_deg: r.trunk_lean_range_deg,
            hinge: r.hinge.as_ref().map(|h: &HingeMeasures| HingeDoc {
                trunk_angle_bottom_deg: h.trunk_angle_bottom_deg,
                hip_to_knee_flexion_ratio: h.hip_to_knee_flexion_ratio,
            }),
            lunge: r.lunge.as_ref().map(|l: &LungeMeasures| LungeDoc {
                front_leg: l.front_leg,
                step_over_leg: l.step_over_leg,
                front_knee_past_toes_over_leg: l.front_knee_past_toes_over_leg,
                side_shift_m: l.side_shift_m,
                back_knee_height_over_leg: l.back_knee_height_over_leg,
            }),
            l5s1: r.l5s1.as_ref().map(L5s1Doc::new),
            fault_objects: faults.clone(),
            verdict: r.verdict,
            verdict_reasons: r.verdict_reasons.clone(),
            faults: r.faults.iter().map(|f| f.id.to_string()).collect(),
            fault_details: faults,
        }
    }
}

impl CameraDoc {
    pub fn new(c: &CameraCheck) -> CameraDoc {
        CameraDoc { yaw_deg: c.yaw_deg, side_on: c.side_on, message: c.message.clone() }
    }
}

fn movement_id(m: Movement) -> &'static str {
    m.id()
}

impl AnalysisDoc {
    /// The document of `analysis`, asked as `asked`, with the cause finder's `observations`.
    pub fn new(asked: &AnalysisAsked<'_>, analysis: &Analysis, observations: Vec<String>) -> AnalysisDoc {
        AnalysisDoc {
            input: asked.input.to_string(),
            exercise: asked.exercise.to_string(),
            movement: movement_id(analysis.movement),
            body_mass_kg: asked.body_mass_kg,
            height_m: asked.height_m,
            load_kg: asked.load_kg,
            rep_count: analysis.rep_count,
            reps: analysis.reps.iter().map(RepDoc::new).collect(),
            verdict: if asked.single_rep { analysis.reps.first().and_then(|r| r.verdict) } else { None },
            camera: CameraDoc::new(&analysis.camera),
            butt_wink: analysis.butt_wink.to_string(),
            leg_length_m: analysis.leg_length_m,
            diagnostics: analysis.diagnostics.clone(),
            observations,
        }
    }
}

/// The keypoint document (spec/movement.md's keypoint JSON), as the pose step writes it: the
/// clip-wide fields first, in the spec's order (`fps`, `width`, `height`, `layout`, then
/// `frames`; in a frame `t`, `landmarks`, `world_landmarks`), written compact. With the clip-wide
/// fields before the frames, a streaming reader hands each frame on as it reads it (with them
/// after, as the files written before issue 11 had them, it must keep the frames until the end).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeypointsDoc {
    pub fps: f64,
    pub width: u32,
    pub height: u32,
    /// `blazepose33` or `coco17`.
    pub layout: &'static str,
    pub frames: Vec<FrameDoc>,
}

/// One frame of a [`KeypointsDoc`]: time in seconds, image landmarks `[x, y, z, visibility]`
/// (`null`: no person), world landmarks `[x, y, z]` in metres when the model gives them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrameDoc {
    pub t: f64,
    pub landmarks: Option<Vec<[f64; 4]>>,
    pub world_landmarks: Option<Vec<[f64; 3]>>,
}

impl FrameDoc {
    pub fn new(f: &KeypointFrame) -> FrameDoc {
        FrameDoc {
            t: f.t,
            landmarks: f.landmarks.as_ref().map(|l| l.iter().map(|k| [k.x, k.y, k.z, k.visibility]).collect()),
            world_landmarks: f.world_landmarks.clone(),
        }
    }
}

impl KeypointsDoc {
    pub fn new(seq: &KeypointSequence) -> KeypointsDoc {
        KeypointsDoc { fps: seq.fps, width: seq.width, height: seq.height, layout: seq.layout.id(), frames: seq.frames.iter().map(FrameDoc::new).collect() }
    }

    /// The document's text before the first frame, for a writer that streams the frames (each
    /// frame compact, separated by `,`): with [`KeypointsDoc::TAIL`] after the last, the same
    /// bytes as `serde_json::to_string(&KeypointsDoc::new(..))`.
    pub fn head(fps: f64, width: u32, height: u32, layout: Layout) -> String {
        // Written through serde_json so a number reads exactly as in the whole document.
        let fps = serde_json::to_string(&fps).unwrap_or_else(|_| "null".into());
        format!("{{\"fps\":{fps},\"width\":{width},\"height\":{height},\"layout\":\"{}\",\"frames\":[", layout.id())
    }

    /// The document's text after the last frame.
    pub const TAIL: &'static str = "]}";
}

/// What the pose step did (`spotter pose --stats FILE`), for the user and for the speed
/// comparison (`bench/compare-pose.sh`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PoseStatsDoc {
    pub video: String,
    /// `lite`, `full` or `heavy`.
    pub model: &'static str,
    pub threads: usize,
    pub width_px: u32,
    pub height_px: u32,
    pub rotation_cw_deg: u32,
    pub codec: String,
    pub frames: u64,
    pub frames_with_person: u64,
    /// Frames on which the person detector ran (the first, and each time tracking was lost).
    pub detector_runs: u64,
    /// Frames where the detector saw more than one person (only the most likely is tracked).
    pub frames_with_several_people: u64,
    /// Loading and preparing both networks, seconds.
    pub model_load_s: f64,
    /// From the first frame asked for to the last one's keypoints, seconds (decode overlapped).
    pub wall_s: f64,
    /// Frames per second over `wall_s`: decoding, pose and tracking, end to end.
    pub fps_end_to_end: f64,
    /// Time spent in the pose step alone (crops, networks, tracking), seconds.
    pub pose_s: f64,
    /// Frames per second of the pose step alone.
    pub fps_pose: f64,
    /// Median time of the pose step per frame, milliseconds.
    pub pose_ms_median: f64,
    /// Time the pose step waited for the decoder, seconds.
    pub decode_wait_s: f64,
    pub diagnostics: Vec<String>,
}

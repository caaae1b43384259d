//! Spotter's movement analysis (spec/movement.md): keypoint sequences (BlazePose 33 or COCO 17)
//! and motion-capture markers in, joint angles, repetitions, faults and the load on the L5/S1 disc
//! out. Pure math: parsers take `&str` (or a `serde_json::Deserializer` the caller built over its
//! own reader), nothing here reads files or keeps time. `stream` is the analysis engine every
//! input goes through (frame by frame, bounded memory); `analysis` holds the per-rep measures it
//! uses and the whole-clip reference it is tested against (and the calibration runs on);
//! `faults` is the registry of fault, measure and verdict ids.
//!
//! Units are SI inside (metres, seconds, radians, kilograms, newtons); degrees appear only in
//! fields whose name ends in `_deg`.

pub mod keypoints;
pub mod load;
pub mod filter;
pub mod body;
pub mod kinematics;
pub mod reps;
pub mod faults;
pub mod thresholds;
pub mod analysis;
pub mod mocap;
pub mod stream;
pub mod plausibility;

//! Spotter's movement analysis (spec/movement.md): keypoint sequences (BlazePose 33 or COCO 17)
//! and motion-capture markers in, joint angles, repetitions, faults and the load on the L5/S1 disc
//! out. Pure math: parsers take `&str` (or a `serde_json::Deserializer` the caller built over its
//! own reader), nothing here reads files or keeps time. `analysis` works on a whole clip; `stream`
//! does the same frame by frame in bounded memory, for hour-long recordings.
//!
//! Units are SI inside (metres, seconds, radians, kilograms, newtons); degrees appear only in
//! fields whose name ends in `_deg`.

pub mod keypoints;
pub mod load;
pub mod filter;
pub mod body;
pub mod kinematics;
pub mod reps;
pub mod thresholds;
pub mod analysis;
pub mod mocap;
pub mod stream;
pub mod plausibility;

//! BlazePose inference on tract: rewrites the shipped tflite models so stock tract-tflite loads
//! them ([`rewrite`]), and runs the person detector and the landmark network as typed calls
//! ([`net`]). Model bytes and f32 tensors in, plain structs out: this crate does no file IO.

pub mod conv;
pub mod dwconv;
pub mod net;
mod nhwc;
pub mod rewrite;
#[cfg(test)]
mod testutil;

pub use net::{
    DETECTOR_ANCHORS, DETECTOR_INPUT_SIZE_PX, DETECTOR_VALUES_PER_ANCHOR, DetectorNet,
    DetectorOutput, HEATMAP_SIZE_PX, InferError, LANDMARK_COUNT, LANDMARK_INPUT_SIZE_PX,
    LANDMARK_VALUES_PER_POINT, LandmarkNet, LandmarkOptions, LandmarkOutput,
};
pub use rewrite::{RewriteError, rewrite_tflite};

//! Spotter's video edge: probes and decodes phone videos with the system ffmpeg/ffprobe into
//! upright RGB frames with their real presentation times, finds the BlazePose model files, and
//! reports progress of long steps.
//!
//! - [`probe`] reads what a file holds ([`VideoInfo`]) with `ffprobe -print_format json`.
//! - [`FrameReader`] streams [`VideoFrame`]s from `ffmpeg -f rawvideo -pix_fmt rgb24` (auto-
//!   rotated, optionally downscaled, optionally on its own thread with a bounded queue).
//!   Problems that still leave frames (a cut-short file) are [`Diagnostic`]s, not errors.
//! - [`ModelPaths::locate`] finds `pose_landmark_{lite,full,heavy}.tflite` and the detector.
//! - [`Progress`] / [`ProgressSink`] / [`IndicatifProgress`] report frames done, rate and ETA.
//!
//! A single picture (JPEG, PNG, ...) is refused with [`VideoError::StillImage`]: the analysis
//! needs a movement over time, and a picture passed by mistake should say so.

mod error;
mod models;
mod probe;
mod progress;
mod reader;
mod tools;

pub use error::VideoError;
pub use models::{
    DETECTOR, LANDMARK_FULL, LANDMARK_HEAVY, LANDMARK_LITE, LandmarkModel, MODEL_FILES, MODELS_ENV, ModelError, ModelFile, ModelPaths,
    NPM_MODEL_DIR, SYSTEM_MODEL_DIR, SearchPlaces,
};
pub use probe::{VideoInfo, probe, probe_with};
pub use progress::{IndicatifProgress, NoProgress, Progress, ProgressSink, ProgressUpdate, duration_words, rate_words, snapshot_at, status_line};
pub use reader::{DecodeOptions, Diagnostic, FrameReader, VideoFrame, output_size};
pub use tools::Tools;

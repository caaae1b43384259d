//! BlazePose as MediaPipe 0.10.14's `solutions.pose` runs it, in pure Rust: person detector
//! decoding ([`anchors`], [`detect`]), regions of interest ([`roi`]), the crops fed to the
//! networks ([`image`]), landmark decoding and projection ([`landmarks`]), temporal smoothing
//! ([`smooth`]) and the tracking state machine ([`tracker`]). The networks themselves sit behind
//! the [`tracker::PoseNets`] trait; with the `tract` feature, [`tract_nets`] runs them with
//! spotter-infer. No IO.

pub mod anchors;
pub mod detect;
pub mod image;
pub mod landmarks;
pub mod roi;
pub mod smooth;
pub mod tracker;
#[cfg(feature = "tract")]
pub mod tract_nets;

pub use image::Frame;
pub use roi::Roi;
pub use tracker::{
    DetectorRaw, Diagnostics, FrameResult, LandmarkRaw, PoseConfig, PoseError, PoseNets, PoseTracker, RoiSource,
};

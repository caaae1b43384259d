//! `PoseNets` backed by spotter-infer's tract networks (feature `tract`): the person detector
//! and a landmark network, loaded from model bytes by the caller.

use spotter_infer::{DetectorNet, InferError, LandmarkNet, LandmarkOptions};

use crate::tracker::{DetectorRaw, LandmarkRaw, PoseNets};

/// The detector and a landmark network (lite, full or heavy) run by tract.
pub struct TractNets {
    pub detector: DetectorNet,
    pub landmark: LandmarkNet,
}

impl TractNets {
    /// Loads both networks from the bytes of `pose_detection.tflite` (npm's
    /// `pose_solution_packed_assets.data`) and `pose_landmark_*.tflite`, with `threads` (≥ 1)
    /// threads each and the heatmap on when `heatmap` is set (MediaPipe refines with it).
    pub fn from_tflite(
        detector: &[u8],
        landmark: &[u8],
        threads: usize,
        heatmap: bool,
    ) -> Result<TractNets, InferError> {
        Ok(TractNets {
            detector: DetectorNet::from_tflite(detector, threads)?,
            landmark: LandmarkNet::from_tflite_with(landmark, LandmarkOptions { threads, heatmap })?,
        })
    }
}

impl PoseNets for TractNets {
    type Error = InferError;

    fn detect(&mut self, input_224: &[f32]) -> Result<DetectorRaw, InferError> {
        let o = self.detector.run(input_224)?;
        Ok(DetectorRaw { boxes: o.boxes, scores: o.scores })
    }

    fn landmarks(&mut self, input_256: &[f32]) -> Result<LandmarkRaw, InferError> {
        let o = self.landmark.run(input_256)?;
        Ok(LandmarkRaw { landmarks: o.landmarks, pose_flag: o.pose_flag, world: o.world, heatmap: o.heatmap })
    }
}

//! The pose tracking state machine of MediaPipe's `PoseLandmarkCpu` graph
//! (mediapipe/modules/pose_landmark/pose_landmark_cpu.pbtxt) with the Python solution's settings
//! (mediapipe/python/solutions/pose.py: detector score ≥ `min_detection_confidence`, presence
//! above `min_tracking_confidence`): run the person detector only when there is no region from
//! the previous frame, take the best detection's region, run the landmark network on that crop,
//! drop the person when presence falls to the threshold or below (the detector runs again on the
//! next frame), smooth, and place the next frame's region from the smoothed auxiliary landmarks.

use spotter_motion::keypoints::{Keypoint, KeypointFrame};

use crate::anchors::{Anchor, pose_detector_anchors};
use crate::detect::{self, NMS_IOU};
use crate::image::{self, DETECTOR_INPUT_PX, Frame, LANDMARK_INPUT_PX};
use crate::landmarks::{self, AUX_FIRST, BODY_LANDMARKS, NETWORK_LANDMARKS, VALUES_PER_LANDMARK};
use crate::roi::{self, Roi};
use crate::smooth::{self, AUX_LANDMARKS, POSE_LANDMARKS, PointSmoother, VisibilitySmoother, WORLD_LANDMARKS};

/// Raw person-detector outputs, as the network gives them.
#[derive(Debug, Clone, PartialEq)]
pub struct DetectorRaw {
    /// 2254 × 12 regressors, anchor-major: box centre x, y offsets, width, height, then 4
    /// keypoints (x, y), all in 224-px input pixels relative to the anchor centre.
    pub boxes: Vec<f32>,
    /// 2254 score logits.
    pub scores: Vec<f32>,
}

/// Raw landmark-network outputs, as the network gives them.
#[derive(Debug, Clone, PartialEq)]
pub struct LandmarkRaw {
    /// 39 × 5: x, y, z in 256-px crop pixels, visibility logit, presence logit.
    pub landmarks: Vec<f32>,
    /// Pose presence probability, 0..1.
    pub pose_flag: f32,
    /// 39 × 3 world landmarks, metres, in the crop's axes.
    pub world: Vec<f32>,
    /// 64 × 64 × 39 heatmap logits (HWC), when the network was asked for it.
    pub heatmap: Option<Vec<f32>>,
}

/// The two networks, however they are run.
pub trait PoseNets {
    type Error: std::error::Error + Send + Sync + 'static;
    /// Runs the person detector on a 224×224×3 NHWC input with values in −1..1.
    fn detect(&mut self, input_224: &[f32]) -> Result<DetectorRaw, Self::Error>;
    /// Runs the landmark network on a 256×256×3 NHWC crop with values in 0..1.
    fn landmarks(&mut self, input_256: &[f32]) -> Result<LandmarkRaw, Self::Error>;
}

/// Why a frame could not be processed.
#[derive(Debug, thiserror::Error)]
pub enum PoseError {
    #[error("the {network} network failed at t = {t_s} s: {source}")]
    Net { network: &'static str, t_s: f64, source: Box<dyn std::error::Error + Send + Sync> },
    #[error("the {network} network's `{output}` has {got} values, expected {expected}")]
    OutputSize { network: &'static str, output: &'static str, expected: usize, got: usize },
    #[error("frame time {t_s} s must be finite and after the previous frame's {last_t_s} s")]
    Time { t_s: f64, last_t_s: f64 },
}

/// Settings, defaulting to MediaPipe's solution defaults.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PoseConfig {
    /// Detector score (0..1) a person needs to be found.
    pub min_detection_confidence: f32,
    /// Pose presence (0..1) the tracked person must exceed to be kept.
    pub min_tracking_confidence: f32,
    /// Temporal smoothing of landmarks, world landmarks and the region.
    pub smooth_landmarks: bool,
    /// Refine landmark positions with the network's heatmap when it gives one.
    pub refine_with_heatmap: bool,
}

impl Default for PoseConfig {
    fn default() -> Self {
        PoseConfig {
            min_detection_confidence: 0.5,
            min_tracking_confidence: 0.5,
            smooth_landmarks: true,
            refine_with_heatmap: true,
        }
    }
}

/// Where this frame's region came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoiSource {
    /// The person detector, run on this frame.
    Detection,
    /// The previous frame's auxiliary landmarks.
    PreviousFrame,
}

/// What happened on one frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostics {
    /// The detector ran on this frame.
    pub detector_ran: bool,
    /// People the detector found (after merging overlaps), when it ran; more than one means
    /// someone else is in view (only the best is tracked).
    pub people_detected: Option<usize>,
    /// Pose presence from the landmark network (0..1), when it ran.
    pub presence: Option<f32>,
    /// The region the landmark network saw, when it ran.
    pub roi: Option<Roi>,
    pub roi_source: Option<RoiSource>,
    /// Landmarks before smoothing (same layout as the output), when a person was found.
    pub unsmoothed: Option<Vec<Keypoint>>,
}

/// One frame's landmarks and diagnostics.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameResult {
    pub keypoints: KeypointFrame,
    pub diagnostics: Diagnostics,
}

/// Tracks one person through a video, frame by frame.
pub struct PoseTracker<N: PoseNets> {
    nets: N,
    config: PoseConfig,
    anchors: Vec<Anchor>,
    prev_roi: Option<Roi>,
    last_t_s: Option<f64>,
    det_input: Vec<f32>,
    lm_input: Vec<f32>,
    vis: VisibilitySmoother,
    body: PointSmoother,
    aux: PointSmoother,
    world: PointSmoother,
}

impl<N: PoseNets> PoseTracker<N> {
    pub fn new(nets: N, config: PoseConfig) -> PoseTracker<N> {
        PoseTracker {
            nets,
            config,
            anchors: pose_detector_anchors(),
            prev_roi: None,
            last_t_s: None,
            det_input: vec![0.0; DETECTOR_INPUT_PX * DETECTOR_INPUT_PX * 3],
            lm_input: vec![0.0; LANDMARK_INPUT_PX * LANDMARK_INPUT_PX * 3],
            vis: VisibilitySmoother::default(),
            body: PointSmoother::new(POSE_LANDMARKS),
            aux: PointSmoother::new(AUX_LANDMARKS),
            world: PointSmoother::new(WORLD_LANDMARKS),
        }
    }

    /// The networks (for timing or swapping state).
    pub fn nets_mut(&mut self) -> &mut N {
        &mut self.nets
    }

    /// The region the next frame will use without running the detector, if any.
    pub fn tracked_roi(&self) -> Option<Roi> {
        self.prev_roi
    }

    fn lose(&mut self) {
        self.prev_roi = None;
        self.vis.reset();
        self.body.reset();
        self.aux.reset();
        self.world.reset();
    }

    /// Processes one frame seen at `t_s` seconds (strictly increasing; gaps may vary).
    pub fn process(&mut self, frame: &Frame, t_s: f64) -> Result<FrameResult, PoseError> {
        let last = self.last_t_s.unwrap_or(f64::NEG_INFINITY);
        if !t_s.is_finite() || t_s <= last {
            return Err(PoseError::Time { t_s, last_t_s: last });
        }
        self.last_t_s = Some(t_s);
        let t_ns = smooth::seconds_to_ns(t_s);
        let (fw, fh) = (frame.width(), frame.height());
        let mut diag = Diagnostics {
            detector_ran: false,
            people_detected: None,
            presence: None,
            roi: None,
            roi_source: None,
            unsmoothed: None,
        };
        let empty = |diag: Diagnostics| FrameResult {
            keypoints: KeypointFrame { t: t_s, landmarks: None, world_landmarks: None },
            diagnostics: diag,
        };

        let (roi, source) = match self.prev_roi.take() {
            Some(r) => (r, RoiSource::PreviousFrame),
            None => {
                diag.detector_ran = true;
                let found = self.detect(frame, t_s)?;
                diag.people_detected = Some(found.len());
                let Some(best) = found.first() else {
                    self.lose();
                    return Ok(empty(diag));
                };
                (roi::roi_from_points(best.keypoints[0], best.keypoints[1], fw, fh), RoiSource::Detection)
            }
        };
        if !roi.is_valid() {
            self.lose();
            return Ok(empty(diag));
        }
        diag.roi = Some(roi);
        diag.roi_source = Some(source);

        let Some(pad) = image::landmark_input(frame, &roi, &mut self.lm_input) else {
            unreachable_len();
            return Ok(empty(diag));
        };
        let raw = self.nets.landmarks(&self.lm_input).map_err(|e| PoseError::Net {
            network: "landmark",
            t_s,
            source: Box::new(e),
        })?;
        check_len("landmark", "landmarks", NETWORK_LANDMARKS * VALUES_PER_LANDMARK, raw.landmarks.len())?;
        check_len("landmark", "world", NETWORK_LANDMARKS * 3, raw.world.len())?;
        diag.presence = Some(raw.pose_flag);
        if raw.pose_flag.is_nan() || raw.pose_flag <= self.config.min_tracking_confidence {
            self.lose();
            return Ok(empty(diag));
        }

        let mut lms = landmarks::decode(&raw.landmarks).unwrap_or_default();
        if self.config.refine_with_heatmap
            && let Some(hm) = &raw.heatmap
        {
            let side = ((hm.len() / NETWORK_LANDMARKS) as f64).sqrt().round() as usize;
            if !landmarks::refine_from_heatmap(&mut lms, hm, side) {
                return Err(PoseError::OutputSize {
                    network: "landmark",
                    output: "heatmap",
                    expected: 64 * 64 * NETWORK_LANDMARKS,
                    got: hm.len(),
                });
            }
        }
        landmarks::remove_letterbox(&mut lms, &pad);
        landmarks::project(&mut lms, &roi);
        let world_raw = landmarks::project_world(&raw.world, roi.rotation).unwrap_or_default();

        let (w, h) = (fw as f64, fh as f64);
        // Body landmarks in pixels (z scaled like x), as MediaPipe filters them.
        let mut body: Vec<[f64; 3]> =
            lms[..BODY_LANDMARKS].iter().map(|l| [l.x as f64 * w, l.y as f64 * h, l.z as f64 * w]).collect();
        let mut vis: Vec<f64> = lms[..BODY_LANDMARKS].iter().map(|l| l.visibility as f64).collect();
        let mut aux: Vec<[f64; 3]> =
            lms[AUX_FIRST..AUX_FIRST + 2].iter().map(|l| [l.x as f64 * w, l.y as f64 * h, l.z as f64 * w]).collect();
        let mut world: Vec<[f64; 3]> = world_raw.iter().map(|p| [p[0] as f64, p[1] as f64, p[2] as f64]).collect();
        diag.unsmoothed = Some(to_keypoints(&body, &vis, w, h));

        if self.config.smooth_landmarks {
            let a = &lms[AUX_FIRST..AUX_FIRST + 2];
            let scale = roi::object_scale_px([a[0].x, a[0].y], [a[1].x, a[1].y], fw, fh) as f64;
            self.vis.apply(&mut vis);
            self.body.apply(&mut body, t_ns, Some(scale));
            self.world.apply(&mut world, t_ns, None);
            self.aux.apply(&mut aux, t_ns, Some(scale));
        }
        let p0 = [(aux[0][0] / w) as f32, (aux[0][1] / h) as f32];
        let p1 = [(aux[1][0] / w) as f32, (aux[1][1] / h) as f32];
        let next = roi::roi_from_points(p0, p1, fw, fh);
        self.prev_roi = next.is_valid().then_some(next);

        Ok(FrameResult {
            keypoints: KeypointFrame {
                t: t_s,
                landmarks: Some(to_keypoints(&body, &vis, w, h)),
                world_landmarks: Some(world),
            },
            diagnostics: diag,
        })
    }

    /// Runs the detector on the whole frame: people found, best first, in frame coordinates.
    fn detect(&mut self, frame: &Frame, t_s: f64) -> Result<Vec<detect::Detection>, PoseError> {
        let Some(pad) = image::detector_input(frame, &mut self.det_input) else {
            unreachable_len();
            return Ok(Vec::new());
        };
        let raw = self.nets.detect(&self.det_input).map_err(|e| PoseError::Net {
            network: "detector",
            t_s,
            source: Box::new(e),
        })?;
        check_len("detector", "boxes", self.anchors.len() * detect::VALUES_PER_ANCHOR, raw.boxes.len())?;
        check_len("detector", "scores", self.anchors.len(), raw.scores.len())?;
        let dets = detect::decode(&raw.boxes, &raw.scores, &self.anchors, self.config.min_detection_confidence)
            .unwrap_or_default();
        Ok(detect::weighted_nms(dets, NMS_IOU).iter().map(|d| detect::remove_letterbox(d, &pad)).collect())
    }
}

/// The input buffers are sized at construction, so the warp cannot refuse them.
fn unreachable_len() {
    debug_assert!(false, "input buffer length is fixed at construction");
}

fn check_len(network: &'static str, output: &'static str, expected: usize, got: usize) -> Result<(), PoseError> {
    if expected == got { Ok(()) } else { Err(PoseError::OutputSize { network, output, expected, got }) }
}

fn to_keypoints(px: &[[f64; 3]], vis: &[f64], w: f64, h: f64) -> Vec<Keypoint> {
    px.iter()
        .zip(vis)
        .map(|(p, v)| Keypoint { x: p[0] / w, y: p[1] / h, z: p[2] / w, visibility: v.clamp(0.0, 1.0) })
        .collect()
}

#[cfg(test)]
mod tests;

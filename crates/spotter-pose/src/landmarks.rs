//! Landmark-network decoding as MediaPipe's pose graph does it
//! (mediapipe/modules/pose_landmark/pose_landmark_by_roi_post_processing.pbtxt):
//! `TensorsToLandmarksCalculator` (tensors_to_landmarks_calculator.cc: x, y, z divided by the
//! 256-px input side, sigmoid on visibility and presence), `RefineLandmarksFromHeatmapCalculator`
//! (refine_landmarks_from_heatmap_calculator.cc, kernel 7, confidence 0.5),
//! `LandmarkLetterboxRemovalCalculator`, `LandmarkProjectionCalculator`
//! (landmark_projection_calculator.cc: rotate about the crop centre, scale by the region, z
//! scaled like x) and `WorldLandmarkProjectionCalculator` (world_landmark_projection_calculator.cc:
//! rotate x, y by the region's rotation).

use crate::roi::Roi;

/// Landmarks the network outputs (33 body + 2 auxiliary + 4 unused).
pub const NETWORK_LANDMARKS: usize = 39;
/// Body landmarks reported.
pub const BODY_LANDMARKS: usize = 33;
/// Index of the first auxiliary (region) landmark; the second follows.
pub const AUX_FIRST: usize = 33;
/// Values per landmark in the raw output.
pub const VALUES_PER_LANDMARK: usize = 5;
/// The landmark crop side the raw coordinates are in, pixels.
pub const CROP_PX: f32 = 256.0;
/// Heatmap refinement window side, cells.
pub const HEATMAP_KERNEL: usize = 7;
/// Minimum heatmap confidence (sigmoid) in the window for a landmark to be moved.
pub const HEATMAP_MIN_CONFIDENCE: f32 = 0.5;

/// One landmark: x, y normalised (0..1 of the crop, or of the frame after [`project`]); z in
/// the same scale as x; visibility and presence 0..1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NormLandmark {
    pub x: f32,
    pub y: f32,
    pub z: f32,
    pub visibility: f32,
    pub presence: f32,
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// Decodes the raw 39 × 5 output into crop-normalised landmarks. `None` on a wrong length.
pub fn decode(raw: &[f32]) -> Option<Vec<NormLandmark>> {
    if raw.len() != NETWORK_LANDMARKS * VALUES_PER_LANDMARK {
        return None;
    }
    Some(
        raw.chunks_exact(VALUES_PER_LANDMARK)
            .map(|v| NormLandmark {
                x: v[0] / CROP_PX,
                y: v[1] / CROP_PX,
                z: v[2] / CROP_PX,
                visibility: sigmoid(v[3]),
                presence: sigmoid(v[4]),
            })
            .collect(),
    )
}

/// Moves each landmark to the confidence-weighted mean cell of a 7×7 window of its heatmap
/// (values are logits; `heatmap` is `side × side × lms.len()`, HWC), when the window's best
/// confidence reaches 0.5. Returns `false` (nothing changed) on a wrong heatmap length.
/// Mirrors MediaPipe exactly, including that a landmark is skipped only when its column (not
/// its row) is outside the map and that the new position is the cell index over the side.
pub fn refine_from_heatmap(lms: &mut [NormLandmark], heatmap: &[f32], side: usize) -> bool {
    let ch = lms.len();
    if heatmap.len() != side * side * ch || side == 0 {
        return false;
    }
    let s = side as i64;
    let off = (HEATMAP_KERNEL as i64 - 1) / 2;
    for (i, lm) in lms.iter_mut().enumerate() {
        // Truncation toward zero, as a C++ float→int conversion.
        let col = (lm.x * side as f32) as i64;
        let row = (lm.y * side as f32) as i64;
        if col < 0 || col >= s || row < 0 {
            continue;
        }
        let (mut sum, mut wc, mut wr, mut maxc) = (0f32, 0f32, 0f32, 0f32);
        for r in (row - off).max(0)..(row + off + 1).min(s) {
            for c in (col - off).max(0)..(col + off + 1).min(s) {
                let conf = sigmoid(heatmap[(r as usize * side + c as usize) * ch + i]);
                sum += conf;
                maxc = maxc.max(conf);
                wc += c as f32 * conf;
                wr += r as f32 * conf;
            }
        }
        if maxc >= HEATMAP_MIN_CONFIDENCE && sum > 0.0 {
            lm.x = wc / side as f32 / sum;
            lm.y = wr / side as f32 / sum;
        }
    }
    true
}

/// Undoes the crop's letterbox (padding left, top, right, bottom as fractions of the crop).
pub fn remove_letterbox(lms: &mut [NormLandmark], pad: &[f32; 4]) {
    let sx = 1.0 - pad[0] - pad[2];
    let sy = 1.0 - pad[1] - pad[3];
    for lm in lms {
        lm.x = (lm.x - pad[0]) / sx;
        lm.y = (lm.y - pad[1]) / sy;
        lm.z /= sx;
    }
}

/// Maps crop-normalised landmarks into frame-normalised ones through the region `roi`:
/// rotate about the crop centre by the region's rotation, scale by its size, shift to its
/// centre; z is scaled by the region's width like x.
pub fn project(lms: &mut [NormLandmark], roi: &Roi) {
    let (s, c) = roi.rotation.sin_cos();
    for lm in lms {
        let (x, y) = (lm.x - 0.5, lm.y - 0.5);
        lm.x = (c * x - s * y) * roi.width + roi.x_center;
        lm.y = (s * x + c * y) * roi.height + roi.y_center;
        lm.z *= roi.width;
    }
}

/// The inverse of [`project`] for x and y (used by tests and diagnostics).
pub fn unproject(x: f32, y: f32, roi: &Roi) -> (f32, f32) {
    let (s, c) = roi.rotation.sin_cos();
    let (u, v) = ((x - roi.x_center) / roi.width, (y - roi.y_center) / roi.height);
    (c * u + s * v + 0.5, -s * u + c * v + 0.5)
}

/// World landmarks (raw 39 × 3, metres, axes of the crop) rotated back by the region's rotation
/// into the frame's axes (x right, y down, z unchanged). Only the 33 body landmarks are kept.
/// `None` on a wrong length.
pub fn project_world(raw: &[f32], rotation: f32) -> Option<Vec<[f32; 3]>> {
    if raw.len() != NETWORK_LANDMARKS * 3 {
        return None;
    }
    let (s, c) = rotation.sin_cos();
    Some(raw.chunks_exact(3).take(BODY_LANDMARKS).map(|p| [c * p[0] - s * p[1], s * p[0] + c * p[1], p[2]]).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_scales_and_applies_sigmoids() {
        let mut raw = vec![0f32; 195];
        raw[0..5].copy_from_slice(&[128.0, 64.0, -25.6, 0.0, 2.0]);
        let l = decode(&raw).expect("length");
        assert_eq!(l.len(), 39);
        assert_eq!((l[0].x, l[0].y, l[0].z), (0.5, 0.25, -0.1));
        assert_eq!(l[0].visibility, 0.5);
        assert!((l[0].presence - 0.880_797).abs() < 1e-5);
        assert!(decode(&raw[..194]).is_none());
    }

    #[test]
    fn projection_round_trips_through_a_rotated_region() {
        // A square region in pixels on a 608×1080 frame, rotated 0.5 rad.
        let (fw, fh) = (608.0f32, 1080.0f32);
        let side = 400.0;
        let roi = Roi { x_center: 0.45, y_center: 0.6, width: side / fw, height: side / fh, rotation: 0.5 };
        for &(x, y) in &[(0.45f32, 0.6f32), (0.3, 0.5), (0.6, 0.75), (0.5, 0.45)] {
            let (u, v) = unproject(x, y, &roi);
            let mut l = [NormLandmark { x: u, y: v, z: 0.1, visibility: 1.0, presence: 1.0 }];
            project(&mut l, &roi);
            assert!((l[0].x - x).abs() < 1e-5 && (l[0].y - y).abs() < 1e-5, "{x},{y} -> {u},{v} -> {:?}", l[0]);
            assert!((l[0].z - 0.1 * roi.width).abs() < 1e-7);
        }
        // The crop's centre is the region's centre; the crop's top-centre lies half a side
        // from it, against the rotated up direction, in pixels.
        let mut l = [NormLandmark { x: 0.5, y: 0.0, z: 0.0, visibility: 1.0, presence: 1.0 }];
        project(&mut l, &roi);
        let (dx, dy) = ((l[0].x - 0.45) * fw, (l[0].y - 0.6) * fh);
        assert!((dx - 200.0 * 0.5f32.sin()).abs() < 1e-2, "{dx}");
        assert!((dy + 200.0 * 0.5f32.cos()).abs() < 1e-2, "{dy}");
    }

    #[test]
    fn world_landmarks_rotate_back() {
        let mut raw = vec![0f32; 117];
        raw[0..3].copy_from_slice(&[1.0, 0.0, 0.3]);
        let w = project_world(&raw, std::f32::consts::FRAC_PI_2).expect("length");
        assert_eq!(w.len(), 33);
        assert!(w[0][0].abs() < 1e-6 && (w[0][1] - 1.0).abs() < 1e-6 && w[0][2] == 0.3);
    }

    #[test]
    fn heatmap_moves_a_landmark_to_the_weighted_peak() {
        let side = 64;
        let ch = 2;
        let mut hm = vec![-20f32; side * side * ch];
        // Landmark 0: a confident peak at cell (col 10, row 20), and half as much at col 11.
        hm[(20 * side + 10) * ch] = 20.0;
        hm[(20 * side + 11) * ch] = 0.0; // sigmoid 0.5
        let mut lms = vec![NormLandmark { x: 12.0 / 64.0, y: 21.0 / 64.0, z: 0.0, visibility: 1.0, presence: 1.0 }; 2];
        assert!(refine_from_heatmap(&mut lms, &hm, side));
        let x = (10.0 * 1.0 + 11.0 * 0.5) / 1.5 / 64.0;
        assert!((lms[0].x - x).abs() < 1e-4, "{}", lms[0].x);
        assert!((lms[0].y - 20.0 / 64.0).abs() < 1e-4);
        // Landmark 1 has no confident cell: unchanged.
        assert_eq!(lms[1].x, 12.0 / 64.0);
        assert!(!refine_from_heatmap(&mut lms, &hm[1..], side));
    }
}

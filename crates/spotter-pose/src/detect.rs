//! Person-detector post-processing as MediaPipe's pose detection graph does it
//! (mediapipe/modules/pose_detection/pose_detection_cpu.pbtxt): decode the raw regressors against
//! the SSD anchors (`TensorsToDetectionsCalculator`, tensors_to_detections_calculator.cc), keep
//! scores at or above the threshold, weighted non-max suppression at IoU 0.3
//! (non_max_suppression_calculator.cc, `WEIGHTED`), then undo the letterbox
//! (detection_letterbox_removal_calculator.cc).

use crate::anchors::{ANCHOR_COUNT, Anchor};

/// Raw values per anchor: box (4) then 4 keypoints × (x, y).
pub const VALUES_PER_ANCHOR: usize = 12;
/// Detector regressor scale: offsets are in pixels of the 224-px input.
const COORD_SCALE_PX: f32 = 224.0;
/// Logits are clipped to ±this before the sigmoid (`score_clipping_thresh`).
const SCORE_CLIP: f32 = 100.0;
/// IoU above which boxes are merged (`min_suppression_threshold`).
pub const NMS_IOU: f32 = 0.3;

/// One detected person. Coordinates are normalised (0..1) to the image they were decoded
/// against: the letterboxed detector input, or the frame after [`remove_letterbox`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detection {
    /// Sigmoid score, 0..1.
    pub score: f32,
    pub xmin: f32,
    pub ymin: f32,
    pub width: f32,
    pub height: f32,
    /// Keypoints (x, y): 0 mid-hip, 1 full-body size/rotation point, 2 mid-shoulder, 3
    /// upper-body size/rotation point.
    pub keypoints: [[f32; 2]; 4],
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// Decodes raw detector outputs (`boxes`: 2254 × 12, `scores`: 2254 logits) into detections
/// with a score of at least `min_score` (0..1), in anchor order. Returns `None` when the slices
/// have the wrong lengths.
pub fn decode(boxes: &[f32], scores: &[f32], anchors: &[Anchor], min_score: f32) -> Option<Vec<Detection>> {
    if boxes.len() != ANCHOR_COUNT * VALUES_PER_ANCHOR || scores.len() != ANCHOR_COUNT || anchors.len() != ANCHOR_COUNT
    {
        return None;
    }
    let mut out = Vec::new();
    for (i, a) in anchors.iter().enumerate() {
        let score = sigmoid(scores[i].clamp(-SCORE_CLIP, SCORE_CLIP));
        if score < min_score || score.is_nan() {
            continue;
        }
        let r = &boxes[i * VALUES_PER_ANCHOR..(i + 1) * VALUES_PER_ANCHOR];
        // reverse_output_order: x before y, width before height; anchor size is 1 (fixed).
        let xc = r[0] / COORD_SCALE_PX + a.x_center;
        let yc = r[1] / COORD_SCALE_PX + a.y_center;
        let w = r[2] / COORD_SCALE_PX;
        let h = r[3] / COORD_SCALE_PX;
        let mut keypoints = [[0.0; 2]; 4];
        for (k, kp) in keypoints.iter_mut().enumerate() {
            kp[0] = r[4 + 2 * k] / COORD_SCALE_PX + a.x_center;
            kp[1] = r[5 + 2 * k] / COORD_SCALE_PX + a.y_center;
        }
        out.push(Detection { score, xmin: xc - w / 2.0, ymin: yc - h / 2.0, width: w, height: h, keypoints });
    }
    Some(out)
}

/// Intersection over union of two boxes (0 when they do not overlap).
pub fn iou(a: &Detection, b: &Detection) -> f32 {
    let ix0 = a.xmin.max(b.xmin);
    let iy0 = a.ymin.max(b.ymin);
    let ix1 = (a.xmin + a.width).min(b.xmin + b.width);
    let iy1 = (a.ymin + a.height).min(b.ymin + b.height);
    if ix1 < ix0 || iy1 < iy0 {
        return 0.0;
    }
    let inter = (ix1 - ix0) * (iy1 - iy0);
    let union = a.width * a.height + b.width * b.height - inter;
    if union > 0.0 { inter / union } else { 0.0 }
}

/// Weighted non-max suppression: take the best remaining detection, gather every remaining one
/// whose IoU with it exceeds `iou_threshold` (itself included), and output their score-weighted
/// mean box and keypoints with the best one's score. Output is in descending score order.
pub fn weighted_nms(mut dets: Vec<Detection>, iou_threshold: f32) -> Vec<Detection> {
    // Stable sort, best first.
    dets.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut out = Vec::new();
    let mut remaining = dets;
    while let Some(best) = remaining.first().copied() {
        let (cands, rest): (Vec<Detection>, Vec<Detection>) =
            remaining.into_iter().partition(|d| iou(d, &best) > iou_threshold);
        let matched_any = !cands.is_empty();
        let mut merged = best;
        if matched_any {
            let total: f32 = cands.iter().map(|d| d.score).sum();
            let (mut x0, mut y0, mut x1, mut y1) = (0.0, 0.0, 0.0, 0.0);
            let mut kps = [[0.0f32; 2]; 4];
            for d in &cands {
                x0 += d.xmin * d.score;
                y0 += d.ymin * d.score;
                x1 += (d.xmin + d.width) * d.score;
                y1 += (d.ymin + d.height) * d.score;
                for (k, kp) in kps.iter_mut().enumerate() {
                    kp[0] += d.keypoints[k][0] * d.score;
                    kp[1] += d.keypoints[k][1] * d.score;
                }
            }
            merged.xmin = x0 / total;
            merged.ymin = y0 / total;
            merged.width = (x1 - x0) / total;
            merged.height = (y1 - y0) / total;
            for kp in &mut kps {
                kp[0] /= total;
                kp[1] /= total;
            }
            merged.keypoints = kps;
        }
        out.push(merged);
        // A NaN box matches nothing, not even itself: drop it rather than loop forever.
        remaining = if matched_any { rest } else { rest.into_iter().skip(1).collect() };
    }
    out
}

/// Letterbox padding as fractions of the padded square: left, top, right, bottom.
pub type Padding = [f32; 4];

/// Maps a detection from the letterboxed input back to the frame it was cut from.
pub fn remove_letterbox(d: &Detection, pad: &Padding) -> Detection {
    let (left, top) = (pad[0], pad[1]);
    let sx = 1.0 - pad[0] - pad[2];
    let sy = 1.0 - pad[1] - pad[3];
    let mut out = *d;
    out.xmin = (d.xmin - left) / sx;
    out.ymin = (d.ymin - top) / sy;
    out.width = d.width / sx;
    out.height = d.height / sy;
    for (k, kp) in out.keypoints.iter_mut().enumerate() {
        kp[0] = (d.keypoints[k][0] - left) / sx;
        kp[1] = (d.keypoints[k][1] - top) / sy;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anchors::pose_detector_anchors;

    fn logit(p: f32) -> f32 {
        (p / (1.0 - p)).ln()
    }

    #[test]
    fn decodes_a_known_box_at_a_known_anchor() {
        let anchors = pose_detector_anchors();
        let mut boxes = vec![0.0f32; ANCHOR_COUNT * VALUES_PER_ANCHOR];
        let mut scores = vec![-50.0f32; ANCHOR_COUNT];
        // Anchor 2 is cell (x 1, y 0) of the 28×28 grid: centre (1.5/28, 0.5/28).
        let i = 2;
        let r = &mut boxes[i * 12..i * 12 + 12];
        r[0] = 11.2; // +0.05 of the input in x
        r[1] = -22.4; // -0.1 in y
        r[2] = 44.8; // width 0.2
        r[3] = 89.6; // height 0.4
        r[4] = 0.0;
        r[5] = 22.4; // keypoint 0 at +0.1 y
        r[6] = 224.0; // keypoint 1 at +1.0 x
        r[7] = 0.0;
        scores[i] = logit(0.9);
        let d = decode(&boxes, &scores, &anchors, 0.5).expect("lengths");
        assert_eq!(d.len(), 1);
        let d = d[0];
        let (ax, ay) = (1.5 / 28.0, 0.5 / 28.0);
        assert!((d.score - 0.9).abs() < 1e-5);
        assert!((d.xmin - (ax + 0.05 - 0.1)).abs() < 1e-6);
        assert!((d.ymin - (ay - 0.1 - 0.2)).abs() < 1e-6);
        assert!((d.width - 0.2).abs() < 1e-6 && (d.height - 0.4).abs() < 1e-6);
        assert!((d.keypoints[0][0] - ax).abs() < 1e-6 && (d.keypoints[0][1] - (ay + 0.1)).abs() < 1e-6);
        assert!((d.keypoints[1][0] - (ax + 1.0)).abs() < 1e-6);
        // Below the threshold nothing comes out; wrong lengths are refused.
        assert!(decode(&boxes, &scores, &anchors, 0.95).expect("lengths").is_empty());
        assert!(decode(&boxes[1..], &scores, &anchors, 0.5).is_none());
    }

    fn det(score: f32, xmin: f32, kx: f32) -> Detection {
        Detection { score, xmin, ymin: 0.0, width: 0.2, height: 0.2, keypoints: [[kx, 0.5]; 4] }
    }

    #[test]
    fn weighted_nms_merges_overlaps_and_keeps_separate_people() {
        // Two overlapping boxes (IoU 0.667) and one far away.
        let a = det(0.9, 0.10, 0.2);
        let b = det(0.6, 0.14, 0.3);
        let c = det(0.7, 0.60, 0.8);
        assert!(iou(&a, &b) > 0.6);
        assert_eq!(iou(&a, &c), 0.0);
        let out = weighted_nms(vec![b, c, a], NMS_IOU);
        assert_eq!(out.len(), 2);
        let m = out[0];
        assert_eq!(m.score, 0.9);
        let xmin = (0.10 * 0.9 + 0.14 * 0.6) / 1.5;
        assert!((m.xmin - xmin).abs() < 1e-6, "{}", m.xmin);
        assert!((m.width - 0.2).abs() < 1e-6);
        assert!((m.keypoints[2][0] - (0.2 * 0.9 + 0.3 * 0.6) / 1.5).abs() < 1e-6);
        // The lone box is its own weighted mean.
        assert_eq!(out[1].score, 0.7);
        assert!((out[1].xmin - 0.6).abs() < 1e-6 && (out[1].width - 0.2).abs() < 1e-6);
        assert_eq!(out[1].keypoints, c.keypoints);
    }

    #[test]
    fn letterbox_removal_maps_padded_square_to_frame() {
        // A 608×1080 frame letterboxed into a square: horizontal padding (1 - 608/1080)/2 each side.
        let p = (1.0 - 608.0 / 1080.0) / 2.0;
        let d = Detection {
            score: 1.0,
            xmin: p,
            ymin: 0.0,
            width: 1.0 - 2.0 * p,
            height: 1.0,
            keypoints: [[0.5, 0.25]; 4],
        };
        let f = remove_letterbox(&d, &[p, 0.0, p, 0.0]);
        assert!(f.xmin.abs() < 1e-6 && (f.width - 1.0).abs() < 1e-5 && (f.height - 1.0).abs() < 1e-6);
        assert!((f.keypoints[0][0] - 0.5).abs() < 1e-6 && (f.keypoints[0][1] - 0.25).abs() < 1e-6);
    }
}

//! Regions of interest: the rotated square crop the landmark network sees. From a detection
//! (mediapipe/modules/pose_landmark/pose_detection_to_roi.pbtxt) or from the auxiliary landmarks
//! 33/34 of the previous frame (pose_landmarks_to_roi.pbtxt): `AlignmentPointsRectsCalculator`
//! (alignment_points_to_rects_calculator.cc: centre at point 0, side twice the distance to
//! point 1), rotation so point 0→1 points up (detections_to_rects_calculator.cc, target 90°),
//! then `RectTransformationCalculator` (rect_transformation_calculator.cc: square on the long
//! side in pixels, scaled 1.25).

use std::f32::consts::PI;

/// Margin MediaPipe adds around the aligned square (`scale_x`, `scale_y`).
pub const ROI_SCALE: f32 = 1.25;
/// Angle the point-0→1 vector is turned to, in radians (90°: up).
pub const TARGET_ANGLE_RAD: f32 = PI / 2.0;

/// A rotated rectangle in normalised frame coordinates (MediaPipe's `NormalizedRect`): centre
/// and size as fractions of the frame width (x, width) and height (y, height), `rotation` in
/// radians, positive turning clockwise on screen (y down), in −π..π.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Roi {
    pub x_center: f32,
    pub y_center: f32,
    pub width: f32,
    pub height: f32,
    pub rotation: f32,
}

impl Roi {
    /// The same rectangle in pixels: centre x, centre y, width, height.
    pub fn to_pixels(&self, frame_w_px: u32, frame_h_px: u32) -> [f32; 4] {
        let (w, h) = (frame_w_px as f32, frame_h_px as f32);
        [self.x_center * w, self.y_center * h, self.width * w, self.height * h]
    }

    /// Whether all fields are finite and the size is positive.
    pub fn is_valid(&self) -> bool {
        [self.x_center, self.y_center, self.width, self.height, self.rotation].iter().all(|v| v.is_finite())
            && self.width > 0.0
            && self.height > 0.0
    }
}

/// Wraps an angle into −π..π as MediaPipe's `NormalizeRadians` does.
pub fn normalize_radians(a: f32) -> f32 {
    a - 2.0 * PI * ((a + PI) / (2.0 * PI)).floor()
}

/// Rotation that turns the vector from `p0` to `p1` (normalised coordinates, converted to
/// pixels so the angle is true on screen) to point straight up.
pub fn rotation_from_points(p0: [f32; 2], p1: [f32; 2], frame_w_px: u32, frame_h_px: u32) -> f32 {
    let (w, h) = (frame_w_px as f32, frame_h_px as f32);
    let dx = (p1[0] - p0[0]) * w;
    let dy = (p1[1] - p0[1]) * h;
    normalize_radians(TARGET_ANGLE_RAD - (-dy).atan2(dx))
}

/// The aligned square before the margin: centre at `p0`, side twice the pixel distance from
/// `p0` to `p1`, rotated so `p0`→`p1` points up.
pub fn aligned_rect(p0: [f32; 2], p1: [f32; 2], frame_w_px: u32, frame_h_px: u32) -> Roi {
    let (w, h) = (frame_w_px as f32, frame_h_px as f32);
    let (x0, y0) = (p0[0] * w, p0[1] * h);
    let (x1, y1) = (p1[0] * w, p1[1] * h);
    let side = ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt() * 2.0;
    Roi {
        x_center: x0 / w,
        y_center: y0 / h,
        width: side / w,
        height: side / h,
        rotation: rotation_from_points(p0, p1, frame_w_px, frame_h_px),
    }
}

/// Squares the rectangle on its long side in pixels and scales it by `scale`.
pub fn square_long_and_scale(r: Roi, scale: f32, frame_w_px: u32, frame_h_px: u32) -> Roi {
    let (w, h) = (frame_w_px as f32, frame_h_px as f32);
    let long = (r.width * w).max(r.height * h);
    Roi { width: long / w * scale, height: long / h * scale, ..r }
}

/// The landmark network's region from two alignment points (detector keypoints 0 and 1, or
/// auxiliary landmarks 33 and 34), normalised frame coordinates.
pub fn roi_from_points(p0: [f32; 2], p1: [f32; 2], frame_w_px: u32, frame_h_px: u32) -> Roi {
    square_long_and_scale(aligned_rect(p0, p1, frame_w_px, frame_h_px), ROI_SCALE, frame_w_px, frame_h_px)
}

/// The person's size in pixels that MediaPipe's landmark smoothing divides velocities by: the
/// mean of width and height (in pixels) of the aligned square from the auxiliary points, i.e.
/// twice the 33→34 distance.
pub fn object_scale_px(p0: [f32; 2], p1: [f32; 2], frame_w_px: u32, frame_h_px: u32) -> f32 {
    let r = aligned_rect(p0, p1, frame_w_px, frame_h_px);
    (r.width * frame_w_px as f32 + r.height * frame_h_px as f32) / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upright_person_gives_no_rotation_and_a_square_in_pixels() {
        // 608×1080 portrait frame; hip centre at (304, 700) px, scale point 200 px above.
        let (w, h) = (608, 1080);
        let p0 = [304.0 / 608.0, 700.0 / 1080.0];
        let p1 = [304.0 / 608.0, 500.0 / 1080.0];
        let r = roi_from_points(p0, p1, w, h);
        assert!(r.rotation.abs() < 1e-6);
        let [cx, cy, rw, rh] = r.to_pixels(w, h);
        assert!((cx - 304.0).abs() < 1e-3 && (cy - 700.0).abs() < 1e-3);
        assert!((rw - 500.0).abs() < 1e-2 && (rh - 500.0).abs() < 1e-2, "{rw} {rh}");
        assert!((object_scale_px(p0, p1, w, h) - 400.0).abs() < 1e-2);
    }

    #[test]
    fn rotation_follows_the_keypoint_vector_on_screen() {
        let (w, h) = (1000, 500);
        // Point 1 to the right of point 0 in pixels: the body lies along +x, so the crop turns
        // +90° (clockwise on screen) to bring it upright.
        let r = roi_from_points([0.5, 0.5], [0.6, 0.5], w, h);
        assert!((r.rotation - PI / 2.0).abs() < 1e-6);
        // Point 1 to the left: −90°.
        let r = roi_from_points([0.5, 0.5], [0.4, 0.5], w, h);
        assert!((r.rotation + PI / 2.0).abs() < 1e-6);
        // Point 1 below: ±180°.
        let r = roi_from_points([0.5, 0.5], [0.5, 0.7], w, h);
        assert!((r.rotation.abs() - PI).abs() < 1e-6);
        // 45° up-right in pixels (100 px right, 100 px up) despite the non-square frame.
        let r = roi_from_points([0.5, 0.5], [0.6, 0.3], w, h);
        assert!((r.rotation - PI / 4.0).abs() < 1e-6, "{}", r.rotation);
        let [_, _, rw, rh] = r.to_pixels(w, h);
        let side = 2.0 * (100.0f32 * 100.0 * 2.0).sqrt() * ROI_SCALE;
        assert!((rw - side).abs() < 1e-2 && (rh - side).abs() < 1e-2);
    }

    #[test]
    fn normalize_radians_wraps_into_range() {
        assert!((normalize_radians(3.0 * PI / 2.0) + PI / 2.0).abs() < 1e-6);
        assert!((normalize_radians(-3.0 * PI / 2.0) - PI / 2.0).abs() < 1e-6);
        assert!((normalize_radians(0.3) - 0.3).abs() < 1e-7);
    }
}

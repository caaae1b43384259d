//! SSD anchors of the BlazePose person detector, as MediaPipe's `SsdAnchorsCalculator`
//! (mediapipe/calculators/tflite/ssd_anchors_calculator.cc) builds them for the options in
//! mediapipe/modules/pose_detection/pose_detection_cpu.pbtxt: 5 layers, strides 8, 16, 32, 32,
//! 32, aspect ratio 1 plus one interpolated scale per layer, anchor offset 0.5, fixed anchor size.

/// One anchor centre, normalised to the 224×224 detector input (0..1). With MediaPipe's
/// `fixed_anchor_size: true` every anchor's width and height are 1, so only the centre matters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Anchor {
    pub x_center: f32,
    pub y_center: f32,
}

/// Detector input side, in pixels.
pub const INPUT_SIZE_PX: usize = 224;
/// Layer strides, in input pixels.
pub const STRIDES_PX: [usize; 5] = [8, 16, 32, 32, 32];
/// Number of anchors the detector scores.
pub const ANCHOR_COUNT: usize = 2254;

/// Builds the 2254 anchors in the order the detector's outputs use. Layers sharing a stride are
/// merged: each cell of the merged feature map (row-major) gets 2 anchors per merged layer (the
/// aspect-1 anchor and the interpolated-scale one); with fixed anchor sizes these coincide in
/// position, so the grid gives 28²·2 + 14²·2 + 7²·6 anchors.
pub fn pose_detector_anchors() -> Vec<Anchor> {
    let mut out = Vec::with_capacity(ANCHOR_COUNT);
    let mut layer = 0;
    while layer < STRIDES_PX.len() {
        let stride = STRIDES_PX[layer];
        let mut last = layer;
        let mut per_cell = 0;
        while last < STRIDES_PX.len() && STRIDES_PX[last] == stride {
            // One aspect ratio (1.0) plus the interpolated scale: 2 anchors per layer.
            per_cell += 2;
            last += 1;
        }
        let fm = INPUT_SIZE_PX.div_ceil(stride);
        for y in 0..fm {
            for x in 0..fm {
                let a = Anchor { x_center: (x as f32 + 0.5) / fm as f32, y_center: (y as f32 + 0.5) / fm as f32 };
                out.extend(std::iter::repeat_n(a, per_cell));
            }
        }
        layer = last;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_first_and_last_match_the_ssd_layout() {
        let a = pose_detector_anchors();
        assert_eq!(a.len(), ANCHOR_COUNT);
        // First: stride-8 grid (28×28), cell (0, 0), two anchors.
        assert_eq!(a[0], Anchor { x_center: 0.5 / 28.0, y_center: 0.5 / 28.0 });
        assert_eq!(a[1], a[0]);
        // Second cell of the first row.
        assert_eq!(a[2], Anchor { x_center: 1.5 / 28.0, y_center: 0.5 / 28.0 });
        // Stride-16 grid starts after 28·28·2 anchors.
        assert_eq!(a[1568], Anchor { x_center: 0.5 / 14.0, y_center: 0.5 / 14.0 });
        // Stride-32 grid starts after 1568 + 392, with 6 anchors per cell.
        assert_eq!(a[1960], Anchor { x_center: 0.5 / 7.0, y_center: 0.5 / 7.0 });
        assert_eq!(a[1965], a[1960]);
        assert_eq!(a[1966], Anchor { x_center: 1.5 / 7.0, y_center: 0.5 / 7.0 });
        // Last: cell (6, 6) of the 7×7 grid.
        assert_eq!(a[ANCHOR_COUNT - 1], Anchor { x_center: 6.5 / 7.0, y_center: 6.5 / 7.0 });
    }
}

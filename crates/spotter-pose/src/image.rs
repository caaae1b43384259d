//! Frames and the crops fed to the networks, as MediaPipe's `ImageToTensorCalculator` makes them
//! on the CPU (image_to_tensor_calculator.cc, image_to_tensor_utils.cc `PadRoi`,
//! image_to_tensor_converter_opencv.cc): the rotated region is padded to the output's aspect
//! (`keep_aspect_ratio`), its corners are mapped onto the output's corners, each output pixel is
//! sampled bilinearly at 1/32-pixel, 15-bit fixed-point precision like OpenCV's `warpPerspective`
//! on 8-bit images (rounded back to 8 bits), and then scaled to the network's float range.
//! Border pixels are replicated for the landmark crop (the default) and zero for the detector's
//! letterbox (`BORDER_ZERO`).

use crate::roi::Roi;

/// An RGB image, 8 bits a channel, rows top to bottom, no padding between rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    width: u32,
    height: u32,
    data: Vec<u8>,
}

/// Why a frame was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("a frame of {width}×{height} px needs {expected} bytes of RGB, got {got}")]
    Length { width: u32, height: u32, expected: usize, got: usize },
    #[error("frame size {width}×{height} px: both sides must be 1 to 32768 px")]
    Size { width: u32, height: u32 },
}

impl Frame {
    /// Wraps `data` (row-major RGB, `width * height * 3` bytes).
    pub fn new(width: u32, height: u32, data: Vec<u8>) -> Result<Frame, FrameError> {
        if !(1..=32768).contains(&width) || !(1..=32768).contains(&height) {
            return Err(FrameError::Size { width, height });
        }
        let expected = width as usize * height as usize * 3;
        if data.len() != expected {
            return Err(FrameError::Length { width, height, expected, got: data.len() });
        }
        Ok(Frame { width, height, data })
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The RGB bytes.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Gives the bytes back.
    pub fn into_data(self) -> Vec<u8> {
        self.data
    }
}

/// What the sampler reads outside the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Border {
    /// Black (0) outside the frame.
    Zero,
    /// The nearest edge pixel.
    Replicate,
}

/// A rotated rectangle in pixels: centre, size, rotation (radians, clockwise on screen).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RectPx {
    pub cx: f32,
    pub cy: f32,
    pub w: f32,
    pub h: f32,
    pub rotation: f32,
}

/// Pads `r` to the aspect of an `out_w`×`out_h` output, keeping its centre (MediaPipe's
/// `PadRoi`). Returns the padded rectangle and the padding as fractions of it: left, top,
/// right, bottom.
pub fn pad_to_aspect(r: RectPx, out_w: usize, out_h: usize) -> (RectPx, [f32; 4]) {
    let tensor_aspect = out_h as f32 / out_w as f32;
    let roi_aspect = r.h / r.w;
    if tensor_aspect > roi_aspect {
        let v = (1.0 - roi_aspect / tensor_aspect) / 2.0;
        (RectPx { h: r.w * tensor_aspect, ..r }, [0.0, v, 0.0, v])
    } else {
        let hpad = (1.0 - tensor_aspect / roi_aspect) / 2.0;
        (RectPx { w: r.h / tensor_aspect, ..r }, [hpad, 0.0, hpad, 0.0])
    }
}

/// Fixed-point bilinear weights for each of the 32×32 sub-pixel positions, scaled to 2^15 and
/// summing to exactly 2^15 (as OpenCV's interpolation table).
struct BilinearTable([[i32; 4]; 1024]);

const FRAC_BITS: u32 = 5;
const FRAC: i32 = 1 << FRAC_BITS;
const COEF_BITS: u32 = 15;

impl BilinearTable {
    fn new() -> BilinearTable {
        let mut t = [[0i32; 4]; 1024];
        for fy in 0..FRAC {
            for fx in 0..FRAC {
                let (ax, ay) = (fx as f32 / FRAC as f32, fy as f32 / FRAC as f32);
                let f = [(1.0 - ax) * (1.0 - ay), ax * (1.0 - ay), (1.0 - ax) * ay, ax * ay];
                let mut w = [0i32; 4];
                for k in 0..4 {
                    w[k] = (f[k] * (1 << COEF_BITS) as f32).round() as i32;
                }
                let diff = (1 << COEF_BITS) - w.iter().sum::<i32>();
                if diff != 0 {
                    let kmax = (0..4).max_by_key(|&k| w[k]).unwrap_or(0);
                    w[kmax] += diff;
                }
                t[(fy * FRAC + fx) as usize] = w;
            }
        }
        BilinearTable(t)
    }
}

fn table() -> &'static BilinearTable {
    static TABLE: std::sync::OnceLock<BilinearTable> = std::sync::OnceLock::new();
    TABLE.get_or_init(BilinearTable::new)
}

/// Output-pixel → source-pixel affine map: `sx = m[0]·x + m[1]·y + m[2]`,
/// `sy = m[3]·x + m[4]·y + m[5]`, for integer output pixel indices x, y.
pub fn crop_affine(r: RectPx, out_w: usize, out_h: usize) -> [f64; 6] {
    let (c, s) = ((r.rotation as f64).cos(), (r.rotation as f64).sin());
    let (w, h) = (r.w as f64, r.h as f64);
    let (ow, oh) = (out_w as f64, out_h as f64);
    // Output (0, 0) is the rectangle's top-left corner, (out_w, 0) its top-right, (0, out_h) its
    // bottom-left; the rectangle's own x axis is (cos, sin), its y axis (−sin, cos).
    [
        w * c / ow,
        -h * s / oh,
        r.cx as f64 - 0.5 * w * c + 0.5 * h * s,
        w * s / ow,
        h * c / oh,
        r.cy as f64 - 0.5 * w * s - 0.5 * h * c,
    ]
}

/// Samples the rotated rectangle `r` of `frame` into `out` (NHWC `out_w`×`out_h`×3 floats,
/// `out.len() == out_w * out_h * 3`), mapping each 8-bit value v to `v / 255 · (hi − lo) + lo`.
/// Allocates nothing. Returns `false` (and leaves `out` untouched) when `out` has the wrong length.
pub fn warp_into(
    frame: &Frame,
    r: RectPx,
    out_w: usize,
    out_h: usize,
    border: Border,
    range: (f32, f32),
    out: &mut [f32],
) -> bool {
    if out.len() != out_w * out_h * 3 {
        return false;
    }
    let (lo, hi) = range;
    let mut lut = [0f32; 256];
    for (v, l) in lut.iter_mut().enumerate() {
        *l = v as f32 * ((hi - lo) / 255.0) + lo;
    }
    let m = crop_affine(r, out_w, out_h);
    let tab = &table().0;
    let (fw, fh) = (frame.width as i32, frame.height as i32);
    let stride = frame.width as usize * 3;
    let src = &frame.data[..];
    let fetch = |x: i32, y: i32| -> Option<usize> {
        let (x, y) = match border {
            Border::Replicate => (x.clamp(0, fw - 1), y.clamp(0, fh - 1)),
            Border::Zero => {
                if x < 0 || y < 0 || x >= fw || y >= fh {
                    return None;
                }
                (x, y)
            }
        };
        Some(y as usize * stride + x as usize * 3)
    };
    // Source coordinates in 1/32 px, stepped along each row in 48.16 fixed point (OpenCV
    // evaluates the map per pixel in double and rounds to 1/32 px; stepping differs from that
    // by under 1/65536 px over a row). Far-off values are clamped; they land in the border.
    let scale = (FRAC as f64) * 65536.0;
    let fix = |v: f64| -> i64 { (v * scale).clamp(-1e15, 1e15) as i64 };
    let (dx, dy) = (fix(m[0]), fix(m[3]));
    let half = 1i32 << (COEF_BITS - 1);
    // Tiles of 32×32 output pixels keep a rotated crop's source reads within a few cache lines.
    const TILE: usize = 32;
    for ty in (0..out_h).step_by(TILE) {
        for tx in (0..out_w).step_by(TILE) {
            for oy in ty..(ty + TILE).min(out_h) {
                let tx_end = (tx + TILE).min(out_w);
                let row = &mut out[(oy * out_w + tx) * 3..(oy * out_w + tx_end) * 3];
                let mut xf = fix(m[0] * tx as f64 + m[1] * oy as f64 + m[2]) + (1 << 15);
                let mut yf = fix(m[3] * tx as f64 + m[4] * oy as f64 + m[5]) + (1 << 15);
                for px in row.chunks_exact_mut(3) {
                    let xq = (xf >> 16).clamp(i32::MIN as i64 / 2, i32::MAX as i64 / 2) as i32;
                    let yq = (yf >> 16).clamp(i32::MIN as i64 / 2, i32::MAX as i64 / 2) as i32;
                    xf += dx;
                    yf += dy;
                    let (x0, y0) = (xq >> FRAC_BITS, yq >> FRAC_BITS);
                    let w = &tab[((yq & (FRAC - 1)) * FRAC + (xq & (FRAC - 1))) as usize];
                    if x0 >= 0 && y0 >= 0 && x0 < fw - 1 && y0 < fh - 1 {
                        let i00 = y0 as usize * stride + x0 as usize * 3;
                        let a = &src[i00..i00 + 6];
                        let b = &src[i00 + stride..i00 + stride + 6];
                        for k in 0..3 {
                            let v = w[0] * a[k] as i32
                                + w[1] * a[3 + k] as i32
                                + w[2] * b[k] as i32
                                + w[3] * b[3 + k] as i32;
                            // The weights sum to 2^15, so the result is 0..=255.
                            px[k] = lut[((v + half) >> COEF_BITS) as u8 as usize];
                        }
                    } else if border == Border::Zero && (x0 < -1 || y0 < -1 || x0 >= fw || y0 >= fh) {
                        px.fill(lut[0]);
                    } else {
                        let idx = [fetch(x0, y0), fetch(x0 + 1, y0), fetch(x0, y0 + 1), fetch(x0 + 1, y0 + 1)];
                        for k in 0..3 {
                            let mut v = 0i32;
                            for (j, i) in idx.iter().enumerate() {
                                if let Some(i) = i {
                                    v += w[j] * src[i + k] as i32;
                                }
                            }
                            px[k] = lut[((v + half) >> COEF_BITS) as u8 as usize];
                        }
                    }
                }
            }
        }
    }
    true
}

/// Landmark crop side, in pixels.
pub const LANDMARK_INPUT_PX: usize = 256;
/// Detector input side, in pixels.
pub const DETECTOR_INPUT_PX: usize = 224;

/// The region `roi` of `frame` as the landmark network's input: 256×256×3, values 0..1, border
/// replicated. Returns the letterbox padding (left, top, right, bottom, fractions of the padded
/// region; zero for the square regions the tracker makes). `out` must hold 196 608 floats.
pub fn landmark_input(frame: &Frame, roi: &Roi, out: &mut [f32]) -> Option<[f32; 4]> {
    let [cx, cy, w, h] = roi.to_pixels(frame.width, frame.height);
    let r = RectPx { cx, cy, w, h, rotation: roi.rotation };
    let (r, pad) = pad_to_aspect(r, LANDMARK_INPUT_PX, LANDMARK_INPUT_PX);
    warp_into(frame, r, LANDMARK_INPUT_PX, LANDMARK_INPUT_PX, Border::Replicate, (0.0, 1.0), out).then_some(pad)
}

/// The whole frame letterboxed into the detector's input: 224×224×3, values −1..1, padding
/// black (−1). Returns the padding (left, top, right, bottom, fractions of the square). `out`
/// must hold 150 528 floats.
pub fn detector_input(frame: &Frame, out: &mut [f32]) -> Option<[f32; 4]> {
    let (w, h) = (frame.width as f32, frame.height as f32);
    let r = RectPx { cx: w / 2.0, cy: h / 2.0, w, h, rotation: 0.0 };
    let (r, pad) = pad_to_aspect(r, DETECTOR_INPUT_PX, DETECTOR_INPUT_PX);
    warp_into(frame, r, DETECTOR_INPUT_PX, DETECTOR_INPUT_PX, Border::Zero, (-1.0, 1.0), out).then_some(pad)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A black frame with single coloured pixels.
    fn frame_with(w: u32, h: u32, marks: &[(u32, u32, [u8; 3])]) -> Frame {
        let mut d = vec![0u8; (w * h * 3) as usize];
        for &(x, y, c) in marks {
            let i = ((y * w + x) * 3) as usize;
            d[i..i + 3].copy_from_slice(&c);
        }
        Frame::new(w, h, d).expect("size")
    }

    fn px(out: &[f32], ow: usize, x: usize, y: usize) -> [f32; 3] {
        let i = (y * ow + x) * 3;
        [out[i], out[i + 1], out[i + 2]]
    }

    #[test]
    fn frame_refuses_wrong_lengths() {
        assert_eq!(
            Frame::new(2, 2, vec![0; 11]),
            Err(FrameError::Length { width: 2, height: 2, expected: 12, got: 11 })
        );
        assert_eq!(Frame::new(0, 2, vec![]), Err(FrameError::Size { width: 0, height: 2 }));
    }

    #[test]
    fn unrotated_crop_maps_the_rect_corners_to_output_corners() {
        // Rect with top-left corner at (10, 20) px, 64×64 px, onto a 64×64 output: identity shift.
        let f = frame_with(
            100,
            100,
            &[(10, 20, [255, 0, 0]), (73, 20, [0, 255, 0]), (10, 83, [0, 0, 255]), (73, 83, [255, 255, 255])],
        );
        let r = RectPx { cx: 42.0, cy: 52.0, w: 64.0, h: 64.0, rotation: 0.0 };
        let mut out = vec![0f32; 64 * 64 * 3];
        assert!(warp_into(&f, r, 64, 64, Border::Zero, (0.0, 1.0), &mut out));
        assert_eq!(px(&out, 64, 0, 0), [1.0, 0.0, 0.0]);
        assert_eq!(px(&out, 64, 63, 0), [0.0, 1.0, 0.0]);
        assert_eq!(px(&out, 64, 0, 63), [0.0, 0.0, 1.0]);
        assert_eq!(px(&out, 64, 63, 63), [1.0, 1.0, 1.0]);
        assert_eq!(px(&out, 64, 30, 30), [0.0, 0.0, 0.0]);
        // Wrong output length is refused.
        assert!(!warp_into(&f, r, 64, 64, Border::Zero, (0.0, 1.0), &mut out[1..]));
    }

    #[test]
    fn rotated_90_degrees_turns_the_image_clockwise_into_upright() {
        // Rotation +90°: the rect's x axis points down the frame, its y axis points left. So the
        // output's top-left corner is the rect's top-right on screen.
        let f = frame_with(100, 100, &[(73, 20, [255, 0, 0]), (73, 83, [0, 255, 0]), (11, 20, [0, 0, 255])]);
        let r = RectPx { cx: 42.0, cy: 52.0, w: 64.0, h: 64.0, rotation: std::f32::consts::FRAC_PI_2 };
        let mut out = vec![0f32; 64 * 64 * 3];
        assert!(warp_into(&f, r, 64, 64, Border::Zero, (0.0, 1.0), &mut out));
        // Output (x, y) samples source (74 − y, 20 + x): the rect's right edge on screen becomes
        // the crop's top row, its top edge the crop's left column.
        let find = |ch: usize| (0..64 * 64).find(|&i| out[i * 3 + ch] > 0.5).map(|i| (i % 64, i / 64));
        assert_eq!(find(0), Some((0, 1)));
        assert_eq!(find(1), Some((63, 1)));
        assert_eq!(find(2), Some((0, 63)));
    }

    #[test]
    fn borders_zero_and_replicate() {
        // A uniform grey frame; a rect half outside it on the left.
        let f = Frame::new(10, 10, vec![200; 300]).expect("size");
        let r = RectPx { cx: 0.0, cy: 5.0, w: 8.0, h: 8.0, rotation: 0.0 };
        let mut out = vec![0f32; 8 * 8 * 3];
        assert!(warp_into(&f, r, 8, 8, Border::Zero, (0.0, 1.0), &mut out));
        assert_eq!(px(&out, 8, 0, 4), [0.0; 3]);
        assert!((px(&out, 8, 6, 4)[0] - 200.0 / 255.0).abs() < 1e-6);
        assert!(warp_into(&f, r, 8, 8, Border::Replicate, (0.0, 1.0), &mut out));
        assert!((px(&out, 8, 0, 4)[0] - 200.0 / 255.0).abs() < 1e-6);
    }

    #[test]
    fn bilinear_halfway_between_two_pixels_is_their_mean() {
        // Scale 2× up: output pixel 1 samples source x = 0.5.
        let f = frame_with(4, 4, &[(0, 0, [100, 100, 100]), (1, 0, [200, 200, 200])]);
        let r = RectPx { cx: 1.0, cy: 1.0, w: 2.0, h: 2.0, rotation: 0.0 };
        let mut out = vec![0f32; 4 * 4 * 3];
        assert!(warp_into(&f, r, 4, 4, Border::Zero, (0.0, 255.0), &mut out));
        assert_eq!(px(&out, 4, 0, 0)[0], 100.0);
        assert_eq!(px(&out, 4, 1, 0)[0], 150.0);
        assert_eq!(px(&out, 4, 2, 0)[0], 200.0);
    }

    #[test]
    fn detector_letterbox_pads_a_portrait_frame_left_and_right() {
        let f = Frame::new(608, 1080, vec![255; 608 * 1080 * 3]).expect("size");
        let mut out = vec![0f32; 224 * 224 * 3];
        let pad = detector_input(&f, &mut out).expect("length");
        let p = (1.0 - 608.0 / 1080.0) / 2.0;
        assert!((pad[0] - p).abs() < 1e-6 && pad[1] == 0.0 && (pad[2] - p).abs() < 1e-6);
        // Left margin black (−1), centre white (1).
        assert_eq!(px(&out, 224, 5, 112), [-1.0; 3]);
        assert_eq!(px(&out, 224, 112, 112), [1.0; 3]);
        // The image spans 224·608/1080 ≈ 126 px in the middle.
        let white = (0..224).filter(|&x| px(&out, 224, x, 112)[0] > 0.0).count();
        assert!((125..=128).contains(&white), "{white}");
    }
}

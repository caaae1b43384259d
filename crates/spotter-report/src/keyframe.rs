//! Key frames of a video set: the frame at the bottom of a repetition with the skeleton and the
//! measured angles drawn on it, rendered with typst (`templates/keyframe.typ`) to PNG. Pixels and
//! points in, PNG bytes out; no IO.

use crate::ReportError;
use serde::Serialize;
use std::sync::LazyLock;
use typst::foundations::{Bytes, Dict, IntoValue};
use typst_as_lib::{TypstEngine, TypstTemplateMainFile};
use typst_layout::PagedDocument;

const TEMPLATE: &str = include_str!("../templates/keyframe.typ");

static ENGINE: LazyLock<TypstEngine<TypstTemplateMainFile>> = LazyLock::new(|| crate::engine(TEMPLATE));

/// Largest frame side accepted, in pixels (a 4K phone frame is 3840).
pub const MAX_SIDE_PX: u32 = 4096;

/// Which side of the body a bone or joint belongs to; it sets the colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Left,
    Right,
    /// Trunk and head.
    Body,
}

/// A bone from one joint to another, in frame pixels (x right, y down).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bone {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub side: Side,
}

/// A joint marker at a point, in frame pixels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Joint {
    pub x: f64,
    pub y: f64,
    pub side: Side,
}

/// A short text placed next to a point (frame pixels), red when it reports a fault.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Label {
    pub x: f64,
    pub y: f64,
    pub text: String,
    pub fault: bool,
}

/// What to draw on one frame.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Overlay {
    /// The first line of the banner at the top, e.g. "Rep 2 · bottom at 11.52 s".
    pub title: String,
    /// Further banner lines (measures, faults).
    pub lines: Vec<String>,
    pub bones: Vec<Bone>,
    pub joints: Vec<Joint>,
    pub labels: Vec<Label>,
}

/// One video frame as 8-bit RGB, row by row, top row first.
#[derive(Debug, Clone, Copy)]
pub struct RgbFrame<'a> {
    pub width_px: u32,
    pub height_px: u32,
    pub rgb: &'a [u8],
}

/// The frame with the overlay drawn on it, as a PNG of the frame's own size.
pub fn keyframe_png(frame: RgbFrame<'_>, overlay: &Overlay) -> Result<Vec<u8>, ReportError> {
    let (w, h) = (frame.width_px, frame.height_px);
    if w == 0 || h == 0 || w > MAX_SIDE_PX || h > MAX_SIDE_PX {
        return Err(ReportError::Frame(format!("frame size {w}×{h} px is outside 1 to {MAX_SIDE_PX} px a side")));
    }
    let expected = w as usize * h as usize * 3;
    if frame.rgb.len() != expected {
        return Err(ReportError::Frame(format!(
            "a {w}×{h} RGB frame has {expected} bytes, got {}",
            frame.rgb.len()
        )));
    }
    let finite = |v: f64| v.is_finite();
    let points_ok = overlay.bones.iter().all(|b| [b.x0, b.y0, b.x1, b.y1].into_iter().all(finite))
        && overlay.joints.iter().all(|j| finite(j.x) && finite(j.y))
        && overlay.labels.iter().all(|l| finite(l.x) && finite(l.y));
    if !points_ok {
        return Err(ReportError::Frame("an overlay point is not a finite number".into()));
    }
    #[derive(Serialize)]
    struct Data<'a> {
        width: u32,
        height: u32,
        #[serde(flatten)]
        overlay: &'a Overlay,
    }
    let data = serde_json::to_string(&Data { width: w, height: h, overlay })
        .map_err(|e| ReportError::Template(format!("key frame data: {e}")))?;
    let mut inputs = Dict::new();
    inputs.insert("data".into(), data.into_value());
    inputs.insert("pixels".into(), Bytes::new(frame.rgb.to_vec()).into_value());
    let warned = ENGINE.compile_with_input(inputs);
    let doc: PagedDocument = warned.output.map_err(|e| ReportError::Template(crate::describe_lib(e)))?;
    let options = typst_render::RenderOptions { pixel_per_pt: 1.0.into(), render_bleed: false };
    let pixmap = typst_render::render(&doc.pages()[0], &options);
    pixmap.encode_png().map_err(|e| ReportError::Png(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(w: u32, h: u32) -> Vec<u8> {
        // A grey gradient, so the picture under the overlay is not uniform.
        (0..h).flat_map(|y| (0..w).flat_map(move |x| [(x % 256) as u8, (y % 256) as u8, 128])).collect()
    }

    /// Decodes a PNG into (width, height, bytes) with the `png` crate typst itself encodes with.
    fn decode(png: &[u8]) -> (u32, u32, Vec<u8>) {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(png));
        decoder.set_transformations(png::Transformations::EXPAND);
        let mut reader = decoder.read_info().expect("a PNG");
        let mut buf = vec![0; reader.output_buffer_size().expect("size")];
        let info = reader.next_frame(&mut buf).expect("a frame");
        buf.truncate(info.buffer_size());
        (info.width, info.height, buf)
    }

    fn pixel(img: &(u32, u32, Vec<u8>), x: u32, y: u32) -> [u8; 3] {
        let ch = img.2.len() / (img.0 * img.1) as usize;
        let i = (y * img.0 + x) as usize * ch;
        [img.2[i], img.2[i + 1], img.2[i + 2]]
    }

    #[test]
    fn frame_comes_back_at_its_size_with_the_bones_drawn_where_they_were_placed() {
        let (w, h) = (320, 480);
        let rgb = frame(w, h);
        let overlay = Overlay {
            title: "Rep 1 · bottom".into(),
            lines: vec![],
            bones: vec![Bone { x0: 100.0, y0: 300.0, x1: 250.0, y1: 300.0, side: Side::Right }],
            joints: vec![],
            labels: vec![],
        };
        let png = keyframe_png(RgbFrame { width_px: w, height_px: h, rgb: &rgb }, &overlay).unwrap();
        let img = decode(&png);
        assert_eq!((img.0, img.1), (w, h));
        // On the bone: the right-side orange; well away from it: the frame's own pixels.
        let on = pixel(&img, 175, 300);
        assert!(on[0] > 230 && on[1] > 160 && on[1] < 200 && on[2] < 110, "bone pixel {on:?}");
        let off = pixel(&img, 40, 400);
        let want = [40u8, (400 % 256) as u8, 128];
        for c in 0..3 {
            assert!(off[c].abs_diff(want[c]) <= 2, "frame pixel {off:?}, want {want:?}");
        }
    }

    #[test]
    fn wrong_buffer_size_and_bad_points_are_refused_with_the_reason() {
        let rgb = frame(10, 10);
        let err = keyframe_png(RgbFrame { width_px: 10, height_px: 11, rgb: &rgb }, &Overlay::default()).unwrap_err();
        assert_eq!(err, ReportError::Frame("a 10×11 RGB frame has 330 bytes, got 300".into()));
        let err = keyframe_png(RgbFrame { width_px: 0, height_px: 10, rgb: &[] }, &Overlay::default()).unwrap_err();
        assert!(matches!(err, ReportError::Frame(ref m) if m.contains("0×10")), "{err:?}");
        let overlay = Overlay { joints: vec![Joint { x: f64::NAN, y: 1.0, side: Side::Body }], ..Overlay::default() };
        let err = keyframe_png(RgbFrame { width_px: 10, height_px: 10, rgb: &rgb }, &overlay).unwrap_err();
        assert_eq!(err, ReportError::Frame("an overlay point is not a finite number".into()));
    }
}

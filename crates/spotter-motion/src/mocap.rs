//! UI-PRMD Vicon marker files (39-marker Plug-in-Gait, data/ui-prmd/README.md) to the
//! subject-aligned skeleton: parsing, gap filling, hip/knee/ankle centres, the README's derived
//! quantities (trunk lean, pelvic tilt, butt wink, pelvis drop, knee flexion, knee convergence),
//! and a MediaPipe-style 2-D side view in the BlazePose 33 layout. Pure: the parser takes `&str`.
//!
//! The pipeline, in the README's order:
//!
//! 1. [`parse_uiprmd`]: text to a [`MarkerTrial`] (lab frame, metres, `None` where a marker is
//!    missing, that is written as `0,0,0`).
//! 2. [`prepare`] (or [`prepare_with_template`]): pelvis gaps filled by a rigid-body fit of a
//!    4-marker template, other gaps by linear interpolation with the end values held, rotation
//!    about z into the subject-aligned frame (x′ forward, y′ left, z up), Harrington hip joint
//!    centres, knee and ankle centres, and the per-frame quantities, as a [`PreparedTrial`].
//! 3. [`PreparedTrial::repetition`]: the per-repetition quantities ([`RepetitionSummary`]).
//! 4. [`to_side_view`] (or [`to_side_view_with`]): orthographic side view as a
//!    [`KeypointSequence`].

use serde::Serialize;
use thiserror::Error;

use crate::keypoints::{Keypoint, KeypointFrame, KeypointSequence, Layout};

/// Markers per frame in the Plug-in-Gait full-body set.
pub const N_MARKERS: usize = 39;

/// Columns per row of a positions file: 39 markers × (x, y, z).
pub const N_COLUMNS: usize = 3 * N_MARKERS;

/// Frame rate of the UI-PRMD Vicon recordings, in hertz.
pub const UIPRMD_FPS_HZ: f64 = 100.0;

/// Medial shift from the lateral knee marker to the knee centre along y′, in metres (README:
/// about 100 mm knee width / 2 + 7 mm marker radius).
pub const KNEE_MEDIAL_SHIFT_M: f64 = 0.057;

/// Medial shift from the lateral malleolus marker to the ankle centre along y′, in metres (about
/// 70 mm ankle width / 2 + 7 mm marker radius).
pub const ANKLE_MEDIAL_SHIFT_M: f64 = 0.042;

/// Marker names in file order (marker `k` is in columns `3k..3k+2`, 0-based).
pub const MARKER_NAMES: [&str; N_MARKERS] = [
    "LFHD", "RFHD", "LBHD", "RBHD", "C7", "T10", "CLAV", "STRN", "RBAK", "LSHO", "LUPA", "LELB",
    "LFRM", "LWRA", "LWRB", "LFIN", "RSHO", "RUPA", "RELB", "RFRM", "RWRA", "RWRB", "RFIN", "LASI",
    "RASI", "LPSI", "RPSI", "LTHI", "LKNE", "LTIB", "LANK", "LHEE", "LTOE", "RTHI", "RKNE", "RTIB",
    "RANK", "RHEE", "RTOE",
];

/// Marker indices in file order (Plug-in-Gait), named as in [`MARKER_NAMES`].
pub mod marker {
    pub const LFHD: usize = 0;
    pub const RFHD: usize = 1;
    pub const LBHD: usize = 2;
    pub const RBHD: usize = 3;
    pub const C7: usize = 4;
    pub const T10: usize = 5;
    pub const CLAV: usize = 6;
    pub const STRN: usize = 7;
    pub const RBAK: usize = 8;
    pub const LSHO: usize = 9;
    pub const LUPA: usize = 10;
    pub const LELB: usize = 11;
    pub const LFRM: usize = 12;
    pub const LWRA: usize = 13;
    pub const LWRB: usize = 14;
    pub const LFIN: usize = 15;
    pub const RSHO: usize = 16;
    pub const RUPA: usize = 17;
    pub const RELB: usize = 18;
    pub const RFRM: usize = 19;
    pub const RWRA: usize = 20;
    pub const RWRB: usize = 21;
    pub const RFIN: usize = 22;
    pub const LASI: usize = 23;
    pub const RASI: usize = 24;
    pub const LPSI: usize = 25;
    pub const RPSI: usize = 26;
    pub const LTHI: usize = 27;
    pub const LKNE: usize = 28;
    pub const LTIB: usize = 29;
    pub const LANK: usize = 30;
    pub const LHEE: usize = 31;
    pub const LTOE: usize = 32;
    pub const RTHI: usize = 33;
    pub const RKNE: usize = 34;
    pub const RTIB: usize = 35;
    pub const RANK: usize = 36;
    pub const RHEE: usize = 37;
    pub const RTOE: usize = 38;
}

/// The marker index for a Plug-in-Gait name (`"RASI"` → 24), if it is one of the 39.
pub fn marker_index(name: &str) -> Option<usize> {
    MARKER_NAMES.iter().position(|n| *n == name)
}

/// The four pelvis markers, in the order a [`PelvisTemplate`] stores them.
pub const PELVIS_MARKERS: [usize; 4] = [marker::LASI, marker::RASI, marker::LPSI, marker::RPSI];

/// Markers the analysis cannot do without: [`prepare`] fails when one is missing in every frame.
pub const REQUIRED_MARKERS: [usize; 10] = [
    marker::LASI,
    marker::RASI,
    marker::LPSI,
    marker::RPSI,
    marker::LSHO,
    marker::RSHO,
    marker::LKNE,
    marker::RKNE,
    marker::LANK,
    marker::RANK,
];

/// A point or vector in metres, `[x, y, z]`.
pub type Point3 = [f64; 3];

/// One frame of markers: entry `k` is marker `k` (see [`marker`]), `None` where missing.
pub type MarkerFrame = [Option<Point3>; N_MARKERS];

/// What went wrong reading or preparing a marker file. Lines and columns are 1-based; a column is
/// a comma-separated field, not a character.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum MocapError {
    #[error("empty marker file: no data rows")]
    Empty,
    #[error("line {line}: expected {N_COLUMNS} columns (39 markers × x, y, z), found {found}")]
    ColumnCount { line: usize, found: usize },
    #[error("line {line}, column {column}: `{text}` is not a number")]
    NotANumber {
        line: usize,
        column: usize,
        text: String,
    },
    #[error("line {line}, column {column}: `{text}` is not a finite number")]
    NotFinite {
        line: usize,
        column: usize,
        text: String,
    },
    #[error("frame rate must be a positive finite number of hertz, got {fps_hz}")]
    InvalidFrameRate { fps_hz: f64 },
    #[error("marker {marker} is missing in every frame and the analysis needs it")]
    MarkerMissingThroughout { marker: &'static str },
    #[error(
        "no frame has all four pelvis markers (LASI, RASI, LPSI, RPSI) and no pelvis template was given"
    )]
    NoPelvisTemplate,
    /// A size limit ([`MAX_UIPRMD_TEXT_BYTES`], [`MAX_UIPRMD_FRAMES`]) was reached.
    #[error("{message}")]
    TooLarge { message: String },
}

/// Longest UI-PRMD marker text accepted (after decompression), in bytes: 64 MiB. A repetition
/// of the data set is 0.2 to 1.3 MB; a caller reading a file (or a gzip stream, which can expand
/// a thousandfold) stops reading here.
pub const MAX_UIPRMD_TEXT_BYTES: usize = 64 << 20;
/// Most frames in a UI-PRMD marker file: 30,000, five minutes at 100 Hz (a repetition of the
/// data set lasts 2 to 9 s).
pub const MAX_UIPRMD_FRAMES: usize = 30_000;

/// A marker recording as read from the file: lab frame (z up, +x roughly anterior, +y the
/// subject's left), positions in metres.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkerTrial {
    /// Sampling rate in hertz ([`UIPRMD_FPS_HZ`] for UI-PRMD).
    pub fps_hz: f64,
    /// `frames[t][k]`: marker `k` at frame `t` (time `t / fps_hz` seconds), metres; `None` where
    /// the file has `0,0,0`.
    pub frames: Vec<MarkerFrame>,
}

impl MarkerTrial {
    pub fn n_frames(&self) -> usize {
        self.frames.len()
    }

    /// Frames in which marker `k` is missing.
    pub fn missing_frames(&self, k: usize) -> usize {
        self.frames
            .iter()
            .filter(|f| f.get(k).is_none_or(|m| m.is_none()))
            .count()
    }
}

/// Parses an (already decompressed) UI-PRMD Vicon positions file: one row per frame, no header,
/// 117 comma-separated numbers in millimetres, 100 Hz. Blank lines are skipped (they still count
/// for line numbers). `0,0,0` marks a missing marker. Refuses text over [`MAX_UIPRMD_TEXT_BYTES`]
/// and files of more than [`MAX_UIPRMD_FRAMES`] frames. Never panics.
pub fn parse_uiprmd(text: &str) -> Result<MarkerTrial, MocapError> {
    if text.len() > MAX_UIPRMD_TEXT_BYTES {
        return Err(MocapError::TooLarge { message: too_long_text() });
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut frames = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        if frames.len() >= MAX_UIPRMD_FRAMES {
            return Err(MocapError::TooLarge {
                message: format!(
                    "line {line_no}: more than {MAX_UIPRMD_FRAMES} frames, the limit on a marker file (5 minutes at 100 Hz; a repetition lasts seconds)"
                ),
            });
        }
        let found = line.split(',').count();
        if found != N_COLUMNS {
            return Err(MocapError::ColumnCount {
                line: line_no,
                found,
            });
        }
        let mut frame: MarkerFrame = [None; N_MARKERS];
        let mut xyz = [0.0; 3];
        for (j, field) in line.split(',').enumerate() {
            let s = field.trim();
            let value: f64 = s.parse().map_err(|_| MocapError::NotANumber {
                line: line_no,
                column: j + 1,
                text: shorten(s),
            })?;
            if !value.is_finite() {
                return Err(MocapError::NotFinite {
                    line: line_no,
                    column: j + 1,
                    text: shorten(s),
                });
            }
            xyz[j % 3] = value;
            if j % 3 == 2 {
                frame[j / 3] = if xyz == [0.0; 3] {
                    None
                } else {
                    Some(xyz.map(|mm| mm / 1000.0))
                };
            }
        }
        frames.push(frame);
    }
    if frames.is_empty() {
        return Err(MocapError::Empty);
    }
    Ok(MarkerTrial {
        fps_hz: UIPRMD_FPS_HZ,
        frames,
    })
}

/// The message for marker text over [`MAX_UIPRMD_TEXT_BYTES`] (for callers that stop reading there).
pub fn too_long_text() -> String {
    format!("more than {} MiB of marker text, the limit on a marker file (a repetition is about 1 MB)", MAX_UIPRMD_TEXT_BYTES >> 20)
}

/// At most 40 characters of a bad field, for an error message.
fn shorten(s: &str) -> String {
    match s.char_indices().nth(40) {
        Some((end, _)) => format!("{}…", &s[..end]),
        None => s.to_string(),
    }
}

/// The shape of the four pelvis markers (LASI, RASI, LPSI, RPSI), in metres, in any frame. Used
/// to fill pelvis gaps when a file has no frame with all four (README: take it from another
/// repetition of the same subject and movement).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PelvisTemplate {
    /// LASI, RASI, LPSI, RPSI positions, metres.
    pub markers_m: [Point3; 4],
}

impl PelvisTemplate {
    /// The first frame of `trial` with all four pelvis markers, if there is one.
    pub fn from_trial(trial: &MarkerTrial) -> Option<PelvisTemplate> {
        trial.frames.iter().find_map(|f| {
            let p = PELVIS_MARKERS.map(|k| f[k].filter(|v| finite3(*v)));
            if p.iter().all(Option::is_some) {
                Some(PelvisTemplate {
                    markers_m: p.map(|v| v.unwrap_or_default()),
                })
            } else {
                None
            }
        })
    }

    /// A template from one file alone when a single pelvis marker is missing in every frame: the
    /// missing marker is its partner mirrored across the pelvis's mid-sagittal plane (through the
    /// midpoint of the other pair, normal to it), taken in the first frame with the other three.
    /// This assumes a left-right symmetric pelvis, so pelvic tilt and the hip centres carry that
    /// assumption. `None` when no frame has three pelvis markers or when two are missing.
    pub fn mirrored(trial: &MarkerTrial) -> Option<PelvisTemplate> {
        trial.frames.iter().find_map(|f| {
            let p = PELVIS_MARKERS.map(|k| f[k].filter(|v| finite3(*v)));
            let missing: Vec<usize> = (0..4).filter(|&i| p[i].is_none()).collect();
            let &[i] = missing.as_slice() else {
                return None;
            };
            // Partner in the same pair (0↔1 ASIS, 2↔3 PSIS) and the other pair.
            let partner = i ^ 1;
            let (a, b) = if i < 2 { (2, 3) } else { (0, 1) };
            let (pa, pb, pp) = (p[a]?, p[b]?, p[partner]?);
            let n = sub(pb, pa);
            if norm3(n) < 1e-9 {
                return None;
            }
            let n = unit(n);
            let c = mid(pa, pb);
            let mut markers_m = p.map(|v| v.unwrap_or_default());
            markers_m[i] = sub(pp, scale(n, 2.0 * dot(sub(pp, c), n)));
            Some(PelvisTemplate { markers_m })
        })
    }
}

/// How a frame's pelvis markers were obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PelvisSource {
    /// All four markers measured.
    Measured,
    /// Three measured; the fourth from a rigid-body fit of the template (Kabsch, Horn's method).
    RigidFit,
    /// Two or fewer measured: the template carried along (translated onto the visible markers),
    /// or, with none visible, interpolated in time. Pelvic tilt in such frames is assumed, not
    /// measured.
    Carried,
}

/// Per-frame joint centres and angles, in the subject-aligned frame (x′ forward, y′ left, z up).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FrameKinematics {
    /// Time from the first frame, seconds.
    pub t_s: f64,
    /// Left hip joint centre (Harrington 2007), metres.
    pub hip_centre_l_m: Point3,
    /// Right hip joint centre (Harrington 2007), metres.
    pub hip_centre_r_m: Point3,
    /// Left knee centre (LKNE moved medially by [`KNEE_MEDIAL_SHIFT_M`]), metres.
    pub knee_centre_l_m: Point3,
    /// Right knee centre, metres.
    pub knee_centre_r_m: Point3,
    /// Left ankle centre (LANK moved medially by [`ANKLE_MEDIAL_SHIFT_M`]), metres.
    pub ankle_centre_l_m: Point3,
    /// Right ankle centre, metres.
    pub ankle_centre_r_m: Point3,
    /// Mean of the two hip joint centres, metres.
    pub mid_hip_m: Point3,
    /// mid(LSHO, RSHO), metres (on the acromia: slightly above and lateral to the joints).
    pub mid_shoulder_m: Point3,
    /// Angle of mid-shoulder − mid-hip from vertical in the x′–z plane, radians, + forward.
    pub trunk_lean_rad: f64,
    /// Angle of C7 − mid-hip from vertical in the x′–z plane, radians, + forward; `None` when C7
    /// is missing from the whole file.
    pub trunk_lean_c7_rad: Option<f64>,
    /// Angle of the PSIS→ASIS line (midpoints) below horizontal, radians, + anterior tilt.
    pub pelvic_tilt_rad: f64,
    /// Left knee flexion, `π − ∠(hip, knee, ankle centres)` in 3-D, radians.
    pub knee_flexion_3d_l_rad: f64,
    /// Right knee flexion in 3-D, radians.
    pub knee_flexion_3d_r_rad: f64,
    /// Left knee flexion on the x′–z projection, radians.
    pub knee_flexion_2d_l_rad: f64,
    /// Right knee flexion on the x′–z projection, radians.
    pub knee_flexion_2d_r_rad: f64,
    /// KC(t) = (y′_LANK − y′_RANK) − (y′_LKNE − y′_RKNE): ankle separation minus knee separation
    /// along y′, metres.
    pub knee_convergence_m: f64,
}

/// A marker trial after the README's pre-processing, in the subject-aligned frame.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedTrial {
    /// Sampling rate, hertz.
    pub fps_hz: f64,
    /// Pelvis heading in the lab frame: angle of the forward direction `f` from +x toward +y,
    /// radians. The aligned frame is the lab frame rotated about z by minus this angle.
    pub heading_rad: f64,
    /// Markers in the aligned frame (x′ forward, y′ left, z up), metres, gaps filled; `None` only
    /// for markers missing in every frame.
    pub markers: Vec<MarkerFrame>,
    /// Frames in which each marker was missing in the file (before filling).
    pub missing_frames: [usize; N_MARKERS],
    /// How each frame's pelvis markers were obtained.
    pub pelvis_source: Vec<PelvisSource>,
    /// Pelvic width (ASIS–ASIS distance), median over the trial, metres.
    pub pelvic_width_m: f64,
    /// Pelvic depth (distance between the ASIS and PSIS midpoints), median over the trial, metres.
    pub pelvic_depth_m: f64,
    /// Per-frame joint centres and angles.
    pub frames: Vec<FrameKinematics>,
}

/// The README's per-repetition quantities (a UI-PRMD file holds one repetition).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct RepetitionSummary {
    /// Standing frame: the highest mid-hip at or before the bottom.
    pub standing_frame: usize,
    /// Bottom frame: the lowest mid-hip.
    pub bottom_frame: usize,
    /// Time of the standing frame, seconds.
    pub standing_t_s: f64,
    /// Time of the bottom frame, seconds.
    pub bottom_t_s: f64,
    /// Pelvis drop, `max z(mid-hip) − min z(mid-hip)`, metres.
    pub pelvis_drop_m: f64,
    /// Standing leg length `|HJC − knee| + |knee − ankle|` on the x′–z projection at the standing
    /// frame, mean of the two legs, metres.
    pub leg_length_2d_m: f64,
    /// The same in 3-D (joint centres), metres.
    pub leg_length_3d_m: f64,
    /// Pelvis drop over the 2-D standing leg length (the README's scale-free drop), dimensionless.
    pub pelvis_drop_rel: f64,
    /// Pelvis drop over the 3-D standing leg length, dimensionless.
    pub pelvis_drop_rel_3d: f64,
    /// Largest trunk lean (mid-shoulder − mid-hip) over the repetition, radians, + forward.
    pub peak_trunk_lean_rad: f64,
    /// Largest C7-based trunk lean, radians; `None` when C7 is missing from the whole file.
    pub peak_trunk_lean_c7_rad: Option<f64>,
    /// Trunk lean at the bottom frame, radians.
    pub trunk_lean_bottom_rad: f64,
    /// Pelvic tilt at the standing frame, radians, + anterior.
    pub pelvic_tilt_standing_rad: f64,
    /// Pelvic tilt at the bottom frame, radians.
    pub pelvic_tilt_bottom_rad: f64,
    /// Butt wink: largest pelvic tilt from the standing frame to the bottom minus the tilt at the
    /// bottom, radians, ≥ 0.
    pub butt_wink_rad: f64,
    /// `false` when some frame's pelvis was carried along rather than measured or fitted from three
    /// markers: tilt and butt wink are then assumed, and belong in no pelvic-tilt analysis.
    pub pelvic_tilt_measured: bool,
    /// Largest knee flexion over frames and legs, 3-D, radians.
    pub peak_knee_flexion_3d_rad: f64,
    /// Largest knee flexion over frames and legs, x′–z projection, radians.
    pub peak_knee_flexion_2d_rad: f64,
    /// Knee convergence: largest `KC(t) − KC(standing)` over frames deeper than half the drop,
    /// metres; positive when the knees came closer together relative to the feet (valgus).
    pub knee_convergence_m: f64,
}

/// Pre-processes a trial ([`prepare_with_template`] without an outside template). When no frame
/// has all four pelvis markers, falls back to [`PelvisTemplate::mirrored`] (one file is all the
/// command line has; UI-PRMD holdout m03_s10_e02_inc lacks RASI throughout).
pub fn prepare(trial: &MarkerTrial) -> Result<PreparedTrial, MocapError> {
    match prepare_with_template(trial, None) {
        Err(MocapError::NoPelvisTemplate) => match PelvisTemplate::mirrored(trial) {
            Some(t) => prepare_with_template(trial, Some(&t)),
            None => Err(MocapError::NoPelvisTemplate),
        },
        other => other,
    }
}

/// Pre-processes a trial as the README recommends and computes the per-frame quantities.
///
/// Pelvis gaps are filled from the nearest frame (in time) that has all four pelvis markers;
/// `template` is used only when no frame has. Non-finite coordinates count as missing.
pub fn prepare_with_template(
    trial: &MarkerTrial,
    template: Option<&PelvisTemplate>,
) -> Result<PreparedTrial, MocapError> {
    if trial.frames.is_empty() {
        return Err(MocapError::Empty);
    }
    let fps_hz = trial.fps_hz;
    if !(fps_hz.is_finite() && fps_hz > 0.0) {
        return Err(MocapError::InvalidFrameRate { fps_hz });
    }
    let mut m: Vec<MarkerFrame> = trial
        .frames
        .iter()
        .map(|f| f.map(|p| p.filter(|v| finite3(*v))))
        .collect();
    let mut missing_frames = [0; N_MARKERS];
    for (k, count) in missing_frames.iter_mut().enumerate() {
        *count = m.iter().filter(|f| f[k].is_none()).count();
    }
    let pelvis_source = fill_pelvis(&mut m, template)?;
    fill_linear(&mut m);
    for k in REQUIRED_MARKERS {
        if m[0][k].is_none() {
            return Err(MocapError::MarkerMissingThroughout {
                marker: MARKER_NAMES[k],
            });
        }
    }
    let get = |f: &MarkerFrame, k: usize| f[k].unwrap_or_default();

    // Subject-aligned frame: rotation about z from the median pelvis heading.
    let fx = median(m.iter().map(|f| pelvis_forward(f, get)[0]).collect());
    let fy = median(m.iter().map(|f| pelvis_forward(f, get)[1]).collect());
    let norm = fx.hypot(fy);
    let (fx, fy) = if norm > 1e-12 {
        (fx / norm, fy / norm)
    } else {
        (1.0, 0.0)
    };
    let heading_rad = fy.atan2(fx);
    for f in &mut m {
        for p in f.iter_mut().flatten() {
            *p = [fx * p[0] + fy * p[1], -fy * p[0] + fx * p[1], p[2]];
        }
    }

    let pelvic_width_m = median(
        m.iter()
            .map(|f| norm3(sub(get(f, marker::RASI), get(f, marker::LASI))))
            .collect(),
    );
    let pelvic_depth_m = median(
        m.iter()
            .map(|f| norm3(sub(asis_mid(f, get), psis_mid(f, get))))
            .collect(),
    );

    let frames = m
        .iter()
        .enumerate()
        .map(|(t, f)| frame_kinematics(t as f64 / fps_hz, f, pelvic_width_m, pelvic_depth_m))
        .collect();
    Ok(PreparedTrial {
        fps_hz,
        heading_rad,
        markers: m,
        missing_frames,
        pelvis_source,
        pelvic_width_m,
        pelvic_depth_m,
        frames,
    })
}

fn asis_mid(f: &MarkerFrame, get: impl Fn(&MarkerFrame, usize) -> Point3) -> Point3 {
    mid(get(f, marker::LASI), get(f, marker::RASI))
}

fn psis_mid(f: &MarkerFrame, get: impl Fn(&MarkerFrame, usize) -> Point3) -> Point3 {
    mid(get(f, marker::LPSI), get(f, marker::RPSI))
}

fn pelvis_forward(f: &MarkerFrame, get: impl Fn(&MarkerFrame, usize) -> Point3 + Copy) -> Point3 {
    sub(asis_mid(f, get), psis_mid(f, get))
}

/// Harrington hip centres, knee and ankle centres and the angles of one aligned, filled frame.
fn frame_kinematics(t_s: f64, f: &MarkerFrame, pw: f64, pd: f64) -> FrameKinematics {
    let get = |k: usize| f[k].unwrap_or_default();
    let (lasi, rasi) = (get(marker::LASI), get(marker::RASI));
    let asis = mid(lasi, rasi);
    let psis = mid(get(marker::LPSI), get(marker::RPSI));
    // Pelvis frame: Z to the right, X anterior (perpendicular to Z), Y = Z × X superior.
    let z_axis = unit(sub(rasi, lasi));
    let ap = sub(asis, psis);
    let x_axis = unit(sub(ap, scale(z_axis, dot(ap, z_axis))));
    let y_axis = cross(z_axis, x_axis);
    let base = add(
        add(asis, scale(x_axis, -0.24 * pd - 0.0099)),
        scale(y_axis, -0.30 * pw - 0.0109),
    );
    let side = scale(z_axis, 0.33 * pw + 0.0073);
    let hip_r = add(base, side);
    let hip_l = sub(base, side);
    let lateral = |p: Point3, shift: f64| [p[0], p[1] + shift, p[2]];
    let knee_l = lateral(get(marker::LKNE), -KNEE_MEDIAL_SHIFT_M);
    let knee_r = lateral(get(marker::RKNE), KNEE_MEDIAL_SHIFT_M);
    let ankle_l = lateral(get(marker::LANK), -ANKLE_MEDIAL_SHIFT_M);
    let ankle_r = lateral(get(marker::RANK), ANKLE_MEDIAL_SHIFT_M);
    let mid_hip = mid(hip_l, hip_r);
    let mid_shoulder = mid(get(marker::LSHO), get(marker::RSHO));
    let sagittal_lean = |top: Point3| {
        let d = sub(top, mid_hip);
        d[0].atan2(d[2])
    };
    let kc = (get(marker::LANK)[1] - get(marker::RANK)[1])
        - (get(marker::LKNE)[1] - get(marker::RKNE)[1]);
    FrameKinematics {
        t_s,
        hip_centre_l_m: hip_l,
        hip_centre_r_m: hip_r,
        knee_centre_l_m: knee_l,
        knee_centre_r_m: knee_r,
        ankle_centre_l_m: ankle_l,
        ankle_centre_r_m: ankle_r,
        mid_hip_m: mid_hip,
        mid_shoulder_m: mid_shoulder,
        trunk_lean_rad: sagittal_lean(mid_shoulder),
        trunk_lean_c7_rad: f[marker::C7].map(sagittal_lean),
        pelvic_tilt_rad: (-ap[2]).atan2(ap[0].hypot(ap[1])),
        knee_flexion_3d_l_rad: knee_flexion_3d(hip_l, knee_l, ankle_l),
        knee_flexion_3d_r_rad: knee_flexion_3d(hip_r, knee_r, ankle_r),
        knee_flexion_2d_l_rad: knee_flexion_2d(hip_l, knee_l, ankle_l),
        knee_flexion_2d_r_rad: knee_flexion_2d(hip_r, knee_r, ankle_r),
        knee_convergence_m: kc,
    }
}

/// `π − ∠(hip, knee, ankle)` in 3-D, radians (0 for a degenerate leg).
fn knee_flexion_3d(hip: Point3, knee: Point3, ankle: Point3) -> f64 {
    let (u, v) = (sub(hip, knee), sub(ankle, knee));
    std::f64::consts::PI - norm3(cross(u, v)).atan2(dot(u, v))
}

/// `π − ∠(hip, knee, ankle)` on the x′–z projection, radians.
fn knee_flexion_2d(hip: Point3, knee: Point3, ankle: Point3) -> f64 {
    let (u, v) = (sub(hip, knee), sub(ankle, knee));
    std::f64::consts::PI
        - (u[0] * v[2] - u[2] * v[0])
            .abs()
            .atan2(u[0] * v[0] + u[2] * v[2])
}

impl PreparedTrial {
    pub fn n_frames(&self) -> usize {
        self.frames.len()
    }

    /// The frame with the highest mid-hip over the whole trial (the README's standing reference,
    /// used to centre the side view).
    pub fn highest_frame(&self) -> usize {
        argmax(self.frames.iter().map(|f| f.mid_hip_m[2]))
    }

    /// The per-repetition quantities, the whole trial taken as one repetition (all zero for a
    /// trial without frames, which [`prepare`] never makes).
    pub fn repetition(&self) -> RepetitionSummary {
        let fr = &self.frames;
        if fr.is_empty() {
            return RepetitionSummary::default();
        }
        let hz: Vec<f64> = fr.iter().map(|f| f.mid_hip_m[2]).collect();
        let bottom = argmin(hz.iter().copied());
        let stand = argmax(hz[..=bottom].iter().copied());
        let top = hz.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let drop = top - hz[bottom];
        let s = &fr[stand];
        let legs = |dist: fn(Point3, Point3) -> f64| {
            let l = dist(s.hip_centre_l_m, s.knee_centre_l_m)
                + dist(s.knee_centre_l_m, s.ankle_centre_l_m);
            let r = dist(s.hip_centre_r_m, s.knee_centre_r_m)
                + dist(s.knee_centre_r_m, s.ankle_centre_r_m);
            (l + r) / 2.0
        };
        let leg_2d = legs(|a, b| (a[0] - b[0]).hypot(a[2] - b[2]));
        let leg_3d = legs(|a, b| norm3(sub(a, b)));
        let ratio = |d: f64, l: f64| if l > 0.0 { d / l } else { 0.0 };
        let max_of = |it: &mut dyn Iterator<Item = f64>| it.fold(f64::NEG_INFINITY, f64::max);
        let peak_c7 = if fr.iter().all(|f| f.trunk_lean_c7_rad.is_some()) {
            Some(max_of(&mut fr.iter().filter_map(|f| f.trunk_lean_c7_rad)))
        } else {
            None
        };
        let tilt_bottom = fr[bottom].pelvic_tilt_rad;
        let butt_wink =
            max_of(&mut fr[stand..=bottom].iter().map(|f| f.pelvic_tilt_rad)) - tilt_bottom;
        let kc_stand = s.knee_convergence_m;
        let deep_limit = top - drop / 2.0;
        let mut deep = fr
            .iter()
            .zip(&hz)
            .filter(|(_, z)| **z < deep_limit)
            .map(|(f, _)| f.knee_convergence_m - kc_stand)
            .peekable();
        let knee_convergence_m = if deep.peek().is_some() {
            max_of(&mut deep)
        } else {
            fr[bottom].knee_convergence_m - kc_stand
        };
        RepetitionSummary {
            standing_frame: stand,
            bottom_frame: bottom,
            standing_t_s: s.t_s,
            bottom_t_s: fr[bottom].t_s,
            pelvis_drop_m: drop,
            leg_length_2d_m: leg_2d,
            leg_length_3d_m: leg_3d,
            pelvis_drop_rel: ratio(drop, leg_2d),
            pelvis_drop_rel_3d: ratio(drop, leg_3d),
            peak_trunk_lean_rad: max_of(&mut fr.iter().map(|f| f.trunk_lean_rad)),
            peak_trunk_lean_c7_rad: peak_c7,
            trunk_lean_bottom_rad: fr[bottom].trunk_lean_rad,
            pelvic_tilt_standing_rad: s.pelvic_tilt_rad,
            pelvic_tilt_bottom_rad: tilt_bottom,
            butt_wink_rad: butt_wink.max(0.0),
            pelvic_tilt_measured: self
                .pelvis_source
                .iter()
                .all(|p| *p != PelvisSource::Carried),
            peak_knee_flexion_3d_rad: max_of(
                &mut fr
                    .iter()
                    .map(|f| f.knee_flexion_3d_l_rad.max(f.knee_flexion_3d_r_rad)),
            ),
            peak_knee_flexion_2d_rad: max_of(
                &mut fr
                    .iter()
                    .map(|f| f.knee_flexion_2d_l_rad.max(f.knee_flexion_2d_r_rad)),
            ),
            knee_convergence_m,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Gap filling

/// Fills pelvis gaps in place (lab frame) and says how each frame's pelvis was obtained.
fn fill_pelvis(
    m: &mut [MarkerFrame],
    template: Option<&PelvisTemplate>,
) -> Result<Vec<PelvisSource>, MocapError> {
    let complete: Vec<usize> = (0..m.len())
        .filter(|&t| PELVIS_MARKERS.iter().all(|&k| m[t][k].is_some()))
        .collect();
    if complete.is_empty() && template.is_none() {
        return Err(MocapError::NoPelvisTemplate);
    }
    let mut source = vec![PelvisSource::Measured; m.len()];
    for t in 0..m.len() {
        let visible = PELVIS_MARKERS.map(|k| m[t][k]);
        let n_visible = visible.iter().filter(|v| v.is_some()).count();
        if n_visible == PELVIS_MARKERS.len() {
            continue;
        }
        let tmpl: [Point3; 4] = match nearest(&complete, t) {
            Some(r) => PELVIS_MARKERS.map(|k| m[r][k].unwrap_or_default()),
            None => template.map(|p| p.markers_m).unwrap_or_default(),
        };
        let (src, dst): (Vec<Point3>, Vec<Point3>) = (0..4)
            .filter_map(|i| visible[i].map(|v| (tmpl[i], v)))
            .unzip();
        if n_visible >= 3 {
            let (r, tr) = fit_rigid(&src, &dst);
            for i in 0..4 {
                if visible[i].is_none() {
                    m[t][PELVIS_MARKERS[i]] = Some(add(mat_vec(&r, tmpl[i]), tr));
                }
            }
            source[t] = PelvisSource::RigidFit;
        } else {
            if n_visible > 0 {
                let shift = sub(centroid(&dst), centroid(&src));
                for i in 0..4 {
                    if visible[i].is_none() {
                        m[t][PELVIS_MARKERS[i]] = Some(add(tmpl[i], shift));
                    }
                }
            }
            source[t] = PelvisSource::Carried;
        }
    }
    Ok(source)
}

/// The element of the sorted `frames` closest to `t` (the earlier one on a tie).
fn nearest(frames: &[usize], t: usize) -> Option<usize> {
    let i = frames.partition_point(|&f| f < t);
    let after = frames.get(i).copied();
    let before = i.checked_sub(1).map(|j| frames[j]);
    match (before, after) {
        (Some(b), Some(a)) => Some(if t - b <= a - t { b } else { a }),
        (b, a) => b.or(a),
    }
}

/// Linear interpolation in time over gaps, end values held; markers missing in every frame stay
/// missing.
fn fill_linear(m: &mut [MarkerFrame]) {
    for k in 0..N_MARKERS {
        let known: Vec<usize> = (0..m.len()).filter(|&t| m[t][k].is_some()).collect();
        if known.is_empty() || known.len() == m.len() {
            continue;
        }
        for t in 0..m.len() {
            if m[t][k].is_some() {
                continue;
            }
            let i = known.partition_point(|&f| f < t);
            let value = match (i.checked_sub(1).map(|j| known[j]), known.get(i).copied()) {
                (Some(a), Some(b)) => {
                    let (pa, pb) = (m[a][k].unwrap_or_default(), m[b][k].unwrap_or_default());
                    lerp3(pa, pb, (t - a) as f64 / (b - a) as f64)
                }
                (Some(a), None) => m[a][k].unwrap_or_default(),
                (None, Some(b)) => m[b][k].unwrap_or_default(),
                (None, None) => continue,
            };
            m[t][k] = Some(value);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Rigid-body fit (Horn 1987, unit quaternions), with a small Jacobi eigen-solver

/// Least-squares rotation `r` and translation `t` with `r·src[i] + t ≈ dst[i]` (Kabsch problem),
/// by Horn's quaternion method. Needs three or more non-collinear points for a unique answer.
fn fit_rigid(src: &[Point3], dst: &[Point3]) -> ([[f64; 3]; 3], Point3) {
    let (cs, cd) = (centroid(src), centroid(dst));
    let mut s = [[0.0; 3]; 3]; // s[a][b] = Σ src'_a dst'_b
    for (p, q) in src.iter().zip(dst) {
        let (p, q) = (sub(*p, cs), sub(*q, cd));
        for a in 0..3 {
            for b in 0..3 {
                s[a][b] += p[a] * q[b];
            }
        }
    }
    let [[sxx, sxy, sxz], [syx, syy, syz], [szx, szy, szz]] = s;
    let n = [
        [sxx + syy + szz, syz - szy, szx - sxz, sxy - syx],
        [syz - szy, sxx - syy - szz, sxy + syx, szx + sxz],
        [szx - sxz, sxy + syx, -sxx + syy - szz, syz + szy],
        [sxy - syx, szx + sxz, syz + szy, -sxx - syy + szz],
    ];
    let (values, vectors) = symmetric_eigen4(n);
    let best = argmax(values.iter().copied());
    let q = [
        vectors[0][best],
        vectors[1][best],
        vectors[2][best],
        vectors[3][best],
    ];
    let r = quaternion_to_matrix(q);
    (r, sub(cd, mat_vec(&r, cs)))
}

/// Eigenvalues and eigenvectors (columns of the second result) of a symmetric 4×4 matrix, by
/// cyclic Jacobi rotations.
fn symmetric_eigen4(mut a: [[f64; 4]; 4]) -> ([f64; 4], [[f64; 4]; 4]) {
    let mut v = [[0.0; 4]; 4];
    for (i, row) in v.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    let scale: f64 = a.iter().flatten().map(|x| x * x).sum();
    for _sweep in 0..64 {
        let off: f64 = (0..4)
            .flat_map(|p| (0..4).filter(move |&q| q != p).map(move |q| (p, q)))
            .map(|(p, q)| a[p][q] * a[p][q])
            .sum();
        if off.is_nan() || off <= 1e-30 * scale {
            break;
        }
        for p in 0..3 {
            for q in p + 1..4 {
                if a[p][q] == 0.0 {
                    continue;
                }
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                // A ← Jᵀ A J and V ← V J, J the rotation in the (p, q) plane.
                for row in a.iter_mut() {
                    let (akp, akq) = (row[p], row[q]);
                    row[p] = c * akp - s * akq;
                    row[q] = s * akp + c * akq;
                }
                let (row_p, row_q) = (a[p], a[q]);
                a[p] = std::array::from_fn(|k| c * row_p[k] - s * row_q[k]);
                a[q] = std::array::from_fn(|k| s * row_p[k] + c * row_q[k]);
                for row in v.iter_mut() {
                    let (vkp, vkq) = (row[p], row[q]);
                    row[p] = c * vkp - s * vkq;
                    row[q] = s * vkp + c * vkq;
                }
            }
        }
    }
    ([a[0][0], a[1][1], a[2][2], a[3][3]], v)
}

/// Rotation matrix of the quaternion `[w, x, y, z]` (normalised here).
fn quaternion_to_matrix(q: [f64; 4]) -> [[f64; 3]; 3] {
    let n = q.iter().map(|c| c * c).sum::<f64>().sqrt();
    let [w, x, y, z] = if n > 0.0 {
        q.map(|c| c / n)
    } else {
        [1.0, 0.0, 0.0, 0.0]
    };
    [
        [
            w * w + x * x - y * y - z * z,
            2.0 * (x * y - w * z),
            2.0 * (x * z + w * y),
        ],
        [
            2.0 * (x * y + w * z),
            w * w - x * x + y * y - z * z,
            2.0 * (y * z - w * x),
        ],
        [
            2.0 * (x * z - w * y),
            2.0 * (y * z + w * x),
            w * w - x * x - y * y + z * z,
        ],
    ]
}

// ---------------------------------------------------------------------------------------------
// Side view

/// Which side of the subject the (orthographic) camera stands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CameraSide {
    /// At −y′ looking toward +y′: the subject faces image-right; left landmarks are the far ones.
    Right,
    /// At +y′ looking toward −y′: the subject faces image-left; right landmarks are the far ones.
    Left,
}

/// How [`to_side_view_with`] frames and samples the side view.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SideViewOptions {
    pub camera: CameraSide,
    /// Output frame rate in hertz (landmarks linearly interpolated at `t = k / fps`); `None`, or a
    /// value that is not finite or not in (0, 10 000], keeps the trial's own frames.
    pub fps_out_hz: Option<f64>,
    /// Image width and height in pixels (the window is square).
    pub image_size_px: u32,
    /// Side of the square field of view, metres.
    pub window_m: f64,
    /// Height of the window centre above the floor, metres (horizontally the window is centred on
    /// the mid-hip of [`PreparedTrial::highest_frame`]).
    pub window_centre_z_m: f64,
    /// Visibility of far-side landmarks (near-side and midline ones get 1.0, landmarks without a
    /// source 0.0).
    pub far_visibility: f64,
    /// Also fill `world_landmarks`: metres relative to the mid-hip, x to image-right, y down, z
    /// depth (negative toward the camera), as MediaPipe writes them. These are exact, unlike a pose
    /// model's estimates.
    pub world_landmarks: bool,
}

impl Default for SideViewOptions {
    fn default() -> Self {
        SideViewOptions {
            camera: CameraSide::Right,
            fps_out_hz: None,
            image_size_px: 1080,
            window_m: 2.4,
            window_centre_z_m: 1.0,
            far_visibility: 0.5,
            world_landmarks: false,
        }
    }
}

/// Where a BlazePose landmark comes from.
#[derive(Debug, Clone, Copy)]
enum Source {
    None,
    Marker(usize),
    Mid(usize, usize),
    HipLeft,
    HipRight,
}

/// Which side of the body a landmark is on (for visibility).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodySide {
    Mid,
    Left,
    Right,
}

/// BlazePose 33 landmarks from the markers (README table). The hand's pinky and thumb and the
/// inner/outer eyes and mouth have no source.
const BLAZEPOSE_SOURCES: [(Source, BodySide); 33] = {
    use BodySide::{Left as L, Mid as M, Right as R};
    use Source::*;
    use marker::*;
    [
        (Mid(LFHD, RFHD), M), // 0 nose (forehead, about 5 cm above the nose)
        (None, L),            // 1 left eye inner
        (Marker(LFHD), L),    // 2 left eye
        (None, L),            // 3 left eye outer
        (None, R),            // 4 right eye inner
        (Marker(RFHD), R),    // 5 right eye
        (None, R),            // 6 right eye outer
        (Mid(LFHD, LBHD), L), // 7 left ear
        (Mid(RFHD, RBHD), R), // 8 right ear
        (None, L),            // 9 mouth left
        (None, R),            // 10 mouth right
        (Marker(LSHO), L),    // 11 left shoulder
        (Marker(RSHO), R),    // 12 right shoulder
        (Marker(LELB), L),    // 13 left elbow
        (Marker(RELB), R),    // 14 right elbow
        (Mid(LWRA, LWRB), L), // 15 left wrist
        (Mid(RWRA, RWRB), R), // 16 right wrist
        (None, L),            // 17 left pinky
        (None, R),            // 18 right pinky
        (Marker(LFIN), L),    // 19 left index
        (Marker(RFIN), R),    // 20 right index
        (None, L),            // 21 left thumb
        (None, R),            // 22 right thumb
        (HipLeft, L),         // 23 left hip (Harrington centre)
        (HipRight, R),        // 24 right hip
        (Marker(LKNE), L),    // 25 left knee
        (Marker(RKNE), R),    // 26 right knee
        (Marker(LANK), L),    // 27 left ankle
        (Marker(RANK), R),    // 28 right ankle
        (Marker(LHEE), L),    // 29 left heel
        (Marker(RHEE), R),    // 30 right heel
        (Marker(LTOE), L),    // 31 left foot index
        (Marker(RTOE), R),    // 32 right foot index
    ]
};

/// Orthographic side view with the default framing (square 2.4 m window, 1080 px, far-side
/// visibility 0.5); `fps_out_hz` resamples by linear interpolation (e.g. `Some(30.0)`).
pub fn to_side_view(
    trial: &PreparedTrial,
    camera: CameraSide,
    fps_out_hz: Option<f64>,
) -> KeypointSequence {
    to_side_view_with(
        trial,
        &SideViewOptions {
            camera,
            fps_out_hz,
            ..SideViewOptions::default()
        },
    )
}

/// Orthographic projection onto x′–z as BlazePose 33 landmarks: `x` (u) = 0.5 ± (x′ − x′₀) / W
/// (+ for a camera on the right), `y` (v) = 0.5 − (z − z_c) / W, `z` = ±(y′ − y′_mid-hip) / W
/// (negative toward the camera), W the window side. A landmark without a source gets visibility 0
/// and coordinates 0. No noise is added.
pub fn to_side_view_with(trial: &PreparedTrial, options: &SideViewOptions) -> KeypointSequence {
    let n = trial.frames.len().min(trial.markers.len());
    let valid_rate = |f: f64| f.is_finite() && f > 0.0;
    let fps_in = if valid_rate(trial.fps_hz) {
        trial.fps_hz
    } else {
        UIPRMD_FPS_HZ
    };
    let duration_s = n.saturating_sub(1) as f64 / fps_in;
    let fps_out = match options.fps_out_hz {
        Some(f) if valid_rate(f) && f <= 10_000.0 && duration_s * f < 1e7 => f,
        _ => fps_in,
    };
    let sign = match options.camera {
        CameraSide::Right => 1.0,
        CameraSide::Left => -1.0,
    };
    let window = if options.window_m.is_finite() && options.window_m > 0.0 {
        options.window_m
    } else {
        2.4
    };
    let x0 = if n > 0 {
        trial.frames[trial.highest_frame()].mid_hip_m[0]
    } else {
        0.0
    };
    let zc = if options.window_centre_z_m.is_finite() {
        options.window_centre_z_m
    } else {
        1.0
    };
    let near = |side: BodySide| match (side, options.camera) {
        (BodySide::Left, CameraSide::Right) | (BodySide::Right, CameraSide::Left) => {
            options.far_visibility
        }
        _ => 1.0,
    };

    // 3-D landmarks at the trial's own frames.
    let landmarks_3d: Vec<[Option<Point3>; 33]> = (0..n)
        .map(|t| {
            let f = &trial.markers[t];
            BLAZEPOSE_SOURCES.map(|(src, _)| match src {
                Source::None => None,
                Source::Marker(k) => f[k],
                Source::Mid(a, b) => f[a].zip(f[b]).map(|(a, b)| mid(a, b)),
                Source::HipLeft => Some(trial.frames[t].hip_centre_l_m),
                Source::HipRight => Some(trial.frames[t].hip_centre_r_m),
            })
        })
        .collect();

    let n_out = if n == 0 {
        0
    } else {
        ((duration_s * fps_out + 1e-9).floor() as usize + 1).min(10_000_000)
    };
    let frames = (0..n_out)
        .map(|k| {
            let t_s = k as f64 / fps_out;
            let pos = (t_s * fps_in).max(0.0);
            let i0 = (pos.floor() as usize).min(n - 1);
            let i1 = (i0 + 1).min(n - 1);
            let frac = (pos - i0 as f64).clamp(0.0, 1.0);
            let hip = lerp3(trial.frames[i0].mid_hip_m, trial.frames[i1].mid_hip_m, frac);
            let mut landmarks = Vec::with_capacity(33);
            let mut world = Vec::with_capacity(33);
            for (j, (_, side)) in BLAZEPOSE_SOURCES.iter().enumerate() {
                let p = match (landmarks_3d[i0][j], landmarks_3d[i1][j]) {
                    (Some(a), Some(b)) => Some(lerp3(a, b, frac)),
                    _ => None,
                };
                match p {
                    Some(p) => {
                        landmarks.push(Keypoint {
                            x: 0.5 + sign * (p[0] - x0) / window,
                            y: 0.5 - (p[2] - zc) / window,
                            z: sign * (p[1] - hip[1]) / window,
                            visibility: near(*side),
                        });
                        world.push([
                            sign * (p[0] - hip[0]),
                            -(p[2] - hip[2]),
                            sign * (p[1] - hip[1]),
                        ]);
                    }
                    None => {
                        landmarks.push(Keypoint {
                            x: 0.0,
                            y: 0.0,
                            z: 0.0,
                            visibility: 0.0,
                        });
                        world.push([0.0; 3]);
                    }
                }
            }
            KeypointFrame {
                t: t_s,
                landmarks: Some(landmarks),
                world_landmarks: options.world_landmarks.then_some(world),
            }
        })
        .collect();
    KeypointSequence {
        fps: fps_out,
        width: options.image_size_px,
        height: options.image_size_px,
        layout: Layout::Blazepose33,
        frames,
    }
}

// ---------------------------------------------------------------------------------------------
// Small vector helpers

fn finite3(p: Point3) -> bool {
    p.iter().all(|c| c.is_finite())
}

fn add(a: Point3, b: Point3) -> Point3 {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2]]
}

fn sub(a: Point3, b: Point3) -> Point3 {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

fn scale(a: Point3, s: f64) -> Point3 {
    a.map(|c| c * s)
}

fn dot(a: Point3, b: Point3) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn cross(a: Point3, b: Point3) -> Point3 {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

fn norm3(a: Point3) -> f64 {
    dot(a, a).sqrt()
}

/// `a / |a|`, or zero for a zero vector.
fn unit(a: Point3) -> Point3 {
    let n = norm3(a);
    if n > 0.0 { scale(a, 1.0 / n) } else { [0.0; 3] }
}

fn mid(a: Point3, b: Point3) -> Point3 {
    scale(add(a, b), 0.5)
}

fn lerp3(a: Point3, b: Point3, w: f64) -> Point3 {
    add(a, scale(sub(b, a), w))
}

fn centroid(points: &[Point3]) -> Point3 {
    if points.is_empty() {
        return [0.0; 3];
    }
    scale(
        points.iter().fold([0.0; 3], |acc, p| add(acc, *p)),
        1.0 / points.len() as f64,
    )
}

fn mat_vec(r: &[[f64; 3]; 3], v: Point3) -> Point3 {
    [dot(r[0], v), dot(r[1], v), dot(r[2], v)]
}

/// Median as numpy computes it (mean of the two middle values for an even count); 0 when empty.
fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let h = v.len() / 2;
    if v.len() % 2 == 1 {
        v[h]
    } else {
        (v[h - 1] + v[h]) / 2.0
    }
}

/// Index of the first largest value (0 when empty).
fn argmax(values: impl Iterator<Item = f64>) -> usize {
    let mut best = (0, f64::NEG_INFINITY);
    for (i, v) in values.enumerate() {
        if v > best.1 {
            best = (i, v);
        }
    }
    best.0
}

/// Index of the first smallest value (0 when empty).
fn argmin(values: impl Iterator<Item = f64>) -> usize {
    argmax(values.map(|v| -v))
}

pub mod robust;
pub mod verdict;

#[cfg(test)]
mod tests;

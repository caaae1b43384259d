//! End-to-end parity with MediaPipe 0.10.14's `solutions.pose` on the repo's real squat clip
//! (`examples/squat-side-gym-3s.mp4`, one rep, 90 frames): decodes it with the ffmpeg CLI (test
//! only), runs the tracker with the real networks through spotter-infer, and compares every
//! frame's landmarks with MediaPipe's own output from a fresh start on the same file
//! (`examples/squat-side-gym-3s.mediapipe-0.10.14-{lite,full,heavy}.json`), as a fraction of the
//! person's height. Needs the `tract` feature and the npm models (scripts/setup.sh). Another clip
//! can be given with SPOTTER_VIDEO_DIR, SPOTTER_PARITY_VIDEO and SPOTTER_PARITY_REFERENCE_{LITE,FULL,HEAVY}
//! (608×1080 frames); SPOTTER_PARITY_FRAMES limits the frames (default: all). Figures on the
//! whole 614-frame shared clip: `bench/parity-pose.py`, reported in docs/pose.md.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use spotter_motion::keypoints::{KeypointFrame, parse_keypoints_json};
use spotter_pose::tract_nets::TractNets;
use spotter_pose::{Frame, PoseConfig, PoseTracker};

const W: u32 = 608;
const H: u32 = 1080;
/// MediaPipe's Python solution stamps frame i at (i + 1) · 33 333 µs, whatever the clip's rate.
const MP_FRAME_STEP_S: f64 = 0.033_333;

fn models_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../node_modules/@mediapipe/pose")
}

fn video_dir() -> PathBuf {
    std::env::var_os("SPOTTER_VIDEO_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples"))
}

fn video_file() -> String {
    std::env::var("SPOTTER_PARITY_VIDEO").unwrap_or_else(|_| "squat-side-gym-3s.mp4".into())
}

fn reference_file(model: &str) -> String {
    std::env::var(format!("SPOTTER_PARITY_REFERENCE_{}", model.to_uppercase()))
        .unwrap_or_else(|_| format!("squat-side-gym-3s.mediapipe-0.10.14-{model}.json"))
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p)
        .unwrap_or_else(|e| panic!("cannot read {}: {e} (run scripts/setup.sh / set SPOTTER_VIDEO_DIR)", p.display()))
}

/// Per-group error sums.
#[derive(Default)]
struct Groups {
    sum: [f64; 3],
    n: [usize; 3],
    max: [f64; 3],
}

impl Groups {
    fn add(&mut self, idx: usize, v: f64) {
        let g = match idx {
            0..=10 => 0,
            11..=22 => 1,
            _ => 2,
        };
        self.sum[g] += v;
        self.n[g] += 1;
        self.max[g] = self.max[g].max(v);
    }
    fn mean(&self, g: usize) -> f64 {
        self.sum[g] / self.n[g].max(1) as f64
    }
    fn overall(&self) -> f64 {
        self.sum.iter().sum::<f64>() / self.n.iter().sum::<usize>().max(1) as f64
    }
}

/// Mean landmark distance in pixels over the person's height in pixels (MediaPipe's landmarks'
/// y extent), per landmark, added into `g`.
fn compare(ours: &KeypointFrame, theirs: &KeypointFrame, g: &mut Groups) -> Option<()> {
    let (a, b) = (ours.landmarks.as_ref()?, theirs.landmarks.as_ref()?);
    let (lo, hi) = b.iter().fold((f64::MAX, f64::MIN), |(lo, hi), k| (lo.min(k.y), hi.max(k.y)));
    let height_px = (hi - lo) * H as f64;
    for (i, (p, q)) in a.iter().zip(b).enumerate() {
        let d = (((p.x - q.x) * W as f64).powi(2) + ((p.y - q.y) * H as f64).powi(2)).sqrt();
        g.add(i, d / height_px);
    }
    Some(())
}

fn run(model: &str) -> (Groups, Groups) {
    let model_file = &format!("pose_landmark_{model}.tflite");
    let dir = models_dir();
    let det = read(&dir.join("pose_solution_packed_assets.data"));
    let lm = read(&dir.join(model_file));
    let nets = TractNets::from_tflite(&det, &lm, 1, true).expect("networks load");
    let mut tracker = PoseTracker::new(nets, PoseConfig::default());
    let reference = parse_keypoints_json(&String::from_utf8(read(&video_dir().join(reference_file(model)))).expect("utf-8"))
        .expect("reference parses");
    let limit: usize = std::env::var("SPOTTER_PARITY_FRAMES").ok().and_then(|s| s.parse().ok()).unwrap_or(usize::MAX);

    let mut child = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(video_dir().join(video_file()))
        .args(["-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        .stdout(Stdio::piped())
        // It complains of the broken pipe when the test stops reading early.
        .stderr(Stdio::null())
        .spawn()
        .expect("ffmpeg runs");
    let mut out = child.stdout.take().expect("pipe");
    let mut smoothed = Groups::default();
    let mut unsmoothed = Groups::default();
    let (mut both, mut only_ours, mut only_theirs, mut detector_runs) = (0, 0, 0, 0);
    let (mut world_sum_m, mut world_n) = (0.0f64, 0usize);
    let mut buf = vec![0u8; (W * H * 3) as usize];
    let mut i = 0;
    let started = std::time::Instant::now();
    while i < limit.min(reference.frames.len()) && out.read_exact(&mut buf).is_ok() {
        let frame = Frame::new(W, H, std::mem::take(&mut buf)).expect("frame");
        let r = tracker.process(&frame, (i + 1) as f64 * MP_FRAME_STEP_S).expect("process");
        buf = frame.into_data();
        let theirs = &reference.frames[i];
        detector_runs += r.diagnostics.detector_ran as usize;
        match (r.keypoints.landmarks.is_some(), theirs.landmarks.is_some()) {
            (true, true) => both += 1,
            (true, false) => only_ours += 1,
            (false, true) => only_theirs += 1,
            (false, false) => {}
        }
        compare(&r.keypoints, theirs, &mut smoothed);
        if let (Some(a), Some(b)) = (&r.keypoints.world_landmarks, &theirs.world_landmarks) {
            for (p, q) in a.iter().zip(b) {
                world_sum_m += ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2) + (p[2] - q[2]).powi(2)).sqrt();
                world_n += 1;
            }
        }
        let raw = KeypointFrame { landmarks: r.diagnostics.unsmoothed.clone(), ..r.keypoints.clone() };
        compare(&raw, theirs, &mut unsmoothed);
        i += 1;
    }
    drop(out);
    let _ = child.kill();
    let _ = child.wait();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{model_file}: {i} frames in {secs:.1} s ({:.1} ms/frame incl. decode); person in both {both}, only ours {only_ours}, only MediaPipe's {only_theirs}; detector ran {detector_runs}×",
        secs * 1e3 / i.max(1) as f64
    );
    for (name, g) in [("smoothed", &smoothed), ("unsmoothed", &unsmoothed)] {
        println!(
            "  {name:10} mean error / height: face {:.4}, arms {:.4}, hips+legs {:.4}, all {:.4} (max {:.4} / {:.4} / {:.4})",
            g.mean(0),
            g.mean(1),
            g.mean(2),
            g.overall(),
            g.max[0],
            g.max[1],
            g.max[2]
        );
    }
    println!("  world landmarks: mean 3-D distance {:.2} cm", world_sum_m * 100.0 / world_n.max(1) as f64);
    assert!(i > 0, "no frames decoded");
    assert_eq!(only_ours + only_theirs, 0, "person found in one run but not the other");
    (smoothed, unsmoothed)
}

/// Tolerances on the mean error per group (face, arms, hips+legs), as a fraction of the person's
/// height; set a little above the figures measured on the 90-frame clip (see the tests).
const FULL_TOLERANCE: [f64; 3] = [0.005, 0.02, 0.005];
const LITE_TOLERANCE: [f64; 3] = [0.005, 0.025, 0.008];
const HEAVY_TOLERANCE: [f64; 3] = [0.005, 0.02, 0.005];

/// Asserts each group's mean error (fraction of height) is under its tolerance: face, arms, hips+legs.
fn check(s: &Groups, tolerance: [f64; 3]) {
    for (g, name) in ["face", "arms", "hips+legs"].iter().enumerate() {
        assert!(s.mean(g) < tolerance[g], "{name}: mean error {:.4} of height, tolerance {}", s.mean(g), tolerance[g]);
    }
}

#[test]
fn full_model_matches_mediapipe_on_the_squat_clip() {
    let (s, _) = run("full");
    // Tolerances: a little above what was measured on this clip (printed above when run with
    // --nocapture); on the whole 614-frame clip the means were face 0.20 %, arms 1.13 %, hips
    // and legs 0.25 % of the person's height.
    check(&s, FULL_TOLERANCE);
}

#[test]
fn lite_model_matches_mediapipe_on_the_squat_clip() {
    let (s, _) = run("lite");
    check(&s, LITE_TOLERANCE);
}

#[test]
fn heavy_model_matches_mediapipe_on_the_squat_clip() {
    let (s, _) = run("heavy");
    check(&s, HEAVY_TOLERANCE);
}

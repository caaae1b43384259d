//! Tests of the tracking state machine with fake networks whose outputs are built by hand.

use super::*;

#[derive(Debug, thiserror::Error)]
#[error("fake network failure")]
struct FakeError;

/// Fake networks: the detector sees people at fixed spots (by anchor), the landmark network
/// puts every landmark at the crop centre and returns presences from a script.
struct Fake {
    /// (anchor index, score logit) of each person the detector reports.
    people: Vec<(usize, f32)>,
    presences: Vec<f32>,
    detect_calls: usize,
    landmark_calls: usize,
    short_output: bool,
}

impl Fake {
    fn new(people: Vec<(usize, f32)>, presences: Vec<f32>) -> Fake {
        Fake { people, presences, detect_calls: 0, landmark_calls: 0, short_output: false }
    }
}

/// Anchor of cell (3, 3) on the 7×7 grid, centre (0.5, 0.5) of the detector input.
const CENTRE_ANCHOR: usize = 1960 + (3 * 7 + 3) * 6;
/// Anchor of cell (0, 0) on the 7×7 grid, centre (1/14, 1/14).
const CORNER_ANCHOR: usize = 1960;

impl PoseNets for Fake {
    type Error = FakeError;

    fn detect(&mut self, input: &[f32]) -> Result<DetectorRaw, FakeError> {
        assert_eq!(input.len(), 224 * 224 * 3);
        self.detect_calls += 1;
        let mut boxes = vec![0f32; 2254 * 12];
        let mut scores = vec![-10f32; 2254];
        for &(a, logit) in &self.people {
            scores[a] = logit;
            let r = &mut boxes[a * 12..a * 12 + 12];
            r[2] = 0.3 * 224.0;
            r[3] = 0.6 * 224.0;
            r[5] = 0.1 * 224.0; // keypoint 0 (hips) 0.1 below the anchor
            r[7] = -0.2 * 224.0; // keypoint 1 0.2 above the anchor
        }
        Ok(DetectorRaw { boxes, scores })
    }

    fn landmarks(&mut self, input: &[f32]) -> Result<LandmarkRaw, FakeError> {
        assert_eq!(input.len(), 256 * 256 * 3);
        let presence = self.presences.get(self.landmark_calls).copied().ok_or(FakeError)?;
        self.landmark_calls += 1;
        let mut lm = vec![0f32; 39 * 5];
        for (i, v) in lm.chunks_exact_mut(5).enumerate() {
            v[0] = 128.0;
            v[1] = 128.0;
            v[2] = 10.0;
            v[3] = 2.0;
            v[4] = 2.0;
            // Auxiliary 34 a fifth of the crop above 33, so the next region keeps its size
            // (side = 2 · 51.2 px · 1.25 = 128 crop px … of a 256-px crop: half the size).
            if i == 34 {
                v[1] = 128.0 - 51.2;
            }
        }
        if self.short_output {
            lm.pop();
        }
        Ok(LandmarkRaw { landmarks: lm, pose_flag: presence, world: vec![0.1; 39 * 3], heatmap: None })
    }
}

fn grey(side: u32) -> Frame {
    Frame::new(side, side, vec![128; (side * side * 3) as usize]).expect("size")
}

#[test]
fn detector_runs_on_the_first_frame_only_while_presence_stays_high() {
    let mut t = PoseTracker::new(Fake::new(vec![(CENTRE_ANCHOR, 4.0)], vec![0.9; 5]), PoseConfig::default());
    let f = grey(64);
    let mut ran = Vec::new();
    for i in 0..5 {
        let r = t.process(&f, (i + 1) as f64 / 30.0).expect("frame");
        assert!(r.keypoints.landmarks.is_some());
        ran.push(r.diagnostics.detector_ran);
        if i == 0 {
            assert_eq!(r.diagnostics.people_detected, Some(1));
            assert_eq!(r.diagnostics.roi_source, Some(RoiSource::Detection));
            // Region: centred on the hips (0.5, 0.6), side 2 · 0.3 · 1.25 = 0.75, upright.
            let roi = r.diagnostics.roi.expect("roi");
            assert!((roi.x_center - 0.5).abs() < 1e-5 && (roi.y_center - 0.6).abs() < 1e-5, "{roi:?}");
            assert!((roi.width - 0.75).abs() < 1e-5 && roi.rotation.abs() < 1e-6);
            // Every landmark sits at the crop centre = the region centre; z = 10/256 · width.
            let l = r.keypoints.landmarks.as_ref().expect("landmarks")[0];
            assert!((l.x - 0.5).abs() < 1e-5 && (l.y - 0.6).abs() < 1e-5, "{l:?}");
            assert!((l.z - 10.0 / 256.0 * 0.75).abs() < 1e-6);
            assert!((l.visibility - 0.880_797).abs() < 1e-5);
            assert_eq!(r.keypoints.world_landmarks.as_ref().map(Vec::len), Some(33));
        } else {
            assert_eq!(r.diagnostics.roi_source, Some(RoiSource::PreviousFrame));
            assert_eq!(r.diagnostics.people_detected, None);
        }
    }
    assert_eq!(ran, [true, false, false, false, false]);
    assert_eq!(t.nets_mut().detect_calls, 1);
    // The tracked region follows the auxiliary points: centre 33 = region centre, side from 33→34.
    let roi = t.tracked_roi().expect("tracked");
    assert!((roi.x_center - 0.5).abs() < 1e-4 && (roi.y_center - 0.6).abs() < 1e-4, "{roi:?}");
}

#[test]
fn detector_reruns_on_the_frame_after_presence_drops() {
    let mut t =
        PoseTracker::new(Fake::new(vec![(CENTRE_ANCHOR, 4.0)], vec![0.9, 0.9, 0.2, 0.9, 0.9]), PoseConfig::default());
    let f = grey(64);
    let mut ran = Vec::new();
    let mut found = Vec::new();
    for i in 0..5 {
        let r = t.process(&f, 0.1 + i as f64 * 0.04).expect("frame");
        ran.push(r.diagnostics.detector_ran);
        found.push(r.keypoints.landmarks.is_some());
        if i == 2 {
            assert_eq!(r.diagnostics.presence, Some(0.2));
            assert!(r.diagnostics.unsmoothed.is_none());
        }
    }
    assert_eq!(ran, [true, false, false, true, false]);
    assert_eq!(found, [true, true, false, true, true]);
    assert_eq!(t.nets_mut().detect_calls, 2);
}

#[test]
fn no_person_gives_no_landmarks_and_never_runs_the_landmark_network() {
    // One weak candidate (score 0.27) below the 0.5 threshold.
    let mut t = PoseTracker::new(Fake::new(vec![(CENTRE_ANCHOR, -1.0)], vec![]), PoseConfig::default());
    let f = grey(32);
    for i in 0..3 {
        let r = t.process(&f, i as f64).expect("frame");
        assert_eq!(r.keypoints.landmarks, None);
        assert_eq!(r.keypoints.world_landmarks, None);
        assert!(r.diagnostics.detector_ran);
        assert_eq!(r.diagnostics.people_detected, Some(0));
    }
    assert_eq!(t.nets_mut().detect_calls, 3);
    assert_eq!(t.nets_mut().landmark_calls, 0);
}

#[test]
fn two_people_are_counted_and_the_best_is_tracked() {
    let mut t =
        PoseTracker::new(Fake::new(vec![(CENTRE_ANCHOR, 2.0), (CORNER_ANCHOR, 4.0)], vec![0.9]), PoseConfig::default());
    let r = t.process(&grey(64), 0.0).expect("frame");
    assert_eq!(r.diagnostics.people_detected, Some(2));
    // The corner person scores higher: region centred on its hips (1/14, 1/14 + 0.1).
    let roi = r.diagnostics.roi.expect("roi");
    assert!((roi.x_center - 1.0 / 14.0).abs() < 1e-5 && (roi.y_center - (1.0 / 14.0 + 0.1)).abs() < 1e-5);
}

#[test]
fn smoothing_off_reports_the_unsmoothed_landmarks() {
    let cfg = PoseConfig { smooth_landmarks: false, ..PoseConfig::default() };
    let mut t = PoseTracker::new(Fake::new(vec![(CENTRE_ANCHOR, 4.0)], vec![0.9; 3]), cfg);
    for i in 0..3 {
        let r = t.process(&grey(64), i as f64).expect("frame");
        assert_eq!(r.keypoints.landmarks, r.diagnostics.unsmoothed);
    }
}

#[test]
fn bad_times_and_bad_outputs_are_errors() {
    let mut t = PoseTracker::new(Fake::new(vec![(CENTRE_ANCHOR, 4.0)], vec![0.9; 3]), PoseConfig::default());
    t.process(&grey(64), 1.0).expect("frame");
    assert!(matches!(t.process(&grey(64), 1.0), Err(PoseError::Time { t_s: 1.0, last_t_s: 1.0 })));
    assert!(matches!(t.process(&grey(64), f64::NAN), Err(PoseError::Time { .. })));
    t.nets_mut().short_output = true;
    let e = t.process(&grey(64), 2.0).expect_err("short output");
    assert!(
        matches!(e, PoseError::OutputSize { network: "landmark", output: "landmarks", expected: 195, got: 194 }),
        "{e}"
    );
    // The network's own failure carries the time.
    t.nets_mut().short_output = false;
    t.nets_mut().presences.clear();
    let e = t.process(&grey(64), 3.0).expect_err("fake failure");
    assert!(e.to_string().contains("t = 3 s"), "{e}");
}

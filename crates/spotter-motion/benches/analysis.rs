//! Benchmark: the whole analysis (body, filtering, reps, measures, faults, L5/S1 per frame) of a
//! 60-second 30 fps keypoint clip of squats (goal: well under 10 ms), batch and streaming, and the
//! keypoint JSON parse of the same clip (typed, and through `serde_json::Value` as before).
//! Prints criterion's figures. `examples/bench_stream.rs` prints frames per second and the peak
//! memory of streaming an hour.

use criterion::{Criterion, criterion_group, criterion_main};
use spotter_motion::analysis::{self, Movement, Options};
use spotter_motion::body::SagittalBody;
use spotter_motion::keypoints::{Keypoint, KeypointFrame, KeypointSequence, Layout, bp, parse_keypoints_json, parse_keypoints_json_via_value};
use spotter_motion::stream::{StreamConfig, analyze_streaming};
use spotter_motion::load::{ExternalLoad, Lifter, LoadPosition, Sex};
use spotter_motion::thresholds::Thresholds;
use std::hint::black_box;

/// Squats every 3 s for `seconds`, seen from the side, with a little deterministic jitter.
fn clip(seconds: f64, fps: f64) -> KeypointSequence {
    let n = (seconds * fps) as usize;
    let frames = (0..n)
        .map(|i| {
            let t = i as f64 / fps;
            let d = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * t / 3.0).cos();
            let r = |deg: f64| deg.to_radians();
            let ankle = [0.0, 0.08];
            let knee = [0.43 * r(35.0 * d).sin(), 0.08 + 0.43 * r(35.0 * d).cos()];
            let hip = [knee[0] - 0.43 * r(100.0 * d).sin(), knee[1] + 0.43 * r(100.0 * d).cos()];
            let lean = r(5.0 + 35.0 * d);
            let sh = [hip[0] + 0.5 * lean.sin(), hip[1] + 0.5 * lean.cos()];
            let jitter = ((i * 7919) % 13) as f64 * 0.0004;
            let mut lms = vec![Keypoint { x: 0.5, y: 0.5, z: 0.0, visibility: 0.2 }; 33];
            for (idx, p) in [
                (bp::LEFT_SHOULDER, sh), (bp::RIGHT_SHOULDER, sh), (bp::LEFT_EAR, [sh[0], sh[1] + 0.2]), (bp::RIGHT_EAR, [sh[0], sh[1] + 0.2]),
                (bp::LEFT_HIP, hip), (bp::RIGHT_HIP, hip), (bp::LEFT_KNEE, knee), (bp::RIGHT_KNEE, knee),
                (bp::LEFT_ANKLE, ankle), (bp::RIGHT_ANKLE, ankle), (bp::LEFT_HEEL, [-0.06, 0.02]), (bp::RIGHT_HEEL, [-0.06, 0.02]),
                (bp::LEFT_FOOT_INDEX, [0.14, 0.02]), (bp::RIGHT_FOOT_INDEX, [0.14, 0.02]),
                (bp::LEFT_WRIST, [sh[0], sh[1] - 0.1]), (bp::RIGHT_WRIST, [sh[0], sh[1] - 0.1]), (bp::NOSE, [sh[0] + 0.1, sh[1] + 0.2]),
            ] {
                lms[idx] = Keypoint { x: (500.0 + 400.0 * p[0]) / 1000.0 + jitter, y: (900.0 - 400.0 * p[1]) / 1000.0, z: 0.0, visibility: 0.95 };
            }
            KeypointFrame { t, landmarks: Some(lms), world_landmarks: None }
        })
        .collect();
    KeypointSequence { fps, width: 1000, height: 1000, layout: Layout::Blazepose33, frames }
}

fn bench(c: &mut Criterion) {
    let seq = clip(60.0, 30.0);
    let opts = Options {
        movement: Movement::Squat,
        single_rep: false,
        lifter: Lifter { body_mass_kg: 80.0, height_m: 1.75, sex: Sex::Male },
        load: ExternalLoad { mass_kg: 100.0, position: LoadPosition::Back },
        dynamic: false,
    };
    let thresholds = Thresholds::builtin();
    let run = |dynamic: bool| {
        let mut o = opts.clone();
        o.dynamic = dynamic;
        let body = SagittalBody::from_keypoints(black_box(&seq), 1.75, 6.0).expect("body");
        analysis::analyze(&body, &o, &thresholds)
    };
    assert_eq!(run(false).rep_count, 20, "the clip holds 20 complete reps");
    c.bench_function("analyze 60 s at 30 fps (1800 frames), quasi-static", |b| b.iter(|| run(false)));
    c.bench_function("analyze 60 s at 30 fps (1800 frames), dynamic", |b| b.iter(|| run(true)));
    let streamed = || analyze_streaming(black_box(&seq), StreamConfig::new(1.75, 6.0), &opts, &thresholds).expect("streams");
    assert_eq!(streamed().rep_count, 20, "streaming finds the same 20 reps");
    c.bench_function("analyze 60 s at 30 fps (1800 frames), streaming, quasi-static", |b| b.iter(streamed));
    let json = serde_json::to_string(&spotter_wire::KeypointsDoc::new(&seq)).expect("keypoints JSON");
    c.bench_function("parse keypoint JSON 60 s at 30 fps, typed", |b| b.iter(|| parse_keypoints_json(black_box(&json)).expect("parses")));
    c.bench_function("parse keypoint JSON 60 s at 30 fps, via serde_json::Value (before)", |b| {
        b.iter(|| parse_keypoints_json_via_value(black_box(&json)).expect("parses"))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

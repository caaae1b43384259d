//! Times the per-frame crops: the rotated 256×256 landmark crop and the 224×224 detector
//! letterbox from a 608×1080 frame (the size of the bundled squat clip). Prints µs per call.
//! Run with `cargo run --release -p spotter-pose --example warp_bench`.

use std::time::Instant;

use spotter_pose::Roi;
use spotter_pose::image::{Frame, detector_input, landmark_input};

fn main() {
    let (w, h) = (608u32, 1080u32);
    // Deterministic pseudo-random pixels (xorshift), so the branch predictor sees real-ish data.
    let mut s = 0x2545_f491_u32;
    let data: Vec<u8> = (0..w * h * 3)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            (s >> 24) as u8
        })
        .collect();
    let frame = Frame::new(w, h, data).expect("frame size");
    let side = 700.0;
    let roi = Roi { x_center: 0.5, y_center: 0.55, width: side / w as f32, height: side / h as f32, rotation: 0.3 };
    let mut lm = vec![0f32; 256 * 256 * 3];
    let mut det = vec![0f32; 224 * 224 * 3];
    let n = 2000;
    for _ in 0..50 {
        landmark_input(&frame, &roi, &mut lm);
    }
    let t = Instant::now();
    for i in 0..n {
        let r = Roi { rotation: 0.3 + i as f32 * 1e-4, ..roi };
        std::hint::black_box(landmark_input(&frame, std::hint::black_box(&r), &mut lm));
    }
    let lm_us = t.elapsed().as_secs_f64() * 1e6 / n as f64;
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(detector_input(std::hint::black_box(&frame), &mut det));
    }
    let det_us = t.elapsed().as_secs_f64() * 1e6 / n as f64;
    let inside = Roi { x_center: 0.5, y_center: 0.5, width: 400.0 / w as f32, height: 400.0 / h as f32, rotation: 0.0 };
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(landmark_input(&frame, std::hint::black_box(&inside), &mut lm));
    }
    let inside_us = t.elapsed().as_secs_f64() * 1e6 / n as f64;
    println!("landmark crop 256x256 (rotated 0.3 rad, 700 px side, from 608x1080): {lm_us:.1} us per call");
    println!("landmark crop 256x256 (upright, 400 px side, inside the frame):      {inside_us:.1} us per call");
    println!("detector letterbox 224x224 (from 608x1080):     {det_us:.1} us per call");
}

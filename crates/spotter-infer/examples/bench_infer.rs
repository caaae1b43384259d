//! Speed of the BlazePose networks on tract: median ms per inference for the detector and the
//! lite/full/heavy landmark models at 1 and 2 threads, then a per-operator profile of the full
//! model after optimisation. Run with
//! `cargo run --release -p spotter-infer --example bench_infer [-- RUNS]`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use spotter_infer::net::optimized_model_with;
use tract_linalg::multithread::{Executor, multithread_tract_scope};
use tract_tflite::internal::tract_core::plan::eval;
use tract_tflite::prelude::{Tensor, TypedSimplePlan, TypedSimpleState, tvec};

/// Multiply-adds ×2 per frame of the full landmark model (research note pose.md).
const FULL_GFLOP: f64 = 0.77;

fn models_dir() -> PathBuf {
    std::env::var_os("SPOTTER_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../node_modules/@mediapipe/pose")
        })
}

fn read(file: &str) -> Vec<u8> {
    let path = models_dir().join(file);
    std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run `bash scripts/setup.sh`)", path.display()))
}

fn median_ms(mut f: impl FnMut(), runs: usize) -> f64 {
    for _ in 0..3 {
        f();
    }
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2].as_secs_f64() * 1e3
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(30);
    let det_in: Vec<f32> = (0..224 * 224 * 3)
        .map(|i| (i % 255) as f32 / 255.0 * 2.0 - 1.0)
        .collect();
    let lm_in: Vec<f32> = (0..256 * 256 * 3)
        .map(|i| (i % 255) as f32 / 255.0)
        .collect();
    println!("median of {runs} runs, ms per inference (landmarks: without heatmap/segmentation)");
    println!(
        "{:<10} {:>13} {:>13} {:>13} {:>13}",
        "model", "tract dw 1t", "tract dw 2t", "own dw 1t", "own dw 2t"
    );
    let mut full_ms = [0.0; 2];
    for model in ["detector", "lite", "full", "heavy"] {
        let (file, outputs, input, side): (String, &[&'static str], &[f32], usize) =
            if model == "detector" {
                (
                    "pose_solution_packed_assets.data".into(),
                    &["Identity", "Identity_1"],
                    &det_in,
                    224,
                )
            } else {
                (
                    format!("pose_landmark_{model}.tflite"),
                    &["Identity", "Identity_1", "Identity_4"],
                    &lm_in,
                    256,
                )
            };
        let bytes = read(&file);
        let mut row = Vec::new();
        for own in [false, true] {
            let typed = optimized_model_with("bench", &bytes, outputs, own).expect("loads");
            let plan = TypedSimplePlan::new(typed).expect("plan");
            let mut state = TypedSimpleState::new(&plan).expect("state");
            let tensor = Tensor::from_shape(&[1, side, side, 3], input).expect("tensor");
            for threads in [1, 2] {
                let exec = if threads == 1 {
                    Executor::SingleThread
                } else {
                    Executor::multithread(threads)
                };
                let ms = median_ms(
                    || {
                        multithread_tract_scope(exec.clone(), || {
                            state.run(tvec![tensor.clone().into()])
                        })
                        .expect("runs");
                    },
                    runs,
                );
                if model == "full" && own {
                    full_ms[threads - 1] = ms;
                }
                row.push(ms);
            }
        }
        println!(
            "{model:<10} {:>13.2} {:>13.2} {:>13.2} {:>13.2}",
            row[0], row[1], row[2], row[3]
        );
    }
    for (t, ms) in full_ms.iter().enumerate() {
        println!(
            "full model, own depthwise, {} thread(s): {:.1} GFLOP/s effective ({FULL_GFLOP} GFLOP a frame)",
            t + 1,
            FULL_GFLOP / (ms / 1e3)
        );
    }

    // Per-operator profile of the full model, one thread: time each node of the optimised plan.
    for own in [false, true] {
        let model = optimized_model_with(
            "landmark",
            &read("pose_landmark_full.tflite"),
            &["Identity", "Identity_1", "Identity_4"],
            own,
        )
        .expect("loads");
        let plan = TypedSimplePlan::new(model).expect("plan");
        let mut state = TypedSimpleState::new(&plan).expect("state");
        let input = Tensor::from_shape(&[1, 256, 256, 3], &lm_in).expect("tensor");
        let mut per_op: HashMap<String, (Duration, usize)> = HashMap::new();
        let mut total = Duration::ZERO;
        for round in 0..runs + 3 {
            let mut times: Vec<(String, Duration)> = Vec::new();
            let t0 = Instant::now();
            state
                .run_plan_with_eval(
                    tvec![input.clone().into()],
                    |ctx, op_state, node, inputs| {
                        let t = Instant::now();
                        let r = eval(ctx, op_state, node, inputs);
                        let mut key = node.op().name().to_string();
                        if std::env::var_os("PROFILE_NODES").is_some() && key.starts_with("Spotter")
                        {
                            key =
                                format!("{key} {}", node.op().info().unwrap_or_default().join(" "));
                        }
                        times.push((key, t.elapsed()));
                        r
                    },
                )
                .expect("runs");
            if round >= 3 {
                total += t0.elapsed();
                for (name, d) in times {
                    let e = per_op.entry(name).or_default();
                    e.0 += d;
                    e.1 += 1;
                }
            }
        }
        let mut rows: Vec<_> = per_op.into_iter().collect();
        rows.sort_by_key(|r| std::cmp::Reverse(r.1.0));
        let total_ms = total.as_secs_f64() * 1e3 / runs as f64;
        println!(
            "\nfull model, {} depthwise, 1 thread, per operator kind (mean of {runs} runs; total {total_ms:.2} ms a frame):",
            if own { "own" } else { "tract's" }
        );
        println!("{:<28} {:>8} {:>6} {:>6}", "operator", "ms", "%", "nodes");
        let top = if std::env::var_os("PROFILE_NODES").is_some() {
            40
        } else {
            15
        };
        for (name, (d, n)) in rows.iter().take(top) {
            let ms = d.as_secs_f64() * 1e3 / runs as f64;
            println!(
                "{name:<28} {ms:>8.2} {:>6.1} {:>6}",
                100.0 * ms / total_ms,
                n / runs
            );
        }
    }
}

//! Speed of the BlazePose networks on tract: median ms per inference for the detector and the
//! lite/full/heavy landmark models at 1 and 2 threads, then a per-operator profile of the full
//! model after optimisation (`PROFILE_MODEL=heavy` for another; `PROFILE_NODES=1` for one line
//! per node of our operators). Run with
//! `cargo run --release -p spotter-infer --example bench_infer [-- RUNS]`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use spotter_infer::net::optimized_model_with;
use tract_linalg::multithread::{Executor, multithread_tract_scope};
use tract_tflite::internal::tract_core::plan::eval;
use tract_tflite::prelude::{Tensor, TypedSimplePlan, TypedSimpleState, tvec};

/// Floating-point operations (2 per multiply-add) of an optimised model, from each node's cost.
fn model_gflop(model: &tract_tflite::prelude::TypedModel) -> f64 {
    use tract_tflite::internal::{Cost, DimLike, TypedFact};
    let mut fma = 0usize;
    for node in model.nodes() {
        let facts: Vec<&TypedFact> = node
            .inputs
            .iter()
            .map(|i| model.outlet_fact(*i).expect("fact"))
            .collect();
        for (cost, n) in node.op.cost(&facts).expect("cost") {
            if matches!(cost, Cost::FMA(_)) {
                fma += n.to_usize().expect("concrete cost");
            }
        }
    }
    2.0 * fma as f64 / 1e9
}

/// This core's multiply-add peak in GFLOP/s: 16 independent chains of 512-bit (else 256-bit)
/// fused multiply-adds, the most an f32 kernel can reach.
fn peak_gflops() -> f64 {
    #[cfg(target_arch = "x86_64")]
    {
        /// `n` rounds of 16 independent 512-bit multiply-adds (zmm0..zmm15), in assembly so
        /// that the compiler cannot spill or reorder the chains.
        #[target_feature(enable = "avx512f")]
        fn run512(n: usize) {
            // SAFETY: only vector registers declared as clobbered and the counter are touched.
            unsafe {
                std::arch::asm!(
                    "vxorps xmm16, xmm16, xmm16",
                    "vxorps xmm17, xmm17, xmm17",
                    "2:",
                    "vfmadd231ps zmm0, zmm16, zmm17",
                    "vfmadd231ps zmm1, zmm16, zmm17",
                    "vfmadd231ps zmm2, zmm16, zmm17",
                    "vfmadd231ps zmm3, zmm16, zmm17",
                    "vfmadd231ps zmm4, zmm16, zmm17",
                    "vfmadd231ps zmm5, zmm16, zmm17",
                    "vfmadd231ps zmm6, zmm16, zmm17",
                    "vfmadd231ps zmm7, zmm16, zmm17",
                    "vfmadd231ps zmm8, zmm16, zmm17",
                    "vfmadd231ps zmm9, zmm16, zmm17",
                    "vfmadd231ps zmm10, zmm16, zmm17",
                    "vfmadd231ps zmm11, zmm16, zmm17",
                    "vfmadd231ps zmm12, zmm16, zmm17",
                    "vfmadd231ps zmm13, zmm16, zmm17",
                    "vfmadd231ps zmm14, zmm16, zmm17",
                    "vfmadd231ps zmm15, zmm16, zmm17",
                    "dec {n}",
                    "jnz 2b",
                    n = inout(reg) n => _,
                    out("zmm0") _, out("zmm1") _, out("zmm2") _, out("zmm3") _,
                    out("zmm4") _, out("zmm5") _, out("zmm6") _, out("zmm7") _,
                    out("zmm8") _, out("zmm9") _, out("zmm10") _, out("zmm11") _,
                    out("zmm12") _, out("zmm13") _, out("zmm14") _, out("zmm15") _,
                    out("zmm16") _, out("zmm17") _,
                    options(nostack),
                );
            }
        }
        if std::arch::is_x86_feature_detected!("avx512f") {
            let n = 20_000_000;
            let best = (0..3)
                .map(|_| {
                    let t = Instant::now();
                    // SAFETY: the CPU has AVX-512F.
                    unsafe { run512(n) };
                    t.elapsed().as_secs_f64()
                })
                .fold(f64::INFINITY, f64::min);
            return (n * 16 * 16 * 2) as f64 / best / 1e9;
        }
    }
    f64::NAN
}

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
    println!(
        "median of {runs} runs, ms per inference (landmarks: with the heatmap, as `spotter pose` runs them; no segmentation)"
    );
    println!(
        "{:<10} {:>13} {:>13} {:>13} {:>13}",
        "model", "tract 1t", "tract 2t", "own 1t", "own 2t"
    );
    let mut full_ms = [0.0; 2];
    let mut full_gflop = 0.0;
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
                    &["Identity", "Identity_1", "Identity_4", "Identity_3"],
                    &lm_in,
                    256,
                )
            };
        let bytes = read(&file);
        let mut row = Vec::new();
        for own in [false, true] {
            let typed = optimized_model_with("bench", &bytes, outputs, own).expect("loads");
            if model == "full" && own {
                full_gflop = model_gflop(&typed);
            }
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
    let peak = peak_gflops();
    println!(
        "full model with heatmap: {full_gflop:.3} GFLOP a frame; one core's multiply-add peak {peak:.0} GFLOP/s, so at least {:.2} ms on one core",
        full_gflop / peak * 1e3
    );
    for (t, ms) in full_ms.iter().enumerate() {
        let rate = full_gflop / (ms / 1e3);
        println!(
            "full model, own kernels, {} thread(s): {ms:.2} ms, {rate:.1} GFLOP/s effective, {:.0} % of {} core(s)' peak",
            t + 1,
            100.0 * rate / (peak * (t + 1) as f64),
            t + 1
        );
    }

    // Per-operator profile of one landmark model (PROFILE_MODEL=lite|full|heavy, default full),
    // one thread: time each node of the optimised plan.
    let profiled = std::env::var("PROFILE_MODEL").unwrap_or_else(|_| "full".into());
    for own in [false, true] {
        let model = optimized_model_with(
            "landmark",
            &read(&format!("pose_landmark_{profiled}.tflite")),
            &["Identity", "Identity_1", "Identity_4", "Identity_3"],
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
                        if std::env::var_os("PROFILE_NODES").is_some() {
                            key = if key.starts_with("Spotter") {
                                format!("{key} {}", node.op().info().unwrap_or_default().join(" "))
                            } else {
                                format!("{key} {}", node.name)
                            };
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
            "\n{profiled} model, {} convolutions, 1 thread, per operator kind (mean of {runs} runs; total {total_ms:.2} ms a frame):",
            if own { "our" } else { "tract's" }
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

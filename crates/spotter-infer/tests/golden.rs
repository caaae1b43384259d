//! Numerical agreement of our rewritten models on tract with LiteRT running the original files
//! (goldens made by scripts/pose-golden.py), and the runners' error cases on real model files.

use std::io::Read;
use std::path::PathBuf;

use serde_json::Value;
use spotter_infer::{
    DetectorNet, InferError, LandmarkNet, LandmarkOptions, RewriteError, rewrite_tflite,
};

/// The directory holding the @mediapipe/pose model files: `SPOTTER_MODELS`, else the workspace's
/// node_modules. Their absence is a set-up defect, so it fails loudly.
fn model_bytes(file: &str) -> Vec<u8> {
    let dir = std::env::var_os("SPOTTER_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../node_modules/@mediapipe/pose")
        });
    let path = dir.join(file);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!("model file {} is missing ({e}): run `bash scripts/setup.sh` (or set SPOTTER_MODELS to the directory)", path.display())
    })
}

const DETECTOR_FILE: &str = "pose_solution_packed_assets.data";

fn golden(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).expect("golden file"))
        .expect("golden JSON")
}

fn floats(v: &Value) -> Vec<f32> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number") as f32)
        .collect()
}

/// The real frame of the goldens: 256×256 RGB bytes (see scripts/pose-golden.py).
fn frame_rgb256() -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/frame256.rgb.gz");
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).expect("frame file"))
        .read_to_end(&mut out)
        .expect("gzip");
    assert_eq!(out.len(), 256 * 256 * 3);
    out
}

/// Landmark-model input of a golden case (values in [0, 1]).
fn landmark_input(case: &str) -> Vec<f32> {
    match case {
        "pattern" => (0..256 * 256 * 3)
            .map(|i| (i % 255) as f32 / 255.0)
            .collect(),
        "frame" => frame_rgb256()
            .iter()
            .map(|&b| f32::from(b) / 255.0)
            .collect(),
        _ => unreachable!("no such case"),
    }
}

/// Detector input of a golden case (values in [-1, 1]).
fn detector_input(case: &str) -> Vec<f32> {
    match case {
        "pattern" => (0..224 * 224 * 3)
            .map(|i| (i % 255) as f32 / 255.0 * 2.0 - 1.0)
            .collect(),
        "frame" => {
            let img = frame_rgb256();
            let mut out = Vec::with_capacity(224 * 224 * 3);
            for y in 0..224 {
                for x in 0..224 {
                    let (sy, sx) = (y * 256 / 224, x * 256 / 224);
                    for c in 0..3 {
                        out.push(f32::from(img[(sy * 256 + sx) * 3 + c]) / 127.5 - 1.0);
                    }
                }
            }
            out
        }
        _ => unreachable!("no such case"),
    }
}

/// Largest absolute difference, after checking lengths match.
fn max_diff(ours: &[f32], theirs: &[f32]) -> f32 {
    assert_eq!(ours.len(), theirs.len());
    ours.iter()
        .zip(theirs)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f32::max)
}

fn check_landmarks(variant: &str) {
    let gold = golden(&format!("landmark_{variant}.json"));
    let bytes = model_bytes(&format!("pose_landmark_{variant}.tflite"));
    let mut with_heatmap = LandmarkNet::from_tflite_with(
        &bytes,
        LandmarkOptions {
            threads: 1,
            heatmap: true,
        },
    )
    .expect("loads");
    let mut plain = LandmarkNet::from_tflite(&bytes, 2).expect("loads");
    for case in ["pattern", "frame"] {
        let g = &gold["cases"][case];
        let input = landmark_input(case);
        let out = with_heatmap.run(&input).expect("runs");
        let lm = floats(&g["landmarks"]);
        let coords: (Vec<f32>, Vec<f32>) = (0..39 * 5)
            .filter(|i| i % 5 < 3)
            .map(|i| (out.landmarks[i], lm[i]))
            .unzip();
        let logits: (Vec<f32>, Vec<f32>) = (0..39 * 5)
            .filter(|i| i % 5 >= 3)
            .map(|i| (out.landmarks[i], lm[i]))
            .unzip();
        let d_xyz = max_diff(&coords.0, &coords.1);
        let d_logit = max_diff(&logits.0, &logits.1);
        let d_world = max_diff(&out.world, &floats(&g["world"]));
        let d_flag = (out.pose_flag - g["pose_flag"].as_f64().expect("flag") as f32).abs();
        let heat = out.heatmap.as_ref().expect("heatmap asked for");
        let stride = g["heatmap_stride"].as_u64().expect("stride") as usize;
        let sampled: Vec<f32> = heat.iter().step_by(stride).copied().collect();
        let d_heat = max_diff(&sampled, &floats(&g["heatmap_sampled"]));
        eprintln!(
            "{variant}/{case}: max |Δ| xyz {d_xyz:.2e} px, logits {d_logit:.2e}, world {d_world:.2e} m, flag {d_flag:.2e}, heatmap {d_heat:.2e}"
        );
        assert!(
            d_xyz < 1e-2,
            "{variant}/{case}: landmark x/y/z differ by {d_xyz} px"
        );
        assert!(
            d_logit < 1e-2,
            "{variant}/{case}: visibility/presence logits differ by {d_logit}"
        );
        assert!(
            d_world < 1e-3,
            "{variant}/{case}: world landmarks differ by {d_world} m"
        );
        assert!(
            d_flag < 1e-3,
            "{variant}/{case}: pose flag differs by {d_flag}"
        );
        assert!(
            d_heat < 1e-2,
            "{variant}/{case}: heatmap differs by {d_heat}"
        );
        assert!(
            (0.0..=1.0).contains(&out.pose_flag),
            "the pose flag is a probability"
        );
        // Without the heatmap, on two threads, the same numbers (to float rounding).
        let other = plain.run(&input).expect("runs");
        assert!(other.heatmap.is_none());
        assert!(max_diff(&other.landmarks, &out.landmarks) < 1e-3);
        assert!((other.pose_flag - out.pose_flag).abs() < 1e-5);
    }
}

#[test]
fn lite_landmarks_agree_with_litert() {
    check_landmarks("lite");
}

#[test]
fn full_landmarks_agree_with_litert() {
    check_landmarks("full");
}

#[test]
fn heavy_landmarks_agree_with_litert() {
    check_landmarks("heavy");
}

#[test]
fn real_frame_gives_a_standing_person() {
    // The golden frame shows a lifter standing side-on: hips above knees above ankles, pose found.
    let mut net =
        LandmarkNet::from_tflite(&model_bytes("pose_landmark_full.tflite"), 1).expect("loads");
    let out = net.run(&landmark_input("frame")).expect("runs");
    let y = |i: usize| out.landmarks[i * 5 + 1];
    assert!(out.pose_flag > 0.9, "pose flag {}", out.pose_flag);
    assert!(
        y(0) < y(23) && y(23) < y(25) && y(25) < y(27),
        "nose, hip, knee, ankle heights {} {} {} {}",
        y(0),
        y(23),
        y(25),
        y(27)
    );
    let hip_to_ankle_m = out.world[27 * 3 + 1] - out.world[23 * 3 + 1];
    assert!(
        (0.6..1.2).contains(&hip_to_ankle_m),
        "hip to ankle {hip_to_ankle_m} m"
    );
}

#[test]
fn detector_agrees_with_litert() {
    let gold = golden("detector.json");
    let mut net = DetectorNet::from_tflite(&model_bytes(DETECTOR_FILE), 1).expect("loads");
    for case in ["pattern", "frame"] {
        let g = &gold["cases"][case];
        let out = net.run(&detector_input(case)).expect("runs");
        let idx: Vec<usize> = g["top_indices"]
            .as_array()
            .expect("indices")
            .iter()
            .map(|v| v.as_u64().expect("index") as usize)
            .collect();
        let scores = floats(&g["top_scores"]);
        let ours: Vec<f32> = idx.iter().map(|&i| out.scores[i]).collect();
        let d_score = max_diff(&ours, &scores);
        let mut d_box = 0.0f32;
        for (k, &i) in idx.iter().enumerate() {
            d_box = d_box.max(max_diff(
                &out.boxes[i * 12..(i + 1) * 12],
                &floats(&g["top_boxes"][k]),
            ));
        }
        let best = out
            .scores
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(i, _)| i);
        let max = out.scores.iter().copied().fold(f32::MIN, f32::max);
        let min = out.scores.iter().copied().fold(f32::MAX, f32::min);
        eprintln!(
            "detector/{case}: max |Δ| top-{} scores {d_score:.2e}, boxes {d_box:.2e} px",
            idx.len()
        );
        assert!(d_score < 1e-3, "{case}: scores differ by {d_score}");
        assert!(d_box < 1e-2, "{case}: boxes differ by {d_box} px");
        assert_eq!(best, Some(idx[0]), "{case}: best anchor");
        assert!((max - g["score_max"].as_f64().expect("max") as f32).abs() < 1e-3);
        assert!((min - g["score_min"].as_f64().expect("min") as f32).abs() < 1e-3);
    }
    // On the real frame the best anchor is a confident person (sigmoid of the logit).
    let out = net.run(&detector_input("frame")).expect("runs");
    let best = out.scores.iter().copied().fold(f32::MIN, f32::max);
    assert!(
        1.0 / (1.0 + (-best).exp()) > 0.9,
        "best person score logit {best}"
    );
}

#[test]
fn wrong_input_length_is_an_error() {
    let mut net =
        LandmarkNet::from_tflite(&model_bytes("pose_landmark_lite.tflite"), 1).expect("loads");
    let err = net.run(&[0.5; 224 * 224 * 3]).expect_err("must fail");
    assert!(
        matches!(
            err,
            InferError::InputLength {
                expected: 196_608,
                got: 150_528,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("1×256×256×3"), "{err}");
}

#[test]
fn detector_file_is_not_a_landmark_model() {
    match LandmarkNet::from_tflite(&model_bytes(DETECTOR_FILE), 1) {
        Err(InferError::MissingOutput {
            name: "Identity_4", ..
        }) => {}
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("the detector loaded as a landmark model"),
    }
}

#[test]
fn truncated_real_model_is_an_error() {
    let bytes = model_bytes("pose_landmark_lite.tflite");
    for len in [0, 7, 8, 100, 4096, bytes.len() / 2, bytes.len() - 1] {
        assert!(
            matches!(
                rewrite_tflite(&bytes[..len]),
                Err(RewriteError::InvalidFlatbuffer(_))
            ),
            "{len} bytes"
        );
        assert!(matches!(
            LandmarkNet::from_tflite(&bytes[..len], 1),
            Err(InferError::Rewrite(_))
        ));
    }
}

#[test]
fn rewrite_removes_every_unsupported_operator() {
    use tract_tflite::tflite as fb;
    for file in [
        DETECTOR_FILE,
        "pose_landmark_lite.tflite",
        "pose_landmark_full.tflite",
        "pose_landmark_heavy.tflite",
    ] {
        let out = rewrite_tflite(&model_bytes(file)).expect("rewrites");
        let root = fb::root_as_model(&out).expect("valid flatbuffer");
        let codes = root.operator_codes().expect("codes");
        let sg = root.subgraphs().expect("subgraphs").get(0);
        let tensors = sg.tensors().expect("tensors");
        for op in sg.operators().expect("ops") {
            let code = codes.get(op.opcode_index() as usize).builtin_code();
            assert!(
                ![
                    fb::BuiltinOperator::DEQUANTIZE,
                    fb::BuiltinOperator::DENSIFY,
                    fb::BuiltinOperator::DEPTH_TO_SPACE
                ]
                .contains(&code),
                "{file}: {code:?} left"
            );
        }
        assert!(
            tensors
                .iter()
                .all(|t| t.type_() != fb::TensorType::FLOAT16 && t.sparsity().is_none()),
            "{file}: float16 or sparse tensor left"
        );
    }
}

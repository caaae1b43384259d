//! Typed runners for the BlazePose person detector and landmark network on tract: rewrite the
//! model bytes, load, optimise, and run one NHWC f32 image tensor into plain output structs.

use std::sync::Arc;

use tract_linalg::multithread::{Executor, multithread_tract_scope};
use tract_tflite::prelude::{
    Framework, TValue, Tensor, TypedModel, TypedSimplePlan, TypedSimpleState, tvec,
};
use tract_tflite::tflite as fb;

use crate::rewrite::{RewriteError, rewrite_tflite};

/// Side of the square detector input, in pixels (input tensor 1×224×224×3, NHWC, RGB).
pub const DETECTOR_INPUT_SIZE_PX: usize = 224;
/// Number of SSD anchors the detector scores (28²·2 + 14²·2 + 7²·6).
pub const DETECTOR_ANCHORS: usize = 2254;
/// Raw regressor values per anchor: box centre offset x, y, box width, height, then 4 keypoints
/// as x, y pairs (see [`DetectorOutput::boxes`]).
pub const DETECTOR_VALUES_PER_ANCHOR: usize = 12;
/// Side of the square landmark input, in pixels (input tensor 1×256×256×3, NHWC, RGB).
pub const LANDMARK_INPUT_SIZE_PX: usize = 256;
/// Landmarks the landmark network outputs: 33 body points, 2 auxiliary ROI points, 4 unused.
pub const LANDMARK_COUNT: usize = 39;
/// Values per landmark in [`LandmarkOutput::landmarks`]: x, y, z, visibility logit, presence logit.
pub const LANDMARK_VALUES_PER_POINT: usize = 5;
/// Side of the landmark heatmap, in heatmap cells (64×64 cells over the 256-px crop: 4 px a cell).
pub const HEATMAP_SIZE_PX: usize = 64;

/// Why a network could not be loaded or run.
#[derive(Debug, thiserror::Error)]
pub enum InferError {
    /// The model bytes could not be rewritten into a form tract loads.
    #[error("model rewrite failed: {0}")]
    Rewrite(#[from] RewriteError),
    /// tract refused the (rewritten) model while loading or optimising it.
    #[error("tract could not load the {model} model: {message}")]
    Load {
        model: &'static str,
        message: String,
    },
    /// The model has no output tensor of this name (a different or damaged model file).
    #[error("the {model} model has no output tensor named `{name}`")]
    MissingOutput {
        model: &'static str,
        name: &'static str,
    },
    /// An output tensor has an unexpected number of values.
    #[error("the {model} model's output `{name}` has {got} values, expected {expected}")]
    OutputSize {
        model: &'static str,
        name: &'static str,
        expected: usize,
        got: usize,
    },
    /// The input slice has the wrong length for the model's NHWC input.
    #[error("the {model} model takes {expected} input values (1×{side}×{side}×3), got {got}", side = side_of(*expected))]
    InputLength {
        model: &'static str,
        expected: usize,
        got: usize,
    },
    /// The thread pool for `threads > 1` could not be created.
    #[error("could not start a {threads}-thread pool: {message}")]
    ThreadPool { threads: usize, message: String },
    /// tract failed while running the network.
    #[error("tract failed running the {model} model: {message}")]
    Run {
        model: &'static str,
        message: String,
    },
}

fn side_of(values: usize) -> usize {
    ((values / 3) as f64).sqrt().round() as usize
}

/// Raw outputs of the person detector (`pose_detection.tflite`, shipped by `@mediapipe/pose` as
/// `pose_solution_packed_assets.data`), exactly as the network gives them: no sigmoid, no anchor
/// decoding, no NMS (the pose crate does those).
#[derive(Debug, Clone, PartialEq)]
pub struct DetectorOutput {
    /// `DETECTOR_ANCHORS × DETECTOR_VALUES_PER_ANCHOR` (2254 × 12) raw regressors, anchor-major.
    /// Per anchor, in order: box centre x offset, centre y offset, box width, box height, then
    /// keypoints 0..4 as (x offset, y offset). All are in detector-input pixels (224 px = the
    /// whole input side) relative to the anchor centre (x before y; MediaPipe's
    /// `reverse_output_order: true`, scale 224). Keypoints: 0 mid-hip, 1 a point giving the
    /// full-body size and rotation, 2 mid-shoulder, 3 an upper-body point. Anchors are in
    /// MediaPipe's SSD order (strides 8, 16, 32, 32, 32; 2 anchors a cell at strides 8 and 16,
    /// 6 a cell on the 7×7 grid; row-major cells).
    pub boxes: Vec<f32>,
    /// `DETECTOR_ANCHORS` (2254) raw score logits, one per anchor in the same order as `boxes`.
    /// MediaPipe clips them to ±100 and applies a sigmoid before its score threshold.
    pub scores: Vec<f32>,
}

/// Raw outputs of a BlazePose landmark network (`pose_landmark_{lite,full,heavy}.tflite`).
#[derive(Debug, Clone, PartialEq)]
pub struct LandmarkOutput {
    /// `LANDMARK_COUNT × LANDMARK_VALUES_PER_POINT` (39 × 5) raw values from tensor `Identity`,
    /// landmark-major. Per landmark: x and y in pixels of the 256×256 input crop (0 = left/top
    /// edge, may fall outside 0..256), z in the same pixel scale (depth relative to the hips,
    /// smaller = nearer the camera), visibility logit, presence logit (apply a sigmoid to
    /// both). Landmarks 0..33 are the body points, 33 and 34 the auxiliary points MediaPipe uses
    /// for the next frame's region, 35..39 unused.
    pub landmarks: Vec<f32>,
    /// Pose presence probability in 0..1 from tensor `Identity_1`, which the model computes as a
    /// sigmoid (`activation_poseflag/Sigmoid`, reshaped): do not apply another sigmoid.
    /// MediaPipe treats the person as lost below 0.5.
    pub pose_flag: f32,
    /// `LANDMARK_COUNT × 3` (39 × 3) world landmarks from tensor `Identity_4`, in metres, origin
    /// at the hip centre, axes of the (possibly rotated) input crop: x right, y down, z away
    /// from the camera. MediaPipe rotates them back by the region's rotation.
    pub world: Vec<f32>,
    /// `HEATMAP_SIZE_PX × HEATMAP_SIZE_PX × LANDMARK_COUNT` (64 × 64 × 39, NHWC) heatmap from
    /// tensor `Identity_3`, only when asked for with [`LandmarkOptions::heatmap`]; `None`
    /// otherwise (the network then skips the work that only feeds it).
    pub heatmap: Option<Vec<f32>>,
}

/// How to build a [`LandmarkNet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LandmarkOptions {
    /// Threads for the matrix products (1 = run on the caller's thread only).
    pub threads: usize,
    /// Also compute and return the 64×64×39 heatmap.
    pub heatmap: bool,
}

impl Default for LandmarkOptions {
    fn default() -> Self {
        LandmarkOptions {
            threads: 1,
            heatmap: false,
        }
    }
}

/// The BlazePose person detector, loaded and optimised, ready to run frame after frame.
pub struct DetectorNet {
    net: Net,
}

impl DetectorNet {
    /// Loads the detector from the bytes of `pose_detection.tflite` (the `@mediapipe/pose`
    /// file `pose_solution_packed_assets.data`). `threads` (≥ 1; 0 counts as 1) sets how many
    /// threads run its matrix products.
    pub fn from_tflite(model: &[u8], threads: usize) -> Result<DetectorNet, InferError> {
        let net = Net::load("detector", model, &DETECTOR_OUTPUTS, threads)?;
        net.check_input(DETECTOR_INPUT_SIZE_PX)?;
        Ok(DetectorNet { net })
    }

    /// Runs the detector on one image: `input` is NHWC 1×224×224×3 RGB, values in [-1, 1]
    /// (letterboxed, aspect kept), so `input.len()` must be 150 528.
    pub fn run(&mut self, input: &[f32]) -> Result<DetectorOutput, InferError> {
        let mut out = self.net.run(input, DETECTOR_INPUT_SIZE_PX)?.into_iter();
        let mut next = |name| self.net.take(out.next(), name);
        let boxes = next(DETECTOR_OUTPUTS[0])?;
        let scores = next(DETECTOR_OUTPUTS[1])?;
        expect_len(
            "detector",
            DETECTOR_OUTPUTS[0],
            &boxes,
            DETECTOR_ANCHORS * DETECTOR_VALUES_PER_ANCHOR,
        )?;
        expect_len("detector", DETECTOR_OUTPUTS[1], &scores, DETECTOR_ANCHORS)?;
        Ok(DetectorOutput { boxes, scores })
    }
}

/// A BlazePose landmark network (lite, full or heavy), loaded and optimised.
pub struct LandmarkNet {
    net: Net,
    heatmap: bool,
}

impl LandmarkNet {
    /// Loads a landmark network from the bytes of `pose_landmark_{lite,full,heavy}.tflite`,
    /// with `threads` (≥ 1; 0 counts as 1) threads for its matrix products and no heatmap.
    pub fn from_tflite(model: &[u8], threads: usize) -> Result<LandmarkNet, InferError> {
        LandmarkNet::from_tflite_with(
            model,
            LandmarkOptions {
                threads,
                ..LandmarkOptions::default()
            },
        )
    }

    /// Loads a landmark network with explicit options.
    pub fn from_tflite_with(
        model: &[u8],
        options: LandmarkOptions,
    ) -> Result<LandmarkNet, InferError> {
        let outputs: &[&'static str] = if options.heatmap {
            &LANDMARK_OUTPUTS
        } else {
            &LANDMARK_OUTPUTS[..3]
        };
        let net = Net::load("landmark", model, outputs, options.threads)?;
        net.check_input(LANDMARK_INPUT_SIZE_PX)?;
        Ok(LandmarkNet {
            net,
            heatmap: options.heatmap,
        })
    }

    /// Runs the network on one region-of-interest crop: `input` is NHWC 1×256×256×3 RGB, values
    /// in [0, 1], so `input.len()` must be 196 608.
    pub fn run(&mut self, input: &[f32]) -> Result<LandmarkOutput, InferError> {
        let mut out = self.net.run(input, LANDMARK_INPUT_SIZE_PX)?.into_iter();
        let mut next = |name| self.net.take(out.next(), name);
        let landmarks = next(LANDMARK_OUTPUTS[0])?;
        let flag = next(LANDMARK_OUTPUTS[1])?;
        let world = next(LANDMARK_OUTPUTS[2])?;
        let heatmap = if self.heatmap {
            Some(next(LANDMARK_OUTPUTS[3])?)
        } else {
            None
        };
        expect_len(
            "landmark",
            LANDMARK_OUTPUTS[0],
            &landmarks,
            LANDMARK_COUNT * LANDMARK_VALUES_PER_POINT,
        )?;
        expect_len("landmark", LANDMARK_OUTPUTS[1], &flag, 1)?;
        expect_len("landmark", LANDMARK_OUTPUTS[2], &world, LANDMARK_COUNT * 3)?;
        if let Some(h) = &heatmap {
            expect_len(
                "landmark",
                LANDMARK_OUTPUTS[3],
                h,
                HEATMAP_SIZE_PX * HEATMAP_SIZE_PX * LANDMARK_COUNT,
            )?;
        }
        Ok(LandmarkOutput {
            landmarks,
            pose_flag: flag[0],
            world,
            heatmap,
        })
    }
}

/// Output tensor names of the detector: regressors, then scores.
const DETECTOR_OUTPUTS: [&str; 2] = ["Identity", "Identity_1"];
/// Output tensor names of the landmark networks: landmarks, pose flag, world landmarks, heatmap.
const LANDMARK_OUTPUTS: [&str; 4] = ["Identity", "Identity_1", "Identity_4", "Identity_3"];

fn expect_len(
    model: &'static str,
    name: &'static str,
    v: &[f32],
    expected: usize,
) -> Result<(), InferError> {
    if v.len() == expected {
        Ok(())
    } else {
        Err(InferError::OutputSize {
            model,
            name,
            expected,
            got: v.len(),
        })
    }
}

/// A loaded, optimised tract network with its state kept between runs.
struct Net {
    model: &'static str,
    state: TypedSimpleState,
    executor: Executor,
}

/// Loads `bytes` (a tflite file) into an optimised tract model whose outputs are exactly the
/// tensors named `outputs`, in that order. Shared by the runners and the benchmark example.
pub fn optimized_model(
    model: &'static str,
    bytes: &[u8],
    outputs: &[&'static str],
) -> Result<TypedModel, InferError> {
    optimized_model_with(model, bytes, outputs, true)
}

/// As [`optimized_model`]; `own_kernels` false keeps tract's own convolutions instead of
/// [`crate::conv::ConvNhwc`] and [`crate::dwconv::DepthwiseNhwc`] (for before/after
/// measurements).
pub fn optimized_model_with(
    model: &'static str,
    bytes: &[u8],
    outputs: &[&'static str],
    own_kernels: bool,
) -> Result<TypedModel, InferError> {
    let rewritten = rewrite_tflite(bytes)?;
    // Names of the subgraph's outputs, in order: tract keeps that order for its output outlets.
    let root = fb::root_as_model(&rewritten).map_err(|e| InferError::Load {
        model,
        message: e.to_string(),
    })?;
    let names: Vec<String> = match (
        root.subgraphs(),
        root.subgraphs().and_then(|s| s.iter().next()),
    ) {
        (Some(_), Some(sg)) => {
            let tensors = sg.tensors();
            sg.outputs()
                .map(|o| {
                    o.iter()
                        .map(|t| {
                            tensors
                                .and_then(|ts| ts.iter().nth(t as usize))
                                .and_then(|t| t.name())
                                .unwrap_or("")
                                .to_string()
                        })
                        .collect()
                })
                .unwrap_or_default()
        }
        _ => Vec::new(),
    };
    let load = || -> Result<TypedModel, InferError> {
        let load_err = |e: tract_tflite::prelude::TractError| InferError::Load {
            model,
            message: format!("{e:#}"),
        };
        let mut typed = tract_tflite::tflite()
            .model_for_read(&mut &rewritten[..])
            .map_err(load_err)?;
        let outlets = typed.output_outlets().map_err(load_err)?.to_vec();
        let mut selected = Vec::with_capacity(outputs.len());
        for &name in outputs {
            let ix = names
                .iter()
                .position(|n| n == name)
                .filter(|&ix| ix < outlets.len());
            selected.push(outlets[ix.ok_or(InferError::MissingOutput { model, name })?]);
        }
        typed.select_output_outlets(&selected).map_err(load_err)?;
        if own_kernels {
            // Before decluttering, which turns 1×1 convolutions into generic products.
            crate::conv::use_own_conv(&mut typed).map_err(load_err)?;
        }
        let mut typed = typed.into_decluttered().map_err(load_err)?;
        if own_kernels {
            crate::dwconv::use_own_depthwise(&mut typed).map_err(load_err)?;
        }
        typed.into_optimized().map_err(load_err)
    };
    // tract indexes its inputs freely; a model that trips it must give an error, not a panic.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(load)).unwrap_or_else(|_| {
        Err(InferError::Load {
            model,
            message: "tract panicked while loading the model".into(),
        })
    })
}

impl Net {
    fn load(
        model: &'static str,
        bytes: &[u8],
        outputs: &[&'static str],
        threads: usize,
    ) -> Result<Net, InferError> {
        let executor = executor(threads)?;
        let typed = optimized_model(model, bytes, outputs)?;
        let plan = TypedSimplePlan::new(typed).map_err(|e| InferError::Load {
            model,
            message: format!("{e:#}"),
        })?;
        let state = TypedSimpleState::new(&plan).map_err(|e| InferError::Load {
            model,
            message: format!("{e:#}"),
        })?;
        Ok(Net {
            model,
            state,
            executor,
        })
    }

    /// Checks the model's single input is 1×side×side×3 f32.
    fn check_input(&self, side: usize) -> Result<(), InferError> {
        let m = self.state.model();
        let fact = m
            .input_outlets()
            .ok()
            .filter(|i| i.len() == 1)
            .and_then(|i| m.outlet_fact(i[0]).ok());
        let shape = fact.and_then(|f| f.shape.as_concrete().map(|s| s.to_vec()));
        if shape.as_deref() == Some(&[1, side, side, 3][..]) {
            Ok(())
        } else {
            Err(InferError::Load {
                model: self.model,
                message: format!("expected one 1×{side}×{side}×3 input, found {shape:?}"),
            })
        }
    }

    fn run(&mut self, input: &[f32], side: usize) -> Result<Vec<TValue>, InferError> {
        let expected = side * side * 3;
        if input.len() != expected {
            return Err(InferError::InputLength {
                model: self.model,
                expected,
                got: input.len(),
            });
        }
        let model = self.model;
        let run_err = |e: tract_tflite::prelude::TractError| InferError::Run {
            model,
            message: format!("{e:#}"),
        };
        let tensor = Tensor::from_shape(&[1, side, side, 3], input).map_err(run_err)?;
        let state = &mut self.state;
        let out =
            multithread_tract_scope(self.executor.clone(), || state.run(tvec![tensor.into()]))
                .map_err(run_err)?;
        Ok(out.into_vec())
    }

    fn take(&self, value: Option<TValue>, name: &'static str) -> Result<Vec<f32>, InferError> {
        let model = self.model;
        let value = value.ok_or(InferError::MissingOutput { model, name })?;
        let view = value.try_as_plain_ram().map_err(|e| InferError::Run {
            model,
            message: format!("output `{name}`: {e:#}"),
        })?;
        let slice = view.as_slice::<f32>().map_err(|e| InferError::Run {
            model,
            message: format!("output `{name}`: {e:#}"),
        })?;
        Ok(slice.to_vec())
    }
}

/// A tract executor running matrix products on `threads` threads (1 = the caller's thread).
fn executor(threads: usize) -> Result<Executor, InferError> {
    if threads <= 1 {
        return Ok(Executor::SingleThread);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("spotter-infer-{i}"))
        .build()
        .map_err(|e| InferError::ThreadPool {
            threads,
            message: e.to_string(),
        })?;
    Ok(Executor::MultiThread(Arc::new(pool)))
}

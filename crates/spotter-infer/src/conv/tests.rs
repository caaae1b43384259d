//! Our dense convolution against tract's own on small random graphs: 1×1 products over every
//! tail of the 8-pixel by 32-channel blocks, larger kernels with strides and padding, a zero Pad
//! folded in, the clamp folded in, one and two threads; and the portable kernel against a plain
//! sum.

use tract_linalg::multithread::{Executor, multithread_tract_scope};
use tract_tflite::internal::tract_core::ops::array::{Pad, PadMode};
use tract_tflite::internal::tract_core::ops::cnn::{Conv, KernelFormat, PaddingSpec, PoolSpec};
use tract_tflite::internal::tract_core::ops::nn::DataFormat;
use tract_tflite::internal::*;

use super::{ConvNhwc, PANEL, kernel, pack_weights, pad_bias, use_own_conv};
use crate::testutil::{append_relu6, max_abs_diff, noise, op_kinds, run};

/// The shape of one test graph: image → optional zero Pad → Conv (OHWI kernel, as tract-tflite
/// builds it) → optional ReLU6.
#[derive(Debug, Clone)]
struct Case {
    batch: bool,
    hw: [usize; 2],
    cin: usize,
    cout: usize,
    k: usize,
    stride: usize,
    padding: PaddingSpec,
    pad_node: usize,
    relu6: bool,
}

fn case(hw: [usize; 2], cin: usize, cout: usize, relu6: bool) -> Case {
    Case {
        batch: true,
        hw,
        cin,
        cout,
        k: 1,
        stride: 1,
        padding: PaddingSpec::Valid,
        pad_node: 0,
        relu6,
    }
}

impl Case {
    fn input_shape(&self) -> TVec<usize> {
        if self.batch {
            tvec!(1, self.hw[0], self.hw[1], self.cin)
        } else {
            tvec!(self.hw[0], self.hw[1], self.cin)
        }
    }

    fn graph(&self) -> TypedModel {
        let mut m = TypedModel::default();
        let shape = self.input_shape();
        let rank = shape.len();
        let mut x = m.add_source("x", f32::fact(&shape)).expect("source");
        if self.pad_node > 0 {
            let mut pads = vec![(0, 0); rank];
            pads[rank - 3] = (self.pad_node, self.pad_node);
            pads[rank - 2] = (self.pad_node, self.pad_node);
            let pad = Pad {
                pads,
                mode: PadMode::Constant(rctensor0(0f32)),
            };
            x = m.wire_node("pad", pad, &[x]).expect("pad")[0];
        }
        let (k, cin, cout) = (self.k, self.cin, self.cout);
        let kernel =
            Tensor::from_shape(&[cout, k, k, cin], &noise(cout * k * k * cin, 11)).expect("k");
        let kernel = m.add_const("k", kernel).expect("const");
        let bias = m.add_const("b", tensor1(&noise(cout, 12))).expect("const");
        let conv = Conv {
            pool_spec: PoolSpec {
                data_format: if self.batch {
                    DataFormat::NHWC
                } else {
                    DataFormat::HWC
                },
                kernel_shape: tvec!(k, k),
                padding: self.padding.clone(),
                dilations: Some(tvec!(1, 1)),
                strides: Some(tvec!(self.stride, self.stride)),
                input_channels: cin,
                output_channels: cout,
            },
            kernel_fmt: KernelFormat::OHWI,
            group: 1,
            q_params: None,
        };
        let mut y = m.wire_node("conv", conv, &[x, kernel, bias]).expect("conv")[0];
        if self.relu6 {
            y = append_relu6(&mut m, y, rank, 0.6);
        }
        m.select_output_outlets(&[y]).expect("outputs");
        m
    }
}

#[test]
fn matches_tract_convolution_and_folds_pad_and_clamp() {
    let cases = [
        case([4, 4], 24, 48, true),
        Case {
            batch: false,
            ..case([3, 5], 7, 33, false)
        },
        case([1, 1], 1, 1, false),
        case([5, 3], 64, 32, true),
        case([8, 8], 48, 16, true),
        case([2, 7], 130, 70, false),
        case([9, 9], 3, 100, true),
        // More output channels than pixels: two threads split the channels, not the pixels.
        case([4, 4], 288, 288, false),
        case([2, 3], 100, 70, true),
        // A long window (600 input channels).
        case([3, 3], 600, 40, true),
        // The first BlazePose layer: Pad 1, then 3×3 stride 2 valid, 3 → 24 channels.
        Case {
            k: 3,
            stride: 2,
            pad_node: 1,
            ..case([16, 16], 3, 24, true)
        },
        Case {
            k: 3,
            padding: PaddingSpec::SameUpper,
            ..case([7, 6], 5, 40, false)
        },
        // The heads: 2×2 valid on a 2×2 image, one output pixel.
        Case {
            k: 2,
            ..case([2, 2], 36, 39, false)
        },
        Case {
            batch: false,
            k: 5,
            stride: 2,
            padding: PaddingSpec::Explicit(tvec!(2, 1), tvec!(1, 2)),
            ..case([9, 11], 4, 9, true)
        },
    ];
    for (i, c) in cases.iter().enumerate() {
        let m = c.graph();
        let shape = c.input_shape();
        let input =
            Tensor::from_shape(&shape, &noise(shape.iter().product(), 20 + i as u64)).expect("in");
        let reference = run(m.clone().into_optimized().expect("optimises"), &input);
        let mut ours = m;
        assert_eq!(
            use_own_conv(&mut ours).expect("patches"),
            1,
            "case {i}: {c:?}"
        );
        let ours = ours.into_decluttered().expect("declutters");
        let kinds = op_kinds(&ours);
        assert!(
            kinds
                .iter()
                .all(|k| !["Max", "Min", "Conv", "EinSum", "Pad"].contains(&k.as_str())),
            "case {i}: {kinds:?}"
        );
        let op = ours
            .nodes()
            .iter()
            .find_map(|n| n.op_as::<ConvNhwc>())
            .expect("our op");
        assert_eq!(op.clamp_bits.is_some(), c.relu6, "case {i}");
        let plan = ours.into_optimized().expect("optimises");
        for threads in [1, 2] {
            let exec = if threads == 1 {
                Executor::SingleThread
            } else {
                Executor::multithread(threads)
            };
            let got = multithread_tract_scope(exec, || run(plan.clone(), &input));
            let d = max_abs_diff(&got, &reference);
            assert!(
                d < 1e-4,
                "case {i} {c:?}, {threads} threads: differs by {d}"
            );
            if c.relu6 {
                assert!(
                    got.iter().all(|v| (0.0..=0.6).contains(v)),
                    "case {i}: clamp"
                );
            }
        }
    }
}

#[test]
fn a_large_image_splits_across_threads_with_the_same_result() {
    // 32×32 pixels, 64 → 96 channels, crosses the threading threshold.
    for k in [1, 3] {
        let c = Case {
            k,
            padding: PaddingSpec::SameUpper,
            ..case([32, 32], 64, 96, true)
        };
        let m = c.graph();
        let input = Tensor::from_shape(&[1, 32, 32, 64], &noise(32 * 32 * 64, 5)).expect("in");
        let mut ours = m.clone();
        assert_eq!(use_own_conv(&mut ours).expect("patches"), 1);
        let plan = ours.into_optimized().expect("optimises");
        let one = multithread_tract_scope(Executor::SingleThread, || run(plan.clone(), &input));
        let two = multithread_tract_scope(Executor::multithread(2), || run(plan.clone(), &input));
        assert_eq!(
            one, two,
            "threads split whole pixels, so the sums are identical"
        );
        let d = max_abs_diff(&one, &run(m.into_optimized().expect("optimises"), &input));
        assert!(d < 1e-4, "{k}×{k}: differs from tract by {d}");
    }
}

#[test]
fn portable_kernel_matches_a_plain_sum() {
    for (pixels, cin, cout) in [
        (13, 5, 40),
        (8, 32, 32),
        (3, 1, 70),
        (17, 9, 1),
        (9, 530, 33),
    ] {
        let x = noise(pixels * cin, 1);
        let w_ok = noise(cout * cin, 2);
        let bias = noise(cout, 3);
        let w = pack_weights(&w_ok, cin, cout);
        let b = pad_bias(&bias, cout);
        assert_eq!(w.len(), cout.div_ceil(PANEL) * cin * PANEL);
        let op = ConvNhwc {
            batch_axis: false,
            in_hw: [1, pixels],
            out_hw: [1, pixels],
            kernel_hw: [1, 1],
            strides: [1, 1],
            pad_before: [0, 0],
            cin,
            cout,
            clamp_bits: None,
        };
        let d = kernel::Data {
            op: &op,
            x: &x,
            w: &w,
            b: &b,
            clamp: (-0.5, 0.5),
        };
        let mut out = vec![f32::NAN; pixels * cout];
        kernel::pixels_portable::<false>(&d, 0, &mut out);
        for p in 0..pixels {
            for o in 0..cout {
                let sum: f32 = bias[o]
                    + (0..cin)
                        .map(|i| x[p * cin + i] * w_ok[o * cin + i])
                        .sum::<f32>();
                let want = sum.clamp(-0.5, 0.5);
                let got = out[p * cout + o];
                assert!(
                    (got - want).abs() < 1e-5,
                    "pixel {p} channel {o}: {got} vs {want}"
                );
            }
        }
    }
}

#[test]
fn convolutions_it_does_not_handle_are_left_alone() {
    // Dilation 2 is not handled: tract keeps it.
    let mut m = case([6, 6], 8, 8, false).graph();
    let id = m
        .nodes()
        .iter()
        .find(|n| n.op_is::<Conv>())
        .expect("conv")
        .id;
    let conv = m.node_mut(id).op_as_mut::<Conv>().expect("conv");
    conv.pool_spec.dilations = Some(tvec!(2, 2));
    assert_eq!(use_own_conv(&mut m).expect("runs"), 0);
}

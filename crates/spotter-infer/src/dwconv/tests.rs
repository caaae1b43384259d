//! Our depthwise operator against tract's own convolution on small random graphs: same numbers,
//! and the clamp that follows is folded in.

use tract_tflite::internal::tract_core::ops::cnn::{Conv, KernelFormat, PaddingSpec, PoolSpec};
use tract_tflite::internal::tract_core::ops::nn::DataFormat;
use tract_tflite::internal::*;

use super::{DepthwiseNhwc, use_own_depthwise};
use crate::testutil::{append_relu6, max_abs_diff, noise, op_kinds, run};

/// A model: image → depthwise Conv (OHWI kernel, as tract-tflite builds it) → optional ReLU6.
fn graph(
    batch: bool,
    hwc: [usize; 3],
    k: usize,
    stride: usize,
    padding: PaddingSpec,
    relu6: bool,
) -> TypedModel {
    let [h, w, c] = hwc;
    let mut m = TypedModel::default();
    let shape: TVec<usize> = if batch {
        tvec!(1, h, w, c)
    } else {
        tvec!(h, w, c)
    };
    let x = m.add_source("x", f32::fact(&shape)).expect("source");
    let kernel = Tensor::from_shape(&[1, k, k, c], &noise(k * k * c, 1)).expect("kernel");
    let kernel = m.add_const("k", kernel).expect("const");
    let bias = m.add_const("b", tensor1(&noise(c, 2))).expect("const");
    let conv = Conv {
        pool_spec: PoolSpec {
            data_format: if batch {
                DataFormat::NHWC
            } else {
                DataFormat::HWC
            },
            kernel_shape: tvec!(k, k),
            padding,
            dilations: Some(tvec!(1, 1)),
            strides: Some(tvec!(stride, stride)),
            input_channels: c,
            output_channels: c,
        },
        kernel_fmt: KernelFormat::OHWI,
        group: c,
        q_params: None,
    };
    let mut y = m.wire_node("dw", conv, &[x, kernel, bias]).expect("conv")[0];
    if relu6 {
        y = append_relu6(&mut m, y, shape.len(), 0.6);
    }
    m.select_output_outlets(&[y]).expect("outputs");
    m
}

#[test]
fn matches_tract_convolution_and_folds_the_clamp() {
    let cases = [
        (true, [9, 7, 37], 3, 1, PaddingSpec::SameUpper, true),
        (false, [10, 11, 40], 5, 2, PaddingSpec::SameUpper, true),
        (
            true,
            [8, 8, 16],
            3,
            2,
            PaddingSpec::Explicit(tvec!(1, 0), tvec!(0, 1)),
            false,
        ),
        (false, [6, 5, 64], 3, 1, PaddingSpec::Valid, false),
        (true, [16, 16, 8], 3, 1, PaddingSpec::SameUpper, true),
        (false, [5, 5, 96], 5, 1, PaddingSpec::SameUpper, true),
        (
            false,
            [7, 9, 24],
            5,
            1,
            PaddingSpec::Explicit(tvec!(2, 1), tvec!(2, 3)),
            true,
        ),
        (true, [12, 6, 3], 3, 1, PaddingSpec::Valid, false),
    ];
    for (i, (batch, hwc, k, stride, padding, relu6)) in cases.into_iter().enumerate() {
        let m = graph(batch, hwc, k, stride, padding, relu6);
        let shape: Vec<usize> = if batch {
            vec![1, hwc[0], hwc[1], hwc[2]]
        } else {
            hwc.to_vec()
        };
        let input =
            Tensor::from_shape(&shape, &noise(hwc.iter().product(), 3 + i as u64)).expect("input");
        let reference = run(m.clone().into_optimized().expect("optimises"), &input);
        let mut ours = m.into_decluttered().expect("declutters");
        assert_eq!(
            use_own_depthwise(&mut ours).expect("patches"),
            1,
            "case {i}"
        );
        let kinds = op_kinds(&ours);
        assert!(
            kinds
                .iter()
                .all(|k| k != "Max" && k != "Min" && k != "Conv"),
            "case {i}: {kinds:?}"
        );
        let dw = ours
            .nodes()
            .iter()
            .find_map(|n| n.op_as::<DepthwiseNhwc>())
            .expect("our op");
        assert_eq!(dw.clamp_bits.is_some(), relu6, "case {i}");
        let got = run(ours.into_optimized().expect("optimises"), &input);
        assert_eq!(got.len(), reference.len(), "case {i}");
        let worst = max_abs_diff(&got, &reference);
        assert!(worst < 1e-5, "case {i}: differs by {worst}");
        if relu6 {
            assert!(
                got.iter().all(|v| (0.0..=0.6).contains(v)),
                "case {i}: clamp"
            );
        }
    }
}

/// The portable kernel (the AVX2 and baseline build) against the operator as run on this machine,
/// for a pixel-wise and a row-wise layer (few channels: weights and bias tiled along the row).
#[test]
fn portable_kernel_matches_the_operator() {
    for (hwc, k, stride) in [([9, 7, 37], 3, 1), ([10, 11, 8], 5, 1), ([8, 8, 16], 3, 2)] {
        let m = graph(true, hwc, k, stride, PaddingSpec::SameUpper, true);
        let input = Tensor::from_shape(
            &[1, hwc[0], hwc[1], hwc[2]],
            &noise(hwc.iter().product(), 9),
        )
        .expect("input");
        let mut ours = m.into_decluttered().expect("declutters");
        use_own_depthwise(&mut ours).expect("patches");
        let node = ours
            .nodes()
            .iter()
            .find(|n| n.op_is::<DepthwiseNhwc>())
            .expect("our op");
        let op = node.op_as::<DepthwiseNhwc>().expect("op").clone();
        let konst = |slot: usize| -> Vec<f32> {
            let fact = ours.outlet_fact(node.inputs[slot]).expect("fact");
            let k = fact.konst.as_ref().expect("constant");
            k.try_as_plain_ram()
                .expect("plain")
                .as_slice::<f32>()
                .expect("f32")
                .to_vec()
        };
        let (w, b) = (konst(1), konst(2));
        let x = noise(hwc.iter().product(), 9);
        let data = if op.row_wise() {
            super::kernel::Data {
                x: &x,
                w: &[],
                wt: &w,
                b: &[],
                bt: &b,
            }
        } else {
            super::kernel::Data {
                x: &x,
                w: &w,
                wt: &[],
                b: &b,
                bt: &[],
            }
        };
        let row_len = op.out_hw[1] * op.channels;
        let mut portable = vec![f32::NAN; op.out_hw[0] * row_len];
        for (oy, row) in portable.chunks_mut(row_len).enumerate() {
            super::kernel::row_impl::<false>(&op, &data, 0, oy, row);
        }
        let reference = run(ours.into_optimized().expect("optimises"), &input);
        let worst = max_abs_diff(&portable, &reference);
        assert!(worst < 1e-5, "{hwc:?} k {k}: portable differs by {worst}");
    }
}

//! Our depthwise operator against tract's own convolution on small random graphs: same numbers,
//! and the clamp that follows is folded in.

use tract_tflite::internal::tract_core::ops::cnn::{Conv, KernelFormat, PaddingSpec, PoolSpec};
use tract_tflite::internal::tract_core::ops::math;
use tract_tflite::internal::tract_core::ops::nn::DataFormat;
use tract_tflite::internal::*;

use super::{DepthwiseNhwc, use_own_depthwise};

fn noise(n: usize, seed: u64) -> Vec<f32> {
    let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s % 20_001) as f32 / 10_000.0 - 1.0
        })
        .collect()
}

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
        let ones: TVec<usize> = shape.iter().map(|_| 1).collect();
        let zero = m
            .add_const("zero", Tensor::from_shape(&ones, &[0f32]).expect("t"))
            .expect("const");
        let six = m
            .add_const("six", Tensor::from_shape(&ones, &[6f32 * 0.1]).expect("t"))
            .expect("const");
        y = m.wire_node("relu", math::max(), &[y, zero]).expect("max")[0];
        y = m.wire_node("relu6", math::min(), &[y, six]).expect("min")[0];
    }
    m.select_output_outlets(&[y]).expect("outputs");
    m
}

fn run(m: TypedModel, input: &Tensor) -> Vec<f32> {
    let out = m
        .into_runnable()
        .expect("runnable")
        .run(tvec![input.clone().into()])
        .expect("runs");
    out[0]
        .try_as_plain_ram()
        .expect("plain")
        .as_slice::<f32>()
        .expect("f32")
        .to_vec()
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
        let kinds: Vec<String> = ours
            .nodes()
            .iter()
            .map(|n| n.op().name().to_string())
            .collect();
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
        let worst = got
            .iter()
            .zip(&reference)
            .map(|(a, b)| (a - b).abs())
            .fold(0f32, f32::max);
        assert!(worst < 1e-5, "case {i}: differs by {worst}");
        if relu6 {
            assert!(
                got.iter().all(|v| (0.0..=0.6).contains(v)),
                "case {i}: clamp"
            );
        }
    }
}

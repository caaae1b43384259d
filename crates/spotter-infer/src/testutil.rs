//! Helpers shared by the operator tests: deterministic noise, a fused-activation tail, and
//! running a small model.

use tract_tflite::internal::tract_core::ops::math;
use tract_tflite::internal::*;

/// `n` deterministic values in [-1, 1] (xorshift from `seed`).
pub(crate) fn noise(n: usize, seed: u64) -> Vec<f32> {
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

/// Wires `max(y, 0)` then `min(·, hi)` after `y` (rank `rank`), as tract-tflite does for a
/// fused ReLU6 (with `hi` = 6) and returns the clamped wire.
pub(crate) fn append_relu6(m: &mut TypedModel, y: OutletId, rank: usize, hi: f32) -> OutletId {
    let ones: TVec<usize> = (0..rank).map(|_| 1).collect();
    let zero = m
        .add_const("zero", Tensor::from_shape(&ones, &[0f32]).expect("t"))
        .expect("const");
    let six = m
        .add_const("six", Tensor::from_shape(&ones, &[hi]).expect("t"))
        .expect("const");
    let y = m.wire_node("relu", math::max(), &[y, zero]).expect("max")[0];
    m.wire_node("relu6", math::min(), &[y, six]).expect("min")[0]
}

/// Runs `m` once on `input` and returns its first output.
pub(crate) fn run(m: TypedModel, input: &Tensor) -> Vec<f32> {
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

/// The largest absolute difference between two equally long outputs.
pub(crate) fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len(), "output lengths");
    a.iter()
        .zip(b)
        .map(|(a, b)| (a - b).abs())
        .fold(0f32, f32::max)
}

/// The operator names of a model's nodes.
pub(crate) fn op_kinds(model: &TypedModel) -> Vec<String> {
    model
        .nodes()
        .iter()
        .map(|n| n.op().name().to_string())
        .collect()
}

//! What our two NHWC operators ([`crate::conv::ConvNhwc`], [`crate::dwconv::DepthwiseNhwc`])
//! share: the fused clamp's bounds, the output fact and the multiply-add count.

use tract_tflite::internal::*;

/// The fused clamp's bounds (stored as f32 bits so the operators can derive `Hash`), or no
/// bounds at all.
pub(crate) fn clamp_bounds(bits: Option<(u32, u32)>) -> (f32, f32) {
    bits.map_or((f32::NEG_INFINITY, f32::INFINITY), |(l, h)| {
        (f32::from_bits(l), f32::from_bits(h))
    })
}

/// The output fact `[N, OH, OW, C]` (or `[OH, OW, C]` without a batch axis) of an operator whose
/// three inputs are image, weights and bias.
pub(crate) fn output_fact(
    inputs: &[&TypedFact],
    batch_axis: bool,
    out_hw: [usize; 2],
    channels: usize,
) -> TractResult<TVec<TypedFact>> {
    ensure!(inputs.len() == 3 && inputs[0].datum_type == f32::datum_type());
    let mut shape: TVec<TDim> = tvec!(out_hw[0].to_dim(), out_hw[1].to_dim(), channels.to_dim());
    if batch_axis {
        shape.insert(0, inputs[0].shape[0].clone());
    }
    Ok(tvec!(f32::fact(&shape)))
}

/// Multiply-adds: `per_image` for each image of the batch.
pub(crate) fn fma_cost(
    inputs: &[&TypedFact],
    batch_axis: bool,
    per_image: usize,
) -> TractResult<TVec<(Cost, TDim)>> {
    let n = if batch_axis {
        inputs[0].shape[0].clone()
    } else {
        1.to_dim()
    };
    Ok(tvec!((Cost::FMA(f32::datum_type()), n * per_image)))
}

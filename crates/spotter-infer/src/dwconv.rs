//! Our own depthwise convolution operator for tract (NHWC, f32, channels across SIMD lanes,
//! optional fused clamp such as ReLU6), and the graph pass that puts it in place of tract's
//! depthwise `Conv` nodes before optimisation. tract 0.23.9 has no x86 kernel for channel-last
//! depthwise convolutions; these are a third of BlazePose's time.

use tract_tflite::internal::tract_core::ops::binary::TypedBinOp;
use tract_tflite::internal::tract_core::ops::cnn::{Conv, KernelFormat};
use tract_tflite::internal::tract_core::ops::nn::DataFormat;
use tract_tflite::internal::*;

use crate::nhwc::{fma_cost, output_fact};

/// Depthwise 2-D convolution, NHWC (or HWC), one kernel channel per input channel, zero padding,
/// dilation 1. Inputs: image `[N, H, W, C]` (or `[H, W, C]`), weights `[KH·KW·C]` (tap-major: `w[(ky·KW + kx)·C + c]`), bias
/// `[C]`; output `[N, OH, OW, C]`, optionally clamped to `[lo, hi]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DepthwiseNhwc {
    /// Whether the image has a leading batch axis (NHWC) or not (HWC).
    pub batch_axis: bool,
    /// Input height and width, in pixels.
    pub in_hw: [usize; 2],
    /// Output height and width, in pixels.
    pub out_hw: [usize; 2],
    /// Kernel height and width, in taps.
    pub kernel_hw: [usize; 2],
    /// Strides along height and width.
    pub strides: [usize; 2],
    /// Zero rows above and columns left of the image.
    pub pad_before: [usize; 2],
    /// Channels.
    pub channels: usize,
    /// Clamp bounds as f32 bits (lower, upper), for a fused ReLU6 or ReLU.
    pub clamp_bits: Option<(u32, u32)>,
}

impl Op for DepthwiseNhwc {
    fn name(&self) -> StaticName {
        "SpotterDepthwiseNhwc".into()
    }

    fn info(&self) -> TractResult<Vec<String>> {
        Ok(vec![format!(
            "k {:?} s {:?} pad {:?} {}→{:?}x{} clamp {:?}",
            self.kernel_hw,
            self.strides,
            self.pad_before,
            self.in_hw[0],
            self.out_hw,
            self.channels,
            self.clamp_bits
                .map(|(a, b)| (f32::from_bits(a), f32::from_bits(b)))
        )])
    }

    fn validation(&self) -> Validation {
        Validation::Rounding
    }

    op_as_typed_op!();
}

impl EvalOp for DepthwiseNhwc {
    op_out_of_plan!();

    fn eval(&self, _ctx: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let (x, w, b) = args_3!(inputs);
        let shape = x.shape();
        let skip = usize::from(self.batch_axis);
        ensure!(
            shape.len() == 3 + skip
                && shape[skip..] == [self.in_hw[0], self.in_hw[1], self.channels],
            "input shape {shape:?} for {self:?}"
        );
        let n = if self.batch_axis { shape[0] } else { 1 };
        let xs = x.try_as_plain_ram()?.as_slice::<f32>()?;
        let ws = w.try_as_plain_ram()?.as_slice::<f32>()?;
        let bs = b.try_as_plain_ram()?.as_slice::<f32>()?;
        let row_len = self.out_hw[1] * self.channels;
        let taps = self.kernel_hw[0] * self.kernel_hw[1];
        // Row-wise layers get their weights and bias already tiled along a row (see
        // `tile_for_rows`), the others per channel.
        let data = if self.row_wise() {
            ensure!(ws.len() == taps * row_len && bs.len() == row_len);
            kernel::Data {
                x: xs,
                w: &[],
                wt: ws,
                b: &[],
                bt: bs,
            }
        } else {
            ensure!(ws.len() == taps * self.channels && bs.len() == self.channels);
            kernel::Data {
                x: xs,
                w: ws,
                wt: &[],
                b: bs,
                bt: &[],
            }
        };
        let out_shape = [n, self.out_hw[0], self.out_hw[1], self.channels];
        // SAFETY: f32 has no invalid bit patterns, and both kernels write every value of every
        // row (the row-wise one the whole row, the pixel one all channels of every pixel).
        let mut out = unsafe { Tensor::uninitialized::<f32>(&out_shape[1 - skip..])? };
        {
            let mut view = out.try_as_plain_ram_mut()?;
            let os = view.as_slice_mut::<f32>()?;
            let rows = n * self.out_hw[0];
            let run = |first: usize, chunk: &mut [f32]| {
                let mut scratch = Vec::new();
                for (k, row) in chunk.chunks_mut(row_len).enumerate() {
                    let r = first + k;
                    kernel::row(
                        self,
                        &data,
                        r / self.out_hw[0],
                        r % self.out_hw[0],
                        row,
                        &mut scratch,
                    );
                }
            };
            match tract_linalg::multithread::current_tract_executor() {
                tract_linalg::multithread::Executor::MultiThread(pool)
                    if rows > 1 && os.len() >= 16 * 1024 =>
                {
                    let threads = pool.current_num_threads().max(1);
                    let rows_per = rows.div_ceil(threads * 2).max(1);
                    pool.install(|| {
                        use rayon::prelude::*;
                        os.par_chunks_mut(rows_per * row_len)
                            .enumerate()
                            .for_each(|(i, chunk)| run(i * rows_per, chunk));
                    });
                }
                _ => run(0, os),
            }
        }
        Ok(tvec!(out.into_tvalue()))
    }
}

impl DepthwiseNhwc {
    /// Whether rows are computed tap by tap over the whole row (few channels, stride 1 along
    /// the width) rather than pixel by pixel.
    pub fn row_wise(&self) -> bool {
        self.strides[1] == 1 && self.channels < 32
    }
}

impl TypedOp for DepthwiseNhwc {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        output_fact(inputs, self.batch_axis, self.out_hw, self.channels)
    }

    fn cost(&self, inputs: &[&TypedFact]) -> TractResult<TVec<(Cost, TDim)>> {
        let per =
            self.out_hw[0] * self.out_hw[1] * self.channels * self.kernel_hw[0] * self.kernel_hw[1];
        fma_cost(inputs, self.batch_axis, per)
    }

    as_op!();
}

/// The arithmetic, vectorised by the compiler over the channels; built three times, for
/// AVX-512, AVX2+FMA and the baseline, and picked at run time.
mod kernel {
    use super::DepthwiseNhwc;

    /// The operator's input data: image, tap-major weights, the same tiled along a row (only
    /// for row-wise layers, else empty), bias.
    pub(super) struct Data<'a> {
        pub x: &'a [f32],
        pub w: &'a [f32],
        pub wt: &'a [f32],
        pub b: &'a [f32],
        /// The bias tiled along a row (only for row-wise layers, else empty).
        pub bt: &'a [f32],
    }

    /// Channels a block keeps in registers across all taps.
    const BLOCK: usize = 32;

    /// One output row `oy` of image `n`.
    /// `scratch` keeps the zero-padded input rows of row-wise layers from one row to the next.
    pub(super) fn row(
        op: &DepthwiseNhwc,
        d: &Data,
        n: usize,
        oy: usize,
        out: &mut [f32],
        scratch: &mut Vec<f32>,
    ) {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("fma")
            {
                // SAFETY: the CPU has the features the function is compiled for.
                return unsafe { row_avx512(op, d, n, oy, out, scratch) };
            }
            if std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("fma")
            {
                // SAFETY: as above.
                return unsafe { row_avx2(op, d, n, oy, out) };
            }
        }
        row_impl::<false>(op, d, n, oy, out)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx2,fma")]
    fn row_avx512(
        op: &DepthwiseNhwc,
        d: &Data,
        n: usize,
        oy: usize,
        out: &mut [f32],
        padded: &mut Vec<f32>,
    ) {
        use std::arch::x86_64::*;
        let Data { x, w, wt, b, bt } = *d;
        let [ih, iw] = op.in_hw;
        let [kh, kw] = op.kernel_hw;
        let [sh, sw] = op.strides;
        let [ph, pw] = op.pad_before;
        let c = op.channels;
        let (lo, hi) = crate::nhwc::clamp_bounds(op.clamp_bits);
        let (vlo, vhi) = (_mm512_set1_ps(lo), _mm512_set1_ps(hi));
        let y0 = (oy * sh) as isize - ph as isize;
        let ky_range = (0.max(-y0) as usize)..kh.min((ih as isize - y0).max(0) as usize);
        let image = &x[n * ih * iw * c..(n + 1) * ih * iw * c];
        let tail_mask = |len: usize| -> __mmask16 { ((1u32 << len) - 1) as __mmask16 };
        if op.row_wise() {
            // Stride 1 along the width. Each needed input row is copied into a zero-padded row
            // (padded column j = input column j - pw), so that every tap of every output value
            // is in bounds; then each 64-value stretch of the output row stays in registers
            // across all taps.
            let (ow, row_len) = (op.out_hw[1], out.len());
            let padded_len = (ow + kw - 1) * c;
            // Only the middle of each padded row is ever written: its ends stay zero.
            if padded.len() != kh * padded_len {
                *padded = vec![0f32; kh * padded_len];
            }
            for ky in ky_range.clone() {
                let iy = (y0 + ky as isize) as usize;
                let dst = &mut padded[ky * padded_len..(ky + 1) * padded_len];
                let cols = iw.min(ow + kw - 1 - pw.min(ow + kw - 1));
                dst[pw * c..(pw + cols) * c]
                    .copy_from_slice(&image[iy * iw * c..(iy * iw + cols) * c]);
            }
            let taps: Vec<(usize, usize)> = ky_range
                .clone()
                .flat_map(|ky| {
                    (0..kw).map(move |kx| ((ky * kw + kx) * row_len, ky * padded_len + kx * c))
                })
                .collect();
            let (pp, wp, bp, op_) = (padded.as_ptr(), wt.as_ptr(), bt.as_ptr(), out.as_mut_ptr());
            let mut i = 0;
            // SAFETY: for a stretch at `i` of length ≤ row_len - i, weights read
            // `wt[t + i ..]` (each tap's row is row_len long), the padded rows read
            // `padded[r + i ..]` with r + i + len ≤ ky·padded_len + kx·c + row_len ≤ kh·padded_len,
            // and the output `out[i ..]`; the tail is masked.
            unsafe {
                while i + 64 <= row_len {
                    let mut acc: [__m512; 4] =
                        std::array::from_fn(|j| _mm512_loadu_ps(bp.add(i + 16 * j)));
                    for &(t, r) in &taps {
                        for (j, a) in acc.iter_mut().enumerate() {
                            *a = _mm512_fmadd_ps(
                                _mm512_loadu_ps(wp.add(t + i + 16 * j)),
                                _mm512_loadu_ps(pp.add(r + i + 16 * j)),
                                *a,
                            );
                        }
                    }
                    for (j, a) in acc.iter().enumerate() {
                        _mm512_storeu_ps(
                            op_.add(i + 16 * j),
                            _mm512_min_ps(_mm512_max_ps(*a, vlo), vhi),
                        );
                    }
                    i += 64;
                }
                while i < row_len {
                    let m = tail_mask((row_len - i).min(16));
                    let mut a = _mm512_maskz_loadu_ps(m, bp.add(i));
                    for &(t, r) in &taps {
                        a = _mm512_fmadd_ps(
                            _mm512_maskz_loadu_ps(m, wp.add(t + i)),
                            _mm512_maskz_loadu_ps(m, pp.add(r + i)),
                            a,
                        );
                    }
                    _mm512_mask_storeu_ps(op_.add(i), m, _mm512_min_ps(_mm512_max_ps(a, vlo), vhi));
                    i += 16;
                }
            }
            return;
        }
        // Channel blocks outside, pixels inside: a block's slice of the input rows (kh rows ×
        // iw pixels × 64 channels) stays in the L1 cache along the whole output row, where
        // pixel by pixel the full rows of a wide layer spill to L2.
        let ow = op.out_hw[1];
        let mut c0 = 0;
        // SAFETY: channel offsets stay below `c` (masked tail), pixel offsets inside the image
        // (valid tap ranges), tap offsets inside `w` (kh·kw·c long), output offsets inside the
        // row (ow·c long).
        unsafe {
            while c0 < c {
                let full = c - c0 >= 64;
                let width = if full { 64 } else { (c - c0).min(16) };
                let m = tail_mask(width.min(16));
                for ox in 0..ow {
                    let x0 = (ox * sw) as isize - pw as isize;
                    let kx_range =
                        (0.max(-x0) as usize)..kw.min((iw as isize - x0).max(0) as usize);
                    let o = out.as_mut_ptr().add(ox * c + c0);
                    if full {
                        let mut acc: [__m512; 4] =
                            std::array::from_fn(|j| _mm512_loadu_ps(b.as_ptr().add(c0 + 16 * j)));
                        for ky in ky_range.clone() {
                            let iy = (y0 + ky as isize) as usize;
                            for kx in kx_range.clone() {
                                let ix = (x0 + kx as isize) as usize;
                                let xp = image.as_ptr().add((iy * iw + ix) * c + c0);
                                let wp = w.as_ptr().add((ky * kw + kx) * c + c0);
                                for (j, a) in acc.iter_mut().enumerate() {
                                    *a = _mm512_fmadd_ps(
                                        _mm512_loadu_ps(wp.add(16 * j)),
                                        _mm512_loadu_ps(xp.add(16 * j)),
                                        *a,
                                    );
                                }
                            }
                        }
                        for (j, a) in acc.iter().enumerate() {
                            _mm512_storeu_ps(
                                o.add(16 * j),
                                _mm512_min_ps(_mm512_max_ps(*a, vlo), vhi),
                            );
                        }
                    } else {
                        let mut a = _mm512_maskz_loadu_ps(m, b.as_ptr().add(c0));
                        for ky in ky_range.clone() {
                            let iy = (y0 + ky as isize) as usize;
                            for kx in kx_range.clone() {
                                let ix = (x0 + kx as isize) as usize;
                                let xp = image.as_ptr().add((iy * iw + ix) * c + c0);
                                let wp = w.as_ptr().add((ky * kw + kx) * c + c0);
                                a = _mm512_fmadd_ps(
                                    _mm512_maskz_loadu_ps(m, wp),
                                    _mm512_maskz_loadu_ps(m, xp),
                                    a,
                                );
                            }
                        }
                        _mm512_mask_storeu_ps(o, m, _mm512_min_ps(_mm512_max_ps(a, vlo), vhi));
                    }
                }
                c0 += width;
            }
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    fn row_avx2(op: &DepthwiseNhwc, d: &Data, n: usize, oy: usize, out: &mut [f32]) {
        row_impl::<true>(op, d, n, oy, out)
    }

    #[inline(always)]
    fn fma<const FMA: bool>(acc: f32, a: f32, b: f32) -> f32 {
        if FMA { a.mul_add(b, acc) } else { acc + a * b }
    }

    #[inline(always)]
    pub(super) fn row_impl<const FMA: bool>(
        op: &DepthwiseNhwc,
        d: &Data,
        n: usize,
        oy: usize,
        out: &mut [f32],
    ) {
        let Data { x, w, wt, b, bt } = *d;
        let [ih, iw] = op.in_hw;
        let [kh, kw] = op.kernel_hw;
        let [sh, sw] = op.strides;
        let [ph, pw] = op.pad_before;
        let c = op.channels;
        let (lo, hi) = crate::nhwc::clamp_bounds(op.clamp_bits);
        // Valid kernel rows for this output row.
        let y0 = (oy * sh) as isize - ph as isize;
        let ky_range = (0.max(-y0) as usize)..kh.min((ih as isize - y0).max(0) as usize);
        let image = &x[n * ih * iw * c..(n + 1) * ih * iw * c];
        if op.row_wise() {
            // Stride 1 along the width: input column = ox + kx - pw.
            let (ow, row_len) = (op.out_hw[1], out.len());
            out.copy_from_slice(bt);
            for ky in ky_range {
                let iy = (y0 + ky as isize) as usize;
                let in_row = &image[iy * iw * c..(iy + 1) * iw * c];
                for kx in 0..kw {
                    let ox_lo = pw.saturating_sub(kx);
                    let ox_hi = ow.min((iw + pw).saturating_sub(kx));
                    if ox_lo >= ox_hi {
                        continue;
                    }
                    let taps = &wt[(ky * kw + kx) * row_len..][ox_lo * c..ox_hi * c];
                    let src = &in_row[(ox_lo + kx - pw) * c..(ox_hi + kx - pw) * c];
                    for ((d, &wv), &xv) in out[ox_lo * c..ox_hi * c].iter_mut().zip(taps).zip(src) {
                        *d = fma::<FMA>(*d, wv, xv);
                    }
                }
            }
            for v in out.iter_mut() {
                *v = v.max(lo).min(hi);
            }
            return;
        }
        for (ox, o) in out.chunks_exact_mut(c).enumerate() {
            let x0 = (ox * sw) as isize - pw as isize;
            let kx_range = (0.max(-x0) as usize)..kw.min((iw as isize - x0).max(0) as usize);
            let mut c0 = 0;
            while c0 < c {
                let width = BLOCK.min(c - c0);
                let mut acc = [0f32; BLOCK];
                acc[..width].copy_from_slice(&b[c0..c0 + width]);
                for ky in ky_range.clone() {
                    let iy = (y0 + ky as isize) as usize;
                    for kx in kx_range.clone() {
                        let ix = (x0 + kx as isize) as usize;
                        let xi = &image[(iy * iw + ix) * c + c0..][..width];
                        let wi = &w[(ky * kw + kx) * c + c0..][..width];
                        if width == BLOCK {
                            for l in 0..BLOCK {
                                acc[l] = fma::<FMA>(acc[l], wi[l], xi[l]);
                            }
                        } else {
                            for l in 0..width {
                                acc[l] = fma::<FMA>(acc[l], wi[l], xi[l]);
                            }
                        }
                    }
                }
                for (dst, &v) in o[c0..c0 + width].iter_mut().zip(&acc[..width]) {
                    *dst = v.max(lo).min(hi);
                }
                c0 += width;
            }
        }
    }
}

/// Replaces every float NHWC depthwise `Conv` of a decluttered model whose kernel and bias are
/// constants by [`DepthwiseNhwc`], folding a following ReLU/ReLU6 (`Max` with 0 then `Min` with
/// a constant) into it. Returns how many convolutions were replaced.
pub fn use_own_depthwise(model: &mut TypedModel) -> TractResult<usize> {
    let mut replaced = 0;
    let candidates: Vec<usize> = model
        .eval_order()?
        .into_iter()
        .filter(|&id| model.node(id).op_is::<Conv>())
        .collect();
    for id in candidates {
        let Some((op, weights, bias)) = depthwise_of(model, id)? else {
            continue;
        };
        let (weights, bias) = if op.row_wise() {
            tile_for_rows(&op, &weights, &bias)?
        } else {
            (weights, bias)
        };
        let node = model.node(id);
        let mut patch = TypedModelPatch::default();
        let x = patch.tap_model(model, node.inputs[0])?;
        let w = patch.add_const(format!("{}.spotter_w", node.name), weights)?;
        let b = patch.add_const(format!("{}.spotter_b", node.name), bias)?;
        let (clamp, replaced_outlet) = following_clamp(model, id)?;
        let op = DepthwiseNhwc {
            clamp_bits: clamp.map(|(l, h)| (l.to_bits(), h.to_bits())),
            ..op
        };
        let wire = patch.wire_node(format!("{}.spotter_dw", node.name), op, &[x, w, b])?;
        patch.shunt_outside(model, replaced_outlet, wire[0])?;
        patch.apply(model)?;
        replaced += 1;
    }
    model.compact()?;
    Ok(replaced)
}

/// Weights and bias of a row-wise layer repeated along an output row, once when the model is
/// built: `w[tap·row + j] = weights[tap·C + j mod C]`, `b[j] = bias[j mod C]`.
fn tile_for_rows(
    op: &DepthwiseNhwc,
    weights: &Tensor,
    bias: &Tensor,
) -> TractResult<(Tensor, Tensor)> {
    let row_len = op.out_hw[1] * op.channels;
    let ws = weights.try_as_plain_ram()?.as_slice::<f32>()?;
    let bs = bias.try_as_plain_ram()?.as_slice::<f32>()?;
    let w: Vec<f32> = ws
        .chunks_exact(op.channels)
        .flat_map(|tap| tap.iter().copied().cycle().take(row_len))
        .collect();
    let b: Vec<f32> = bs.iter().copied().cycle().take(row_len).collect();
    Ok((tensor1(&w), tensor1(&b)))
}

/// The operator, tap-major weights and bias replacing node `id`, if it is a depthwise Conv we
/// handle.
fn depthwise_of(
    model: &TypedModel,
    id: usize,
) -> TractResult<Option<(DepthwiseNhwc, Tensor, Tensor)>> {
    let node = model.node(id);
    let Some(conv) = node.op_as::<Conv>() else {
        return Ok(None);
    };
    let spec = &conv.pool_spec;
    let c = spec.input_channels;
    if conv.q_params.is_some()
        || node.inputs.len() != 3
        || conv.group != c
        || spec.output_channels != c
        || !matches!(spec.data_format, DataFormat::NHWC | DataFormat::HWC)
        || spec.kernel_shape.len() != 2
        || spec
            .dilations
            .as_ref()
            .is_some_and(|d| d.iter().any(|&d| d != 1))
    {
        return Ok(None);
    }
    let input = model.outlet_fact(node.inputs[0])?;
    let batch_axis = spec.data_format == DataFormat::NHWC;
    let Some(full) = input.shape.as_concrete() else {
        return Ok(None);
    };
    if input.datum_type != f32::datum_type()
        || full.len() != 3 + usize::from(batch_axis)
        || full[full.len() - 1] != c
    {
        return Ok(None);
    }
    let shape = &full[usize::from(batch_axis)..];
    let (Some(k), Some(bias)) = (
        &model.outlet_fact(node.inputs[1])?.konst,
        &model.outlet_fact(node.inputs[2])?.konst,
    ) else {
        return Ok(None);
    };
    if k.datum_type() != f32::datum_type() || bias.datum_type() != f32::datum_type() {
        return Ok(None);
    }
    let (kh, kw) = (spec.kernel_shape[0], spec.kernel_shape[1]);
    let ks = k.shape();
    let kv = k.try_as_plain_ram()?.as_slice::<f32>()?.to_vec();
    // Tap-major weights w[(ky·KW + kx)·C + ch].
    let weights: Vec<f32> = match conv.kernel_fmt {
        KernelFormat::OHWI if ks == [1, kh, kw, c] => kv,
        KernelFormat::HWIO if ks == [kh, kw, 1, c] => kv,
        KernelFormat::OIHW if ks == [c, 1, kh, kw] => (0..kh * kw * c)
            .map(|i| kv[(i % c) * kh * kw + i / c])
            .collect(),
        _ => return Ok(None),
    };
    let bv = bias.try_as_plain_ram()?.as_slice::<f32>()?;
    let bias: Vec<f32> = match bv.len() {
        1 => vec![bv[0]; c],
        l if l == c => bv.to_vec(),
        _ => return Ok(None),
    };
    let strides = spec.strides.clone().unwrap_or_else(|| tvec!(1, 1));
    let padded = spec
        .padding
        .compute(&shape[0..2], &spec.kernel_shape, &[1, 1], &strides);
    let op = DepthwiseNhwc {
        batch_axis,
        in_hw: [shape[0], shape[1]],
        out_hw: [padded[0].convoluted, padded[1].convoluted],
        kernel_hw: [kh, kw],
        strides: [strides[0], strides[1]],
        pad_before: [padded[0].pad_before, padded[1].pad_before],
        channels: c,
        clamp_bits: None,
    };
    Ok(Some((op, tensor1(&weights), tensor1(&bias))))
}

/// A clamp right after node `id` that can be fused: its bounds and the outlet it produces. When
/// there is none, `(None, id's own output)`.
pub(crate) fn following_clamp(
    model: &TypedModel,
    id: usize,
) -> TractResult<(Option<(f32, f32)>, OutletId)> {
    let own = OutletId::new(id, 0);
    let mut bounds = (f32::NEG_INFINITY, f32::INFINITY);
    let mut last = own;
    let mut found = false;
    // Walk at most two single-consumer binary Max / Min nodes with a scalar constant.
    for _ in 0..2 {
        let succ = &model.node(last.node).outputs[0].successors;
        if succ.len() != 1 || model.output_outlets()?.contains(&last) {
            break;
        }
        let next = model.node(succ[0].node);
        let Some(bin) = next.op_as::<TypedBinOp>() else {
            break;
        };
        if next.inputs.len() != 2 {
            break;
        }
        let other = next.inputs[1 - succ[0].slot];
        let Some(k) = &model.outlet_fact(other)?.konst else {
            break;
        };
        if k.datum_type() != f32::datum_type() || k.len() != 1 {
            break;
        }
        let v = k.try_as_plain_ram()?.as_slice::<f32>()?[0];
        match bin.0.name() {
            "Max" => bounds.0 = bounds.0.max(v),
            "Min" => bounds.1 = bounds.1.min(v),
            _ => break,
        }
        found = true;
        last = OutletId::new(next.id, 0);
    }
    Ok(if found {
        (Some(bounds), last)
    } else {
        (None, own)
    })
}

#[cfg(test)]
mod tests;

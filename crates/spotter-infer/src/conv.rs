//! Our own dense (group 1) convolution for tract, NHWC f32: a matrix product of output pixels by
//! weights, with bias and an optional clamp (ReLU6) fused, the weights packed once when the model
//! is built, and a zero `Pad` in front folded in. The inner kernel keeps an 8-pixel by
//! 32-channel block of the output in registers. For 1×1 convolutions (most of BlazePose's work)
//! it reads the pixels straight from the NHWC image, one broadcast per pixel and input channel,
//! so nothing is packed per frame; for larger kernels (the first 3×3 layer, the 2×2 heads) it
//! first gathers each block's input windows into a small buffer.

use tract_tflite::internal::tract_core::ops::array::{Pad, PadMode};
use tract_tflite::internal::tract_core::ops::cast::Cast;
use tract_tflite::internal::tract_core::ops::cnn::{Conv, KernelFormat};
use tract_tflite::internal::tract_core::ops::nn::DataFormat;
use tract_tflite::internal::*;

use crate::dwconv::following_clamp;
use crate::nhwc::{clamp_bounds, fma_cost, output_fact};

/// Output channels per packed weight panel (two AVX-512 registers).
pub const PANEL: usize = 32;
/// Output pixels per register block.
const ROWS: usize = 8;

/// Dense 2-D convolution, NHWC (or HWC), zero padding, dilation 1. Inputs: image `[N, H, W, Cin]`
/// (or `[H, W, Cin]`), weights packed by [`pack_weights`], bias padded by [`pad_bias`]; output
/// `[N, OH, OW, Cout]`, optionally clamped to `[lo, hi]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConvNhwc {
    /// Whether the image has a leading batch axis (NHWC) or not (HWC).
    pub batch_axis: bool,
    /// Input height and width, in pixels (before padding).
    pub in_hw: [usize; 2],
    /// Output height and width, in pixels.
    pub out_hw: [usize; 2],
    /// Kernel height and width, in taps.
    pub kernel_hw: [usize; 2],
    /// Strides along height and width.
    pub strides: [usize; 2],
    /// Zero rows above and columns left of the image (those below and right follow from the
    /// output size).
    pub pad_before: [usize; 2],
    /// Input channels.
    pub cin: usize,
    /// Output channels.
    pub cout: usize,
    /// Clamp bounds as f32 bits (lower, upper), for a fused ReLU6 or ReLU.
    pub clamp_bits: Option<(u32, u32)>,
}

impl ConvNhwc {
    /// A 1×1, stride-1, unpadded convolution: a plain product of the image's pixels.
    pub fn is_pointwise(&self) -> bool {
        self.kernel_hw == [1, 1] && self.strides == [1, 1] && self.pad_before == [0, 0]
    }

    /// Values of one output pixel's input window (the product's inner dimension).
    pub fn window(&self) -> usize {
        self.kernel_hw[0] * self.kernel_hw[1] * self.cin
    }
}

/// Packs weights given as `w[o][k]` (`cout × window`, row-major, `k = (ky·KW + kx)·Cin + ci`)
/// into panels of [`PANEL`] output channels: panel `p` holds, for each `k`, the weights of
/// outputs `p·PANEL .. p·PANEL + PANEL` (zero past `cout`).
pub fn pack_weights(w_ok: &[f32], window: usize, cout: usize) -> Vec<f32> {
    let panels = cout.div_ceil(PANEL);
    let mut packed = vec![0f32; panels * window * PANEL];
    for o in 0..cout {
        let (p, lane) = (o / PANEL, o % PANEL);
        for k in 0..window {
            packed[(p * window + k) * PANEL + lane] = w_ok[o * window + k];
        }
    }
    packed
}

/// Pads the bias to whole panels (zero past `cout`).
pub fn pad_bias(bias: &[f32], cout: usize) -> Vec<f32> {
    let mut b = vec![0f32; cout.div_ceil(PANEL) * PANEL];
    b[..cout].copy_from_slice(&bias[..cout]);
    b
}

impl Op for ConvNhwc {
    fn name(&self) -> StaticName {
        "SpotterConvNhwc".into()
    }

    fn info(&self) -> TractResult<Vec<String>> {
        Ok(vec![format!(
            "k {:?} s {:?} pad {:?} {:?}x{}→{:?}x{} clamp {:?}",
            self.kernel_hw,
            self.strides,
            self.pad_before,
            self.in_hw,
            self.cin,
            self.out_hw,
            self.cout,
            self.clamp_bits
                .map(|(a, b)| (f32::from_bits(a), f32::from_bits(b)))
        )])
    }

    fn validation(&self) -> Validation {
        Validation::Rounding
    }

    op_as_typed_op!();
}

impl EvalOp for ConvNhwc {
    op_out_of_plan!();

    fn eval(&self, _ctx: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let (x, w, b) = args_3!(inputs);
        let shape = x.shape();
        let skip = usize::from(self.batch_axis);
        ensure!(
            shape.len() == 3 + skip && shape[skip..] == [self.in_hw[0], self.in_hw[1], self.cin],
            "input shape {shape:?} for {self:?}"
        );
        let n = if self.batch_axis { shape[0] } else { 1 };
        let xs = x.try_as_plain_ram()?.as_slice::<f32>()?;
        let ws = w.try_as_plain_ram()?.as_slice::<f32>()?;
        let bs = b.try_as_plain_ram()?.as_slice::<f32>()?;
        let panels = self.cout.div_ceil(PANEL);
        ensure!(ws.len() == panels * self.window() * PANEL && bs.len() == panels * PANEL);
        let out_shape = [n, self.out_hw[0], self.out_hw[1], self.cout];
        // SAFETY: f32 has no invalid bit patterns, and the kernels write every value (each
        // block stores all `cout` channels of its pixels).
        let mut out = unsafe { Tensor::uninitialized::<f32>(&out_shape[1 - skip..])? };
        {
            let mut view = out.try_as_plain_ram_mut()?;
            let os = view.as_slice_mut::<f32>()?;
            let pixels = n * self.out_hw[0] * self.out_hw[1];
            let data = kernel::Data {
                op: self,
                x: xs,
                w: ws,
                b: bs,
                clamp: clamp_bounds(self.clamp_bits),
            };
            let flops = pixels * self.window() * self.cout;
            let panels = self.cout.div_ceil(PANEL);
            match tract_linalg::multithread::current_tract_executor() {
                // More weights than pixel values (the small, wide layers deep in the network):
                // split the output channels, so that each thread streams only its share of the
                // weights instead of all of them.
                tract_linalg::multithread::Executor::MultiThread(pool)
                    if self.is_pointwise()
                        && self.cout > pixels
                        && panels >= 2
                        && flops >= 1 << 18 =>
                {
                    let parts = pool.current_num_threads().clamp(1, panels);
                    let per = panels.div_ceil(parts);
                    let window = self.window();
                    let pieces: Vec<(usize, usize, Vec<f32>)> = pool.install(|| {
                        use rayon::prelude::*;
                        (0..panels.div_ceil(per))
                            .into_par_iter()
                            .map(|t| {
                                let (p0, p1) = (t * per, ((t + 1) * per).min(panels));
                                let cols = (p1 * PANEL).min(self.cout) - p0 * PANEL;
                                let op = ConvNhwc {
                                    cout: cols,
                                    ..self.clone()
                                };
                                let part = kernel::Data {
                                    op: &op,
                                    x: xs,
                                    w: &ws[p0 * window * PANEL..p1 * window * PANEL],
                                    b: &bs[p0 * PANEL..p1 * PANEL],
                                    clamp: data.clamp,
                                };
                                let mut buf = vec![0f32; pixels * cols];
                                kernel::pixels(&part, 0, &mut buf);
                                (p0 * PANEL, cols, buf)
                            })
                            .collect()
                    });
                    for (c0, cols, buf) in pieces {
                        for (dst, src) in os.chunks_exact_mut(self.cout).zip(buf.chunks_exact(cols))
                        {
                            dst[c0..c0 + cols].copy_from_slice(src);
                        }
                    }
                }
                tract_linalg::multithread::Executor::MultiThread(pool)
                    if pixels >= 2 * ROWS && flops >= 1 << 18 =>
                {
                    let threads = pool.current_num_threads().max(1);
                    // Whole register blocks per task, two tasks a thread for balance.
                    let per = pixels.div_ceil(threads * 2).div_ceil(ROWS) * ROWS;
                    pool.install(|| {
                        use rayon::prelude::*;
                        os.par_chunks_mut(per * self.cout)
                            .enumerate()
                            .for_each(|(i, chunk)| kernel::pixels(&data, i * per, chunk));
                    });
                }
                _ => kernel::pixels(&data, 0, os),
            }
        }
        Ok(tvec!(out.into_tvalue()))
    }
}

impl TypedOp for ConvNhwc {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        output_fact(inputs, self.batch_axis, self.out_hw, self.cout)
    }

    fn cost(&self, inputs: &[&TypedFact]) -> TractResult<TVec<(Cost, TDim)>> {
        let per = self.out_hw[0] * self.out_hw[1] * self.window() * self.cout;
        fma_cost(inputs, self.batch_axis, per)
    }

    as_op!();
}

/// The arithmetic: an AVX-512 block kernel, and a portable one the compiler vectorises (built for
/// AVX2+FMA and for the baseline), picked at run time.
mod kernel {
    use super::{ConvNhwc, PANEL, ROWS};

    /// The operator and its data: the image, packed weights, padded bias, clamp bounds.
    pub(super) struct Data<'a> {
        pub op: &'a ConvNhwc,
        pub x: &'a [f32],
        pub w: &'a [f32],
        pub b: &'a [f32],
        pub clamp: (f32, f32),
    }

    /// One register block's input: pixel `m`'s window is, for each tap offset `t` of `taps`
    /// (in values), the `cin` values at `ptrs[m] + t`. For a 1×1 convolution `ptrs` point into
    /// the image and `taps` is `[0]`; inside the image, `ptrs` point at each window's top-left
    /// pixel and `taps` step through the kernel; at the borders, `ptrs` point into a buffer of
    /// gathered, zero-padded windows and `taps` is `[0]` with `cin` the whole window.
    #[derive(Clone, Copy)]
    pub(super) struct Rows<'a> {
        pub ptrs: [*const f32; ROWS],
        pub taps: &'a [usize],
        pub cin: usize,
        pub rows: usize,
    }

    /// Output pixels `first ..` filling `out` (a whole number of pixels, `cout` values each).
    pub(super) fn pixels(d: &Data, first: usize, out: &mut [f32]) {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("fma")
            {
                // SAFETY: the CPU has the features the function is compiled for.
                return unsafe { pixels_avx512(d, first, out) };
            }
            if std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("fma")
            {
                // SAFETY: as above.
                return unsafe { pixels_avx2(d, first, out) };
            }
        }
        pixels_portable::<false>(d, first, out)
    }

    /// Copies the input windows of output pixels `q .. q + rows` into `buf` (`window` values a
    /// pixel, zero where the window hangs over the padding).
    fn gather(op: &ConvNhwc, x: &[f32], q: usize, rows: usize, buf: &mut [f32]) {
        let [ih, iw] = op.in_hw;
        let [oh, ow] = op.out_hw;
        let [kh, kw] = op.kernel_hw;
        let c = op.cin;
        let window = op.window();
        for (m, dst) in buf.chunks_exact_mut(window).take(rows).enumerate() {
            let p = q + m;
            let (n, oy, ox) = (p / (oh * ow), p / ow % oh, p % ow);
            let image = &x[n * ih * iw * c..(n + 1) * ih * iw * c];
            for ky in 0..kh {
                let iy = (oy * op.strides[0] + ky).checked_sub(op.pad_before[0]);
                for kx in 0..kw {
                    let ix = (ox * op.strides[1] + kx).checked_sub(op.pad_before[1]);
                    let tap = &mut dst[(ky * kw + kx) * c..][..c];
                    match (iy, ix) {
                        (Some(iy), Some(ix)) if iy < ih && ix < iw => {
                            tap.copy_from_slice(&image[(iy * iw + ix) * c..][..c]);
                        }
                        _ => tap.fill(0.0),
                    }
                }
            }
        }
    }

    /// Walks the output in blocks of up to [`ROWS`] pixels, then each block by weight panel,
    /// calling `block(rows, panel, out_block)`; `out_block` starts at the block's first value and
    /// the block writes `rows.rows` pixels at stride `cout`. Every pointer in `rows` points into
    /// `d.x` or into this function's buffer, with its whole window in bounds.
    #[inline(always)]
    fn blocks(
        d: &Data,
        first: usize,
        out: &mut [f32],
        mut block: impl FnMut(Rows, usize, &mut [f32]),
    ) {
        let op = d.op;
        let cout = op.cout;
        let count = out.len() / cout;
        let panels = cout.div_ceil(PANEL);
        let window = op.window();
        let [ih, iw] = op.in_hw;
        let [oh, ow] = op.out_hw;
        let [kh, kw] = op.kernel_hw;
        let [sh, sw] = op.strides;
        let [ph, pw] = op.pad_before;
        let c = op.cin;
        let pointwise = op.is_pointwise();
        let mut buf = if pointwise {
            Vec::new()
        } else {
            vec![0f32; ROWS * window]
        };
        let whole = [0usize];
        let taps: Vec<usize> = (0..kh * kw).map(|t| (t / kw * iw + t % kw) * c).collect();
        // Output pixels whose whole window lies inside the image.
        let inside = |p: usize| {
            let (oy, ox) = (p / ow % oh, p % ow);
            oy * sh >= ph && ox * sw >= pw && oy * sh + kh <= ih + ph && ox * sw + kw <= iw + pw
        };
        if pointwise {
            // Panel by panel, so that the panel's weights stay in the L1 cache while the
            // pixels stream past (reading a pixel costs a broadcast per input channel; a panel
            // costs two full vector loads).
            for panel in 0..panels {
                let mut p0 = 0;
                while p0 < count {
                    let rows = ROWS.min(count - p0);
                    let q = first + p0;
                    let mut ptrs = [d.x.as_ptr(); ROWS];
                    for (m, p) in ptrs.iter_mut().take(rows).enumerate() {
                        *p = d.x[(q + m) * c..(q + m + 1) * c].as_ptr();
                    }
                    let input = Rows {
                        ptrs,
                        taps: &whole,
                        cin: c,
                        rows,
                    };
                    block(input, panel, &mut out[p0 * cout + panel * PANEL..]);
                    p0 += rows;
                }
            }
            return;
        }
        let mut p0 = 0;
        while p0 < count {
            let rows = ROWS.min(count - p0);
            let q = first + p0;
            let mut ptrs = [d.x.as_ptr(); ROWS];
            let input = if (q..q + rows).all(inside) {
                for (m, p) in ptrs.iter_mut().take(rows).enumerate() {
                    let pix = q + m;
                    let (n, oy, ox) = (pix / (oh * ow), pix / ow % oh, pix % ow);
                    let (iy, ix) = (oy * sh - ph, ox * sw - pw);
                    let at = ((n * ih + iy) * iw + ix) * c;
                    // The window's last value is in the image: `inside` checked it.
                    let last = at + taps[taps.len() - 1] + c;
                    *p = d.x[at..last].as_ptr();
                }
                Rows {
                    ptrs,
                    taps: &taps,
                    cin: c,
                    rows,
                }
            } else {
                gather(op, d.x, q, rows, &mut buf);
                for (m, p) in ptrs.iter_mut().take(rows).enumerate() {
                    *p = buf[m * window..(m + 1) * window].as_ptr();
                }
                Rows {
                    ptrs,
                    taps: &whole,
                    cin: window,
                    rows,
                }
            };
            for panel in 0..panels {
                block(input, panel, &mut out[p0 * cout + panel * PANEL..]);
            }
            p0 += rows;
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx2,fma")]
    fn pixels_avx512(d: &Data, first: usize, out: &mut [f32]) {
        blocks(d, first, out, |input, panel, o| {
            // SAFETY: the block reads `input.rows` windows through `input.ptrs`, panel `panel` of `w`
            // (window·PANEL) and of `b` (PANEL), and writes `input.rows` pixels of `o` below
            // channel `cout` (masked); `blocks` sizes all of these.
            unsafe {
                match input.rows {
                    8 => block_avx512::<8>(d, input, panel, o),
                    7 => block_avx512::<7>(d, input, panel, o),
                    6 => block_avx512::<6>(d, input, panel, o),
                    5 => block_avx512::<5>(d, input, panel, o),
                    4 => block_avx512::<4>(d, input, panel, o),
                    3 => block_avx512::<3>(d, input, panel, o),
                    2 => block_avx512::<2>(d, input, panel, o),
                    _ => block_avx512::<1>(d, input, panel, o),
                }
            }
        });
    }

    /// One block of `M` pixels by one panel, AVX-512.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx2,fma")]
    #[inline]
    unsafe fn block_avx512<const M: usize>(d: &Data, input: Rows, panel: usize, o: &mut [f32]) {
        use std::arch::x86_64::*;
        let window = d.op.window();
        let cout = d.op.cout;
        let valid = (cout - panel * PANEL).min(PANEL);
        debug_assert!(input.rows == M && input.taps.len() * input.cin == window);
        debug_assert!((M - 1) * cout + valid <= o.len());
        debug_assert!((panel + 1) * window * PANEL <= d.w.len());
        // SAFETY: bounds as asserted above and guaranteed by `blocks` for the input pointers.
        unsafe {
            let w = d.w.as_ptr().add(panel * window * PANEL);
            let b = d.b.as_ptr().add(panel * PANEL);
            let mut acc0 = [_mm512_loadu_ps(b); M];
            let mut acc1 = [_mm512_loadu_ps(b.add(16)); M];
            let mut k = 0;
            // The next panel's weights, fetched into L2 while this one computes: a layer's
            // weights come from memory once a frame (heavy has about 50 MB of them), and the
            // hardware prefetcher alone leaves the first pass over each panel waiting
            // (interleaved A/B: heavy 42.3 → 39.0 ms, full 9.2 → 8.7 ms a frame, best of runs).
            let next = (panel + 1 < cout.div_ceil(PANEL))
                .then(|| d.w.as_ptr().add((panel + 1) * window * PANEL));
            for &tap in input.taps {
                let x: [*const f32; M] = std::array::from_fn(|m| input.ptrs[m].add(tap));
                for i in 0..input.cin {
                    if let Some(n) = next {
                        _mm_prefetch::<_MM_HINT_T1>(n.add(k * PANEL) as *const i8);
                        _mm_prefetch::<_MM_HINT_T1>(n.add(k * PANEL + 16) as *const i8);
                    }
                    let w0 = _mm512_loadu_ps(w.add(k * PANEL));
                    let w1 = _mm512_loadu_ps(w.add(k * PANEL + 16));
                    for m in 0..M {
                        let xv = _mm512_set1_ps(*x[m].add(i));
                        acc0[m] = _mm512_fmadd_ps(xv, w0, acc0[m]);
                        acc1[m] = _mm512_fmadd_ps(xv, w1, acc1[m]);
                    }
                    k += 1;
                }
            }
            let (lo, hi) = (_mm512_set1_ps(d.clamp.0), _mm512_set1_ps(d.clamp.1));
            let mask = |n: usize| -> __mmask16 { ((1u32 << n.min(16)) - 1) as __mmask16 };
            let (m0, m1) = (mask(valid), mask(valid.saturating_sub(16)));
            for m in 0..M {
                let dst = o.as_mut_ptr().add(m * cout);
                let v0 = _mm512_min_ps(_mm512_max_ps(acc0[m], lo), hi);
                let v1 = _mm512_min_ps(_mm512_max_ps(acc1[m], lo), hi);
                if valid == PANEL {
                    _mm512_storeu_ps(dst, v0);
                    _mm512_storeu_ps(dst.add(16), v1);
                } else {
                    _mm512_mask_storeu_ps(dst, m0, v0);
                    if m1 != 0 {
                        _mm512_mask_storeu_ps(dst.add(16), m1, v1);
                    }
                }
            }
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    fn pixels_avx2(d: &Data, first: usize, out: &mut [f32]) {
        pixels_portable::<true>(d, first, out)
    }

    #[inline(always)]
    pub(super) fn pixels_portable<const FMA: bool>(d: &Data, first: usize, out: &mut [f32]) {
        let window = d.op.window();
        let cout = d.op.cout;
        blocks(d, first, out, |input, panel, o| {
            let w = &d.w[panel * window * PANEL..(panel + 1) * window * PANEL];
            let b = &d.b[panel * PANEL..(panel + 1) * PANEL];
            let mut acc = [[0f32; PANEL]; ROWS];
            for a in acc.iter_mut().take(input.rows) {
                a.copy_from_slice(b);
            }
            let mut wk = w.chunks_exact(PANEL);
            for &tap in input.taps {
                for i in 0..input.cin {
                    let wk = wk.next().expect("window·PANEL weights a panel");
                    for (m, a) in acc.iter_mut().enumerate().take(input.rows) {
                        // SAFETY: `blocks` keeps every window of the block in bounds.
                        let xv = unsafe { *input.ptrs[m].add(tap + i) };
                        for l in 0..PANEL {
                            a[l] = if FMA {
                                xv.mul_add(wk[l], a[l])
                            } else {
                                a[l] + xv * wk[l]
                            };
                        }
                    }
                }
            }
            let valid = (cout - panel * PANEL).min(PANEL);
            for (m, a) in acc.iter().enumerate().take(input.rows) {
                for (dst, &v) in o[m * cout..][..valid].iter_mut().zip(a) {
                    *dst = v.max(d.clamp.0).min(d.clamp.1);
                }
            }
        });
    }
}

/// Replaces every float NHWC dense `Conv` (group 1, dilation 1) whose kernel and bias are
/// constants by [`ConvNhwc`], folding a zero `Pad` before it and a ReLU/ReLU6 after it. Runs
/// before decluttering, which would turn the 1×1 convolutions into generic products. Returns how
/// many convolutions were replaced.
pub fn use_own_conv(model: &mut TypedModel) -> TractResult<usize> {
    let mut replaced = 0;
    let candidates: Vec<usize> = model
        .eval_order()?
        .into_iter()
        .filter(|&id| model.node(id).op_is::<Conv>())
        .collect();
    for id in candidates {
        let Some((op, input, weights, bias)) = conv_of(model, id)? else {
            continue;
        };
        let node = model.node(id);
        let mut patch = TypedModelPatch::default();
        let x = patch.tap_model(model, input)?;
        let w = patch.add_const(format!("{}.spotter_w", node.name), weights)?;
        let b = patch.add_const(format!("{}.spotter_b", node.name), bias)?;
        let (clamp, replaced_outlet) = following_clamp(model, id)?;
        let op = ConvNhwc {
            clamp_bits: clamp.map(|(l, h)| (l.to_bits(), h.to_bits())),
            ..op
        };
        let wire = patch.wire_node(format!("{}.spotter_conv", node.name), op, &[x, w, b])?;
        patch.shunt_outside(model, replaced_outlet, wire[0])?;
        patch.apply(model)?;
        replaced += 1;
    }
    model.compact()?;
    Ok(replaced)
}

/// The operator, its image input (before a folded `Pad`), packed weights and padded bias
/// replacing node `id`, if it is a dense Conv we handle.
fn conv_of(
    model: &TypedModel,
    id: usize,
) -> TractResult<Option<(ConvNhwc, OutletId, Tensor, Tensor)>> {
    let node = model.node(id);
    let Some(conv) = node.op_as::<Conv>() else {
        return Ok(None);
    };
    let spec = &conv.pool_spec;
    let (cin, cout) = (spec.input_channels, spec.output_channels);
    if conv.q_params.is_some()
        || node.inputs.len() != 3
        || conv.group != 1
        || !matches!(spec.data_format, DataFormat::NHWC | DataFormat::HWC)
        || spec.kernel_shape.len() != 2
        || spec.dilations().iter().any(|&d| d != 1)
    {
        return Ok(None);
    }
    let batch_axis = spec.data_format == DataFormat::NHWC;
    let rank = 3 + usize::from(batch_axis);
    let image = |outlet: OutletId| -> TractResult<Option<[usize; 2]>> {
        let fact = model.outlet_fact(outlet)?;
        Ok(match fact.shape.as_concrete() {
            Some(s)
                if fact.datum_type == f32::datum_type()
                    && s.len() == rank
                    && s[rank - 1] == cin =>
            {
                Some([s[rank - 3], s[rank - 2]])
            }
            _ => None,
        })
    };
    let Some(padded_hw) = image(node.inputs[0])? else {
        return Ok(None);
    };
    let (kh, kw) = (spec.kernel_shape[0], spec.kernel_shape[1]);
    let strides = spec.strides();
    let computed = spec
        .padding
        .compute(&padded_hw, &spec.kernel_shape, &[1, 1], &strides);
    let mut input = node.inputs[0];
    let mut in_hw = padded_hw;
    let mut pad_before = [computed[0].pad_before, computed[1].pad_before];
    // A zero Pad of the spatial axes only, feeding nothing else: fold it in.
    let prev = model.node(input.node);
    if let Some(pad) = prev.op_as::<Pad>()
        && model.node(input.node).outputs[0].successors.len() == 1
        && let PadMode::Constant(value) = &pad.mode
        && value.cast_to_scalar::<f32>().is_ok_and(|v| v == 0.0)
        && pad.pads.len() == rank
        && pad.pads[..rank - 3].iter().all(|&p| p == (0, 0))
        && pad.pads[rank - 1] == (0, 0)
        && let Some(hw) = image(prev.inputs[0])?
    {
        input = prev.inputs[0];
        in_hw = hw;
        pad_before[0] += pad.pads[rank - 3].0;
        pad_before[1] += pad.pads[rank - 2].0;
    }
    let (Some(k), Some(bias)) = (
        constant(model, node.inputs[1])?,
        constant(model, node.inputs[2])?,
    ) else {
        return Ok(None);
    };
    if k.datum_type() != f32::datum_type() || bias.datum_type() != f32::datum_type() {
        return Ok(None);
    }
    let window = kh * kw * cin;
    let ks = k.shape();
    let kv = k.try_as_plain_ram()?.as_slice::<f32>()?;
    // Weights as w[o·window + (ky·KW + kx)·cin + ci].
    let w_ok: Vec<f32> = match conv.kernel_fmt {
        KernelFormat::OHWI if ks == [cout, kh, kw, cin] => kv.to_vec(),
        KernelFormat::HWIO if ks == [kh, kw, cin, cout] => (0..cout * window)
            .map(|j| kv[(j % window) * cout + j / window])
            .collect(),
        KernelFormat::OIHW if ks == [cout, cin, kh, kw] => (0..cout * window)
            .map(|j| {
                let (o, k) = (j / window, j % window);
                let (tap, ci) = (k / cin, k % cin);
                kv[(o * cin + ci) * kh * kw + tap]
            })
            .collect(),
        _ => return Ok(None),
    };
    let bv = bias.try_as_plain_ram()?.as_slice::<f32>()?;
    let bias: Vec<f32> = match bv.len() {
        1 => vec![bv[0]; cout],
        l if l == cout => bv.to_vec(),
        _ => return Ok(None),
    };
    let op = ConvNhwc {
        batch_axis,
        in_hw,
        out_hw: [computed[0].convoluted, computed[1].convoluted],
        kernel_hw: [kh, kw],
        strides: [strides[0], strides[1]],
        pad_before,
        cin,
        cout,
        clamp_bits: None,
    };
    Ok(Some((
        op,
        input,
        tensor1(&pack_weights(&w_ok, window, cout)),
        tensor1(&pad_bias(&bias, cout)),
    )))
}

/// The constant value of `outlet`, also through a `Cast` of a constant (tract-tflite casts
/// biases; the casts are folded only when decluttering, after this pass).
fn constant(model: &TypedModel, outlet: OutletId) -> TractResult<Option<Arc<Tensor>>> {
    if let Some(k) = &model.outlet_fact(outlet)?.konst {
        return Ok(Some(k.clone()));
    }
    let node = model.node(outlet.node);
    let Some(cast) = node.op_as::<Cast>() else {
        return Ok(None);
    };
    match &model.outlet_fact(node.inputs[0])?.konst {
        Some(k) => Ok(Some(k.cast_to_dt(cast.to)?.into_owned().into_arc_tensor())),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests;

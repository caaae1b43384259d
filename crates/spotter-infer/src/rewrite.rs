//! Rewrites a tflite flatbuffer so that stock tract-tflite 0.23.9 can load it: float16 constants
//! become float32 (DEQUANTIZE removed), sparse constants become dense (DENSIFY removed) and
//! DEPTH_TO_SPACE becomes RESHAPE → TRANSPOSE → RESHAPE.
//!
//! The file is read with the flatbuffer types tract-tflite exports (`tract_tflite::tflite`),
//! turned into a small owned description of the main subgraph, changed there, and written anew
//! with the `flatbuffers` builder. Tensors no operator uses any more (the float16 and sparse
//! originals) are dropped with their buffers. Only subgraph 0 is kept; model metadata and
//! signature definitions are dropped (tract reads neither).

use std::collections::{HashMap, HashSet};

use flatbuffers::{FlatBufferBuilder, UnionWIPOffset, WIPOffset};
use tract_tflite::tflite as fb;

/// Largest constant (in bytes) the rewrite will materialise; bigger ones mean a malformed file.
const MAX_CONSTANT_BYTES: usize = 1 << 30;

/// Why a model could not be rewritten. Every variant names the tensor or operator at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RewriteError {
    /// The bytes are not a valid tflite flatbuffer (truncated, wrong identifier, bad offsets).
    #[error("not a valid tflite flatbuffer: {0}")]
    InvalidFlatbuffer(String),
    /// A part every model must have is absent.
    #[error("the model has no {0}")]
    Missing(&'static str),
    /// The model has several subgraphs (control flow), which this rewrite does not handle.
    #[error("the model has {0} subgraphs; only single-subgraph models are supported")]
    Subgraphs(usize),
    /// An operator names an operator code that does not exist.
    #[error("operator #{op} uses operator code {index}, but the model has {count}")]
    OpcodeIndex { op: usize, index: u32, count: usize },
    /// An operator or the subgraph refers to a tensor that does not exist.
    #[error("{place} refers to tensor {index}, but the subgraph has {count}")]
    TensorIndex {
        place: String,
        index: i32,
        count: usize,
    },
    /// A tensor refers to a buffer that does not exist.
    #[error("tensor `{tensor}` refers to buffer {index}, but the model has {count}")]
    BufferIndex {
        tensor: String,
        index: u32,
        count: usize,
    },
    /// An operator has the wrong number of inputs or outputs for what the rewrite does with it.
    #[error("operator #{op} ({code}): {why}")]
    Operator {
        op: usize,
        code: &'static str,
        why: String,
    },
    /// A tensor's shape, type or data do not fit together.
    #[error("tensor `{tensor}`: {why}")]
    Tensor { tensor: String, why: String },
    /// A sparse constant whose sparsity description cannot be decoded.
    #[error("sparse tensor `{tensor}`: {why}")]
    Sparsity { tensor: String, why: String },
    /// An operator carries builtin options of a kind this rewrite does not copy.
    #[error(
        "operator #{op} ({code}) has builtin options `{options}`, which the rewrite does not copy"
    )]
    UnsupportedOptions {
        op: usize,
        code: &'static str,
        options: &'static str,
    },
}

/// Rewrites `model` (the bytes of a `.tflite` file) into an equivalent model that stock
/// tract-tflite loads. See the module doc for what changes. Malformed input gives an error,
/// never a panic.
pub fn rewrite_tflite(model: &[u8]) -> Result<Vec<u8>, RewriteError> {
    if model.len() < 8 || &model[4..8] != b"TFL3" {
        return Err(RewriteError::InvalidFlatbuffer(
            "missing the `TFL3` file identifier".into(),
        ));
    }
    let root =
        fb::root_as_model(model).map_err(|e| RewriteError::InvalidFlatbuffer(e.to_string()))?;
    let mut ir = Ir::read(&root)?;
    ir.transform()?;
    ir.write()
}

fn code_name(code: i32) -> &'static str {
    fb::BuiltinOperator(code)
        .variant_name()
        .unwrap_or("UNKNOWN")
}

fn type_name(ty: fb::TensorType) -> &'static str {
    ty.variant_name().unwrap_or("UNKNOWN")
}

/// Bytes per element of a tensor type, for the types a constant can have here.
fn element_size(ty: fb::TensorType) -> Option<usize> {
    Some(match ty {
        fb::TensorType::FLOAT32 | fb::TensorType::INT32 | fb::TensorType::UINT32 => 4,
        fb::TensorType::FLOAT16 | fb::TensorType::INT16 | fb::TensorType::UINT16 => 2,
        fb::TensorType::INT8 | fb::TensorType::UINT8 | fb::TensorType::BOOL => 1,
        fb::TensorType::FLOAT64 | fb::TensorType::INT64 | fb::TensorType::UINT64 => 8,
        _ => return None,
    })
}

/// IEEE 754 half-precision bits to the f32 of the same value (exact: every f16 is an f32).
pub(crate) fn f16_bits_to_f32(h: u16) -> f32 {
    let sign = u32::from(h >> 15) << 31;
    let exp = u32::from((h >> 10) & 0x1f);
    let man = u32::from(h & 0x3ff);
    let bits = match (exp, man) {
        (0, 0) => sign,
        (0, _) => {
            // Subnormal: normalise the mantissa, lowering the exponent once per shift.
            let (mut e, mut m) = (127 - 15 + 1, man);
            while m & 0x400 == 0 {
                m <<= 1;
                e -= 1;
            }
            sign | (e << 23) | ((m & 0x3ff) << 13)
        }
        (31, _) => sign | 0x7f80_0000 | (man << 13),
        _ => sign | ((exp + 127 - 15) << 23) | (man << 13),
    };
    f32::from_bits(bits)
}

/// Where a tensor's constant data comes from.
#[derive(Clone)]
enum Data {
    /// An original buffer (possibly the empty one: then not a constant).
    Original(u32),
    /// Bytes made by the rewrite (little-endian, dense, row-major).
    New(Vec<u8>),
    /// No data: an activation.
    None,
}

struct TensorIr<'a> {
    /// The original tensor, for the fields copied as they are (quantization, shape signature).
    src: Option<fb::Tensor<'a>>,
    name: String,
    shape: Vec<i32>,
    ty: fb::TensorType,
    data: Data,
}

enum Options<'a> {
    /// Copy the original operator's builtin options.
    Original(fb::Operator<'a>),
    Reshape,
    Transpose,
}

struct OpIr<'a> {
    /// Index into `Ir::opcodes`.
    opcode: u32,
    inputs: Vec<i32>,
    outputs: Vec<i32>,
    options: Options<'a>,
}

struct OpcodeIr<'a> {
    code: i32,
    deprecated: i8,
    custom: Option<&'a str>,
    version: i32,
}

struct Ir<'a> {
    version: u32,
    description: Option<&'a str>,
    buffers: flatbuffers::Vector<'a, flatbuffers::ForwardsUOffset<fb::Buffer<'a>>>,
    opcodes: Vec<OpcodeIr<'a>>,
    tensors: Vec<TensorIr<'a>>,
    ops: Vec<OpIr<'a>>,
    inputs: Vec<i32>,
    outputs: Vec<i32>,
    subgraph_name: Option<&'a str>,
}

impl<'a> Ir<'a> {
    fn read(root: &fb::Model<'a>) -> Result<Ir<'a>, RewriteError> {
        let subgraphs = root.subgraphs().ok_or(RewriteError::Missing("subgraphs"))?;
        match subgraphs.len() {
            0 => return Err(RewriteError::Missing("subgraphs")),
            1 => {}
            n => return Err(RewriteError::Subgraphs(n)),
        }
        let sg = subgraphs.get(0);
        let buffers = root.buffers().ok_or(RewriteError::Missing("buffers"))?;
        let opcodes: Vec<OpcodeIr> = root
            .operator_codes()
            .ok_or(RewriteError::Missing("operator codes"))?
            .iter()
            .map(|oc| OpcodeIr {
                code: oc
                    .builtin_code()
                    .0
                    .max(i32::from(oc.deprecated_builtin_code())),
                deprecated: oc.deprecated_builtin_code(),
                custom: oc.custom_code(),
                version: oc.version(),
            })
            .collect();
        let mut tensors = Vec::new();
        for (i, t) in sg
            .tensors()
            .ok_or(RewriteError::Missing("tensors in subgraph 0"))?
            .iter()
            .enumerate()
        {
            let name = t.name().map_or_else(|| format!("#{i}"), str::to_string);
            if t.buffer() as usize >= buffers.len() {
                return Err(RewriteError::BufferIndex {
                    tensor: name,
                    index: t.buffer(),
                    count: buffers.len(),
                });
            }
            tensors.push(TensorIr {
                src: Some(t),
                shape: t.shape().map(|s| s.iter().collect()).unwrap_or_default(),
                ty: t.type_(),
                data: Data::Original(t.buffer()),
                name,
            });
        }
        let count = tensors.len();
        let check = |place: &dyn Fn() -> String,
                     list: &[i32],
                     optional: bool|
         -> Result<(), RewriteError> {
            for &ix in list {
                let ok = (ix >= 0 && (ix as usize) < count) || (optional && ix == -1);
                if !ok {
                    return Err(RewriteError::TensorIndex {
                        place: place(),
                        index: ix,
                        count,
                    });
                }
            }
            Ok(())
        };
        let inputs: Vec<i32> = sg.inputs().map(|v| v.iter().collect()).unwrap_or_default();
        let outputs: Vec<i32> = sg.outputs().map(|v| v.iter().collect()).unwrap_or_default();
        check(&|| "the subgraph's inputs".into(), &inputs, false)?;
        check(&|| "the subgraph's outputs".into(), &outputs, false)?;
        let mut ops = Vec::new();
        for (i, op) in sg
            .operators()
            .ok_or(RewriteError::Missing("operators in subgraph 0"))?
            .iter()
            .enumerate()
        {
            let opcode = op.opcode_index();
            let Some(code) = opcodes.get(opcode as usize) else {
                return Err(RewriteError::OpcodeIndex {
                    op: i,
                    index: opcode,
                    count: opcodes.len(),
                });
            };
            let name = code_name(code.code);
            let op_inputs: Vec<i32> = op.inputs().map(|v| v.iter().collect()).unwrap_or_default();
            let op_outputs: Vec<i32> = op.outputs().map(|v| v.iter().collect()).unwrap_or_default();
            check(
                &|| format!("operator #{i} ({name}) input"),
                &op_inputs,
                true,
            )?;
            check(
                &|| format!("operator #{i} ({name}) output"),
                &op_outputs,
                false,
            )?;
            ops.push(OpIr {
                opcode,
                inputs: op_inputs,
                outputs: op_outputs,
                options: Options::Original(op),
            });
        }
        Ok(Ir {
            version: root.version(),
            description: root.description(),
            buffers,
            opcodes,
            tensors,
            ops,
            inputs,
            outputs,
            subgraph_name: sg.name(),
        })
    }

    /// The constant bytes of tensor `ix`, if it has any.
    fn const_bytes(&self, ix: usize) -> Option<&[u8]> {
        match &self.tensors[ix].data {
            Data::Original(b) => {
                let data = self.buffers.get(*b as usize).data()?;
                (!data.is_empty()).then(|| data.bytes())
            }
            Data::New(v) => Some(v),
            Data::None => None,
        }
    }

    /// Number of elements of tensor `ix`, from its static shape.
    fn element_count(&self, ix: usize) -> Result<usize, RewriteError> {
        let t = &self.tensors[ix];
        let mut n: usize = 1;
        for &d in &t.shape {
            let d = usize::try_from(d).map_err(|_| RewriteError::Tensor {
                tensor: t.name.clone(),
                why: format!("dimension {d} in shape {:?}", t.shape),
            })?;
            n = n
                .checked_mul(d)
                .filter(|&n| n <= MAX_CONSTANT_BYTES)
                .ok_or_else(|| RewriteError::Tensor {
                    tensor: t.name.clone(),
                    why: format!("shape {:?} is too large", t.shape),
                })?;
        }
        Ok(n)
    }

    fn opcode_index(&mut self, code: fb::BuiltinOperator) -> u32 {
        if let Some(i) = self.opcodes.iter().position(|oc| oc.code == code.0) {
            return i as u32;
        }
        self.opcodes.push(OpcodeIr {
            code: code.0,
            deprecated: code.0.min(127) as i8,
            custom: None,
            version: 1,
        });
        (self.opcodes.len() - 1) as u32
    }

    fn add_tensor(&mut self, name: String, shape: Vec<i32>, ty: fb::TensorType, data: Data) -> i32 {
        self.tensors.push(TensorIr {
            src: None,
            name,
            shape,
            ty,
            data,
        });
        (self.tensors.len() - 1) as i32
    }

    fn transform(&mut self) -> Result<(), RewriteError> {
        let ops = std::mem::take(&mut self.ops);
        let mut kept = Vec::with_capacity(ops.len());
        for (i, op) in ops.into_iter().enumerate() {
            let code = self.opcodes[op.opcode as usize].code;
            match fb::BuiltinOperator(code) {
                fb::BuiltinOperator::DENSIFY => self.densify_op(i, &op)?,
                fb::BuiltinOperator::DEQUANTIZE => self.dequantize_op(i, &op)?,
                fb::BuiltinOperator::DEPTH_TO_SPACE => kept.extend(self.depth_to_space_op(i, &op)?),
                _ => kept.push(op),
            }
        }
        self.ops = kept;
        Ok(())
    }

    /// The single input and output of a one-in, one-out operator.
    fn unary(&self, i: usize, op: &OpIr) -> Result<(usize, usize), RewriteError> {
        let code = code_name(self.opcodes[op.opcode as usize].code);
        match (op.inputs.as_slice(), op.outputs.as_slice()) {
            ([a], [b]) if *a >= 0 => Ok((*a as usize, *b as usize)),
            _ => Err(RewriteError::Operator {
                op: i,
                code,
                why: format!(
                    "expected one input and one output, found {:?} → {:?}",
                    op.inputs, op.outputs
                ),
            }),
        }
    }

    fn not_constant(&self, i: usize, op: &OpIr, input: usize) -> RewriteError {
        RewriteError::Operator {
            op: i,
            code: code_name(self.opcodes[op.opcode as usize].code),
            why: format!(
                "input `{}` is not a constant; only constant inputs are rewritten",
                self.tensors[input].name
            ),
        }
    }

    fn dequantize_op(&mut self, i: usize, op: &OpIr) -> Result<(), RewriteError> {
        let (input, output) = self.unary(i, op)?;
        let (tin, tout) = (&self.tensors[input], &self.tensors[output]);
        if tin.ty != fb::TensorType::FLOAT16 || tout.ty != fb::TensorType::FLOAT32 {
            return Err(RewriteError::Operator {
                op: i,
                code: "DEQUANTIZE",
                why: format!(
                    "only FLOAT16 → FLOAT32 is rewritten, found `{}` {} → `{}` {}",
                    tin.name,
                    type_name(tin.ty),
                    tout.name,
                    type_name(tout.ty)
                ),
            });
        }
        let n = self.element_count(input)?;
        let raw = self
            .const_bytes(input)
            .ok_or_else(|| self.not_constant(i, op, input))?;
        if raw.len() != n * 2 {
            return Err(RewriteError::Tensor {
                tensor: self.tensors[input].name.clone(),
                why: format!(
                    "{} data bytes for shape {:?} of FLOAT16 ({} expected)",
                    raw.len(),
                    self.tensors[input].shape,
                    n * 2
                ),
            });
        }
        if self.element_count(output)? != n {
            return Err(RewriteError::Tensor {
                tensor: self.tensors[output].name.clone(),
                why: format!(
                    "shape {:?} does not match its float16 source {:?}",
                    self.tensors[output].shape, self.tensors[input].shape
                ),
            });
        }
        let mut out = Vec::with_capacity(n * 4);
        for pair in raw.chunks_exact(2) {
            out.extend_from_slice(
                &f16_bits_to_f32(u16::from_le_bytes([pair[0], pair[1]])).to_le_bytes(),
            );
        }
        self.tensors[output].data = Data::New(out);
        Ok(())
    }

    fn densify_op(&mut self, i: usize, op: &OpIr) -> Result<(), RewriteError> {
        let (input, output) = self.unary(i, op)?;
        let raw = self
            .const_bytes(input)
            .ok_or_else(|| self.not_constant(i, op, input))?;
        let dense = self.densify(input, raw)?;
        let (tin, tout) = (&self.tensors[input], &self.tensors[output]);
        if tin.ty != tout.ty || tin.shape != tout.shape {
            return Err(RewriteError::Operator {
                op: i,
                code: "DENSIFY",
                why: format!(
                    "output `{}` {} {:?} differs from input `{}` {} {:?}",
                    tout.name,
                    type_name(tout.ty),
                    tout.shape,
                    tin.name,
                    type_name(tin.ty),
                    tin.shape
                ),
            });
        }
        self.tensors[output].data = Data::New(dense);
        Ok(())
    }

    /// Decodes tensor `ix`'s sparse data (TFLite's sparsity format: a traversal order and, per
    /// traversed dimension, DENSE or SPARSE_CSR metadata; block maps are not supported).
    fn densify(&self, ix: usize, raw: &[u8]) -> Result<Vec<u8>, RewriteError> {
        let t = &self.tensors[ix];
        let err = |why: String| RewriteError::Sparsity {
            tensor: t.name.clone(),
            why,
        };
        let sp = t
            .src
            .and_then(|s| s.sparsity())
            .ok_or_else(|| err("no sparsity parameters".into()))?;
        let elem = element_size(t.ty)
            .ok_or_else(|| err(format!("unsupported element type {}", type_name(t.ty))))?;
        let total = self.element_count(ix)?;
        let rank = t.shape.len();
        let shape: Vec<usize> = t.shape.iter().map(|&d| d as usize).collect(); // non-negative: element_count checked
        if sp.block_map().is_some_and(|b| !b.is_empty()) {
            return Err(err("block sparsity (block_map) is not supported".into()));
        }
        let order: Vec<usize> = match sp.traversal_order() {
            Some(o) if !o.is_empty() => o
                .iter()
                .map(|d| usize::try_from(d).unwrap_or(usize::MAX))
                .collect(),
            _ => (0..rank).collect(),
        };
        let mut seen = vec![false; rank];
        if order.len() != rank
            || order
                .iter()
                .any(|&d| d >= rank || std::mem::replace(&mut seen[d], true))
        {
            return Err(err(format!(
                "traversal order {order:?} is not a permutation of the {rank} dimensions"
            )));
        }
        let dims = sp
            .dim_metadata()
            .ok_or_else(|| err("no dimension metadata".into()))?;
        if dims.len() != rank {
            return Err(err(format!(
                "{} dimension metadata entries for rank {rank}",
                dims.len()
            )));
        }
        let mut strides = vec![1usize; rank];
        for d in (0..rank.saturating_sub(1)).rev() {
            strides[d] = strides[d + 1] * shape[d + 1];
        }
        // Per level: either Dense(size) or Csr(segments, indices), as usize.
        enum Level {
            Dense(usize),
            Csr(Vec<usize>, Vec<usize>),
        }
        let index_vec = |kind: fb::SparseIndexVector,
                         dm: &fb::DimensionMetadata,
                         segments: bool|
         -> Option<Vec<usize>> {
            let v: Vec<usize> = match kind {
                fb::SparseIndexVector::Int32Vector => {
                    let v = if segments {
                        dm.array_segments_as_int_32_vector()
                    } else {
                        dm.array_indices_as_int_32_vector()
                    };
                    v?.values()?
                        .iter()
                        .map(|x| usize::try_from(x).unwrap_or(usize::MAX))
                        .collect()
                }
                fb::SparseIndexVector::Uint16Vector => {
                    let v = if segments {
                        dm.array_segments_as_uint_16_vector()
                    } else {
                        dm.array_indices_as_uint_16_vector()
                    };
                    v?.values()?.iter().map(usize::from).collect()
                }
                fb::SparseIndexVector::Uint8Vector => {
                    let v = if segments {
                        dm.array_segments_as_uint_8_vector()
                    } else {
                        dm.array_indices_as_uint_8_vector()
                    };
                    v?.values()?.iter().map(usize::from).collect()
                }
                _ => return None,
            };
            Some(v)
        };
        let mut levels = Vec::with_capacity(rank);
        for (k, dm) in dims.iter().enumerate() {
            let dim = order[k];
            levels.push(match dm.format() {
                fb::DimensionType::DENSE => {
                    if usize::try_from(dm.dense_size()).ok() != Some(shape[dim]) {
                        return Err(err(format!(
                            "dense size {} of level {k} differs from dimension {dim} = {}",
                            dm.dense_size(),
                            shape[dim]
                        )));
                    }
                    Level::Dense(shape[dim])
                }
                fb::DimensionType::SPARSE_CSR => {
                    let segs = index_vec(dm.array_segments_type(), &dm, true).ok_or_else(|| {
                        err(format!("level {k}: missing or unreadable array_segments"))
                    })?;
                    let inds = index_vec(dm.array_indices_type(), &dm, false).ok_or_else(|| {
                        err(format!("level {k}: missing or unreadable array_indices"))
                    })?;
                    if segs.windows(2).any(|w| w[0] > w[1])
                        || segs.last().is_some_and(|&l| l > inds.len())
                    {
                        return Err(err(format!(
                            "level {k}: segments are not increasing within the {} indices",
                            inds.len()
                        )));
                    }
                    if let Some(&bad) = inds.iter().find(|&&c| c >= shape[dim]) {
                        return Err(err(format!(
                            "level {k}: index {bad} out of dimension {dim} = {}",
                            shape[dim]
                        )));
                    }
                    Level::Csr(segs, inds)
                }
                other => {
                    return Err(err(format!(
                        "level {k}: unknown dimension format {}",
                        other.0
                    )));
                }
            });
        }
        if !raw.len().is_multiple_of(elem) {
            return Err(err(format!(
                "{} value bytes is not a whole number of {}-byte elements",
                raw.len(),
                elem
            )));
        }
        let n_values = raw.len() / elem;
        let mut dense = vec![0u8; total * elem];
        // Depth-first walk: (level, node, flat element offset so far).
        let mut stack = vec![(0usize, 0usize, 0usize)];
        let mut leaves = 0usize;
        while let Some((k, node, offset)) = stack.pop() {
            if k == rank {
                if node >= n_values {
                    return Err(err(format!(
                        "value index {node} beyond the {n_values} stored values"
                    )));
                }
                dense[offset * elem..(offset + 1) * elem]
                    .copy_from_slice(&raw[node * elem..(node + 1) * elem]);
                leaves += 1;
                continue;
            }
            let stride = strides[order[k]];
            match &levels[k] {
                Level::Dense(size) => {
                    for c in (0..*size).rev() {
                        stack.push((k + 1, node * size + c, offset + c * stride));
                    }
                }
                Level::Csr(segs, inds) => {
                    if node + 1 >= segs.len() {
                        return Err(err(format!(
                            "level {k}: node {node} has no segment ({} segment bounds)",
                            segs.len()
                        )));
                    }
                    for j in (segs[node]..segs[node + 1]).rev() {
                        stack.push((k + 1, j, offset + inds[j] * stride));
                    }
                }
            }
        }
        if leaves != n_values {
            return Err(err(format!(
                "{leaves} positions decoded for {n_values} stored values"
            )));
        }
        Ok(dense)
    }

    fn depth_to_space_op(
        &mut self,
        i: usize,
        op: &OpIr<'a>,
    ) -> Result<[OpIr<'a>; 3], RewriteError> {
        let (input, output) = self.unary(i, op)?;
        let bad = |why: String| RewriteError::Operator {
            op: i,
            code: "DEPTH_TO_SPACE",
            why,
        };
        let block = match &op.options {
            Options::Original(o) => o
                .builtin_options_as_depth_to_space_options()
                .map(|o| o.block_size()),
            _ => None,
        }
        .ok_or_else(|| bad("no DepthToSpaceOptions".into()))?;
        let shape = self.tensors[input].shape.clone();
        let [n, h, w, c] = shape[..] else {
            return Err(bad(format!("input shape {shape:?} is not NHWC")));
        };
        if block < 1 || shape.iter().any(|&d| d < 1) || c % (block * block) != 0 {
            return Err(bad(format!(
                "block size {block} does not fit input shape {shape:?}"
            )));
        }
        let (b, c2) = (block, c / (block * block));
        let (hb, wb) = (h.checked_mul(b), w.checked_mul(b));
        let (Some(hb), Some(wb)) = (hb, wb) else {
            return Err(bad(format!("block size {block} overflows shape {shape:?}")));
        };
        if self.tensors[output].shape != [n, hb, wb, c2] {
            return Err(bad(format!(
                "output shape {:?} should be {:?}",
                self.tensors[output].shape,
                [n, hb, wb, c2]
            )));
        }
        let ty = self.tensors[input].ty;
        let base = self.tensors[output].name.clone();
        let i32s = |v: &[i32]| v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
        let s1 = [n, h, w, b, b, c2];
        let perm = [0, 1, 3, 2, 4, 5];
        let s2 = [n, hb, wb, c2];
        let shape1 = self.add_tensor(
            format!("{base}/d2s_shape1"),
            vec![6],
            fb::TensorType::INT32,
            Data::New(i32s(&s1)),
        );
        let r1 = self.add_tensor(format!("{base}/d2s_split"), s1.to_vec(), ty, Data::None);
        let perm_t = self.add_tensor(
            format!("{base}/d2s_perm"),
            vec![6],
            fb::TensorType::INT32,
            Data::New(i32s(&perm)),
        );
        let t = self.add_tensor(
            format!("{base}/d2s_moved"),
            vec![n, h, b, w, b, c2],
            ty,
            Data::None,
        );
        let shape2 = self.add_tensor(
            format!("{base}/d2s_shape2"),
            vec![4],
            fb::TensorType::INT32,
            Data::New(i32s(&s2)),
        );
        let reshape = self.opcode_index(fb::BuiltinOperator::RESHAPE);
        let transpose = self.opcode_index(fb::BuiltinOperator::TRANSPOSE);
        Ok([
            OpIr {
                opcode: reshape,
                inputs: vec![input as i32, shape1],
                outputs: vec![r1],
                options: Options::Reshape,
            },
            OpIr {
                opcode: transpose,
                inputs: vec![r1, perm_t],
                outputs: vec![t],
                options: Options::Transpose,
            },
            OpIr {
                opcode: reshape,
                inputs: vec![t, shape2],
                outputs: vec![output as i32],
                options: Options::Reshape,
            },
        ])
    }

    fn write(&self) -> Result<Vec<u8>, RewriteError> {
        // Keep the tensors still used, in their original order, and the buffers they need.
        let mut used = HashSet::new();
        used.extend(self.inputs.iter().chain(&self.outputs).copied());
        for op in &self.ops {
            used.extend(
                op.inputs
                    .iter()
                    .chain(&op.outputs)
                    .copied()
                    .filter(|&t| t >= 0),
            );
        }
        let mut remap: HashMap<i32, i32> = HashMap::from([(-1, -1)]);
        let mut kept = Vec::new();
        for (ix, t) in self.tensors.iter().enumerate() {
            if used.contains(&(ix as i32)) {
                if t.src.is_some_and(|s| s.sparsity().is_some())
                    && matches!(t.data, Data::Original(_))
                {
                    return Err(RewriteError::Tensor {
                        tensor: t.name.clone(),
                        why: "sparse constant used other than through DENSIFY".into(),
                    });
                }
                remap.insert(ix as i32, kept.len() as i32);
                kept.push(ix);
            }
        }
        let map = |v: &[i32]| v.iter().map(|t| remap[t]).collect::<Vec<i32>>();

        let mut b = FlatBufferBuilder::with_capacity(
            self.buffers
                .iter()
                .map(|x| x.data().map_or(0, |d| d.len()))
                .sum::<usize>()
                + (1 << 20),
        );
        let mut buffers = vec![fb::Buffer::create(&mut b, &fb::BufferArgs { data: None })];
        let mut buffer_of_original: HashMap<u32, u32> = HashMap::new();
        let mut tensor_offsets = Vec::with_capacity(kept.len());
        for &ix in &kept {
            let t = &self.tensors[ix];
            let bytes = self.const_bytes(ix);
            let buffer = match (&t.data, bytes) {
                (_, None) => 0,
                (Data::Original(orig), Some(bytes)) => {
                    *buffer_of_original.entry(*orig).or_insert_with(|| {
                        let data = b.create_vector(bytes);
                        buffers.push(fb::Buffer::create(
                            &mut b,
                            &fb::BufferArgs { data: Some(data) },
                        ));
                        (buffers.len() - 1) as u32
                    })
                }
                (_, Some(bytes)) => {
                    let data = b.create_vector(bytes);
                    buffers.push(fb::Buffer::create(
                        &mut b,
                        &fb::BufferArgs { data: Some(data) },
                    ));
                    (buffers.len() - 1) as u32
                }
            };
            let shape = b.create_vector(&t.shape);
            let name = b.create_string(&t.name);
            let (mut quantization, mut is_variable, mut shape_signature, mut has_rank) =
                (None, false, None, false);
            if let Some(src) = t.src {
                is_variable = src.is_variable();
                has_rank = src.has_rank();
                shape_signature = src
                    .shape_signature()
                    .map(|s| b.create_vector_from_iter(s.iter()));
                if let Some(q) = src.quantization() {
                    if q.details_type() != fb::QuantizationDetails::NONE {
                        return Err(RewriteError::Tensor {
                            tensor: t.name.clone(),
                            why: "custom quantization details are not supported".into(),
                        });
                    }
                    let args = fb::QuantizationParametersArgs {
                        min: q.min().map(|v| b.create_vector_from_iter(v.iter())),
                        max: q.max().map(|v| b.create_vector_from_iter(v.iter())),
                        scale: q.scale().map(|v| b.create_vector_from_iter(v.iter())),
                        zero_point: q.zero_point().map(|v| b.create_vector_from_iter(v.iter())),
                        details_type: fb::QuantizationDetails::NONE,
                        details: None,
                        quantized_dimension: q.quantized_dimension(),
                    };
                    quantization = Some(fb::QuantizationParameters::create(&mut b, &args));
                }
            }
            tensor_offsets.push(fb::Tensor::create(
                &mut b,
                &fb::TensorArgs {
                    shape: Some(shape),
                    type_: t.ty,
                    buffer,
                    name: Some(name),
                    quantization,
                    is_variable,
                    sparsity: None,
                    shape_signature,
                    has_rank,
                    variant_tensors: None,
                },
            ));
        }
        let mut op_offsets = Vec::with_capacity(self.ops.len());
        for (i, op) in self.ops.iter().enumerate() {
            let inputs = b.create_vector(&map(&op.inputs));
            let outputs = b.create_vector(&map(&op.outputs));
            let code = code_name(self.opcodes[op.opcode as usize].code);
            let mut args = fb::OperatorArgs {
                opcode_index: op.opcode,
                inputs: Some(inputs),
                outputs: Some(outputs),
                builtin_options_type: fb::BuiltinOptions::NONE,
                builtin_options: None,
                custom_options: None,
                custom_options_format: fb::CustomOptionsFormat::FLEXBUFFERS,
                mutating_variable_inputs: None,
                intermediates: None,
            };
            match &op.options {
                Options::Reshape => {
                    args.builtin_options_type = fb::BuiltinOptions::ReshapeOptions;
                    args.builtin_options = Some(
                        fb::ReshapeOptions::create(
                            &mut b,
                            &fb::ReshapeOptionsArgs { new_shape: None },
                        )
                        .as_union_value(),
                    );
                }
                Options::Transpose => {
                    args.builtin_options_type = fb::BuiltinOptions::TransposeOptions;
                    args.builtin_options = Some(
                        fb::TransposeOptions::create(&mut b, &fb::TransposeOptionsArgs {})
                            .as_union_value(),
                    );
                }
                Options::Original(src) => {
                    args.builtin_options_type = src.builtin_options_type();
                    args.builtin_options = copy_options(&mut b, src).map_err(|options| {
                        RewriteError::UnsupportedOptions {
                            op: i,
                            code,
                            options,
                        }
                    })?;
                    args.custom_options = src.custom_options().map(|v| b.create_vector(v.bytes()));
                    args.custom_options_format = src.custom_options_format();
                    args.mutating_variable_inputs = src
                        .mutating_variable_inputs()
                        .map(|v| b.create_vector_from_iter(v.iter()));
                    // Intermediate tensors (quantisation calibration) are dropped: tract ignores them.
                }
            }
            op_offsets.push(fb::Operator::create(&mut b, &args));
        }
        let tensors = b.create_vector(&tensor_offsets);
        let operators = b.create_vector(&op_offsets);
        let sg_inputs = b.create_vector(&map(&self.inputs));
        let sg_outputs = b.create_vector(&map(&self.outputs));
        let sg_name = self.subgraph_name.map(|n| b.create_string(n));
        let subgraph = fb::SubGraph::create(
            &mut b,
            &fb::SubGraphArgs {
                tensors: Some(tensors),
                inputs: Some(sg_inputs),
                outputs: Some(sg_outputs),
                operators: Some(operators),
                name: sg_name,
            },
        );
        let mut opcode_offsets = Vec::with_capacity(self.opcodes.len());
        for oc in &self.opcodes {
            let custom_code = oc.custom.map(|c| b.create_string(c));
            opcode_offsets.push(fb::OperatorCode::create(
                &mut b,
                &fb::OperatorCodeArgs {
                    deprecated_builtin_code: oc.deprecated,
                    custom_code,
                    version: oc.version,
                    builtin_code: fb::BuiltinOperator(oc.code),
                },
            ));
        }
        let operator_codes = b.create_vector(&opcode_offsets);
        let subgraphs = b.create_vector(&[subgraph]);
        let buffers = b.create_vector(&buffers);
        let description = self.description.map(|d| b.create_string(d));
        let model = fb::Model::create(
            &mut b,
            &fb::ModelArgs {
                version: self.version,
                operator_codes: Some(operator_codes),
                subgraphs: Some(subgraphs),
                description,
                buffers: Some(buffers),
                metadata_buffer: None,
                metadata: None,
                signature_defs: None,
            },
        );
        fb::finish_model_buffer(&mut b, model);
        Ok(b.finished_data().to_vec())
    }
}

/// Re-creates `src`'s builtin options in `b`. Returns the options' kind name when it is not one
/// this rewrite copies (the kinds tract-tflite 0.23.9 reads, and those BlazePose carries).
fn copy_options<'b>(
    b: &mut FlatBufferBuilder<'b>,
    src: &fb::Operator,
) -> Result<Option<WIPOffset<UnionWIPOffset>>, &'static str> {
    use fb::BuiltinOptions as K;
    let kind = src.builtin_options_type();
    let unsupported = || kind.variant_name().unwrap_or("UNKNOWN");
    macro_rules! copy {
        ($get:ident, $ty:ident, $args:ident { $($field:ident),* }) => {{
            let o = src.$get().ok_or_else(unsupported)?;
            fb::$ty::create(b, &fb::$args { $($field: o.$field()),* }).as_union_value()
        }};
    }
    Ok(Some(match kind {
        K::NONE => return Ok(None),
        K::Conv2DOptions => copy!(
            builtin_options_as_conv_2_doptions,
            Conv2DOptions,
            Conv2DOptionsArgs {
                padding,
                stride_w,
                stride_h,
                fused_activation_function,
                dilation_w_factor,
                dilation_h_factor
            }
        ),
        K::DepthwiseConv2DOptions => copy!(
            builtin_options_as_depthwise_conv_2_doptions,
            DepthwiseConv2DOptions,
            DepthwiseConv2DOptionsArgs {
                padding,
                stride_w,
                stride_h,
                depth_multiplier,
                fused_activation_function,
                dilation_w_factor,
                dilation_h_factor
            }
        ),
        K::Pool2DOptions => copy!(
            builtin_options_as_pool_2_doptions,
            Pool2DOptions,
            Pool2DOptionsArgs {
                padding,
                stride_w,
                stride_h,
                filter_width,
                filter_height,
                fused_activation_function
            }
        ),
        K::AddOptions => copy!(
            builtin_options_as_add_options,
            AddOptions,
            AddOptionsArgs {
                fused_activation_function,
                pot_scale_int16
            }
        ),
        K::SubOptions => copy!(
            builtin_options_as_sub_options,
            SubOptions,
            SubOptionsArgs {
                fused_activation_function,
                pot_scale_int16
            }
        ),
        K::MulOptions => copy!(
            builtin_options_as_mul_options,
            MulOptions,
            MulOptionsArgs {
                fused_activation_function
            }
        ),
        K::DivOptions => copy!(
            builtin_options_as_div_options,
            DivOptions,
            DivOptionsArgs {
                fused_activation_function
            }
        ),
        K::ConcatenationOptions => copy!(
            builtin_options_as_concatenation_options,
            ConcatenationOptions,
            ConcatenationOptionsArgs {
                axis,
                fused_activation_function
            }
        ),
        K::ResizeBilinearOptions => copy!(
            builtin_options_as_resize_bilinear_options,
            ResizeBilinearOptions,
            ResizeBilinearOptionsArgs {
                align_corners,
                half_pixel_centers
            }
        ),
        K::ResizeNearestNeighborOptions => copy!(
            builtin_options_as_resize_nearest_neighbor_options,
            ResizeNearestNeighborOptions,
            ResizeNearestNeighborOptionsArgs {
                align_corners,
                half_pixel_centers
            }
        ),
        K::SoftmaxOptions => copy!(
            builtin_options_as_softmax_options,
            SoftmaxOptions,
            SoftmaxOptionsArgs { beta }
        ),
        K::LeakyReluOptions => copy!(
            builtin_options_as_leaky_relu_options,
            LeakyReluOptions,
            LeakyReluOptionsArgs { alpha }
        ),
        K::ReducerOptions => copy!(
            builtin_options_as_reducer_options,
            ReducerOptions,
            ReducerOptionsArgs { keep_dims }
        ),
        K::StridedSliceOptions => copy!(
            builtin_options_as_strided_slice_options,
            StridedSliceOptions,
            StridedSliceOptionsArgs {
                begin_mask,
                end_mask,
                ellipsis_mask,
                new_axis_mask,
                shrink_axis_mask
            }
        ),
        K::FullyConnectedOptions => copy!(
            builtin_options_as_fully_connected_options,
            FullyConnectedOptions,
            FullyConnectedOptionsArgs {
                fused_activation_function,
                weights_format,
                keep_num_dims,
                asymmetric_quantize_inputs
            }
        ),
        K::BatchMatMulOptions => copy!(
            builtin_options_as_batch_mat_mul_options,
            BatchMatMulOptions,
            BatchMatMulOptionsArgs {
                adj_x,
                adj_y,
                asymmetric_quantize_inputs
            }
        ),
        K::PadOptions => fb::PadOptions::create(b, &fb::PadOptionsArgs {}).as_union_value(),
        K::TransposeOptions => {
            fb::TransposeOptions::create(b, &fb::TransposeOptionsArgs {}).as_union_value()
        }
        K::ReshapeOptions => {
            let o = src
                .builtin_options_as_reshape_options()
                .ok_or_else(unsupported)?;
            let new_shape = o.new_shape().map(|v| b.create_vector_from_iter(v.iter()));
            fb::ReshapeOptions::create(b, &fb::ReshapeOptionsArgs { new_shape }).as_union_value()
        }
        K::SqueezeOptions => {
            let o = src
                .builtin_options_as_squeeze_options()
                .ok_or_else(unsupported)?;
            let squeeze_dims = o
                .squeeze_dims()
                .map(|v| b.create_vector_from_iter(v.iter()));
            fb::SqueezeOptions::create(b, &fb::SqueezeOptionsArgs { squeeze_dims }).as_union_value()
        }
        _ => return Err(unsupported()),
    }))
}

#[cfg(test)]
mod tests;

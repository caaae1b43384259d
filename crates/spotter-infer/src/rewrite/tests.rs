//! Unit tests of the tflite rewrite: small models built here with the flatbuffer builder, each
//! rewritten and then run by stock tract against values computed by hand.

use flatbuffers::FlatBufferBuilder;
use tract_tflite::prelude::{Framework, Tensor};
use tract_tflite::tflite as fb;

use super::{RewriteError, f16_bits_to_f32, rewrite_tflite};

/// A sparse CSR description for a 2-D constant: first dimension dense, second sparse.
struct Csr {
    segments: Vec<u16>,
    indices: Vec<u16>,
}

struct T {
    name: &'static str,
    shape: Vec<i32>,
    ty: fb::TensorType,
    data: Option<Vec<u8>>,
    csr: Option<Csr>,
}

fn act(name: &'static str, shape: &[i32]) -> T {
    T {
        name,
        shape: shape.to_vec(),
        ty: fb::TensorType::FLOAT32,
        data: None,
        csr: None,
    }
}

fn f16_const(name: &'static str, shape: &[i32], bits: &[u16]) -> T {
    T {
        name,
        shape: shape.to_vec(),
        ty: fb::TensorType::FLOAT16,
        data: Some(bits.iter().flat_map(|b| b.to_le_bytes()).collect()),
        csr: None,
    }
}

enum Opt {
    None,
    Add,
    DepthToSpace(i32),
}

struct Op {
    code: fb::BuiltinOperator,
    inputs: Vec<i32>,
    outputs: Vec<i32>,
    opt: Opt,
}

/// Builds a one-subgraph tflite model. Buffer 0 is the empty sentinel; opcode indices follow the
/// first use of each operator.
fn build(tensors: &[T], ops: &[Op], inputs: &[i32], outputs: &[i32]) -> Vec<u8> {
    let mut b = FlatBufferBuilder::new();
    let mut buffers = vec![fb::Buffer::create(&mut b, &fb::BufferArgs { data: None })];
    let mut toffs = Vec::new();
    for t in tensors {
        let buffer = match &t.data {
            Some(d) => {
                let data = b.create_vector(d);
                buffers.push(fb::Buffer::create(
                    &mut b,
                    &fb::BufferArgs { data: Some(data) },
                ));
                (buffers.len() - 1) as u32
            }
            None => 0,
        };
        let sparsity = t.csr.as_ref().map(|csr| {
            let dense = fb::DimensionMetadata::create(
                &mut b,
                &fb::DimensionMetadataArgs {
                    format: fb::DimensionType::DENSE,
                    dense_size: t.shape[0],
                    array_segments_type: fb::SparseIndexVector::NONE,
                    array_segments: None,
                    array_indices_type: fb::SparseIndexVector::NONE,
                    array_indices: None,
                },
            );
            let seg_values = b.create_vector(&csr.segments);
            let segs = fb::Uint16Vector::create(
                &mut b,
                &fb::Uint16VectorArgs {
                    values: Some(seg_values),
                },
            );
            let ind_values = b.create_vector(&csr.indices);
            let inds = fb::Uint16Vector::create(
                &mut b,
                &fb::Uint16VectorArgs {
                    values: Some(ind_values),
                },
            );
            let sparse = fb::DimensionMetadata::create(
                &mut b,
                &fb::DimensionMetadataArgs {
                    format: fb::DimensionType::SPARSE_CSR,
                    dense_size: 0,
                    array_segments_type: fb::SparseIndexVector::Uint16Vector,
                    array_segments: Some(segs.as_union_value()),
                    array_indices_type: fb::SparseIndexVector::Uint16Vector,
                    array_indices: Some(inds.as_union_value()),
                },
            );
            let order = b.create_vector(&[0, 1]);
            let dims = b.create_vector(&[dense, sparse]);
            fb::SparsityParameters::create(
                &mut b,
                &fb::SparsityParametersArgs {
                    traversal_order: Some(order),
                    block_map: None,
                    dim_metadata: Some(dims),
                },
            )
        });
        let shape = b.create_vector(&t.shape);
        let name = b.create_string(t.name);
        toffs.push(fb::Tensor::create(
            &mut b,
            &fb::TensorArgs {
                shape: Some(shape),
                type_: t.ty,
                buffer,
                name: Some(name),
                quantization: None,
                is_variable: false,
                sparsity,
                shape_signature: None,
                has_rank: false,
                variant_tensors: None,
            },
        ));
    }
    let mut codes: Vec<fb::BuiltinOperator> = Vec::new();
    let mut ooffs = Vec::new();
    for op in ops {
        let opcode = codes.iter().position(|c| *c == op.code).unwrap_or_else(|| {
            codes.push(op.code);
            codes.len() - 1
        });
        let (kind, options) = match op.opt {
            Opt::None => (fb::BuiltinOptions::NONE, None),
            Opt::Add => (
                fb::BuiltinOptions::AddOptions,
                Some(
                    fb::AddOptions::create(
                        &mut b,
                        &fb::AddOptionsArgs {
                            fused_activation_function: fb::ActivationFunctionType::NONE,
                            pot_scale_int16: true,
                        },
                    )
                    .as_union_value(),
                ),
            ),
            Opt::DepthToSpace(block_size) => (
                fb::BuiltinOptions::DepthToSpaceOptions,
                Some(
                    fb::DepthToSpaceOptions::create(
                        &mut b,
                        &fb::DepthToSpaceOptionsArgs { block_size },
                    )
                    .as_union_value(),
                ),
            ),
        };
        let inputs = b.create_vector(&op.inputs);
        let outputs = b.create_vector(&op.outputs);
        ooffs.push(fb::Operator::create(
            &mut b,
            &fb::OperatorArgs {
                opcode_index: opcode as u32,
                inputs: Some(inputs),
                outputs: Some(outputs),
                builtin_options_type: kind,
                builtin_options: options,
                custom_options: None,
                custom_options_format: fb::CustomOptionsFormat::FLEXBUFFERS,
                mutating_variable_inputs: None,
                intermediates: None,
            },
        ));
    }
    let tensors = b.create_vector(&toffs);
    let operators = b.create_vector(&ooffs);
    let inputs = b.create_vector(inputs);
    let outputs = b.create_vector(outputs);
    let sg = fb::SubGraph::create(
        &mut b,
        &fb::SubGraphArgs {
            tensors: Some(tensors),
            inputs: Some(inputs),
            outputs: Some(outputs),
            operators: Some(operators),
            name: None,
        },
    );
    let code_offs: Vec<_> = codes
        .iter()
        .map(|c| {
            fb::OperatorCode::create(
                &mut b,
                &fb::OperatorCodeArgs {
                    deprecated_builtin_code: c.0.min(127) as i8,
                    custom_code: None,
                    version: 1,
                    builtin_code: *c,
                },
            )
        })
        .collect();
    let codes = b.create_vector(&code_offs);
    let sgs = b.create_vector(&[sg]);
    let bufs = b.create_vector(&buffers);
    let model = fb::Model::create(
        &mut b,
        &fb::ModelArgs {
            version: 3,
            operator_codes: Some(codes),
            subgraphs: Some(sgs),
            description: None,
            buffers: Some(bufs),
            metadata_buffer: None,
            metadata: None,
            signature_defs: None,
        },
    );
    fb::finish_model_buffer(&mut b, model);
    b.finished_data().to_vec()
}

/// Runs a rewritten model with stock tract on one f32 input.
fn run_tract(model: &[u8], shape: &[usize], input: &[f32]) -> Vec<f32> {
    let m = tract_tflite::tflite()
        .model_for_read(&mut &model[..])
        .expect("tract loads the rewritten model");
    let input = Tensor::from_shape(shape, input).expect("tensor");
    crate::testutil::run(m.into_optimized().expect("optimises"), &input)
}

/// Operator names left in a model.
fn op_names(model: &[u8]) -> Vec<&'static str> {
    let root = fb::root_as_model(model).expect("valid");
    let codes = root.operator_codes().expect("codes");
    root.subgraphs()
        .expect("subgraphs")
        .get(0)
        .operators()
        .expect("ops")
        .iter()
        .map(|op| super::code_name(codes.get(op.opcode_index() as usize).builtin_code().0))
        .collect()
}

fn f16(x: f32) -> u16 {
    tract_tflite::internal::f16::from_f32(x).to_bits()
}

#[test]
fn f16_conversion_matches_the_half_crate_on_every_bit_pattern() {
    for h in 0..=u16::MAX {
        let ours = f16_bits_to_f32(h);
        let theirs = tract_tflite::internal::f16::from_bits(h).to_f32();
        assert!(
            ours.to_bits() == theirs.to_bits() || (ours.is_nan() && theirs.is_nan()),
            "{h:#06x}: {ours} vs {theirs}"
        );
    }
}

/// A model `y = x + DEQUANTIZE(w16)` with `x` of `shape` and `w16` a float16 constant holding
/// `bits` (fewer than the shape needs, to test short data).
fn dequantize_add(shape: [i32; 2], bits: &[u16]) -> Vec<u8> {
    let tensors = [
        act("x", &shape),
        f16_const("w16", &shape, bits),
        act("w", &shape),
        act("y", &shape),
    ];
    let ops = [
        Op {
            code: fb::BuiltinOperator::DEQUANTIZE,
            inputs: vec![1],
            outputs: vec![2],
            opt: Opt::None,
        },
        Op {
            code: fb::BuiltinOperator::ADD,
            inputs: vec![0, 2],
            outputs: vec![3],
            opt: Opt::Add,
        },
    ];
    build(&tensors, &ops, &[0], &[3])
}

#[test]
fn dequantized_f16_constant_becomes_f32_and_the_op_disappears() {
    let weights = [1.5f32, -2.25, 0.0, 65504.0, 6.1e-5, -0.333];
    let bits: Vec<u16> = weights.iter().map(|&w| f16(w)).collect();
    let model = dequantize_add([1, 6], &bits);
    let rewritten = rewrite_tflite(&model).expect("rewrites");
    assert_eq!(op_names(&rewritten), ["ADD"]);
    let root = fb::root_as_model(&rewritten).expect("valid");
    let names: Vec<&str> = root
        .subgraphs()
        .expect("sg")
        .get(0)
        .tensors()
        .expect("t")
        .iter()
        .map(|t| t.name().unwrap_or(""))
        .collect();
    assert_eq!(names, ["x", "w", "y"], "the float16 original is dropped");
    let x = [10.0f32, 20.0, 30.0, 40.0, 50.0, 60.0];
    let y = run_tract(&rewritten, &[1, 6], &x);
    for i in 0..6 {
        let expect = x[i] + f16_bits_to_f32(bits[i]);
        assert!(
            (y[i] - expect).abs() <= 1e-6 * expect.abs().max(1.0),
            "{i}: {} vs {expect}",
            y[i]
        );
    }
    // The model as given is refused by stock tract (this is why the rewrite exists).
    assert!(
        tract_tflite::tflite()
            .model_for_read(&mut &model[..])
            .is_err()
    );
}

/// A model `y = x + dequantize(densify(sparse))`, as the detector stores its sparse weights.
fn densify_dequantize_add(sparse: T, shape: &[i32]) -> Vec<u8> {
    let tensors = [
        act("x", shape),
        sparse,
        T {
            ty: fb::TensorType::FLOAT16,
            ..act("w16", shape)
        },
        act("w", shape),
        act("y", shape),
    ];
    let ops = [
        Op {
            code: fb::BuiltinOperator::DENSIFY,
            inputs: vec![1],
            outputs: vec![2],
            opt: Opt::None,
        },
        Op {
            code: fb::BuiltinOperator::DEQUANTIZE,
            inputs: vec![2],
            outputs: vec![3],
            opt: Opt::None,
        },
        Op {
            code: fb::BuiltinOperator::ADD,
            inputs: vec![0, 3],
            outputs: vec![4],
            opt: Opt::Add,
        },
    ];
    build(&tensors, &ops, &[0], &[4])
}

#[test]
fn sparse_csr_constant_is_densified() {
    // Dense 3×4 matrix with 5 non-zeros, stored CSR (row 1 empty).
    let dense = [[0.0f32, 2.0, 0.0, 4.0], [0.0; 4], [-1.0, 0.0, 0.5, 8.0]];
    let values = [2.0f32, 4.0, -1.0, 0.5, 8.0];
    let bits: Vec<u16> = values.iter().map(|&v| f16(v)).collect();
    let mut sparse = f16_const("w_sparse", &[3, 4], &bits);
    sparse.csr = Some(Csr {
        segments: vec![0, 2, 2, 5],
        indices: vec![1, 3, 0, 2, 3],
    });
    let rewritten = rewrite_tflite(&densify_dequantize_add(sparse, &[3, 4])).expect("rewrites");
    assert_eq!(op_names(&rewritten), ["ADD"]);
    let y = run_tract(&rewritten, &[3, 4], &[0.0; 12]);
    let flat: Vec<f32> = dense.iter().flatten().copied().collect();
    assert_eq!(y, flat);
}

#[test]
fn sparse_constant_with_inconsistent_segments_is_an_error() {
    let bits: Vec<u16> = [1.0f32, 2.0].iter().map(|&v| f16(v)).collect();
    let mut sparse = f16_const("w_sparse", &[2, 2], &bits);
    // Segments claim 3 values but only 2 indices exist.
    sparse.csr = Some(Csr {
        segments: vec![0, 1, 3],
        indices: vec![0, 1],
    });
    let err = rewrite_tflite(&densify_dequantize_add(sparse, &[2, 2])).expect_err("must fail");
    assert!(
        matches!(&err, RewriteError::Sparsity { tensor, .. } if tensor == "w_sparse"),
        "{err}"
    );
}

#[test]
fn depth_to_space_becomes_reshape_transpose_reshape() {
    let (h, w, bs, c) = (2usize, 3usize, 2usize, 8usize);
    let c2 = c / (bs * bs);
    let tensors = [
        act("x", &[1, h as i32, w as i32, c as i32]),
        act("y", &[1, (h * bs) as i32, (w * bs) as i32, c2 as i32]),
    ];
    let ops = [Op {
        code: fb::BuiltinOperator::DEPTH_TO_SPACE,
        inputs: vec![0],
        outputs: vec![1],
        opt: Opt::DepthToSpace(bs as i32),
    }];
    let rewritten = rewrite_tflite(&build(&tensors, &ops, &[0], &[1])).expect("rewrites");
    assert_eq!(op_names(&rewritten), ["RESHAPE", "TRANSPOSE", "RESHAPE"]);
    let x: Vec<f32> = (0..h * w * c).map(|i| i as f32).collect();
    let y = run_tract(&rewritten, &[1, h, w, c], &x);
    // TensorFlow's DEPTH_TO_SPACE (NHWC, DCR): out[y*bs+i][x*bs+j][k] = in[y][x][(i*bs+j)*c2+k].
    let (ow, mut n) = (w * bs, 0);
    for oy in 0..h * bs {
        for ox in 0..ow {
            for k in 0..c2 {
                let (iy, i, ix, j) = (oy / bs, oy % bs, ox / bs, ox % bs);
                let expect = x[(iy * w + ix) * c + (i * bs + j) * c2 + k];
                assert_eq!(y[(oy * ow + ox) * c2 + k], expect, "out ({oy},{ox},{k})");
                n += 1;
            }
        }
    }
    assert_eq!(n, y.len());
}

#[test]
fn dequantize_of_an_activation_is_an_error_naming_the_op() {
    let tensors = [
        T {
            ty: fb::TensorType::FLOAT16,
            ..act("x16", &[1, 4])
        },
        act("y", &[1, 4]),
    ];
    let ops = [Op {
        code: fb::BuiltinOperator::DEQUANTIZE,
        inputs: vec![0],
        outputs: vec![1],
        opt: Opt::None,
    }];
    let err = rewrite_tflite(&build(&tensors, &ops, &[0], &[1])).expect_err("must fail");
    assert!(
        matches!(&err, RewriteError::Operator { op: 0, code: "DEQUANTIZE", why } if why.contains("x16")),
        "{err}"
    );
}

#[test]
fn out_of_range_tensor_index_is_an_error() {
    let tensors = [act("x", &[1, 4]), act("y", &[1, 4])];
    let ops = [Op {
        code: fb::BuiltinOperator::ADD,
        inputs: vec![0, 7],
        outputs: vec![1],
        opt: Opt::Add,
    }];
    let err = rewrite_tflite(&build(&tensors, &ops, &[0], &[1])).expect_err("must fail");
    assert_eq!(
        err,
        RewriteError::TensorIndex {
            place: "operator #0 (ADD) input".into(),
            index: 7,
            count: 2
        }
    );
}

#[test]
fn f16_constant_with_short_data_is_an_error() {
    let err = rewrite_tflite(&dequantize_add([1, 4], &[0, 0, 0])).expect_err("must fail");
    assert!(
        matches!(&err, RewriteError::Tensor { tensor, why } if tensor == "w16" && why.contains("6 data bytes")),
        "{err}"
    );
}

#[test]
fn truncated_or_random_bytes_give_errors_not_panics() {
    let model = dequantize_add([1, 4], &[1, 2, 3, 4]);
    assert!(rewrite_tflite(&model).is_ok());
    for len in 0..model.len() {
        assert!(
            rewrite_tflite(&model[..len]).is_err(),
            "a {len}-byte prefix was accepted"
        );
    }
    // Random bytes, with and without a valid-looking header, and single corrupted bytes.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..500 {
        let len = (next() % 4096) as usize;
        let mut bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        if round % 2 == 0 && len >= 8 {
            bytes[4..8].copy_from_slice(b"TFL3");
        }
        let _ = rewrite_tflite(&bytes);
        let mut corrupt = model.clone();
        let at = (next() as usize) % corrupt.len();
        corrupt[at] = next() as u8;
        let _ = rewrite_tflite(&corrupt);
    }
    assert!(matches!(
        rewrite_tflite(b"not a model"),
        Err(RewriteError::InvalidFlatbuffer(_))
    ));
}

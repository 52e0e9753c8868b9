// The gradient of every parameter over the current minibatch:
//   ∂L/∂W[o][j] = Σ_r dz_r[o] · x_r[j],   ∂L/∂b[o] = Σ_r dz_r[o]
// from sample_gradients' dz and the forward pass's stage inputs, the bias as the column of [W | b]
// that the input's padding 1 multiplies. One invocation per 8×8 block of [W | b] (Stage.first_block
// in program.wgsl), reading the samples a quad at a time: sixteen vec4 loads per 256 multiply-adds;
// one more for a Gaussian policy's log σ.
// Writes grads and each workgroup's sum of squares for Adam's global-norm clipping; workgroup 0
// also averages the samples' loss terms into RO_LOSS_STATS. Composed after update.wgsl.
// Grid: ⌈GRADIENT_BLOCKS / 16⌉ × seeds, a row of workgroups per run of a seed grid (layout.wgsl),
// whose gradients start at seed_run() · PARAM_COUNT.

override GRADIENT_BLOCKS: u32;
override PARAM_COUNT: u32;

@group(0) @binding(1) var<storage, read_write> grads: array<f32>;
@group(0) @binding(2) var<storage, read_write> norm_partials: array<f32>;

// Small workgroups, so that a small network's blocks (CartPole's 64-64 MLPs: 181) spread evenly
// over a software adapter's threads; the sums of squares go to Adam one per workgroup anyway.
const WORKGROUP: u32 = 16u;
var<workgroup> squares: array<f32, WORKGROUP>;

// g[c][r] = ∂L/∂[W | b][o0 + r][j0 + c], written where inside; returns its sum of squares there.
fn write_gradients(st: Stage, o0: u32, j0: u32, g: mat4x4<f32>) -> f32 {
  var sum = 0.0;
  for (var c = 0u; c < 4u; c++) {
    let j = j0 + c;
    for (var r = 0u; r < 4u; r++) {
      let o = o0 + r;
      if (o < st.outputs && j <= st.inputs) {
        grads[seed_run() * PARAM_COUNT + select(st.weight + o * st.inputs + j, st.bias + o, j == st.inputs)] = g[c][r];
        sum += g[c][r] * g[c][r];
      }
    }
  }
  return sum;
}

// Where column j of [W | b] finds its input, in vec4s from the quad's start: a dense stage's input
// vector element j (j = inputs is the padding's 1); for a conv, patch element j = (c, ky, kx) of
// output position 0, observation element (ky · width + kx) · channels + c, to which
// conv_patch_shift moves position p, and for j ≥ inputs the observation's padding 1, which stays.
fn patch_offset(st: Stage, j: u32) -> u32 {
  if (st.kind == STAGE_DENSE) {
    return st.input_at + j;
  }
  if (j >= st.inputs) {
    return INPUT_SIZE;
  }
  return (((j % 9u) / 3u) * st.grid_width + j % 3u) * st.grid_channels + j / 9u;
}

fn conv_patch_shift(st: Stage, p: u32) -> u32 {
  let out_w = st.grid_width - 2u;
  return ((p / out_w) * st.grid_width + p % out_w) * st.grid_channels;
}

// The four samples' inputs j + c (c < 4) of a quad, whose vec4s are at at.x … at.w: x[c][r] for sample r.
fn quad_inputs(at: vec4<u32>) -> mat4x4<f32> {
  return mat4x4(load4(at.x), load4(at.y), load4(at.z), load4(at.w));
}

// The four 4 × 4 products dz[o + r] · x[j + c] of one quad of samples (summed over its four), for
// outputs o0 and o1 (their dz at d + o · stride) and the inputs x0, x1 of quad_inputs.
fn quad_products(x0: mat4x4<f32>, x1: mat4x4<f32>, d: u32, o0: u32, o1: u32, stride: u32) -> array<mat4x4<f32>, 4> {
  let d0 = transpose(mat4x4(load4(d + o0 * stride), load4(d + (o0 + 1u) * stride), load4(d + (o0 + 2u) * stride), load4(d + (o0 + 3u) * stride)));
  let d1 = transpose(mat4x4(load4(d + o1 * stride), load4(d + (o1 + 1u) * stride), load4(d + (o1 + 2u) * stride), load4(d + (o1 + 3u) * stride)));
  return array(d0 * x0, d0 * x1, d1 * x0, d1 * x1);
}

// Writes the block's gradients and returns their sum of squares. A block is 8 × 8, four 4 × 4
// quarters; at an edge where the stage has only four outputs or inputs left, the second half
// repeats the first and is not written.
fn block_gradients(block: u32) -> f32 {
  for (var s = 0u; s < NUM_STAGES; s++) {
    let st = stage(s);
    let output_blocks = blocks_of(st.outputs);
    let column_blocks = padded_width(st.inputs) / 4u;
    let column_pairs = (column_blocks + 1u) / 2u;
    if (block < st.first_block || block >= st.first_block + (output_blocks + 1u) / 2u * column_pairs) {
      continue;
    }
    // Consecutive blocks share their columns, so the four invocations SwiftShader runs in lockstep
    // go through the same quads of a packed-bits input (below).
    let output_pairs = (output_blocks + 1u) / 2u;
    let o4 = 2u * ((block - st.first_block) % output_pairs);
    let j4 = 2u * ((block - st.first_block) / output_pairs);
    let o_pair = o4 + 1u < output_blocks;
    let j_pair = j4 + 1u < column_blocks;
    let o0 = 4u * o4;
    let j0 = 4u * j4;
    let o1 = 4u * select(o4, o4 + 1u, o_pair);
    let j1 = 4u * select(j4, j4 + 1u, j_pair);
    // g_oj[c][r] = Σ over samples of dz[o + r] · x[j + c].
    var g00 = mat4x4<f32>();
    var g01 = mat4x4<f32>();
    var g10 = mat4x4<f32>();
    var g11 = mat4x4<f32>();
    // A dense stage has one position; a conv sums over its output positions too, as im2col would.
    let positions = conv_positions(st);
    let columns0 = vec4(j0, j0 + 1u, j0 + 2u, j0 + 3u);
    let columns1 = vec4(j1, j1 + 1u, j1 + 2u, j1 + 3u);
    let offsets0 = vec4(patch_offset(st, columns0.x), patch_offset(st, columns0.y), patch_offset(st, columns0.z), patch_offset(st, columns0.w));
    let offsets1 = vec4(patch_offset(st, columns1.x), patch_offset(st, columns1.y), patch_offset(st, columns1.z), patch_offset(st, columns1.w));
    // The bias column keeps its 1 (a dense stage's only position has no shift anyway).
    let fixed0 = columns0 >= vec4(st.inputs);
    let fixed1 = columns1 >= vec4(st.inputs);
    // A dense stage's own loops leave out the conv's shift, two divisions per sample: a third faster.
    if (st.kind == STAGE_DENSE) {
      let dz_at = RO_DZ / 4u + st.output_at;
      // Quad q is bit q % 32 of word q / 32: every quad of the minibatch, or for a packed-bits
      // input those with one of the block's inputs set (update.wgsl); the others would add zeros.
      for (var w = 0u; w < input_quad_words(); w++) {
        let count = min(32u, blocks_of(MINIBATCH_ROWS) - 32u * w);
        var quads = select((1u << count) - 1u, 0xffffffffu, count == 32u);
        if (is_sparse_input_layer(st)) {
          quads = load_w(RO_INPUT_QUADS + (j0 / 8u) * input_quad_words() + w);
        }
        while (quads != 0u) {
          let q = 32u * w + countTrailingZeros(quads);
          quads &= quads - 1u;
          let row = RO_SCRATCH / 4u + q * ACT_STRIDE;
          let g = quad_products(quad_inputs(row + offsets0), quad_inputs(row + offsets1), dz_at + q * ACT_STRIDE, o0, o1, 1u);
          g00 += g[0];
          g01 += g[1];
          g10 += g[2];
          g11 += g[3];
        }
      }
    } else {
      for (var q = 0u; q < blocks_of(MINIBATCH_ROWS); q++) {
        let quad = RO_SCRATCH / 4u + q * ACT_STRIDE;
        let dz = RO_DZ / 4u + q * ACT_STRIDE + st.output_at;
        for (var p = 0u; p < positions; p++) {
          let shift = vec4(conv_patch_shift(st, p));
          let g = quad_products(quad_inputs(quad + select(offsets0 + shift, offsets0, fixed0)), quad_inputs(quad + select(offsets1 + shift, offsets1, fixed1)), dz + p, o0, o1, positions);
          g00 += g[0];
          g01 += g[1];
          g10 += g[2];
          g11 += g[3];
        }
      }
    }
    var sum = write_gradients(st, o0, j0, g00);
    if (j_pair) {
      sum += write_gradients(st, o0, j1, g01);
    }
    if (o_pair) {
      sum += write_gradients(st, o1, j0, g10);
      if (j_pair) {
        sum += write_gradients(st, o1, j1, g11);
      }
    }
    return sum;
  }
  if (POLICY_GAUSSIAN && block == LOG_STD_BLOCK) {
    var g = 0.0;
    for (var r = 0u; r < MINIBATCH_ROWS; r++) {
      g += load_f(RO_LOG_STD_DZ + r);
    }
    grads[seed_run() * PARAM_COUNT + LOG_STD_PARAM] = g;
    return g * g;
  }
  return 0.0;
}

@compute @workgroup_size(WORKGROUP)
fn parameter_gradients(
  @builtin(global_invocation_id) id: vec3<u32>,
  @builtin(local_invocation_index) local_index: u32,
  @builtin(workgroup_id) workgroup: vec3<u32>,
  @builtin(num_workgroups) workgroups: vec3<u32>,
) {
  use_seed(workgroup.y);
  var sum = 0.0;
  if (id.x < GRADIENT_BLOCKS) {
    sum = block_gradients(id.x);
  }
  squares[local_index] = sum;
  workgroupBarrier();
  if (local_index == 0u) {
    var total = 0.0;
    for (var k = 0u; k < WORKGROUP; k++) {
      total += squares[k];
    }
    norm_partials[workgroup.y * workgroups.x + workgroup.x] = total;
    if (workgroup.x == 0u) {
      for (var q = 0u; q < ROW_STATS; q++) {
        var sum = 0.0;
        for (var r = 0u; r < MINIBATCH_ROWS; r++) {
          sum += load_f(RO_ROW_STATS + r * ROW_STATS + q);
        }
        store_f(RO_LOSS_STATS + q, sum / f32(MINIBATCH_ROWS));
      }
    }
  }
}

// The gradient of every parameter over the current minibatch:
//   ∂L/∂W[o][j] = Σ_r dz_r[o] · x_r[j],   ∂L/∂b[o] = Σ_r dz_r[o]
// from sample_gradients' dz and the forward pass's stage inputs, the bias as the column of [W | b]
// that the input's padding 1 multiplies. One invocation per 4×4 block of [W | b] (Stage.first_block
// in program.wgsl), reading the samples a quad at a time: eight vec4 loads per 64 multiply-adds.
// Writes grads and each workgroup's sum of squares for Adam's global-norm clipping; workgroup 0
// also averages the samples' loss terms into RO_LOSS_STATS. Composed after update.wgsl.
// Grid: ⌈GRADIENT_BLOCKS / 64⌉.

override GRADIENT_BLOCKS: u32;

@group(0) @binding(1) var<storage, read_write> grads: array<f32>;
@group(0) @binding(2) var<storage, read_write> norm_partials: array<f32>;

const WORKGROUP: u32 = 64u;
var<workgroup> squares: array<f32, WORKGROUP>;

// Writes the block's gradients and returns their sum of squares.
fn block_gradients(block: u32) -> f32 {
  for (var s = 0u; s < NUM_STAGES; s++) {
    let st = stage(s);
    let column_blocks = padded_width(st.inputs) / 4u;
    if (block < st.first_block || block >= st.first_block + blocks_of(st.outputs) * column_blocks) {
      continue;
    }
    let o0 = 4u * ((block - st.first_block) / column_blocks);
    let j0 = 4u * ((block - st.first_block) % column_blocks);
    // g[c][r] = Σ over samples of dz[o0 + r] · x[j0 + c].
    var g = mat4x4<f32>();
    for (var q = 0u; q < blocks_of(MINIBATCH_ROWS); q++) {
      let x = RO_SCRATCH / 4u + q * ACT_STRIDE + st.input_at + j0;
      let d = RO_DZ / 4u + q * ACT_STRIDE + st.output_at + o0;
      let xs = mat4x4(load4(x), load4(x + 1u), load4(x + 2u), load4(x + 3u));
      let ds = mat4x4(load4(d), load4(d + 1u), load4(d + 2u), load4(d + 3u));
      g += transpose(ds) * xs;
    }
    var sum = 0.0;
    for (var c = 0u; c < 4u; c++) {
      let j = j0 + c;
      for (var r = 0u; r < 4u; r++) {
        let o = o0 + r;
        if (o < st.outputs && j <= st.inputs) {
          grads[select(st.weight + o * st.inputs + j, st.bias + o, j == st.inputs)] = g[c][r];
          sum += g[c][r] * g[c][r];
        }
      }
    }
    return sum;
  }
  return 0.0;
}

@compute @workgroup_size(WORKGROUP)
fn parameter_gradients(
  @builtin(global_invocation_id) id: vec3<u32>,
  @builtin(local_invocation_index) local_index: u32,
  @builtin(workgroup_id) workgroup: vec3<u32>,
) {
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
    norm_partials[workgroup.x] = total;
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

// The gradient of every parameter over the current minibatch, one invocation per parameter:
//   ∂L/∂W[o][j] = Σ_r dz_r[o] · x_r[j],   ∂L/∂b[o] = Σ_r dz_r[o]
// from sample_gradients' dz and the forward pass's stage inputs. Writes grads and each workgroup's
// sum of squares for Adam's global-norm clipping; workgroup 0 also averages the samples' loss terms
// into RO_LOSS_STATS. Composed after update.wgsl. Grid: ⌈PARAM_COUNT / 64⌉.

override PARAM_COUNT: u32;

@group(0) @binding(1) var<storage, read_write> grads: array<f32>;
@group(0) @binding(2) var<storage, read_write> norm_partials: array<f32>;

const WORKGROUP: u32 = 64u;
var<workgroup> squares: array<f32, WORKGROUP>;

fn gradient(p: u32) -> f32 {
  for (var s = 0u; s < NUM_STAGES; s++) {
    let st = program.stages[s];
    let weights = st.outputs * st.inputs;
    var g = 0.0;
    if (p >= st.weight && p < st.weight + weights) {
      let o = (p - st.weight) / st.inputs;
      let j = (p - st.weight) % st.inputs;
      for (var r = 0u; r < MINIBATCH_ROWS; r++) {
        g += load_f(RO_DZ + r * ACT_STRIDE + st.output_at + o) * load_f(RO_SCRATCH + r * ACT_STRIDE + st.input_at + j);
      }
      return g;
    }
    if (p >= st.bias && p < st.bias + st.outputs) {
      for (var r = 0u; r < MINIBATCH_ROWS; r++) {
        g += load_f(RO_DZ + r * ACT_STRIDE + st.output_at + p - st.bias);
      }
      return g;
    }
  }
  return 0.0;
}

@compute @workgroup_size(WORKGROUP)
fn parameter_gradients(
  @builtin(global_invocation_id) id: vec3<u32>,
  @builtin(local_invocation_index) local_index: u32,
  @builtin(workgroup_id) workgroup: vec3<u32>,
) {
  let p = id.x;
  var g = 0.0;
  if (p < PARAM_COUNT) {
    g = gradient(p);
    grads[p] = g;
  }
  squares[local_index] = g * g;
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

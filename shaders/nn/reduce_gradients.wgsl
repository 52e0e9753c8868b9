// grads += Σ_s partials[s · param_count + k] for every parameter k: the per-split sums that
// dense_backward_weights.wgsl wrote become the batch's gradient, added to what grads held (as
// backward in src/nn/reference.ts adds into its grads). On the way, each workgroup sums the squares
// of the resulting gradient elements it wrote into norm_partials[workgroup], from which adam_prepare
// takes the global norm for clipping.
// Grid: (norm_partial_count); the invocations step through the parameters by the grid's size.

struct ReduceDims {
  param_count: u32,
  splits: u32,
}

@group(0) @binding(0) var<uniform> dims: ReduceDims;
@group(0) @binding(1) var<storage, read> partials: array<f32>;
@group(0) @binding(2) var<storage, read_write> grads: array<f32>;
@group(0) @binding(3) var<storage, read_write> norm_partials: array<f32>;

const REDUCE_WORKGROUP: u32 = 256u;

var<workgroup> squares: array<f32, REDUCE_WORKGROUP>;

@compute @workgroup_size(REDUCE_WORKGROUP)
fn reduce_gradients(
  @builtin(global_invocation_id) global_id: vec3<u32>,
  @builtin(num_workgroups) workgroups: vec3<u32>,
  @builtin(workgroup_id) workgroup: vec3<u32>,
  @builtin(local_invocation_index) local_index: u32,
) {
  var sum_of_squares = 0.0;
  for (var k = global_id.x; k < dims.param_count; k += workgroups.x * REDUCE_WORKGROUP) {
    var gradient = grads[k];
    for (var split = 0u; split < dims.splits; split++) {
      gradient += partials[split * dims.param_count + k];
    }
    grads[k] = gradient;
    sum_of_squares += gradient * gradient;
  }
  squares[local_index] = sum_of_squares;
  workgroupBarrier();
  for (var width = REDUCE_WORKGROUP / 2u; width > 0u; width /= 2u) {
    if (local_index < width) {
      squares[local_index] += squares[local_index + width];
    }
    workgroupBarrier();
  }
  if (local_index == 0u) {
    norm_partials[workgroup.x] = squares[0];
  }
}

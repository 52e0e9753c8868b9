// grads += Σ_s partials[s · param_count + k] for every parameter k: the per-split sums that
// dense_backward_weights.wgsl wrote become the batch's gradient, added to what grads held (as
// backward in src/nn/reference.ts adds into its grads). On the way, each invocation writes the sum
// of squares of the gradient elements it finished to norm_partials[its global index], from which
// adam_prepare.wgsl takes the global norm for clipping. There is no reduction in workgroup memory
// here: its barriers would cost SwiftShader more than the rest of the kernel, and adam_prepare's
// one workgroup sums the partials anyway.
// Grid: (norm_partial_count / 256); the invocations step through the parameters by the grid's size.

struct ReduceDims {
  param_count: u32,
  splits: u32,
}

@group(0) @binding(0) var<uniform> dims: ReduceDims;
@group(0) @binding(1) var<storage, read> partials: array<f32>;
@group(0) @binding(2) var<storage, read_write> grads: array<f32>;
@group(0) @binding(3) var<storage, read_write> norm_partials: array<f32>;

const REDUCE_WORKGROUP: u32 = 256u;

@compute @workgroup_size(REDUCE_WORKGROUP)
fn reduce_gradients(@builtin(global_invocation_id) global_id: vec3<u32>, @builtin(num_workgroups) workgroups: vec3<u32>) {
  var sum_of_squares = 0.0;
  for (var k = global_id.x; k < dims.param_count; k += workgroups.x * REDUCE_WORKGROUP) {
    var gradient = grads[k];
    for (var split = 0u; split < dims.splits; split++) {
      gradient += partials[split * dims.param_count + k];
    }
    grads[k] = gradient;
    sum_of_squares += gradient * gradient;
  }
  norm_partials[global_id.x] = sum_of_squares;
}

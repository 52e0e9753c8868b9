// The scalars of one Adam update: the global gradient norm from reduce_gradients' per-invocation
// sums of squares, the clipping scale (torch.nn.utils.clip_grad_norm_), the next step count t and
// the bias corrections 1 − βᵗ. Needs adam.wgsl. Grid: (sets), a workgroup per parameter set.

@group(0) @binding(0) var<uniform> config: AdamConfig;
@group(0) @binding(1) var<storage, read> norm_partials: array<f32>;
@group(0) @binding(2) var<storage, read_write> states: array<AdamState>;

// The norm's sum in two levels, each invocation summing a strided share of the partials and then
// 16 of them summing 16 each, so that it takes two barriers where a halving tree takes eight (on
// SwiftShader each barrier switches between all of the workgroup's 4-invocation groups).
const SUM_GROUPS: u32 = 16u;

var<workgroup> sums: array<f32, ADAM_WORKGROUP>;
var<workgroup> group_sums: array<f32, SUM_GROUPS>;

// e^x − 1 without the cancellation of exp(x) − 1 near 0, which would cost 1 − β₂ᵗ = −expm1(t ln β₂)
// several digits at small t (and SwiftShader's exp is only good to about 2e-6 relative). The series
// up to x⁷ is within 2e-9 relative for |x| < 1/4; the corrections' x = t ln β is never positive,
// and for x ≤ −1/4, exp(x) − 1 has at most 3.5 times exp's relative error.
fn expm1(x: f32) -> f32 {
  let series = x * (1.0 + x * (1.0 / 2.0 + x * (1.0 / 6.0 + x * (1.0 / 24.0 + x * (1.0 / 120.0 + x * (1.0 / 720.0 + x / 5040.0))))));
  return select(exp(x) - 1.0, series, abs(x) < 0.25);
}

@compute @workgroup_size(ADAM_WORKGROUP)
fn adam_prepare(@builtin(local_invocation_index) local_index: u32, @builtin(workgroup_id) workgroup: vec3<u32>) {
  let set_index = workgroup.x;
  var sum = 0.0;
  for (var k = local_index; k < config.norm_partial_count; k += ADAM_WORKGROUP) {
    sum += norm_partials[set_index * config.norm_partial_count + k];
  }
  sums[local_index] = sum;
  workgroupBarrier();
  if (local_index < SUM_GROUPS) {
    var group_sum = 0.0;
    for (var k = local_index * (ADAM_WORKGROUP / SUM_GROUPS); k < (local_index + 1u) * (ADAM_WORKGROUP / SUM_GROUPS); k++) {
      group_sum += sums[k];
    }
    group_sums[local_index] = group_sum;
  }
  workgroupBarrier();
  if (local_index == 0u) {
    var total = 0.0;
    for (var k = 0u; k < SUM_GROUPS; k++) {
      total += group_sums[k];
    }
    let norm = sqrt(total);
    let t = f32(states[set_index].step + 1u);
    states[set_index].step += 1u;
    states[set_index].grad_norm = norm;
    // As the reference: scale by max_norm / (‖g‖ + 1e-6) when that is below 1.
    states[set_index].clip_scale = select(1.0, config.max_grad_norm / (norm + 1e-6), norm + 1e-6 > config.max_grad_norm);
    states[set_index].step_size = config.learning_rate / -expm1(t * config.log_beta1);
    states[set_index].sqrt_correction2 = sqrt(-expm1(t * config.log_beta2));
  }
}

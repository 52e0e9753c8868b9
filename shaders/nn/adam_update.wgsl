// One Adam update of every parameter with the clipped gradient g = clip_scale · grads (Adam in
// src/nn/reference.ts):
//   m ← β₁ m + (1 − β₁) g,  v ← β₂ v + (1 − β₂) g²,  θ ← θ − lr · m̂ / (√v̂ + eps)
// with m̂ = m / (1 − β₁ᵗ) and √v̂ = √v / √(1 − β₂ᵗ). Then grads is zeroed, as optimizer.zero_grad()
// would, so the next backward pass accumulates into zeros.
// Needs adam.wgsl and a prior adam_prepare. Grid: (⌈sets · param_count / 256⌉).

@group(0) @binding(0) var<uniform> config: AdamConfig;
@group(0) @binding(1) var<storage, read> states: array<AdamState>;
@group(0) @binding(2) var<storage, read_write> grads: array<f32>;
@group(0) @binding(3) var<storage, read_write> params: array<f32>;
@group(0) @binding(4) var<storage, read_write> first_moment: array<f32>;
@group(0) @binding(5) var<storage, read_write> second_moment: array<f32>;

@compute @workgroup_size(ADAM_WORKGROUP)
fn adam_update(@builtin(global_invocation_id) global_id: vec3<u32>) {
  let k = global_id.x;
  if (k >= config.sets * config.param_count) {
    return;
  }
  let set_index = k / config.param_count;
  let g = grads[k] * states[set_index].clip_scale;
  let m = config.beta1 * first_moment[k] + config.one_minus_beta1 * g;
  let v = config.beta2 * second_moment[k] + config.one_minus_beta2 * g * g;
  first_moment[k] = m;
  second_moment[k] = v;
  params[k] -= states[set_index].step_size * m / (sqrt(v) / states[set_index].sqrt_correction2 + config.eps);
  grads[k] = 0.0;
}

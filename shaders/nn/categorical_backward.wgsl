// The gradient with respect to the logits, given the loss's derivatives with respect to each item's
// log-probability and entropy (policyTermsBackward in src/nn/reference.ts):
//   ∂L/∂l_j = ∂L/∂log p_a · ([j = a] − p_j) + ∂L/∂H · (−p_j (log p_j + H)).
// Needs categorical.wgsl. Grid: (⌈batch / 64⌉).

@group(0) @binding(0) var<uniform> dims: CategoricalDims;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> actions: array<u32>;
@group(0) @binding(3) var<storage, read> d_log_prob: array<f32>;
@group(0) @binding(4) var<storage, read> d_entropy: array<f32>;
@group(0) @binding(5) var<storage, read_write> d_logits: array<f32>;

@compute @workgroup_size(CATEGORICAL_WORKGROUP)
fn categorical_backward(@builtin(global_invocation_id) global_id: vec3<u32>) {
  let b = global_id.x;
  if (b >= dims.batch) {
    return;
  }
  let row = b * dims.actions;
  let normalizer = log_normalizer(row);
  let entropy = row_entropy(row, normalizer);
  let action = actions[b];
  let d_log_prob_b = d_log_prob[b];
  let d_entropy_b = d_entropy[b];
  for (var j = 0u; j < dims.actions; j++) {
    let log_p = logits[row + j] - normalizer;
    let p = exp(log_p);
    let d_log_prob_j = select(0.0, 1.0, j == action) - p;
    let d_entropy_j = -p * (log_p + entropy);
    d_logits[row + j] = d_log_prob_b * d_log_prob_j + d_entropy_b * d_entropy_j;
  }
}

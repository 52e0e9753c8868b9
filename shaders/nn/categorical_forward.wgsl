// The categorical policy's terms for the loss: log π(a_b | s_b) of each item's action and the
// entropy of π(· | s_b), from the logits (policyTerms in src/nn/reference.ts). Actions are indices
// below dims.actions. Needs categorical.wgsl. Grid: (⌈batch / 64⌉).

@group(0) @binding(0) var<uniform> dims: CategoricalDims;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> actions: array<u32>;
@group(0) @binding(3) var<storage, read_write> log_prob: array<f32>;
@group(0) @binding(4) var<storage, read_write> entropy: array<f32>;

@compute @workgroup_size(CATEGORICAL_WORKGROUP)
fn categorical_forward(@builtin(global_invocation_id) global_id: vec3<u32>) {
  let b = global_id.x;
  if (b >= dims.batch) {
    return;
  }
  let row = b * dims.actions;
  let normalizer = log_normalizer(row);
  log_prob[b] = logits[row + actions[b]] - normalizer;
  entropy[b] = row_entropy(row, normalizer);
}

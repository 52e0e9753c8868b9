// What the categorical-head kernels share. A batch item's logits are the row
// logits[b · actions .. (b + 1) · actions); log p_j = l_j − log Σ exp(l). The including kernel
// declares `dims` (CategoricalDims) and `logits`. One invocation per batch item: the rows are short
// (at most 18 actions in MinAtar), so a row's three passes cost less than a workgroup reduction.

struct CategoricalDims {
  batch: u32,
  actions: u32,
}

const CATEGORICAL_WORKGROUP: u32 = 64u;

// log Σ_j exp(l_j) for one row, with the maximum subtracted first so that exp cannot overflow.
fn log_normalizer(row: u32) -> f32 {
  var largest = logits[row];
  for (var j = 1u; j < dims.actions; j++) {
    largest = max(largest, logits[row + j]);
  }
  var sum = 0.0;
  for (var j = 0u; j < dims.actions; j++) {
    sum += exp(logits[row + j] - largest);
  }
  return largest + log(sum);
}

// H = −Σ p_j log p_j for one row, given its log normalizer.
fn row_entropy(row: u32, normalizer: f32) -> f32 {
  var entropy = 0.0;
  for (var j = 0u; j < dims.actions; j++) {
    let log_p = logits[row + j] - normalizer;
    entropy -= exp(log_p) * log_p;
  }
  return entropy;
}

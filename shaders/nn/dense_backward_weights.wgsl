// Gradients of a dense layer's weight and bias from one split of the batch (rows_per_split rows,
// split s = workgroup.z): dW = dzᵀ · x and db = Σ_rows dz. Both come from one product C = A·B of
// matmul.wgsl, with A = dzᵀ [outputs, rows] and B = [x | 1] [rows, inputs + 1]: the input extended
// by a constant 1, whose column of C is db.
//
// Splitting the batch gives a GPU enough workgroups (a 64 × 65 gradient is only a few tiles; the
// batch is thousands of rows); reduce_gradients.wgsl then adds the splits into the gradient buffer.
// Split s writes its sums to partials[s · param_count + the element's offset in the flat layout].
// Needs matmul.wgsl, a matmul core and dense.wgsl.
// Grid: (⌈outputs / 4·WG_M⌉, ⌈(inputs + 1) / 4·WG_N⌉, ⌈batch / rows_per_split⌉).

@group(0) @binding(0) var<uniform> dims: DenseDims;
@group(0) @binding(1) var<storage, read> layer_input: array<f32>;
@group(0) @binding(2) var<storage, read> d_output: array<f32>;
@group(0) @binding(3) var<storage, read_write> partials: array<f32>;

// This workgroup's split of the partial-gradient buffer.
var<private> split_base: u32;

// Out-of-range indices read some other element (or zero), which select() then discards.
fn load_a(m: u32, k: u32) -> f32 {
  return select(0.0, d_output[k * dims.outputs + m], (m < dims.outputs) & (k < dims.batch));
}

fn load_b(k: u32, n: u32) -> f32 {
  let extended = select(layer_input[k * dims.inputs + n], 1.0, n == dims.inputs);
  return select(0.0, extended, (k < dims.batch) & (n <= dims.inputs));
}

fn store_c(m: u32, n: u32, value: f32) {
  if ((m < dims.outputs) & (n <= dims.inputs)) {
    let element = select(dims.weight_offset + m * dims.inputs + n, dims.bias_offset + m, n == dims.inputs);
    partials[split_base + element] = value;
  }
}

@compute @workgroup_size(WG_M * WG_N)
fn dense_backward_weights(@builtin(workgroup_id) workgroup: vec3<u32>, @builtin(local_invocation_index) local_index: u32) {
  split_base = workgroup.z * dims.param_count;
  let tile_m = workgroup.x * 4u * WG_M;
  let tile_n = workgroup.y * 4u * WG_N;
  let first_row = workgroup.z * dims.rows_per_split;
  let end_row = min(first_row + dims.rows_per_split, dims.batch);
  let block = multiply_tile(tile_m, tile_n, first_row, end_row, local_index);
  store_block(block, tile_m, tile_n, local_index);
}

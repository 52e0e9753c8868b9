// Forward pass of a dense layer on a batch: y = act(x · Wᵀ + b). As the product C = A·B of
// matmul.wgsl: A = x [batch, inputs], B = Wᵀ [inputs, outputs], and C plus the bias goes through
// the activation into y [batch, outputs].
// Needs matmul.wgsl, a matmul core and dense.wgsl. Grid: (⌈batch / 4·WG_M⌉, ⌈outputs / 4·WG_N⌉).

@group(0) @binding(0) var<uniform> dims: DenseDims;
@group(0) @binding(1) var<storage, read> params: array<f32>;
@group(0) @binding(2) var<storage, read> layer_input: array<f32>;
@group(0) @binding(3) var<storage, read_write> layer_output: array<f32>;

// Out-of-range indices read some other element (or zero), which select() then discards.
fn load_a(m: u32, k: u32) -> f32 {
  return select(0.0, layer_input[m * dims.inputs + k], (m < dims.batch) & (k < dims.inputs));
}

fn load_b(k: u32, n: u32) -> f32 {
  return select(0.0, params[dims.weight_offset + n * dims.inputs + k], (k < dims.inputs) & (n < dims.outputs));
}

fn store_c(m: u32, n: u32, value: f32) {
  if ((m < dims.batch) & (n < dims.outputs)) {
    layer_output[m * dims.outputs + n] = activate(value + params[dims.bias_offset + n]);
  }
}

@compute @workgroup_size(WG_M * WG_N)
fn dense_forward(@builtin(workgroup_id) workgroup: vec3<u32>, @builtin(local_invocation_index) local_index: u32) {
  let tile_m = workgroup.x * 4u * WG_M;
  let tile_n = workgroup.y * 4u * WG_N;
  let block = multiply_tile(tile_m, tile_n, 0u, dims.inputs, local_index);
  store_block(block, tile_m, tile_n, local_index);
}

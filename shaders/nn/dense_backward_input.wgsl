// The gradient that goes to the layer before: with this layer's dz, dx = dz · W, and the previous
// layer's dz is dx ⊙ act′(x), act being that layer's activation (ACTIVATION; x is its output y).
// As the product C = A·B of matmul.wgsl: A = dz [batch, outputs], B = W [outputs, inputs],
// C = dx [batch, inputs], multiplied by act′(x) as it is stored. With ACCUMULATE it is added to
// d_input (two heads meeting at shared features; act′ distributes over the sum). The first layer of
// a network has no use for dx and skips this kernel.
// Needs matmul.wgsl, a matmul core and dense.wgsl. Grid: (⌈batch / 4·WG_M⌉, ⌈inputs / 4·WG_N⌉).

override ACCUMULATE: bool = false;

@group(0) @binding(0) var<uniform> dims: DenseDims;
@group(0) @binding(1) var<storage, read> params: array<f32>;
@group(0) @binding(2) var<storage, read> layer_input: array<f32>;
@group(0) @binding(3) var<storage, read> d_output: array<f32>;
@group(0) @binding(4) var<storage, read_write> d_input: array<f32>;

// Out-of-range indices read some other element (or zero), which select() then discards.
fn load_a(m: u32, k: u32) -> f32 {
  return select(0.0, d_output[m * dims.outputs + k], (m < dims.batch) & (k < dims.outputs));
}

fn load_b(k: u32, n: u32) -> f32 {
  return select(0.0, params[dims.weight_offset + k * dims.inputs + n], (k < dims.outputs) & (n < dims.inputs));
}

fn store_c(m: u32, n: u32, value: f32) {
  if ((m < dims.batch) & (n < dims.inputs)) {
    let index = m * dims.inputs + n;
    let gradient = value * activation_slope(layer_input[index]);
    if (ACCUMULATE) {
      d_input[index] += gradient;
    } else {
      d_input[index] = gradient;
    }
  }
}

@compute @workgroup_size(WG_M * WG_N)
fn dense_backward_input(@builtin(workgroup_id) workgroup: vec3<u32>, @builtin(local_invocation_index) local_index: u32) {
  let tile_m = workgroup.x * 4u * WG_M;
  let tile_n = workgroup.y * 4u * WG_N;
  let block = multiply_tile(tile_m, tile_n, 0u, dims.outputs, local_index);
  store_block(block, tile_m, tile_n, local_index);
}

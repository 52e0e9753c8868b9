// The network's weights rearranged for the kernels that run it (the forward and backward layouts of
// Stage in program.wgsl, a stage's backward after its forward), zeros in the padding, after the
// stage table that the host writes there once. Run before every kernel that reads them, since Adam
// and the host write the parameters in their own layout.
// Composed after program.wgsl. Grid: ⌈(the largest stage's packed vec4s) / 256⌉ × NUM_STAGES × seeds,
// a seed grid's run s (layout.wgsl) packing parameters s · PARAM_COUNT … into its own packed weights.

override PARAM_COUNT: u32;

@group(0) @binding(0) var<storage, read> params: array<f32>;
@group(0) @binding(1) var<storage, read_write> packed: array<vec4<f32>>;

// The invocation's run's parameters and packed weights.
var<private> params_base: u32;
var<private> packed_base: u32;

fn stage(s: u32) -> Stage {
  let at = packed_base + 4u * s;
  return decode_stage(bitcast<vec4<u32>>(packed[at]), bitcast<vec4<u32>>(packed[at + 1u]), bitcast<vec4<u32>>(packed[at + 2u]), bitcast<vec4<u32>>(packed[at + 3u]));
}

// [W | b][o][j]: the bias as column j = inputs; zero outside. One load either way, since SwiftShader
// runs both sides of a branch.
fn extended_weight(st: Stage, o: u32, j: u32) -> f32 {
  let inside = o < st.outputs && j <= st.inputs;
  let at = select(st.weight + o * st.inputs + j, st.bias + o, j == st.inputs);
  return select(0.0, params[params_base + select(0u, at, inside)], inside);
}

// Packed vec4 v of the stage, counted from its start.
fn packed_vec4(st: Stage, v: u32) -> vec4<f32> {
  let output_blocks = blocks_of(st.outputs);
  let forward_size = padded_width(st.inputs) * output_blocks;
  if (v < forward_size) {
    let j = v / output_blocks;
    let o = 4u * (v % output_blocks);
    return vec4(extended_weight(st, o, j), extended_weight(st, o + 1u, j), extended_weight(st, o + 2u, j), extended_weight(st, o + 3u, j));
  }
  let input_blocks = blocks_of(st.inputs);
  let o = (v - forward_size) / input_blocks;
  let j = 4u * ((v - forward_size) % input_blocks);
  // Column inputs is the bias, which the backward pass leaves out.
  let w = vec4(extended_weight(st, o, j), extended_weight(st, o, j + 1u), extended_weight(st, o, j + 2u), extended_weight(st, o, j + 3u));
  return select(vec4(0.0), w, vec4(j, j + 1u, j + 2u, j + 3u) < vec4(st.inputs));
}

// A row of the grid per stage and four vec4s per invocation, so that each invocation reads one entry
// of the table and shares it.
@compute @workgroup_size(64)
fn pack_weights(@builtin(global_invocation_id) id: vec3<u32>) {
  params_base = id.z * PARAM_COUNT;
  packed_base = id.z * PACKED_VEC4S;
  let st = stage(id.y);
  var size = padded_width(st.inputs) * blocks_of(st.outputs);
  if (st.input_stage >= 0) {
    size += st.outputs * blocks_of(st.inputs);
  }
  for (var v = 4u * id.x; v < min(4u * id.x + 4u, size); v++) {
    packed[packed_base + st.forward + v] = packed_vec4(st, v);
  }
  if (POLICY_GAUSSIAN && id.x == 0u && id.y == 0u) {
    packed[packed_base + LOG_STD_PACKED] = vec4(params[params_base + LOG_STD_PARAM], 0.0, 0.0, 0.0);
  }
}

// The network's weights rearranged for the kernels that run it (the forward and backward layouts of
// Stage in program.wgsl), one invocation per packed vec4, zeros in the padding, after the stage
// table that the host writes there once. Run before every
// kernel that reads them, since Adam and the host write the parameters in their own layout.
// Composed after program.wgsl. Grid: ⌈(the largest stage's packed vec4s) / 64⌉ × NUM_STAGES.

@group(0) @binding(0) var<storage, read> params: array<f32>;
@group(0) @binding(1) var<storage, read_write> packed: array<vec4<f32>>;

fn stage(s: u32) -> Stage {
  return decode_stage(bitcast<vec4<u32>>(packed[3u * s]), bitcast<vec4<u32>>(packed[3u * s + 1u]), bitcast<vec4<u32>>(packed[3u * s + 2u]));
}

// [W | b][o][j]: the bias as column j = inputs; zero outside.
fn extended_weight(st: Stage, o: u32, j: u32) -> f32 {
  if (o >= st.outputs || j > st.inputs) {
    return 0.0;
  }
  if (j == st.inputs) {
    return params[st.bias + o];
  }
  return params[st.weight + o * st.inputs + j];
}

@compute @workgroup_size(64)
fn pack_weights(@builtin(global_invocation_id) id: vec3<u32>) {
  // A row of the grid per stage, so that each invocation reads one entry of the table.
  let st = stage(id.y);
  let output_blocks = blocks_of(st.outputs);
  let forward_size = padded_width(st.inputs) * output_blocks;
  let v = id.x;
  if (v < forward_size) {
    let j = v / output_blocks;
    let o = 4u * (v % output_blocks);
    packed[st.forward + v] = vec4(extended_weight(st, o, j), extended_weight(st, o + 1u, j), extended_weight(st, o + 2u, j), extended_weight(st, o + 3u, j));
    return;
  }
  let input_blocks = blocks_of(st.inputs);
  let u = v - forward_size;
  if (st.input_stage >= 0 && u < st.outputs * input_blocks) {
    let o = u / input_blocks;
    let j = 4u * (u % input_blocks);
    // Column inputs is the bias, which the backward pass leaves out.
    let w = vec4(extended_weight(st, o, j), extended_weight(st, o, j + 1u), extended_weight(st, o, j + 2u), extended_weight(st, o, j + 3u));
    packed[st.backward + u] = select(vec4(0.0), w, vec4(j, j + 1u, j + 2u, j + 3u) < vec4(st.inputs));
  }
}

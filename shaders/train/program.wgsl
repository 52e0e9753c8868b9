// The network as a program of stages (dense layers, and a conv3x3 reading the observation) in a table (src/train/program.ts) at the start of the
// packed weights buffer, shared by the kernels that run it (network.wgsl) and the one that packs
// the weights after it (pack.wgsl). A storage buffer rather than a uniform one: SwiftShader reads a
// uniform array at a dynamic index about four times slower.

struct Stage {
  inputs: u32,
  outputs: u32,
  // In float32 elements from the start of the parameter buffer: W [outputs, inputs], b [outputs].
  weight: u32,
  bias: u32,
  // Row scratch offsets (floats, multiples of 4) of the input and output vectors.
  input_at: u32,
  output_at: u32,
  // ACT_NONE, ACT_TANH or ACT_RELU, applied to this stage's output.
  activation: u32,
  // The stage whose output is this one's input, or −1 for the observation.
  input_stage: i32,
  // In vec4s from the start of the packed weights buffer: forward [padded_width(inputs)][⌈outputs / 4⌉], the transpose of
  // [W | b] so that one load serves four outputs; backward [outputs][⌈inputs / 4⌉], W, so that one
  // load serves four inputs of Wᵀ dz (absent for a stage reading the observation).
  forward: u32,
  backward: u32,
  // parameter_gradients' first 8×8 block of [W | b] for this stage.
  first_block: u32,
  // STAGE_DENSE or STAGE_CONV. A conv stage is the dense layer [W | b] over the 3×3 patch of each
  // output position: inputs = channels · 9 in nn.Conv2d's weight order [channel][ky][kx], outputs =
  // output channels; its output vector is [channel][row][col] (conv_positions(st) per channel).
  kind: u32,
  // The conv's input grid, [row][col][channel] as the observation (0 for a dense stage).
  grid_height: u32,
  grid_width: u32,
  grid_channels: u32,
}

const MAX_STAGES: u32 = 16u;
const ACT_NONE: u32 = 0u;
const ACT_TANH: u32 = 1u;
const ACT_RELU: u32 = 2u;
const STAGE_DENSE: u32 = 0u;
const STAGE_CONV: u32 = 1u;

override NUM_STAGES: u32;
// The packed weights of one run of a seed grid (layout.wgsl), table included: run s's start at vec4
// s · PACKED_VEC4S.
override PACKED_VEC4S: u32;

// A Gaussian policy (CleanRL's ppo_continuous_action.py): the actor's one output is the mean μ of
// the action, σ = exp(actor_logstd) the same for every state. pack_weights copies log σ from
// parameter LOG_STD_PARAM to packed vec4 LOG_STD_PACKED (.x), where the kernels that do not bind the
// parameters find it; parameter_gradients' block LOG_STD_BLOCK sums its gradient.
override POLICY_GAUSSIAN: bool = false;
override LOG_STD_PARAM: u32 = 0u;
override LOG_STD_PACKED: u32 = 0u;
override LOG_STD_BLOCK: u32 = 0u;

// Stage s from its four vec4s in the table.
fn decode_stage(a: vec4<u32>, b: vec4<u32>, c: vec4<u32>, d: vec4<u32>) -> Stage {
  return Stage(a.x, a.y, a.z, a.w, b.x, b.y, b.z, bitcast<i32>(b.w), c.x, c.y, c.z, c.w, d.x, d.y, d.z);
}

// Output positions per channel: (height − 2) × (width − 2) for a conv (valid, stride 1), 1 for a dense stage.
fn conv_positions(st: Stage) -> u32 {
  return select(1u, (st.grid_height - 2u) * (st.grid_width - 2u), st.kind == STAGE_CONV);
}

// Floats of the stage's output vector (before padding).
fn output_width(st: Stage) -> u32 {
  return st.outputs * conv_positions(st);
}

// Floats a vector of n values takes in a row's scratch: n, then a 1 that multiplies the bias column
// of the packed weights, then zeros to a multiple of 4 (paddedWidth in src/train/program.ts).
fn padded_width(n: u32) -> u32 {
  return (n + 4u) & ~3u;
}

fn blocks_of(n: u32) -> u32 {
  return (n + 3u) / 4u;
}

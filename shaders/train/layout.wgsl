// The train buffer: everything a training iteration keeps between its dispatches, in sections of
// u32 words whose offsets the host computes (TrainLayout in src/train/layout.ts) and passes as
// overrides, each a multiple of 4. Words because it holds observation words and actions beside
// floats, which are stored as their bits; declared as vec4s because the network's activations are
// read four floats per load (network.wgsl), which SwiftShader does several times faster than four
// loads of one. A rollout of T steps of E envs is time-major: step t of env i is row k = t·E + i.
//
//   RO_OBS         T·E × OBS_WORDS_IN  observation words the action was chosen on
//   RO_ACTIONS     T·E                 action: choice index, or a Gaussian policy's f32 bits (unclipped)
//   RO_LOG_PROB    T·E f32             log π_old(a | s)
//   RO_VALUES      T·E f32             V_old(s) (0 without a critic)
//   RO_REWARDS     T·E f32             reward, plus γ·V(final obs) on a bootstrapped truncation
//   RO_DONES       T·E                 bit 0 terminated, bit 1 truncated (as the VecEnv's done_buf)
//   RO_ADVANTAGES  T·E f32
//   RO_RETURNS     T·E f32             value targets
//   RO_LAST_VALUES E f32               V of the observation after the rollout
//   RO_FINAL_WORDS E × OBS_WORDS_IN    a final observation being evaluated
//   RO_SCRATCH     rows × ACT_STRIDE    network activations (an env's in the rollout, a sample's in the
//                                      update, four samples interleaved: see network.wgsl)
//   RO_DZ          minibatch rows × ACT_STRIDE  gradient of the loss with respect to each stage's z
//   RO_ROW_STATS   minibatch rows × 5 f32  each sample's loss terms (see loss.wgsl)
//   RO_LOG_STD_DZ  minibatch rows f32  each sample's share of ∂loss/∂log σ (a Gaussian policy)
//   RO_LOSS_STATS  5 f32               their means over the latest minibatch
//   RO_INPUT_QUADS ⌈(INPUT_SIZE + 1) / 8⌉ × ⌈quads / 32⌉  for each block of 8 inputs of a
//                                      packed-bits observation, a bit per quad of the minibatch's
//                                      samples (four rows), set where one of them has one of those
//                                      inputs set (see update.wgsl)
//   RO_LIVE_INPUTS max(E, quads) × ACT_STRIDE  for each env of the rollout or quad of the minibatch,
//                                      and each ReLU stage, at the stage's output_at: the count, then
//                                      the output vec4s (row) or elements (quad) with a nonzero, the
//                                      padding's 1 included (row_record_live, quad_record_live in network.wgsl)

// A seed grid (GpuTrainer's seeds): SEEDS runs of consecutive seeds side by side, each with a train
// buffer of TRAIN_WORDS words after the previous run's. An invocation works for one run, which its
// kernel names first (use_seed).
override SEEDS: u32 = 1u;
override TRAIN_WORDS: u32;
var<private> seed_index: u32;

// Points the train buffer's and the packed weights' accessors (network.wgsl) at run s.
fn use_seed(s: u32) {
  seed_index = s;
}

// The invocation's run. With one run the constant 0, so that the accessors compile to constant
// offsets as they did before seed grids, with no read of a private variable at each access.
fn seed_run() -> u32 {
  return select(0u, seed_index, SEEDS > 1u);
}

// The train buffer's vec4 v of the invocation's run.
fn train_vec4(v: u32) -> u32 {
  return seed_run() * (TRAIN_WORDS / 4u) + v;
}

override ROLLOUT_STEPS: u32;
override ROLLOUT_ENVS: u32;
override RO_OBS: u32;
override RO_ACTIONS: u32;
override RO_LOG_PROB: u32;
override RO_VALUES: u32;
override RO_REWARDS: u32;
override RO_DONES: u32;
override RO_ADVANTAGES: u32;
override RO_RETURNS: u32;
override RO_LAST_VALUES: u32;
override RO_FINAL_WORDS: u32;
override RO_SCRATCH: u32;
override RO_DZ: u32;
override RO_ROW_STATS: u32;
override RO_LOG_STD_DZ: u32;
override RO_LOSS_STATS: u32;
override RO_INPUT_QUADS: u32;
override RO_LIVE_INPUTS: u32;

const ROW_STATS: u32 = 5u;

@group(1) @binding(2) var<storage, read_write> train: array<vec4<u32>>;

fn load_w(k: u32) -> u32 {
  return train[train_vec4(k >> 2u)][k & 3u];
}

fn store_w(k: u32, v: u32) {
  train[train_vec4(k >> 2u)][k & 3u] = v;
}

fn load_f(k: u32) -> f32 {
  return bitcast<f32>(load_w(k));
}

fn store_f(k: u32, v: f32) {
  store_w(k, bitcast<u32>(v));
}

// The four floats at word 4·v.
fn load4(v: u32) -> vec4<f32> {
  return bitcast<vec4<f32>>(train[train_vec4(v)]);
}

fn store4(v: u32, x: vec4<f32>) {
  train[train_vec4(v)] = bitcast<vec4<u32>>(x);
}

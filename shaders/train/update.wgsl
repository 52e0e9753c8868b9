// What the two update kernels share: the minibatch they work on and its gradient buffers.
// A minibatch update is five dispatches: pack_weights (pack.wgsl), sample_gradients (loss.wgsl:
// every sample's forward pass, loss and backward pass down to each stage's dz), parameter_gradients
// (param_grads.wgsl: the gradient of every parameter, summed over the samples), then Adam's prepare
// and update. Which
// minibatch is the current one follows from Adam's step count, so a command buffer may hold a whole
// iteration, or several.
// Composed after rng.wgsl, shaders/nn/adam.wgsl, layout.wgsl, program.wgsl, network.wgsl and
// shuffle.wgsl.

override MINIBATCH_ROWS: u32;
override NUM_MINIBATCHES: u32;
// Draw minibatches through a fresh permutation each epoch; else in rollout order.
override SHUFFLE: bool;
override SEED: u32;

// Each run's of a seed grid (layout.wgsl).
@group(0) @binding(0) var<storage, read> adam_state: array<AdamState>;

// Epoch e of the run (counted over all iterations) and the minibatch's place in it.
fn current_epoch() -> u32 {
  return adam_state[seed_run()].step / NUM_MINIBATCHES;
}

// Row k of the rollout that is sample r of the current minibatch.
fn minibatch_row(shuffle: Shuffle, r: u32) -> u32 {
  let position = (adam_state[seed_run()].step % NUM_MINIBATCHES) * MINIBATCH_ROWS + r;
  if (SHUFFLE) {
    return shuffle_apply(shuffle, position);
  }
  return position;
}

// RO_INPUT_QUADS (layout.wgsl) serves a packed-bits observation, whose inputs are 0 or 1 and mostly 0
// (a few dozen of Breakout's 400 are set): parameter_gradients runs its loop over the quads only for
// those with one of a block's inputs set, since SwiftShader runs both sides of every branch and only
// a loop's trip count skips work. Words per block of 8 inputs:
fn input_quad_words() -> u32 {
  return (blocks_of(MINIBATCH_ROWS) + 31u) / 32u;
}

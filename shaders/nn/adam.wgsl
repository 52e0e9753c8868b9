// What the Adam kernels share. An update is two dispatches: adam_prepare (one workgroup) finishes
// the gradient norm, advances the step count and works out this step's scalars; adam_update then
// moves every parameter. The step count lives on the GPU, so a command buffer may hold several
// updates (PPO's epochs × minibatches) with no host round trip between them. It updates `sets`
// parameter sets of param_count, one after another in the buffers, each with its own state and
// gradient norm (a seed grid's runs, src/train/gpu-trainer.ts).

struct AdamConfig {
  learning_rate: f32,
  beta1: f32,
  beta2: f32,
  // 1 − β and ln β, computed in float64 by the host: in float32, 1 − 0.999 would carry the rounding
  // of 0.999 (1e-5 relative) and the bias corrections need ln β to full precision.
  one_minus_beta1: f32,
  one_minus_beta2: f32,
  log_beta1: f32,
  log_beta2: f32,
  eps: f32,
  // Clipping threshold of the global gradient norm; the largest float32 when clipping is off.
  max_grad_norm: f32,
  // Per parameter set.
  param_count: u32,
  norm_partial_count: u32,
  sets: u32,
}

struct AdamState {
  // Updates taken: t of the bias corrections.
  step: u32,
  // ‖g‖ of the latest update before clipping (clip_grad_norm_'s return value), for logging.
  grad_norm: f32,
  // What the latest update multiplied g by: min(1, max_grad_norm / (‖g‖ + 1e-6)).
  clip_scale: f32,
  // lr / (1 − β₁ᵗ) and √(1 − β₂ᵗ) of the latest update.
  step_size: f32,
  sqrt_correction2: f32,
}

const ADAM_WORKGROUP: u32 = 256u;

// What the dense-layer kernels share: the layer's sizes and tensor offsets, and an activation.
// A dense layer computes y = act(z), z = W x + b, with W [outputs, inputs] and b [outputs] stored in
// the flat parameter buffer (src/nn/params.ts); x and y are batch-major.
//
// The backward kernels take the gradient with respect to z, dz = dy ⊙ act′(y) (d_output), and
// produce the previous layer's dz: the kernel that writes a gradient applies act′ to it once, rather
// than each kernel reading it doing so at every read (the weight and input gradients read every
// element of dz many times; reads are what SwiftShader spends its time on).

struct DenseDims {
  batch: u32,
  inputs: u32,
  outputs: u32,
  // In float32 elements from the start of the parameter (and gradient) buffer.
  weight_offset: u32,
  bias_offset: u32,
  // Batch rows per workgroup of dense_backward_weights (a multiple of K_STEP), and the floats per
  // split in the partial-gradient buffer (the parameter count).
  rows_per_split: u32,
  param_count: u32,
}

// 0: identity, 1: relu, 2: tanh (ACTIVATION_CODES in src/nn/gpu/dense.ts). The layer's own in
// dense_forward; in dense_backward_input, that of the layer whose output is this layer's input.
override ACTIVATION: u32 = 0u;

fn activate(x: f32) -> f32 {
  if (ACTIVATION == 1u) {
    return max(x, 0.0);
  }
  if (ACTIVATION == 2u) {
    // SwiftShader's tanh returns NaN beyond |x| ≈ 89 (e^x overflows); tanh(±10) already rounds to ±1.
    return tanh(clamp(x, -10.0, 10.0));
  }
  return x;
}

// act′ as a function of the output y = act(x), which is what the forward pass keeps:
// relu′ = [y > 0], tanh′ = 1 − y² (as layerBackward in src/nn/reference.ts).
fn activation_slope(y: f32) -> f32 {
  if (ACTIVATION == 1u) {
    return select(0.0, 1.0, y > 0.0);
  }
  if (ACTIVATION == 2u) {
    return 1.0 - y * y;
  }
  return 1.0;
}

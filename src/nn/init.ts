import { CounterRng, Stream, type RandomSource } from '../rng/source.ts';
import type { ParamLayout, TensorRole } from './params.ts';

/**
 * Initialization as CleanRL's layer_init and PureJaxRL do it: every weight orthogonal with a gain
 * by role (√2 in the torso, 0.01 on the policy output so the initial policy is near uniform or
 * near zero-mean, 1 on the value output), every bias zero, the Gaussian log-std zero (std 1).
 */
export const INIT_GAINS: Readonly<Record<TensorRole, number>> = { hidden: Math.SQRT2, policy: 0.01, value: 1 };

/**
 * Two independent standard normals from two uniforms in [0, 1) (Box–Muller). 1 − u1 is in (0, 1],
 * so the logarithm is finite.
 */
export function boxMuller(u1: number, u2: number): [number, number] {
  const radius = Math.sqrt(-2 * Math.log(1 - u1));
  const angle = 2 * Math.PI * u2;
  return [radius * Math.cos(angle), radius * Math.sin(angle)];
}

/**
 * A rows × cols matrix (row-major) with orthonormal rows or columns, whichever are fewer, times
 * gain: WᵀW = gain²·I when rows ≥ cols, WWᵀ = gain²·I otherwise. This is torch.nn.init.orthogonal_:
 * the Q factor of a Gaussian matrix's QR decomposition with R's diagonal made positive. Gram–Schmidt
 * gives that Q directly (its R has a positive diagonal by construction); each vector is
 * orthogonalized twice, which keeps it orthogonal to float64 precision ("twice is enough").
 *
 * The k = min(rows, cols) Gaussian vectors of length m = max(rows, cols) are drawn one after the
 * other, in pairs from Box–Muller, each pair from two uniform() calls.
 */
export function orthogonal(rows: number, cols: number, gain: number, rng: RandomSource): Float64Array {
  const m = Math.max(rows, cols);
  const k = Math.min(rows, cols);
  const vectors = new Float64Array(k * m);
  for (let i = 0; i < vectors.length; i += 2) {
    const [z0, z1] = boxMuller(rng.uniform(), rng.uniform());
    vectors[i] = z0;
    if (i + 1 < vectors.length) vectors[i + 1] = z1;
  }
  for (let j = 0; j < k; j++) {
    const v = vectors.subarray(j * m, (j + 1) * m);
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < j; p++) {
        const q = vectors.subarray(p * m, (p + 1) * m);
        let dot = 0;
        for (let i = 0; i < m; i++) dot += q[i] * v[i];
        for (let i = 0; i < m; i++) v[i] -= dot * q[i];
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < m; i++) v[i] /= norm;
  }
  // The vectors are W's columns when W is tall and its rows when W is wide.
  const w = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) w[r * cols + c] = gain * (rows >= cols ? vectors[c * m + r] : vectors[r * m + c]);
  }
  return w;
}

/**
 * Fresh parameters for a layout, deterministic from the seed. Each weight tensor draws from its own
 * counter, CounterRng(seed, Stream.init, tensor index, 0), so a tensor's values depend only on the
 * seed, its position in the layout and its shape. A weight of shape [out, ...] is the matrix
 * [out, product of the rest], as orthogonal_ treats conv kernels.
 */
export function initParams(layout: ParamLayout, seed: number): Float32Array {
  const params = new Float32Array(layout.size);
  layout.tensors.forEach((tensor, index) => {
    if (tensor.kind !== 'weight') return; // biases and the log-std start at zero
    const rows = tensor.shape[0];
    const cols = tensor.size / rows;
    const rng = new CounterRng(seed, Stream.init, index, 0);
    params.set(orthogonal(rows, cols, INIT_GAINS[tensor.role], rng), tensor.offset);
  });
  return params;
}

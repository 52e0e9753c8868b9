import { describe, expect, it } from 'vitest';
import { boxMuller, INIT_GAINS, initParams, orthogonal } from '../src/nn/init.ts';
import { buildNetwork, tensorByName, tensorView, type NetworkConfig } from '../src/nn/params.ts';
import { CounterRng } from '../src/rng/source.ts';

const mlp: NetworkConfig = {
  observationShape: [4],
  torso: { kind: 'mlp', hidden: [64, 32], activation: 'tanh' },
  sharedTorso: false,
  policy: { kind: 'gaussian', actionDim: 2 },
  critic: true,
};
const minatar: NetworkConfig = {
  observationShape: [10, 10, 4],
  torso: { kind: 'minatar' },
  sharedTorso: false,
  policy: { kind: 'categorical', actions: 6 },
  critic: true,
};

/**
 * The Gram matrix of the smaller side: WᵀW (cols × cols) for a tall W, WWᵀ (rows × rows) for a
 * wide one, in float64 over the stored values.
 */
function gram(w: ArrayLike<number>, rows: number, cols: number): { n: number; g: Float64Array } {
  const tall = rows >= cols;
  const n = tall ? cols : rows;
  const m = tall ? rows : cols;
  const at = (vector: number, k: number) => (tall ? w[k * cols + vector] : w[vector * cols + k]);
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < m; k++) sum += at(i, k) * at(j, k);
      g[i * n + j] = sum;
    }
  }
  return { n, g };
}

function maxDeviationFromScaledIdentity(w: ArrayLike<number>, rows: number, cols: number, gain: number): number {
  const { n, g } = gram(w, rows, cols);
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(g[i * n + j] - (i === j ? gain * gain : 0)));
  }
  return worst / (gain * gain);
}

describe('orthogonal initialization', () => {
  it('gives orthonormal columns (tall) or rows (wide) in float64', () => {
    for (const [rows, cols] of [[7, 3], [3, 7], [5, 5], [1, 9], [9, 1]]) {
      const w = orthogonal(rows, cols, 2.5, new CounterRng(1, 3, rows, cols));
      expect(maxDeviationFromScaledIdentity(w, rows, cols, 2.5)).toBeLessThan(1e-13);
    }
  });

  it('initializes every weight with its gain (WᵀW or WWᵀ ≈ gain²·I within float32 rounding), biases and log-std at 0', () => {
    for (const config of [mlp, minatar]) {
      const { layout } = buildNetwork(config);
      const params = initParams(layout, 12345);
      for (const tensor of layout.tensors) {
        const values = tensorView(params, tensor);
        if (tensor.kind !== 'weight') {
          expect(values.every((v) => v === 0), tensor.name).toBe(true);
          continue;
        }
        const rows = tensor.shape[0];
        const deviation = maxDeviationFromScaledIdentity(values, rows, tensor.size / rows, INIT_GAINS[tensor.role]);
        expect(deviation, tensor.name).toBeLessThan(1e-5);
      }
    }
  });

  it('uses CleanRL gains: √2 in the torso, 0.01 for the policy output, 1 for the value output', () => {
    const { layout } = buildNetwork(minatar);
    const params = initParams(layout, 0);
    const rowNorm = (name: string) => {
      const spec = tensorByName(layout, name);
      const row = tensorView(params, spec).subarray(0, spec.size / spec.shape[0]);
      return Math.hypot(...row);
    };
    // Wide matrices have rows of norm gain.
    expect(rowNorm('actor.0.weight')).toBeCloseTo(Math.SQRT2, 6);
    expect(rowNorm('actor.3.weight')).toBeCloseTo(Math.SQRT2, 6);
    expect(rowNorm('actor.5.weight')).toBeCloseTo(0.01, 8);
    expect(rowNorm('critic.5.weight')).toBeCloseTo(1, 6);
  });

  it('is deterministic from the seed, and each tensor depends only on the seed and its place', () => {
    const { layout } = buildNetwork(mlp);
    const a = initParams(layout, 42);
    expect(new Uint32Array(initParams(layout, 42).buffer)).toEqual(new Uint32Array(a.buffer));
    expect(initParams(layout, 43)).not.toEqual(a);
    // Dropping the critic, which comes after the actor in the layout, leaves the actor as it was.
    const actor = tensorByName(layout, 'actor_mean.2.weight');
    const other = buildNetwork({ ...mlp, critic: false });
    expect(tensorView(initParams(other.layout, 42), tensorByName(other.layout, actor.name))).toEqual(tensorView(a, actor));
  });

  it('draws standard normals with Box–Muller from uniforms', () => {
    const rng = new CounterRng(5, 3, 0, 0);
    let sum = 0;
    let squares = 0;
    const n = 50000;
    for (let k = 0; k < n; k += 2) {
      for (const z of boxMuller(rng.uniform(), rng.uniform())) {
        sum += z;
        squares += z * z;
      }
    }
    expect(Number.isFinite(squares)).toBe(true);
    expect(Math.abs(sum / n)).toBeLessThan(0.02);
    expect(Math.abs(squares / n - 1)).toBeLessThan(0.03);
    expect(boxMuller(0, 0).map(Math.abs)).toEqual([0, 0]); // u1 = 0 gives radius 0, not log(0)
  });
});

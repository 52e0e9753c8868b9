import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorageBuffer } from '../src/gpu/buffers.ts';
import type { GpuContext } from '../src/gpu/context.ts';
import { GpuDenseLayer, tileShape, type DenseActivation, type DenseLayerSpec, type MatmulCore } from '../src/nn/gpu/dense.ts';
import { createPartialsBuffer, GpuGradientReduction, gradientSplits } from '../src/nn/gpu/gradients.ts';
import type { Layer, TensorSpec } from '../src/nn/params.ts';
import { layerBackward, layerForward } from '../src/nn/reference.ts';
import { testGpu } from './helpers/gpu.ts';
import { expectClose, randomFloats, withGpuErrorsChecked, readFloats, reportWorstErrors, runPass, upload } from './nn_gpu_helpers.ts';

interface DenseCase {
  batch: number;
  inputs: number;
  outputs: number;
  activation: DenseActivation;
  /** The activation of the layer whose output is the input: dx gets its act′. */
  inputActivation: DenseActivation;
  rowsPerSplit: number;
  /** Whether the dz of the layer before adds to what its buffer held. */
  accumulate: boolean;
  core: MatmulCore;
}

/**
 * One dense layer whose tensors sit at offsets that are not zero nor tile-aligned (3 floats before
 * the weight, 5 between weight and bias, 2 after), so that every offset in the kernels is exercised.
 */
function denseLayer(inputs: number, outputs: number): { layer: DenseLayerSpec; paramCount: number } {
  const tensor = (name: string, shape: number[], offset: number): TensorSpec => ({
    name,
    shape,
    offset,
    size: shape.reduce((a, b) => a * b, 1),
    role: 'hidden',
    kind: name.endsWith('weight') ? 'weight' : 'bias',
  });
  const weight = tensor('layer.weight', [outputs, inputs], 3);
  const bias = tensor('layer.bias', [outputs], weight.offset + weight.size + 5);
  return { layer: { kind: 'dense', inputs, outputs, weight, bias }, paramCount: bias.offset + bias.size + 2 };
}

const SHAPES: Omit<DenseCase, 'core'>[] = [
  // Sizes that are multiples of nothing: 37 rows in splits of 16 (the last holds 5), 70 outputs.
  { batch: 37, inputs: 5, outputs: 70, activation: 'none', inputActivation: 'tanh', rowsPerSplit: 16, accumulate: false },
  { batch: 37, inputs: 5, outputs: 70, activation: 'relu', inputActivation: 'none', rowsPerSplit: 16, accumulate: false },
  { batch: 37, inputs: 5, outputs: 70, activation: 'tanh', inputActivation: 'relu', rowsPerSplit: 256, accumulate: true },
  // Wider than a K step both ways, several splits, and a policy-like 2-unit layer.
  { batch: 300, inputs: 37, outputs: 19, activation: 'tanh', inputActivation: 'tanh', rowsPerSplit: 64, accumulate: false },
  { batch: 129, inputs: 64, outputs: 2, activation: 'none', inputActivation: 'relu', rowsPerSplit: 32, accumulate: true },
  { batch: 1, inputs: 1, outputs: 1, activation: 'relu', inputActivation: 'tanh', rowsPerSplit: 16, accumulate: false },
];
// Both cores run everywhere; each device uses one of them (matmulCoreFor).
const CASES: DenseCase[] = (['tiled', 'direct'] as const).flatMap((core) => SHAPES.map((shape) => ({ ...shape, core })));

/** The reference's layer for an activation; 'none' is the identity (flatten). */
function activationLayer(activation: DenseActivation): Layer {
  return activation === 'none' ? { kind: 'flatten' } : { kind: 'activation', fn: activation };
}

describe('tile shapes', () => {
  it('cover a product with the least padding, the largest workgroup and the squarest first', () => {
    expect(tileShape(8192, 64, 'tiled')).toEqual({ wgM: 8, wgN: 8 });
    expect(tileShape(8192, 2, 'tiled')).toEqual({ wgM: 32, wgN: 2 });
    expect(tileShape(64, 65, 'tiled')).toEqual({ wgM: 16, wgN: 4 });
    expect(tileShape(8192, 64, 'direct')).toEqual({ wgM: 8, wgN: 8 });
    expect(tileShape(8192, 2, 'direct')).toEqual({ wgM: 32, wgN: 1 });
    expect(tileShape(2, 65, 'direct')).toEqual({ wgM: 1, wgN: 32 });
  });
});

describe('dense layer on the GPU against the float64 reference', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });
  afterAll(() => reportWorstErrors('dense layer'));

  for (const c of CASES) {
    const name = `${c.core} core, batch ${c.batch}, ${c.inputs} → ${c.outputs}, ${c.inputActivation} in, ${c.activation} out, ${c.rowsPerSplit} rows per split${c.accumulate ? ', accumulating' : ''}`;
    it(name, () => withGpuErrorsChecked(gpu.device, async () => {
      const { device } = gpu;
      const { layer, paramCount } = denseLayer(c.inputs, c.outputs);
      // Weights scaled by 1/√inputs keep pre-activations of order 1, where tanh is not saturated.
      const params = randomFloats(paramCount, 1, -1 / Math.sqrt(c.inputs), 1 / Math.sqrt(c.inputs));
      // The input is the output of a layer with inputActivation (relu: about half zeros), as in a network.
      const inputLayer = activationLayer(c.inputActivation);
      const x = Float32Array.from(layerForward(inputLayer, params, Float64Array.from(randomFloats(c.batch * c.inputs, 2, -2, 2)), c.batch));
      const dz = randomFloats(c.batch * c.outputs, 3);
      // Nonzero starting gradients check that the kernels add to them (dzBefore0: where accumulating).
      const grads0 = randomFloats(paramCount, 4);
      const dzBefore0 = randomFloats(c.batch * c.inputs, 5);

      const splits = gradientSplits(c.batch, paramCount, c.rowsPerSplit);
      const buffers = {
        params: upload(device, 'params', params),
        input: upload(device, 'x', x),
        output: createStorageBuffer(device, 'y', c.batch * c.outputs * 4),
      };
      const gradients = {
        dOutput: upload(device, 'dz', dz),
        dInput: upload(device, 'dz before', dzBefore0),
        inputActivation: c.inputActivation,
        accumulateInput: c.accumulate,
        partials: createPartialsBuffer(device, splits),
      };
      const grads = upload(device, 'grads', grads0);
      const dense = new GpuDenseLayer(gpu, { layer, activation: c.activation, batch: c.batch, splits, buffers, gradients, core: c.core });
      const reduction = new GpuGradientReduction(gpu, splits, { partials: gradients.partials, grads });
      await runPass(device, (pass) => {
        dense.recordForward(pass);
        dense.recordBackward(pass);
        reduction.record(pass);
      });
      const [y, dzBefore, gpuGrads] = await Promise.all([buffers.output, gradients.dInput, grads].map((buffer) => readFloats(device, buffer)));

      const preActivation = layerForward(layer, params, Float64Array.from(x), c.batch);
      expectClose(y, layerForward(activationLayer(c.activation), params, preActivation, c.batch), `y (${c.activation})`);

      const refGrads = Float64Array.from(grads0);
      const refDx = layerBackward(layer, params, Float64Array.from(x), preActivation, Float64Array.from(dz), c.batch, refGrads);
      // act′ of the input's layer, through x, its output, as the GPU has it.
      const refDzBefore = layerBackward(inputLayer, params, new Float64Array(x.length), Float64Array.from(x), refDx, c.batch, refGrads);
      if (c.accumulate) refDzBefore.forEach((value, k) => (refDzBefore[k] = value + dzBefore0[k]));
      expectClose(dzBefore, refDzBefore, 'dz of the layer before');
      const slice = (a: ArrayLike<number>, tensor: TensorSpec) => Array.from(a).slice(tensor.offset, tensor.offset + tensor.size);
      expectClose(slice(gpuGrads, layer.weight), slice(refGrads, layer.weight), 'dW');
      expectClose(slice(gpuGrads, layer.bias), slice(refGrads, layer.bias), 'db');
      // Elements of no tensor of this layer keep their values exactly.
      for (const k of [0, 1, 2, layer.bias.offset - 1, paramCount - 1]) expect(gpuGrads[k]).toBe(grads0[k]);
    }));
  }
});

import { describe, expect, it } from 'vitest';
import { dawnFlags } from '../src/gpu/node.ts';

describe("Dawn's flags from the GPU options", () => {
  it('pass the backend, a named adapter and disable_robustness through; SwiftShader goes by VK_ICD_FILENAMES', () => {
    expect(dawnFlags({})).toEqual([]);
    expect(dawnFlags({ adapter: 'software', robustness: true })).toEqual([]);
    expect(dawnFlags({ backend: 'opengles', adapter: 'llvmpipe', robustness: false })).toEqual([
      'backend=opengles',
      'adapter=llvmpipe',
      'enable-dawn-features=disable_robustness',
    ]);
  });
});

import type { EnvDefinition } from '../../env.ts';
import type { GpuContext } from '../../gpu/context.ts';
import { computePipeline } from '../../gpu/pipelines.ts';
import { composeShader, declaredOverrides } from '../../gpu/shaders.ts';
import type { GpuVecEnv } from '../../vecenv/gpu.ts';
import { pixelToWorld, sceneFor } from './scenes.ts';

/** One square of the atlas showing one env: `size` pixels at (x, y). */
export interface View {
  agent: number;
  x: number;
  y: number;
  size: number;
}

const VIEW_BYTES = 16;
const WORKGROUP_SIDE = 8;

/**
 * Draws envs of a GPU VecEnv into an RGBA atlas texture with one compute pass per frame
 * (shaders/render/): MinAtar grids from the packed observations, classic control from the states.
 * Nothing is read back; the texture is sampled by PixiJS.
 */
export class AgentFrames {
  readonly texture: GPUTexture;
  private readonly device: GPUDevice;
  private readonly pipeline: GPUComputePipeline;
  private readonly viewsBuffer: GPUBuffer;
  private readonly bindGroup: GPUBindGroup;
  private readonly uniforms: GPUBuffer;
  private readonly paletteBuffer: GPUBuffer;
  private views: View[] = [];
  private readonly width: number;
  private readonly height: number;
  private staging?: GPUBuffer;
  private reading = false;

  constructor(ctx: GpuContext, env: EnvDefinition<any, any>, vecEnv: GpuVecEnv, width: number, height: number, readonly maxViews: number) {
    const { device } = ctx;
    this.device = device;
    const scene = sceneFor(env);
    const label = `${env.spec.id} frames`;
    this.texture = device.createTexture({
      label: `${label} atlas`,
      size: [width, height],
      format: 'rgba8unorm',
      usage: GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_SRC,
    });
    this.width = width;
    this.height = height;
    this.viewsBuffer = device.createBuffer({ label: `${label} views`, size: maxViews * VIEW_BYTES, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    const palette = new Float32Array(scene.palette.length * 4);
    scene.palette.forEach(([r, g, b], i) => palette.set([r / 255, g / 255, b / 255, 1], i * 4));
    this.paletteBuffer = device.createBuffer({ label: `${label} palette`, size: palette.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(this.paletteBuffer, 0, palette);
    this.uniforms = device.createBuffer({ label: `${label} scene`, size: 48, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(this.uniforms, 0, pixelToWorld(scene.world));

    const code = composeShader(ctx.shaders, scene.modules);
    const constants = declaredOverrides(code, { ...env.wgsl.constants(env.params), ...scene.constants });
    const storage = (binding: number): GPUBindGroupLayoutEntry => ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } });
    const entries: GPUBindGroupLayoutEntry[] = [
      storage(0),
      storage(1),
      storage(2),
      { binding: 3, visibility: GPUShaderStage.COMPUTE, storageTexture: { access: 'write-only', format: 'rgba8unorm' } },
      { binding: 4, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
    ];
    const layout = device.createBindGroupLayout({ label, entries });
    this.pipeline = computePipeline(
      device,
      { label, code, entryPoint: 'draw_views', constants, layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }) },
      JSON.stringify(entries),
    );
    const source = scene.source === 'obs' ? vecEnv.buffers.obs : vecEnv.buffers.state;
    this.bindGroup = device.createBindGroup({
      label,
      layout,
      entries: [
        { binding: 0, resource: { buffer: this.viewsBuffer } },
        { binding: 1, resource: { buffer: source } },
        { binding: 2, resource: { buffer: this.paletteBuffer } },
        { binding: 3, resource: this.texture.createView() },
        { binding: 4, resource: { buffer: this.uniforms } },
      ],
    });
  }

  setViews(views: readonly View[]): void {
    if (views.length > this.maxViews) throw new Error(`at most ${this.maxViews} views, got ${views.length}`);
    this.views = views.map((view) => ({ ...view }));
    const words = new Uint32Array(Math.max(1, views.length) * 4);
    views.forEach((view, i) => words.set([view.agent, view.x, view.y, view.size], i * 4));
    this.device.queue.writeBuffer(this.viewsBuffer, 0, words);
  }

  /** Records the pass that redraws every view from the VecEnv's current buffers. */
  encode(encoder: GPUCommandEncoder): void {
    if (this.views.length === 0) return;
    const side = Math.max(...this.views.map((view) => view.size));
    const pass = encoder.beginComputePass({ label: 'agent frames' });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    const groups = Math.ceil(side / WORKGROUP_SIDE);
    pass.dispatchWorkgroups(groups, groups, this.views.length);
    pass.end();
  }

  /**
   * The WebGL fallback's readback: the atlas as tightly packed RGBA rows, after the work submitted so
   * far; undefined while the previous read is still in flight (that frame is skipped).
   */
  async readPixels(): Promise<Uint8Array | undefined> {
    if (this.reading) return undefined;
    this.reading = true;
    try {
      const rowBytes = this.width * 4;
      const paddedRow = Math.ceil(rowBytes / 256) * 256;
      this.staging ??= this.device.createBuffer({ label: 'atlas readback', size: paddedRow * this.height, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      const encoder = this.device.createCommandEncoder({ label: 'atlas readback' });
      encoder.copyTextureToBuffer({ texture: this.texture }, { buffer: this.staging, bytesPerRow: paddedRow }, [this.width, this.height]);
      this.device.queue.submit([encoder.finish()]);
      await this.staging.mapAsync(GPUMapMode.READ);
      const padded = new Uint8Array(this.staging.getMappedRange());
      const pixels = new Uint8Array(rowBytes * this.height);
      for (let y = 0; y < this.height; y++) pixels.set(padded.subarray(y * paddedRow, y * paddedRow + rowBytes), y * rowBytes);
      this.staging.unmap();
      return pixels;
    } finally {
      this.reading = false;
    }
  }

  destroy(): void {
    this.staging?.destroy();
    this.texture.destroy();
    this.viewsBuffer.destroy();
    this.paletteBuffer.destroy();
    this.uniforms.destroy();
  }
}

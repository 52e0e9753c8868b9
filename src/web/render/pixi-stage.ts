import {
  BufferImageSource,
  Container,
  DOMAdapter,
  ExternalSource,
  Graphics,
  Rectangle,
  Sprite,
  Texture,
  WebGLRenderer,
  WebGPURenderer,
  WebWorkerAdapter,
  type TextureSource,
} from 'pixi.js';
import type { AgentLayout, Rect } from './layout.ts';
import { CANVAS_HEIGHT, CANVAS_WIDTH } from './layout.ts';

// The worker environment's extensions, imported here: PixiJS's own detection picks the browser's
// (which touch `document`) inside a worker.
import 'pixi.js/webworker';

// PixiJS runs in the GPU-owner worker: no DOM, an OffscreenCanvas.
DOMAdapter.set(WebWorkerAdapter);

const SELECTION_COLOUR = 0xffd24a;

/**
 * How the atlas reaches the screen. 'webgpu': a PixiJS WebGPU renderer on wgym's own device samples
 * the atlas texture directly. 'webgl': the explicit fallback for browsers whose WebGPU cannot present
 * to a canvas: PixiJS draws with WebGL, and the atlas is copied from the GPU into a pixel buffer
 * once per frame (the one readback of the demo, only in this mode).
 */
export type StageKind = 'webgpu' | 'webgl';

/**
 * The PixiJS side of the agent view, on the worker's OffscreenCanvas: one sprite per agent tile and
 * one for the enlarged agent, all cut from the atlas the compute pass writes
 * (src/web/render/agent-frames.ts).
 */
export class PixiStage {
  private readonly stage = new Container();
  private readonly sprites = new Container();
  private readonly outline = new Graphics();
  private source?: TextureSource;
  private layout?: AgentLayout;

  private constructor(
    private readonly renderer: WebGPURenderer | WebGLRenderer,
    readonly kind: StageKind,
  ) {
    this.stage.addChild(this.sprites, this.outline);
  }

  static async create(canvas: OffscreenCanvas, adapter: GPUAdapter, device: GPUDevice, kind: StageKind = 'webgpu'): Promise<PixiStage> {
    const options = {
      // PixiJS's ICanvas covers OffscreenCanvas; its option type names the DOM canvas.
      canvas: canvas as unknown as HTMLCanvasElement,
      width: CANVAS_WIDTH,
      height: CANVAS_HEIGHT,
      resolution: 1,
      antialias: false,
      background: '#0b0d14',
      skipExtensionImports: true,
    };
    if (kind === 'webgl') {
      const renderer = new WebGLRenderer();
      await renderer.init(options);
      return new PixiStage(renderer, kind);
    }
    const renderer = new WebGPURenderer();
    await renderer.init({ ...options, gpu: { adapter, device } });
    return new PixiStage(renderer, kind);
  }

  /** WebGL mode: the atlas's pixels for the next render (RGBA rows of CANVAS_WIDTH). */
  upload(pixels: Uint8Array): void {
    const source = this.source;
    if (!(source instanceof BufferImageSource)) return;
    source.resource = pixels;
    source.update();
  }

  /** Shows `atlas` (canvas-sized) cut into the layout's tiles and its focus view. */
  show(atlas: GPUTexture, layout: AgentLayout): void {
    this.removeSprites();
    this.layout = layout;
    // One source for the stage's life, pointed at each session's atlas in turn: destroying a
    // source that PixiJS still has bound makes it warn.
    if (this.kind === 'webgl') {
      this.source ??= new BufferImageSource({ resource: new Uint8Array(CANVAS_WIDTH * CANVAS_HEIGHT * 4), width: CANVAS_WIDTH, height: CANVAS_HEIGHT, format: 'rgba8unorm', scaleMode: 'nearest', label: 'agent atlas' });
    } else if (!this.source) {
      this.source = new ExternalSource({ resource: atlas, renderer: this.renderer, label: 'agent atlas' });
      this.source.scaleMode = 'nearest';
    } else if (this.source.resource !== atlas) {
      (this.source as ExternalSource).updateGPUTexture(atlas);
    }
    for (const rect of layout.focus ? [...layout.tiles, layout.focus] : layout.tiles) {
      const sprite = new Sprite(new Texture({ source: this.source, frame: new Rectangle(rect.x, rect.y, rect.size, rect.size) }));
      sprite.position.set(rect.x, rect.y);
      sprite.scale.set(rect.scale ?? 1);
      this.sprites.addChild(sprite);
    }
  }

  /** Outlines the selected agent's tile (or nothing, for -1). */
  select(tile: number): void {
    this.outline.clear();
    const rect: Rect | undefined = this.layout?.tiles[tile];
    if (!rect) return;
    this.outline.rect(rect.x + 1, rect.y + 1, rect.size - 2, rect.size - 2).stroke({ width: 2, color: SELECTION_COLOUR });
    const focus = this.layout!.focus;
    if (focus) this.outline.rect(focus.x + 1, focus.y + 1, focus.size - 2, focus.size - 2).stroke({ width: 2, color: SELECTION_COLOUR });
  }

  /** Empties the stage (the atlas source stays for the next session). */
  clear(): void {
    this.removeSprites();
    this.outline.clear();
    this.layout = undefined;
  }

  private removeSprites(): void {
    for (const sprite of this.sprites.removeChildren()) sprite.destroy();
  }

  render(): void {
    this.renderer.render(this.stage);
  }

  destroy(): void {
    this.clear();
    this.source?.destroy();
    this.renderer.destroy();
  }
}

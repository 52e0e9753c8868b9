import { Container, DOMAdapter, ExternalSource, Graphics, Rectangle, Sprite, Texture, WebGPURenderer, WebWorkerAdapter } from 'pixi.js';
import type { AgentLayout, Rect } from './layout.ts';
import { CANVAS_HEIGHT, CANVAS_WIDTH } from './layout.ts';

// The worker environment's extensions, imported here: PixiJS's own detection picks the browser's
// (which touch `document`) inside a worker.
import 'pixi.js/webworker';

// PixiJS runs in the GPU-owner worker: no DOM, an OffscreenCanvas.
DOMAdapter.set(WebWorkerAdapter);

const SELECTION_COLOUR = 0xffd24a;

/**
 * The PixiJS side of the agent view: a WebGPU renderer on the worker's OffscreenCanvas that shares
 * wgym's GPUDevice, one sprite per agent tile and one for the enlarged agent, all cut from the
 * atlas texture the compute pass writes (src/web/render/agent-frames.ts).
 */
export class PixiStage {
  private readonly stage = new Container();
  private readonly sprites = new Container();
  private readonly outline = new Graphics();
  private source?: ExternalSource;
  private layout?: AgentLayout;

  private constructor(private readonly renderer: WebGPURenderer) {
    this.stage.addChild(this.sprites, this.outline);
  }

  static async create(canvas: OffscreenCanvas, adapter: GPUAdapter, device: GPUDevice): Promise<PixiStage> {
    const renderer = new WebGPURenderer();
    await renderer.init({
      // PixiJS's ICanvas covers OffscreenCanvas; its option type names the DOM canvas.
      canvas: canvas as unknown as HTMLCanvasElement,
      width: CANVAS_WIDTH,
      height: CANVAS_HEIGHT,
      resolution: 1,
      antialias: false,
      background: '#0b0d14',
      gpu: { adapter, device },
      skipExtensionImports: true,
    });
    return new PixiStage(renderer);
  }

  /** Shows `atlas` (canvas-sized) cut into the layout's tiles and its focus view. */
  show(atlas: GPUTexture, layout: AgentLayout): void {
    this.removeSprites();
    this.layout = layout;
    // One source for the stage's life, pointed at each session's atlas in turn: destroying a
    // source that PixiJS still has bound makes it warn.
    if (!this.source) {
      this.source = new ExternalSource({ resource: atlas, renderer: this.renderer, label: 'agent atlas' });
      this.source.scaleMode = 'nearest';
    } else if (this.source.resource !== atlas) {
      this.source.updateGPUTexture(atlas);
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

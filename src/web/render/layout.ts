/**
 * Where the agent views go on the demo's canvas: a square grid of the first K agents on the left
 * and one enlarged view of the selected agent on the right. The atlas texture uses the same
 * coordinates as the canvas, so a view's rectangle is both its atlas frame and its sprite.
 */
export const CANVAS_WIDTH = 980;
export const CANVAS_HEIGHT = 640;
export const GRID_SIDE = 640;
export const FOCUS_X = 660;
export const FOCUS_SIZE = 320;
const GAP = 4;
export const MIN_AGENTS = 1;
export const MAX_AGENTS = 64;
export const DEFAULT_AGENTS = 16;

export interface Rect {
  x: number;
  y: number;
  /** Side in atlas pixels; shown `scale` times as large at the same position. */
  size: number;
  scale?: number;
}

export interface AgentLayout {
  /** tiles[i] shows agent i. */
  tiles: Rect[];
  /** The enlarged view of the selected agent (none in play mode, whose one tile is large). */
  focus?: Rect;
}

/** Play mode: the one env, as large as the grid (drawn at half size and scaled up, which is cheaper). */
export function playLayout(): AgentLayout {
  return { tiles: [{ x: 0, y: 0, size: GRID_SIDE / 2, scale: 2 }] };
}

export function agentLayout(agents: number): AgentLayout {
  const count = Math.min(Math.max(Math.trunc(agents), MIN_AGENTS), MAX_AGENTS);
  const columns = Math.ceil(Math.sqrt(count));
  // Multiples of 10 keep MinAtar's 10×10 cells whole.
  const size = Math.floor((GRID_SIDE - GAP * (columns - 1)) / columns / 10) * 10;
  const tiles: Rect[] = [];
  for (let i = 0; i < count; i++) {
    tiles.push({ x: (i % columns) * (size + GAP), y: Math.floor(i / columns) * (size + GAP), size });
  }
  return { tiles, focus: { x: FOCUS_X, y: 0, size: FOCUS_SIZE } };
}

/** The tile under canvas point (x, y), or -1. */
export function tileAt(layout: AgentLayout, x: number, y: number): number {
  return layout.tiles.findIndex((tile) => {
    const side = tile.size * (tile.scale ?? 1);
    return x >= tile.x && x < tile.x + side && y >= tile.y && y < tile.y + side;
  });
}

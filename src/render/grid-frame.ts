/**
 * A MinAtar observation as a picture: each cell takes the colour of its highest set channel (as
 * the original's display does), empty cells are background, with a thin grid between cells.
 * Produces palette indices (0 background, 1 grid lines, 2 + channel), for indexed formats like GIF.
 */
export const BACKGROUND: readonly [number, number, number] = [12, 12, 20];
export const GRID_LINE: readonly [number, number, number] = [32, 32, 44];

export function framePalette(channelColours: readonly (readonly [number, number, number])[]): number[][] {
  return [[...BACKGROUND], [...GRID_LINE], ...channelColours.map((rgb) => [...rgb])];
}

export function renderGridFrame(obs: ArrayLike<number>, offset: number, rows: number, cols: number, channels: number, cellSize: number): Uint8Array {
  const width = cols * cellSize;
  const height = rows * cellSize;
  const pixels = new Uint8Array(width * height);
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      let index = 0;
      for (let channel = channels - 1; channel >= 0; channel--) {
        if (obs[offset + (row * cols + col) * channels + channel] !== 0) {
          index = 2 + channel;
          break;
        }
      }
      for (let y = 0; y < cellSize; y++) {
        for (let x = 0; x < cellSize; x++) {
          const edge = x === cellSize - 1 || y === cellSize - 1;
          pixels[(row * cellSize + y) * width + col * cellSize + x] = edge ? 1 : index;
        }
      }
    }
  }
  return pixels;
}

// The parts of gifenc (no bundled types) that scripts/render-games.mts uses.
declare module 'gifenc' {
  interface Encoder {
    writeFrame(index: Uint8Array, width: number, height: number, options: { palette: number[][]; delay?: number }): void;
    finish(): void;
    bytes(): Uint8Array;
  }
  // A CommonJS module: Node exposes its exports as the default import.
  const gifenc: { GIFEncoder(): Encoder };
  export default gifenc;
}

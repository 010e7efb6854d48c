/** Types of masks.js (written in plain JS so that Node's test runner runs it as it is). */
export interface PixelPoint {
  x: number;
  y: number;
}
export interface Path {
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
}
export function exclusiveMasks(r: Uint8Array, s: Uint8Array, n: number): { relevant: Uint8Array; shortcut: Uint8Array };
export function paintPixel(
  tool: 'none' | 'brush' | 'box' | 'erase',
  kind: 'relevant' | 'shortcut',
  relevant: Uint8Array,
  shortcut: Uint8Array,
  i: number,
): boolean;
export function disc(w: number, h: number, x: number, y: number, r: number, visit: (i: number) => void): void;
export function brush(w: number, h: number, x: number, y: number, size: number, visit: (i: number) => void): void;
export function box(a: PixelPoint, b: PixelPoint, w: number, visit: (i: number) => void): void;
export function outline(
  path: Path,
  mask: Uint8Array,
  w: number,
  h: number,
  sx: number,
  sy: number,
  region?: { x0: number; y0: number; x1: number; y1: number },
): boolean;

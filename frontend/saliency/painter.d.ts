/** Types of painter.js (written in plain JS so that Node's test runner runs it as it is). */
import type { ColormapName } from './colormap.js';
import type { SignMode } from './normalise.js';

export function paintMap(
  values: Float32Array,
  colormap: ColormapName,
  sign: SignMode,
  opacity: number,
  out: Uint8ClampedArray,
): Uint8ClampedArray;

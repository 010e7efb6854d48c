/** Types of colormap.js (written in plain JS so that Node's test runner runs it as it is). */
import type { SignMode } from './normalise.js';

export type ColormapName = 'inferno' | 'viridis' | 'coolwarm';
export const LUT_SIZE: number;
export const REVIEW: { colormap: ColormapName; sign: SignMode; opacity: number };
export function lut(name: ColormapName): Uint8ClampedArray;
export function isDiverging(name: ColormapName): boolean;

/** Types of normalise.js (written in plain JS so that Node's test runner runs it as it is). */
export type SignMode = 'positive' | 'negative' | 'absolute' | 'signed';
export const PERCENTILE: number;
export function sumChannels(values: Float32Array, pixels: number, channels: number): Float32Array;
export function normalise(map: Float32Array, sign: SignMode): Float32Array;
export function mapSignal(map: Float32Array, sign: SignMode): { scale: number; constant: boolean; value: number };

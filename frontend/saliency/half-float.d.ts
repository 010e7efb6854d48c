/** Types of half-float.js (written in plain JS so that Node's test runner runs it as it is). */
export function decodeHalves(bytes: Uint8Array, count: number): Float32Array;

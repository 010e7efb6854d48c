/** Types of base64.js (written in plain JS so that Node's test runner runs it as it is). */
export function base64ToBytes(b64: string): Uint8Array;
export function bytesToBase64(bytes: Uint8Array): string;

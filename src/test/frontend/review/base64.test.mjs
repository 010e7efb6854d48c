// Bytes to base64 and back, as maps and masks travel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base64ToBytes, bytesToBase64 } from '../../../../frontend/review/base64.js';

test('round trip, including more bytes than one chunk', () => {
  const bytes = Uint8Array.from({ length: 0x8000 * 2 + 3 }, (_, i) => (i * 31) & 0xff);
  assert.deepEqual(base64ToBytes(bytesToBase64(bytes)), bytes);
});

test('known encodings; empty stays empty', () => {
  assert.equal(bytesToBase64(Uint8Array.from([0, 1, 0, 255])), 'AAEA/w==');
  assert.deepEqual(Array.from(base64ToBytes('AAEA/w==')), [0, 1, 0, 255]);
  assert.equal(base64ToBytes('').length, 0);
  assert.equal(bytesToBase64(new Uint8Array(0)), '');
});

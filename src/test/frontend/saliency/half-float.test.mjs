// decodeHalves on hand-computed binary16 bit patterns: normals, subnormals, zeros, infinities, NaN.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHalves } from '../../../../frontend/saliency/half-float.js';

/** Little-endian bytes of 16-bit patterns. */
function bytes(...halves) {
  const out = new Uint8Array(halves.length * 2);
  halves.forEach((h, i) => {
    out[2 * i] = h & 0xff;
    out[2 * i + 1] = h >> 8;
  });
  return out;
}

function decodeOne(half) {
  return decodeHalves(bytes(half), 1)[0];
}

test('normal halves: sign, exponent and mantissa move into place', () => {
  assert.equal(decodeOne(0x3c00), 1); // 0 01111 0000000000
  assert.equal(decodeOne(0xc000), -2); // 1 10000 0000000000
  assert.equal(decodeOne(0x3555), 0.333251953125); // 1.0101010101b × 2^-2
  assert.equal(decodeOne(0x3bff), 0.99951171875); // largest below 1: 1 - 2^-11
  assert.equal(decodeOne(0x5640), 100); // 1.5625 × 2^6
  assert.equal(decodeOne(0x7bff), 65504); // largest finite half
  assert.equal(decodeOne(0xfbff), -65504);
  assert.equal(decodeOne(0x0400), 2 ** -14); // smallest normal
});

test('subnormal halves are mantissa × 2^-24', () => {
  assert.equal(decodeOne(0x0001), 2 ** -24); // smallest subnormal
  assert.equal(decodeOne(0x8001), -(2 ** -24));
  assert.equal(decodeOne(0x0200), 512 * 2 ** -24); // 2^-15
  assert.equal(decodeOne(0x03ff), 1023 * 2 ** -24); // largest subnormal, just below 2^-14
});

test('zeros keep their sign', () => {
  assert.ok(Object.is(decodeOne(0x0000), 0));
  assert.ok(Object.is(decodeOne(0x8000), -0));
});

test('infinities and NaN keep their class', () => {
  assert.equal(decodeOne(0x7c00), Infinity);
  assert.equal(decodeOne(0xfc00), -Infinity);
  assert.ok(Number.isNaN(decodeOne(0x7e00))); // quiet NaN
  assert.ok(Number.isNaN(decodeOne(0x7c01))); // signalling NaN: mantissa not zero
  assert.ok(Number.isNaN(decodeOne(0xfe00)));
});

test('reads count values in order, little-endian', () => {
  const out = decodeHalves(bytes(0x3c00, 0xc000, 0x0001, 0x7c00), 4);
  assert.deepEqual(Array.from(out), [1, -2, 2 ** -24, Infinity]);
  assert.deepEqual(Array.from(decodeHalves(new Uint8Array([0x00, 0x3c, 0x00, 0xc0]), 1)), [1]);
  assert.equal(decodeHalves(new Uint8Array(0), 0).length, 0);
});

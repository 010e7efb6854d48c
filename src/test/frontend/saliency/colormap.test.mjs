// The lookup tables of map-rendering.json: ends, middle, diverging or not; painting with them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDiverging, lut, LUT_SIZE, REVIEW } from '../../../../frontend/saliency/colormap.js';
import { paintMap } from '../../../../frontend/saliency/painter.js';

const entry = (name, i) => Array.from(lut(name).subarray(i * 3, i * 3 + 3));

test('every colormap has 256 RGB entries', () => {
  for (const name of ['inferno', 'viridis', 'coolwarm']) {
    assert.equal(lut(name).length, LUT_SIZE * 3);
  }
});

test('the ends of each colormap', () => {
  assert.deepEqual(entry('inferno', 0), [0, 0, 0]);
  assert.deepEqual(entry('inferno', 255), [250, 255, 168]);
  assert.deepEqual(entry('viridis', 0), [71, 1, 85]);
  assert.deepEqual(entry('viridis', 255), [252, 231, 33]);
  assert.deepEqual(entry('coolwarm', 0), [59, 76, 192]);
  assert.deepEqual(entry('coolwarm', 255), [180, 4, 38]);
  // the middle of coolwarm is (nearly) grey: between its stops 16 (221,221,221) and 17 (229,216,209)
  assert.deepEqual(entry('coolwarm', 128), [222, 221, 220]);
});

test('only coolwarm is diverging; the review shows inferno, |v|, at 0.6', () => {
  assert.equal(isDiverging('coolwarm'), true);
  assert.equal(isDiverging('inferno'), false);
  assert.equal(isDiverging('viridis'), false);
  assert.deepEqual(REVIEW, { colormap: 'inferno', sign: 'absolute', opacity: 0.6 });
  assert.throws(() => lut('jet'), /unknown colormap jet/);
});

test('painting: sequential maps [0, 1], signed maps [-1, 1], alpha is opacity × |v|', () => {
  const out = paintMap(Float32Array.from([0, 0.5, 1]), 'inferno', 'absolute', 0.6, new Uint8ClampedArray(12));
  assert.deepEqual(Array.from(out.subarray(0, 4)), [0, 0, 0, 0]);
  assert.deepEqual(Array.from(out.subarray(4, 8)), [...entry('inferno', 128), 77]); // round(127.5), round(76.5)
  assert.deepEqual(Array.from(out.subarray(8, 12)), [...entry('inferno', 255), 153]);
  const signed = paintMap(Float32Array.from([-1, 0, 1]), 'viridis', 'signed', 1, new Uint8ClampedArray(12));
  assert.deepEqual(Array.from(signed.subarray(0, 4)), [...entry('viridis', 0), 255]);
  assert.deepEqual(Array.from(signed.subarray(4, 8)), [...entry('viridis', 128), 0]);
  assert.deepEqual(Array.from(signed.subarray(8, 12)), [...entry('viridis', 255), 255]);
});

test('painting with coolwarm: its upper half for positive and absolute, its lower half for negative', () => {
  const values = Float32Array.from([0, 1]);
  const up = paintMap(values, 'coolwarm', 'positive', 1, new Uint8ClampedArray(8));
  assert.deepEqual(Array.from(up), [...entry('coolwarm', 128), 0, ...entry('coolwarm', 255), 255]);
  const down = paintMap(values, 'coolwarm', 'negative', 1, new Uint8ClampedArray(8));
  assert.deepEqual(Array.from(down), [...entry('coolwarm', 128), 0, ...entry('coolwarm', 0), 255]);
  const signed = paintMap(Float32Array.from([-1]), 'coolwarm', 'signed', 1, new Uint8ClampedArray(4));
  assert.deepEqual(Array.from(signed), [...entry('coolwarm', 0), 255]);
});

test('painting clamps the opacity and takes the review default for a non-number', () => {
  const one = Float32Array.from([1]);
  assert.equal(paintMap(one, 'inferno', 'absolute', 3, new Uint8ClampedArray(4))[3], 255);
  assert.equal(paintMap(one, 'inferno', 'absolute', -1, new Uint8ClampedArray(4))[3], 0);
  assert.equal(paintMap(one, 'inferno', 'absolute', NaN, new Uint8ClampedArray(4))[3], 153);
});

// normalise: the 99th percentile as the scale, the maximum where it is 0, sign modes; sumChannels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalise, PERCENTILE, sumChannels } from '../../../../frontend/saliency/normalise.js';

const f32 = (xs) => Float32Array.from(xs);

test('the percentile is the one of map-rendering.json', () => {
  assert.equal(PERCENTILE, 0.99);
});

test('scales to the magnitude at index floor(0.99 (n - 1)) of the sorted magnitudes', () => {
  // 0..199: index floor(0.99 × 199) = 197, so 197 is the scale and 197..199 saturate
  const map = f32(Array.from({ length: 200 }, (_, i) => i));
  const out = normalise(map, 'absolute');
  assert.equal(out[0], 0);
  assert.equal(out[196], Math.fround(196 / 197));
  assert.equal(out[197], 1);
  assert.equal(out[199], 1);
  // 0..100: index floor(0.99 × 100) = 99
  const hundred = normalise(f32(Array.from({ length: 101 }, (_, i) => i)), 'absolute');
  assert.equal(hundred[50], Math.fround(50 / 99));
  assert.equal(hundred[100], 1);
});

test('the percentile does not depend on the order of the pixels', () => {
  const map = f32(Array.from({ length: 200 }, (_, i) => (i * 37) % 200));
  const out = normalise(map, 'absolute');
  for (let i = 0; i < map.length; i++) {
    assert.equal(out[i], Math.fround(Math.min(map[i] / 197, 1)));
  }
});

test('a sparse map whose percentile is 0 is scaled to its maximum', () => {
  // 200 pixels, 2 of them non-zero: the magnitude at index 197 of the sorted 200 is 0
  const map = new Float32Array(200);
  map[7] = 4;
  map[8] = 2;
  const out = normalise(map, 'absolute');
  assert.equal(out[7], 1);
  assert.equal(out[8], 0.5);
  assert.equal(out[0], 0);
});

test('a map without magnitude is all zeros, an empty map empty', () => {
  assert.deepEqual(Array.from(normalise(new Float32Array(5), 'signed')), [0, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(normalise(f32([-1, -2]), 'positive')), [0, 0]);
  assert.equal(normalise(new Float32Array(0), 'absolute').length, 0);
});

test('sign modes: positive, negative, absolute and signed', () => {
  const map = f32([-4, -2, 0, 2, 4]); // n = 5: index floor(0.99 × 4) = 3 of the sorted magnitudes
  assert.deepEqual(Array.from(normalise(map, 'absolute')), [1, 0.5, 0, 0.5, 1]);
  assert.deepEqual(Array.from(normalise(map, 'signed')), [-1, -0.5, 0, 0.5, 1]);
  // positive: magnitudes 0 0 0 2 4, scale 2
  assert.deepEqual(Array.from(normalise(map, 'positive')), [0, 0, 0, 1, 1]);
  // negative: magnitudes 4 2 0 0 0, scale 2
  assert.deepEqual(Array.from(normalise(map, 'negative')), [1, 1, 0, 0, 0]);
});

test('sumChannels adds the channels per pixel and counts non-finite values as 0', () => {
  const values = f32([1, 2, 3, 10, NaN, -Infinity, 0.5, Infinity, 1]);
  assert.deepEqual(Array.from(sumChannels(values, 3, 3)), [11.5, 2, 4]);
  assert.deepEqual(Array.from(sumChannels(f32([1, -1]), 2, 1)), [1, -1]);
});

test('a map says whether it carries a signal: all zeros and constants are flagged, the scale is what shows as 1', async () => {
  const { mapSignal } = await import('../../../../frontend/saliency/normalise.js');
  assert.deepEqual(mapSignal(new Float32Array(16), 'absolute'), { scale: 0, constant: true, value: 0 });
  assert.deepEqual(mapSignal(Float32Array.from([0.5, 0.5, 0.5, 0.5]), 'absolute'), { scale: 0.5, constant: true, value: 0.5 });
  const ramp = Float32Array.from({ length: 101 }, (_, i) => i - 50); // -50 .. 50
  // |v| sorted: 0, 1, 1, …, 50, 50; index floor(0.99 × 100) = 99 holds 50
  assert.deepEqual(mapSignal(ramp, 'absolute'), { scale: 50, constant: false, value: 0 });
  // only negatives with sign positive: nothing shows
  assert.equal(mapSignal(Float32Array.from([-1, -2, -3]), 'positive').scale, 0);
});

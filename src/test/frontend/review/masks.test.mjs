// The masks: made exclusive, painted and erased per pixel, discs and boxes, outlines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { box, brush, disc, exclusiveMasks, outline, paintPixel } from '../../../../frontend/review/masks.js';

const u8 = (xs) => Uint8Array.from(xs);

test('a pixel set in both masks is shortcut; a mask of another size is empty', () => {
  const { relevant, shortcut } = exclusiveMasks(u8([1, 1, 0, 5]), u8([0, 1, 0, 0]), 4);
  assert.deepEqual(Array.from(relevant), [1, 0, 0, 1]);
  assert.deepEqual(Array.from(shortcut), [0, 1, 0, 0]);
  const wrong = exclusiveMasks(u8([1, 1]), u8([1, 0, 0, 1]), 4);
  assert.deepEqual(Array.from(wrong.relevant), [0, 0, 0, 0]);
  assert.deepEqual(Array.from(wrong.shortcut), [1, 0, 0, 1]);
});

test('painting moves a pixel into the kind painted, erasing clears both; each says whether it changed', () => {
  const relevant = new Uint8Array(2);
  const shortcut = new Uint8Array(2);
  assert.equal(paintPixel('brush', 'relevant', relevant, shortcut, 0), true);
  assert.equal(paintPixel('brush', 'relevant', relevant, shortcut, 0), false);
  assert.equal(paintPixel('box', 'shortcut', relevant, shortcut, 0), true);
  assert.deepEqual([relevant[0], shortcut[0]], [0, 1]);
  assert.equal(paintPixel('erase', 'relevant', relevant, shortcut, 0), true);
  assert.deepEqual([relevant[0], shortcut[0]], [0, 0]);
  assert.equal(paintPixel('erase', 'shortcut', relevant, shortcut, 1), false);
});

test('a disc is the pixels within the radius of the pixel holding the point, cut at the border', () => {
  const seen = [];
  disc(5, 5, 2.7, 2.2, 1, (i) => seen.push(i));
  assert.deepEqual(seen, [7, 11, 12, 13, 17]); // the centre (2, 2) and its four neighbours
  const corner = [];
  disc(5, 5, 0, 0, 1.5, (i) => corner.push(i));
  assert.deepEqual(corner, [0, 1, 5, 6]);
  const dot = [];
  disc(5, 5, 4.9, 4.9, 0, (i) => dot.push(i));
  assert.deepEqual(dot, [24]);
});

test('a box includes both corners, whichever way it was dragged', () => {
  const seen = [];
  box({ x: 2, y: 1 }, { x: 1, y: 0 }, 4, (i) => seen.push(i));
  assert.deepEqual(seen, [1, 2, 5, 6]);
});

test('the outline of a pixel is its four edges; of two neighbours, six', () => {
  const segments = [];
  const path = {
    moveTo: (x, y) => segments.push([x, y]),
    lineTo: (x, y) => segments[segments.length - 1].push(x, y),
  };
  assert.equal(outline(path, u8([0, 0, 0, 1]), 2, 2, 10, 10), true);
  assert.deepEqual(segments, [[10, 10, 20, 10], [10, 20, 20, 20], [10, 10, 10, 20], [20, 10, 20, 20]]);
  segments.length = 0;
  assert.equal(outline(path, u8([1, 1, 0, 0]), 2, 2, 1, 2), true);
  assert.equal(segments.length, 6);
  assert.equal(outline(path, u8([0, 0, 0, 0]), 2, 2, 1, 1), false);
});

const footprint = (w, h, x, y, size) => {
  const seen = [];
  brush(w, h, x, y, size, (i) => seen.push([i % w, Math.floor(i / w)]));
  return seen;
};

test('a brush of size 1 paints the pixel under the pointer, 2 a 2 × 2 square about the nearest corner', () => {
  assert.deepEqual(footprint(8, 8, 3.2, 5.9, 1), [[3, 5]]);
  // (3.2, 5.9): nearest corner (3, 6), the pixels around it
  assert.deepEqual(footprint(8, 8, 3.2, 5.9, 2), [[2, 5], [3, 5], [2, 6], [3, 6]]);
});

test('a brush of size 3 is the 3 × 3 square about the pixel under the pointer', () => {
  assert.deepEqual(footprint(8, 8, 4.7, 2.1, 3), [
    [3, 1], [4, 1], [5, 1],
    [3, 2], [4, 2], [5, 2],
    [3, 3], [4, 3], [5, 3],
  ]);
});

test('the default brush (4) put on the centre of a 4 × 4 patch paints 12 of its pixels and none outside', () => {
  // a 4 × 4 patch at pixels 12..15 × 12..15 of a 28 × 28 image; its centre is the corner (14, 14)
  const seen = footprint(28, 28, 14.2, 13.8, 4);
  assert.deepEqual(seen, [
    [13, 12], [14, 12],
    [12, 13], [13, 13], [14, 13], [15, 13],
    [12, 14], [13, 14], [14, 14], [15, 14],
    [13, 15], [14, 15],
  ]);
});

test('a brush of size 5 is the 5 × 5 square without its corners, cut at the border', () => {
  assert.equal(footprint(28, 28, 10.5, 10.5, 5).length, 21);
  // at pixel (0, 0): the quarter of it that lies in the image, without the corner (2, 2)
  assert.deepEqual(footprint(28, 28, 0.3, 0.6, 5), [[0, 0], [1, 0], [2, 0], [0, 1], [1, 1], [2, 1], [0, 2], [1, 2]]);
});

test('brush sizes are whole pixels, at least one', () => {
  assert.deepEqual(footprint(4, 4, 1.5, 1.5, 0), [[1, 1]]);
  assert.deepEqual(footprint(4, 4, 1.5, 1.5, 0.7), [[1, 1]]);
  assert.deepEqual(footprint(4, 4, 1.5, 1.5, NaN), [[1, 1]]);
  assert.equal(footprint(28, 28, 10.5, 10.5, 3.4).length, 9);
});

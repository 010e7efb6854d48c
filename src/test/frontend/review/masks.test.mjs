// The masks: made exclusive, painted and erased per pixel, discs and boxes, outlines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { box, disc, exclusiveMasks, outline, paintPixel } from '../../../../frontend/review/masks.js';

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

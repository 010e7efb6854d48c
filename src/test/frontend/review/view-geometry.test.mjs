// Zoom, pan and the map frame: image pixels to viewport CSS pixels and image pixels to map pixels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  carryView,
  clampView,
  fitView,
  frameOrImage,
  imageToMap,
  imageToScreen,
  mapOnPixelGrid,
  mapToImage,
  panBy,
  scaleLimits,
  screenToImage,
  visiblePixels,
  zoomAt,
} from '../../../../frontend/review/view-geometry.js';

// a 512 × 384 image in a 448 × 336 viewport: the fit is 0.875 CSS px a pixel
const VW = 448;
const VH = 336;
const W = 512;
const H = 384;

test('the fit shows the whole image, and the image point under the pointer stays there when zooming', () => {
  const fit = fitView(VW, VH, W, H);
  assert.deepEqual(fit, { scale: 0.875, x: 0, y: 0 });
  // zoom to 3 CSS px a pixel about viewport point (224, 168), the centre: image point (256, 192) stays
  const z = zoomAt(fit, 3, 224, 168, VW, VH, W, H);
  assert.equal(z.scale, 3);
  assert.deepEqual(screenToImage(z, 224, 168), { x: 256, y: 192 });
  assert.deepEqual(z, { scale: 3, x: 224 - 768, y: 168 - 576 });
  // and about a corner point: image point (0, 0) stays at (0, 0)
  assert.deepEqual(zoomAt(fit, 3, 0, 0, VW, VH, W, H), { scale: 3, x: 0, y: 0 });
});

test('screen and image coordinates are inverse of each other', () => {
  const view = { scale: 3, x: -100, y: -50 };
  assert.deepEqual(screenToImage(view, 200, 100), { x: 100, y: 50 });
  assert.deepEqual(imageToScreen(view, 100, 50), { x: 200, y: 100 });
});

test('zoom has limits: from the fit (or 1:1 if smaller) to 32 CSS px a pixel', () => {
  assert.deepEqual(scaleLimits(VW, VH, W, H), { min: 0.875, max: 32 });
  assert.equal(zoomAt(fitView(VW, VH, W, H), 1000, 0, 0, VW, VH, W, H).scale, 32);
  assert.equal(zoomAt(fitView(VW, VH, W, H), 0.01, 0, 0, VW, VH, W, H).scale, 0.875);
  // a 28 × 28 image fits at 16; 1:1 is allowed below it, and up to 8 × the fit
  assert.deepEqual(scaleLimits(448, 448, 28, 28), { min: 1, max: 128 });
});

test('panning stops at the image edges; an image smaller than the viewport is centred', () => {
  const z = { scale: 2, x: 0, y: 0 }; // 1024 × 768 CSS px
  assert.deepEqual(panBy(z, 50, 50, VW, VH, W, H), { scale: 2, x: 0, y: 0 });
  assert.deepEqual(panBy(z, -10000, -10000, VW, VH, W, H), { scale: 2, x: 448 - 1024, y: 336 - 768 });
  assert.deepEqual(panBy(z, -30, -20, VW, VH, W, H), { scale: 2, x: -30, y: -20 });
  // 28 × 28 at 1:1 in 448 × 448: centred whatever the pan
  assert.deepEqual(clampView({ scale: 1, x: 300, y: -5 }, 448, 448, 28, 28), { scale: 1, x: 210, y: 210 });
});

test('the visible pixels are the whole pixels the viewport shows in part', () => {
  assert.deepEqual(visiblePixels({ scale: 3, x: -544, y: -408 }, VW, VH, W, H), {
    x0: 181, y0: 136, x1: 331, y1: 248,
  });
  assert.deepEqual(visiblePixels(fitView(VW, VH, W, H), VW, VH, W, H), { x0: 0, y0: 0, x1: 512, y1: 384 });
});

test('the map frame defaults to the whole image; a bad frame is the whole image', () => {
  assert.deepEqual(frameOrImage(null, W, H), { x: 0, y: 0, width: 512, height: 384 });
  assert.deepEqual(frameOrImage({ x: 0, y: 0, width: 0, height: 10 }, W, H), { x: 0, y: 0, width: 512, height: 384 });
  assert.deepEqual(frameOrImage({ x: NaN, y: 0, width: 5, height: 10 }, W, H), { x: 0, y: 0, width: 512, height: 384 });
  assert.deepEqual(frameOrImage({ x: 64, y: 0, width: 384, height: 384 }, W, H), { x: 64, y: 0, width: 384, height: 384 });
});

test('image and map coordinates: a 224 map over the centre crop of a 512 × 384 image', () => {
  // centre crop: the shorter side (384) to 224, the centre 384 × 384 of the image is the map
  const frame = { x: 64, y: 0, width: 384, height: 384 };
  assert.deepEqual(imageToMap(frame, 224, 224, 64, 0), { x: 0, y: 0 });
  assert.deepEqual(imageToMap(frame, 224, 224, 448, 384), { x: 224, y: 224 });
  assert.deepEqual(imageToMap(frame, 224, 224, 256, 192), { x: 112, y: 112 });
  assert.deepEqual(mapToImage(frame, 224, 224, 112, 112), { x: 256, y: 192 });
  assert.deepEqual(mapToImage(frame, 224, 224, 0, 224), { x: 64, y: 384 });
  // pad: the longer side (512) to 224, the map's square extends above and below the image
  const padded = { x: 0, y: -64, width: 512, height: 512 };
  assert.deepEqual(imageToMap(padded, 224, 224, 0, 0), { x: 0, y: 28 });
  assert.deepEqual(mapToImage(padded, 224, 224, 224, 196), { x: 512, y: 384 });
});

test('a map is drawn pixel for pixel only when its pixels are the image pixels', () => {
  assert.equal(mapOnPixelGrid({ x: 0, y: 0, width: 28, height: 28 }, 28, 28), true);
  assert.equal(mapOnPixelGrid({ x: 64, y: 0, width: 384, height: 384 }, 224, 224), false);
  assert.equal(mapOnPixelGrid({ x: 0.5, y: 0, width: 28, height: 28 }, 28, 28), false);
});

test('a view carried to a second viewport of the same image shows the same image pixels', () => {
  // zoomed to 3 CSS px a pixel about the centre of the 448 × 336 viewport
  const z = zoomAt(fitView(VW, VH, W, H), 3, 224, 168, VW, VH, W, H);
  // the same size: the same view
  assert.deepEqual(carryView(z, VW, VH, VW, VH, W, H), z);
  // a viewport half as large: half the scale, the same image point (256, 192) at its centre
  const half = carryView(z, VW, VH, 224, 168, W, H);
  assert.equal(half.scale, 1.5);
  assert.deepEqual(screenToImage(half, 112, 84), { x: 256, y: 192 });
  // the corners show the same image points
  assert.deepEqual(screenToImage(half, 0, 0), screenToImage(z, 0, 0));
  // the fit stays the fit
  assert.deepEqual(carryView(fitView(VW, VH, W, H), VW, VH, 224, 168, W, H), fitView(224, 168, W, H));
});

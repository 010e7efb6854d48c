/**
 * The coloured layer of a map: one RGBA pixel per map pixel, laid over the image. The server's
 * org.rationale.saliency.MapRendering#layer computes the same bytes (MapRenderingTest compares them).
 */
import { isDiverging, lut, LUT_SIZE, REVIEW } from './colormap.js';

/**
 * Colours normalised values. A sequential colormap maps [0, 1] over its whole range; `signed` maps
 * [-1, 1] onto it. A diverging one (coolwarm) maps `signed` [-1, 1] from its low end through its middle
 * to its high end, `positive`/`absolute` onto its upper half and `negative` onto its lower half.
 * Alpha is opacity × |value|, so a zero shows the bare image.
 *
 * @param {Float32Array} values normalised, see normalise()
 * @param {import('./colormap.js').ColormapName} colormap
 * @param {import('./normalise.js').SignMode} sign
 * @param {number} opacity 0 to 1 (clamped; not a number is the review's default)
 * @param {Uint8ClampedArray} out RGBA, 4 × values.length bytes (e.g. ImageData.data)
 * @returns {Uint8ClampedArray} out
 */
export function paintMap(values, colormap, sign, opacity, out) {
  const table = lut(colormap);
  const diverging = isDiverging(colormap);
  const alpha = Math.min(1, Math.max(0, Number.isFinite(opacity) ? opacity : REVIEW.opacity));
  const top = LUT_SIZE - 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let t;
    if (sign === 'signed') {
      t = (v + 1) / 2;
    } else if (diverging) {
      t = sign === 'negative' ? 0.5 - v / 2 : 0.5 + v / 2;
    } else {
      t = v;
    }
    const k = Math.round(t * top) * 3;
    const o = i * 4;
    out[o] = table[k];
    out[o + 1] = table[k + 1];
    out[o + 2] = table[k + 2];
    out[o + 3] = Math.round(alpha * Math.abs(v) * 255);
  }
  return out;
}

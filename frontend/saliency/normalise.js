/**
 * From a decoded map to the values the review shows: channels summed, then scaled to a percentile of
 * the shown magnitude (see map-rendering.json; the server's org.rationale.saliency.MapRendering does
 * the same in Java).
 */
import rendering from './map-rendering.json' with { type: 'json' };

/** @typedef {'positive' | 'negative' | 'absolute' | 'signed'} SignMode */

/** Which sorted magnitude is the scale, as a fraction of the way from the smallest to the largest. */
export const PERCENTILE = rendering.normalisation.percentile;

/**
 * The map summed over channels, one value a pixel; non-finite values count as 0.
 *
 * @param {Float32Array} values channels × pixels
 * @param {number} pixels
 * @param {number} channels
 * @returns {Float32Array}
 */
export function sumChannels(values, pixels, channels) {
  const out = new Float32Array(pixels);
  for (let c = 0; c < channels; c++) {
    const base = c * pixels;
    for (let i = 0; i < pixels; i++) {
      const v = values[base + i];
      if (Number.isFinite(v)) {
        out[i] += v;
      }
    }
  }
  return out;
}

/**
 * The shown values of a map under a sign mode, in [0, 1] ([-1, 1] for `signed`). The shown magnitude
 * is max(v,0) (`positive`), max(-v,0) (`negative`) or |v| (`absolute`, `signed`); it is divided by the
 * magnitude at index floor(PERCENTILE × (n − 1)) of the sorted magnitudes (the maximum where that is
 * 0, so sparse maps still show) and clamped to 1; `signed` keeps the sign of v. The top 1% saturate
 * instead of squashing the rest. A map with no magnitude at all is all zeros.
 *
 * @param {Float32Array} map one value a pixel
 * @param {SignMode} sign
 * @returns {Float32Array}
 */
export function normalise(map, sign) {
  const n = map.length;
  const shown = shownMagnitudes(map, sign);
  const scale = scaleOf(shown);
  const out = new Float32Array(n);
  if (!(scale > 0)) {
    return out;
  }
  for (let i = 0; i < n; i++) {
    const m = Math.min(shown[i] / scale, 1);
    out[i] = sign === 'signed' && map[i] < 0 ? -m : m;
  }
  return out;
}

/**
 * The shown magnitude of each value under a sign mode (see normalise()).
 *
 * @param {Float32Array} map
 * @param {SignMode} sign
 * @returns {Float32Array}
 */
function shownMagnitudes(map, sign) {
  const n = map.length;
  const shown = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = map[i];
    shown[i] = sign === 'positive' ? Math.max(v, 0) : sign === 'negative' ? Math.max(-v, 0) : Math.abs(v);
  }
  return shown;
}

/**
 * The magnitude that normalise() divides by: the one at index floor(PERCENTILE × (n − 1)) of the sorted
 * magnitudes, the largest where that is 0; 0 when there is no magnitude at all.
 *
 * @param {Float32Array} shown
 * @returns {number}
 */
function scaleOf(shown) {
  const n = shown.length;
  const sorted = shown.slice().sort();
  let scale = n > 0 ? sorted[Math.min(n - 1, Math.floor(PERCENTILE * (n - 1)))] : 0;
  if (!(scale > 0)) {
    scale = n > 0 ? sorted[n - 1] : 0;
  }
  return scale > 0 ? scale : 0;
}

/**
 * What a map carries, for the legend and for saying so when it carries nothing: `scale` is the value that
 * shows as 1 under the sign mode (0 when nothing shows); `constant` is whether every value is the same
 * (then `value` is that value: 0 for an all-zero map), so the map says nothing about where the model
 * looked.
 *
 * @param {Float32Array} map one value a pixel
 * @param {SignMode} sign
 * @returns {{ scale: number, constant: boolean, value: number }}
 */
export function mapSignal(map, sign) {
  let constant = true;
  const first = map.length > 0 ? map[0] : 0;
  for (let i = 1; i < map.length; i++) {
    if (map[i] !== first) {
      constant = false;
      break;
    }
  }
  return { scale: scaleOf(shownMagnitudes(map, sign)), constant, value: constant ? first : 0 };
}

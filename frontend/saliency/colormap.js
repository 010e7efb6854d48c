/**
 * The colormaps of saliency maps: 256-entry RGB lookup tables read from map-rendering.json, the one
 * source the server's org.rationale.saliency.Colormap reads too.
 */
import rendering from './map-rendering.json' with { type: 'json' };

/** @typedef {'inferno' | 'viridis' | 'coolwarm'} ColormapName */

/** Entries of every lookup table. */
export const LUT_SIZE = 256;

/**
 * What the review shows until the expert changes it (PNG overlays and report thumbnails draw the same).
 * @type {{ colormap: ColormapName, sign: 'positive' | 'negative' | 'absolute' | 'signed', opacity: number }}
 */
export const REVIEW = {
  colormap: rendering.review.colormap,
  sign: rendering.review.sign,
  opacity: rendering.review.opacity,
};

/** @type {Map<string, Uint8ClampedArray>} */
const luts = new Map();

/**
 * The 256 RGB entries of a colormap, flat (r, g, b, r, g, b, …), built once.
 *
 * @param {ColormapName} name
 * @returns {Uint8ClampedArray}
 */
export function lut(name) {
  let table = luts.get(name);
  if (table) {
    return table;
  }
  const entry = rendering.colormaps[name];
  if (!entry || entry.rgb.length !== LUT_SIZE) {
    throw new Error(`unknown colormap ${name}`);
  }
  table = new Uint8ClampedArray(LUT_SIZE * 3);
  entry.rgb.forEach((rgb, i) => table.set(rgb, i * 3));
  luts.set(name, table);
  return table;
}

/**
 * Whether a colormap is diverging (grey in the middle, for signed values) rather than sequential.
 *
 * @param {ColormapName} name
 * @returns {boolean}
 */
export function isDiverging(name) {
  return rendering.colormaps[name]?.diverging === true;
}

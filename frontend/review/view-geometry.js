/**
 * Where things are on the review canvas: the view (zoom and pan) maps image pixels to CSS pixels of the
 * viewport, and the map frame maps the saliency map's pixels to image pixels. Pure numbers, no DOM.
 *
 * A view is { scale, x, y }: an image point (u, v) is drawn at viewport point (x + u·scale, y + v·scale),
 * in CSS pixels. Image coordinates are continuous: pixel (i, j) covers [i, i+1) × [j, j+1).
 *
 * A frame is { x, y, width, height } in image pixels: the rectangle over which the map's full extent
 * lies (the map was computed at the model's resolution; the image keeps its own pixels).
 */

/** The most CSS pixels one image pixel may cover (or 8 × the fit, for tiny images shown large). */
export const MAX_PIXEL_SIZE = 32;
/** Each zoom step (button, wheel notch) multiplies the scale by this. */
export const ZOOM_STEP = 1.25;

/**
 * The scale at which the whole image fits the viewport.
 *
 * @param {number} vw viewport width, CSS px
 * @param {number} vh viewport height, CSS px
 * @param {number} w image width, px
 * @param {number} h image height, px
 * @returns {number}
 */
export function fitScale(vw, vh, w, h) {
  if (!(w > 0 && h > 0 && vw > 0 && vh > 0)) {
    return 1;
  }
  return Math.min(vw / w, vh / h);
}

/**
 * The zoom limits: from the fit or 1:1, whichever is smaller, to MAX_PIXEL_SIZE CSS px a pixel (or 8 × the
 * fit, whichever is larger).
 *
 * @returns {{ min: number, max: number }}
 */
export function scaleLimits(vw, vh, w, h) {
  const fit = fitScale(vw, vh, w, h);
  return { min: Math.min(fit, 1), max: Math.max(MAX_PIXEL_SIZE, 8 * fit) };
}

/**
 * A view kept within bounds: the scale within the limits; along each axis an image larger than the
 * viewport covers it (no empty margin where there is image to show), a smaller one is centred.
 *
 * @param {{ scale: number, x: number, y: number }} view
 * @returns {{ scale: number, x: number, y: number }}
 */
export function clampView(view, vw, vh, w, h) {
  const { min, max } = scaleLimits(vw, vh, w, h);
  const scale = Math.min(max, Math.max(min, Number.isFinite(view.scale) ? view.scale : min));
  const axis = (offset, viewport, size) => {
    const extent = size * scale;
    if (extent <= viewport) {
      return (viewport - extent) / 2;
    }
    const at = Number.isFinite(offset) ? offset : 0;
    return Math.min(0, Math.max(viewport - extent, at));
  };
  return { scale, x: axis(view.x, vw, w), y: axis(view.y, vh, h) };
}

/**
 * The view that shows the whole image, centred.
 *
 * @returns {{ scale: number, x: number, y: number }}
 */
export function fitView(vw, vh, w, h) {
  return clampView({ scale: fitScale(vw, vh, w, h), x: 0, y: 0 }, vw, vh, w, h);
}

/**
 * The view at another scale that keeps the image point under viewport point (px, py) where it is
 * (then clamped).
 *
 * @param {{ scale: number, x: number, y: number }} view
 * @param {number} scale wanted (clamped to the limits)
 * @param {number} px CSS px in the viewport
 * @param {number} py
 * @returns {{ scale: number, x: number, y: number }}
 */
export function zoomAt(view, scale, px, py, vw, vh, w, h) {
  const { min, max } = scaleLimits(vw, vh, w, h);
  const s = Math.min(max, Math.max(min, scale));
  const u = (px - view.x) / view.scale;
  const v = (py - view.y) / view.scale;
  return clampView({ scale: s, x: px - u * s, y: py - v * s }, vw, vh, w, h);
}

/**
 * The view of another viewport that shows the same image pixels: a view of a (fromVw × fromVh) viewport
 * carried to a (vw × vh) one of the same image (a second picture side by side follows the first's zoom and
 * pan, also while the two differ in size), then clamped.
 *
 * @param {{ scale: number, x: number, y: number }} view
 * @returns {{ scale: number, x: number, y: number }}
 */
export function carryView(view, fromVw, fromVh, vw, vh, w, h) {
  const k = fromVw > 0 && fromVh > 0 ? Math.min(vw / fromVw, vh / fromVh) : 1;
  return clampView({ scale: view.scale * k, x: view.x * k, y: view.y * k }, vw, vh, w, h);
}

/**
 * The view moved by (dx, dy) CSS px, then clamped.
 *
 * @returns {{ scale: number, x: number, y: number }}
 */
export function panBy(view, dx, dy, vw, vh, w, h) {
  return clampView({ scale: view.scale, x: view.x + dx, y: view.y + dy }, vw, vh, w, h);
}

/**
 * The image point (continuous, image px) under a viewport point (CSS px).
 *
 * @returns {{ x: number, y: number }}
 */
export function screenToImage(view, px, py) {
  return { x: (px - view.x) / view.scale, y: (py - view.y) / view.scale };
}

/**
 * The viewport point (CSS px) where an image point is drawn.
 *
 * @returns {{ x: number, y: number }}
 */
export function imageToScreen(view, u, v) {
  return { x: view.x + u * view.scale, y: view.y + v * view.scale };
}

/**
 * The whole pixels of the image that the viewport shows at least in part, as [x0, x1) × [y0, y1).
 *
 * @returns {{ x0: number, y0: number, x1: number, y1: number }}
 */
export function visiblePixels(view, vw, vh, w, h) {
  const a = screenToImage(view, 0, 0);
  const b = screenToImage(view, vw, vh);
  return {
    x0: Math.max(0, Math.floor(a.x)),
    y0: Math.max(0, Math.floor(a.y)),
    x1: Math.min(w, Math.ceil(b.x)),
    y1: Math.min(h, Math.ceil(b.y)),
  };
}

/**
 * The map frame to use: the one given when it is a finite rectangle of positive size, else the whole
 * image.
 *
 * @param {{ x: number, y: number, width: number, height: number } | null | undefined} frame
 * @returns {{ x: number, y: number, width: number, height: number }}
 */
export function frameOrImage(frame, w, h) {
  if (
    frame &&
    Number.isFinite(frame.x) &&
    Number.isFinite(frame.y) &&
    frame.width > 0 &&
    frame.height > 0 &&
    Number.isFinite(frame.width) &&
    Number.isFinite(frame.height)
  ) {
    return { x: frame.x, y: frame.y, width: frame.width, height: frame.height };
  }
  return { x: 0, y: 0, width: w, height: h };
}

/**
 * The map point (continuous, map px) at an image point, for a map of mw × mh laid over the frame.
 *
 * @returns {{ x: number, y: number }}
 */
export function imageToMap(frame, mw, mh, u, v) {
  return { x: ((u - frame.x) / frame.width) * mw, y: ((v - frame.y) / frame.height) * mh };
}

/**
 * The image point (continuous, image px) at a map point.
 *
 * @returns {{ x: number, y: number }}
 */
export function mapToImage(frame, mw, mh, mx, my) {
  return { x: frame.x + (mx / mw) * frame.width, y: frame.y + (my / mh) * frame.height };
}

/**
 * Whether one map pixel is exactly one image pixel on the pixel grid (then the map is drawn pixel for
 * pixel, else smoothly interpolated, as a heatmap resampled to another grid should be).
 *
 * @returns {boolean}
 */
export function mapOnPixelGrid(frame, mw, mh) {
  return (
    frame.width === mw &&
    frame.height === mh &&
    Number.isInteger(frame.x) &&
    Number.isInteger(frame.y)
  );
}

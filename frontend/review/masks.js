/**
 * The expert's masks, one byte a pixel (0/1), "relevant" and "shortcut", exclusive per pixel: what a
 * tool does to them and where their outlines run. No DOM here; the canvas element draws.
 */

/**
 * Masks as the server sent them, made exclusive: a pixel set in both counts as shortcut; a mask of
 * another length than n pixels counts as empty.
 *
 * @param {Uint8Array} r relevant, non-zero = set
 * @param {Uint8Array} s shortcut, non-zero = set
 * @param {number} n pixels
 * @returns {{ relevant: Uint8Array, shortcut: Uint8Array }}
 */
export function exclusiveMasks(r, s, n) {
  const relevant = new Uint8Array(n);
  const shortcut = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const isShortcut = s.length === n && s[i] !== 0;
    shortcut[i] = isShortcut ? 1 : 0;
    relevant[i] = !isShortcut && r.length === n && r[i] !== 0 ? 1 : 0;
  }
  return { relevant, shortcut };
}

/**
 * Applies a tool to pixel i: `erase` clears both masks, otherwise the pixel joins the mask of `kind`
 * and leaves the other.
 *
 * @param {'none' | 'brush' | 'box' | 'erase'} tool erase, or paint (the canvas paints only with a tool chosen)
 * @param {'relevant' | 'shortcut'} kind
 * @param {Uint8Array} relevant
 * @param {Uint8Array} shortcut
 * @param {number} i
 * @returns {boolean} whether anything changed
 */
export function paintPixel(tool, kind, relevant, shortcut, i) {
  if (tool === 'erase') {
    if (relevant[i] || shortcut[i]) {
      relevant[i] = 0;
      shortcut[i] = 0;
      return true;
    }
    return false;
  }
  const [on, off] = kind === 'shortcut' ? [shortcut, relevant] : [relevant, shortcut];
  if (!on[i] || off[i]) {
    on[i] = 1;
    off[i] = 0;
    return true;
  }
  return false;
}

/**
 * The pixels of a disc of radius r (image pixels) around the pixel that holds (x, y), within w × h.
 *
 * @param {number} w
 * @param {number} h
 * @param {number} x
 * @param {number} y
 * @param {number} r
 * @param {(i: number) => void} visit called with each pixel index, row by row
 */
export function disc(w, h, x, y, r, visit) {
  const cx = Math.floor(x);
  const cy = Math.floor(y);
  const reach = Math.floor(r);
  const r2 = r * r;
  for (let py = Math.max(0, cy - reach); py <= Math.min(h - 1, cy + reach); py++) {
    for (let px = Math.max(0, cx - reach); px <= Math.min(w - 1, cx + reach); px++) {
      const dx = px - cx;
      const dy = py - cy;
      if (dx * dx + dy * dy <= r2) {
        visit(py * w + px);
      }
    }
  }
}

/**
 * The footprint of a brush `size` image pixels across, put down at image point (x, y): the pixels whose
 * centre lies within size / 2 of the brush's centre, cut at the border. The centre snaps to the grid so
 * that a footprint is symmetric: for an odd size to the centre of the pixel holding the point, for an even
 * size to the nearest pixel corner. So size 1 is that one pixel, 2 a 2 × 2 square, 3 a 3 × 3 square, 4 a
 * 4 × 4 square without its corners (12 pixels), 5 a 5 × 5 square without its corners (21 pixels).
 * Sizes are rounded to whole pixels, at least 1.
 *
 * @param {number} w
 * @param {number} h
 * @param {number} x image px, continuous
 * @param {number} y
 * @param {number} size diameter in image pixels
 * @param {(i: number) => void} visit called with each pixel index, row by row
 */
export function brush(w, h, x, y, size, visit) {
  const d = Math.max(1, Math.round(Number.isFinite(size) ? size : 1));
  const odd = d % 2 === 1;
  const cx = odd ? Math.floor(x) + 0.5 : Math.round(x);
  const cy = odd ? Math.floor(y) + 0.5 : Math.round(y);
  const r = d / 2;
  const r2 = r * r + 1e-9;
  const x0 = Math.max(0, Math.floor(cx - r));
  const x1 = Math.min(w - 1, Math.ceil(cx + r) - 1);
  const y0 = Math.max(0, Math.floor(cy - r));
  const y1 = Math.min(h - 1, Math.ceil(cy + r) - 1);
  for (let py = y0; py <= y1; py++) {
    for (let px = x0; px <= x1; px++) {
      const dx = px + 0.5 - cx;
      const dy = py + 0.5 - cy;
      if (dx * dx + dy * dy <= r2) {
        visit(py * w + px);
      }
    }
  }
}

/**
 * The pixels of the box spanned by two pixel corners (both included), in a grid w wide.
 *
 * @param {{ x: number, y: number }} a
 * @param {{ x: number, y: number }} b
 * @param {number} w
 * @param {(i: number) => void} visit
 */
export function box(a, b, w, visit) {
  for (let y = Math.min(a.y, b.y); y <= Math.max(a.y, b.y); y++) {
    for (let x = Math.min(a.x, b.x); x <= Math.max(a.x, b.x); x++) {
      visit(y * w + x);
    }
  }
}

/**
 * The boundary of a mask: every pixel edge between a set pixel and an unset one (or the border),
 * as moveTo/lineTo segments scaled by (sx, sy).
 *
 * @param {{ moveTo(x: number, y: number): void, lineTo(x: number, y: number): void }} path e.g. a 2D context
 * @param {Uint8Array} mask
 * @param {number} w
 * @param {number} h
 * @param {number} sx
 * @param {number} sy
 * @param {{ x0: number, y0: number, x1: number, y1: number }} [region] only the pixels [x0, x1) × [y0, y1)
 *   (those on screen); the whole mask without it
 * @returns {boolean} whether the region has any pixel set
 */
export function outline(path, mask, w, h, sx, sy, region) {
  let any = false;
  const x0 = region ? Math.max(0, region.x0) : 0;
  const y0 = region ? Math.max(0, region.y0) : 0;
  const x1 = region ? Math.min(w, region.x1) : w;
  const y1 = region ? Math.min(h, region.y1) : h;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      if (!mask[y * w + x]) {
        continue;
      }
      any = true;
      const left = x * sx;
      const right = (x + 1) * sx;
      const top = y * sy;
      const bottom = (y + 1) * sy;
      if (y === 0 || !mask[(y - 1) * w + x]) {
        path.moveTo(left, top);
        path.lineTo(right, top);
      }
      if (y === h - 1 || !mask[(y + 1) * w + x]) {
        path.moveTo(left, bottom);
        path.lineTo(right, bottom);
      }
      if (x === 0 || !mask[y * w + x - 1]) {
        path.moveTo(left, top);
        path.lineTo(left, bottom);
      }
      if (x === w - 1 || !mask[y * w + x + 1]) {
        path.moveTo(right, top);
        path.lineTo(right, bottom);
      }
    }
  }
  return any;
}

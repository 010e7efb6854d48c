/**
 * <rationale-review-canvas>: one sample image with its saliency map laid over it, on which an expert
 * paints what should matter for the decision ("relevant", green) and what must not ("shortcut", red).
 *
 * Rendering
 * - The image and the coloured map are composed on a canvas at image resolution that CSS scales up to
 *   `displaySize` (longer side, CSS pixels) with `image-rendering: pixelated`; the masks are drawn on a
 *   second canvas at display resolution above it, so their outlines stay crisp.
 * - `mapData` is base64 of little-endian IEEE half floats, channels × height × width, decoded by
 *   ../saliency/half-float.js and summed per pixel. The decoded map is cached until mapData or its
 *   dimensions change.
 * - Normalisation (../saliency/normalise.js) and colour (../saliency/painter.js, colormap.js) follow
 *   ../saliency/map-rendering.json, which the server reads too, so PNG overlays and report thumbnails
 *   show a map as the expert saw it here: the shown magnitude (max(v,0), max(-v,0) or |v|) divided by
 *   its 99th percentile over all pixels and clamped; alpha is opacity × normalised magnitude, so a zero
 *   shows the bare image.
 *
 * Masks are one byte per image pixel (0/1), relevant and shortcut, exclusive per pixel (what the tools
 * do to them and their outlines: ./masks.js). They travel as base64 of those bytes (./base64.js). Setting a different `sampleKey` clears them (synchronously, so a following
 * setMasks() call for the new sample is kept).
 *
 * Events: `masks-changed` after a stroke, box or erase that changed something and after clearMasks();
 * `rendered` (and attribute data-rendered-key) once the image and map of the current sample are drawn.
 * The element takes no focus and handles no keys: keyboard shortcuts belong to the view.
 */
import { css, html, LitElement, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import type { ColormapName } from '../saliency/colormap.js';
import { paintMap } from '../saliency/painter.js';
import { decodeHalves } from '../saliency/half-float.js';
import { normalise, sumChannels, type SignMode } from '../saliency/normalise.js';
import { base64ToBytes, bytesToBase64 } from './base64.js';
import { box, disc, exclusiveMasks, outline, paintPixel } from './masks.js';

export { decodeHalves } from '../saliency/half-float.js';
export { normalise } from '../saliency/normalise.js';

export type { SignMode } from '../saliency/normalise.js';
/** The colormaps of map-rendering.json. */
export type Colormap = ColormapName;
export type Tool = 'none' | 'brush' | 'box' | 'erase';
export type MaskKind = 'relevant' | 'shortcut';

export interface MasksChangedDetail {
  relevant: string;
  shortcut: string;
  relevantPixels: number;
  shortcutPixels: number;
}

export interface RenderedDetail {
  sampleKey: string;
}

interface PaintPoint {
  x: number;
  y: number;
}

@customElement('rationale-review-canvas')
export class RationaleReviewCanvas extends LitElement {
  static override styles = css`
    :host {
      display: inline-block;
      position: relative;
      line-height: 0;
      user-select: none;
      -webkit-user-select: none;
    }
    .stage {
      position: relative;
      background: #000;
    }
    canvas {
      position: absolute;
      inset: 0;
      width: 100%;
      height: 100%;
    }
    canvas.view {
      image-rendering: pixelated;
    }
    canvas.masks {
      touch-action: auto;
    }
    canvas.masks.painting {
      touch-action: none;
      cursor: crosshair;
    }
  `;

  /** URL or data: URL of the image (gray or RGB). */
  @property({ type: String }) imageSrc = '';
  /** Base64 of little-endian half floats, channels × height × width; empty for no map. */
  @property({ type: String }) mapData = '';
  @property({ type: Number }) mapWidth = 0;
  @property({ type: Number }) mapHeight = 0;
  @property({ type: Number }) mapChannels = 1;
  @property({ type: Number }) opacity = 0.6;
  @property({ type: String }) colormap: Colormap = 'inferno';
  @property({ type: String }) sign: SignMode = 'absolute';
  @property({ type: String }) tool: Tool = 'none';
  /** Brush radius in image pixels. */
  @property({ type: Number }) brushSize = 2;
  @property({ type: String }) maskKind: MaskKind = 'relevant';
  @property({ type: Boolean }) showMasks = true;
  /** CSS pixels of the longer side. */
  @property({ type: Number }) displaySize = 448;

  private currentSampleKey = '';

  /** Identifies the sample shown; a new key clears the masks and is reported by `rendered`. */
  @property({ type: String })
  get sampleKey(): string {
    return this.currentSampleKey;
  }

  set sampleKey(value: string) {
    const key = value ?? '';
    if (key !== this.currentSampleKey) {
      this.currentSampleKey = key;
      this.relevant.fill(0);
      this.shortcut.fill(0);
    }
  }

  @query('canvas.view') private viewCanvas?: HTMLCanvasElement;
  @query('canvas.masks') private maskCanvas?: HTMLCanvasElement;

  private relevant = new Uint8Array(0);
  private shortcut = new Uint8Array(0);

  private summed: Float32Array | null = null;
  private mapError = false;
  private normalised: Float32Array | null = null;
  private mapLayer: HTMLCanvasElement | null = null;
  private mapLayerStale = true;

  private image: HTMLImageElement | null = null;
  private imageLoadedSrc = '';
  private imagePending = '';
  private imageFailed = false;

  private contentVersion = 0;
  private reportedVersion = -1;

  private fillLayer: HTMLCanvasElement | null = null;

  private strokePointer: number | null = null;
  private strokeChanged = false;
  private lastPoint: PaintPoint | null = null;
  private boxStart: PaintPoint | null = null;
  private boxEnd: PaintPoint | null = null;

  override render() {
    const [w, h] = this.cssSize();
    return html`<div class="stage" style="width:${w}px;height:${h}px">
      <canvas class="view" part="view"></canvas>
      <canvas
        class="masks ${this.tool !== 'none' ? 'painting' : ''}"
        part="masks"
        @pointerdown=${this.onPointerDown}
        @pointermove=${this.onPointerMove}
        @pointerup=${this.onPointerUp}
        @pointercancel=${this.onPointerUp}
        @lostpointercapture=${this.onPointerUp}
        @contextmenu=${this.onContextMenu}
      ></canvas>
    </div>`;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (
      changed.has('mapData') ||
      changed.has('mapWidth') ||
      changed.has('mapHeight') ||
      changed.has('mapChannels')
    ) {
      this.decodeMap();
    }
    if (changed.has('sign') || this.normalised === null) {
      this.normalised = this.summed ? normalise(this.summed, this.sign) : null;
      this.mapLayerStale = true;
    }
    if (changed.has('colormap') || changed.has('opacity')) {
      this.mapLayerStale = true;
    }
    if (
      changed.has('imageSrc') ||
      changed.has('mapData') ||
      changed.has('mapWidth') ||
      changed.has('mapHeight') ||
      changed.has('mapChannels') ||
      changed.has('sampleKey')
    ) {
      this.contentVersion++;
    }
  }

  protected override updated(): void {
    this.loadImage();
    this.compose();
    this.drawMasks();
  }

  /** Clears both masks and reports the change. */
  clearMasks(): void {
    this.relevant.fill(0);
    this.shortcut.fill(0);
    this.drawMasks();
    this.fireMasksChanged();
  }

  /**
   * Replaces both masks (base64 of one byte a pixel, non-zero = set; empty = all zero). A pixel set in
   * both counts as shortcut. Does not fire `masks-changed`: the caller knows what it set.
   */
  setMasks(relevantB64: string, shortcutB64: string): void {
    const [w, h] = this.gridSize();
    const r = base64ToBytes(relevantB64 ?? '');
    const s = base64ToBytes(shortcutB64 ?? '');
    const n = w * h > 0 ? w * h : Math.max(r.length, s.length);
    for (const [name, m] of [['relevant', r], ['shortcut', s]] as const) {
      if (m.length !== 0 && m.length !== n) {
        console.warn(`rationale-review-canvas: ${name} mask has ${m.length} pixels, the image ${n}; ignored`);
      }
    }
    const { relevant, shortcut } = exclusiveMasks(r, s, n);
    this.relevant = relevant;
    this.shortcut = shortcut;
    this.drawMasks();
  }

  /** Both masks as base64 of one byte a pixel (0/1). */
  getMasks(): { relevant: string; shortcut: string } {
    this.ensureMasks();
    return { relevant: bytesToBase64(this.relevant), shortcut: bytesToBase64(this.shortcut) };
  }

  /** Width and height of the image grid: the map's, or the image's while there is no map. */
  private gridSize(): [number, number] {
    if (this.mapWidth > 0 && this.mapHeight > 0) {
      return [Math.floor(this.mapWidth), Math.floor(this.mapHeight)];
    }
    if (this.image && this.imageLoadedSrc === this.imageSrc) {
      return [this.image.naturalWidth, this.image.naturalHeight];
    }
    return [0, 0];
  }

  private cssSize(): [number, number] {
    const [w, h] = this.gridSize();
    const size = this.displaySize > 0 ? this.displaySize : 448;
    if (w <= 0 || h <= 0) {
      return [size, size];
    }
    const scale = size / Math.max(w, h);
    return [Math.round(w * scale), Math.round(h * scale)];
  }

  /** Masks sized to the grid; masks of another size (a different image) are dropped. */
  private ensureMasks(): void {
    const [w, h] = this.gridSize();
    const n = w * h;
    if (n > 0 && this.relevant.length !== n) {
      this.relevant = new Uint8Array(n);
      this.shortcut = new Uint8Array(n);
    }
  }

  private decodeMap(): void {
    this.summed = null;
    this.normalised = null;
    this.mapError = false;
    this.mapLayerStale = true;
    const w = Math.floor(this.mapWidth);
    const h = Math.floor(this.mapHeight);
    const channels = Math.max(1, Math.floor(this.mapChannels || 1));
    if (!this.mapData || w <= 0 || h <= 0) {
      return;
    }
    try {
      const bytes = base64ToBytes(this.mapData);
      const count = w * h * channels;
      if (bytes.length !== count * 2) {
        throw new Error(`map has ${bytes.length / 2} values, expected ${count}`);
      }
      this.summed = sumChannels(decodeHalves(bytes, count), w * h, channels);
    } catch (e) {
      this.mapError = true;
      console.warn('rationale-review-canvas: cannot read the map', e);
    }
  }

  private loadImage(): void {
    const src = this.imageSrc;
    if (!src) {
      this.image = null;
      this.imageLoadedSrc = '';
      this.imagePending = '';
      this.imageFailed = false;
      return;
    }
    if (src === this.imageLoadedSrc) {
      this.imagePending = '';
      return;
    }
    if (src === this.imagePending) {
      return;
    }
    this.imagePending = src;
    const img = new Image();
    img.decoding = 'async';
    img.src = src;
    img
      .decode()
      .then(
        () => {
          if (this.imagePending !== src) {
            return;
          }
          this.image = img;
          this.imageFailed = false;
        },
        (e: unknown) => {
          if (this.imagePending !== src) {
            return;
          }
          console.warn('rationale-review-canvas: cannot load the image', e);
          this.image = null;
          this.imageFailed = true;
        },
      )
      .then(() => {
        if (this.imagePending !== src) {
          return;
        }
        this.imagePending = '';
        this.imageLoadedSrc = src;
        this.requestUpdate();
      });
  }

  private imageReady(): boolean {
    return !this.imageSrc || (this.imageLoadedSrc === this.imageSrc && !this.imagePending);
  }

  private buildMapLayer(w: number, h: number): void {
    this.mapLayerStale = false;
    const values = this.normalised;
    if (!values || values.length !== w * h) {
      this.mapLayer = null;
      return;
    }
    const layer = this.mapLayer ?? document.createElement('canvas');
    if (layer.width !== w || layer.height !== h) {
      layer.width = w;
      layer.height = h;
    }
    const ctx = layer.getContext('2d');
    if (!ctx) {
      return;
    }
    const pixels = ctx.createImageData(w, h);
    paintMap(values, this.colormap, this.sign, this.opacity, pixels.data);
    ctx.putImageData(pixels, 0, 0);
    this.mapLayer = layer;
  }

  /** Draws image and map; reports `rendered` the first time both of the current sample are on screen. */
  private compose(): void {
    const canvas = this.viewCanvas;
    if (!canvas || !this.imageReady()) {
      return;
    }
    const [w, h] = this.gridSize();
    const ctx = canvas.getContext('2d');
    if (!ctx) {
      return;
    }
    if (w <= 0 || h <= 0) {
      canvas.width = 1;
      canvas.height = 1;
      ctx.clearRect(0, 0, 1, 1);
    } else {
      if (canvas.width !== w || canvas.height !== h) {
        canvas.width = w;
        canvas.height = h;
      }
      ctx.imageSmoothingEnabled = false;
      ctx.clearRect(0, 0, w, h);
      if (this.image) {
        ctx.drawImage(this.image, 0, 0, w, h);
      }
      if (this.mapLayerStale || (this.mapLayer && (this.mapLayer.width !== w || this.mapLayer.height !== h))) {
        this.buildMapLayer(w, h);
      }
      if (this.mapLayer && this.normalised) {
        ctx.drawImage(this.mapLayer, 0, 0);
      }
    }
    if (this.reportedVersion !== this.contentVersion) {
      this.reportedVersion = this.contentVersion;
      const sampleKey = this.sampleKey;
      this.setAttribute('data-rendered-key', sampleKey);
      this.toggleAttribute('data-image-error', this.imageFailed);
      this.toggleAttribute('data-map-error', this.mapError);
      this.dispatchEvent(
        new CustomEvent<RenderedDetail>('rendered', { detail: { sampleKey }, bubbles: true, composed: true }),
      );
    }
  }

  private drawMasks(): void {
    const canvas = this.maskCanvas;
    if (!canvas) {
      return;
    }
    this.ensureMasks();
    const [cssW, cssH] = this.cssSize();
    const dpr = window.devicePixelRatio || 1;
    const bw = Math.max(1, Math.round(cssW * dpr));
    const bh = Math.max(1, Math.round(cssH * dpr));
    if (canvas.width !== bw || canvas.height !== bh) {
      canvas.width = bw;
      canvas.height = bh;
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) {
      return;
    }
    ctx.clearRect(0, 0, bw, bh);
    const [w, h] = this.gridSize();
    if (w <= 0 || h <= 0) {
      return;
    }
    const sx = bw / w;
    const sy = bh / h;
    if (this.showMasks) {
      this.drawMaskFills(ctx, w, h, bw, bh);
      ctx.lineWidth = Math.max(1, Math.round(1.5 * dpr));
      this.strokeOutline(ctx, this.relevant, w, h, sx, sy, 'rgba(40, 220, 90, 0.95)');
      this.strokeOutline(ctx, this.shortcut, w, h, sx, sy, 'rgba(255, 40, 120, 0.95)');
    }
    if (this.boxStart && this.boxEnd) {
      const x0 = Math.min(this.boxStart.x, this.boxEnd.x);
      const y0 = Math.min(this.boxStart.y, this.boxEnd.y);
      const x1 = Math.max(this.boxStart.x, this.boxEnd.x) + 1;
      const y1 = Math.max(this.boxStart.y, this.boxEnd.y) + 1;
      ctx.lineWidth = Math.max(1, Math.round(2 * dpr));
      ctx.setLineDash([4 * dpr, 3 * dpr]);
      ctx.strokeStyle = this.maskKind === 'shortcut' ? 'rgb(255, 40, 120)' : 'rgb(40, 220, 90)';
      ctx.strokeRect(x0 * sx, y0 * sy, (x1 - x0) * sx, (y1 - y0) * sy);
      ctx.setLineDash([]);
    }
  }

  /** Semi-transparent fills at image resolution, scaled up without smoothing. */
  private drawMaskFills(ctx: CanvasRenderingContext2D, w: number, h: number, bw: number, bh: number): void {
    const layer = this.fillLayer ?? document.createElement('canvas');
    this.fillLayer = layer;
    if (layer.width !== w || layer.height !== h) {
      layer.width = w;
      layer.height = h;
    }
    const lctx = layer.getContext('2d');
    if (!lctx) {
      return;
    }
    const pixels = lctx.createImageData(w, h);
    const data = pixels.data;
    let any = false;
    for (let i = 0; i < w * h; i++) {
      const o = i * 4;
      if (this.relevant[i]) {
        data[o] = 40;
        data[o + 1] = 220;
        data[o + 2] = 90;
        data[o + 3] = 90;
        any = true;
      } else if (this.shortcut[i]) {
        data[o] = 255;
        data[o + 1] = 40;
        data[o + 2] = 120;
        data[o + 3] = 90;
        any = true;
      }
    }
    if (!any) {
      return;
    }
    lctx.putImageData(pixels, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(layer, 0, 0, bw, bh);
  }

  /** The boundary of a mask: every pixel edge between a set pixel and an unset one (or the border). */
  private strokeOutline(
    ctx: CanvasRenderingContext2D,
    mask: Uint8Array,
    w: number,
    h: number,
    sx: number,
    sy: number,
    colour: string,
  ): void {
    ctx.beginPath();
    const any = outline(ctx, mask, w, h, sx, sy);
    if (any) {
      ctx.strokeStyle = colour;
      ctx.stroke();
    }
  }

  /** The image pixel under a pointer, clamped to the image (continuous coordinates). */
  private pointAt(e: PointerEvent): PaintPoint | null {
    const canvas = this.maskCanvas;
    const [w, h] = this.gridSize();
    if (!canvas || w <= 0 || h <= 0) {
      return null;
    }
    const rect = canvas.getBoundingClientRect();
    if (rect.width <= 0 || rect.height <= 0) {
      return null;
    }
    const x = ((e.clientX - rect.left) / rect.width) * w;
    const y = ((e.clientY - rect.top) / rect.height) * h;
    return { x: Math.min(Math.max(x, 0), w - 1e-6), y: Math.min(Math.max(y, 0), h - 1e-6) };
  }

  private onPointerDown = (e: PointerEvent): void => {
    if (this.tool === 'none' || this.strokePointer !== null || (e.pointerType === 'mouse' && e.button !== 0)) {
      return;
    }
    const p = this.pointAt(e);
    if (!p) {
      return;
    }
    e.preventDefault();
    this.ensureMasks();
    this.strokePointer = e.pointerId;
    this.strokeChanged = false;
    try {
      this.maskCanvas?.setPointerCapture(e.pointerId);
    } catch {
      // a pointer that is already gone cannot be captured; the stroke ends on its pointerup anyway
    }
    if (this.tool === 'box') {
      this.boxStart = { x: Math.floor(p.x), y: Math.floor(p.y) };
      this.boxEnd = this.boxStart;
    } else {
      this.lastPoint = p;
      this.stamp(p);
    }
    this.drawMasks();
  };

  private onPointerMove = (e: PointerEvent): void => {
    if (e.pointerId !== this.strokePointer) {
      return;
    }
    const p = this.pointAt(e);
    if (!p) {
      return;
    }
    if (this.boxStart) {
      this.boxEnd = { x: Math.floor(p.x), y: Math.floor(p.y) };
    } else if (this.lastPoint) {
      const dx = p.x - this.lastPoint.x;
      const dy = p.y - this.lastPoint.y;
      const steps = Math.max(1, Math.ceil(Math.hypot(dx, dy) / 0.5));
      for (let i = 1; i <= steps; i++) {
        this.stamp({ x: this.lastPoint.x + (dx * i) / steps, y: this.lastPoint.y + (dy * i) / steps });
      }
      this.lastPoint = p;
    }
    this.drawMasks();
  };

  private onPointerUp = (e: PointerEvent): void => {
    if (e.pointerId !== this.strokePointer) {
      return;
    }
    if (this.boxStart && this.boxEnd && e.type === 'pointerup') {
      const end = this.pointAt(e);
      if (end) {
        this.boxEnd = { x: Math.floor(end.x), y: Math.floor(end.y) };
      }
      this.fillBox(this.boxStart, this.boxEnd);
    }
    this.strokePointer = null;
    this.lastPoint = null;
    this.boxStart = null;
    this.boxEnd = null;
    this.drawMasks();
    if (this.strokeChanged) {
      this.strokeChanged = false;
      this.fireMasksChanged();
    }
  };

  private onContextMenu = (e: Event): void => {
    if (this.tool !== 'none') {
      e.preventDefault();
    }
  };

  /** Paints (or erases) a disc of radius brushSize around the pixel that holds p. */
  private stamp(p: PaintPoint): void {
    const [w, h] = this.gridSize();
    const r = Math.max(0, Number.isFinite(this.brushSize) ? this.brushSize : 2);
    disc(w, h, p.x, p.y, r, (i) => this.paintPixel(i));
  }

  private fillBox(a: PaintPoint, b: PaintPoint): void {
    const [w] = this.gridSize();
    box(a, b, w, (i) => this.paintPixel(i));
  }

  private paintPixel(i: number): void {
    if (paintPixel(this.tool, this.maskKind, this.relevant, this.shortcut, i)) {
      this.strokeChanged = true;
    }
  }

  private fireMasksChanged(): void {
    let relevantPixels = 0;
    let shortcutPixels = 0;
    for (let i = 0; i < this.relevant.length; i++) {
      relevantPixels += this.relevant[i];
      shortcutPixels += this.shortcut[i];
    }
    const { relevant, shortcut } = this.getMasks();
    this.dispatchEvent(
      new CustomEvent<MasksChangedDetail>('masks-changed', {
        detail: { relevant, shortcut, relevantPixels, shortcutPixels },
        bubbles: true,
        composed: true,
      }),
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rationale-review-canvas': RationaleReviewCanvas;
  }
}

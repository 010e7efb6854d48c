/**
 * <rationale-review-canvas>: one sample image with its saliency map laid over it, on which an expert
 * paints what should matter for the decision ("relevant", green) and what must not ("shortcut", red).
 *
 * Geometry (./view-geometry.js)
 * - The image keeps its own pixels. The viewport is `displaySize` CSS pixels on the image's longer side
 *   (the image's aspect ratio); the view (zoom and pan) says where the image lies in it. A new image
 *   starts fitted. Zoom: the − / + / Fit / 1:1 buttons, the wheel (and ctrl-wheel, a trackpad's pinch)
 *   about the pointer, zoomTo(); from the fit (or 1:1 if smaller) to 32 CSS px an image pixel.
 *   Pan: drag with no tool chosen (the hand), with space held, or with the middle button.
 * - The map was computed at the model's resolution: its full extent lies over the map frame, a rectangle
 *   in image pixels (`mapFrameX/Y/Width/Height`; width 0 = the whole image), and only inside the image.
 *   It is drawn pixel for pixel when its pixels are the image's, else smoothly resampled.
 * - Both canvases are the viewport's size (× devicePixelRatio), so zooming allocates nothing; the
 *   image, masks and their fill layer are the image's size, refused above MAX_IMAGE_PIXELS.
 *
 * Rendering
 * - `mapData` is base64 of little-endian IEEE half floats, channels × height × width, decoded by
 *   ../saliency/half-float.js and summed per pixel. The decoded map is cached until mapData or its
 *   dimensions change.
 * - Normalisation (../saliency/normalise.js) and colour (../saliency/painter.js, colormap.js) follow
 *   ../saliency/map-rendering.json, which the server reads too, so PNG overlays and report thumbnails
 *   show a map as the expert saw it here: the shown magnitude (max(v,0), max(-v,0) or |v|) divided by
 *   its 99th percentile over all pixels and clamped; alpha is opacity × normalised magnitude, so a zero
 *   shows the bare image. A map with nothing to show (all zeros, constant, or nothing of the chosen
 *   sign) says so on the canvas (attribute data-no-signal).
 * - Below the image: map on/off (`mapVisible`), opacity, the colormap's legend with its scale, zoom, and
 *   the brush size in image pixels.
 *
 * Masks are one byte per image pixel (0/1), relevant and shortcut, exclusive per pixel (what the tools
 * do to them and their outlines: ./masks.js). They travel as base64 of those bytes (./base64.js).
 * Setting a different `sampleKey` clears them (synchronously, so a following setMasks() call for the
 * new sample is kept); masks of another size than the image are dropped when it has loaded.
 *
 * Events: `masks-changed` after a stroke, box or erase that changed something and after clearMasks();
 * `rendered` (and attribute data-rendered-key) once the image and map of the current sample are drawn;
 * `opacity-changed`, `map-visible-changed`, `brush-size-changed` when the controls here change them;
 * `view-changed` after a zoom or pan asked for here (not after a new image's fit, nor after followView()).
 * The element takes no focus and handles no keys but space, held over it to pan.
 */
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { ColormapName } from '../saliency/colormap.js';
import { paintMap } from '../saliency/painter.js';
import { decodeHalves } from '../saliency/half-float.js';
import { mapSignal, normalise, sumChannels, PERCENTILE, type SignMode } from '../saliency/normalise.js';
import { base64ToBytes, bytesToBase64 } from './base64.js';
import { box, brush, exclusiveMasks, outline, paintPixel } from './masks.js';
import {
  carryView,
  fitScale,
  fitView,
  frameOrImage,
  mapOnPixelGrid,
  panBy,
  screenToImage,
  visiblePixels,
  zoomAt,
  ZOOM_STEP,
  type Frame,
  type View,
} from './view-geometry.js';

export { decodeHalves } from '../saliency/half-float.js';
export { normalise } from '../saliency/normalise.js';

export type { SignMode } from '../saliency/normalise.js';
/** The colormaps of map-rendering.json. */
export type Colormap = ColormapName;
export type Tool = 'none' | 'brush' | 'box' | 'erase';
export type MaskKind = 'relevant' | 'shortcut';

/** Images (and maps) above this many pixels are shown but not painted on: masks would not be bounded. */
export const MAX_IMAGE_PIXELS = 4096 * 4096;
/** The largest brush, in image pixels. */
const MAX_BRUSH = 128;

export interface MasksChangedDetail {
  relevant: string;
  shortcut: string;
  relevantPixels: number;
  shortcutPixels: number;
}

export interface RenderedDetail {
  sampleKey: string;
}

/** A zoom or pan on the canvas: the view and the viewport (CSS px) it applies to. */
export interface ViewChangedDetail {
  view: View;
  width: number;
  height: number;
}

interface PaintPoint {
  x: number;
  y: number;
}

interface Signal {
  scale: number;
  constant: boolean;
  value: number;
}

const RELEVANT_RGBA = [40, 220, 90, 90];
const SHORTCUT_RGBA = [255, 40, 120, 90];

@customElement('rationale-review-canvas')
export class RationaleReviewCanvas extends LitElement {
  static override styles = css`
    :host {
      display: inline-block;
      position: relative;
      user-select: none;
      -webkit-user-select: none;
      font-size: 12px;
      line-height: 1.3;
    }
    .stage {
      position: relative;
      background: #000;
      overflow: hidden;
      touch-action: none;
    }
    canvas.view,
    canvas.masks {
      position: absolute;
      inset: 0;
      width: 100%;
      height: 100%;
    }
    canvas.masks {
      cursor: grab;
    }
    canvas.masks.painting {
      cursor: crosshair;
    }
    canvas.masks.panning,
    canvas.masks.space {
      cursor: grabbing;
    }
    .notice {
      position: absolute;
      left: 8px;
      right: 8px;
      top: 8px;
      padding: 6px 8px;
      border-radius: 4px;
      background: rgba(20, 20, 28, 0.82);
      color: #fff;
      font-size: 13px;
      pointer-events: none;
    }
    .caption {
      position: absolute;
      left: 6px;
      top: 6px;
      padding: 2px 6px;
      border-radius: 3px;
      background: rgba(20, 20, 28, 0.75);
      color: #fff;
      pointer-events: none;
    }
    .badge {
      position: absolute;
      right: 6px;
      bottom: 6px;
      padding: 2px 6px;
      border-radius: 3px;
      background: rgba(20, 20, 28, 0.75);
      color: #fff;
      pointer-events: none;
    }
    .controls[hidden] {
      display: none;
    }
    .controls {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 4px 12px;
      padding-top: 6px;
      color: var(--lumo-secondary-text-color, #555);
    }
    .group {
      display: inline-flex;
      align-items: center;
      gap: 4px;
      white-space: nowrap;
    }
    button {
      font: inherit;
      min-width: 24px;
      height: 24px;
      padding: 0 6px;
      border: 1px solid var(--lumo-contrast-20pct, #ccc);
      border-radius: 4px;
      background: var(--lumo-base-color, #fff);
      color: var(--lumo-body-text-color, #222);
      cursor: pointer;
    }
    button:disabled {
      cursor: default;
      opacity: 0.5;
    }
    input[type='range'] {
      width: 72px;
      margin: 0;
    }
    .value {
      min-width: 3.2em;
      color: var(--lumo-body-text-color, #222);
    }
    canvas.legend {
      width: 96px;
      height: 10px;
      border: 1px solid var(--lumo-contrast-30pct, #999);
      image-rendering: auto;
    }
  `;

  /** URL or data: URL of the image (gray or RGB). */
  @property({ type: String }) imageSrc = '';
  /** Base64 of little-endian half floats, channels × height × width; empty for no map. */
  @property({ type: String }) mapData = '';
  @property({ type: Number }) mapWidth = 0;
  @property({ type: Number }) mapHeight = 0;
  @property({ type: Number }) mapChannels = 1;
  /** The rectangle, in image pixels, over which the map's full extent lies; width 0 = the whole image. */
  @property({ type: Number }) mapFrameX = 0;
  @property({ type: Number }) mapFrameY = 0;
  @property({ type: Number }) mapFrameWidth = 0;
  @property({ type: Number }) mapFrameHeight = 0;
  @property({ type: Boolean }) mapVisible = true;
  @property({ type: Number }) opacity = 0.6;
  @property({ type: String }) colormap: Colormap = 'inferno';
  @property({ type: String }) sign: SignMode = 'absolute';
  @property({ type: String }) tool: Tool = 'none';
  /** Brush (and eraser) size across, in image pixels. */
  @property({ type: Number }) brushSize = 4;
  @property({ type: String }) maskKind: MaskKind = 'relevant';
  @property({ type: Boolean }) showMasks = true;
  /** CSS pixels of the viewport's longer side. */
  @property({ type: Number }) displaySize = 448;
  /** Whether the controls below the image are shown (a second canvas beside the first may do without). */
  @property({ type: Boolean }) showControls = true;
  /** A word over the image's top-left corner saying what it shows (the method, side by side); empty for none. */
  @property({ type: String }) caption = '';

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
      // none until the new image's size is known: a clear before it loads reports empty masks, not the last image's size
      this.relevant = new Uint8Array(0);
      this.shortcut = new Uint8Array(0);
      this.fillStale = true;
    }
  }

  @query('canvas.view') private viewCanvas?: HTMLCanvasElement;
  @query('canvas.masks') private maskCanvas?: HTMLCanvasElement;
  @query('canvas.legend') private legendCanvas?: HTMLCanvasElement;

  /** The zoom and pan: where the image lies in the viewport (CSS px); null until an image is there. */
  @state() private view: View | null = null;
  private viewFor = '';
  @state() private panning = false;
  @state() private spaceHeld = false;

  private relevant = new Uint8Array(0);
  private shortcut = new Uint8Array(0);

  private summed: Float32Array | null = null;
  private mapError = false;
  private normalised: Float32Array | null = null;
  private signal: Signal | null = null;
  private mapLayer: HTMLCanvasElement | null = null;
  private mapLayerStale = true;

  private image: HTMLImageElement | null = null;
  private imageLoadedSrc = '';
  private imagePending = '';
  private imageFailed = false;

  private contentVersion = 0;
  private reportedVersion = -1;

  private fillLayer: HTMLCanvasElement | null = null;
  private fillData: ImageData | null = null;
  private fillStale = true;
  private fillDirty: { x0: number; y0: number; x1: number; y1: number } | null = null;
  private masksFrame = 0;

  private strokePointer: number | null = null;
  private strokeChanged = false;
  private lastPoint: PaintPoint | null = null;
  private boxStart: PaintPoint | null = null;
  private boxEnd: PaintPoint | null = null;
  private hover: PaintPoint | null = null;
  private panPointer: number | null = null;
  private panLast: PaintPoint | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('keydown', this.onKeyDown);
    window.addEventListener('keyup', this.onKeyUp);
    window.addEventListener('blur', this.onWindowBlur);
  }

  override disconnectedCallback(): void {
    window.removeEventListener('keydown', this.onKeyDown);
    window.removeEventListener('keyup', this.onKeyUp);
    window.removeEventListener('blur', this.onWindowBlur);
    if (this.masksFrame) {
      cancelAnimationFrame(this.masksFrame);
      this.masksFrame = 0;
    }
    super.disconnectedCallback();
  }

  override render() {
    const [w, h] = this.cssSize();
    const [gw, gh] = this.gridSize();
    const painting = this.tool !== 'none' && this.paintable();
    const cls = ['masks', painting ? 'painting' : '', this.panning ? 'panning' : '', this.spaceHeld ? 'space' : '']
      .filter(Boolean)
      .join(' ');
    const notice = this.notice();
    const hasMap = this.normalised !== null;
    const zoom = this.view ? this.view.scale : 0;
    const fit = fitScale(w, h, gw, gh);
    return html`<div class="stage" style="width:${w}px;height:${h}px" @wheel=${this.onWheel}>
        <canvas class="view" part="view"></canvas>
        <canvas
          class=${cls}
          part="masks"
          @pointerdown=${this.onPointerDown}
          @pointermove=${this.onPointerMove}
          @pointerup=${this.onPointerUp}
          @pointercancel=${this.onPointerUp}
          @lostpointercapture=${this.onPointerUp}
          @pointerleave=${this.onPointerLeave}
          @contextmenu=${this.onContextMenu}
          @auxclick=${this.onAuxClick}
        ></canvas>
        ${this.caption && !notice ? html`<div class="caption" id="caption">${this.caption}</div>` : nothing}
        ${notice ? html`<div class="notice" part="notice" id="notice">${notice}</div>` : nothing}
        ${hasMap && !this.mapVisible ? html`<div class="badge" id="hidden-badge">Map hidden</div>` : nothing}
      </div>
      <div class="controls" part="controls" style="width:${w}px" ?hidden=${!this.showControls}>
        <label class="group" title="Show the saliency map over the image">
          <input id="map-visible" type="checkbox" .checked=${this.mapVisible} @change=${this.onMapVisibleInput} />
          Map (H)
        </label>
        <label class="group" title="Opacity of the map where it is strongest">
          Opacity
          <input
            id="opacity"
            type="range"
            min="0"
            max="100"
            step="5"
            aria-label="Map opacity"
            .value=${String(Math.round(this.opacity * 100))}
            ?disabled=${!this.mapVisible}
            @input=${this.onOpacityInput}
          />
          <span class="value">${Math.round(this.opacity * 100)} %</span>
        </label>
        ${this.legend()}
        <span class="group" role="group" aria-label="Zoom">
          <button id="zoom-out" title="Zoom out" aria-label="Zoom out" ?disabled=${!this.view} @click=${this.zoomOut}>−</button>
          <span class="value" id="zoom" title="CSS pixels per image pixel">${zoom ? this.zoomText(zoom) : '–'}</span>
          <button id="zoom-in" title="Zoom in (or the wheel)" aria-label="Zoom in" ?disabled=${!this.view} @click=${this.zoomIn}>+</button>
          <button id="zoom-fit" title="Show the whole image" ?disabled=${!this.view || Math.abs(zoom - fit) < 1e-9} @click=${this.zoomToFit}>
            Fit
          </button>
          <button id="zoom-1" title="One image pixel per screen pixel" ?disabled=${!this.view} @click=${this.zoomToActualSize}>
            1:1
          </button>
        </span>
        <label class="group" title="Brush and eraser size across, in image pixels (it stays so at every zoom)">
          Brush
          <input
            id="brush-size"
            type="range"
            min="1"
            max=${this.maxBrush()}
            step="1"
            aria-label="Brush size in image pixels"
            .value=${String(this.brushDiameter())}
            @input=${this.onBrushInput}
          />
          <span class="value" id="brush-value">${this.brushDiameter()} px</span>
        </label>
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
      this.signal = this.summed ? mapSignal(this.summed, this.sign) : null;
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
    this.ensureView();
  }

  protected override updated(): void {
    this.loadImage();
    this.compose();
    this.drawMasks();
    this.drawLegend();
  }

  /** Clears both masks and reports the change. */
  clearMasks(): void {
    this.relevant.fill(0);
    this.shortcut.fill(0);
    this.fillStale = true;
    this.drawMasks();
    this.fireMasksChanged();
  }

  /**
   * Replaces both masks (base64 of one byte an image pixel, non-zero = set; empty = all zero). A pixel
   * set in both counts as shortcut. Does not fire `masks-changed`: the caller knows what it set.
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
    if (n > MAX_IMAGE_PIXELS) {
      return;
    }
    const { relevant, shortcut } = exclusiveMasks(r, s, n);
    this.relevant = relevant;
    this.shortcut = shortcut;
    this.fillStale = true;
    this.drawMasks();
  }

  /** Both masks as base64 of one byte an image pixel (0/1). */
  getMasks(): { relevant: string; shortcut: string } {
    this.ensureMasks();
    return { relevant: bytesToBase64(this.relevant), shortcut: bytesToBase64(this.shortcut) };
  }

  /** Shows the whole image. */
  zoomToFit = (): void => {
    const [gw, gh] = this.gridSize();
    const [vw, vh] = this.cssSize();
    if (gw > 0 && gh > 0) {
      this.changeView(fitView(vw, vh, gw, gh));
    }
  };

  /** One image pixel per CSS pixel, about the viewport's centre. */
  zoomToActualSize = (): void => {
    this.zoomTo(1);
  };

  /**
   * Zooms to `scale` CSS pixels an image pixel (within the limits), keeping the image point under
   * viewport point (px, py) (CSS px; the centre when left out) where it is.
   */
  zoomTo(scale: number, px?: number, py?: number): void {
    this.ensureView();
    const [gw, gh] = this.gridSize();
    const [vw, vh] = this.cssSize();
    if (!this.view || gw <= 0 || gh <= 0) {
      return;
    }
    this.changeView(zoomAt(this.view, scale, px ?? vw / 2, py ?? vh / 2, vw, vh, gw, gh));
  }

  /** The current view: image point (u, v) is at viewport point (x + u·scale, y + v·scale), CSS px. */
  getView(): View | null {
    // the viewport may have changed since the last update (a new displaySize): the view answered fits it
    this.ensureView();
    return this.view ? { ...this.view } : null;
  }

  /** The viewport's width and height in CSS px (the view applies to it). */
  getViewport(): { width: number; height: number } {
    const [width, height] = this.cssSize();
    return { width, height };
  }

  /**
   * Shows the image pixels that another canvas of the same image shows with `view` in its viewport of
   * `width` × `height` CSS px (a picture side by side follows the first one's zoom and pan). Fires no
   * `view-changed`, so two canvases that follow each other do not echo.
   */
  followView(view: View, width: number, height: number): void {
    // fitted to this viewport first, so that the next update keeps the view followed here
    this.ensureView();
    const [gw, gh] = this.gridSize();
    const [vw, vh] = this.cssSize();
    if (!this.view || gw <= 0 || gh <= 0 || !view) {
      return;
    }
    this.view = carryView(view, width, height, vw, vh, gw, gh);
  }

  /** A zoom or pan asked for here (buttons, wheel, dragging, the methods): shown, and told as `view-changed`. */
  private changeView(view: View): void {
    this.view = view;
    const [width, height] = this.cssSize();
    this.dispatchEvent(
      new CustomEvent<ViewChangedDetail>('view-changed', {
        detail: { view: { ...view }, width, height },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private zoomIn = (): void => {
    if (this.view) {
      this.zoomTo(this.view.scale * ZOOM_STEP);
    }
  };

  private zoomOut = (): void => {
    if (this.view) {
      this.zoomTo(this.view.scale / ZOOM_STEP);
    }
  };

  private zoomText(scale: number): string {
    const percent = scale * 100;
    return `${percent >= 1000 ? Math.round(percent / 100) * 100 : Math.round(percent)} %`;
  }

  /** Width and height of the image in pixels: the image's, or the map's where there is no image. */
  private gridSize(): [number, number] {
    if (this.imageSrc && !this.imageFailed) {
      if (this.image && this.imageLoadedSrc === this.imageSrc) {
        return [this.image.naturalWidth, this.image.naturalHeight];
      }
      return [0, 0];
    }
    if (this.mapWidth > 0 && this.mapHeight > 0) {
      return [Math.floor(this.mapWidth), Math.floor(this.mapHeight)];
    }
    return [0, 0];
  }

  /** Whether masks can be kept for this image (bounded memory). */
  private paintable(): boolean {
    const [w, h] = this.gridSize();
    return w > 0 && h > 0 && w * h <= MAX_IMAGE_PIXELS;
  }

  /** The viewport in CSS px: displaySize on the longer side, the aspect of the image (or of the last one while the next loads). */
  private cssSize(): [number, number] {
    let [w, h] = this.gridSize();
    if ((w <= 0 || h <= 0) && this.image) {
      [w, h] = [this.image.naturalWidth, this.image.naturalHeight];
    }
    const size = this.displaySize > 0 ? Math.min(this.displaySize, 4096) : 448;
    if (w <= 0 || h <= 0) {
      return [size, size];
    }
    const scale = size / Math.max(w, h);
    return [Math.max(1, Math.round(w * scale)), Math.max(1, Math.round(h * scale))];
  }

  /** Fits a new image (another source or size, or another viewport); keeps the view otherwise. */
  private ensureView(): void {
    const [gw, gh] = this.gridSize();
    const [vw, vh] = this.cssSize();
    if (gw <= 0 || gh <= 0) {
      return;
    }
    const key = `${this.imageSrc.length}:${this.imageSrc.slice(0, 64)}:${this.imageSrc.slice(-64)}|${gw}x${gh}|${vw}x${vh}`;
    if (key !== this.viewFor || !this.view) {
      this.viewFor = key;
      this.view = fitView(vw, vh, gw, gh);
    }
  }

  private frame(): Frame {
    const [w, h] = this.gridSize();
    return frameOrImage(
      { x: this.mapFrameX, y: this.mapFrameY, width: this.mapFrameWidth, height: this.mapFrameHeight },
      w,
      h,
    );
  }

  private brushDiameter(): number {
    const d = Number.isFinite(this.brushSize) ? Math.round(this.brushSize) : 4;
    return Math.min(this.maxBrush(), Math.max(1, d));
  }

  private maxBrush(): number {
    const [w, h] = this.gridSize();
    if (w <= 0 || h <= 0) {
      return MAX_BRUSH;
    }
    return Math.max(1, Math.min(MAX_BRUSH, Math.floor(Math.min(w, h) / 2)));
  }

  /** What the canvas has to say about the image or the map, or '' when all is well. */
  private notice(): string {
    if (this.imageFailed) {
      return 'The image could not be loaded.';
    }
    const [w, h] = this.gridSize();
    if (w * h > MAX_IMAGE_PIXELS) {
      return `This image is ${w} × ${h} pixels: too large to paint on here (at most ${MAX_IMAGE_PIXELS / 1048576} megapixels).`;
    }
    if (this.mapError) {
      return 'The map could not be read.';
    }
    const s = this.signal;
    if (!s || !this.summed) {
      return '';
    }
    if (s.constant && s.value === 0) {
      return 'This map is all zeros: the method found nothing to show for this sample.';
    }
    if (s.constant) {
      return `This map has the same value (${formatValue(s.value)}) everywhere: it shows nothing about where the model looked.`;
    }
    if (!(s.scale > 0)) {
      const which = this.sign === 'negative' ? 'negative' : 'positive';
      return `This map has no ${which} values: choose another sign to show it.`;
    }
    return '';
  }

  /** The colormap's legend: its colours from 0 to the scale (or −scale to +scale), with the values. */
  private legend() {
    const s = this.signal;
    const scale = s && s.scale > 0 ? formatValue(s.scale) : '';
    const percentile = `${Math.round(PERCENTILE * 100)}th percentile`;
    const what =
      this.sign === 'positive'
        ? 'positive values'
        : this.sign === 'negative'
          ? 'negative values (their size)'
          : this.sign === 'signed'
            ? 'values, blue negative and red positive'
            : 'the size |value|';
    const title = scale
      ? `Colours show ${what}, divided by the ${percentile} of the map (${scale}); larger values saturate. Zero is transparent.`
      : `Colours show ${what}, divided by the ${percentile} of the map; zero is transparent.`;
    const low = this.sign === 'signed' ? (scale ? `−${scale}` : '−max') : '0';
    const high = scale ? (this.sign === 'negative' ? `−${scale}` : this.sign === 'signed' ? `+${scale}` : scale) : 'max';
    return html`<span class="group" id="legend" title=${title}>
      <span id="legend-low">${low}</span>
      <canvas class="legend" width="96" height="1" aria-label=${title}></canvas>
      <span id="legend-high">${high}${scale ? '+' : ''}</span>
    </span>`;
  }

  private drawLegend(): void {
    const canvas = this.legendCanvas;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) {
      return;
    }
    const n = canvas.width;
    const values = new Float32Array(n);
    const signed = this.sign === 'signed';
    for (let i = 0; i < n; i++) {
      const t = i / (n - 1);
      values[i] = signed ? 2 * t - 1 : t;
    }
    const pixels = ctx.createImageData(n, 1);
    paintMap(values, this.colormap, this.sign, 1, pixels.data);
    for (let i = 0; i < n; i++) {
      pixels.data[i * 4 + 3] = 255;
    }
    ctx.putImageData(pixels, 0, 0);
  }

  /** Masks sized to the image; masks of another size (a different image) are dropped. */
  private ensureMasks(): void {
    const [w, h] = this.gridSize();
    const n = w * h;
    if (n > 0 && n <= MAX_IMAGE_PIXELS && this.relevant.length !== n) {
      this.relevant = new Uint8Array(n);
      this.shortcut = new Uint8Array(n);
      this.fillStale = true;
    }
  }

  private decodeMap(): void {
    this.summed = null;
    this.normalised = null;
    this.signal = null;
    this.mapError = false;
    this.mapLayerStale = true;
    const w = Math.floor(this.mapWidth);
    const h = Math.floor(this.mapHeight);
    const channels = Math.max(1, Math.floor(this.mapChannels || 1));
    if (!this.mapData || w <= 0 || h <= 0) {
      return;
    }
    try {
      if (w * h * channels > MAX_IMAGE_PIXELS) {
        throw new Error(`map of ${channels} × ${w} × ${h} values is too large`);
      }
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
    this.imageFailed = false;
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

  /** The coloured map at the map's own resolution (bounded by the map's size, not the zoom). */
  private buildMapLayer(): void {
    this.mapLayerStale = false;
    const w = Math.floor(this.mapWidth);
    const h = Math.floor(this.mapHeight);
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

  /** Sizes a canvas's buffer to the viewport × devicePixelRatio; returns that ratio. */
  private sizeToViewport(canvas: HTMLCanvasElement): number {
    const [cssW, cssH] = this.cssSize();
    const dpr = Math.min(4, window.devicePixelRatio || 1);
    const bw = Math.max(1, Math.round(cssW * dpr));
    const bh = Math.max(1, Math.round(cssH * dpr));
    if (canvas.width !== bw || canvas.height !== bh) {
      canvas.width = bw;
      canvas.height = bh;
    }
    return dpr;
  }

  /** Draws image and map; reports `rendered` the first time both of the current sample are on screen. */
  private compose(): void {
    const canvas = this.viewCanvas;
    if (!canvas || !this.imageReady()) {
      return;
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) {
      return;
    }
    const dpr = this.sizeToViewport(canvas);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const [w, h] = this.gridSize();
    const view = this.view;
    if (w > 0 && h > 0 && view) {
      ctx.setTransform(dpr * view.scale, 0, 0, dpr * view.scale, dpr * view.x, dpr * view.y);
      // enlarged, an image pixel stays a crisp square; reduced, it is averaged
      ctx.imageSmoothingEnabled = view.scale * dpr < 1;
      ctx.imageSmoothingQuality = 'high';
      if (this.image) {
        ctx.drawImage(this.image, 0, 0, w, h);
      }
      if (this.mapLayerStale) {
        this.buildMapLayer();
      }
      if (this.mapVisible && this.mapLayer && this.normalised) {
        const frame = this.frame();
        ctx.save();
        ctx.beginPath();
        ctx.rect(0, 0, w, h);
        ctx.clip();
        ctx.imageSmoothingEnabled =
          !mapOnPixelGrid(frame, this.mapLayer.width, this.mapLayer.height) || view.scale * dpr < 1;
        ctx.drawImage(this.mapLayer, frame.x, frame.y, frame.width, frame.height);
        ctx.restore();
      }
      ctx.setTransform(1, 0, 0, 1, 0, 0);
    }
    const noSignal = this.notice() !== '' && !this.imageFailed && this.signal !== null;
    this.toggleAttribute('data-no-signal', noSignal);
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

  /** Redraws the masks at the next frame (pointer moves come faster than frames). */
  private scheduleMasks(): void {
    if (!this.masksFrame) {
      this.masksFrame = requestAnimationFrame(() => {
        this.masksFrame = 0;
        this.drawMasks();
      });
    }
  }

  private drawMasks(): void {
    const canvas = this.maskCanvas;
    if (!canvas) {
      return;
    }
    this.ensureMasks();
    const dpr = this.sizeToViewport(canvas);
    const ctx = canvas.getContext('2d');
    if (!ctx) {
      return;
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const [w, h] = this.gridSize();
    const view = this.view;
    if (w <= 0 || h <= 0 || !view || !this.paintable() || this.relevant.length !== w * h) {
      return;
    }
    const s = view.scale;
    if (this.showMasks) {
      this.updateFillLayer(w, h);
      if (this.fillLayer) {
        ctx.setTransform(dpr * s, 0, 0, dpr * s, dpr * view.x, dpr * view.y);
        ctx.imageSmoothingEnabled = false;
        ctx.drawImage(this.fillLayer, 0, 0);
      }
      // outlines in CSS px from the view's origin, only over the pixels on screen
      const [vw, vh] = this.cssSize();
      const region = visiblePixels(view, vw, vh, w, h);
      ctx.setTransform(dpr, 0, 0, dpr, dpr * view.x, dpr * view.y);
      ctx.lineWidth = 1.5;
      this.strokeOutline(ctx, this.relevant, w, h, s, region, 'rgba(40, 220, 90, 0.95)');
      this.strokeOutline(ctx, this.shortcut, w, h, s, region, 'rgba(255, 40, 120, 0.95)');
    }
    ctx.setTransform(dpr, 0, 0, dpr, dpr * view.x, dpr * view.y);
    if (this.boxStart && this.boxEnd) {
      const x0 = Math.min(this.boxStart.x, this.boxEnd.x);
      const y0 = Math.min(this.boxStart.y, this.boxEnd.y);
      const x1 = Math.max(this.boxStart.x, this.boxEnd.x) + 1;
      const y1 = Math.max(this.boxStart.y, this.boxEnd.y) + 1;
      ctx.lineWidth = 2;
      ctx.setLineDash([4, 3]);
      ctx.strokeStyle = this.maskKind === 'shortcut' ? 'rgb(255, 40, 120)' : 'rgb(40, 220, 90)';
      ctx.strokeRect(x0 * s, y0 * s, (x1 - x0) * s, (y1 - y0) * s);
      ctx.setLineDash([]);
    }
    if (this.hover && (this.tool === 'brush' || this.tool === 'erase') && this.panPointer === null && !this.spaceHeld) {
      // where the brush would paint: its circle, snapped as masks.js brush() snaps it
      const d = this.brushDiameter();
      const cx = d % 2 === 1 ? Math.floor(this.hover.x) + 0.5 : Math.round(this.hover.x);
      const cy = d % 2 === 1 ? Math.floor(this.hover.y) + 0.5 : Math.round(this.hover.y);
      ctx.beginPath();
      ctx.arc(cx * s, cy * s, Math.max(2, (d / 2) * s), 0, 2 * Math.PI);
      ctx.lineWidth = 1;
      ctx.strokeStyle = 'rgba(0, 0, 0, 0.8)';
      ctx.stroke();
      ctx.setLineDash([3, 3]);
      ctx.strokeStyle = 'rgba(255, 255, 255, 0.95)';
      ctx.stroke();
      ctx.setLineDash([]);
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
  }

  /** The semi-transparent fills at image resolution: rebuilt when the masks were replaced, else patched where painted. */
  private updateFillLayer(w: number, h: number): void {
    const layer = this.fillLayer ?? document.createElement('canvas');
    this.fillLayer = layer;
    const lctx = layer.getContext('2d');
    if (!lctx) {
      return;
    }
    if (layer.width !== w || layer.height !== h || !this.fillData || this.fillData.width !== w || this.fillData.height !== h) {
      layer.width = w;
      layer.height = h;
      this.fillData = lctx.createImageData(w, h);
      this.fillStale = true;
    }
    const data = this.fillData.data;
    if (this.fillStale) {
      this.fillStale = false;
      this.fillDirty = null;
      data.fill(0);
      for (let i = 0; i < w * h; i++) {
        this.colourFill(i);
      }
      lctx.putImageData(this.fillData, 0, 0);
    } else if (this.fillDirty) {
      const d = this.fillDirty;
      this.fillDirty = null;
      lctx.putImageData(this.fillData, 0, 0, d.x0, d.y0, d.x1 - d.x0, d.y1 - d.y0);
    }
  }

  private colourFill(i: number): void {
    const data = this.fillData?.data;
    if (!data) {
      return;
    }
    const rgba = this.shortcut[i] ? SHORTCUT_RGBA : this.relevant[i] ? RELEVANT_RGBA : null;
    const o = i * 4;
    if (rgba) {
      data[o] = rgba[0];
      data[o + 1] = rgba[1];
      data[o + 2] = rgba[2];
      data[o + 3] = rgba[3];
    } else {
      data[o + 3] = 0;
    }
  }

  private strokeOutline(
    ctx: CanvasRenderingContext2D,
    mask: Uint8Array,
    w: number,
    h: number,
    s: number,
    region: { x0: number; y0: number; x1: number; y1: number },
    colour: string,
  ): void {
    ctx.beginPath();
    const any = outline(ctx, mask, w, h, s, s, region);
    if (any) {
      ctx.strokeStyle = colour;
      ctx.stroke();
    }
  }

  /** The viewport point (CSS px) of a pointer event. */
  private viewportPoint(e: PointerEvent | WheelEvent): PaintPoint | null {
    const canvas = this.maskCanvas;
    if (!canvas) {
      return null;
    }
    const rect = canvas.getBoundingClientRect();
    if (rect.width <= 0 || rect.height <= 0) {
      return null;
    }
    const [vw, vh] = this.cssSize();
    return { x: ((e.clientX - rect.left) / rect.width) * vw, y: ((e.clientY - rect.top) / rect.height) * vh };
  }

  /** The image point under a pointer (continuous image px), or null off the image when `clamp` is false. */
  private pointAt(e: PointerEvent, clamp = true): PaintPoint | null {
    const [w, h] = this.gridSize();
    const at = this.viewportPoint(e);
    if (!at || !this.view || w <= 0 || h <= 0) {
      return null;
    }
    const p = screenToImage(this.view, at.x, at.y);
    if (!clamp && (p.x < 0 || p.y < 0 || p.x >= w || p.y >= h)) {
      return null;
    }
    return { x: Math.min(Math.max(p.x, 0), w - 1e-6), y: Math.min(Math.max(p.y, 0), h - 1e-6) };
  }

  private capture(e: PointerEvent): void {
    try {
      this.maskCanvas?.setPointerCapture(e.pointerId);
    } catch {
      // a pointer that is already gone cannot be captured; its gesture ends on its pointerup anyway
    }
  }

  private onPointerDown = (e: PointerEvent): void => {
    if (this.strokePointer !== null || this.panPointer !== null) {
      return;
    }
    const mouse = e.pointerType === 'mouse';
    const pan = (mouse && e.button === 1) || ((!mouse || e.button === 0) && (this.tool === 'none' || this.spaceHeld));
    if (pan) {
      const at = this.viewportPoint(e);
      if (!at || !this.view) {
        return;
      }
      e.preventDefault();
      this.panPointer = e.pointerId;
      this.panLast = at;
      this.panning = true;
      this.capture(e);
      return;
    }
    if (this.tool === 'none' || (mouse && e.button !== 0) || !this.paintable()) {
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
    this.capture(e);
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
    if (e.pointerId === this.panPointer) {
      const at = this.viewportPoint(e);
      const [gw, gh] = this.gridSize();
      const [vw, vh] = this.cssSize();
      if (at && this.panLast && this.view && gw > 0) {
        this.changeView(panBy(this.view, at.x - this.panLast.x, at.y - this.panLast.y, vw, vh, gw, gh));
        this.panLast = at;
      }
      return;
    }
    if (e.pointerId !== this.strokePointer) {
      this.hover = this.pointAt(e, false);
      if (this.tool === 'brush' || this.tool === 'erase') {
        this.scheduleMasks();
      }
      return;
    }
    const p = this.pointAt(e);
    if (!p) {
      return;
    }
    this.hover = p;
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
    this.scheduleMasks();
  };

  private onPointerUp = (e: PointerEvent): void => {
    if (e.pointerId === this.panPointer) {
      this.panPointer = null;
      this.panLast = null;
      this.panning = false;
      return;
    }
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

  private onPointerLeave = (): void => {
    if (this.hover && this.strokePointer === null) {
      this.hover = null;
      this.scheduleMasks();
    }
  };

  private onContextMenu = (e: Event): void => {
    if (this.tool !== 'none') {
      e.preventDefault();
    }
  };

  private onAuxClick = (e: MouseEvent): void => {
    if (e.button === 1) {
      e.preventDefault();
    }
  };

  private onWheel = (e: WheelEvent): void => {
    const at = this.viewportPoint(e);
    if (!at || !this.view) {
      return;
    }
    e.preventDefault();
    const pixels = e.deltaMode === 1 ? e.deltaY * 33 : e.deltaMode === 2 ? e.deltaY * 400 : e.deltaY;
    // a wheel notch (100 px) is one zoom step; a pinch (ctrl) sends small deltas, so it counts more
    const steps = -pixels / (e.ctrlKey ? 25 : 100);
    this.zoomTo(this.view.scale * Math.pow(ZOOM_STEP, Math.max(-4, Math.min(4, steps))), at.x, at.y);
  };

  private onKeyDown = (e: KeyboardEvent): void => {
    if (e.key !== ' ' || !this.hover || e.ctrlKey || e.metaKey || e.altKey) {
      return;
    }
    const target = e.composedPath()[0] as HTMLElement | undefined;
    if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable)) {
      return;
    }
    e.preventDefault();
    if (!this.spaceHeld) {
      this.spaceHeld = true;
      this.scheduleMasks();
    }
  };

  private onKeyUp = (e: KeyboardEvent): void => {
    if (e.key === ' ' && this.spaceHeld) {
      this.spaceHeld = false;
      this.scheduleMasks();
    }
  };

  private onWindowBlur = (): void => {
    this.spaceHeld = false;
  };

  private onMapVisibleInput = (e: Event): void => {
    this.mapVisible = (e.target as HTMLInputElement).checked;
    this.fire('map-visible-changed');
  };

  private onOpacityInput = (e: Event): void => {
    this.opacity = Math.min(1, Math.max(0, Number((e.target as HTMLInputElement).value) / 100));
    this.fire('opacity-changed');
  };

  private onBrushInput = (e: Event): void => {
    this.brushSize = Math.max(1, Math.round(Number((e.target as HTMLInputElement).value)));
    this.fire('brush-size-changed');
  };

  private fire(name: string): void {
    this.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true }));
  }

  /** Paints (or erases) the brush's footprint at p (image px). */
  private stamp(p: PaintPoint): void {
    const [w, h] = this.gridSize();
    brush(w, h, p.x, p.y, this.brushDiameter(), (i) => this.paintPixel(i));
  }

  private fillBox(a: PaintPoint, b: PaintPoint): void {
    const [w] = this.gridSize();
    box(a, b, w, (i) => this.paintPixel(i));
  }

  private paintPixel(i: number): void {
    if (paintPixel(this.tool, this.maskKind, this.relevant, this.shortcut, i)) {
      this.strokeChanged = true;
      this.colourFill(i);
      const [w] = this.gridSize();
      const x = i % w;
      const y = (i - x) / w;
      const d = this.fillDirty;
      this.fillDirty = d
        ? { x0: Math.min(d.x0, x), y0: Math.min(d.y0, y), x1: Math.max(d.x1, x + 1), y1: Math.max(d.y1, y + 1) }
        : { x0: x, y0: y, x1: x + 1, y1: y + 1 };
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

/** A value in two significant digits, without a long tail of zeros. */
function formatValue(v: number): string {
  if (v === 0) {
    return '0';
  }
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e4 ? String(Number(v.toPrecision(2))) : v.toExponential(1);
}

declare global {
  interface HTMLElementTagNameMap {
    'rationale-review-canvas': RationaleReviewCanvas;
  }
}

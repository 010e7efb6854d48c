/**
 * Keyboard shortcuts of the review page (A accept, R reject, U unsure, Z undo, ← previous, → next, H hide or
 * show the map), and the size of its pictures.
 *
 * A key goes to the server unless the person is typing in a field; auto-repeat is ignored and one key
 * is on its way at a time. A key counts only while the canvas shows what the server last sent (keys
 * pressed while the next sample loads are dropped), and each key names the map that was drawn when it
 * was pressed, so the server can refuse one that arrives after it moved on.
 *
 * The view calls `window.rationaleReview.listen(view)` when it is attached, and names the drawn map in
 * a verdict button's click with `window.rationaleReview.drawn()`. H is a view setting, not a judgement: it
 * goes to the server whatever the canvas shows.
 *
 * `window.rationaleReview.fit(view)` sizes the pictures to the room the page leaves them (one or two side by
 * side, beside the verdict column, above the painting tools), again whenever that room changes (window
 * resized, menu opened or closed): the verdict buttons stay in view and nothing scrolls sideways. It also
 * links the pictures' zoom and pan: zooming or panning one shows the same image pixels in the other, and a
 * picture drawn anew beside the first (another method) takes the first one's zoom.
 */

const CANVAS = 'review-canvas';
/** How long a key waits for the server's answer before the next key may go (ms). */
const ONE_AT_A_TIME = 10000;
const ACTIONS: Record<string, string> = {
  a: 'accept',
  r: 'reject',
  u: 'unsure',
  z: 'undo',
  ArrowLeft: 'previous',
  ArrowRight: 'next',
};

/** The smallest and largest picture (longer side, CSS pixels). */
const SMALLEST = 160;
const LARGEST = 1024;
/** Room kept below the pictures for the painting tools and the canvas's own controls (CSS pixels). */
const BELOW = 150;

interface ReviewView extends HTMLElement {
  $server: { key(action: string, drawn: string): Promise<void>; mapKey(): Promise<void> };
  rationaleKeySent?: number;
  rationaleFit?: ResizeObserver;
}

interface View {
  scale: number;
  x: number;
  y: number;
}

interface Canvas extends HTMLElement {
  sampleKey: string;
  displaySize: number;
  getView(): View | null;
  getViewport(): { width: number; height: number };
  followView(view: View, width: number, height: number): void;
}

interface Pictures extends HTMLElement {
  rationaleLinked?: boolean;
}

interface ViewChanged {
  view: View;
  width: number;
  height: number;
}

/** The key of the sample and map the canvas shows, once it drew what the server last sent; else ''. */
function drawnIn(canvas: Canvas | null): string {
  const rendered = canvas ? canvas.getAttribute('data-rendered-key') : null;
  return canvas && rendered && rendered === canvas.sampleKey ? rendered : '';
}

let listener: ((e: KeyboardEvent) => void) | undefined;

export function listen(view: ReviewView): void {
  if (listener) {
    document.removeEventListener('keydown', listener);
  }
  listener = (e: KeyboardEvent) => {
    if (!view.isConnected || e.ctrlKey || e.metaKey || e.altKey || e.repeat || !e.key) {
      return;
    }
    const target = e.composedPath()[0] as HTMLElement | undefined;
    if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable)) {
      return;
    }
    const name = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    if (name === 'h') {
      e.preventDefault();
      view.$server.mapKey();
      return;
    }
    const action = ACTIONS[name];
    if (!action) {
      return;
    }
    e.preventDefault();
    const drawn = drawnIn(view.querySelector<Canvas>('#' + CANVAS));
    if (!drawn || Date.now() - (view.rationaleKeySent || 0) < ONE_AT_A_TIME) {
      return;
    }
    view.rationaleKeySent = Date.now();
    const done = () => {
      view.rationaleKeySent = 0;
    };
    view.$server.key(action, drawn).then(done, done);
  };
  document.addEventListener('keydown', listener);
}

/**
 * The longer side each visible picture gets: the row's width shared, and no taller than the window leaves,
 * for the shape of the image shown (a landscape photograph may take more width than the height left).
 */
function size(view: ReviewView, pictures: HTMLElement): number {
  const shown = Array.from(pictures.children).filter((c) => !(c as HTMLElement).hidden) as Canvas[];
  const n = Math.max(1, shown.length);
  const gap = parseFloat(getComputedStyle(pictures).columnGap) || 0;
  const wide = (pictures.clientWidth - gap * (n - 1)) / n;
  // from the top of the document, so that a scrolled page gets the same size
  const top = pictures.getBoundingClientRect().top + window.scrollY;
  const tall = window.innerHeight - top - BELOW;
  // the viewport has the image's shape: width / height of the first picture's (square before an image is there)
  const port = shown.length > 0 && typeof shown[0].getViewport === 'function' ? shown[0].getViewport() : null;
  const aspect = port && port.width > 0 && port.height > 0 ? port.width / port.height : 1;
  const longest = Math.min(wide / Math.min(1, aspect), tall / Math.min(1, 1 / aspect));
  return Math.floor(Math.max(SMALLEST, Math.min(LARGEST, longest)));
}

function apply(view: ReviewView): void {
  const pictures = view.querySelector<HTMLElement>('#review-pictures');
  if (!pictures || !view.isConnected) {
    return;
  }
  const s = size(view, pictures);
  for (const c of Array.from(pictures.children) as Canvas[]) {
    if (c.displaySize !== s) {
      c.displaySize = s;
    }
  }
}

/** The sample of a canvas key "s<sample>-m<map>" ("s12-"), or '' for none. */
function sampleOf(key: string | null): string {
  const at = key ? key.indexOf('-m') : -1;
  return key && key.startsWith('s') && at > 0 ? key.substring(0, at + 1) : '';
}

/** Zooming or panning one picture shows the same image pixels in the others; a picture drawn anew follows the first. */
function link(pictures: Pictures): void {
  if (pictures.rationaleLinked) {
    return;
  }
  pictures.rationaleLinked = true;
  const others = (from: Element) =>
    (Array.from(pictures.children) as Canvas[]).filter((c) => c !== from && !c.hidden && typeof c.followView === 'function');
  pictures.addEventListener('view-changed', (e) => {
    const d = (e as CustomEvent<ViewChanged>).detail;
    for (const c of others(e.target as Element)) {
      c.followView(d.view, d.width, d.height);
    }
  });
  pictures.addEventListener('rendered', (e) => {
    // an image of another shape may take another size
    const view = pictures.closest('#review-view') as ReviewView | null;
    if (view) {
      apply(view);
    }
    const drawnCanvas = e.target as Canvas;
    const first = pictures.querySelector<Canvas>('#' + CANVAS);
    if (!first || drawnCanvas === first || typeof drawnCanvas.followView !== 'function') {
      return;
    }
    // only the first picture's view of the same image: while it still loads a new sample, it has none to give
    const shown = sampleOf(drawnCanvas.getAttribute('data-rendered-key'));
    const firstView = first.getView();
    if (firstView && shown && shown === sampleOf(first.getAttribute('data-rendered-key'))) {
      const { width, height } = first.getViewport();
      drawnCanvas.followView(firstView, width, height);
    }
  });
}

export function fit(view: ReviewView): void {
  const pictures = view.querySelector<HTMLElement>('#review-pictures');
  if (!pictures) {
    return;
  }
  link(pictures);
  apply(view);
  if (!view.rationaleFit) {
    view.rationaleFit = new ResizeObserver(() => requestAnimationFrame(() => apply(view)));
    window.addEventListener('resize', () => requestAnimationFrame(() => apply(view)));
  }
  view.rationaleFit.disconnect();
  view.rationaleFit.observe(pictures);
}

export function drawn(): string {
  return drawnIn(document.getElementById(CANVAS) as Canvas | null);
}

declare global {
  interface Window {
    rationaleReview: { listen: typeof listen; drawn: typeof drawn; fit: typeof fit };
  }
}

window.rationaleReview = { listen, drawn, fit };

/**
 * Keyboard shortcuts of the review page (A accept, R reject, U unsure, Z undo, ← previous, → next).
 *
 * A key goes to the server unless the person is typing in a field; auto-repeat is ignored and one key
 * is on its way at a time. A key counts only while the canvas shows what the server last sent (keys
 * pressed while the next sample loads are dropped), and each key names the map that was drawn when it
 * was pressed, so the server can refuse one that arrives after it moved on.
 *
 * The view calls `window.rationaleReview.listen(view)` when it is attached, and names the drawn map in
 * a verdict button's click with `window.rationaleReview.drawn()`.
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

interface ReviewView extends HTMLElement {
  $server: { key(action: string, drawn: string): Promise<void> };
  rationaleKeySent?: number;
}

interface Canvas extends HTMLElement {
  sampleKey: string;
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
    const action = ACTIONS[e.key.length === 1 ? e.key.toLowerCase() : e.key];
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

export function drawn(): string {
  return drawnIn(document.getElementById(CANVAS) as Canvas | null);
}

declare global {
  interface Window {
    rationaleReview: { listen: typeof listen; drawn: typeof drawn };
  }
}

window.rationaleReview = { listen, drawn };

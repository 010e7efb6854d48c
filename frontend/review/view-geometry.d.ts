/** Types of view-geometry.js (plain JS so that Node's test runner runs it as it is). */
export interface View {
  scale: number;
  x: number;
  y: number;
}
export interface Frame {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface Point {
  x: number;
  y: number;
}
export const MAX_PIXEL_SIZE: number;
export const ZOOM_STEP: number;
export function fitScale(vw: number, vh: number, w: number, h: number): number;
export function scaleLimits(vw: number, vh: number, w: number, h: number): { min: number; max: number };
export function clampView(view: View, vw: number, vh: number, w: number, h: number): View;
export function fitView(vw: number, vh: number, w: number, h: number): View;
export function zoomAt(view: View, scale: number, px: number, py: number, vw: number, vh: number, w: number, h: number): View;
export function carryView(view: View, fromVw: number, fromVh: number, vw: number, vh: number, w: number, h: number): View;
export function panBy(view: View, dx: number, dy: number, vw: number, vh: number, w: number, h: number): View;
export function screenToImage(view: View, px: number, py: number): Point;
export function imageToScreen(view: View, u: number, v: number): Point;
export function visiblePixels(view: View, vw: number, vh: number, w: number, h: number): { x0: number; y0: number; x1: number; y1: number };
export function frameOrImage(frame: Frame | null | undefined, w: number, h: number): Frame;
export function imageToMap(frame: Frame, mw: number, mh: number, u: number, v: number): Point;
export function mapToImage(frame: Frame, mw: number, mh: number, mx: number, my: number): Point;
export function mapOnPixelGrid(frame: Frame, mw: number, mh: number): boolean;

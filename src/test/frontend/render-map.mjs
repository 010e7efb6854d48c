// Colours maps as the review canvas does (rationale-review-canvas.ts: decodeMap, then normalise, then
// paintMap) for MapRenderingTest, which compares the result with the server's rendering pixel by pixel.
// stdin: {"cases": [{"map": base64 of little-endian halves, "pixels", "channels", "colormap", "sign", "opacity"}]}
// stdout: [[r, g, b, a, r, g, b, a, ...] per case]
import { base64ToBytes } from '../../../frontend/review/base64.js';
import { decodeHalves } from '../../../frontend/saliency/half-float.js';
import { normalise, sumChannels } from '../../../frontend/saliency/normalise.js';
import { paintMap } from '../../../frontend/saliency/painter.js';

let input = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) {
  input += chunk;
}
const out = JSON.parse(input).cases.map((c) => {
  const summed = sumChannels(decodeHalves(base64ToBytes(c.map), c.pixels * c.channels), c.pixels, c.channels);
  const rgba = paintMap(normalise(summed, c.sign), c.colormap, c.sign, c.opacity, new Uint8ClampedArray(c.pixels * 4));
  return Array.from(rgba);
});
process.stdout.write(JSON.stringify(out));

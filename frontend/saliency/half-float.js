/**
 * Half floats (IEEE 754 binary16), the form in which stored saliency maps travel to the browser
 * (the server's org.rationale.saliency.MapEncoding writes them).
 */

const HALF_SUBNORMAL = 2 ** -24;

/**
 * Little-endian half floats to single floats by moving the bits: sign, exponent rebiased from 15 to
 * 127, mantissa shifted left by 13; subnormal halves are mantissa × 2^-24; Inf/NaN keep their class.
 *
 * @param {Uint8Array} bytes two bytes a value, low byte first
 * @param {number} count how many values to read
 * @returns {Float32Array}
 */
export function decodeHalves(bytes, count) {
  const out = new Float32Array(count);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < count; i++) {
    const h = bytes[2 * i] | (bytes[2 * i + 1] << 8);
    const sign = (h & 0x8000) << 16;
    const exp = (h >> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0) {
      out[i] = (sign ? -mant : mant) * HALF_SUBNORMAL;
    } else if (exp === 0x1f) {
      bits[i] = (sign | 0x7f800000 | (mant << 13)) >>> 0;
    } else {
      bits[i] = (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
    }
  }
  return out;
}

"""Reference run-length encodings of the fixture mask that FeedbackRleTest compares with.

Written from the formats' descriptions, apart from the Java code it checks:
- COCO: runs down the columns (numpy order 'F'), starting with zeros, and pycocotools' compressed
  string (each count less the count two places before it from the fourth on, in 5-bit groups with a
  continuation bit 0x20, plus 48);
- Label Studio brush: thi.ng rle-pack bits (32-bit value count, 5-bit word size - 1, four 4-bit run
  sizes - 1 = 3, 4, 8, 16; a run is 1, a 2-bit size index, the length - 1, the 8-bit value) over the
  RGBA bytes of the mask, row by row, painted = 255.

Run: python3 src/test/python/make_rle_reference.py  (needs numpy); paste the output into the test.
"""
import hashlib

import numpy as np

W, H = 40, 30


def fixture():
    y, x = np.mgrid[0:H, 0:W]
    return (((x >= 5) & (x < 25) & (y >= 3) & (y < 12)) | ((x + y) % 7 == 0)).astype(np.uint8)


def coco_counts(mask):
    flat = mask.ravel(order='F')
    counts, current, run = [], 0, 0
    for v in flat:
        if v != current:
            counts.append(run)
            run, current = 0, v
        run += 1
    counts.append(run)
    return counts


def coco_string(counts):
    out = []
    for i, c in enumerate(counts):
        x = c - counts[i - 2] if i > 2 else c
        while True:
            ch = x & 0x1f
            x >>= 5
            more = (x != -1) if (ch & 0x10) else (x != 0)
            if more:
                ch |= 0x20
            out.append(chr(ch + 48))
            if not more:
                break
    return ''.join(out)


def brush_rle(mask):
    values = np.repeat(mask.ravel() * 255, 4)
    bits = [format(len(values), '032b'), format(7, '05b')] + [format(s - 1, '04b') for s in (3, 4, 8, 16)]
    sizes = (3, 4, 8, 16)
    i = 0
    while i < len(values):
        j = i
        while j < len(values) and values[j] == values[i]:
            j += 1
        left = j - i
        while left > 0:
            n = min(left, 1 << 16)
            tier = next(t for t, s in enumerate(sizes) if n - 1 < (1 << s))
            bits.append('1' + format(tier, '02b') + format(n - 1, '0%db' % sizes[tier]) + format(int(values[i]), '08b'))
            left -= n
        i = j
    s = ''.join(bits)
    s += '0' * (-len(s) % 8)
    return [int(s[k:k + 8], 2) for k in range(0, len(s), 8)]


if __name__ == '__main__':
    m = fixture()
    counts = coco_counts(m)
    print('pixels', int(m.sum()))
    print('counts', counts)
    print('compressed', coco_string(counts))
    brush = bytes(brush_rle(m))
    print('brush bytes', len(brush), 'sha256', hashlib.sha256(brush).hexdigest())

# Independent PNG check for report tests (no cairo): decode an 8-bit RGB or
# RGBA PNG with zlib, print "WIDTH HEIGHT INNER" where INNER is the number of
# non-white pixels inside the central box (x 20..90 %, y 15..80 %), where
# every chart's plot area lies; then COLOURED, those of them that are not
# grey (data: the palette has no greys; grid, frame and text are grey/black).
# Output: "WIDTH HEIGHT INNER COLOURED".
import struct
import sys
import zlib


def decode(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), "only 8-bit RGB/RGBA"
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows


w, h, bpp, rows = decode(sys.argv[1])
inner = coloured = 0
for y in range(int(h * 0.15), int(h * 0.80)):
    r = rows[y]
    for x in range(int(w * 0.20), int(w * 0.90)):
        px = r[x * bpp:x * bpp + 3]
        if px != b"\xff\xff\xff":
            inner += 1
            if max(px) - min(px) > 40:
                coloured += 1
print(w, h, inner, coloured)

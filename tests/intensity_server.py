#!/usr/bin/env python3
# Test HTTP server for `ctk intensity fetch`, on 127.0.0.1 only. It serves the
# recorded API responses in $CTK_DATA: the UK Carbon Intensity API bodies are
# read out of the R vcr cassettes (YAML: response.body.string, extracted by
# the small quoted-scalar reader below, checked against the recorded
# content-length) and the Electricity Maps v3 fixture as is. A path prefix
# /m/<mode>/ selects a failure: flaky (two 503 then OK), r429 (one 429 with
# Retry-After: 0), e500 (always 500), trunc (connection closed mid-body),
# slow (3 s delay), badjson (complete HTTP, JSON cut in half), e404.
# GET /stats gives request counts per mode. Usage: intensity_server.py PORTFILE
import http.server, json, os, re, sys, threading, time

DATA = os.environ.get("CTK_DATA", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data"))
HERE = os.path.dirname(os.path.abspath(__file__))
TOKEN = "tok-123"  # the fake Electricity Maps token the tests export


def unquote(raw, dq):
    """YAML flow-scalar folding and (for double quotes) escapes."""
    out, prot, i, n = [], 0, 0, len(raw)
    esc = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\", "/": "/", " ": " ", "0": "\0"}
    while i < n:
        ch = raw[i]
        if ch == "\n":
            while len(out) > prot and out[-1] in (" ", "\t"):
                out.pop()
            i += 1
            breaks = 0
            while True:
                j = i
                while j < n and raw[j] in " \t":
                    j += 1
                if j < n and raw[j] == "\n":
                    breaks += 1
                    i = j + 1
                    continue
                i = j
                break
            out.append("\n" * breaks if breaks else " ")
            continue
        if dq and ch == "\\":
            nx = raw[i + 1]
            if nx == "\n":
                i += 2
                while i < n and raw[i] in " \t":
                    i += 1
                prot = len(out)
                continue
            if nx in esc:
                out.append(esc[nx]); i += 2; prot = len(out); continue
            if nx == "u":
                out.append(chr(int(raw[i + 2:i + 6], 16))); i += 6; prot = len(out); continue
            if nx == "x":
                out.append(chr(int(raw[i + 2:i + 4], 16))); i += 4; prot = len(out); continue
            raise ValueError("unknown escape \\" + nx)
        if not dq and ch == "'" and raw[i + 1:i + 2] == "'":
            out.append("'"); i += 2; continue
        out.append(ch); i += 1
    return "".join(out)


def cassette_body(name):
    text = open(os.path.join(DATA, "uk-carbon-intensity-api", "intensegRid-vcr-cassettes", name), encoding="utf-8").read()
    resp = text.index("\n  response:")
    clen = int(re.search(r"content-length: '(\d+)'", text[resp:]).group(1))
    start = text.index("\n      string: ", text.index("\n    body:", resp)) + len("\n      string: ")
    q = text[start]
    i = start + 1
    while True:
        if q == '"' and text[i] == "\\":
            i += 2; continue
        if text[i] == q:
            if q == "'" and text[i + 1] == "'":
                i += 2; continue
            break
        i += 1
    body = unquote(text[start + 1:i], q == '"').encode("utf-8")
    if len(body) != clen:
        raise SystemExit(f"{name}: extracted {len(body)} bytes, recorded content-length {clen}")
    json.loads(body)
    return body


BODIES = {
    "uk": cassette_body("gb_with_dates.yml"),
    "uk-now": cassette_body("gb_no_dates.yml"),
    "uk-region13": cassette_body("reg_with_dates.yml"),
    "uk-EN2": cassette_body("pc_with_dates.yml"),
    "em": open(os.path.join(DATA, "electricitymaps", "api-v3-history_US-MIDW-MISO_2024-11-30_zeus-fixture.json"), "rb").read(),
    "eds": open(os.path.join(HERE, "data", "eds-co2emis-synthetic.json"), "rb").read(),
}
counts = {}
lock = threading.Lock()


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, body=b"", headers=()):
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path
        mode = "ok"
        m = re.match(r"/m/([a-z0-9]+)(/.*)", path)
        if m:
            mode, path = m.group(1), m.group(2)
        if path == "/stats":
            return self.send(200, json.dumps(counts).encode())
        with lock:
            counts[mode] = counts.get(mode, 0) + 1
            nth = counts[mode]
        with open(os.environ.get("CTK_SERVER_LOG", os.devnull), "a") as log:
            log.write(f"{mode} {path}\n")
        if path.startswith("/regional/intensity/"):
            key = "uk-region13" if path.endswith("/regionid/13") else "uk-EN2" if path.endswith("/postcode/EN2") else None
        elif path.startswith("/intensity/"):
            key = "uk"
        elif path.startswith("/v3/carbon-intensity/past-range"):
            if self.headers.get("auth-token") != TOKEN:
                return self.send(401, b'{"error":"unauthorized"}')
            key = "em"
        elif path.startswith("/dataset/CO2Emis"):
            key = "eds"
        else:
            key = None
        if key is None or mode == "e404":
            return self.send(404, b'{"error":"not found"}')
        body = BODIES[key]
        if mode == "flaky" and nth <= 2:
            return self.send(503, b'{"error":"busy"}')
        if mode == "r429" and nth <= 1:
            return self.send(429, b'{"error":"slow down"}', [("Retry-After", "0")])
        if mode == "e500":
            return self.send(500, b'{"error":"boom"}')
        if mode == "slow":
            time.sleep(3)
        if mode == "badjson":
            return self.send(200, body[: len(body) // 2])
        if mode == "trunc":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        return self.send(200, body)


if __name__ == "__main__":
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    srv.daemon_threads = True
    tmp = sys.argv[1] + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, sys.argv[1])
    srv.serve_forever()

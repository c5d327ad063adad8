# Hostile `ctk mark` clients during a fake-NVML run: a 70 KiB message,
# binary junk, NUL bytes, an unknown marker, 40 clients at once and a peer
# of another uid (nobody) are refused and counted in runs.config_json
# "markers_rejected"; the socket is 0600 so nobody cannot even connect; the
# collector keeps sampling (every reading there), still answers good markers,
# and the command's exit status is passed through.
. "$CTK_ROOT/tests/e2e/lib.sh"
export CTK_NVML_LIB="$CTK_BUILD/fakenvml/libnvidia-ml.so.1" CTK_SYSFS_ROOT="$PWD/sys" CTK_FAKENVML_DEVICES=2
unset CUDA_VISIBLE_DEVICES NVIDIA_VISIBLE_DEVICES
mkdir -p sys
# a world-traversable directory: only the socket's own mode keeps others out
dir=$(mktemp -d /tmp/ctk-hostile-XXXXXX)
chmod 755 "$dir"
sock=$dir/s
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

ctk collect --interval 20ms --quiet --db h.db --socket "$sock" -- sh -c 'sleep 3.5; exit 5' 2>err.txt &
pid=$!
i=0; while [ ! -S "$sock" ] && [ $i -lt 200 ]; do sleep 0.02; i=$((i + 1)); done
is "socket mode 0600" "$(stat -c %a "$sock")" 600

cat > hostile.py <<'EOF'
import socket, sys, time
path = sys.argv[1]
def conn():
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)  # blocking: waits while the listen backlog is full
    s.settimeout(5)
    return s
def reply(s):
    try:
        return s.recv(300).decode(errors="replace").strip()
    except OSError as e:
        return "closed: %s" % e.__class__.__name__
def send(data):
    s = conn()
    try:
        s.sendall(data)
    except OSError:
        pass
    r = reply(s)
    s.close()
    return r
print("big", send(b"epoch-start " + b"x" * 70000 + b"\n"))
print("binary", send(bytes(range(256)) * 4 + b"\n"))
print("nul", send(b"epoch-start\x00junk\n"))
print("unknown", send(b"bogus\n"))
print("good1", send(b"epoch-start 1\n"))
many = [conn() for _ in range(40)]
time.sleep(0.3)
for s in many:
    s.setblocking(False)
refused = 0
for s in many:
    try:
        if s.recv(300).startswith(b"error: too many clients"):
            refused += 1
    except OSError:
        pass
print("refused", refused)
for s in many:
    s.close()
print("good2", send(b"epoch-end 1 items=10\n"))
EOF
$PY hostile.py "$sock" > hostile.txt 2>&1
is "70 KiB message refused" "$(grep '^big' hostile.txt)" "big error: request too long"
is "binary junk refused" "$(grep '^binary' hostile.txt)" "binary error: not a text request"
is "NUL byte refused" "$(grep '^nul' hostile.txt)" "nul error: not a text request"
ok "unknown marker refused" grep -q '^unknown error: unknown marker' hostile.txt
if timing; then is "40 clients: 8 over the limit refused" "$(grep '^refused' hostile.txt)" "refused 8"; else skip "40 clients: 8 over the limit refused"; fi
is "good markers still answered" "$(grep '^good' hostile.txt | tr '\n' ' ')" "good1 ok good2 ok "

# another user: the 0600 socket cannot be connected to
cat > other.py <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
try:
    s.connect(sys.argv[1])
except PermissionError:
    print("EACCES"); sys.exit(0)
try:
    s.sendall(b"epoch-start 9\n")
except OSError:
    pass  # refused at once: the answer is already waiting
print(s.recv(300).decode().strip())
EOF
cp other.py "$dir/other.py"
chmod 644 "$dir/other.py"
is "nobody: connect refused with EACCES" \
	"$(setpriv --reuid=65534 --regid=65534 --clear-groups $PY "$dir/other.py" "$sock" 2>&1)" EACCES
# even if the mode were loosened, SO_PEERCRED refuses another uid
chmod 666 "$sock"
is "nobody on a 0666 socket: refused by SO_PEERCRED" \
	"$(setpriv --reuid=65534 --regid=65534 --clear-groups $PY "$dir/other.py" "$sock" 2>&1)" \
	"error: permission denied (another user)"
wait $pid; is "command's exit status passed through" $? 5
rm -rf "$dir"

is "integrity_check" "$(sql h.db 'PRAGMA integrity_check')" ok
if timing; then
is "markers_rejected counted (big, binary, nul, unknown, 8 clients, nobody)" \
	"$(sql h.db "SELECT json_extract(config_json, '$.markers_rejected') FROM runs")" 13
ok "warned about refused markers" grep -q "13 marker request(s) refused, 1 of them from another user" err.txt
else
	skip "markers_rejected counted"
	skip "warned about refused markers"
fi
is "the good epoch is stored" "$(sql h.db "SELECT count(*) FROM windows WHERE kind='epoch' AND idx=1 AND items=10")" 1
is "no bad epoch stored" "$(sql h.db "SELECT count(*) FROM windows WHERE kind='epoch'")" 1
first=$(sql h.db 'SELECT min(first_ns) FROM sample_chunks')
last=$(sql h.db 'SELECT max(last_ns) FROM sample_chunks')
cnt=$(sql h.db 'SELECT sum(n) FROM sample_chunks WHERE device_id = 1')
ok "readings all there ($cnt over $(( (last - first) / 1000000 )) ms at 20 ms)" test "$cnt" -ge $(( (last - first) / 25000000 ))
ok "sampled the whole run" test $(( (last - first) / 1000000 )) -ge 3300
done_testing

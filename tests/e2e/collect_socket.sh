# The marker socket (issue 18): it lives in a directory only the user owns
# ($XDG_RUNTIME_DIR when private, else a mkdtemp directory), --socket in a
# shared directory or another user's is refused before the command starts,
# the directories of killed collectors are removed at the next start, and
# `ctk mark` refuses a listener of another user (SO_PEERCRED) without
# sending it anything. Another user: nobody (65534) through setpriv.
. "$CTK_ROOT/tests/e2e/lib.sh"
export CTK_NVML_LIB="$CTK_BUILD/fakenvml/libnvidia-ml.so.1" CTK_FAKENVML_DEVICES=1 CTK_SYSFS_ROOT="$PWD/sys"
mkdir -p sys tmp
C="ctk collect --interval 50ms --quiet"

# marker arguments: one optional epoch number, 1 to 10^9 (refused before any socket)
CTK_SOCKET=$PWD/none.sock ctk mark epoch-start 1 2 3 2>err.txt; is "ctk mark epoch-start 1 2 3: usage (exit 1)" $? 1
CTK_SOCKET=$PWD/none.sock ctk mark epoch-start 9223372036854775807 2>err.txt; is "ctk mark epoch-start 2^63-1: usage (exit 1)" $? 1
ok "out of range: says the range" grep -q "1 to 1000000000" err.txt

# default: a private $XDG_RUNTIME_DIR is used, the socket's directory is 0700 and ours
mkdir -m 700 xdg
XDG_RUNTIME_DIR=$PWD/xdg $C --db a.db -- sh -c 'stat -c "%a %u" "$(dirname "$CTK_SOCKET")"; echo "$CTK_SOCKET"' >out.txt 2>err.txt
is "private XDG_RUNTIME_DIR: run ok" $? 0
is "socket directory: mode 700, owned by us" "$(head -1 out.txt)" "700 $(id -u)"
ok "socket directory: inside XDG_RUNTIME_DIR" grep -q "^$PWD/xdg/ctk-" out.txt
ok "socket directory removed at the end" test -z "$(ls xdg)"
# a shared XDG_RUNTIME_DIR is not used: a private mkdtemp directory elsewhere
# (/run/user/UID when it is ours and 0700, else TMPDIR)
mkdir -m 1777 shared
XDG_RUNTIME_DIR=$PWD/shared TMPDIR=$PWD/tmp $C --db a.db -- sh -c 'echo "$CTK_SOCKET"; stat -c "%a %u" "$(dirname "$CTK_SOCKET")"' >out.txt 2>err.txt
ok "shared XDG_RUNTIME_DIR: not used" grep -Eq "^($PWD/tmp|/run/user/$(id -u))/ctk-" out.txt
is "shared XDG_RUNTIME_DIR: the directory used is 0700 and ours" "$(sed -n 2p out.txt)" "700 $(id -u)"

# --socket in a shared (sticky, world-writable) directory: refused, command not run
$C --db a.db --socket "$PWD/shared/ctk-7.sock" -- touch ran.txt 2>err.txt
is "--socket in a shared directory: refused (exit 1)" $? 1
ok "--socket in a shared directory: says why" grep -q "directory '$PWD/shared' is shared" err.txt
ok "--socket in a shared directory: command not run" test ! -e ran.txt

# stale directories of killed collectors: removed at the next start; a live one kept
mkdir -m 700 xdg2
python3 - "$PWD/xdg2" <<'PY'
import os, socket, sys, time
base = sys.argv[1]
for name, live in (("ctk-dead01", False), ("ctk-live01", True)):
    d = os.path.join(base, name); os.mkdir(d, 0o700)
    s = socket.socket(socket.AF_UNIX); s.bind(os.path.join(d, "socket"))
    old = time.time() - 3600
    os.utime(os.path.join(d, "socket"), (old, old))
    if live:
        s.listen(1); pid = os.fork()
        if pid == 0:
            time.sleep(30); os._exit(0)
        open(os.path.join(base, "live.pid"), "w").write(str(pid))
    s.close()
PY
XDG_RUNTIME_DIR=$PWD/xdg2 $C --db a.db -- true 2>err.txt
is "stale: run ok" $? 0
ok "stale directory of a dead collector removed" test ! -e xdg2/ctk-dead01
ok "directory of a live collector kept" test -S xdg2/ctk-live01/socket
kill "$(cat xdg2/live.pid)" 2>/dev/null

if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null 2>&1; then
	skip "another user's path refused" "needs root and setpriv"
	skip "ctk mark to a foreign listener" "needs root and setpriv"
	done_testing; exit
fi
# another user (nobody) in a directory reachable by everyone
top=$(mktemp -d /tmp/ctk-socktest-XXXXXX)
trap 'kill $lst 2>/dev/null; rm -rf "$top"' EXIT
chmod 755 "$top"
mkdir -m 755 "$top/nb" "$top/nb700"
chown 65534:65534 "$top/nb"
chown 65534:65534 "$top/nb700"; chmod 700 "$top/nb700"
cat >"$top/listen.py" <<'PY'
import os, socket, sys
path, log = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX); s.bind(path); os.chmod(path, 0o777); s.listen(8)
open(log, "wb").close(); open(path + ".ready", "w").close()
while True:
    c, _ = s.accept(); c.settimeout(2)
    try:
        data = c.recv(300)
    except OSError:
        data = b""
    open(log, "ab").write(data)
    try:
        c.sendall(b"ok\n")
    except OSError:
        pass
    c.close()
PY
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
setpriv --reuid=65534 --regid=65534 --clear-groups "$PY" "$top/listen.py" "$top/nb/ctk.sock" "$top/nb/log" &
lst=$!
i=0; while [ ! -e "$top/nb/ctk.sock.ready" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
ok "nobody's listener is up" test -S "$top/nb/ctk.sock"
# the squatter's pre-created path, and a private directory of another user
$C --db a.db --socket "$top/nb/ctk.sock" -- touch ran.txt 2>err.txt
is "another user's pre-created path: refused (exit 1)" $? 1
ok "another user's path: says whose" grep -q "belongs to another user (uid 65534)" err.txt
ok "another user's path: command not run" test ! -e ran.txt
$C --db a.db --socket "$top/nb700/ctk.sock" -- touch ran.txt 2>err.txt
is "another user's private directory: refused (exit 1)" $? 1
# ctk mark to the squatter: fails (no collector of ours), nothing sent
CTK_SOCKET=$top/nb/ctk.sock ctk mark epoch-start 3 >out.txt 2>err.txt
is "ctk mark to a foreign listener: fails (exit 4)" $? 4
ok "ctk mark to a foreign listener: says it is another user" grep -q "runs as another user (uid 65534)" err.txt
sleep 0.3
ok "the listener is still up (it would have logged a marker)" kill -0 $lst
is "ctk mark to a foreign listener: nothing sent" "$(wc -c <"$top/nb/log" | tr -d ' ')" 0
done_testing

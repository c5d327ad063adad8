# scripts/deps.sh (issue 19): it checks needs with pkg-config, headers and
# programs, never fails when everything is present (as root or not), installs
# with apt-get only what is missing when it can, and otherwise prints the
# package names for Debian/Ubuntu, Fedora and Arch. Package managers are
# stand-ins on PATH here: nothing is installed.
. "$CTK_ROOT/tests/e2e/lib.sh"
D=$CTK_ROOT/scripts/deps.sh
mkdir -p fake pc
chmod 777 . fake pc
log=$PWD/apt.log
# stand-ins: apt-get records its arguments, id says what FAKE_UID says,
# pkg-config lacks cairo
printf '#!/bin/sh\necho "$*" >> %s\n' "$log" > fake/apt-get
printf '#!/bin/sh\nexit 0\n' > fake/dpkg
printf '#!/bin/sh\nexit 1\n' > fake/sudo
printf '#!/bin/sh\nif [ "$1" = -u ]; then echo "${FAKE_UID:-1000}"; else exec /usr/bin/id "$@"; fi\n' > fake/id
real_pc=$(command -v pkg-config)
printf '#!/bin/sh\nfor a; do [ "$a" = cairo ] && exit 1; done\nexec %s "$@"\n' "$real_pc" > pc/pkg-config
chmod 755 fake/* pc/*

# everything present: exit 0 and silent, as root and as another user
sh "$D" > out.txt 2>&1
is "everything present: exit 0" "$?" 0
is "… and nothing said" "$(cat out.txt)" ""
PATH="$PWD/fake:$PATH" FAKE_UID=1000 sh "$D" > out.txt 2>&1
is "everything present, not root (id -u 1000): exit 0" "$?" 0
ok "… apt-get not called" test ! -e "$log"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	setpriv --reuid=65534 --regid=65534 --clear-groups env PATH="$PATH" sh "$D" > out.txt 2>&1
	is "everything present, really another user (uid 65534): exit 0" "$?" 0
else
	skip "everything present as uid 65534" "needs root and setpriv"
fi

# cairo missing, not root, no sudo: the names for three systems, exit 1
PATH="$PWD/fake:$PATH" PKG_CONFIG="$PWD/pc/pkg-config" FAKE_UID=1000 sh "$D" > out.txt 2>&1
is "cairo missing, not root: exit 1" "$?" 1
ok "… says what is missing" grep -q "^deps: missing: cairo$" out.txt
ok "… Debian/Ubuntu package" grep -q "Debian/Ubuntu: sudo apt-get install -y libcairo2-dev$" out.txt
ok "… Fedora package" grep -q "Fedora: *sudo dnf install -y cairo-devel$" out.txt
ok "… Arch package" grep -q "Arch: *sudo pacman -S --needed cairo$" out.txt
ok "… apt-get not called" test ! -e "$log"

# cairo missing, root: apt-get installs exactly that package
PATH="$PWD/fake:$PATH" PKG_CONFIG="$PWD/pc/pkg-config" FAKE_UID=0 sh "$D" > out.txt 2>&1
is "cairo missing, root: exit 0 after apt-get" "$?" 0
is "… apt-get asked for libcairo2-dev only" "$(grep install "$log")" "install -y -qq --no-install-recommends libcairo2-dev"
done_testing

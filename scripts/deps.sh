#!/bin/sh
# Check what ctk needs to build and test, and install only what is missing.
# Each need is checked the way the build uses it (pkg-config, a header, a
# program), not through a package manager, so a machine that has everything
# passes whoever runs this and whatever installed it. Missing needs: as root
# (or with password-less sudo) on Debian/Ubuntu, apt-get installs exactly
# those packages; otherwise the package names are printed for Debian/Ubuntu,
# Fedora and Arch, and the exit status is 1.
# usage: deps.sh [bench|fuzz|full]   (bench: pandas, numpy; fuzz: clang's
# libFuzzer; full: valgrind). Environment: CC, PKG_CONFIG, PYTHON.
cc=${CC:-cc}
pc=${PKG_CONFIG:-pkg-config}
py=${PYTHON:-python3}

has() { command -v "$1" >/dev/null 2>&1; }
pc_has() { "$pc" --exists "$1" 2>/dev/null; }
header() { printf '#include <%s>\n' "$1" | "$cc" -E -x c - >/dev/null 2>&1; }
py_has() { "$py" -c "import $1" >/dev/null 2>&1; }
fuzzer() { printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n){(void)d;(void)n;return 0;}\n' |
	clang -fsanitize=fuzzer -x c - -o /dev/null >/dev/null 2>&1; }

# NEED CHECK DEBIAN FEDORA ARCH: one line per need ("-": none for that system)
needs() {
	cat <<'LIST'
c-compiler	has_cc	gcc	gcc	gcc
make	has make	make	make	make
pkg-config	has_pc	pkg-config	pkgconf-pkg-config	pkgconf
sqlite3	pc_has sqlite3	libsqlite3-dev	sqlite-devel	sqlite
libcjson	pc_has libcjson	libcjson-dev	cjson-devel	cjson
libcurl	pc_has libcurl	libcurl4-openssl-dev	libcurl-devel	curl
cairo	pc_has cairo	libcairo2-dev	cairo-devel	cairo
fontconfig	pc_has fontconfig	libfontconfig-dev	fontconfig-devel	fontconfig
libcsv	header csv.h	libcsv-dev	libcsv-devel	libcsv
cmocka	pc_has cmocka	libcmocka-dev	libcmocka-devel	cmocka
dejavu-fonts	has_dejavu	fonts-dejavu-core	dejavu-sans-fonts	ttf-dejavu
tzdata	test -e /usr/share/zoneinfo/Europe/Copenhagen	tzdata	tzdata	tzdata
python3	has_py	python3	python3	python
python3-venv	py_has ensurepip	python3-venv	python3	python
pdftotext	has pdftotext	poppler-utils	poppler-utils	poppler
sqlite3-cli	has sqlite3	sqlite3	sqlite	sqlite
man	has man	man-db	man-db	man-db
zsh	has zsh	zsh	zsh	zsh
pdflatex	has pdflatex	texlive-latex-base	texlive-latex	texlive-latex
bibtex	has bibtex	texlive-latex-base	texlive-bibtex	texlive-basic
natbib	tex_has natbib.sty	texlive-latex-base	texlive-natbib	texlive-latexrecommended
tabularx	tex_has tabularx.sty	texlive-latex-base	texlive-tools	texlive-latex
booktabs	tex_has booktabs.sty	texlive-latex-recommended	texlive-booktabs	texlive-latexrecommended
times-font	tex_has ptmr8t.tfm	texlive-fonts-recommended	texlive-times	texlive-fontsrecommended
prometheus	has prometheus	prometheus	golang-github-prometheus	prometheus
munge	test -x /usr/sbin/munged	munge	munge	munge
slurmctld	test -x /usr/sbin/slurmctld	slurmctld	slurm-slurmctld	slurm-llnl
slurmd	test -x /usr/sbin/slurmd	slurmd	slurm-slurmd	slurm-llnl
slurm-client	has srun	slurm-client	slurm	slurm-llnl
LIST
	case "${1:-}" in
	bench) printf 'pandas\tpy_has pandas\tpython3-pandas\tpython3-pandas\tpython-pandas\n'
	       printf 'numpy\tpy_has numpy\tpython3-numpy\tpython3-numpy\tpython-numpy\n' ;;
	fuzz) printf 'clang\thas clang\tclang\tclang\tclang\n'
	      printf 'libfuzzer\tfuzzer\tlibclang-rt-dev\tcompiler-rt\tcompiler-rt\n' ;;
	full) printf 'valgrind\thas valgrind\tvalgrind\tvalgrind\tvalgrind\n' ;;
	esac
}
has_cc() { has "$cc"; }
has_pc() { has "$pc"; }
has_py() { has "$py"; }
# TeX: tests/latex/compile.sh compiles the report's tables, methods and ctk.bib the way a paper
# does (pdflatex + bibtex; booktabs, tabularx, natbib/plainnat, times)
tex_has() { has kpsewhich && [ -n "$(kpsewhich "$1" 2>/dev/null)" ]; }
has_dejavu() {
	{ has fc-list && fc-list 2>/dev/null | grep -qi 'dejavu sans'; } || ls /usr/share/fonts/*/dejavu/DejaVuSans.ttf >/dev/null 2>&1
}

tab=$(printf '\t')
missing_deb="" missing_fedora="" missing_arch="" missing_what=""
while IFS="$tab" read -r what check deb fedora arch; do
	[ -n "$what" ] || continue
	# shellcheck disable=SC2086
	eval "$check" && continue
	missing_what="$missing_what $what"
	missing_deb="$missing_deb $deb"
	missing_fedora="$missing_fedora $fedora"
	missing_arch="$missing_arch $arch"
done <<EOF_NEEDS
$(needs "${1:-}")
EOF_NEEDS
[ -z "$missing_what" ] && exit 0

# one name for each package, in order
uniq_words() { printf '%s\n' $1 | awk '!seen[$0]++' | tr '\n' ' ' | sed 's/ $//'; }
missing_deb=$(uniq_words "$missing_deb")
echo "deps: missing:$missing_what" >&2
if has apt-get && has dpkg; then
	if [ "$(id -u)" = 0 ]; then
		sudo=""
	elif has sudo && sudo -n true 2>/dev/null; then
		sudo="sudo -n"
	else
		sudo=none
	fi
	if [ "$sudo" != none ]; then
		echo "deps: installing: $missing_deb" >&2
		export DEBIAN_FRONTEND=noninteractive
		# shellcheck disable=SC2086
		$sudo apt-get update -qq >&2 && $sudo apt-get install -y -qq --no-install-recommends $missing_deb >&2 && exit 0
		echo "deps: apt-get failed" >&2
		exit 1
	fi
fi
echo "deps: install them with one of:" >&2
echo "  Debian/Ubuntu: sudo apt-get install -y $missing_deb" >&2
echo "  Fedora:        sudo dnf install -y $(uniq_words "$missing_fedora")" >&2
echo "  Arch:          sudo pacman -S --needed $(uniq_words "$missing_arch")" >&2
exit 1

# Issue 19, "at home in a researcher's tools": man pages ctk(1) and one per
# command (from --help, rendered by man -l without a warning), bash and zsh
# completion (commands, options, import formats, intensity sources, run ids
# of the --db given), the Python helper installed offline into a fresh venv
# with pip, and `make install` placing all of them.
. "$CTK_ROOT/tests/e2e/lib.sh"
export CTK_NVML_LIB="$CTK_BUILD/fakenvml/libnvidia-ml.so.1" CTK_SYSFS_ROOT="$PWD/sys" CTK_FAKENVML_DEVICES=1
unset CUDA_VISIBLE_DEVICES NVIDIA_VISIBLE_DEVICES CTK_SOCKET
mkdir -p sys
cmds=$(ctk --help | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p')
is "the dispatcher lists 14 commands" "$(echo $cmds | wc -w)" 14

# --- man pages
M=$CTK_BUILD/man
render() { # PAGE: man -l output on stdout; any groff/man warning fails
	LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$1" 2>warn.txt && ! [ -s warn.txt ]
}
ok "ctk(1) renders without warnings" render "$M/ctk.1"
for c in $cmds; do
	ok "ctk-$c(1) renders without warnings" render "$M/ctk-$c.1"
	# kept in sync: every option of `ctk $c --help` is in the rendered page
	missing=$(ctk $c --help | grep -o -- '--[a-z][a-z-]*' | sort -u | while read -r o; do
		render "$M/ctk-$c.1" | grep -q -- "$o" || echo "$o"; done)
	is "ctk-$c(1) names every option of its --help" "$missing" ""
done
is "ctk(1) sees every command's page" "$(grep -c '^\.BR ctk-' "$M/ctk.1")" 14
printf '.TH X 1\n.SH NAME\nx \\- y\n.nosuchmacro\n' > bad.1
ok "a page with an unknown macro is caught (the check can fail)" sh -c 'LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l bad.1 2>bad.txt >/dev/null; [ -s bad.txt ]'

# --- completion (bash; zsh when installed)
ctk collect --db c.db --quiet -- true 2>/dev/null
ctk collect --db c.db --quiet -- true 2>/dev/null
comp() { # WORD… (last = word being completed): the candidates, sorted, one line
	bash -c '. "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _ctk; [ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' \
		"$CTK_ROOT/contrib/completion/ctk.bash" "$@"
}
is "bash: commands" "$(comp ctk '')" "$(printf '%s\n' $cmds --help | sort | tr '\n' ' ')"
got=$(comp ctk import '')
for f in nvidia-smi epochs carbontracker codecarbon zeus zeus-summary eco2ai eit powerjoular prometheus auto; do
	case " $got " in *" $f "*) ;; *) got="MISSING $f in: $got"; break ;; esac
done
ok "bash: import formats listed ($got)" sh -c 'case "$0" in MISSING*) exit 1;; esac' "$got"
is "bash: import formats starting with 'ze'" "$(comp ctk import ze)" "zeus zeus-summary "
is "bash: intensity sources" "$(comp ctk intensity fetch --source '')" "eds electricitymaps uk uk-regional "
is "bash: intensity formats" "$(comp ctk intensity import --format electricitymaps-)" "electricitymaps-csv electricitymaps-json "
is "bash: run ids of the --db given" "$(comp ctk analyze --db c.db --run '')" "1 2 "
is "bash: run ids for config" "$(comp ctk config --db c.db '')" "1 2 "
is "bash: no --db, no run ids" "$(comp ctk analyze --run '')" ""
is "bash: options of runs" "$(comp ctk runs --)" "--csv --db --json "
is "bash: mark verbs" "$(comp ctk mark st)" "status "
is "bash: prometheus --unit" "$(comp ctk import prometheus --unit k)" "kJ kW kWh "
is "bash: slurm verbs" "$(comp ctk slurm '')" "epilog prolog "
if command -v zsh >/dev/null 2>&1; then
	ok "zsh: _ctk parses" zsh -n "$CTK_ROOT/contrib/completion/_ctk"
	# zsh's completion system is stood in for: compadd/_files print the candidates
	zcomp() { # CURRENT PREFIX WORD…
		zsh -c 'compadd() { if [[ $1 == -a ]]; then print -l -- ${(P)2}; else print -l -- "$@"; fi }
			_files() { print FILES; }
			eval "$(sed "\$d" "$1")"; CURRENT=$2; PREFIX=$3; shift 3; words=("$@"); _ctk | sort | tr "\n" " "' \
			zsh "$CTK_ROOT/contrib/completion/_ctk" "$@"
	}
	is "zsh: import formats" "$(zcomp 3 '' ctk import '')" "$(comp ctk import '')"
	is "zsh: run ids of the --db given" "$(zcomp 6 '' ctk analyze --db c.db --run '')" "1 2 "
	is "zsh: intensity sources" "$(zcomp 5 '' ctk intensity fetch --source '')" "eds electricitymaps uk uk-regional "
else
	skip "zsh: _ctk parses" "zsh not installed"
fi

# --- the Python helper: an installable package, offline, into a fresh venv
if python3 -c 'import venv, ensurepip' 2>/dev/null; then
	python3 -m venv venv >/dev/null 2>&1
	ok "pip install --no-index --no-build-isolation ./contrib/python" \
		sh -c 'cd "$0" && "$1/venv/bin/pip" install -q --no-index --no-build-isolation ./contrib/python' "$CTK_ROOT" "$PWD"
	is "the venv imports ctk_mark (not from the tree)" \
		"$(env -u PYTHONPATH venv/bin/python -c 'import ctk_mark, os; print(ctk_mark.__version__, os.path.dirname(ctk_mark.__file__).startswith(os.path.abspath("venv")))')" \
		"$(sed -n 's/^version = "\(.*\)"$/\1/p' "$CTK_ROOT/contrib/python/pyproject.toml") True"
	ok "pip knows the package" venv/bin/pip show -q ctk-mark
	ok "the build left nothing in the tree" sh -c '! ls -d "$0"/contrib/python/build "$0"/contrib/python/*.egg-info 2>/dev/null | grep -q .' "$CTK_ROOT"
else
	skip "pip install into a fresh venv" "python3 venv/ensurepip missing (python3-venv)"
fi

# --- make install: binaries, man pages, completion, the Python module
if make -s -C "$CTK_ROOT" BUILD="$CTK_BUILD" DESTDIR="$PWD/dest" PREFIX=/usr/local install >install.log 2>&1; then
	ok "make install: ctk" test -x dest/usr/local/bin/ctk
	ok "make install: man pages (ctk.1 and ctk-runs.1)" test -f dest/usr/local/share/man/man1/ctk.1 -a -f dest/usr/local/share/man/man1/ctk-runs.1
	ok "make install: bash completion" test -f dest/usr/local/share/bash-completion/completions/ctk
	ok "make install: zsh completion" test -f dest/usr/local/share/zsh/site-functions/_ctk
	site=$(python3 -c "import sysconfig; print(sysconfig.get_path('purelib', vars={'base': '/usr/local', 'platbase': '/usr/local'}))")
	is "make install: ctk_mark importable from the installed site directory" \
		"$(PYTHONPATH="$PWD/dest$site" python3 -c 'import ctk_mark; print(ctk_mark.__file__.startswith("'"$PWD/dest"'"))')" True
else
	cat install.log
	ok "make install" false
fi
done_testing

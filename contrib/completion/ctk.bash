# bash completion for ctk: commands, each command's options, import and
# intensity formats, intensity sources, mark and slurm verbs, and run ids read from the
# store given with --db. Everything is read from ctk itself (its --help text
# and `ctk runs --csv`), so it follows the installed version.
# Installed by `make install` into share/bash-completion/completions/ctk.

_ctk_commands() {
	command ctk --help 2>/dev/null | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p'
}

# the lines of `ctk CMD --help` under the heading that starts with $2, first words
_ctk_section() {
	command ctk "$1" --help 2>/dev/null | sed -n "/^$2/,/^\$/s/^  \\([a-z][a-z0-9-]*\\) .*/\\1/p"
}

_ctk_options() {
	command ctk "$1" --help 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u
}

_ctk_sources() {
	command ctk intensity --help 2>/dev/null | sed -n 's/.*--source \([a-z|-]*\).*/\1/p' | head -n 1 | tr '|' ' '
}

# the value of --db on the command line (--db F or --db=F)
_ctk_db() {
	local i w
	for ((i = 1; i < ${#COMP_WORDS[@]}; i++)); do
		w=${COMP_WORDS[i]}
		if [[ $w == --db && i -lt COMP_CWORD ]]; then
			printf '%s\n' "${COMP_WORDS[i + 1]}"
			return
		elif [[ $w == --db=* ]]; then
			printf '%s\n' "${w#--db=}"
			return
		fi
	done
}

_ctk_run_ids() {
	local db
	db=$(_ctk_db)
	[[ -n $db && -r $db ]] || return 0
	command ctk runs --db "$db" --csv 2>/dev/null | sed -n '2,$s/,.*//p'
}

_ctk() {
	local cur prev cmd words
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()
	if ((COMP_CWORD == 1)); then
		COMPREPLY=($(compgen -W "$(_ctk_commands) --help" -- "$cur"))
		return
	fi
	cmd=${COMP_WORDS[1]}
	case $prev in
	--db | --out | --socket | --base-url | --metrics-file | --file)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--run | --runs)
		COMPREPLY=($(compgen -W "$(_ctk_run_ids)" -- "$cur"))
		return ;;
	--source)
		COMPREPLY=($(compgen -W "$(_ctk_sources)" -- "$cur"))
		return ;;
	--format)
		COMPREPLY=($(compgen -W "$(_ctk_section intensity formats)" -- "$cur"))
		return ;;
	--signal)
		COMPREPLY=($(compgen -W "lifecycle direct marginal" -- "$cur"))
		return ;;
	--fill)
		COMPREPLY=($(compgen -W "none previous default" -- "$cur"))
		return ;;
	--on-budget)
		COMPREPLY=($(compgen -W "warn stop ask" -- "$cur"))
		return ;;
	--unit)
		COMPREPLY=($(compgen -W "J mJ kJ Wh kWh W mW kW" -- "$cur"))
		return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_ctk_options "$cmd")" -- "$cur"))
		return
	fi
	case $cmd in
	import)
		if ((COMP_CWORD == 2)); then
			COMPREPLY=($(compgen -W "$(_ctk_section import formats)" -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi ;;
	intensity)
		if ((COMP_CWORD == 2)); then
			COMPREPLY=($(compgen -W "import default list fetch join" -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi ;;
	mark)
		((COMP_CWORD == 2)) && COMPREPLY=($(compgen -W "epoch-start epoch-end begin end status" -- "$cur")) ;;
	export)
		((COMP_CWORD == 2)) && COMPREPLY=($(compgen -W "samples" -- "$cur")) ;;
	slurm)
		if ((COMP_CWORD == 2)); then
			COMPREPLY=($(compgen -W "prolog epilog" -- "$cur"))
		else
			COMPREPLY=($(compgen -d -- "$cur"))
		fi ;;
	config)
		COMPREPLY=($(compgen -W "$(_ctk_run_ids)" -- "$cur")) ;;
	collect)
		COMPREPLY=($(compgen -c -- "$cur")) ;;
	*)
		COMPREPLY=($(compgen -f -- "$cur")) ;;
	esac
}
complete -F _ctk ctk

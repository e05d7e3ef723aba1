# bash completion for the pdc programs: pdc-search, pdc-enqueue, pdc-worker,
# pdc-status, pdc-stats, pdc-show, pdc-export, pdc-changes and pdc-db.  One
# file for all nine: `make install` puts a copy under each program's name,
# where bash-completion looks.
# Standalone too: `source completions/pdc.bash`.

# The options of each program, short and long, as in its man page.  An option
# that takes an argument ends in "="; _pdc_values says what the argument can be.
# A new option goes here (tests/70-docs.bats fails until it does).
_pdc_options() {
	case $1 in
	pdc-search)  echo "-h --help --version -l= --limit= --enqueue= --header --json --profile=" ;;
	pdc-enqueue) echo "-h --help --version --active --all --cancel --error= -f --force --header --json --older= -p= --priority= --profile= --refresh --retry-failed --since= --timeout= --top= --wait" ;;
	pdc-worker)  echo "-h --help --version --apn= --ca-file= --drain -j= --jobs= --keep-days= --pause --profile= --reparse --resume" ;;
	pdc-status)  echo "-h --help --version --error= --follow --header --interval= --json --list --newer= --older= --priority= --profile= --state= --timeout= --wait --watch" ;;
	pdc-stats)   echo "-h --help --version --header --json --profile= --prometheus" ;;
	pdc-show)    echo "-h --help --version --history --json --profile=" ;;
	pdc-export)  echo "-h --help --version --csv --json --profile=" ;;
	pdc-changes) echo "-h --help --version --follow --json --kind= --profile= --since= --tsv" ;;
	pdc-db)      echo "-h --help --version --header --json --profile=" ;;
	esac
}

# The words an option's argument can be; nothing for numbers and APNs.
_pdc_values() {
	case $1 in
	--profile) echo "conservative high-performance auto" ;;
	-p | --priority) echo "critical high normal low" ;;
	--state) echo "pending retrying active completed failed cancelled" ;;
	--kind) echo "sale owner mailing tax valuation residential record" ;;
	esac
}

_pdc_subcommands() {
	case $1 in
	pdc-db) echo "start stop status url check migrate config probe" ;;
	esac
}

_pdc() {
	local prog=${1##*/} cur=${COMP_WORDS[COMP_CWORD]} prev="" i o opts="" takes=""
	COMPREPLY=()
	[ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
	# "--profile=co" arrives as "--profile" "=" "co" when = breaks words.
	if [ "$cur" = "=" ]; then
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		cur=""
	elif [ "$prev" = "=" ] && [ "$COMP_CWORD" -gt 1 ]; then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	elif [[ $cur == --*=* ]]; then
		prev=${cur%%=*}
		cur=${cur#*=}
	fi
	for o in $(_pdc_options "$prog"); do
		case $o in
		*=) opts+=" ${o%=}"; takes+=" ${o%=} " ;;
		*) opts+=" $o" ;;
		esac
	done
	if [[ " $takes " == *" $prev "* ]]; then
		case $prev in
		--ca-file) mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
		*) mapfile -t COMPREPLY < <(compgen -W "$(_pdc_values "$prev")" -- "$cur") ;;
		esac
		return 0
	fi
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
		return 0
	fi
	# A subcommand, unless one is on the line already.
	local subs
	subs=$(_pdc_subcommands "$prog")
	[ -n "$subs" ] || return 0
	for ((i = 1; i < COMP_CWORD; i++)); do
		[[ " $subs " == *" ${COMP_WORDS[i]} "* ]] && return 0
	done
	mapfile -t COMPREPLY < <(compgen -W "$subs" -- "$cur")
}

complete -F _pdc pdc-search pdc-enqueue pdc-worker pdc-status pdc-stats pdc-show pdc-export pdc-changes pdc-db

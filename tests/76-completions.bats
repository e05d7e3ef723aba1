#!/usr/bin/env bats
# Completions: each shell loads its file from where `make install` puts it and
# completes options, priorities, profiles and pdc-db's subcommands.  That the
# options are all and only those each program accepts is tests/70-docs.bats'.

load test_helper

setup_file() {
	export INST="$BATS_FILE_TMPDIR/root"
	make -s -C "$TOP" BUILD="$BUILD" install DESTDIR="$INST" PREFIX=/opt/pdc >/dev/null
	export SHARE="$INST/opt/pdc/share"
}

# The truth the completions must offer: what pdc-enqueue -p and --profile accept.
PRIORITIES="critical
high
low
normal"
PROFILES="auto
conservative
high-performance"

# bash_complete LINE: COMPREPLY for LINE (a trailing space starts a new word),
# the completion loaded the way bash-completion loads it: by the command's
# name, from bash-completion/completions under a directory of XDG_DATA_DIRS.
bash_complete() {
	XDG_DATA_DIRS="$SHARE:/usr/share" bash --norc --noprofile -c '
		source /usr/share/bash-completion/bash_completion || exit 1
		read -ra COMP_WORDS <<<"$1"
		[[ $1 == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
		COMP_LINE=$1 COMP_POINT=${#1}
		__load_completion "${COMP_WORDS[0]}" || { echo "no completion loaded" >&2; exit 1; }
		fn=$(complete -p "${COMP_WORDS[0]}" | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
		[ -n "$fn" ] || exit 1
		"$fn" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' bash "$1" | sed '/^$/d' | LC_ALL=C sort -u
}

zsh_complete() {
	zsh -f "$TOP/tests/zcomplete.zsh" "$SHARE/zsh/site-functions" "$1" | LC_ALL=C sort -u
}

# fish_complete LINE: fish autoloads the completion from the installed directory.
fish_complete() {
	HOME="$BATS_TEST_TMPDIR" fish --no-config -c 'set -p fish_complete_path $argv[1]; complete -C$argv[2]' \
	    "$SHARE/fish/vendor_completions.d" "$1" | cut -f1 | LC_ALL=C sort -u
}

@test "the priorities and profiles the completions offer are those the programs accept" {
	local p
	while read -r p; do
		run_pdc 64 pdc-enqueue -p "$p" --zz-no-such-option-zz
		refute_output --partial "is not a priority"
	done <<<"$PRIORITIES"
	run_pdc 64 pdc-enqueue -p urgent
	assert_output --partial "is not a priority"
	while read -r p; do
		run_pdc 0 pdc-db --profile "$p" config
	done <<<"$PROFILES"
	run_pdc 78 pdc-db --profile turbo config
}

@test "bash: bash-completion loads it by name; options, priorities, profiles, subcommands, files" {
	local p
	for p in pdc-search pdc-enqueue pdc-worker pdc-status pdc-stats pdc-show pdc-export pdc-changes pdc-db; do
		run bash_complete "$p --ver"
		assert_output "--version"
	done
	run bash_complete "pdc-enqueue --pri"
	assert_output "--priority"
	run bash_complete "pdc-enqueue -p "
	assert_output "$PRIORITIES"
	run bash_complete "pdc-enqueue --priority h"
	assert_output "high"
	run bash_complete "pdc-worker --profile "
	assert_output "$PROFILES"
	run bash_complete "pdc-status --profile=co"
	assert_output "conservative"
	run bash_complete "pdc-db "
	assert_output "check
config
migrate
probe
start
status
stop
url"
	run bash_complete "pdc-db --profile auto st"
	assert_output "start
status
stop"
	run bash_complete "pdc-db stop "
	assert_output ""
	mkdir -p "$BATS_TEST_TMPDIR/ca" && touch "$BATS_TEST_TMPDIR/ca/county.pem"
	run bash_complete "pdc-worker --ca-file $BATS_TEST_TMPDIR/ca/cou"
	assert_output "$BATS_TEST_TMPDIR/ca/county.pem"
	run bash_complete "pdc-search --limit "
	assert_output ""
}

@test "zsh: compinit registers _pdc for every program; options, priorities, profiles, subcommands" {
	run zsh -f -c 'fpath=("$1" $fpath); autoload -Uz compinit; compinit -u -D
		for p in pdc-search pdc-enqueue pdc-worker pdc-status pdc-stats pdc-show pdc-export pdc-changes pdc-db; do
			print -r -- "$p ${_comps[$p]}"
		done' zsh "$SHARE/zsh/site-functions"
	assert_success
	assert_output "pdc-search _pdc
pdc-enqueue _pdc
pdc-worker _pdc
pdc-status _pdc
pdc-stats _pdc
pdc-show _pdc
pdc-export _pdc
pdc-changes _pdc
pdc-db _pdc"
	run zsh_complete "pdc-enqueue --pri"
	assert_output "--priority"
	run zsh_complete "pdc-enqueue -p "
	assert_output "$PRIORITIES"
	run zsh_complete "pdc-worker --profile="
	assert_output "$PROFILES"
	run zsh_complete "pdc-db "
	assert_output "check
config
migrate
probe
start
status
stop
url"
}

@test "fish: autoloaded by name; options, priorities, profiles, subcommands" {
	run fish_complete "pdc-enqueue --pri"
	assert_output "--priority"
	run fish_complete "pdc-enqueue -p "
	assert_output "$PRIORITIES"
	run fish_complete "pdc-worker --profile="
	assert_output "--profile=auto
--profile=conservative
--profile=high-performance"
	run fish_complete "pdc-stats --profile "
	assert_output "$PROFILES"
	run fish_complete "pdc-db "
	assert_output "check
config
migrate
probe
start
status
stop
url"
	run fish_complete "pdc-db stop "
	assert_output ""
}

#!/usr/bin/env bats
# make install / uninstall.

load test_helper

@test "make install puts the programs under DESTDIR/PREFIX and uninstall removes them" {
	local d="$BATS_TEST_TMPDIR/root"
	run make -s -C "$TOP" BUILD="$BUILD" install DESTDIR="$d" PREFIX=/opt/pdc
	assert_success
	local p
	for p in pdc-search pdc-enqueue pdc-worker pdc-status pdc-stats pdc-show pdc-export pdc-db; do
		[ -x "$d/opt/pdc/bin/$p" ]
	done
	run "$d/opt/pdc/bin/pdc-db" --version
	assert_output --partial "pdc-db "
	run make -s -C "$TOP" BUILD="$BUILD" uninstall DESTDIR="$d" PREFIX=/opt/pdc
	assert_success
	[ ! -e "$d/opt/pdc/bin/pdc-worker" ]
}

@test "make install puts the completions where bash-completion, zsh and fish look, and uninstall removes them" {
	local d="$BATS_TEST_TMPDIR/root" s p
	run make -s -C "$TOP" BUILD="$BUILD" install DESTDIR="$d" PREFIX=/opt/pdc
	assert_success
	s="$d/opt/pdc/share"
	for p in pdc-search pdc-enqueue pdc-worker pdc-status pdc-stats pdc-show pdc-db; do
		cmp "$TOP/completions/pdc.bash" "$s/bash-completion/completions/$p"
		cmp "$TOP/completions/pdc.fish" "$s/fish/vendor_completions.d/$p.fish"
	done
	cmp "$TOP/completions/_pdc" "$s/zsh/site-functions/_pdc"
	# Elsewhere too, as the Makefile's variables say.
	run make -s -C "$TOP" BUILD="$BUILD" install DESTDIR="$d" PREFIX=/opt/pdc \
	    COMPDIR_BASH=/etc/bash_completion.d COMPDIR_ZSH=/usr/share/zsh/vendor-completions COMPDIR_FISH=/etc/fish/completions
	assert_success
	[ -f "$d/etc/bash_completion.d/pdc-db" ]
	[ -f "$d/usr/share/zsh/vendor-completions/_pdc" ]
	[ -f "$d/etc/fish/completions/pdc-db.fish" ]
	run make -s -C "$TOP" BUILD="$BUILD" uninstall DESTDIR="$d" PREFIX=/opt/pdc
	assert_success
	run make -s -C "$TOP" BUILD="$BUILD" uninstall DESTDIR="$d" PREFIX=/opt/pdc \
	    COMPDIR_BASH=/etc/bash_completion.d COMPDIR_ZSH=/usr/share/zsh/vendor-completions COMPDIR_FISH=/etc/fish/completions
	assert_success
	run find "$d" -type f
	assert_output ""
}

#!/usr/bin/env bats
# make install / uninstall.

load test_helper

@test "make install puts the programs under DESTDIR/PREFIX and uninstall removes them" {
	local d="$BATS_TEST_TMPDIR/root"
	run make -s -C "$TOP" BUILD="$BUILD" install DESTDIR="$d" PREFIX=/opt/pdc
	assert_success
	local p
	for p in pdc-search pdc-enqueue pdc-worker pdc-status pdc-stats pdc-db; do
		[ -x "$d/opt/pdc/bin/$p" ]
	done
	run "$d/opt/pdc/bin/pdc-db" --version
	assert_output --partial "pdc-db "
	run make -s -C "$TOP" BUILD="$BUILD" uninstall DESTDIR="$d" PREFIX=/opt/pdc
	assert_success
	[ ! -e "$d/opt/pdc/bin/pdc-worker" ]
}

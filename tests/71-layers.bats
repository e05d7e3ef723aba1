#!/usr/bin/env bats
# The library's layers (DESIGN.md, lib/LAYERS): no file includes a header of
# a higher layer, and every file has its layer.

load test_helper

@test "no lib file includes a header of a higher layer, and each has its layer" {
	run sh "$TOP/tests/layers.sh"
	assert_success
	assert_output ""
}

@test "the layer check names a storage file that includes the collector's header" {
	local d="$BATS_TEST_TMPDIR/tree"
	mkdir -p "$d"
	cp -R "$TOP/lib" "$d/lib"
	printf '#include "collect.h"\n' >>"$d/lib/store.c"
	run sh "$TOP/tests/layers.sh" "$d"
	assert_failure 1
	assert_output 'lib/store.c: includes "collect.h" (collect) from a lower layer (storage)'
}

@test "the layer check names a lib file that has no layer" {
	local d="$BATS_TEST_TMPDIR/tree"
	mkdir -p "$d"
	cp -R "$TOP/lib" "$d/lib"
	printf 'int pdc_stray;\n' >"$d/lib/stray.c"
	run sh "$TOP/tests/layers.sh" "$d"
	assert_failure 1
	assert_output 'lib/stray.c: no layer in lib/LAYERS'
}

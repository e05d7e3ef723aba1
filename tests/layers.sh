#!/bin/sh
# layers.sh [TOP] - check that no file in TOP/lib (default: the source tree)
# includes a header of a higher layer than its own, by the layers lib/LAYERS
# lists.  Prints one line per violation, and per file with no layer, and
# exits 1 if there is any.
set -u
TOP=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$TOP/lib" || exit 2
find . -name '*.[ch]' | sed 's|^\./||' | sort |
awk -v layers=LAYERS '
BEGIN {
	n = 0
	while ((getline line < layers) > 0) {
		if (line ~ /^[ \t]*(#|$)/)
			continue
		split(line, f, /[ \t]+/)
		n++
		name[n] = f[1]
		for (i = 2; i in f; i++)
			if (f[i] != "")
				level[f[i]] = n
	}
	bad = 0
}
# the module of a path under lib/: "sources/util.c" -> "sources/util"
function module(p) {
	sub(/\.[ch]$/, "", p)
	return p
}
function layer_of(m,    d) {
	if (m in level)
		return level[m]
	d = m
	sub(/\/[^\/]*$/, "/*", d)
	if (d != m && (d in level))
		return level[d]
	return 0
}
{
	file = $0
	m = module(file)
	if ((lf = layer_of(m)) == 0) {
		printf "lib/%s: no layer in lib/LAYERS\n", file
		bad = 1
		next
	}
	dir = file
	if (dir ~ /\//)
		sub(/\/[^\/]*$/, "/", dir)
	else
		dir = ""
	while ((getline line < file) > 0) {
		if (line !~ /^#[ \t]*include[ \t]*"/)
			continue
		inc = line
		sub(/^#[ \t]*include[ \t]*"/, "", inc)
		sub(/".*/, "", inc)
		path = dir inc
		# resolve "../x.h" against the including file
		while (path ~ /[^\/.][^\/]*\/\.\.\//)
			sub(/[^\/.][^\/]*\/\.\.\//, "", path)
		li = layer_of(module(path))
		if (li == 0)
			continue	# not a lib header (a system one in quotes)
		if (li > lf) {
			printf "lib/%s: includes \"%s\" (%s) from a lower layer (%s)\n", file, inc,
			    name[li], name[lf]
			bad = 1
		}
	}
	close(file)
}
END { exit bad }
'

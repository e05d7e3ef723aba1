#!/bin/sh
# deps.sh - install what pdc needs to build, test and run, from Debian's packages.
#   sh tests/deps.sh              install (or upgrade to) everything listed
#   sh tests/deps.sh --if-missing install only what is not installed yet
#   sh tests/deps.sh --fuzz       also clang and its libFuzzer runtime (make fuzz)
set -eu

if_missing=false
fuzz=false
for arg; do
	case $arg in
	--if-missing) if_missing=true ;;
	--fuzz) fuzz=true ;;
	*) echo "deps: unknown option $arg" >&2; exit 64 ;;
	esac
done

PKGS="gcc make pkg-config libc6-dev libpq-dev libcurl4-openssl-dev libxml2-dev libcjson-dev libbsd-dev
libmicrohttpd-dev postgresql postgresql-client bats bats-support bats-assert jq curl procps mandoc openssl
bsdutils bash-completion zsh fish valgrind python3 time"
FUZZ_PKGS="clang libclang-rt-dev"
if $fuzz; then
	PKGS="$PKGS $FUZZ_PKGS"
fi

missing=""
for p in $PKGS; do
	if ! $if_missing ||
	    ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -n "$missing" ] || exit 0

echo "deps: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "deps: not root and no sudo: install these packages:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "deps: done"

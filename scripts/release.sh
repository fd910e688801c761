#!/usr/bin/env bash
# Builds Salama's release binaries: static (no C library), reproducible (the
# same checkout and Go version give the same bytes), stamped with the version
# and commit that `salama version` prints, with their SHA-256 checksums.
#
#   scripts/release.sh [VERSION]        VERSION defaults to `git describe`
#   scripts/release.sh --check          also build again and compare
#
#   TARGETS="linux/amd64 linux/arm64"   the platforms (default: the four below)
#   OUT=dist                            where the files go (emptied first)
#
# Output: $OUT/salama-VERSION-OS-ARCH[.exe], $OUT/SHA256SUMS (checked with
# `sha256sum -c SHA256SUMS`) and $OUT/BUILDINFO (the Go version and flags,
# needed to reproduce the bytes). Needs Go 1.26 and, for the stamp, git.
set -euo pipefail
cd "$(dirname "$0")/.."

check=false
if [ "${1:-}" = "--check" ]; then check=true; shift; fi
in_git=false
if git rev-parse --git-dir >/dev/null 2>&1; then in_git=true; fi

version=${1:-}
if [ -z "$version" ]; then
	if $in_git; then version=$(git describe --tags --always --dirty); else version=dev; fi
fi
commit=unknown
if $in_git; then commit=$(git rev-parse HEAD); fi
out=${OUT:-dist}
targets=${TARGETS:-"linux/amd64 linux/arm64 windows/amd64 darwin/arm64"}

# -trimpath drops the build machine's paths; -buildid= and a fixed set of
# flags make the bytes depend only on the source, the module versions
# (go.sum) and the Go version. -buildvcs records the commit in the build
# information too, when this is a git checkout.
buildvcs=false
if $in_git; then buildvcs=true; fi
ldflags="-s -w -buildid= -X main.version=$version -X main.commit=$commit"

sum() {
	if command -v sha256sum >/dev/null; then sha256sum "$@"; else shasum -a 256 "$@"; fi
}

build() { # build DIR
	local dir=$1
	rm -rf "$dir"
	mkdir -p "$dir"
	for t in $targets; do
		local os=${t%/*} arch=${t#*/} ext=""
		if [ "$os" = windows ]; then ext=.exe; fi
		local name="salama-$version-$os-$arch$ext"
		echo "building $name"
		CGO_ENABLED=0 GOOS=$os GOARCH=$arch GOFLAGS=-mod=readonly \
			go build -trimpath -buildvcs=$buildvcs -ldflags "$ldflags" -o "$dir/$name" ./cmd/salama
	done
	(cd "$dir" && sum salama-* > SHA256SUMS)
	{
		echo "version $version"
		echo "commit $commit"
		go version
		echo "CGO_ENABLED=0 go build -trimpath -buildvcs=$buildvcs -ldflags \"$ldflags\""
	} > "$dir/BUILDINFO"
}

build "$out"
cat "$out/SHA256SUMS"

if $check; then
	again=$(mktemp -d)
	trap 'rm -rf "$again"' EXIT
	build "$again/dist"
	if ! diff "$out/SHA256SUMS" "$again/dist/SHA256SUMS"; then
		echo "release: a second build gave different bytes: not reproducible" >&2
		exit 1
	fi
	echo "reproducible: a second build gave the same checksums"
fi

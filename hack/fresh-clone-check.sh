#!/usr/bin/env bash
# Checks that a fresh machine can build and verify mlplane: clones the
# committed HEAD into a temporary directory and runs `make verify` (or the
# targets given as arguments) with empty Go module and build caches, so a step
# that only works because a cache is warm or a tool happens to be installed
# fails here instead of on a new user's machine.
#
#   hack/fresh-clone-check.sh                 make verify
#   hack/fresh-clone-check.sh verify build    any make targets
#   KEEP=1 hack/fresh-clone-check.sh          keep the clone and caches for a look
#
# It checks what is committed: uncommitted changes are not in the clone.
set -o errexit -o nounset -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TMP=$(mktemp -d /tmp/mlplane-fresh.XXXXXX)
if [[ -z ${KEEP:-} ]]; then
    # Module cache files are read-only; make them writable so rm can remove them.
    trap 'chmod -R u+w "${TMP}" 2>/dev/null; rm -rf "${TMP}"' EXIT
fi

targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(verify)

if [[ -n $(git -C "${ROOT}" status --porcelain --untracked-files=no) ]]; then
    echo "fresh-clone-check: uncommitted changes are not checked (the clone has HEAD only)" >&2
fi

git clone --quiet --no-hardlinks "${ROOT}" "${TMP}/mlplane"
mkdir -p "${TMP}/gomodcache" "${TMP}/gocache" "${TMP}/gopath"

echo "fresh-clone-check: make ${targets[*]} in ${TMP}/mlplane with empty GOMODCACHE and GOCACHE"
start=${SECONDS}
# Only the variables a fresh machine would have: no GOFLAGS, no GOPATH of ours,
# no tools of ours on PATH.
env -i HOME="${TMP}" PATH="/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    GOMODCACHE="${TMP}/gomodcache" GOCACHE="${TMP}/gocache" GOPATH="${TMP}/gopath" \
    ${GOPROXY:+GOPROXY="${GOPROXY}"} ${GOTOOLCHAIN:+GOTOOLCHAIN="${GOTOOLCHAIN}"} \
    make -C "${TMP}/mlplane" "${targets[@]}"
echo "fresh-clone-check: passed in $((SECONDS - start))s"

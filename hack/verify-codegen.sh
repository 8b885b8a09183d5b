#!/usr/bin/env bash
# Fails when generated code is stale: regenerates into a temporary copy of the
# tree and diffs it against the checked-in files.
set -o errexit -o nounset -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "${TMP}"' EXIT

# Copy what the generators read and write; go.mod so the copy is a module.
mkdir -p "${TMP}/hack"
cp -a "${ROOT}/pkg" "${ROOT}/go.mod" "${ROOT}/go.sum" "${TMP}/"
cp -a "${ROOT}/hack/boilerplate.go.txt" "${ROOT}/hack/api-violations.list" "${TMP}/hack/"

# Generated files are recreated from scratch, so stale ones show up too.
find "${TMP}/pkg" -name 'zz_generated.*.go' -delete
find "${TMP}/pkg/generated" -mindepth 1 -maxdepth 1 ! -name openapi -exec rm -rf {} +
rm -f "${TMP}/pkg/generated/openapi/zz_generated.openapi.go"
mkdir -p "${TMP}"/pkg/generated/{applyconfiguration,clientset,listers,informers}

CODEGEN_OUTPUT_ROOT="${TMP}" "${ROOT}/hack/update-codegen.sh" >/dev/null

# Compare only generated files, so hand-written files being edited do not count.
status=0
generated() { (cd "$1" && find pkg -name 'zz_generated.*.go' -o -path 'pkg/generated/*' -type f | sort); }
for f in $(sort -u <(generated "${ROOT}") <(generated "${TMP}")) hack/api-violations.list; do
    if ! diff -Nau --label "a/${f}" --label "b/${f}" "${ROOT}/${f}" "${TMP}/${f}"; then
        status=1
    fi
done
if [[ ${status} -ne 0 ]]; then
    echo "Generated code is out of date. Run hack/update-codegen.sh." >&2
fi
exit ${status}

#!/usr/bin/env bash
# Builds the real components of the local control plane into _output/bin:
# kube-apiserver, kube-controller-manager, kube-scheduler (k8s.io/kubernetes),
# kwok and etcd, at the versions pinned in hack/tools/go.mod. A binary is
# rebuilt only when the pinned versions or the Go toolchain changed.
# The first kube-apiserver build takes 7-13 minutes on 2 cores.
set -o errexit -o nounset -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${ROOT}/_output/bin
mkdir -p "${BIN}"
cd "${ROOT}/hack/tools"

KUBE_VERSION=$(go list -m -f '{{.Version}}' k8s.io/kubernetes)
KUBE_MINOR=$(echo "${KUBE_VERSION}" | cut -d. -f2)
# Stamp the version, or `kubectl version` cannot parse the server's.
LDFLAGS="-s -w -X k8s.io/component-base/version.gitVersion=${KUBE_VERSION}
  -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${KUBE_MINOR}
  -X k8s.io/component-base/version.gitTreeState=clean"
INPUTS=$(cat go.mod go.sum tools.go "${ROOT}/hack/build-tools.sh"; go version)
STAMP=$(printf '%s' "${INPUTS}" | sha256sum | cut -c1-16)

build() {
    local name=$1 pkg=$2
    local stampfile=${BIN}/.${name}.stamp
    if [[ -x ${BIN}/${name} && -f ${stampfile} && $(cat "${stampfile}") == "${STAMP}" ]]; then
        echo "${name}: up to date"
        return
    fi
    echo "${name}: building ${pkg}"
    local start=${SECONDS}
    go build -trimpath -ldflags "${LDFLAGS}" -o "${BIN}/${name}" "${pkg}"
    echo "${STAMP}" > "${stampfile}"
    echo "${name}: built in $((SECONDS - start))s"
}

tools=("$@")
if [[ ${#tools[@]} -eq 0 ]]; then
    tools=(etcd kwok kube-apiserver kube-controller-manager kube-scheduler)
fi
for tool in "${tools[@]}"; do
    case ${tool} in
        etcd) build etcd go.etcd.io/etcd/server/v3 ;;
        kwok) build kwok sigs.k8s.io/kwok/cmd/kwok ;;
        kube-apiserver|kube-controller-manager|kube-scheduler) build "${tool}" "k8s.io/kubernetes/cmd/${tool}" ;;
        *) echo "unknown tool ${tool}" >&2; exit 2 ;;
    esac
done

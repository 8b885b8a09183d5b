#!/usr/bin/env bash
# Builds the real components of the local control plane into _output/bin:
# kube-apiserver, kube-controller-manager, kube-scheduler and kubectl
# (k8s.io/kubernetes), kwok and etcd, at the versions pinned in
# hack/tools/go.mod, and Kueue (test/e2e runs it beside mlplane) from its own
# module in hack/tools/kueue. A binary is rebuilt only when its module's pinned
# versions, this script or the Go toolchain changed.
# The first kube-apiserver build takes 7-13 minutes on 2 cores.
#
#   hack/build-tools.sh                  everything
#   hack/build-tools.sh kubectl kwok     only those
set -o errexit -o nounset -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${ROOT}/_output/bin
mkdir -p "${BIN}"

# stamp DIR: what a build from the tool module in DIR depends on.
stamp() {
    (cd "$1" && cat go.mod go.sum tools.go "${ROOT}/hack/build-tools.sh" && go version) | sha256sum | cut -c1-16
}

# build NAME MODULE_DIR PACKAGE [LDFLAGS]
build() {
    local name=$1 dir=$2 pkg=$3 ldflags=${4:-"-s -w"}
    local stampfile=${BIN}/.${name}.stamp want
    want=$(stamp "${dir}")
    if [[ -x ${BIN}/${name} && -f ${stampfile} && $(cat "${stampfile}") == "${want}" ]]; then
        echo "${name}: up to date"
        return
    fi
    echo "${name}: building ${pkg}"
    local start=${SECONDS}
    # -mod=readonly: go.sum must already hold every checksum (a fresh machine
    # has no other source of truth).
    (cd "${dir}" && go build -mod=readonly -trimpath -ldflags "${ldflags}" -o "${BIN}/${name}" "${pkg}")
    echo "${want}" > "${stampfile}"
    echo "${name}: built in $((SECONDS - start))s"
}

TOOLS=${ROOT}/hack/tools
KUBE_VERSION=$(cd "${TOOLS}" && go list -m -f '{{.Version}}' k8s.io/kubernetes)
KUBE_MINOR=$(echo "${KUBE_VERSION}" | cut -d. -f2)
# Stamp the version, or `kubectl version` cannot parse the server's.
KUBE_LDFLAGS="-s -w -X k8s.io/component-base/version.gitVersion=${KUBE_VERSION}
  -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${KUBE_MINOR}
  -X k8s.io/component-base/version.gitTreeState=clean
  -X k8s.io/client-go/pkg/version.gitVersion=${KUBE_VERSION}
  -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=${KUBE_MINOR}"

tools=("$@")
if [[ ${#tools[@]} -eq 0 ]]; then
    tools=(etcd kwok kube-apiserver kube-controller-manager kube-scheduler kubectl kueue)
fi
for tool in "${tools[@]}"; do
    case ${tool} in
        etcd) build etcd "${TOOLS}" go.etcd.io/etcd/server/v3 ;;
        kwok) build kwok "${TOOLS}" sigs.k8s.io/kwok/cmd/kwok ;;
        kube-apiserver|kube-controller-manager|kube-scheduler|kubectl)
            build "${tool}" "${TOOLS}" "k8s.io/kubernetes/cmd/${tool}" "${KUBE_LDFLAGS}" ;;
        kueue) build kueue "${TOOLS}/kueue" sigs.k8s.io/kueue/cmd/kueue ;;
        *) echo "unknown tool ${tool}" >&2; exit 2 ;;
    esac
done

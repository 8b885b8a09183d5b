#!/usr/bin/env bash
# Stops the control plane started by hack/local-up.sh. State (PKI, etcd data,
# logs) is kept, so the next hack/local-up.sh reuses it; remove
# ${MLPLANE_LOCAL_DIR:-_output/local} to start from scratch.
set -o errexit -o nounset -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=hack/lib/local.sh
source "${ROOT}/hack/lib/local.sh"

stop_all

#!/usr/bin/env bash
# Starts a complete local Kubernetes control plane with mlplane aggregated
# into it: etcd, kube-apiserver, kube-controller-manager, kube-scheduler,
# kwok (fake nodes and pod lifecycles), mlplane-apiserver and
# mlplane-controller, all as plain processes on 127.0.0.1. Builds whatever is
# missing first.
#
#   hack/local-up.sh            run in the foreground; Ctrl-C stops everything
#   hack/local-up.sh --detach   start, wait until ready, return
#   hack/local-down.sh          stop a detached control plane
#
# Environment:
#   MLPLANE_LOCAL_DIR     state (PKI, etcd data, logs, pids); default _output/local
#   MLPLANE_PORT_OFFSET   added to every port, to run two control planes side by side
#   MLPLANE_CONTROLLER_FLAGS  extra flags for mlplane-controller, split on spaces
#                         (e.g. "--kube-api-qps=100 --workers=16")
set -o errexit -o nounset -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=hack/lib/local.sh
source "${ROOT}/hack/lib/local.sh"

DETACH=false
for arg in "$@"; do
    case ${arg} in
        --detach|-d) DETACH=true ;;
        *) die "unknown argument ${arg}; usage: hack/local-up.sh [--detach]" ;;
    esac
done

check_prerequisites
if running_components >/dev/null; then
    log "the control plane in ${STATE} is already running ($(running_components))"
    print_usage
    exit 0
fi
check_ports

START=${SECONDS}
log "building binaries (skipped when up to date)"
make -C "${ROOT}" --no-print-directory build >/dev/null
"${ROOT}/hack/build-tools.sh" | sed 's/^/  /'

mkdir -p "${LOGS}" "${RUN}" "${DATA}"
generate_pki

UP_START=${SECONDS}
stop_on_failure() {
    local rc=$?
    if [[ ${rc} -ne 0 ]]; then
        warn "start-up failed; logs are in ${LOGS}"
        "${ROOT}/hack/local-down.sh" >/dev/null 2>&1 || true
    fi
}
trap stop_on_failure EXIT

start_etcd
wait_for "etcd" 30 curl -fsS "http://127.0.0.1:${ETCD_PORT}/health"
start_kube_apiserver
wait_for "kube-apiserver" 60 kube_curl /readyz
start_kube_controller_manager
start_kube_scheduler
start_kwok
apply_manifests
start_mlplane_apiserver
wait_for "mlplane-apiserver" 60 curl -fsSk "https://127.0.0.1:${MLPLANE_PORT}/readyz"
for apiservice in "${MLPLANE_APISERVICES[@]}"; do
    wait_for "APIService ${apiservice} Available" 60 \
        kc wait --for=condition=Available --timeout=5s "apiservice/${apiservice}"
done
wait_for "serving runtimes applied (artifacts/serving)" 30 apply_serving_runtimes
wait_for "training runtimes applied (artifacts/trainer)" 30 apply_trainer_runtimes
start_mlplane_controller
wait_for "mlplane-controller" 60 curl -fsS "http://127.0.0.1:${CONTROLLER_HEALTH_PORT}/healthz"
wait_for "kwok nodes Ready" 60 kc wait --for=condition=Ready --timeout=5s node -l type=kwok
wait_for "ServiceAccount default/default" 60 kc get serviceaccount default -n default
wait_for "tenant Profiles applied (artifacts/local/profiles.yaml)" 30 apply_local_profiles
for profile in "${LOCAL_PROFILES[@]}"; do
    wait_for "Profile ${profile} ready for workloads" 60 profile_ready "${profile}"
done
start_console_proxies
wait_for "web console (kubectl proxy as mlplane-admin)" 30 curl -fsS -o /dev/null "http://127.0.0.1:${CONSOLE_PORT}${CONSOLE_PATH}"
wait_for "web console (kubectl proxy as alice)" 30 curl -fsS -o /dev/null "http://127.0.0.1:${CONSOLE_ALICE_PORT}${CONSOLE_PATH}"
trap - EXIT

log "ready in $((SECONDS - UP_START))s (total with builds $((SECONDS - START))s)"
print_usage

if [[ ${DETACH} == true ]]; then
    exit 0
fi
log "running in the foreground; press Ctrl-C to stop"
trap '"${ROOT}/hack/local-down.sh"; exit 0' INT TERM
while running_components >/dev/null; do
    sleep 2
done
warn "a component exited; logs are in ${LOGS}"
"${ROOT}/hack/local-down.sh"
exit 1

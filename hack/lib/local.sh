#!/usr/bin/env bash
# Shared by hack/local-up.sh and hack/local-down.sh.

STATE=${MLPLANE_LOCAL_DIR:-${ROOT}/_output/local}
PKI=${STATE}/pki
LOGS=${STATE}/logs
RUN=${STATE}/run
DATA=${STATE}/etcd
BIN=${ROOT}/_output/bin
OFFSET=${MLPLANE_PORT_OFFSET:-0}

ETCD_PORT=$((23790 + OFFSET))
ETCD_PEER_PORT=$((23800 + OFFSET))
KAS_PORT=$((26443 + OFFSET))
KCM_PORT=$((20257 + OFFSET))
SCHEDULER_PORT=$((20259 + OFFSET))
KWOK_PORT=$((20247 + OFFSET))
MLPLANE_PORT=$((28443 + OFFSET))
CONTROLLER_METRICS_PORT=$((20280 + OFFSET))
CONTROLLER_HEALTH_PORT=$((20281 + OFFSET))
# The web console, through a kubectl proxy signed in as the admin, and one as alice.
CONSOLE_PORT=$((28001 + OFFSET))
CONSOLE_ALICE_PORT=$((28002 + OFFSET))

# Start order; they are stopped in reverse.
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok mlplane-apiserver mlplane-controller
    console-proxy console-proxy-alice)

# The APIServices routing to mlplane-apiserver (artifacts/deploy/apiservice.yaml).
MLPLANE_APISERVICES=(v1.kubeflow.org v1beta1.kubeflow.org v1alpha1.kubeflow.org v1beta1.serving.kserve.io v1alpha1.serving.kserve.io
    v1alpha1.trainer.kubeflow.org v1.console.mlplane.io)

ADMIN_KUBECONFIG=${PKI}/admin.kubeconfig

log() { echo "mlplane: $*"; }
warn() { echo "mlplane: $*" >&2; }
die() { warn "$*"; exit 1; }

# kubectl v1.37 built by hack/build-tools.sh with the control plane, so the
# client is inside Kubernetes' version-skew policy whatever the machine has.
KUBECTL=${BIN}/kubectl
kc() { "${KUBECTL}" --kubeconfig "${ADMIN_KUBECONFIG}" "$@"; }

kube_curl() {
    curl -fsS --cacert "${PKI}/ca.crt" --cert "${PKI}/admin.crt" --key "${PKI}/admin.key" \
        "https://127.0.0.1:${KAS_PORT}$1"
}

check_prerequisites() {
    local missing=()
    for cmd in go openssl curl make; do
        command -v "${cmd}" >/dev/null || missing+=("${cmd}")
    done
    if [[ ${#missing[@]} -gt 0 ]]; then
        die "missing prerequisites: ${missing[*]} (install them, e.g. apt-get install openssl curl make)"
    fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

check_ports() {
    local entry name port clash=false
    for entry in etcd:ETCD_PORT etcd-peer:ETCD_PEER_PORT kube-apiserver:KAS_PORT \
        kube-controller-manager:KCM_PORT kube-scheduler:SCHEDULER_PORT kwok:KWOK_PORT \
        mlplane-apiserver:MLPLANE_PORT mlplane-controller-metrics:CONTROLLER_METRICS_PORT \
        mlplane-controller-health:CONTROLLER_HEALTH_PORT console-proxy:CONSOLE_PORT \
        console-proxy-alice:CONSOLE_ALICE_PORT; do
        name=${entry%%:*}
        local var=${entry#*:}
        port=${!var}
        if port_in_use "${port}"; then
            warn "port ${port} (for ${name}) is already in use by: $(ss -ltnp "sport = :${port}" 2>/dev/null | tail -n +2 | awk '{print $NF}')"
            clash=true
        fi
    done
    if [[ ${clash} == true ]]; then
        die "port clash; stop what uses those ports or set MLPLANE_PORT_OFFSET (e.g. MLPLANE_PORT_OFFSET=100)"
    fi
}

pid_of() {
    local f=${RUN}/$1.pid
    [[ -f ${f} ]] && kill -0 "$(cat "${f}")" 2>/dev/null && cat "${f}"
}

# running_components prints the components that are alive; fails if none is.
running_components() {
    local alive=()
    for c in "${COMPONENTS[@]}"; do
        if pid_of "${c}" >/dev/null; then alive+=("${c}"); fi
    done
    [[ ${#alive[@]} -gt 0 ]] || return 1
    echo "${alive[*]}"
}

# start NAME ARGS...: runs a component in its own session, logging to LOGS.
start() {
    local name=$1
    shift
    setsid "$@" >"${LOGS}/${name}.log" 2>&1 < /dev/null &
    echo $! > "${RUN}/${name}.pid"
}

wait_for() {
    local what=$1 timeout=$2
    shift 2
    local deadline=$((SECONDS + timeout))
    until "$@" >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then
            die "timed out after ${timeout}s waiting for ${what} (logs: ${LOGS})"
        fi
        sleep 0.3
    done
    log "${what}: ready after $((SECONDS - UP_START))s"
}

# stop_group NAME...: stops components together and waits for them to exit
# (so their ports are free for the next start); forces after 15 s.
stop_group() {
    local c pid
    local -A pids=()
    for c in "$@"; do
        pid=$(pid_of "${c}") || continue
        kill -TERM "${pid}" 2>/dev/null || true
        pids[${c}]=${pid}
    done
    for c in "${!pids[@]}"; do
        pid=${pids[${c}]}
        for _ in $(seq 150); do
            kill -0 "${pid}" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "${pid}" 2>/dev/null; then
            warn "${c} did not stop within 15s; killing it"
            kill -KILL "${pid}" 2>/dev/null || true
        fi
        rm -f "${RUN}/${c}.pid"
        log "stopped ${c}"
    done
}

# stop_all stops the clients of kube-apiserver first, then kube-apiserver,
# then etcd, so nothing logs errors about a vanished server on the way down.
# mlplane-controller goes with the first group: it releases its Lease while
# kube-apiserver still runs.
stop_all() {
    stop_group console-proxy console-proxy-alice mlplane-controller mlplane-apiserver kwok kube-scheduler \
        kube-controller-manager
    stop_group kube-apiserver
    stop_group etcd
}

# --- PKI -------------------------------------------------------------------

new_ca() {
    local name=$1 cn=$2
    [[ -f ${PKI}/${name}.crt ]] && return
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
        -keyout "${PKI}/${name}.key" -out "${PKI}/${name}.crt" -subj "/CN=${cn}" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

# new_cert NAME CA SUBJECT USAGE [SANS]: USAGE is serverAuth or clientAuth.
new_cert() {
    local name=$1 ca=$2 subject=$3 usage=$4 sans=${5:-}
    [[ -f ${PKI}/${name}.crt ]] && return
    local ext=${PKI}/${name}.ext
    {
        echo "basicConstraints=CA:FALSE"
        echo "keyUsage=critical,digitalSignature,keyEncipherment"
        echo "extendedKeyUsage=${usage}"
        [[ -n ${sans} ]] && echo "subjectAltName=${sans}"
    } > "${ext}"
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "${PKI}/${name}.key" -out "${PKI}/${name}.csr" -subj "${subject}" 2>/dev/null
    openssl x509 -req -in "${PKI}/${name}.csr" -CA "${PKI}/${ca}.crt" -CAkey "${PKI}/${ca}.key" \
        -CAcreateserial -days 3650 -extfile "${ext}" -out "${PKI}/${name}.crt" 2>/dev/null
    rm -f "${PKI}/${name}.csr" "${ext}"
}

new_kubeconfig() {
    local name=$1
    local file=${PKI}/${name}.kubeconfig
    [[ -f ${file} ]] && return
    "${KUBECTL}" config --kubeconfig "${file}" set-cluster mlplane-local --embed-certs \
        --certificate-authority "${PKI}/ca.crt" --server "https://127.0.0.1:${KAS_PORT}" >/dev/null
    "${KUBECTL}" config --kubeconfig "${file}" set-credentials "${name}" --embed-certs \
        --client-certificate "${PKI}/${name}.crt" --client-key "${PKI}/${name}.key" >/dev/null
    "${KUBECTL}" config --kubeconfig "${file}" set-context "${name}@mlplane-local" \
        --cluster mlplane-local --user "${name}" >/dev/null
    "${KUBECTL}" config --kubeconfig "${file}" use-context "${name}@mlplane-local" >/dev/null
}

generate_pki() {
    # Kubeconfigs name the kube-apiserver port, so a port change regenerates them.
    if [[ -f ${PKI}/ports && $(cat "${PKI}/ports") != "${KAS_PORT}" ]]; then
        rm -f "${PKI}"/*.kubeconfig
    fi
    mkdir -p "${PKI}"
    chmod 700 "${PKI}"
    echo "${KAS_PORT}" > "${PKI}/ports"
    new_ca ca "mlplane-local-ca"
    new_ca front-proxy-ca "mlplane-local-front-proxy-ca"
    [[ -f ${PKI}/sa.key ]] || {
        openssl genrsa -out "${PKI}/sa.key" 2048 2>/dev/null
        openssl rsa -in "${PKI}/sa.key" -pubout -out "${PKI}/sa.pub" 2>/dev/null
    }
    new_cert kube-apiserver ca "/CN=kube-apiserver" serverAuth \
        "DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:127.0.0.1,IP:10.0.0.1"
    # The aggregator checks the serving certificate against <service>.<namespace>.svc.
    new_cert mlplane-apiserver-serving ca "/CN=mlplane-api.mlplane-system.svc" serverAuth \
        "DNS:mlplane-api.mlplane-system.svc,DNS:localhost,IP:127.0.0.1"
    new_cert front-proxy-client front-proxy-ca "/CN=front-proxy-client" clientAuth
    new_cert admin ca "/O=system:masters/CN=mlplane-admin" clientAuth
    new_cert kube-controller-manager ca "/CN=system:kube-controller-manager" clientAuth
    new_cert kube-scheduler ca "/CN=system:kube-scheduler" clientAuth
    new_cert kwok ca "/O=system:masters/CN=kwok" clientAuth
    # mlplane-apiserver authenticates as its ServiceAccount's user name, so the
    # RBAC of artifacts/deploy applies to the local process unchanged.
    new_cert mlplane-apiserver ca \
        "/O=system:serviceaccounts/O=system:serviceaccounts:mlplane-system/CN=system:serviceaccount:mlplane-system:mlplane-apiserver" clientAuth
    new_cert mlplane-controller ca \
        "/O=system:serviceaccounts/O=system:serviceaccounts:mlplane-system/CN=system:serviceaccount:mlplane-system:mlplane-controller" clientAuth
    new_cert alice ca "/CN=alice" clientAuth
    new_cert bob ca "/CN=bob" clientAuth
    for user in admin kube-controller-manager kube-scheduler kwok mlplane-apiserver mlplane-controller alice bob; do
        new_kubeconfig "${user}"
    done
}

# --- components --------------------------------------------------------------

start_etcd() {
    start etcd "${BIN}/etcd" --name mlplane-local --data-dir "${DATA}" \
        --listen-client-urls "http://127.0.0.1:${ETCD_PORT}" --advertise-client-urls "http://127.0.0.1:${ETCD_PORT}" \
        --listen-peer-urls "http://127.0.0.1:${ETCD_PEER_PORT}" --initial-advertise-peer-urls "http://127.0.0.1:${ETCD_PEER_PORT}" \
        --initial-cluster "mlplane-local=http://127.0.0.1:${ETCD_PEER_PORT}" \
        --unsafe-no-fsync --quota-backend-bytes 4294967296 --log-level warn
}

start_kube_apiserver() {
    start kube-apiserver "${BIN}/kube-apiserver" \
        --etcd-servers "http://127.0.0.1:${ETCD_PORT}" \
        --bind-address 127.0.0.1 --secure-port "${KAS_PORT}" \
        --advertise-address 127.0.0.1 --endpoint-reconciler-type none \
        --tls-cert-file "${PKI}/kube-apiserver.crt" --tls-private-key-file "${PKI}/kube-apiserver.key" \
        --client-ca-file "${PKI}/ca.crt" \
        --service-account-issuer https://kubernetes.default.svc.cluster.local \
        --service-account-key-file "${PKI}/sa.pub" --service-account-signing-key-file "${PKI}/sa.key" \
        --service-cluster-ip-range 10.0.0.0/24 \
        --authorization-mode Node,RBAC \
        --requestheader-client-ca-file "${PKI}/front-proxy-ca.crt" \
        --requestheader-allowed-names front-proxy-client \
        --requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
        --requestheader-uid-headers X-Remote-Uid --requestheader-extra-headers-prefix X-Remote-Extra- \
        --proxy-client-cert-file "${PKI}/front-proxy-client.crt" --proxy-client-key-file "${PKI}/front-proxy-client.key" \
        --enable-aggregator-routing=false --allow-privileged=true
}

start_kube_controller_manager() {
    local kubeconfig=${PKI}/kube-controller-manager.kubeconfig
    start kube-controller-manager "${BIN}/kube-controller-manager" \
        --kubeconfig "${kubeconfig}" --authentication-kubeconfig "${kubeconfig}" --authorization-kubeconfig "${kubeconfig}" \
        --bind-address 127.0.0.1 --secure-port "${KCM_PORT}" --leader-elect=false \
        --controllers '*' --use-service-account-credentials=true \
        --service-account-private-key-file "${PKI}/sa.key" --root-ca-file "${PKI}/ca.crt" \
        --cluster-signing-cert-file "${PKI}/ca.crt" --cluster-signing-key-file "${PKI}/ca.key"
}

start_kube_scheduler() {
    local kubeconfig=${PKI}/kube-scheduler.kubeconfig
    start kube-scheduler "${BIN}/kube-scheduler" \
        --kubeconfig "${kubeconfig}" --authentication-kubeconfig "${kubeconfig}" --authorization-kubeconfig "${kubeconfig}" \
        --bind-address 127.0.0.1 --secure-port "${SCHEDULER_PORT}" --leader-elect=false
}

kwok_config() {
    local stages
    stages=$(cd "${ROOT}/hack/tools" && go mod download sigs.k8s.io/kwok && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)/kustomize/stage
    local files=(
        "${stages}/node/fast/node-initialize.yaml"
        "${stages}/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml"
        "${stages}/pod/fast/pod-ready.yaml"
        "${stages}/pod/fast/pod-complete.yaml"
        "${stages}/pod/fast/pod-delete.yaml"
        "${ROOT}/artifacts/local/kwok/pod-finish.yaml"
        "${ROOT}/artifacts/local/kwok/pod-waiting.yaml"
    )
    for f in "${files[@]}"; do
        [[ -f ${f} ]] || die "kwok stage ${f} is missing"
        echo "---"
        cat "${f}"
    done
}

start_kwok() {
    kwok_config > "${STATE}/kwok-config.yaml"
    start kwok "${BIN}/kwok" --config "${STATE}/kwok-config.yaml" --kubeconfig "${PKI}/kwok.kubeconfig" \
        --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
        --node-lease-duration-seconds 40 --cidr 10.244.0.0/16 --node-ip 10.99.0.1 \
        --server-address "127.0.0.1:${KWOK_PORT}"
}

apply_manifests() {
    kc apply --server-side --field-manager mlplane-local-up -k "${ROOT}/artifacts/local" >/dev/null
    kc apply --server-side --field-manager mlplane-local-up -f "${ROOT}/artifacts/local/kwok/nodes.yaml" >/dev/null
    local ca apiservice
    ca=$(base64 -w0 < "${PKI}/ca.crt")
    for apiservice in "${MLPLANE_APISERVICES[@]}"; do
        kc patch apiservice "${apiservice}" --type merge \
            -p "{\"spec\":{\"caBundle\":\"${ca}\",\"service\":{\"port\":${MLPLANE_PORT}}}}" >/dev/null
    done
}

# apply_serving_runtimes applies artifacts/serving (the ClusterServingRuntimes).
# Those objects are stored by mlplane-apiserver, so this runs once the
# APIServices are Available; kubectl may still miss the new kinds in
# discovery for a moment, which wait_for retries.
apply_serving_runtimes() {
    kc apply --server-side --field-manager mlplane-local-up -k "${ROOT}/artifacts/serving"
}

# apply_trainer_runtimes applies artifacts/trainer (the ClusterTrainingRuntimes),
# stored by mlplane-apiserver like the serving runtimes.
apply_trainer_runtimes() {
    kc apply --server-side --field-manager mlplane-local-up -k "${ROOT}/artifacts/trainer"
}

# LOCAL_PROFILES are the tenants of artifacts/local/profiles.yaml: a namespace
# for the admin's own work and one for alice.
LOCAL_PROFILES=(mlplane-user alice)

# apply_local_profiles applies artifacts/local/profiles.yaml (kubeflow.org, so
# once mlplane serves it).
apply_local_profiles() {
    kc apply --server-side --field-manager mlplane-local-up -f "${ROOT}/artifacts/local/profiles.yaml"
}

# profile_ready succeeds once a Profile's namespace takes workloads: the
# Profile is Successful and the ServiceAccounts its workloads run as exist.
profile_ready() {
    local name=$1 sa
    [[ $(kc get profile "${name}" -o 'jsonpath={.status.conditions[?(@.type=="Successful")].status}') == True ]] || return 1
    for sa in default default-editor; do
        kc get serviceaccount "${sa}" -n "${name}" >/dev/null || return 1
    done
}

# mlplane-apiserver runs the admission plugins of artifacts/deploy, with the
# same configuration file the Deployment mounts from its ConfigMap.
start_mlplane_apiserver() {
    local kubeconfig=${PKI}/mlplane-apiserver.kubeconfig
    start mlplane-apiserver "${BIN}/mlplane-apiserver" \
        --etcd-servers "http://127.0.0.1:${ETCD_PORT}" \
        --bind-address 127.0.0.1 --secure-port "${MLPLANE_PORT}" \
        --tls-cert-file "${PKI}/mlplane-apiserver-serving.crt" --tls-private-key-file "${PKI}/mlplane-apiserver-serving.key" \
        --kubeconfig "${kubeconfig}" --authentication-kubeconfig "${kubeconfig}" --authorization-kubeconfig "${kubeconfig}" \
        --enable-admission-plugins ProfileNamespace,NoCrossNamespaceReferences,TrainJobRuntime,WorkloadServiceAccount,WorkloadPodSecurity,TenantQuota \
        --admission-control-config-file "${ROOT}/artifacts/deploy/admission-config.yaml" \
        --console-config "${ROOT}/artifacts/local/console.yaml"
}

# mlplane-controller authenticates like mlplane-apiserver: as its
# ServiceAccount's user name, so artifacts/deploy/controller-rbac.yaml applies.
# MLPLANE_CONTROLLER_FLAGS adds flags (split on spaces), e.g. for benchmarks:
# MLPLANE_CONTROLLER_FLAGS="--kube-api-qps=100 --kube-api-burst=200".
start_mlplane_controller() {
    local extra=()
    read -r -a extra <<< "${MLPLANE_CONTROLLER_FLAGS:-}"
    start mlplane-controller "${BIN}/mlplane-controller" \
        --kubeconfig "${PKI}/mlplane-controller.kubeconfig" \
        --metrics-bind-address "127.0.0.1:${CONTROLLER_METRICS_PORT}" \
        --health-probe-bind-address "127.0.0.1:${CONTROLLER_HEALTH_PORT}" \
        --leader-elect=true "${extra[@]}"
}

# CONSOLE_PATH is the web console under kube-apiserver (docs/console.md).
CONSOLE_PATH=/apis/console.mlplane.io/v1/ui/console/

# start_console_proxies opens the console to a browser: kubectl proxy adds
# the user's credentials to each request, and kube-apiserver authenticates
# and authorizes them as for kubectl. It serves only 127.0.0.1 and accepts
# only localhost Host headers (its defaults).
start_console_proxies() {
    start console-proxy "${KUBECTL}" --kubeconfig "${ADMIN_KUBECONFIG}" proxy --address 127.0.0.1 --port "${CONSOLE_PORT}"
    start console-proxy-alice "${KUBECTL}" --kubeconfig "${PKI}/alice.kubeconfig" proxy --address 127.0.0.1 \
        --port "${CONSOLE_ALICE_PORT}"
}

# print_usage prints how to use the running platform; each command line is
# run as printed by test/e2e's quick start test.
print_usage() {
    local examples=${ROOT}/artifacts/examples
    cat <<USAGE

  The platform is up. Use it from any shell with the kubectl built beside it:

  export PATH=${BIN}:\$PATH
  export KUBECONFIG=${ADMIN_KUBECONFIG}

  Your tenant namespace is the Profile mlplane-user's (owner: mlplane-admin, the user of that kubeconfig):

  kubectl apply -n mlplane-user -f ${examples}/tfjob-mnist.yaml
  kubectl apply -n mlplane-user -f ${examples}/notebook-jupyter.yaml
  kubectl apply -n mlplane-user -f ${examples}/sklearn-iris.yaml
  kubectl get tfjobs,notebooks,inferenceservices,pods -n mlplane-user

  Kubeflow Trainer v2: a TrainJob on the ClusterTrainingRuntime torch-distributed (3 nodes x 2 processes):

  kubectl get clustertrainingruntimes
  kubectl apply -n mlplane-user -f ${examples}/trainjob-torch-distributed.yaml
  kubectl get trainjobs,jobs,pods -n mlplane-user

  alice has a Profile of her own (namespace alice); as alice:

  kubectl --kubeconfig ${PKI}/alice.kubeconfig apply -n alice -f ${examples}/tfjob-mnist.yaml -f ${examples}/notebook-jupyter.yaml -f ${examples}/sklearn-iris.yaml
  kubectl --kubeconfig ${PKI}/alice.kubeconfig get tfjobs,notebooks,inferenceservices -n alice

  bob (${PKI}/bob.kubeconfig) has no Profile and no rights until someone grants some.

  The web console (docs/console.md), signed in as mlplane-admin and as alice; open in a browser:

  http://127.0.0.1:${CONSOLE_PORT}${CONSOLE_PATH}
  http://127.0.0.1:${CONSOLE_ALICE_PORT}${CONSOLE_PATH}

  mlplane-controller: http://127.0.0.1:${CONTROLLER_METRICS_PORT}/metrics, http://127.0.0.1:${CONTROLLER_HEALTH_PORT}/healthz
  Logs: ${LOGS}    Stop: make down (or Ctrl-C when running in the foreground)

USAGE
}

#!/usr/bin/env bash
# Regenerates deepcopy, conversion, defaulter and OpenAPI code beside the API
# types, and the clientset, listers, informers and apply configurations under
# pkg/generated. Never edit generated files by hand; run this instead.
set -o errexit -o nounset -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# hack/verify-codegen.sh generates into a copy of the tree.
OUT=${CODEGEN_OUTPUT_ROOT:-${ROOT}}

THIS_PKG=github.com/mlplane/mlplane
# `go list -m` prints no directory for a module that is not downloaded yet (a
# fresh module cache), so download it first and fail loudly if it is missing.
CODEGEN_PKG=$(cd "${ROOT}" && go mod download k8s.io/code-generator && go list -m -f '{{.Dir}}' k8s.io/code-generator)
if [[ -z ${CODEGEN_PKG} || ! -f ${CODEGEN_PKG}/kube_codegen.sh ]]; then
    echo "k8s.io/code-generator is not in the module cache (go mod download k8s.io/code-generator failed?)" >&2
    exit 1
fi
cd "${OUT}"
# Generators are installed into the project, not the user's GOPATH.
export GOBIN=${ROOT}/_output/tools
mkdir -p "${GOBIN}"
# shellcheck source=/dev/null
source "${CODEGEN_PKG}/kube_codegen.sh"
BOILERPLATE=${ROOT}/hack/boilerplate.go.txt

kube::codegen::gen_helpers --boilerplate "${BOILERPLATE}" "${OUT}/pkg/apis"

kube::codegen::gen_openapi \
    --output-dir "${OUT}/pkg/generated/openapi" \
    --output-pkg "${THIS_PKG}/pkg/generated/openapi" \
    --output-model-name-file zz_generated.model_name.go \
    --report-filename "${OUT}/hack/api-violations.list" \
    --update-report \
    --extra-pkgs k8s.io/api/core/v1 \
    --extra-pkgs k8s.io/api/autoscaling/v1 \
    --extra-pkgs k8s.io/api/autoscaling/v2 \
    --extra-pkgs k8s.io/api/apps/v1 \
    --extra-pkgs k8s.io/api/rbac/v1 \
    --extra-pkgs k8s.io/api/batch/v1 \
    --extra-pkgs k8s.io/api/scheduling/v1alpha3 \
    --extra-pkgs k8s.io/apimachinery/pkg/api/resource \
    --extra-pkgs k8s.io/apimachinery/pkg/util/intstr \
    --boilerplate "${BOILERPLATE}" \
    "${OUT}/pkg/apis"

# Apply configurations are generated from the models schema so that server-side
# apply merges lists the way the server does.
schema=$(mktemp)
trap 'rm -f "${schema}"' EXIT
go run ./pkg/generated/openapi/cmd/models-schema > "${schema}"

# Core types inside ours use client-go's apply configurations.
externals=k8s.io/api/core/v1.PodTemplateSpec:k8s.io/client-go/applyconfigurations/core/v1
externals+=,k8s.io/api/core/v1.PodSpec:k8s.io/client-go/applyconfigurations/core/v1
externals+=,k8s.io/api/core/v1.ContainerState:k8s.io/client-go/applyconfigurations/core/v1
externals+=,k8s.io/api/autoscaling/v2.MetricSpec:k8s.io/client-go/applyconfigurations/autoscaling/v2
externals+=,k8s.io/api/autoscaling/v1.Scale:k8s.io/client-go/applyconfigurations/autoscaling/v1
# KServe's PodSpec copy and runtime pods embed core types.
for t in Container EphemeralContainer Volume Affinity Toleration LocalObjectReference PodSecurityContext \
    HostAlias PodDNSConfig PodReadinessGate TopologySpreadConstraint PodOS PodSchedulingGate PodResourceClaim \
    ResourceRequirements EnvVar ContainerPort EnvFromSource ContainerResizePolicy ContainerRestartRule VolumeMount \
    VolumeDevice Probe Lifecycle SecurityContext; do
    externals+=,k8s.io/api/core/v1.${t}:k8s.io/client-go/applyconfigurations/core/v1
done
externals+=,k8s.io/api/apps/v1.DeploymentStrategy:k8s.io/client-go/applyconfigurations/apps/v1
# Profile: its owner, contributors and quota.
externals+=,k8s.io/api/rbac/v1.Subject:k8s.io/client-go/applyconfigurations/rbac/v1
externals+=,k8s.io/api/core/v1.ResourceQuotaSpec:k8s.io/client-go/applyconfigurations/core/v1
externals+=,k8s.io/api/autoscaling/v2.HorizontalPodAutoscalerBehavior:k8s.io/client-go/applyconfigurations/autoscaling/v2
# Trainer v2: a runtime's JobSet template embeds Job templates and claims; a
# TrainJob's patches embed core types listed above.
externals+=,k8s.io/api/batch/v1.JobTemplateSpec:k8s.io/client-go/applyconfigurations/batch/v1
externals+=,k8s.io/api/core/v1.PersistentVolumeClaim:k8s.io/client-go/applyconfigurations/core/v1

kube::codegen::gen_client \
    --with-watch \
    --with-applyconfig \
    --applyconfig-externals "${externals}" \
    --applyconfig-openapi-schema "${schema}" \
    --output-dir "${OUT}/pkg/generated" \
    --output-pkg "${THIS_PKG}/pkg/generated" \
    --boilerplate "${BOILERPLATE}" \
    "${OUT}/pkg/apis"

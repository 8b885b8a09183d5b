/*
Copyright The mlplane Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

	http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package serving

import (
	corev1 "k8s.io/api/core/v1"
)

// PodSpec is core/v1 PodSpec with containers optional, as KServe's copy: a
// component may give only pod-level overrides beside a framework or model.
type PodSpec struct {
	Volumes        []corev1.Volume
	InitContainers []corev1.Container
	// Containers of the component; for a custom predictor the one named
	// kserve-container (else the first) serves the model.
	Containers                    []corev1.Container
	EphemeralContainers           []corev1.EphemeralContainer
	RestartPolicy                 corev1.RestartPolicy
	TerminationGracePeriodSeconds *int64
	ActiveDeadlineSeconds         *int64
	DNSPolicy                     corev1.DNSPolicy
	NodeSelector                  map[string]string
	ServiceAccountName            string
	// DeprecatedServiceAccount is a deprecated alias for ServiceAccountName.
	DeprecatedServiceAccount     string
	AutomountServiceAccountToken *bool
	NodeName                     string
	HostNetwork                  bool
	HostPID                      bool
	HostIPC                      bool
	ShareProcessNamespace        *bool
	SecurityContext              *corev1.PodSecurityContext
	ImagePullSecrets             []corev1.LocalObjectReference
	Hostname                     string
	Subdomain                    string
	Affinity                     *corev1.Affinity
	SchedulerName                string
	Tolerations                  []corev1.Toleration
	HostAliases                  []corev1.HostAlias
	PriorityClassName            string
	Priority                     *int32
	DNSConfig                    *corev1.PodDNSConfig
	ReadinessGates               []corev1.PodReadinessGate
	RuntimeClassName             *string
	EnableServiceLinks           *bool
	PreemptionPolicy             *corev1.PreemptionPolicy
	Overhead                     corev1.ResourceList
	TopologySpreadConstraints    []corev1.TopologySpreadConstraint
	SetHostnameAsFQDN            *bool
	OS                           *corev1.PodOS
	HostUsers                    *bool
	SchedulingGates              []corev1.PodSchedulingGate
	ResourceClaims               []corev1.PodResourceClaim
	// Resources are pod-level resources.
	Resources        *corev1.ResourceRequirements
	HostnameOverride *string
}

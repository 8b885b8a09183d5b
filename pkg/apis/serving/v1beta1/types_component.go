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

package v1beta1

import (
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/apimachinery/pkg/api/resource"
)

// ComponentExtensionSpec is the deployment configuration of a predictor,
// transformer or explainer.
type ComponentExtensionSpec struct {
	// MinReplicas is the least number of replicas; defaults to 1.
	// +optional
	MinReplicas *int32 `json:"minReplicas,omitempty"`
	// MaxReplicas is the most replicas the autoscaler may run; 0 means
	// MinReplicas.
	// +optional
	MaxReplicas int32 `json:"maxReplicas,omitempty"`
	// ScaleTarget is the autoscaler's target value of ScaleMetric.
	// +optional
	ScaleTarget *int32 `json:"scaleTarget,omitempty"`
	// ScaleMetric is the metric the autoscaler watches: cpu, memory,
	// concurrency or rps.
	// +optional
	ScaleMetric *string `json:"scaleMetric,omitempty"`
	// ScaleMetricType is how ScaleTarget is read: Utilization, Value or
	// AverageValue.
	// +optional
	ScaleMetricType *string `json:"scaleMetricType,omitempty"`
	// AutoScaling gives the autoscaler's metrics and behavior in full.
	// +optional
	AutoScaling *AutoScalingSpec `json:"autoScaling,omitempty"`
	// ContainerConcurrency is the most requests a replica serves at once.
	// +optional
	ContainerConcurrency *int64 `json:"containerConcurrency,omitempty"`
	// TimeoutSeconds is the request timeout of the component.
	// +optional
	TimeoutSeconds *int64 `json:"timeout,omitempty"`
	// CanaryTrafficPercent is KServe's Knative-mode canary of the latest
	// revision; Standard mode uses spec.canary instead.
	// +optional
	CanaryTrafficPercent *int64 `json:"canaryTrafficPercent,omitempty"`
	// Logger logs requests and responses.
	// +optional
	Logger *LoggerSpec `json:"logger,omitempty"`
	// Batcher batches requests.
	// +optional
	Batcher *Batcher `json:"batcher,omitempty"`
	// Labels are added to the component's pods.
	// +optional
	Labels map[string]string `json:"labels,omitempty"`
	// Annotations are added to the component's pods.
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`
	// DeploymentStrategy replaces the Deployment's default rolling update.
	// +optional
	DeploymentStrategy *appsv1.DeploymentStrategy `json:"deploymentStrategy,omitempty"`
}

// AutoScalingSpec is an autoscaler configuration in full.
type AutoScalingSpec struct {
	// Metrics the autoscaler scales on.
	// +optional
	// +listType=atomic
	Metrics []MetricsSpec `json:"metrics,omitempty"`
	// Behavior is the HorizontalPodAutoscaler's scaling behavior.
	// +optional
	Behavior *autoscalingv2.HorizontalPodAutoscalerBehavior `json:"behavior,omitempty"`
}

// MetricsSpec is one metric: type and the matching source.
type MetricsSpec struct {
	// Type is the metric source: Resource, External or PodMetric.
	Type string `json:"type"`
	// Resource is a resource metric such as cpu or memory.
	// +optional
	Resource *ResourceMetricSource `json:"resource,omitempty"`
	// External is a metric from outside the cluster.
	// +optional
	External *ExternalMetricSource `json:"external,omitempty"`
	// PodMetric is a metric of each pod.
	// +optional
	PodMetric *PodMetricSource `json:"podmetric,omitempty"`
}

// ResourceMetricSource scales on cpu or memory.
type ResourceMetricSource struct {
	// Name of the resource: cpu or memory.
	Name string `json:"name"`
	// Target value.
	Target MetricTarget `json:"target"`
}

// ExternalMetricSource scales on a query against a metrics backend.
type ExternalMetricSource struct {
	// Metric is the query.
	Metric ExternalMetrics `json:"metric"`
	// Authentication of the backend.
	// +optional
	Authentication *ExtMetricAuthentication `json:"authenticationRef,omitempty"`
	// Target value.
	Target MetricTarget `json:"target"`
}

// PodMetricSource scales on a metric of each pod.
type PodMetricSource struct {
	// Metric is the query.
	Metric PodMetrics `json:"metric"`
	// Target value.
	Target MetricTarget `json:"target"`
}

// AuthenticationRef names an authentication secret.
type AuthenticationRef struct {
	// Name of the secret.
	Name string `json:"name"`
}

// ExtMetricAuthentication authenticates to an external metrics backend.
type ExtMetricAuthentication struct {
	// AuthenticationRef names the secret.
	AuthenticationRef AuthenticationRef `json:"authenticationRef"`
	// AuthModes: bearer, basic or tls.
	// +optional
	AuthModes string `json:"authModes,omitempty"`
}

// MetricTarget is the target value, average value or average utilization.
type MetricTarget struct {
	// Type is Utilization, Value or AverageValue.
	// +optional
	Type string `json:"type"`
	// Value is the target value.
	// +optional
	Value *resource.Quantity `json:"value,omitempty"`
	// AverageValue is the target average over the pods.
	// +optional
	AverageValue *resource.Quantity `json:"averageValue,omitempty"`
	// AverageUtilization is the target percentage of the pods' requests.
	// +optional
	AverageUtilization *int32 `json:"averageUtilization,omitempty"`
}

// ExternalMetrics is a query against prometheus or graphite.
type ExternalMetrics struct {
	// Backend: prometheus or graphite.
	// +optional
	Backend string `json:"backend"`
	// ServerAddress of the backend.
	// +optional
	ServerAddress string `json:"serverAddress,omitempty"`
	// Query to run.
	// +optional
	Query string `json:"query,omitempty"`
	// Namespace of a namespaced query.
	// +optional
	Namespace string `json:"namespace,omitempty"`
}

// PodMetrics is a query against an OpenTelemetry backend.
type PodMetrics struct {
	// Backend: opentelemetry.
	// +optional
	Backend string `json:"backend"`
	// ServerAddress of the backend.
	// +optional
	ServerAddress string `json:"serverAddress,omitempty"`
	// MetricNames in the backend.
	// +optional
	// +listType=atomic
	MetricNames []string `json:"metricNames,omitempty"`
	// Query to run.
	// +optional
	Query string `json:"query,omitempty"`
	// OperationOverTime aggregates over time: last_one, avg, max, min, rate, count.
	// +optional
	OperationOverTime string `json:"operationOverTime,omitempty"`
}

// LoggerSpec logs requests and responses as CloudEvents.
type LoggerSpec struct {
	// URL the events are sent to.
	// +optional
	URL *string `json:"url,omitempty"`
	// Mode: all, request or response.
	// +optional
	Mode string `json:"mode,omitempty"`
	// MetadataHeaders are HTTP headers copied into the events.
	// +optional
	// +listType=atomic
	MetadataHeaders []string `json:"metadataHeaders,omitempty"`
	// MetadataAnnotations are InferenceService annotations copied into the events.
	// +optional
	// +listType=atomic
	MetadataAnnotations []string `json:"metadataAnnotations,omitempty"`
	// Storage stores the events.
	// +optional
	Storage *LoggerStorageSpec `json:"storage,omitempty"`
	// MarshallerURL is a service that transforms log records before they
	// are stored; empty uses the embedded JSON marshaller.
	// +optional
	MarshallerURL *string `json:"marshallerUrl,omitempty"`
	// BatchSize is the number of log records per batch written to storage;
	// 1 (the default) writes each at once.
	// +optional
	BatchSize *int32 `json:"batchSize,omitempty"`
	// BatchInterval is the longest a partial batch waits, e.g. "5s"; only
	// with a BatchSize above 1.
	// +optional
	BatchInterval *string `json:"batchInterval,omitempty"`
}

// LoggerStorageSpec is where the logger stores events.
type LoggerStorageSpec struct {
	StorageSpec `json:",inline"`
	// ServiceAccountName with access to the storage.
	// +optional
	ServiceAccountName *string `json:"serviceAccountName,omitempty"`
}

// Batcher batches requests.
type Batcher struct {
	// MaxBatchSize is the most requests of a batch.
	// +optional
	MaxBatchSize *int `json:"maxBatchSize,omitempty"`
	// MaxLatency in milliseconds before a batch is sent.
	// +optional
	MaxLatency *int `json:"maxLatency,omitempty"`
	// Timeout of a batch in seconds.
	// +optional
	Timeout *int `json:"timeout,omitempty"`
}

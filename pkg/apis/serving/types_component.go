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
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/apimachinery/pkg/api/resource"
)

// ComponentExtensionSpec is the deployment configuration of a predictor,
// transformer or explainer.
type ComponentExtensionSpec struct {
	// MinReplicas is the least number of replicas; defaults to 1.
	MinReplicas *int32
	// MaxReplicas is the most replicas the autoscaler may run; 0 means
	// MinReplicas.
	MaxReplicas int32
	// ScaleTarget is the autoscaler's target value of ScaleMetric.
	ScaleTarget *int32
	// ScaleMetric is the metric the autoscaler watches: cpu, memory,
	// concurrency or rps.
	ScaleMetric *string
	// ScaleMetricType is how ScaleTarget is read: Utilization, Value or
	// AverageValue.
	ScaleMetricType *string
	// AutoScaling gives the autoscaler's metrics and behavior in full.
	AutoScaling *AutoScalingSpec
	// ContainerConcurrency is the most requests a replica serves at once.
	ContainerConcurrency *int64
	// TimeoutSeconds is the request timeout of the component.
	TimeoutSeconds *int64
	// CanaryTrafficPercent is KServe's Knative-mode canary of the latest
	// revision; Standard mode uses spec.canary instead.
	CanaryTrafficPercent *int64
	// Logger logs requests and responses.
	Logger *LoggerSpec
	// Batcher batches requests.
	Batcher *Batcher
	// Labels are added to the component's pods.
	Labels map[string]string
	// Annotations are added to the component's pods.
	Annotations map[string]string
	// DeploymentStrategy replaces the Deployment's default rolling update.
	DeploymentStrategy *appsv1.DeploymentStrategy
}

// AutoScalingSpec is an autoscaler configuration in full.
type AutoScalingSpec struct {
	// Metrics the autoscaler scales on.
	Metrics []MetricsSpec
	// Behavior is the HorizontalPodAutoscaler's scaling behavior.
	Behavior *autoscalingv2.HorizontalPodAutoscalerBehavior
}

// MetricsSpec is one metric: type and the matching source.
type MetricsSpec struct {
	// Type is the metric source: Resource, External or PodMetric.
	Type string
	// Resource is a resource metric such as cpu or memory.
	Resource *ResourceMetricSource
	// External is a metric from outside the cluster.
	External *ExternalMetricSource
	// PodMetric is a metric of each pod.
	PodMetric *PodMetricSource
}

// ResourceMetricSource scales on cpu or memory.
type ResourceMetricSource struct {
	// Name of the resource: cpu or memory.
	Name string
	// Target value.
	Target MetricTarget
}

// ExternalMetricSource scales on a query against a metrics backend.
type ExternalMetricSource struct {
	// Metric is the query.
	Metric ExternalMetrics
	// Authentication of the backend.
	Authentication *ExtMetricAuthentication
	// Target value.
	Target MetricTarget
}

// PodMetricSource scales on a metric of each pod.
type PodMetricSource struct {
	// Metric is the query.
	Metric PodMetrics
	// Target value.
	Target MetricTarget
}

// AuthenticationRef names an authentication secret.
type AuthenticationRef struct {
	// Name of the secret.
	Name string
}

// ExtMetricAuthentication authenticates to an external metrics backend.
type ExtMetricAuthentication struct {
	// AuthenticationRef names the secret.
	AuthenticationRef AuthenticationRef
	// AuthModes: bearer, basic or tls.
	AuthModes string
}

// MetricTarget is the target value, average value or average utilization.
type MetricTarget struct {
	// Type is Utilization, Value or AverageValue.
	Type string
	// Value is the target value.
	Value *resource.Quantity
	// AverageValue is the target average over the pods.
	AverageValue *resource.Quantity
	// AverageUtilization is the target percentage of the pods' requests.
	AverageUtilization *int32
}

// ExternalMetrics is a query against prometheus or graphite.
type ExternalMetrics struct {
	// Backend: prometheus or graphite.
	Backend string
	// ServerAddress of the backend.
	ServerAddress string
	// Query to run.
	Query string
	// Namespace of a namespaced query.
	Namespace string
}

// PodMetrics is a query against an OpenTelemetry backend.
type PodMetrics struct {
	// Backend: opentelemetry.
	Backend string
	// ServerAddress of the backend.
	ServerAddress string
	// MetricNames in the backend.
	MetricNames []string
	// Query to run.
	Query string
	// OperationOverTime aggregates over time: last_one, avg, max, min, rate, count.
	OperationOverTime string
}

// LoggerSpec logs requests and responses as CloudEvents.
type LoggerSpec struct {
	// URL the events are sent to.
	URL *string
	// Mode: all, request or response.
	Mode string
	// MetadataHeaders are HTTP headers copied into the events.
	MetadataHeaders []string
	// MetadataAnnotations are InferenceService annotations copied into the events.
	MetadataAnnotations []string
	// Storage stores the events.
	Storage *LoggerStorageSpec
	// MarshallerURL is a service that transforms log records before they
	// are stored; empty uses the embedded JSON marshaller.
	MarshallerURL *string
	// BatchSize is the number of log records per batch written to storage;
	// 1 (the default) writes each at once.
	BatchSize *int32
	// BatchInterval is the longest a partial batch waits, e.g. "5s"; only
	// with a BatchSize above 1.
	BatchInterval *string
}

// LoggerStorageSpec is where the logger stores events.
type LoggerStorageSpec struct {
	StorageSpec
	// ServiceAccountName with access to the storage.
	ServiceAccountName *string
}

// Batcher batches requests.
type Batcher struct {
	// MaxBatchSize is the most requests of a batch.
	MaxBatchSize *int
	// MaxLatency in milliseconds before a batch is sent.
	MaxLatency *int
	// Timeout of a batch in seconds.
	Timeout *int
}

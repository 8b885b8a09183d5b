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

package validation

import (
	"net/url"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/sets"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlplane/mlplane/pkg/apis/serving"
	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
)

var (
	supportedScaleMetrics = []string{servingv1beta1.ScaleMetricCPU, servingv1beta1.ScaleMetricMemory,
		servingv1beta1.ScaleMetricConcurrency, servingv1beta1.ScaleMetricRPS}
	supportedMetricTargetTypes = []string{servingv1beta1.MetricTargetUtilization, servingv1beta1.MetricTargetValue,
		servingv1beta1.MetricTargetAverageValue}
	supportedMetricSourceTypes = []string{servingv1beta1.MetricSourceResource, servingv1beta1.MetricSourceExternal,
		servingv1beta1.MetricSourcePodMetric}
	supportedResourceMetrics    = []string{"cpu", "memory"}
	supportedExternalBackends   = []string{"prometheus", "graphite"}
	supportedPodMetricsBackends = []string{"opentelemetry"}
	supportedLoggerModes        = []string{servingv1beta1.LoggerModeAll, servingv1beta1.LoggerModeRequest,
		servingv1beta1.LoggerModeResponse}
)

// validateComponentExtension checks the deployment configuration of a
// predictor, transformer or explainer; fldPath is the component's path, as
// the fields are inlined there.
func validateComponentExtension(ext *serving.ComponentExtensionSpec, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if ext.MinReplicas != nil {
		allErrs = append(allErrs, apivalidation.ValidateNonnegativeField(int64(*ext.MinReplicas), fldPath.Child("minReplicas"))...)
	}
	allErrs = append(allErrs, apivalidation.ValidateNonnegativeField(int64(ext.MaxReplicas), fldPath.Child("maxReplicas"))...)
	// maxReplicas 0 means "as many as minReplicas"; an unset minReplicas is
	// 1, which no positive maxReplicas is below.
	if ext.MinReplicas != nil && ext.MaxReplicas > 0 && *ext.MinReplicas > ext.MaxReplicas {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("minReplicas"), *ext.MinReplicas,
			"must be less than or equal to maxReplicas"))
	}
	if ext.ContainerConcurrency != nil {
		allErrs = append(allErrs, apivalidation.ValidateNonnegativeField(*ext.ContainerConcurrency, fldPath.Child("containerConcurrency"))...)
	}
	if ext.TimeoutSeconds != nil {
		allErrs = append(allErrs, apivalidation.ValidateNonnegativeField(*ext.TimeoutSeconds, fldPath.Child("timeout"))...)
	}
	if ext.CanaryTrafficPercent != nil {
		allErrs = append(allErrs, validatePercent(*ext.CanaryTrafficPercent, fldPath.Child("canaryTrafficPercent"))...)
	}
	if ext.ScaleMetric != nil {
		allErrs = append(allErrs, validateEnum(*ext.ScaleMetric, supportedScaleMetrics, fldPath.Child("scaleMetric"))...)
	}
	if ext.ScaleMetricType != nil {
		allErrs = append(allErrs, validateEnum(*ext.ScaleMetricType, supportedMetricTargetTypes, fldPath.Child("scaleMetricType"))...)
	}
	if ext.AutoScaling != nil {
		metricsPath := fldPath.Child("autoScaling", "metrics")
		for i := range ext.AutoScaling.Metrics {
			allErrs = append(allErrs, validateMetric(&ext.AutoScaling.Metrics[i], metricsPath.Index(i))...)
		}
	}
	if ext.Logger != nil {
		// The mode was defaulted to all, so an empty mode is an error here.
		allErrs = append(allErrs, validateEnum(ext.Logger.Mode, supportedLoggerModes, fldPath.Child("logger", "mode"))...)
		allErrs = append(allErrs, validateLoggerBatching(ext.Logger, fldPath.Child("logger"))...)
	}
	return allErrs
}

// validateMetric checks one autoscaling metric: its type, and that exactly
// the source of that type is set.
func validateMetric(m *serving.MetricsSpec, fldPath *field.Path) field.ErrorList {
	sources := []struct {
		typ, field string
		set        bool
	}{
		{servingv1beta1.MetricSourceResource, "resource", m.Resource != nil},
		{servingv1beta1.MetricSourceExternal, "external", m.External != nil},
		{servingv1beta1.MetricSourcePodMetric, "podmetric", m.PodMetric != nil},
	}
	var allErrs field.ErrorList
	switch {
	case m.Type == "":
		allErrs = append(allErrs, field.Required(fldPath.Child("type"), ""))
	case !slices.Contains(supportedMetricSourceTypes, m.Type):
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("type"), m.Type, supportedMetricSourceTypes))
	}
	for _, s := range sources {
		switch {
		case s.typ == m.Type && !s.set:
			allErrs = append(allErrs, field.Required(fldPath.Child(s.field), "must be set for type "+s.typ))
		case s.typ != m.Type && s.set && slices.Contains(supportedMetricSourceTypes, m.Type):
			allErrs = append(allErrs, field.Forbidden(fldPath.Child(s.field), "must not be set for type "+m.Type))
		}
	}
	if r := m.Resource; r != nil {
		p := fldPath.Child("resource")
		allErrs = append(allErrs, validateEnum(r.Name, supportedResourceMetrics, p.Child("name"))...)
		allErrs = append(allErrs, validateMetricTarget(&r.Target, p.Child("target"))...)
	}
	if e := m.External; e != nil {
		p := fldPath.Child("external")
		if e.Metric.Backend != "" {
			allErrs = append(allErrs, validateEnum(e.Metric.Backend, supportedExternalBackends, p.Child("metric", "backend"))...)
		}
		allErrs = append(allErrs, validateMetricTarget(&e.Target, p.Child("target"))...)
	}
	if pm := m.PodMetric; pm != nil {
		p := fldPath.Child("podmetric")
		if pm.Metric.Backend != "" {
			allErrs = append(allErrs, validateEnum(pm.Metric.Backend, supportedPodMetricsBackends, p.Child("metric", "backend"))...)
		}
		allErrs = append(allErrs, validateMetricTarget(&pm.Target, p.Child("target"))...)
	}
	return allErrs
}

// validateMetricTarget checks the target type; KServe's CRD accepts an
// empty one.
func validateMetricTarget(t *serving.MetricTarget, fldPath *field.Path) field.ErrorList {
	if t.Type == "" {
		return nil
	}
	return validateEnum(t.Type, supportedMetricTargetTypes, fldPath.Child("type"))
}

// validateEnum reports a missing or unsupported value.
func validateEnum(value string, supported []string, fldPath *field.Path) field.ErrorList {
	switch {
	case value == "":
		return field.ErrorList{field.Required(fldPath, "")}
	case !slices.Contains(supported, value):
		return field.ErrorList{field.NotSupported(fldPath, value, supported)}
	}
	return nil
}

func validatePercent(value int64, fldPath *field.Path) field.ErrorList {
	if value < 0 || value > 100 {
		return field.ErrorList{field.Invalid(fldPath, value, "must be between 0 and 100")}
	}
	return nil
}

// validateContainers checks what the CRD schema checks of a component's
// containers (a name each) and what the Deployment would refuse later
// (names that are DNS labels and unique: strategic merge patch and
// server-side apply key containers by name).
func validateContainers(containers []corev1.Container, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	names := sets.New[string]()
	for i, c := range containers {
		namePath := fldPath.Index(i).Child("name")
		switch {
		case c.Name == "":
			allErrs = append(allErrs, field.Required(namePath, ""))
		case names.Has(c.Name):
			allErrs = append(allErrs, field.Duplicate(namePath, c.Name))
		default:
			names.Insert(c.Name)
			for _, msg := range utilvalidation.IsDNS1123Label(c.Name) {
				allErrs = append(allErrs, field.Invalid(namePath, c.Name, msg))
			}
		}
	}
	return allErrs
}

// validateServingContainer checks the container a custom component runs: it
// needs an image, and a storage URI it names in STORAGE_URI follows the
// storage URI rule.
func validateServingContainer(c *corev1.Container, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if c.Image == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("image"), "the serving container of a custom component needs an image"))
	}
	if i := storageURIEnv(c); i >= 0 {
		allErrs = append(allErrs, validateStorageURI(c.Env[i].Value, fldPath.Child("env").Index(i).Child("value"))...)
	}
	return allErrs
}

// storageURIEnv is the index of the container's STORAGE_URI variable, or -1.
func storageURIEnv(c *corev1.Container) int {
	return slices.IndexFunc(c.Env, func(e corev1.EnvVar) bool { return e.Name == servingv1beta1.CustomSpecStorageURIEnvVar })
}

// validateLoggerBatching checks how the logger batches records for storage:
// a positive batch size, a non-negative Go duration, an absolute http(s)
// marshaller URL.
func validateLoggerBatching(l *serving.LoggerSpec, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if l.BatchSize != nil && *l.BatchSize < 1 {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("batchSize"), *l.BatchSize, "must be at least 1"))
	}
	if l.BatchInterval != nil {
		if d, err := time.ParseDuration(*l.BatchInterval); err != nil {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("batchInterval"), *l.BatchInterval,
				`must be a duration such as "5s" or "100ms"`))
		} else if d < 0 {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("batchInterval"), *l.BatchInterval, "must not be negative"))
		}
	}
	if l.MarshallerURL != nil {
		if u, err := url.Parse(*l.MarshallerURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("marshallerUrl"), *l.MarshallerURL,
				"must be an absolute http or https URL"))
		}
	}
	return allErrs
}

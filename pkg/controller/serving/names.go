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
	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
)

// ComponentName is the name of a component's Deployment, Service, HPA and
// per-component route, as KServe's: <isvc>-predictor, or
// <isvc>-<name>-predictor for a named predictor or a canary;
// <isvc>-transformer; <isvc>-explainer.
func ComponentName(isvcName, component, predictorName string) string {
	if component == servingv1beta1.PredictorComponent && predictorName != "" {
		return isvcName + "-" + predictorName + "-" + component
	}
	return isvcName + "-" + component
}

// AppLabelValue is the value of label app on a component's pods, which its
// Service and Deployment select: isvc.<component name>.
func AppLabelValue(componentName string) string {
	return "isvc." + componentName
}

// ClusterLocalHost is a Service's cluster-local host name.
func ClusterLocalHost(service, namespace, clusterDomain string) string {
	return service + "." + namespace + ".svc." + clusterDomain
}

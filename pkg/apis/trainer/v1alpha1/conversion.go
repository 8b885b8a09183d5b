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

package v1alpha1

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"
)

// addFieldLabelConversions declares the field selectors of TrainJobs beyond
// metadata.name and metadata.namespace: status.state, the type of the last
// condition, as the kubeflow.org training jobs have it. The runtimes have
// only those two.
func addFieldLabelConversions(scheme *runtime.Scheme) error {
	err := scheme.AddFieldLabelConversionFunc(SchemeGroupVersion.WithKind(TrainJobKind),
		func(label, value string) (string, string, error) {
			switch label {
			case "metadata.name", "metadata.namespace", "status.state":
				return label, value, nil
			}
			return "", "", fmt.Errorf("field label not supported: %s", label)
		})
	if err != nil {
		return fmt.Errorf("registering field selectors of %s: %w", TrainJobKind, err)
	}
	return nil
}

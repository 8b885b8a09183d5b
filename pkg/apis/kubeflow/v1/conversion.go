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

package v1

import (
	"fmt"

	"k8s.io/apimachinery/pkg/conversion"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
)

// addFieldLabelConversions declares the field selectors each kind supports
// beyond metadata.name and metadata.namespace.
func addFieldLabelConversions(scheme *runtime.Scheme) error {
	for _, kind := range []string{TFJobKind, PyTorchJobKind, MPIJobKind, XGBoostJobKind, PaddleJobKind, JAXJobKind} {
		err := scheme.AddFieldLabelConversionFunc(SchemeGroupVersion.WithKind(kind),
			func(label, value string) (string, string, error) {
				switch label {
				case "metadata.name", "metadata.namespace", "status.state":
					return label, value, nil
				}
				return "", "", fmt.Errorf("field label not supported: %s", label)
			})
		if err != nil {
			return fmt.Errorf("registering field selectors of %s: %w", kind, err)
		}
	}
	return nil
}

// Convert_v1_Plugin_To_kubeflow_Plugin keeps the plugin's kind and
// apiVersion. conversion-gen skips an embedded TypeMeta, which the codec
// sets on a top-level object; in a Plugin it is data, the kind says which
// plugin it is.
func Convert_v1_Plugin_To_kubeflow_Plugin(in *Plugin, out *kubeflow.Plugin, s conversion.Scope) error {
	out.TypeMeta = in.TypeMeta
	return autoConvert_v1_Plugin_To_kubeflow_Plugin(in, out, s)
}

// Convert_kubeflow_Plugin_To_v1_Plugin keeps the plugin's kind and
// apiVersion, as Convert_v1_Plugin_To_kubeflow_Plugin.
func Convert_kubeflow_Plugin_To_v1_Plugin(in *kubeflow.Plugin, out *Plugin, s conversion.Scope) error {
	out.TypeMeta = in.TypeMeta
	return autoConvert_kubeflow_Plugin_To_v1_Plugin(in, out, s)
}

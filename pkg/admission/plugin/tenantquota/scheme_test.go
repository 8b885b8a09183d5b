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

package tenantquota

import (
	"k8s.io/apimachinery/pkg/runtime"

	kubeflowinstall "github.com/mlplane/mlplane/pkg/apis/kubeflow/install"
	servinginstall "github.com/mlplane/mlplane/pkg/apis/serving/install"
	trainerinstall "github.com/mlplane/mlplane/pkg/apis/trainer/install"
)

// testScheme converts the tests' internal objects to served versions.
var testScheme = runtime.NewScheme()

func init() {
	kubeflowinstall.Install(testScheme)
	servinginstall.Install(testScheme)
	trainerinstall.Install(testScheme)
}

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

package profile

import (
	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	kubeflowv1beta1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1beta1"
	"github.com/mlplane/mlplane/pkg/apis/kubeflow/validation"
	"github.com/mlplane/mlplane/pkg/registry/internal/specstatus"
)

// kind is what the shared spec/status strategy needs of profiles.
var kind = specstatus.Kind[kubeflow.Profile, *kubeflow.Profile, kubeflow.ProfileStatus]{
	// A profile is cluster-scoped: it is the tenant that owns a namespace.
	NamespaceScoped: false,
	ServedVersions:  []string{kubeflowv1.SchemeGroupVersion.String(), kubeflowv1beta1.SchemeGroupVersion.String()},

	Spec:   func(p *kubeflow.Profile) any { return &p.Spec },
	Status: func(p *kubeflow.Profile) *kubeflow.ProfileStatus { return &p.Status },

	Validate:             validation.ValidateProfile,
	ValidateUpdate:       validation.ValidateProfileUpdate,
	ValidateStatusUpdate: validation.ValidateProfileStatusUpdate,
}

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
	"context"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/apiserver/pkg/storage/names"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	kubeflowv1beta1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1beta1"
	"github.com/mlplane/mlplane/pkg/apis/kubeflow/validation"
	"github.com/mlplane/mlplane/pkg/registry/internal/statusrest"
)

// servedVersions are the versions whose reset fields the strategies declare:
// server-side apply looks them up by the version of each request.
var servedVersions = []string{kubeflowv1.SchemeGroupVersion.String(), kubeflowv1beta1.SchemeGroupVersion.String()}

// strategy implements create, update and delete of a profile: status is
// owned by the status subresource, generation moves with the spec.
type strategy struct {
	runtime.ObjectTyper
	names.NameGenerator
}

var (
	_ rest.RESTCreateStrategy  = strategy{}
	_ rest.RESTUpdateStrategy  = strategy{}
	_ rest.RESTDeleteStrategy  = strategy{}
	_ rest.ResetFieldsStrategy = strategy{}
)

func newStrategy(typer runtime.ObjectTyper) strategy {
	return strategy{ObjectTyper: typer, NameGenerator: names.SimpleNameGenerator}
}

// NamespaceScoped is false: a profile is the tenant that owns a namespace.
func (strategy) NamespaceScoped() bool { return false }

func (strategy) GetResetFields() map[fieldpath.APIVersion]*fieldpath.Set {
	return statusrest.MainResetFields(servedVersions...)
}

func (strategy) PrepareForCreate(_ context.Context, obj runtime.Object) {
	p := obj.(*kubeflow.Profile)
	p.Status = kubeflow.ProfileStatus{}
	p.Generation = 1
}

func (strategy) PrepareForUpdate(_ context.Context, obj, old runtime.Object) {
	p, oldP := obj.(*kubeflow.Profile), old.(*kubeflow.Profile)
	p.Status = oldP.Status
	if !equality.Semantic.DeepEqual(p.Spec, oldP.Spec) {
		p.Generation = oldP.Generation + 1
	}
}

func (strategy) Validate(_ context.Context, obj runtime.Object) field.ErrorList {
	return validation.ValidateProfile(obj.(*kubeflow.Profile))
}

func (strategy) WarningsOnCreate(context.Context, runtime.Object) []string { return nil }

func (strategy) Canonicalize(runtime.Object) {}

func (strategy) AllowCreateOnUpdate(context.Context) bool { return false }

func (strategy) AllowUnconditionalUpdate(context.Context) bool { return true }

func (strategy) ValidateUpdate(_ context.Context, obj, old runtime.Object) field.ErrorList {
	return validation.ValidateProfileUpdate(obj.(*kubeflow.Profile), old.(*kubeflow.Profile))
}

func (strategy) WarningsOnUpdate(context.Context, runtime.Object, runtime.Object) []string {
	return nil
}

// statusStrategy implements updates through the status subresource: only
// status changes, spec and labels stay as stored.
type statusStrategy struct {
	strategy
}

func (statusStrategy) GetResetFields() map[fieldpath.APIVersion]*fieldpath.Set {
	return statusrest.StatusResetFields(servedVersions...)
}

func (statusStrategy) PrepareForUpdate(_ context.Context, obj, old runtime.Object) {
	statusrest.KeepStoredSpec(obj.(*kubeflow.Profile), old.(*kubeflow.Profile),
		func(to, from *kubeflow.Profile) { to.Status = from.Status })
}

func (statusStrategy) ValidateUpdate(_ context.Context, obj, old runtime.Object) field.ErrorList {
	return validation.ValidateProfileStatusUpdate(obj.(*kubeflow.Profile), old.(*kubeflow.Profile))
}

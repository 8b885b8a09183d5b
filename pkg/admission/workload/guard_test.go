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

package workload_test

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/mlplane/mlplane/pkg/admission/workload"
	"github.com/mlplane/mlplane/pkg/apiserver"
	clientsetscheme "github.com/mlplane/mlplane/pkg/generated/clientset/versioned/scheme"
)

// apisPackage holds every API type of mlplane.
const apisPackage = "github.com/mlplane/mlplane/pkg/apis/"

// servedKinds are the kinds of every versioned mlplane type that
// mlplane-apiserver's scheme installs or that mlplane's generated clientset
// has a client for (every +genclient type, so an API group is covered from
// the day its types are generated, before its storage is installed). Lists
// are left out: they hold objects of a kind that is here.
func servedKinds(t *testing.T) map[schema.GroupVersionKind]reflect.Type {
	kinds := map[schema.GroupVersionKind]reflect.Type{}
	for _, s := range []*runtime.Scheme{apiserver.Scheme, clientsetscheme.Scheme} {
		for gvk, typ := range s.AllKnownTypes() {
			if gvk.Version == runtime.APIVersionInternal || !strings.HasPrefix(typ.PkgPath(), apisPackage) {
				continue
			}
			if meta.IsListType(reflect.New(typ).Interface().(runtime.Object)) {
				continue
			}
			kinds[gvk] = typ
		}
	}
	if len(kinds) == 0 {
		t.Fatal("no mlplane kind found in the schemes")
	}
	return kinds
}

// podParts are the types pods are made of: a type holding one of them
// describes (part of) a pod.
var podParts = []reflect.Type{
	reflect.TypeFor[corev1.PodSpec](),
	reflect.TypeFor[corev1.Container](),
	reflect.TypeFor[corev1.Volume](),
	reflect.TypeFor[corev1.EnvVar](),
	reflect.TypeFor[corev1.LocalObjectReference](),
}

// podPart returns the path of the first pod part typ holds, or "".
func podPart(typ reflect.Type) string {
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type, path string) string
	walk = func(t reflect.Type, path string) string {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		for _, p := range podParts {
			if t == p {
				return path + " (" + t.String() + ")"
			}
		}
		if t.Kind() != reflect.Struct || seen[t] {
			return ""
		}
		seen[t] = true
		for i := range t.NumField() {
			f := t.Field(i)
			if found := walk(f.Type, path+"."+f.Name); found != "" {
				return found
			}
		}
		return ""
	}
	return walk(typ, typ.Name())
}

// TestEveryServedKindIsExtracted is the guard that keeps the tenancy
// plugins in step with the API: every kind mlplane serves is either read by
// workload.Extract (its pod templates, or for a TrainJob the pods of its
// runtime) or listed in workload.NoPodTemplates with the reason it has
// none, and only a kind that holds nothing pods are made of may be listed
// there. A new kind fails here until the plugins know it.
func TestEveryServedKindIsExtracted(t *testing.T) {
	kinds := servedKinds(t)
	gvks := make([]schema.GroupVersionKind, 0, len(kinds))
	for gvk := range kinds {
		gvks = append(gvks, gvk)
	}
	sort.Slice(gvks, func(i, j int) bool { return gvks[i].String() < gvks[j].String() })
	listed := map[schema.GroupKind]bool{}
	for _, gvk := range gvks {
		typ := kinds[gvk]
		reason, none := workload.NoPodTemplates[gvk.GroupKind()]
		listed[gvk.GroupKind()] = true
		_, extracted := workload.Extract(reflect.New(typ).Interface().(runtime.Object))
		switch {
		case extracted && none:
			t.Errorf("%s is read by workload.Extract and also listed in workload.NoPodTemplates: remove it from the list", gvk)
		case !extracted && !none:
			t.Errorf("%s is served but workload.Extract does not read it, so the tenancy plugins skip it: "+
				"read its pod templates in workload.Extract, or list it in workload.NoPodTemplates with the reason it has none", gvk)
		case none && reason == "":
			t.Errorf("%s is listed in workload.NoPodTemplates without a reason", gvk)
		case none:
			if part := podPart(typ); part != "" {
				t.Errorf("%s is listed in workload.NoPodTemplates, but it holds what pods are made of: %s", gvk, part)
			}
		}
	}
	for gk := range workload.NoPodTemplates {
		if !listed[gk] {
			t.Errorf("workload.NoPodTemplates lists %s, which is not served", gk)
		}
	}
}

func TestPodPart(t *testing.T) {
	type withEnv struct{ Env []corev1.EnvVar }
	type nested struct{ Spec *withEnv }
	type plain struct {
		Name  string
		Count map[string]int
	}
	for _, tc := range []struct {
		typ  reflect.Type
		want string
	}{
		{reflect.TypeFor[nested](), "nested.Spec.Env (v1.EnvVar)"},
		{reflect.TypeFor[corev1.PodTemplateSpec](), "PodTemplateSpec.Spec (v1.PodSpec)"},
		{reflect.TypeFor[plain](), ""},
	} {
		if got := podPart(tc.typ); got != tc.want {
			t.Errorf("podPart(%s) = %q, want %q", tc.typ, got, tc.want)
		}
	}
}

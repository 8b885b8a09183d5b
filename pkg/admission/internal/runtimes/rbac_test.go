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

package runtimes

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/mlplane/mlplane/pkg/apis/serving"
	"github.com/mlplane/mlplane/pkg/apis/trainer"
)

// clusterRuntimes are the cluster-scoped kinds with pod templates, which
// the tenancy plugins do not check when they are written: every namespace
// uses them, so they are an administrator's.
var clusterRuntimes = []struct{ group, resource string }{
	{trainer.GroupName, "clustertrainingruntimes"},
	{serving.GroupName, "clusterservingruntimes"},
}

var writeVerbs = []string{"create", "update", "patch", "delete", "deletecollection", "*"}

// TestUserRolesCannotWriteClusterRuntimes keeps the assumption the tenancy
// plugins rest on: none of the roles artifacts/deploy/user-rbac.yaml gives
// users (aggregated into kubeflow-admin/-edit/-view and the built-in
// admin/edit/view, which may be bound cluster-wide) lets them write a
// ClusterTrainingRuntime or a ClusterServingRuntime.
func TestUserRolesCannotWriteClusterRuntimes(t *testing.T) {
	file := filepath.Join("..", "..", "..", "..", "artifacts", "deploy", "user-rbac.yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	roles := 0
	for _, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(data), -1) {
		var kind metav1.TypeMeta
		if err := yaml.Unmarshal([]byte(doc), &kind); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if kind.Kind != "ClusterRole" {
			continue
		}
		var role rbacv1.ClusterRole
		if err := yaml.UnmarshalStrict([]byte(doc), &role); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		roles++
		for i, rule := range role.Rules {
			for _, rt := range clusterRuntimes {
				if matches(rule.APIGroups, rt.group) && matches(rule.Resources, rt.resource) && slices.ContainsFunc(rule.Verbs, isWrite) {
					t.Errorf("ClusterRole %s rule %d lets users %v %s.%s: tenants could choose the pods of every namespace",
						role.Name, i, rule.Verbs, rt.resource, rt.group)
				}
			}
		}
	}
	if roles == 0 {
		t.Fatalf("%s has no ClusterRole", file)
	}
}

func matches(list []string, name string) bool {
	return slices.Contains(list, name) || slices.Contains(list, "*")
}

func isWrite(verb string) bool {
	return slices.Contains(writeVerbs, strings.ToLower(verb))
}

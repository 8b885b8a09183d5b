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

package validation_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/trainer"
	"github.com/mlplane/mlplane/pkg/apis/trainer/install"
	"github.com/mlplane/mlplane/pkg/apis/trainer/validation"
)

// shipped is every trainer.kubeflow.org object mlplane ships: the stock
// runtimes and the examples users apply, read as the server reads them
// (decoded, defaulted, converted to the internal version).
func shipped(t *testing.T) map[string][]runtime.Object {
	t.Helper()
	scheme := runtime.NewScheme()
	install.Install(scheme)
	decoder := serializer.NewCodecFactory(scheme).UniversalDecoder(trainer.SchemeGroupVersion)
	root := filepath.Join("..", "..", "..", "..", "artifacts")
	var files []string
	err := filepath.WalkDir(filepath.Join(root, "trainer"), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".yaml") && filepath.Base(path) != "kustomization.yaml" {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	examples, err := filepath.Glob(filepath.Join(root, "examples", "trainjob-*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, examples...)
	objects := map[string][]runtime.Object{}
	separator := regexp.MustCompile(`(?m)^---\s*$`)
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range separator.Split(string(data), -1) {
			if !bytes.Contains([]byte(doc), []byte("apiVersion: trainer.kubeflow.org/")) {
				continue
			}
			obj, _, err := decoder.Decode([]byte(doc), nil, nil)
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			// Applied with kubectl -n, as the README does.
			switch o := obj.(type) {
			case *trainer.TrainingRuntime:
				o.Namespace = "mlplane-user"
			case *trainer.TrainJob:
				o.Namespace = "mlplane-user"
			}
			objects[file] = append(objects[file], obj)
		}
	}
	if len(examples) == 0 || len(objects) <= len(examples) {
		t.Fatalf("found %d example files and %d files with trainer objects under %s", len(examples), len(objects), root)
	}
	return objects
}

// Every shipped runtime and TrainJob is accepted by the server, a TrainJob
// also against its runtime (the TrainJobRuntime admission plugin's check),
// so that `make run`, the README and upstream's users applying them get no
// 422.
func TestShippedManifestsAreValid(t *testing.T) {
	objects := shipped(t)
	clusterRuntimes := map[string]*trainer.ClusterTrainingRuntime{}
	for _, objs := range objects {
		for _, obj := range objs {
			if rt, ok := obj.(*trainer.ClusterTrainingRuntime); ok {
				clusterRuntimes[rt.Name] = rt
			}
		}
	}
	jobs := 0
	for file, objs := range objects {
		runtimes := map[string]*trainer.TrainingRuntime{}
		for _, obj := range objs {
			if rt, ok := obj.(*trainer.TrainingRuntime); ok {
				runtimes[rt.Name] = rt
			}
		}
		for _, obj := range objs {
			var errs field.ErrorList
			switch o := obj.(type) {
			case *trainer.ClusterTrainingRuntime:
				errs = validation.ValidateClusterTrainingRuntime(o)
			case *trainer.TrainingRuntime:
				errs = validation.ValidateTrainingRuntime(o)
			case *trainer.TrainJob:
				jobs++
				errs = validation.ValidateTrainJob(o)
				var rt *validation.Runtime
				name := o.Spec.RuntimeRef.Name
				switch ptr.Deref(o.Spec.RuntimeRef.Kind, "") {
				case "TrainingRuntime":
					if r := runtimes[name]; r != nil {
						rt = &validation.Runtime{Kind: "TrainingRuntime", Name: name, Labels: r.Labels, Spec: &r.Spec}
					}
				case "ClusterTrainingRuntime":
					if r := clusterRuntimes[name]; r != nil {
						rt = &validation.Runtime{Kind: "ClusterTrainingRuntime", Name: name, Labels: r.Labels, Spec: &r.Spec}
					}
				}
				if rt == nil {
					t.Errorf("%s: TrainJob %s references %s %s, which mlplane does not ship", file, o.Name,
						ptr.Deref(o.Spec.RuntimeRef.Kind, ""), name)
					continue
				}
				_, withRuntime := validation.ValidateTrainJobWithRuntime(o, nil, rt)
				errs = append(errs, withRuntime...)
			default:
				t.Errorf("%s: unexpected %T", file, obj)
			}
			if len(errs) > 0 {
				t.Errorf("%s: %T is invalid: %v", file, obj, errs.ToAggregate())
			}
		}
	}
	if jobs == 0 {
		t.Fatal("no TrainJob in the examples")
	}
}

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

// Command trainjob-golden runs Kubeflow Trainer v2.3.0's runtime framework
// and JobSet v0.12's controller, both on fake clients, on the TrainJob
// cases of pkg/controller/trainjob/build (testdata/cases) and records what
// they create (testdata/golden), for build's tests to compare with.
//
// It is a module of its own: Trainer v2.3.0 builds with k8s.io v0.36 only,
// mlplane is on v0.37. Run it from this directory:
//
//	go run . -cases ../../pkg/controller/trainjob/build/testdata/cases \
//	         -out ../../pkg/controller/trainjob/build/testdata/golden
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apiextensionsinternal "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	jobsetv1alpha2 "sigs.k8s.io/jobset/api/jobset/v1alpha2"
	jobsetcontrollers "sigs.k8s.io/jobset/pkg/controllers"
	schedulerpluginsv1alpha1 "sigs.k8s.io/scheduler-plugins/apis/scheduling/v1alpha1"
	"sigs.k8s.io/yaml"
	volcanov1beta1 "volcano.sh/apis/pkg/apis/scheduling/v1beta1"

	configapi "github.com/kubeflow/trainer/v2/pkg/apis/config/v1alpha1"
	trainer "github.com/kubeflow/trainer/v2/pkg/apis/trainer/v1alpha1"
	"github.com/kubeflow/trainer/v2/pkg/runtime/core"
)

// The identity every case's TrainJob gets.
const (
	namespace = "ns"
	uid       = "uid-1"
)

// testCase is a file of testdata/cases.
type testCase struct {
	// Runtime is a runtime manifest of the Trainer module.
	Runtime string `json:"runtime,omitempty"`
	// Example is a file of the Trainer module with a TrainJob, and maybe
	// its runtime.
	Example string `json:"example,omitempty"`
	// RuntimeObject is a runtime written in the case.
	RuntimeObject map[string]any `json:"runtimeObject,omitempty"`
	// TrainJob is the TrainJob (over the example's).
	TrainJob map[string]any `json:"trainJob,omitempty"`
	// UnorderedEnv: upstream orders some env by a Go map's iteration.
	UnorderedEnv bool `json:"unorderedEnv,omitempty"`
}

// golden is a file of testdata/golden.
type golden struct {
	Runtime                map[string]any   `json:"runtime"`
	TrainJob               map[string]any   `json:"trainJob"`
	UnorderedEnv           bool             `json:"unorderedEnv,omitempty"`
	Error                  string           `json:"error,omitempty"`
	JobSet                 map[string]any   `json:"jobSet,omitempty"`
	Jobs                   []map[string]any `json:"jobs,omitempty"`
	Services               []map[string]any `json:"services,omitempty"`
	PersistentVolumeClaims []claim          `json:"persistentVolumeClaims,omitempty"`
	ConfigMaps             []map[string]any `json:"configMaps,omitempty"`
	Secrets                []map[string]any `json:"secrets,omitempty"`
	PodGroup               map[string]any   `json:"podGroup,omitempty"`
}

type claim struct {
	Claim  map[string]any `json:"claim"`
	Retain bool           `json:"retain,omitempty"`
}

func main() {
	cases := flag.String("cases", "", "directory of the cases")
	out := flag.String("out", "", "directory of the golden files")
	flag.Parse()
	if err := run(*cases, *out); err != nil {
		log.Fatal(err)
	}
}

func run(casesDir, outDir string) error {
	trainerDir, err := moduleDir("github.com/kubeflow/trainer/v2")
	if err != nil {
		return err
	}
	jobsetDir, err := moduleDir("sigs.k8s.io/jobset")
	if err != nil {
		return err
	}
	crds, err := loadCRDs(filepath.Join(trainerDir, "manifests/base/crds"), filepath.Join(jobsetDir, "config/components/crd/bases"))
	if err != nil {
		return err
	}
	files, err := filepath.Glob(filepath.Join(casesDir, "*.yaml"))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		g, err := runCase(f, trainerDir, crds)
		if err != nil {
			return fmt.Errorf("case %s: %w", name, err)
		}
		data, err := json.MarshalIndent(g, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(outDir, name+".json"), append(data, '\n'), 0o644); err != nil {
			return err
		}
		log.Printf("%s: %d Jobs, error %q", name, len(g.Jobs), g.Error)
	}
	return nil
}

func moduleDir(path string) (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", path).Output()
	if err != nil {
		return "", fmt.Errorf("locating module %s: %w", path, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// readDocs reads the objects of a YAML stream, skipping empty documents.
func readDocs(data []byte) ([]map[string]any, error) {
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	var docs []map[string]any
	for {
		var doc map[string]any
		if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
			return docs, nil
		} else if err != nil {
			return nil, err
		}
		if len(doc) > 0 {
			docs = append(docs, doc)
		}
	}
}

func runCase(file, trainerDir string, crds map[string]*structuralschema.Structural) (*golden, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var tc testCase
	if err := yaml.UnmarshalStrict(data, &tc); err != nil {
		return nil, err
	}
	var docs []map[string]any
	for _, f := range []string{tc.Example, tc.Runtime} {
		if f == "" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(trainerDir, f))
		if err != nil {
			return nil, err
		}
		d, err := readDocs(data)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", f, err)
		}
		docs = append(docs, d...)
	}
	if tc.RuntimeObject != nil {
		docs = append(docs, tc.RuntimeObject)
	}
	if tc.TrainJob != nil {
		docs = append(docs, tc.TrainJob)
	}
	var rtObj, jobObj map[string]any
	for _, d := range docs {
		switch d["kind"] {
		case trainer.TrainingRuntimeKind, trainer.ClusterTrainingRuntimeKind:
			rtObj = d
		case trainer.TrainJobKind:
			jobObj = d
		}
	}
	if rtObj == nil || jobObj == nil {
		return nil, fmt.Errorf("a case needs a runtime and a TrainJob")
	}
	rtKind := rtObj["kind"].(string)
	meta := jobObj["metadata"].(map[string]any)
	meta["namespace"], meta["uid"] = namespace, uid
	if rtKind == trainer.TrainingRuntimeKind {
		rtObj["metadata"].(map[string]any)["namespace"] = namespace
	}
	for _, obj := range []map[string]any{rtObj, jobObj} {
		s, ok := crds[obj["kind"].(string)]
		if !ok {
			return nil, fmt.Errorf("no CRD of %s", obj["kind"])
		}
		structuraldefaulting.Default(obj, s)
	}
	g := &golden{Runtime: rtObj, TrainJob: jobObj, UnorderedEnv: tc.UnorderedEnv}

	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, trainer.AddToScheme,
		jobsetv1alpha2.AddToScheme, schedulerpluginsv1alpha1.AddToScheme, volcanov1beta1.AddToScheme} {
		if err := add(scheme); err != nil {
			return nil, err
		}
	}
	job := &trainer.TrainJob{}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(jobObj, job); err != nil {
		return nil, fmt.Errorf("decoding the TrainJob: %w", err)
	}
	var rt client.Object = &trainer.ClusterTrainingRuntime{}
	if rtKind == trainer.TrainingRuntimeKind {
		rt = &trainer.TrainingRuntime{}
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(rtObj, rt); err != nil {
		return nil, fmt.Errorf("decoding the runtime: %w", err)
	}
	// The snapshot is there already: Trainer reads it rather than applying
	// one, which the fake client cannot do.
	snapshot, err := yaml.Marshal(rtObj)
	if err != nil {
		return nil, err
	}
	cm := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: job.Name + "-runtime-snapshot", Namespace: namespace, OwnerReferences: []metav1.OwnerReference{{
			APIVersion: trainer.GroupVersion.String(), Kind: trainer.TrainJobKind, Name: job.Name, UID: uid, Controller: ptr.To(true)}}},
		Data: map[string]string{"runtime": string(snapshot)},
	}
	ctx := context.Background()
	c := fake.NewClientBuilder().WithScheme(scheme).WithObjects(rt, job, cm).Build()
	runtimes, err := core.New(ctx, c, nopIndexer{}, &configapi.Configuration{})
	if err != nil {
		return nil, err
	}
	objs, err := runtimes[rtKind+"."+trainer.GroupVersion.Group].NewObjects(ctx, job)
	if err != nil {
		g.Error = err.Error()
		return g, nil
	}
	var jobSet *jobsetv1alpha2.JobSet
	for _, obj := range objs {
		m, err := toMap(obj)
		if err != nil {
			return nil, err
		}
		unstructuredDelete(m, "metadata", "ownerReferences")
		switch m["kind"] {
		case "JobSet":
			g.JobSet = m
			jobSet = &jobsetv1alpha2.JobSet{}
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(m, jobSet); err != nil {
				return nil, err
			}
		case "PodGroup":
			g.PodGroup = m
		case "ConfigMap":
			g.ConfigMaps = append(g.ConfigMaps, m)
		case "Secret":
			// A random key.
			unstructuredDelete(m, "data")
			g.Secrets = append(g.Secrets, m)
		default:
			return nil, fmt.Errorf("unexpected %s from Trainer", m["kind"])
		}
	}
	if jobSet != nil {
		if err := runJobSet(ctx, g, jobSet, crds["JobSet"]); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// runJobSet applies the JobSet as the API server and JobSet's webhook
// would, then runs JobSet's controller until every Job exists, letting
// dependencies reach the status their dependents wait for.
func runJobSet(ctx context.Context, g *golden, js *jobsetv1alpha2.JobSet, s *structuralschema.Structural) error {
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(js)
	if err != nil {
		return err
	}
	structuraldefaulting.Default(u, s)
	js = &jobsetv1alpha2.JobSet{}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u, js); err != nil {
		return err
	}
	defaultJobSet(js)
	js.Namespace, js.UID = namespace, uid

	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return err
	}
	if err := jobsetv1alpha2.AddToScheme(scheme); err != nil {
		return err
	}
	b := fake.NewClientBuilder().WithScheme(scheme).WithObjects(js).
		WithStatusSubresource(&jobsetv1alpha2.JobSet{}, &batchv1.Job{})
	if err := jobsetcontrollers.SetupJobSetIndexes(ctx, builderIndexer{b}); err != nil {
		return err
	}
	c := b.Build()
	r := jobsetcontrollers.NewJobSetReconciler(c, scheme, events.NewFakeRecorder(1000))
	wait := map[string]jobsetv1alpha2.DependsOnStatus{}
	for _, rjob := range js.Spec.ReplicatedJobs {
		for _, d := range rjob.DependsOn {
			if wait[d.Name] != jobsetv1alpha2.DependencyComplete {
				wait[d.Name] = d.Status
			}
		}
	}
	for range 2 * (len(js.Spec.ReplicatedJobs) + 1) {
		if _, err := r.Reconcile(ctx, ctrl.Request{NamespacedName: types.NamespacedName{Namespace: namespace, Name: js.Name}}); err != nil {
			return fmt.Errorf("reconciling the JobSet: %w", err)
		}
		var jobs batchv1.JobList
		if err := c.List(ctx, &jobs); err != nil {
			return err
		}
		for i := range jobs.Items {
			j := &jobs.Items[i]
			status, ok := wait[j.Labels[jobsetv1alpha2.ReplicatedJobNameKey]]
			if !ok {
				continue
			}
			n := ptr.Deref(j.Spec.Parallelism, 1)
			j.Status.Ready = ptr.To(n)
			if status == jobsetv1alpha2.DependencyComplete {
				j.Status.Ready, j.Status.Succeeded = ptr.To[int32](0), n
				j.Status.Conditions = []batchv1.JobCondition{{Type: batchv1.JobComplete, Status: corev1.ConditionTrue}}
			}
			if err := c.Status().Update(ctx, j); err != nil {
				return err
			}
		}
	}

	var jobs batchv1.JobList
	if err := c.List(ctx, &jobs); err != nil {
		return err
	}
	for i := range jobs.Items {
		jobs.Items[i].TypeMeta = metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"}
		jobs.Items[i].Status = batchv1.JobStatus{}
		if g.UnorderedEnv {
			// Reproducible files: the test sorts these too.
			for _, c := range jobs.Items[i].Spec.Template.Spec.Containers {
				sort.SliceStable(c.Env, func(a, b int) bool { return c.Env[a].Name < c.Env[b].Name })
			}
		}
		m, err := child(&jobs.Items[i])
		if err != nil {
			return err
		}
		g.Jobs = append(g.Jobs, m)
	}
	var svcs corev1.ServiceList
	if err := c.List(ctx, &svcs); err != nil {
		return err
	}
	for i := range svcs.Items {
		svcs.Items[i].TypeMeta = metav1.TypeMeta{APIVersion: "v1", Kind: "Service"}
		m, err := child(&svcs.Items[i])
		if err != nil {
			return err
		}
		g.Services = append(g.Services, m)
	}
	var pvcs corev1.PersistentVolumeClaimList
	if err := c.List(ctx, &pvcs); err != nil {
		return err
	}
	for i := range pvcs.Items {
		pvc := &pvcs.Items[i]
		pvc.TypeMeta = metav1.TypeMeta{APIVersion: "v1", Kind: "PersistentVolumeClaim"}
		retain := len(pvc.OwnerReferences) == 0
		m, err := child(pvc)
		if err != nil {
			return err
		}
		g.PersistentVolumeClaims = append(g.PersistentVolumeClaims, claim{Claim: m, Retain: retain})
	}
	sort.Slice(g.Jobs, func(i, j int) bool { return name(g.Jobs[i]) < name(g.Jobs[j]) })
	return nil
}

// defaultJobSet is JobSet v0.12's defaulting webhook (jobset_webhook.go,
// Default), which its package does not export.
func defaultJobSet(js *jobsetv1alpha2.JobSet) {
	if js.Spec.SuccessPolicy == nil {
		js.Spec.SuccessPolicy = &jobsetv1alpha2.SuccessPolicy{Operator: jobsetv1alpha2.OperatorAll}
	}
	if js.Spec.StartupPolicy == nil {
		js.Spec.StartupPolicy = &jobsetv1alpha2.StartupPolicy{StartupPolicyOrder: jobsetv1alpha2.AnyOrder}
	}
	for i := range js.Spec.ReplicatedJobs {
		spec := &js.Spec.ReplicatedJobs[i].Template.Spec
		if spec.CompletionMode == nil {
			spec.CompletionMode = ptr.To(batchv1.IndexedCompletion)
		}
		if spec.Template.Spec.RestartPolicy == "" {
			spec.Template.Spec.RestartPolicy = corev1.RestartPolicyOnFailure
		}
	}
	if js.Spec.Network == nil {
		js.Spec.Network = &jobsetv1alpha2.Network{}
	}
	if js.Spec.Network.EnableDNSHostnames == nil {
		js.Spec.Network.EnableDNSHostnames = ptr.To(true)
	}
	if js.Spec.Network.PublishNotReadyAddresses == nil {
		js.Spec.Network.PublishNotReadyAddresses = ptr.To(true)
	}
	if js.Spec.FailurePolicy != nil {
		for i := range js.Spec.FailurePolicy.Rules {
			if js.Spec.FailurePolicy.Rules[i].Name == "" {
				js.Spec.FailurePolicy.Rules[i].Name = fmt.Sprintf("failurePolicyRule%d", i)
			}
		}
	}
	for i := range js.Spec.VolumeClaimPolicies {
		if js.Spec.VolumeClaimPolicies[i].RetentionPolicy == nil {
			js.Spec.VolumeClaimPolicies[i].RetentionPolicy = &jobsetv1alpha2.VolumeRetentionPolicy{
				WhenDeleted: ptr.To(jobsetv1alpha2.RetentionPolicyDelete),
			}
		}
	}
}

// child is an object as its creator wrote it: the API server's fields
// and the owner (the JobSet, which mlplane replaces) are left out.
func child(obj client.Object) (map[string]any, error) {
	obj.SetResourceVersion("")
	obj.SetOwnerReferences(nil)
	obj.SetUID("")
	obj.SetCreationTimestamp(metav1.Time{})
	obj.SetManagedFields(nil)
	m, err := toMap(obj)
	if err != nil {
		return nil, err
	}
	unstructuredDelete(m, "metadata", "creationTimestamp")
	unstructuredDelete(m, "status")
	return m, nil
}

func toMap(obj any) (map[string]any, error) {
	data, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	err = json.Unmarshal(data, &m)
	return m, err
}

func unstructuredDelete(m map[string]any, path ...string) {
	for _, p := range path[:len(path)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			return
		}
		m = next
	}
	delete(m, path[len(path)-1])
}

func name(m map[string]any) string {
	return m["metadata"].(map[string]any)["name"].(string)
}

// loadCRDs reads the structural schemas of the CRDs in dirs, by kind.
func loadCRDs(dirs ...string) (map[string]*structuralschema.Structural, error) {
	out := map[string]*structuralschema.Structural{}
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			crd := &apiextensionsv1.CustomResourceDefinition{}
			if err := yaml.Unmarshal(data, crd); err != nil || crd.Kind != "CustomResourceDefinition" {
				continue
			}
			internal := &apiextensionsinternal.JSONSchemaProps{}
			if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(
				crd.Spec.Versions[0].Schema.OpenAPIV3Schema, internal, nil); err != nil {
				return nil, err
			}
			s, err := structuralschema.NewStructural(internal)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			out[crd.Spec.Names.Kind] = s
		}
	}
	return out, nil
}

// nopIndexer accepts Trainer's indexes; building objects lists nothing.
type nopIndexer struct{}

func (nopIndexer) IndexField(context.Context, client.Object, string, client.IndexerFunc) error {
	return nil
}

// builderIndexer gives JobSet's indexes to the fake client.
type builderIndexer struct{ b *fake.ClientBuilder }

func (i builderIndexer) IndexField(_ context.Context, obj client.Object, field string, f client.IndexerFunc) error {
	i.b.WithIndex(obj, field, f)
	return nil
}

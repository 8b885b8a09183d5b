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

package v1_test

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/diff"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow/install"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

// The tests default through a scheme, as the server does when it decodes a
// request, so they also cover the registration of the defaulting functions.
func newScheme() *runtime.Scheme {
	scheme := runtime.NewScheme()
	install.Install(scheme)
	return scheme
}

const image = "docker.io/kubeflow/example:1.0"

func container(name string, ports ...corev1.ContainerPort) corev1.Container {
	return corev1.Container{Name: name, Image: image, Ports: ports}
}

func replica(replicas *int32, policy kubeflowv1.RestartPolicy, containers ...corev1.Container) *kubeflowv1.ReplicaSpec {
	return &kubeflowv1.ReplicaSpec{
		Replicas:      replicas,
		RestartPolicy: policy,
		Template:      corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: containers}},
	}
}

var (
	tfPort      = corev1.ContainerPort{Name: "tfjob-port", ContainerPort: 2222, Protocol: corev1.ProtocolTCP}
	pyTorchPort = corev1.ContainerPort{Name: "pytorchjob-port", ContainerPort: 23456, Protocol: corev1.ProtocolTCP}
)

// defaultedRunPolicy is an empty run policy after defaulting.
func defaultedRunPolicy() kubeflowv1.RunPolicy {
	return kubeflowv1.RunPolicy{CleanPodPolicy: ptr.To(kubeflowv1.CleanPodPolicyNone), Suspend: ptr.To(false)}
}

func TestSetDefaultsTFJob(t *testing.T) {
	tf := func(runPolicy kubeflowv1.RunPolicy, specs map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec) *kubeflowv1.TFJob {
		return &kubeflowv1.TFJob{Spec: kubeflowv1.TFJobSpec{RunPolicy: runPolicy, TFReplicaSpecs: specs}}
	}
	type specs = map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec
	never := kubeflowv1.RestartPolicyNever
	one := ptr.To[int32](1)
	cases := []struct {
		name string
		in   *kubeflowv1.TFJob
		want *kubeflowv1.TFJob
	}{
		{
			name: "replicas, restartPolicy, port and run policy are defaulted",
			in:   tf(kubeflowv1.RunPolicy{}, specs{"Worker": replica(nil, "", container("tensorflow"))}),
			want: tf(defaultedRunPolicy(), specs{"Worker": replica(one, never, container("tensorflow", tfPort))}),
		},
		{
			name: "explicit values are kept",
			in: tf(kubeflowv1.RunPolicy{CleanPodPolicy: ptr.To(kubeflowv1.CleanPodPolicyAll), Suspend: ptr.To(true)},
				specs{"Worker": replica(ptr.To[int32](3), kubeflowv1.RestartPolicyExitCode, container("tensorflow"))}),
			want: tf(kubeflowv1.RunPolicy{CleanPodPolicy: ptr.To(kubeflowv1.CleanPodPolicyAll), Suspend: ptr.To(true)},
				specs{"Worker": replica(ptr.To[int32](3), kubeflowv1.RestartPolicyExitCode, container("tensorflow", tfPort))}),
		},
		{
			name: "zero replicas are kept",
			in:   tf(kubeflowv1.RunPolicy{}, specs{"Worker": replica(ptr.To[int32](0), "", container("tensorflow"))}),
			want: tf(defaultedRunPolicy(), specs{"Worker": replica(ptr.To[int32](0), never, container("tensorflow", tfPort))}),
		},
		{
			name: "replica types are normalised to their canonical case",
			in: tf(kubeflowv1.RunPolicy{}, specs{
				"worker":    replica(nil, "", container("tensorflow")),
				"ps":        replica(nil, "", container("tensorflow")),
				"chief":     replica(nil, "", container("tensorflow")),
				"evaluator": replica(nil, "", container("tensorflow")),
			}),
			want: tf(defaultedRunPolicy(), specs{
				"Worker":    replica(one, never, container("tensorflow", tfPort)),
				"PS":        replica(one, never, container("tensorflow", tfPort)),
				"Chief":     replica(one, never, container("tensorflow", tfPort)),
				"Evaluator": replica(one, never, container("tensorflow", tfPort)),
			}),
		},
		{
			name: "upper-case Master is normalised",
			in:   tf(kubeflowv1.RunPolicy{}, specs{"MASTER": replica(nil, "", container("tensorflow"))}),
			want: tf(defaultedRunPolicy(), specs{"Master": replica(one, never, container("tensorflow", tfPort))}),
		},
		{
			name: "a non-canonical key beside the canonical one is merged into it as a patch",
			in: tf(kubeflowv1.RunPolicy{}, specs{
				"worker": replica(ptr.To[int32](3), "", container("tensorflow")),
				"Worker": replica(ptr.To[int32](2), kubeflowv1.RestartPolicyOnFailure, container("tensorflow", tfPort)),
			}),
			want: tf(defaultedRunPolicy(), specs{
				"Worker": replica(ptr.To[int32](3), kubeflowv1.RestartPolicyOnFailure, container("tensorflow", tfPort)),
			}),
		},
		{
			// What a client-side "kubectl apply" of a lower-case manifest sends
			// when only the replica count changed.
			name: "a partial non-canonical spec only changes what it sets",
			in: tf(kubeflowv1.RunPolicy{}, specs{
				"worker": {Replicas: ptr.To[int32](5)},
				"Worker": replica(ptr.To[int32](2), never, container("tensorflow", tfPort), container("sidecar")),
			}),
			want: tf(defaultedRunPolicy(), specs{
				"Worker": replica(ptr.To[int32](5), never, container("tensorflow", tfPort), container("sidecar")),
			}),
		},
		{
			name: "a non-canonical template patch merges containers by name",
			in: tf(kubeflowv1.RunPolicy{}, specs{
				"worker": {Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{
					{Name: "tensorflow", Image: "tf:2"}}}}},
				"Worker": replica(ptr.To[int32](2), never, container("tensorflow", tfPort), container("sidecar")),
			}),
			want: tf(defaultedRunPolicy(), specs{
				"Worker": {Replicas: ptr.To[int32](2), RestartPolicy: never, Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
					Containers: []corev1.Container{{Name: "tensorflow", Image: "tf:2", Ports: []corev1.ContainerPort{tfPort}}, container("sidecar")}}}},
			}),
		},
		{
			name: "two non-canonical spellings of one type are both left for validation to reject",
			in: tf(kubeflowv1.RunPolicy{}, specs{
				"worker": replica(ptr.To[int32](2), "", container("tensorflow")),
				"WORKER": replica(ptr.To[int32](3), "", container("tensorflow")),
			}),
			want: tf(defaultedRunPolicy(), specs{
				"worker": replica(ptr.To[int32](2), never, container("tensorflow", tfPort)),
				"WORKER": replica(ptr.To[int32](3), never, container("tensorflow", tfPort)),
			}),
		},
		{
			name: "unknown replica type is defaulted but keeps its name",
			in:   tf(kubeflowv1.RunPolicy{}, specs{"Launcher": replica(nil, "", container("tensorflow"))}),
			want: tf(defaultedRunPolicy(), specs{"Launcher": replica(one, never, container("tensorflow", tfPort))}),
		},
		{
			name: "existing port of the default name is not duplicated or changed",
			in: tf(kubeflowv1.RunPolicy{}, specs{"Worker": replica(nil, "",
				container("tensorflow", corev1.ContainerPort{Name: "tfjob-port", ContainerPort: 3333, Protocol: corev1.ProtocolTCP}))}),
			want: tf(defaultedRunPolicy(), specs{"Worker": replica(one, never,
				container("tensorflow", corev1.ContainerPort{Name: "tfjob-port", ContainerPort: 3333, Protocol: corev1.ProtocolTCP}))}),
		},
		{
			name: "port is added after the ports already there",
			in: tf(kubeflowv1.RunPolicy{}, specs{"Worker": replica(nil, "",
				container("tensorflow", corev1.ContainerPort{Name: "metrics", ContainerPort: 9090, Protocol: corev1.ProtocolTCP}))}),
			want: tf(defaultedRunPolicy(), specs{"Worker": replica(one, never,
				container("tensorflow", corev1.ContainerPort{Name: "metrics", ContainerPort: 9090, Protocol: corev1.ProtocolTCP}, tfPort))}),
		},
		{
			name: "port goes to the default container behind a sidecar",
			in:   tf(kubeflowv1.RunPolicy{}, specs{"Worker": replica(nil, "", container("sidecar"), container("tensorflow"))}),
			want: tf(defaultedRunPolicy(), specs{"Worker": replica(one, never, container("sidecar"), container("tensorflow", tfPort))}),
		},
		{
			name: "port goes to the first container when none has the default name",
			in:   tf(kubeflowv1.RunPolicy{}, specs{"Worker": replica(nil, "", container("trainer"), container("sidecar"))}),
			want: tf(defaultedRunPolicy(), specs{"Worker": replica(one, never, container("trainer", tfPort), container("sidecar"))}),
		},
		{
			name: "replica without containers gets no port",
			in:   tf(kubeflowv1.RunPolicy{}, specs{"Worker": replica(nil, "")}),
			want: tf(defaultedRunPolicy(), specs{"Worker": replica(one, never)}),
		},
		{
			name: "nil replica spec is left alone",
			in:   tf(kubeflowv1.RunPolicy{}, specs{"Worker": nil}),
			want: tf(defaultedRunPolicy(), specs{"Worker": nil}),
		},
		{
			name: "successPolicy stays unset",
			in:   tf(kubeflowv1.RunPolicy{}, nil),
			want: tf(defaultedRunPolicy(), nil),
		},
	}
	scheme := newScheme()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.in.DeepCopy()
			scheme.Default(got)
			if !apiequality.Semantic.DeepEqual(tc.want, got) {
				t.Fatalf("unexpected defaults (-want +got):\n%s", diff.Diff(tc.want, got))
			}
			again := got.DeepCopy()
			scheme.Default(again)
			if !apiequality.Semantic.DeepEqual(got, again) {
				t.Errorf("defaulting twice changed the job (-once +twice):\n%s", diff.Diff(got, again))
			}
		})
	}
}

func TestSetDefaultsPyTorchJob(t *testing.T) {
	type specs = map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec
	onFailure := kubeflowv1.RestartPolicyOnFailure
	one := ptr.To[int32](1)
	// in is an undefaulted job with a Master and Workers; out is the same job
	// after defaulting, with mutate applied to each.
	in := func(workers *int32, mutate func(*kubeflowv1.PyTorchJobSpec)) *kubeflowv1.PyTorchJob {
		spec := kubeflowv1.PyTorchJobSpec{PyTorchReplicaSpecs: specs{
			"Master": replica(nil, "", container("pytorch")),
			"Worker": replica(workers, "", container("pytorch")),
		}}
		mutate(&spec)
		return &kubeflowv1.PyTorchJob{Spec: spec}
	}
	out := func(workers *int32, mutate func(*kubeflowv1.PyTorchJobSpec)) *kubeflowv1.PyTorchJob {
		spec := kubeflowv1.PyTorchJobSpec{
			RunPolicy:    defaultedRunPolicy(),
			NprocPerNode: ptr.To("auto"),
			PyTorchReplicaSpecs: specs{
				"Master": replica(one, onFailure, container("pytorch", pyTorchPort)),
				"Worker": replica(ptr.To(ptr.Deref(workers, 1)), onFailure, container("pytorch", pyTorchPort)),
			},
		}
		mutate(&spec)
		return &kubeflowv1.PyTorchJob{Spec: spec}
	}
	elastic := func(minReplicas, maxReplicas *int32) func(*kubeflowv1.PyTorchJobSpec) {
		return func(s *kubeflowv1.PyTorchJobSpec) {
			s.ElasticPolicy = &kubeflowv1.ElasticPolicy{MinReplicas: minReplicas, MaxReplicas: maxReplicas}
		}
	}
	noop := func(*kubeflowv1.PyTorchJobSpec) {}
	cases := []struct {
		name string
		in   *kubeflowv1.PyTorchJob
		want *kubeflowv1.PyTorchJob
	}{
		{
			name: "replicas, OnFailure, port, run policy and nprocPerNode are defaulted",
			in:   in(nil, noop),
			want: out(nil, noop),
		},
		{
			name: "explicit restartPolicy and nprocPerNode are kept",
			in: &kubeflowv1.PyTorchJob{Spec: kubeflowv1.PyTorchJobSpec{
				NprocPerNode:        ptr.To("gpu"),
				PyTorchReplicaSpecs: specs{"Worker": replica(nil, kubeflowv1.RestartPolicyNever, container("pytorch"))},
			}},
			want: &kubeflowv1.PyTorchJob{Spec: kubeflowv1.PyTorchJobSpec{
				RunPolicy:           defaultedRunPolicy(),
				NprocPerNode:        ptr.To("gpu"),
				PyTorchReplicaSpecs: specs{"Worker": replica(one, kubeflowv1.RestartPolicyNever, container("pytorch", pyTorchPort))},
			}},
		},
		{
			name: "replica types are normalised to their canonical case",
			in: &kubeflowv1.PyTorchJob{Spec: kubeflowv1.PyTorchJobSpec{PyTorchReplicaSpecs: specs{
				"master": replica(nil, "", container("pytorch")),
				"WORKER": replica(nil, "", container("pytorch")),
			}}},
			want: out(nil, noop),
		},
		{
			name: "port goes to the first container when none has the default name",
			in: &kubeflowv1.PyTorchJob{Spec: kubeflowv1.PyTorchJobSpec{PyTorchReplicaSpecs: specs{
				"Worker": replica(nil, "", container("trainer")),
			}}},
			want: &kubeflowv1.PyTorchJob{Spec: kubeflowv1.PyTorchJobSpec{
				RunPolicy:           defaultedRunPolicy(),
				NprocPerNode:        ptr.To("auto"),
				PyTorchReplicaSpecs: specs{"Worker": replica(one, onFailure, container("trainer", pyTorchPort))},
			}},
		},
		{
			name: "elastic maxReplicas alone sets minReplicas",
			in:   in(ptr.To[int32](2), elastic(nil, ptr.To[int32](4))),
			want: out(ptr.To[int32](2), elastic(ptr.To[int32](4), ptr.To[int32](4))),
		},
		{
			name: "elastic minReplicas alone sets maxReplicas",
			in:   in(ptr.To[int32](2), elastic(ptr.To[int32](3), nil)),
			want: out(ptr.To[int32](2), elastic(ptr.To[int32](3), ptr.To[int32](3))),
		},
		{
			name: "elastic without bounds takes the Worker replicas",
			in:   in(ptr.To[int32](5), elastic(nil, nil)),
			want: out(ptr.To[int32](5), elastic(ptr.To[int32](5), ptr.To[int32](5))),
		},
		{
			name: "elastic without bounds takes the defaulted Worker replicas",
			in:   in(nil, elastic(nil, nil)),
			want: out(nil, elastic(one, one)),
		},
		{
			name: "elastic bounds are kept",
			in:   in(ptr.To[int32](2), elastic(ptr.To[int32](1), ptr.To[int32](8))),
			want: out(ptr.To[int32](2), elastic(ptr.To[int32](1), ptr.To[int32](8))),
		},
		{
			name: "elastic without bounds or Workers stays unbounded",
			in: &kubeflowv1.PyTorchJob{Spec: kubeflowv1.PyTorchJobSpec{
				ElasticPolicy:       &kubeflowv1.ElasticPolicy{},
				PyTorchReplicaSpecs: specs{"Master": replica(nil, "", container("pytorch"))},
			}},
			want: &kubeflowv1.PyTorchJob{Spec: kubeflowv1.PyTorchJobSpec{
				RunPolicy:           defaultedRunPolicy(),
				ElasticPolicy:       &kubeflowv1.ElasticPolicy{},
				NprocPerNode:        ptr.To("auto"),
				PyTorchReplicaSpecs: specs{"Master": replica(one, onFailure, container("pytorch", pyTorchPort))},
			}},
		},
		{
			name: "deprecated elastic nProcPerNode suppresses the nprocPerNode default",
			in: in(ptr.To[int32](2), func(s *kubeflowv1.PyTorchJobSpec) {
				s.ElasticPolicy = &kubeflowv1.ElasticPolicy{MinReplicas: one, MaxReplicas: one, NProcPerNode: ptr.To[int32](4)}
			}),
			want: out(ptr.To[int32](2), func(s *kubeflowv1.PyTorchJobSpec) {
				s.ElasticPolicy = &kubeflowv1.ElasticPolicy{MinReplicas: one, MaxReplicas: one, NProcPerNode: ptr.To[int32](4)}
				s.NprocPerNode = nil
			}),
		},
		{
			name: "elastic policy without nProcPerNode gets the nprocPerNode default",
			in:   in(ptr.To[int32](2), elastic(one, one)),
			want: out(ptr.To[int32](2), elastic(one, one)),
		},
	}
	scheme := newScheme()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.in.DeepCopy()
			scheme.Default(got)
			if !apiequality.Semantic.DeepEqual(tc.want, got) {
				t.Fatalf("unexpected defaults (-want +got):\n%s", diff.Diff(tc.want, got))
			}
			again := got.DeepCopy()
			scheme.Default(again)
			if !apiequality.Semantic.DeepEqual(got, again) {
				t.Errorf("defaulting twice changed the job (-once +twice):\n%s", diff.Diff(got, again))
			}
		})
	}
}

func TestSetDefaultsDoesNotAliasWorkerReplicas(t *testing.T) {
	job := &kubeflowv1.PyTorchJob{Spec: kubeflowv1.PyTorchJobSpec{
		ElasticPolicy: &kubeflowv1.ElasticPolicy{},
		PyTorchReplicaSpecs: map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec{
			"Worker": replica(ptr.To[int32](2), "", container("pytorch")),
		},
	}}
	newScheme().Default(job)
	// Scaling the Worker later must not move the elastic bounds with it.
	*job.Spec.PyTorchReplicaSpecs["Worker"].Replicas = 6
	if got := *job.Spec.ElasticPolicy.MinReplicas; got != 2 {
		t.Errorf("minReplicas = %d after scaling the Worker, want 2", got)
	}
	if got := *job.Spec.ElasticPolicy.MaxReplicas; got != 2 {
		t.Errorf("maxReplicas = %d after scaling the Worker, want 2", got)
	}
}

func TestSetDefaultsLists(t *testing.T) {
	scheme := newScheme()
	tfList := &kubeflowv1.TFJobList{Items: []kubeflowv1.TFJob{{}, {}}}
	scheme.Default(tfList)
	for i, item := range tfList.Items {
		if !apiequality.Semantic.DeepEqual(item.Spec.RunPolicy, defaultedRunPolicy()) {
			t.Errorf("TFJobList item %d not defaulted: %+v", i, item.Spec.RunPolicy)
		}
	}
	ptList := &kubeflowv1.PyTorchJobList{Items: []kubeflowv1.PyTorchJob{{}, {}}}
	scheme.Default(ptList)
	for i, item := range ptList.Items {
		if item.Spec.NprocPerNode == nil || !apiequality.Semantic.DeepEqual(item.Spec.RunPolicy, defaultedRunPolicy()) {
			t.Errorf("PyTorchJobList item %d not defaulted: %+v", i, item.Spec)
		}
	}
}

// TestSetDefaultsAppliesTheSchemaDefaultsOfPodTemplates checks the defaults
// training-operator's CRD (and Kueue's Workload CRD) apply to a pod template:
// a port's protocol, including the default port's, and a gRPC probe's
// service; and no in-tree pod defaulting (dnsPolicy, imagePullPolicy, ...),
// which no CRD applies.
func TestSetDefaultsAppliesTheSchemaDefaultsOfPodTemplates(t *testing.T) {
	grpc := func(service *string) *corev1.Probe {
		return &corev1.Probe{ProbeHandler: corev1.ProbeHandler{GRPC: &corev1.GRPCAction{Port: 9000, Service: service}}}
	}
	in := &kubeflowv1.TFJob{Spec: kubeflowv1.TFJobSpec{TFReplicaSpecs: map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec{
		"Worker": {Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			Containers: []corev1.Container{{
				Name: "tensorflow", Image: image,
				Ports: []corev1.ContainerPort{
					{Name: "metrics", ContainerPort: 9090},
					{Name: "dns", ContainerPort: 53, Protocol: corev1.ProtocolUDP},
				},
				LivenessProbe:  grpc(nil),
				ReadinessProbe: grpc(ptr.To("ready")),
			}},
			InitContainers: []corev1.Container{{Name: "init", Image: image, StartupProbe: grpc(nil)}},
		}}},
	}}}
	want := in.DeepCopy()
	want.Spec.RunPolicy = defaultedRunPolicy()
	worker := want.Spec.TFReplicaSpecs["Worker"]
	worker.Replicas, worker.RestartPolicy = ptr.To[int32](1), kubeflowv1.RestartPolicyNever
	c := &worker.Template.Spec.Containers[0]
	c.Ports = []corev1.ContainerPort{
		{Name: "metrics", ContainerPort: 9090, Protocol: corev1.ProtocolTCP},
		{Name: "dns", ContainerPort: 53, Protocol: corev1.ProtocolUDP},
		{Name: "tfjob-port", ContainerPort: 2222, Protocol: corev1.ProtocolTCP},
	}
	c.LivenessProbe = grpc(ptr.To(""))
	worker.Template.Spec.InitContainers[0].StartupProbe = grpc(ptr.To(""))

	got := in.DeepCopy()
	newScheme().Default(got)
	if !apiequality.Semantic.DeepEqual(want, got) {
		t.Errorf("unexpected defaults (-want +got):\n%s", diff.Diff(want, got))
	}
}

func TestSetDefaultsNotebookAppliesTheSchemaDefaultsOfItsTemplate(t *testing.T) {
	nb := &kubeflowv1.Notebook{Spec: kubeflowv1.NotebookSpec{Template: kubeflowv1.NotebookTemplateSpec{Spec: corev1.PodSpec{
		Containers: []corev1.Container{container("notebook", corev1.ContainerPort{Name: "notebook-port", ContainerPort: 8888})},
	}}}}
	want := nb.DeepCopy()
	want.Spec.Template.Spec.Containers[0].Ports[0].Protocol = corev1.ProtocolTCP
	list := &kubeflowv1.NotebookList{Items: []kubeflowv1.Notebook{*nb}}
	newScheme().Default(nb)
	if !apiequality.Semantic.DeepEqual(want, nb) {
		t.Errorf("unexpected defaults (-want +got):\n%s", diff.Diff(want, nb))
	}
	newScheme().Default(list)
	if !apiequality.Semantic.DeepEqual(*want, list.Items[0]) {
		t.Errorf("NotebookList item not defaulted (-want +got):\n%s", diff.Diff(*want, list.Items[0]))
	}
}

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

package build

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"reflect"
	"testing"

	"golang.org/x/crypto/ssh"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/utils/ptr"

	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
)

// Build neither changes its inputs (torchtune rewrites the trainer's
// command, MPI the slots) nor depends on anything but them.
func TestBuildIsPure(t *testing.T) {
	cases := []struct {
		name, runtime, job string
	}{
		{"torchtune", torchWithInitializers, `{metadata: {name: tune}, spec: {runtimeRef: {name: torchtune-llama3.2-1b}, trainer: {command: [tune, run]}}}`},
		{"mpi", deepspeedDistributed, `{metadata: {name: ds}, spec: {runtimeRef: {name: deepspeed-distributed}, trainer: {numNodes: 2, numProcPerNode: 4}}}`},
		{"torch with patches", torchDistributed, `
metadata: {name: job}
spec:
  runtimeRef: {name: torch-distributed}
  trainer: {numNodes: 2, env: [{name: A, value: a}], resourcesPerNode: {limits: {cpu: "2"}}}
  runtimePatches:
  - manager: example.com/x
    trainingRuntimeSpec:
      template:
        metadata: {labels: {a: b}}
        spec: {replicatedJobs: [{name: node, template: {spec: {template: {spec: {nodeSelector: {a: b}}}}}}]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			job, rt := trainJob(t, tc.job), clusterRuntime(t, tc.runtime)
			jobBefore, rtBefore := job.DeepCopy(), *rt
			rtBefore.Spec = *rt.Spec.DeepCopy()
			first := mustBuild(t, job, rt)
			if !equality.Semantic.DeepEqual(job, jobBefore) {
				t.Errorf("Build changed the TrainJob:\n%s", diff(jobBefore, job))
			}
			if !equality.Semantic.DeepEqual(rt.Spec, rtBefore.Spec) {
				t.Errorf("Build changed the runtime:\n%s", diff(rtBefore.Spec, rt.Spec))
			}
			if second := mustBuild(t, job, rt); !reflect.DeepEqual(first, second) {
				t.Errorf("two builds differ:\n%s", diff(first, second))
			}
		})
	}
}

// Upstream's port upsert takes two unnamed ports for the same one, so its
// port 29500 replaces the template's first unnamed port; mlplane keeps the
// template's port and adds 29500 (docs/compatibility.md).
func TestTrainerPortBesideUnnamedPort(t *testing.T) {
	rt := clusterRuntime(t, torchDistributed)
	pod := &rt.Spec.Template.Spec.ReplicatedJobs[0].Template.Spec.Template.Spec
	pod.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 8080}, {Name: "metrics", ContainerPort: 9090}}
	job := trainJob(t, `{metadata: {name: job}, spec: {runtimeRef: {name: torch-distributed}, trainer: {numNodes: 1}}}`)
	got := nodeContainer(t, mustBuild(t, job, rt), Node).Ports
	want := []corev1.ContainerPort{{ContainerPort: 8080}, {Name: "metrics", ContainerPort: 9090}, {ContainerPort: 29500}}
	if d := diff(want, got); d != "" {
		t.Errorf("ports (-want +got):\n%s", d)
	}

	// A port of the same number is the same port.
	pod.Containers[0].Ports = []corev1.ContainerPort{{Name: "c10d", ContainerPort: 29500, Protocol: corev1.ProtocolTCP}}
	got = nodeContainer(t, mustBuild(t, job, rt), Node).Ports
	if d := diff([]corev1.ContainerPort{{ContainerPort: 29500}}, got); d != "" {
		t.Errorf("ports (-want +got):\n%s", d)
	}
}

// resourcesPerNode merges into the trainer container per resource, and its
// resource claims merge by name. (Upstream's apply configuration drops
// claims altogether, the runtime's and the TrainJob's.)
func TestResourcesPerNodeMerge(t *testing.T) {
	rt := clusterRuntime(t, torchDistributed)
	rt.Spec.Template.Spec.ReplicatedJobs[0].Template.Spec.Template.Spec.Containers[0].Resources = *decode[corev1.ResourceRequirements](t,
		`{requests: {cpu: "1", memory: 1Gi}, limits: {memory: 2Gi}, claims: [{name: gpu}]}`)
	job := trainJob(t, `
metadata: {name: job}
spec:
  runtimeRef: {name: torch-distributed}
  trainer:
    resourcesPerNode: {requests: {cpu: "4"}, limits: {nvidia.com/gpu: "1"}, claims: [{name: nic}]}`)
	got := nodeContainer(t, mustBuild(t, job, rt), Node).Resources
	want := decode[corev1.ResourceRequirements](t,
		`{requests: {cpu: "4", memory: 1Gi}, limits: {memory: 2Gi, nvidia.com/gpu: "1"}, claims: [{name: nic}, {name: gpu}]}`)
	if d := diff(*want, got); d != "" {
		t.Errorf("resources (-want +got):\n%s", d)
	}
}

// What mlplane cannot run is refused with ErrUnsupported.
func TestUnsupportedPolicies(t *testing.T) {
	flux := clusterRuntime(t, torchDistributed)
	flux.Spec.MLPolicy = &trainerv1alpha1.MLPolicy{MLPolicySource: trainerv1alpha1.MLPolicySource{Flux: &trainerv1alpha1.FluxMLPolicySource{}}}
	intel := clusterRuntime(t, deepspeedDistributed)
	intel.Spec.MLPolicy.MPI.MPIImplementation = ptr.To(trainerv1alpha1.MPIImplementationIntel)
	for name, rt := range map[string]*Runtime{"flux": flux, "intel MPI": intel} {
		t.Run(name, func(t *testing.T) {
			job := trainJob(t, `{metadata: {name: job}, spec: {runtimeRef: {name: x}, trainer: {numNodes: 2}}}`)
			if _, err := Build(job, rt); !errors.Is(err, ErrUnsupported) {
				t.Errorf("Build error = %v, want ErrUnsupported", err)
			}
			if _, err := PodSets(job, rt); !errors.Is(err, ErrUnsupported) {
				t.Errorf("PodSets error = %v, want ErrUnsupported", err)
			}
		})
	}
	if _, err := Build(nil, clusterRuntime(t, torchDistributed)); err == nil {
		t.Error("Build without a TrainJob succeeded")
	}
}

// PodSets are the replicated jobs' templates as they will run and their
// pods over all Jobs.
func TestPodSets(t *testing.T) {
	cases := []struct {
		name, runtime, job string
		want               map[string]int32
		check              func(t *testing.T, sets []PodSet)
	}{{
		name:    "torch: the trainer's nodes, with its env and resources",
		runtime: torchDistributed,
		job:     `{metadata: {name: job}, spec: {runtimeRef: {name: torch-distributed}, trainer: {numNodes: 3, resourcesPerNode: {requests: {cpu: "2"}}}}}`,
		want:    map[string]int32{Node: 3},
		check: func(t *testing.T, sets []PodSet) {
			c := sets[0].Template.Spec.Containers[0]
			if c.Resources.Requests.Cpu().String() != "2" || len(c.Env) != 5 {
				t.Errorf("node container = %+v, want 2 CPUs and the PET_* env", c)
			}
		},
	}, {
		name:    "deepspeed: nodes and the launcher, in template order",
		runtime: deepspeedDistributed,
		job:     `{metadata: {name: ds}, spec: {runtimeRef: {name: deepspeed-distributed}, trainer: {numNodes: 4}}}`,
		want:    map[string]int32{Node: 3, Launcher: 1},
		check: func(t *testing.T, sets []PodSet) {
			if sets[0].Name != Node || sets[1].Name != Launcher {
				t.Errorf("order = %s, %s", sets[0].Name, sets[1].Name)
			}
		},
	}, {
		name:    "initializers run one pod each",
		runtime: torchWithInitializers,
		job:     `{metadata: {name: tj}, spec: {runtimeRef: {name: torch-with-initializers}, trainer: {numNodes: 2}}}`,
		want:    map[string]int32{DatasetInitializer: 1, ModelInitializer: 1, Node: 2},
	}, {
		name: "coscheduling: the pod group label is on the template",
		runtime: torchDistributed + `
  podGroupPolicy: {coscheduling: {}}`,
		job:  `{metadata: {name: gang}, spec: {runtimeRef: {name: torch-distributed}, trainer: {numNodes: 2}}}`,
		want: map[string]int32{Node: 2},
		check: func(t *testing.T, sets []PodSet) {
			if sets[0].Template.Labels[LabelPodGroup] != "gang" {
				t.Errorf("labels = %v, want the pod group", sets[0].Template.Labels)
			}
		},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sets, err := PodSets(trainJob(t, tc.job), clusterRuntime(t, tc.runtime))
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int32{}
			for _, s := range sets {
				got[s.Name] = s.Count
			}
			if d := diff(tc.want, got); d != "" {
				t.Errorf("counts (-want +got):\n%s", d)
			}
			if tc.check != nil {
				tc.check(t, sets)
			}
		})
	}
}

// A replicated job of several Jobs counts all their pods.
func TestPodSetsCountEveryJob(t *testing.T) {
	rt := clusterRuntime(t, torchDistributed)
	rt.Spec.Template.Spec.ReplicatedJobs = append(rt.Spec.Template.Spec.ReplicatedJobs, trainerv1alpha1.ReplicatedJob{
		Name: "helper", Replicas: 3,
	})
	rt.Spec.Template.Spec.ReplicatedJobs[1].Template.Spec.Parallelism = ptr.To[int32](2)
	sets, err := PodSets(trainJob(t, `{metadata: {name: job}, spec: {runtimeRef: {name: torch-distributed}}}`), rt)
	if err != nil {
		t.Fatal(err)
	}
	if sets[1].Name != "helper" || sets[1].Count != 6 {
		t.Errorf("helper pod set = %s x %d, want helper x 6", sets[1].Name, sets[1].Count)
	}
}

// A JobSet restart numbers the Jobs' attempt.
func TestWithRestartAttempt(t *testing.T) {
	job := trainJob(t, `{metadata: {name: job}, spec: {runtimeRef: {name: torch-distributed}}}`)
	j := mustBuild(t, job, clusterRuntime(t, torchDistributed), WithRestartAttempt(2)).ReplicatedJobs[0].Jobs[0]
	for _, m := range []map[string]string{j.Labels, j.Annotations, j.Spec.Template.Labels, j.Spec.Template.Annotations} {
		if m[LabelRestartAttempt] != "2" {
			t.Errorf("restart attempt = %q, want 2", m[LabelRestartAttempt])
		}
	}
}

// The SSH key is upstream's kind: an EC P-521 key in SEC 1 PEM and its
// public half as an authorized key.
func TestNewMPISSHAuthData(t *testing.T) {
	data, err := NewMPISSHAuthData(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data[corev1.SSHAuthPrivateKey])
	if block == nil || block.Type != "EC PRIVATE KEY" {
		t.Fatalf("private key is not an EC PRIVATE KEY PEM block: %q", data[corev1.SSHAuthPrivateKey])
	}
	key, err := x509.ParseECPrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if key.Curve.Params().Name != "P-521" {
		t.Errorf("curve = %s, want P-521", key.Curve.Params().Name)
	}
	public, _, _, _, err := ssh.ParseAuthorizedKey(data[MPISSHPublicKey])
	if err != nil {
		t.Fatal(err)
	}
	want, err := ssh.NewPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	if public.Type() != "ecdsa-sha2-nistp521" || string(public.Marshal()) != string(want.Marshal()) {
		t.Errorf("public key %s does not match the private key", public.Type())
	}
	var _ *ecdsa.PrivateKey = key
}

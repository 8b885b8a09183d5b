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
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
)

// A torch TrainJob of 3 nodes x 2 processes on torch-distributed makes
// exactly the Job JobSet makes for Trainer's JobSet, and its Service.
func TestBuildTorchThreeNodesTwoProcs(t *testing.T) {
	job := trainJob(t, `
metadata: {name: torch}
spec:
  runtimeRef: {name: torch-distributed}
  trainer:
    numNodes: 3
    numProcPerNode: 2
    command: [torchrun, train.py]
    env: [{name: EXTRA, value: "1"}]
`)
	got := mustBuild(t, job, clusterRuntime(t, torchDistributed))

	jobSetMeta := `
    jobset.sigs.k8s.io/jobset-name: torch
    jobset.sigs.k8s.io/jobset-uid: uid-1
    jobset.sigs.k8s.io/replicatedjob-name: node
    jobset.sigs.k8s.io/restart-attempt: "0"
    jobset.sigs.k8s.io/replicatedjob-replicas: "1"
    jobset.sigs.k8s.io/global-replicas: "1"
    jobset.sigs.k8s.io/job-index: "0"
    jobset.sigs.k8s.io/job-key: 5d7a5124bfa8b344ec21ec22e93577fe1d97d299
    jobset.sigs.k8s.io/job-global-index: "0"
    jobset.sigs.k8s.io/group-name: default
    jobset.sigs.k8s.io/group-replicas: "1"
    jobset.sigs.k8s.io/job-group-index: "0"`
	want := decode[batchv1.Job](t, `
apiVersion: batch/v1
kind: Job
metadata:
  name: torch-node-0
  namespace: ns
  labels:
    trainer.kubeflow.org/trainjob-ancestor-step: trainer`+jobSetMeta+`
  annotations:`+jobSetMeta+`
spec:
  parallelism: 3
  completions: 3
  completionMode: Indexed
  suspend: false
  template:
    metadata:
      labels:`+indent(indent(jobSetMeta))+`
      annotations:`+indent(indent(jobSetMeta))+`
    spec:
      subdomain: torch
      restartPolicy: OnFailure
      containers:
      - name: node
        image: pytorch/pytorch:2.13.0-cuda13.0-cudnn9-runtime
        command: [torchrun, train.py]
        env:
        - {name: EXTRA, value: "1"}
        - {name: PET_NNODES, value: "3"}
        - {name: PET_NPROC_PER_NODE, value: "2"}
        - name: PET_NODE_RANK
          valueFrom: {fieldRef: {fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']"}}
        - {name: PET_MASTER_ADDR, value: torch-node-0-0.torch}
        - {name: PET_MASTER_PORT, value: "29500"}
        ports: [{containerPort: 29500}]
`)
	if len(got.ReplicatedJobs) != 1 || got.ReplicatedJobs[0].Name != Node || len(got.ReplicatedJobs[0].Jobs) != 1 {
		t.Fatalf("replicated jobs = %+v, want one node Job", got.ReplicatedJobs)
	}
	if d := diff(want, got.ReplicatedJobs[0].Jobs[0]); d != "" {
		t.Errorf("node Job (-want +got):\n%s", d)
	}
	wantSvc := decode[corev1.Service](t, `
apiVersion: v1
kind: Service
metadata: {name: torch, namespace: ns}
spec:
  clusterIP: None
  selector: {jobset.sigs.k8s.io/jobset-name: torch}
  publishNotReadyAddresses: true
`)
	if d := diff(wantSvc, got.Service); d != "" {
		t.Errorf("Service (-want +got):\n%s", d)
	}
	if got.PodGroup != nil || len(got.ConfigMaps)+len(got.Secrets)+len(got.PersistentVolumeClaims) != 0 {
		t.Errorf("unexpected children: PodGroup %v, ConfigMaps %v, Secrets %v, claims %v", got.PodGroup, got.ConfigMaps, got.Secrets, got.PersistentVolumeClaims)
	}
}

// indent shifts a block of mapping lines two spaces right.
func indent(block string) string {
	out := []byte{}
	for i := 0; i < len(block); i++ {
		out = append(out, block[i])
		if block[i] == '\n' {
			out = append(out, ' ', ' ')
		}
	}
	return string(out)
}

// The torch policy's env and the trainer node count, case by case.
func TestTorchPolicy(t *testing.T) {
	rank := corev1.EnvVar{Name: "PET_NODE_RANK", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{
		FieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']"}}}
	master := []corev1.EnvVar{{Name: "PET_MASTER_ADDR", Value: "job-node-0-0.job"}, {Name: "PET_MASTER_PORT", Value: "29500"}}
	pet := func(nnodes, nproc string) []corev1.EnvVar {
		return append([]corev1.EnvVar{{Name: "PET_NNODES", Value: nnodes}, {Name: "PET_NPROC_PER_NODE", Value: nproc}, rank}, master...)
	}
	cases := []struct {
		name        string
		trainer     string
		wantEnv     []corev1.EnvVar
		wantNodes   int32
		wantPorts   []corev1.ContainerPort
		wantCommand []string
	}{{
		name:      "the runtime's numNodes without a trainer count; auto procs become 1 without resources",
		trainer:   `{image: busybox}`,
		wantEnv:   pet("1", "1"),
		wantNodes: 1,
		wantPorts: []corev1.ContainerPort{{ContainerPort: 29500}},
	}, {
		name:      "procs are the CPU request, rounded up, without GPUs",
		trainer:   `{numNodes: 2, resourcesPerNode: {requests: {cpu: 1500m}, limits: {cpu: "8"}}}`,
		wantEnv:   pet("2", "2"),
		wantNodes: 2,
		wantPorts: []corev1.ContainerPort{{ContainerPort: 29500}},
	}, {
		name:      "procs are the CPU limit without a request",
		trainer:   `{resourcesPerNode: {limits: {cpu: "4"}}}`,
		wantEnv:   pet("1", "4"),
		wantNodes: 1,
		wantPorts: []corev1.ContainerPort{{ContainerPort: 29500}},
	}, {
		name:      "procs stay auto with GPUs",
		trainer:   `{resourcesPerNode: {limits: {nvidia.com/gpu: "2"}}}`,
		wantEnv:   pet("1", "auto"),
		wantNodes: 1,
		wantPorts: []corev1.ContainerPort{{ContainerPort: 29500}},
	}, {
		name:      "the trainer's env comes first and keeps its place",
		trainer:   `{env: [{name: A, value: a}, {name: B, value: b}]}`,
		wantEnv:   append([]corev1.EnvVar{{Name: "A", Value: "a"}, {Name: "B", Value: "b"}}, pet("1", "1")...),
		wantNodes: 1,
		wantPorts: []corev1.ContainerPort{{ContainerPort: 29500}},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			job := trainJob(t, `
metadata: {name: job}
spec:
  runtimeRef: {name: torch-distributed}
  trainer: `+tc.trainer)
			got := mustBuild(t, job, clusterRuntime(t, torchDistributed))
			c := nodeContainer(t, got, Node)
			if d := diff(tc.wantEnv, c.Env); d != "" {
				t.Errorf("env (-want +got):\n%s", d)
			}
			if d := diff(tc.wantPorts, c.Ports); d != "" {
				t.Errorf("ports (-want +got):\n%s", d)
			}
			spec := replicated(t, got, Node).Jobs[0].Spec
			if *spec.Parallelism != tc.wantNodes || *spec.Completions != tc.wantNodes {
				t.Errorf("parallelism, completions = %d, %d, want %d", *spec.Parallelism, *spec.Completions, tc.wantNodes)
			}
		})
	}
}

// Without spec.trainer upstream's torch plugin touches no container: no
// PET_* env and no port, only the node count of the runtime.
func TestTorchWithoutTrainer(t *testing.T) {
	job := trainJob(t, `{metadata: {name: job}, spec: {runtimeRef: {name: torch-distributed}}}`)
	c := nodeContainer(t, mustBuild(t, job, clusterRuntime(t, torchDistributed)), Node)
	if len(c.Env) != 0 || len(c.Ports) != 0 {
		t.Errorf("env %v, ports %v; want none", c.Env, c.Ports)
	}
}

// envInjection gives named side containers the whole PET_* set, master
// address included; a target missing from the template is an error.
func TestTorchEnvInjection(t *testing.T) {
	rt := clusterRuntime(t, torchDistributed)
	pod := &rt.Spec.Template.Spec.ReplicatedJobs[0].Template.Spec.Template.Spec
	pod.InitContainers = []corev1.Container{{Name: "preflight", Image: "busybox"}}
	pod.Containers = append(pod.Containers, corev1.Container{Name: "sidecar", Image: "busybox", Env: []corev1.EnvVar{{Name: "PET_NNODES", Value: "stale"}}})
	rt.Spec.MLPolicy.Torch.EnvInjection = decode[trainerv1alpha1.EnvInjection](t, `{targets: [{jobName: node, containerNames: [preflight, sidecar]}]}`)

	job := trainJob(t, `{metadata: {name: job}, spec: {runtimeRef: {name: torch-distributed}, trainer: {numNodes: 2}}}`)
	got := mustBuild(t, job, rt)
	spec := replicated(t, got, Node).Jobs[0].Spec.Template.Spec
	wantNames := []string{"PET_NNODES", "PET_NPROC_PER_NODE", "PET_NODE_RANK", "PET_MASTER_ADDR", "PET_MASTER_PORT"}
	for _, c := range []corev1.Container{spec.InitContainers[0], spec.Containers[1]} {
		var names []string
		for _, e := range c.Env {
			names = append(names, e.Name)
		}
		if d := diff(wantNames, names); d != "" {
			t.Errorf("env of %s (-want +got):\n%s", c.Name, d)
		}
		if c.Env[0].Value != "2" {
			t.Errorf("PET_NNODES of %s = %q, want 2", c.Name, c.Env[0].Value)
		}
		if len(c.Ports) != 0 {
			t.Errorf("ports of %s = %v, want none", c.Name, c.Ports)
		}
	}

	rt.Spec.MLPolicy.Torch.EnvInjection.Targets[0].ContainerNames = []string{"missing"}
	if _, err := Build(job, rt); err == nil {
		t.Error("Build with a missing envInjection target succeeded")
	}
}

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
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
)

// decode reads a YAML document into a T.
func decode[T any](t *testing.T, doc string) *T {
	t.Helper()
	out := new(T)
	if err := utilyaml.NewYAMLOrJSONDecoder(strings.NewReader(doc), 4096).Decode(out); err != nil {
		t.Fatalf("decoding %T: %v\n%s", out, err, doc)
	}
	return out
}

// clusterRuntime decodes a ClusterTrainingRuntime into a Runtime.
func clusterRuntime(t *testing.T, doc string) *Runtime {
	t.Helper()
	ctr := decode[trainerv1alpha1.ClusterTrainingRuntime](t, doc)
	return &Runtime{
		GroupKind:   schema.GroupKind{Group: trainerv1alpha1.GroupName, Kind: "ClusterTrainingRuntime"},
		Name:        ctr.Name,
		Labels:      ctr.Labels,
		Annotations: ctr.Annotations,
		Spec:        ctr.Spec,
	}
}

// trainJob decodes a TrainJob in namespace ns with UID uid-1.
func trainJob(t *testing.T, doc string) *trainerv1alpha1.TrainJob {
	t.Helper()
	job := decode[trainerv1alpha1.TrainJob](t, doc)
	if job.Namespace == "" {
		job.Namespace = "ns"
	}
	job.UID = "uid-1"
	return job
}

// mustBuild builds or fails the test.
func mustBuild(t *testing.T, job *trainerv1alpha1.TrainJob, rt *Runtime, opts ...Option) *Children {
	t.Helper()
	children, err := Build(job, rt, opts...)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return children
}

// diff compares with quantities by value.
func diff(want, got any) string {
	return cmp.Diff(want, got, cmpopts.EquateEmpty(), cmp.Comparer(func(a, b resource.Quantity) bool { return a.Cmp(b) == 0 }))
}

// nodeContainer is the container named node of the first Job of a
// replicated job.
func nodeContainer(t *testing.T, c *Children, rjob string) corev1.Container {
	t.Helper()
	for _, r := range c.ReplicatedJobs {
		if r.Name != rjob {
			continue
		}
		for _, ctr := range r.Jobs[0].Spec.Template.Spec.Containers {
			if ctr.Name == Node {
				return ctr
			}
		}
	}
	t.Fatalf("no container node in replicated job %s", rjob)
	return corev1.Container{}
}

// replicated is a replicated job of the children by name.
func replicated(t *testing.T, c *Children, name string) ReplicatedJob {
	t.Helper()
	for _, r := range c.ReplicatedJobs {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no replicated job %s", name)
	return ReplicatedJob{}
}

// The default runtimes of Trainer v2.3.0 (manifests/base/runtimes), as
// the API server stores them.
const (
	torchDistributed = `
apiVersion: trainer.kubeflow.org/v1alpha1
kind: ClusterTrainingRuntime
metadata:
  name: torch-distributed
  labels: {trainer.kubeflow.org/framework: torch}
spec:
  mlPolicy: {numNodes: 1, torch: {}}
  template:
    spec:
      replicatedJobs:
      - name: node
        template:
          metadata:
            labels: {trainer.kubeflow.org/trainjob-ancestor-step: trainer}
          spec:
            template:
              spec:
                containers:
                - name: node
                  image: pytorch/pytorch:2.13.0-cuda13.0-cudnn9-runtime
`
	deepspeedDistributed = `
apiVersion: trainer.kubeflow.org/v1alpha1
kind: ClusterTrainingRuntime
metadata:
  name: deepspeed-distributed
  labels: {trainer.kubeflow.org/framework: deepspeed}
spec:
  mlPolicy:
    numNodes: 1
    mpi: {numProcPerNode: 1, mpiImplementation: OpenMPI, sshAuthMountPath: /home/mpiuser/.ssh, runLauncherAsNode: true}
  template:
    spec:
      network: {publishNotReadyAddresses: true}
      successPolicy: {operator: All, targetReplicatedJobs: [launcher]}
      replicatedJobs:
      - name: node
        template:
          spec:
            template:
              spec:
                securityContext: {fsGroup: 1000}
                containers:
                - name: node
                  image: ghcr.io/kubeflow/trainer/deepspeed-runtime
                  securityContext: {runAsUser: 1000}
                  command: [/usr/sbin/sshd]
                  args: [-De, -f, /home/mpiuser/.sshd_config]
                  readinessProbe:
                    tcpSocket: {port: 2222}
                    initialDelaySeconds: 5
      - name: launcher
        dependsOn: [{name: node, status: Ready}]
        template:
          metadata:
            labels: {trainer.kubeflow.org/trainjob-ancestor-step: trainer}
          spec:
            template:
              spec:
                securityContext: {fsGroup: 1000}
                containers:
                - name: node
                  image: ghcr.io/kubeflow/trainer/deepspeed-runtime
                  securityContext: {runAsUser: 1000}
`
	jaxDistributed = `
apiVersion: trainer.kubeflow.org/v1alpha1
kind: ClusterTrainingRuntime
metadata:
  name: jax-distributed
spec:
  mlPolicy: {numNodes: 1, jax: {}}
  template:
    spec:
      replicatedJobs:
      - name: node
        template:
          metadata:
            labels: {trainer.kubeflow.org/trainjob-ancestor-step: trainer}
          spec:
            template:
              spec:
                containers:
                - name: node
                  image: nvcr.io/nvidia/jax:25.10-py3
`
	xgboostDistributed = `
apiVersion: trainer.kubeflow.org/v1alpha1
kind: ClusterTrainingRuntime
metadata:
  name: xgboost-distributed
spec:
  mlPolicy: {numNodes: 1, xgboost: {}}
  template:
    spec:
      replicatedJobs:
      - name: node
        template:
          metadata:
            labels: {trainer.kubeflow.org/trainjob-ancestor-step: trainer}
          spec:
            template:
              spec:
                containers:
                - name: node
                  image: ghcr.io/kubeflow/trainer/xgboost-runtime
`
	// torchWithInitializers is upstream's torchtune runtime layout: both
	// initializers, then the trainer, sharing a claim.
	torchWithInitializers = `
apiVersion: trainer.kubeflow.org/v1alpha1
kind: ClusterTrainingRuntime
metadata:
  name: torch-with-initializers
spec:
  mlPolicy: {numNodes: 1, torch: {}}
  template:
    spec:
      volumeClaimPolicies:
      - templates:
        - metadata: {name: initializer}
          spec:
            accessModes: [ReadWriteOnce]
            resources: {requests: {storage: 20Gi}}
      replicatedJobs:
      - name: dataset-initializer
        template:
          metadata:
            labels: {trainer.kubeflow.org/trainjob-ancestor-step: dataset-initializer}
          spec:
            template:
              spec:
                containers:
                - name: dataset-initializer
                  image: ghcr.io/kubeflow/trainer/dataset-initializer
                  env: [{name: STORAGE_URI, value: hf://tatsu-lab/alpaca}]
                  volumeMounts: [{mountPath: /workspace, name: initializer}]
      - name: model-initializer
        template:
          metadata:
            labels: {trainer.kubeflow.org/trainjob-ancestor-step: model-initializer}
          spec:
            template:
              spec:
                containers:
                - name: model-initializer
                  image: ghcr.io/kubeflow/trainer/model-initializer
                  env: [{name: STORAGE_URI, value: hf://meta-llama/Llama-3.2-1B-Instruct}]
                  volumeMounts: [{name: initializer, mountPath: /workspace}]
      - name: node
        dependsOn:
        - {name: dataset-initializer, status: Complete}
        - {name: model-initializer, status: Complete}
        template:
          metadata:
            labels: {trainer.kubeflow.org/trainjob-ancestor-step: trainer}
          spec:
            template:
              spec:
                containers:
                - name: node
                  image: pytorch/pytorch:2.13.0-cuda13.0-cudnn9-runtime
                  volumeMounts: [{mountPath: /workspace, name: initializer}]
`
)

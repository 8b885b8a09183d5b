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
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/diff"
	"k8s.io/utils/ptr"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

// checkDefaults defaults in through the scheme and compares with want, then
// checks that defaulting again changes nothing.
func checkDefaults(t *testing.T, in, want runtime.Object) {
	t.Helper()
	scheme := newScheme()
	got := in.DeepCopyObject()
	scheme.Default(got)
	if !apiequality.Semantic.DeepEqual(want, got) {
		t.Fatalf("unexpected defaults (-want +got):\n%s", diff.Diff(want, got))
	}
	again := got.DeepCopyObject()
	scheme.Default(again)
	if !apiequality.Semantic.DeepEqual(got, again) {
		t.Errorf("defaulting twice changed the job (-once +twice):\n%s", diff.Diff(got, again))
	}
}

type specs = map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec

func TestSetDefaultsMPIJob(t *testing.T) {
	never := kubeflowv1.RestartPolicyNever
	none, running := kubeflowv1.CleanPodPolicyNone, kubeflowv1.CleanPodPolicyRunning
	mpi := func(mutate func(*kubeflowv1.MPIJobSpec)) *kubeflowv1.MPIJob {
		job := &kubeflowv1.MPIJob{}
		mutate(&job.Spec)
		return job
	}
	// defaulted is the spec of a defaulted job with the given clean pod
	// policy in both places.
	defaulted := func(policy kubeflowv1.CleanPodPolicy, s specs) func(*kubeflowv1.MPIJobSpec) {
		return func(spec *kubeflowv1.MPIJobSpec) {
			spec.SlotsPerWorker = ptr.To[int32](1)
			spec.CleanPodPolicy = ptr.To(policy)
			spec.RunPolicy = kubeflowv1.RunPolicy{CleanPodPolicy: ptr.To(policy), Suspend: ptr.To(false)}
			spec.MPIReplicaSpecs = s
		}
	}
	cases := []struct {
		name     string
		in, want *kubeflowv1.MPIJob
	}{
		{
			name: "one Launcher, no Workers, Never, no port, one slot and None in both places",
			in: mpi(func(s *kubeflowv1.MPIJobSpec) {
				s.MPIReplicaSpecs = specs{
					"Launcher": replica(nil, "", container("mpi-launcher")),
					"Worker":   replica(nil, "", container("mpi-worker")),
				}
			}),
			want: mpi(defaulted(none, specs{
				"Launcher": replica(ptr.To[int32](1), never, container("mpi-launcher")),
				"Worker":   replica(ptr.To[int32](0), never, container("mpi-worker")),
			})),
		},
		{
			name: "replica types are normalised to their canonical case",
			in: mpi(func(s *kubeflowv1.MPIJobSpec) {
				s.MPIReplicaSpecs = specs{"launcher": replica(nil, "", container("mpi")), "WORKER": replica(nil, "", container("mpi"))}
			}),
			want: mpi(defaulted(none, specs{
				"Launcher": replica(ptr.To[int32](1), never, container("mpi")),
				"Worker":   replica(ptr.To[int32](0), never, container("mpi")),
			})),
		},
		{
			name: "explicit values are kept",
			in: mpi(func(s *kubeflowv1.MPIJobSpec) {
				s.SlotsPerWorker = ptr.To[int32](8)
				s.MainContainer = "mpi"
				s.MPIReplicaSpecs = specs{"Worker": replica(ptr.To[int32](4), kubeflowv1.RestartPolicyOnFailure, container("mpi"))}
			}),
			want: mpi(func(s *kubeflowv1.MPIJobSpec) {
				defaulted(none, specs{"Worker": replica(ptr.To[int32](4), kubeflowv1.RestartPolicyOnFailure, container("mpi"))})(s)
				s.SlotsPerWorker = ptr.To[int32](8)
				s.MainContainer = "mpi"
			}),
		},
		{
			name: "the legacy cleanPodPolicy alone is copied into the run policy",
			in:   mpi(func(s *kubeflowv1.MPIJobSpec) { s.CleanPodPolicy = ptr.To(running) }),
			want: mpi(defaulted(running, nil)),
		},
		{
			name: "the run policy's cleanPodPolicy alone is copied into the legacy field",
			in:   mpi(func(s *kubeflowv1.MPIJobSpec) { s.RunPolicy.CleanPodPolicy = ptr.To(running) }),
			want: mpi(defaulted(running, nil)),
		},
		{
			name: "two different policies are kept for validation to reject",
			in: mpi(func(s *kubeflowv1.MPIJobSpec) {
				s.CleanPodPolicy = ptr.To(running)
				s.RunPolicy.CleanPodPolicy = ptr.To(kubeflowv1.CleanPodPolicyAll)
			}),
			want: mpi(func(s *kubeflowv1.MPIJobSpec) {
				defaulted(kubeflowv1.CleanPodPolicyAll, nil)(s)
				s.CleanPodPolicy = ptr.To(running)
			}),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { checkDefaults(t, tc.in, tc.want) })
	}
}

// TestSetDefaultsPortedKinds covers the kinds whose replicas get a default
// port: lower-case keys are normalised, every replica gets one replica, the
// kind's restart policy and its port on the default container (or the
// first one), and the run policy its defaults.
func TestSetDefaultsPortedKinds(t *testing.T) {
	for _, k := range []struct {
		kind          string
		types         []kubeflowv1.ReplicaType
		container     string
		port          corev1.ContainerPort
		restartPolicy kubeflowv1.RestartPolicy
		job           func(kubeflowv1.RunPolicy, specs) runtime.Object
	}{
		{
			kind:          "XGBoostJob",
			types:         []kubeflowv1.ReplicaType{"Master", "Worker"},
			container:     "xgboost",
			port:          corev1.ContainerPort{Name: "xgboostjob-port", ContainerPort: 9999, Protocol: corev1.ProtocolTCP},
			restartPolicy: kubeflowv1.RestartPolicyNever,
			job: func(rp kubeflowv1.RunPolicy, s specs) runtime.Object {
				return &kubeflowv1.XGBoostJob{Spec: kubeflowv1.XGBoostJobSpec{RunPolicy: rp, XGBReplicaSpecs: s}}
			},
		},
		{
			kind:          "PaddleJob",
			types:         []kubeflowv1.ReplicaType{"Master", "Worker"},
			container:     "paddle",
			port:          corev1.ContainerPort{Name: "master", ContainerPort: 36543, Protocol: corev1.ProtocolTCP},
			restartPolicy: kubeflowv1.RestartPolicyOnFailure,
			job: func(rp kubeflowv1.RunPolicy, s specs) runtime.Object {
				return &kubeflowv1.PaddleJob{Spec: kubeflowv1.PaddleJobSpec{RunPolicy: rp, PaddleReplicaSpecs: s}}
			},
		},
		{
			kind:          "JAXJob",
			types:         []kubeflowv1.ReplicaType{"Worker"},
			container:     "jax",
			port:          corev1.ContainerPort{Name: "jaxjob-port", ContainerPort: 6666, Protocol: corev1.ProtocolTCP},
			restartPolicy: kubeflowv1.RestartPolicyNever,
			job: func(rp kubeflowv1.RunPolicy, s specs) runtime.Object {
				return &kubeflowv1.JAXJob{Spec: kubeflowv1.JAXJobSpec{RunPolicy: rp, JAXReplicaSpecs: s}}
			},
		},
	} {
		t.Run(k.kind, func(t *testing.T) {
			one := ptr.To[int32](1)
			t.Run("every replica type is defaulted under its canonical key", func(t *testing.T) {
				in, want := specs{}, specs{}
				for _, typ := range k.types {
					in[kubeflowv1.ReplicaType(strings.ToLower(string(typ)))] = replica(nil, "", container(k.container))
					want[typ] = replica(one, k.restartPolicy, container(k.container, k.port))
				}
				checkDefaults(t, k.job(kubeflowv1.RunPolicy{}, in), k.job(defaultedRunPolicy(), want))
			})
			t.Run("explicit values are kept", func(t *testing.T) {
				rp := kubeflowv1.RunPolicy{CleanPodPolicy: ptr.To(kubeflowv1.CleanPodPolicyAll), Suspend: ptr.To(true)}
				in := specs{"Worker": replica(ptr.To[int32](3), kubeflowv1.RestartPolicyExitCode, container(k.container, k.port))}
				checkDefaults(t, k.job(rp, in), k.job(rp, in))
			})
			t.Run("port goes to the default container behind a sidecar", func(t *testing.T) {
				in := specs{"Worker": replica(one, k.restartPolicy, container("sidecar"), container(k.container))}
				want := specs{"Worker": replica(one, k.restartPolicy, container("sidecar"), container(k.container, k.port))}
				checkDefaults(t, k.job(defaultedRunPolicy(), in), k.job(defaultedRunPolicy(), want))
			})
			t.Run("port goes to the first container when none has the default name", func(t *testing.T) {
				in := specs{"Worker": replica(one, k.restartPolicy, container("trainer"), container("sidecar"))}
				want := specs{"Worker": replica(one, k.restartPolicy, container("trainer", k.port), container("sidecar"))}
				checkDefaults(t, k.job(defaultedRunPolicy(), in), k.job(defaultedRunPolicy(), want))
			})
		})
	}
}

func TestSetDefaultsPaddleJobElasticPolicy(t *testing.T) {
	onFailure := kubeflowv1.RestartPolicyOnFailure
	paddlePort := corev1.ContainerPort{Name: "master", ContainerPort: 36543, Protocol: corev1.ProtocolTCP}
	paddle := func(workers *int32, ep *kubeflowv1.PaddleElasticPolicy, defaulted bool) *kubeflowv1.PaddleJob {
		job := &kubeflowv1.PaddleJob{Spec: kubeflowv1.PaddleJobSpec{ElasticPolicy: ep}}
		if !defaulted {
			job.Spec.PaddleReplicaSpecs = specs{"Worker": replica(workers, "", container("paddle"))}
			return job
		}
		job.Spec.RunPolicy = defaultedRunPolicy()
		job.Spec.PaddleReplicaSpecs = specs{"Worker": replica(ptr.To(ptr.Deref(workers, 1)), onFailure, container("paddle", paddlePort))}
		return job
	}
	bounds := func(minReplicas, maxReplicas *int32) *kubeflowv1.PaddleElasticPolicy {
		return &kubeflowv1.PaddleElasticPolicy{MinReplicas: minReplicas, MaxReplicas: maxReplicas, MaxRestarts: ptr.To[int32](3)}
	}
	cases := []struct {
		name     string
		in, want *kubeflowv1.PaddleJob
	}{
		{
			name: "maxReplicas alone sets minReplicas",
			in:   paddle(ptr.To[int32](2), bounds(nil, ptr.To[int32](4)), false),
			want: paddle(ptr.To[int32](2), bounds(ptr.To[int32](4), ptr.To[int32](4)), true),
		},
		{
			name: "minReplicas alone sets maxReplicas",
			in:   paddle(ptr.To[int32](2), bounds(ptr.To[int32](3), nil), false),
			want: paddle(ptr.To[int32](2), bounds(ptr.To[int32](3), ptr.To[int32](3)), true),
		},
		{
			name: "no bounds take the defaulted Worker replicas",
			in:   paddle(nil, bounds(nil, nil), false),
			want: paddle(nil, bounds(ptr.To[int32](1), ptr.To[int32](1)), true),
		},
		{
			name: "bounds are kept",
			in:   paddle(ptr.To[int32](2), bounds(ptr.To[int32](1), ptr.To[int32](8)), false),
			want: paddle(ptr.To[int32](2), bounds(ptr.To[int32](1), ptr.To[int32](8)), true),
		},
		{
			name: "no elastic policy stays without one",
			in:   paddle(ptr.To[int32](2), nil, false),
			want: paddle(ptr.To[int32](2), nil, true),
		},
		{
			name: "no bounds and no Workers stay unbounded",
			in:   &kubeflowv1.PaddleJob{Spec: kubeflowv1.PaddleJobSpec{ElasticPolicy: &kubeflowv1.PaddleElasticPolicy{}}},
			want: &kubeflowv1.PaddleJob{Spec: kubeflowv1.PaddleJobSpec{RunPolicy: defaultedRunPolicy(), ElasticPolicy: &kubeflowv1.PaddleElasticPolicy{}}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { checkDefaults(t, tc.in, tc.want) })
	}

	// Scaling the Worker later must not move the bounds with it.
	job := paddle(ptr.To[int32](2), &kubeflowv1.PaddleElasticPolicy{}, false)
	newScheme().Default(job)
	*job.Spec.PaddleReplicaSpecs["Worker"].Replicas = 6
	if got := *job.Spec.ElasticPolicy.MinReplicas + *job.Spec.ElasticPolicy.MaxReplicas; got != 4 {
		t.Errorf("elastic bounds moved with the Worker replicas: %+v", job.Spec.ElasticPolicy)
	}
}

func TestSetDefaultsListsOfTheOtherKinds(t *testing.T) {
	scheme := newScheme()
	for _, list := range []runtime.Object{
		&kubeflowv1.MPIJobList{Items: []kubeflowv1.MPIJob{{}, {}}},
		&kubeflowv1.XGBoostJobList{Items: []kubeflowv1.XGBoostJob{{}, {}}},
		&kubeflowv1.PaddleJobList{Items: []kubeflowv1.PaddleJob{{}, {}}},
		&kubeflowv1.JAXJobList{Items: []kubeflowv1.JAXJob{{}, {}}},
	} {
		scheme.Default(list)
		var policies []kubeflowv1.RunPolicy
		switch l := list.(type) {
		case *kubeflowv1.MPIJobList:
			for _, item := range l.Items {
				policies = append(policies, item.Spec.RunPolicy)
			}
		case *kubeflowv1.XGBoostJobList:
			for _, item := range l.Items {
				policies = append(policies, item.Spec.RunPolicy)
			}
		case *kubeflowv1.PaddleJobList:
			for _, item := range l.Items {
				policies = append(policies, item.Spec.RunPolicy)
			}
		case *kubeflowv1.JAXJobList:
			for _, item := range l.Items {
				policies = append(policies, item.Spec.RunPolicy)
			}
		}
		for i, rp := range policies {
			if !apiequality.Semantic.DeepEqual(rp, defaultedRunPolicy()) {
				t.Errorf("%T item %d not defaulted: %+v", list, i, rp)
			}
		}
	}
}

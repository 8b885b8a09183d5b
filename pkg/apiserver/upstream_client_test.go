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

package apiserver_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	upstreamv1 "github.com/kubeflow/training-operator/pkg/apis/kubeflow.org/v1"
	upstream "github.com/kubeflow/training-operator/pkg/client/clientset/versioned"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"
)

// quantities compare by value: "1024Mi" and "1Gi" are the same quantity.
var quantities = cmp.Comparer(func(a, b resource.Quantity) bool { return a.Cmp(b) == 0 })

// testUpstreamClient checks that training-operator's own clientset works
// against mlplane and that no field of its types is lost on the way.
func testUpstreamClient(t *testing.T, e *env) {
	c := upstream.NewForConfigOrDie(e.config).KubeflowV1()
	ns := "upstream"

	t.Run("TFJob", func(t *testing.T) {
		testUpstreamRoundTrip(t, c.TFJobs(ns), upstreamTFJob(ns), upstreamAccess[*upstreamv1.TFJob]{
			spec:      func(j *upstreamv1.TFJob) any { return &j.Spec },
			runPolicy: func(j *upstreamv1.TFJob) *upstreamv1.RunPolicy { return &j.Spec.RunPolicy },
			status:    func(j *upstreamv1.TFJob) *upstreamv1.JobStatus { return &j.Status },
		})
	})
	pyTorchAccess := upstreamAccess[*upstreamv1.PyTorchJob]{
		spec:      func(j *upstreamv1.PyTorchJob) any { return &j.Spec },
		runPolicy: func(j *upstreamv1.PyTorchJob) *upstreamv1.RunPolicy { return &j.Spec.RunPolicy },
		status:    func(j *upstreamv1.PyTorchJob) *upstreamv1.JobStatus { return &j.Status },
	}
	t.Run("PyTorchJob", func(t *testing.T) {
		testUpstreamRoundTrip(t, c.PyTorchJobs(ns), upstreamPyTorchJob(ns, "upstream-pytorch"), pyTorchAccess)
	})
	// spec.nprocPerNode and the deprecated elasticPolicy.nProcPerNode exclude
	// each other, so the deprecated field travels in a job of its own.
	t.Run("PyTorchJobDeprecatedNProcPerNode", func(t *testing.T) {
		j := upstreamPyTorchJob(ns, "upstream-nproc")
		j.Spec.NprocPerNode = nil
		j.Spec.ElasticPolicy.NProcPerNode = ptr.To[int32](4)
		testUpstreamRoundTrip(t, c.PyTorchJobs(ns), j, pyTorchAccess)
	})
	t.Run("MPIJob", func(t *testing.T) {
		testUpstreamRoundTrip(t, c.MPIJobs(ns), upstreamMPIJob(ns), upstreamAccess[*upstreamv1.MPIJob]{
			spec:      func(j *upstreamv1.MPIJob) any { return &j.Spec },
			runPolicy: func(j *upstreamv1.MPIJob) *upstreamv1.RunPolicy { return &j.Spec.RunPolicy },
			status:    func(j *upstreamv1.MPIJob) *upstreamv1.JobStatus { return &j.Status },
		})
	})
	t.Run("XGBoostJob", func(t *testing.T) {
		testUpstreamRoundTrip(t, c.XGBoostJobs(ns), upstreamXGBoostJob(ns), upstreamAccess[*upstreamv1.XGBoostJob]{
			spec:      func(j *upstreamv1.XGBoostJob) any { return &j.Spec },
			runPolicy: func(j *upstreamv1.XGBoostJob) *upstreamv1.RunPolicy { return &j.Spec.RunPolicy },
			status:    func(j *upstreamv1.XGBoostJob) *upstreamv1.JobStatus { return &j.Status },
		})
	})
	t.Run("PaddleJob", func(t *testing.T) {
		testUpstreamRoundTrip(t, c.PaddleJobs(ns), upstreamPaddleJob(ns), upstreamAccess[*upstreamv1.PaddleJob]{
			spec:      func(j *upstreamv1.PaddleJob) any { return &j.Spec },
			runPolicy: func(j *upstreamv1.PaddleJob) *upstreamv1.RunPolicy { return &j.Spec.RunPolicy },
			status:    func(j *upstreamv1.PaddleJob) *upstreamv1.JobStatus { return &j.Status },
		})
	})
	t.Run("JAXJob", func(t *testing.T) {
		testUpstreamRoundTrip(t, c.JAXJobs(ns), upstreamJAXJob(ns), upstreamAccess[*upstreamv1.JAXJob]{
			spec:      func(j *upstreamv1.JAXJob) any { return &j.Spec },
			runPolicy: func(j *upstreamv1.JAXJob) *upstreamv1.RunPolicy { return &j.Spec.RunPolicy },
			status:    func(j *upstreamv1.JAXJob) *upstreamv1.JobStatus { return &j.Status },
		})
	})
}

// upstreamAccess reaches into one upstream kind.
type upstreamAccess[J job] struct {
	spec      func(J) any
	runPolicy func(J) *upstreamv1.RunPolicy
	status    func(J) *upstreamv1.JobStatus
}

func testUpstreamRoundTrip[J job, L runtime.Object](t *testing.T, c typedClient[J, L], want J, access upstreamAccess[J]) {
	ctx := t.Context()
	name := want.GetName()
	checkSpec := func(what string, want, got J) {
		t.Helper()
		if d := cmp.Diff(access.spec(want), access.spec(got), quantities); d != "" {
			t.Errorf("%s lost or changed spec fields (-sent +got):\n%s", what, d)
		}
	}
	checkMeta := func(what string, want, got J) {
		t.Helper()
		if !cmp.Equal(want.GetLabels(), got.GetLabels()) || !cmp.Equal(want.GetAnnotations(), got.GetAnnotations()) {
			t.Errorf("%s: labels %v, annotations %v; want %v, %v",
				what, got.GetLabels(), got.GetAnnotations(), want.GetLabels(), want.GetAnnotations())
		}
	}

	created, err := c.Create(ctx, want.DeepCopyObject().(J), metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if created.GetUID() == "" || created.GetGeneration() != 1 {
		t.Errorf("created job has uid %q and generation %d, want a uid and 1", created.GetUID(), created.GetGeneration())
	}
	checkMeta("create", want, created)
	checkSpec("create", want, created)

	got, err := c.Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	checkMeta("get", want, got)
	checkSpec("get", want, got)

	list, err := c.List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if got := names(t, list); !slices.Contains(got, name) {
		t.Errorf("list = %v, want it to contain %s", got, name)
	}

	// Update a label and the TTL; nothing else may move.
	changed := got.DeepCopyObject().(J)
	changed.SetLabels(map[string]string{"team": "speech"})
	access.runPolicy(changed).TTLSecondsAfterFinished = ptr.To[int32](60)
	updated, err := c.Update(ctx, changed, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	wantUpdated := want.DeepCopyObject().(J)
	wantUpdated.SetLabels(map[string]string{"team": "speech"})
	access.runPolicy(wantUpdated).TTLSecondsAfterFinished = ptr.To[int32](60)
	checkMeta("update", wantUpdated, updated)
	checkSpec("update", wantUpdated, updated)
	if updated.GetGeneration() != 2 {
		t.Errorf("generation after the TTL change = %d, want 2", updated.GetGeneration())
	}

	withStatus := updated.DeepCopyObject().(J)
	*access.status(withStatus) = upstreamStatus()
	statusUpdated, err := c.UpdateStatus(ctx, withStatus, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("update status: %v", err)
	}
	if got, err = c.Get(ctx, name, metav1.GetOptions{}); err != nil {
		t.Fatalf("get: %v", err)
	}
	for what, j := range map[string]J{"update status": statusUpdated, "get after update status": got} {
		if d := cmp.Diff(upstreamStatus(), *access.status(j)); d != "" {
			t.Errorf("%s lost or changed status fields (-sent +got):\n%s", what, d)
		}
		checkSpec(what, wantUpdated, j)
	}

	if err := c.Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := c.Get(ctx, name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("get after delete: got %v, want NotFound", err)
	}
}

func upstreamRunPolicy() upstreamv1.RunPolicy {
	minResources := map[corev1.ResourceName]resource.Quantity{
		corev1.ResourceCPU:    resource.MustParse("16"),
		corev1.ResourceMemory: resource.MustParse("64Gi"),
		"nvidia.com/gpu":      resource.MustParse("4"),
	}
	return upstreamv1.RunPolicy{
		CleanPodPolicy:          ptr.To(upstreamv1.CleanPodPolicyRunning),
		TTLSecondsAfterFinished: ptr.To[int32](600),
		ActiveDeadlineSeconds:   ptr.To[int64](7200),
		BackoffLimit:            ptr.To[int32](4),
		SchedulingPolicy: &upstreamv1.SchedulingPolicy{
			MinAvailable:           ptr.To[int32](3),
			Queue:                  "research",
			MinResources:           &minResources,
			PriorityClass:          "high-priority",
			ScheduleTimeoutSeconds: ptr.To[int32](300),
		},
		Suspend:   ptr.To(true),
		ManagedBy: ptr.To(upstreamv1.KubeflowJobsController),
	}
}

// upstreamReplica is a replica spec with no field left to default.
func upstreamReplica(replicas int32, policy upstreamv1.RestartPolicy, container, portName string, port int32) *upstreamv1.ReplicaSpec {
	return &upstreamv1.ReplicaSpec{
		Replicas:      ptr.To(replicas),
		RestartPolicy: policy,
		Template: corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{
				Labels:      map[string]string{"app": "train"},
				Annotations: map[string]string{"sidecar.istio.io/inject": "false"},
			},
			Spec: corev1.PodSpec{
				Containers: []corev1.Container{{
					Name:    container,
					Image:   testImage,
					Command: []string{"python", "/opt/train.py"},
					Args:    []string{"--epochs", "10"},
					Env:     []corev1.EnvVar{{Name: "LOG_LEVEL", Value: "debug"}},
					Ports:   []corev1.ContainerPort{{Name: portName, ContainerPort: port, Protocol: corev1.ProtocolTCP}},
					Resources: corev1.ResourceRequirements{
						Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2"), corev1.ResourceMemory: resource.MustParse("8Gi")},
						Limits:   corev1.ResourceList{"nvidia.com/gpu": resource.MustParse("1")},
					},
					VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/data"}},
				}},
				Volumes:            []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
				NodeSelector:       map[string]string{"accelerator": "a100"},
				Tolerations:        []corev1.Toleration{{Key: "nvidia.com/gpu", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule}},
				ServiceAccountName: "trainer",
			},
		},
	}
}

func upstreamMeta(ns, name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Name:        name,
		Namespace:   ns,
		Labels:      map[string]string{"team": "vision"},
		Annotations: map[string]string{"note": "written by the upstream client"},
	}
}

func upstreamTFJob(ns string) *upstreamv1.TFJob {
	replica := func(n int32, policy upstreamv1.RestartPolicy) *upstreamv1.ReplicaSpec {
		return upstreamReplica(n, policy, upstreamv1.TFJobDefaultContainerName, upstreamv1.TFJobDefaultPortName, upstreamv1.TFJobDefaultPort)
	}
	return &upstreamv1.TFJob{
		ObjectMeta: upstreamMeta(ns, "upstream-tf"),
		Spec: upstreamv1.TFJobSpec{
			RunPolicy:     upstreamRunPolicy(),
			SuccessPolicy: ptr.To(upstreamv1.SuccessPolicyAllWorkers),
			TFReplicaSpecs: map[upstreamv1.ReplicaType]*upstreamv1.ReplicaSpec{
				upstreamv1.TFJobReplicaTypeChief:  replica(1, upstreamv1.RestartPolicyExitCode),
				upstreamv1.TFJobReplicaTypePS:     replica(2, upstreamv1.RestartPolicyAlways),
				upstreamv1.TFJobReplicaTypeWorker: replica(4, upstreamv1.RestartPolicyOnFailure),
				upstreamv1.TFJobReplicaTypeEval:   replica(1, upstreamv1.RestartPolicyNever),
			},
			EnableDynamicWorker: true,
		},
	}
}

func upstreamPyTorchJob(ns, name string) *upstreamv1.PyTorchJob {
	replica := func(n int32) *upstreamv1.ReplicaSpec {
		return upstreamReplica(n, upstreamv1.RestartPolicyOnFailure, upstreamv1.PyTorchJobDefaultContainerName,
			upstreamv1.PyTorchJobDefaultPortName, upstreamv1.PyTorchJobDefaultPort)
	}
	return &upstreamv1.PyTorchJob{
		ObjectMeta: upstreamMeta(ns, name),
		Spec: upstreamv1.PyTorchJobSpec{
			RunPolicy: upstreamRunPolicy(),
			ElasticPolicy: &upstreamv1.ElasticPolicy{
				MinReplicas: ptr.To[int32](2),
				MaxReplicas: ptr.To[int32](6),
				RDZVBackend: ptr.To(upstreamv1.BackendC10D),
				RDZVPort:    ptr.To[int32](29400),
				RDZVHost:    ptr.To("rdzv.example.com"),
				RDZVID:      ptr.To("job-42"),
				RDZVConf:    []upstreamv1.RDZVConf{{Key: "join_timeout", Value: "900"}, {Key: "last_call_timeout", Value: "30"}},
				Standalone:  ptr.To(true),
				MaxRestarts: ptr.To[int32](5),
				Metrics:     upstreamMetrics(),
			},
			PyTorchReplicaSpecs: map[upstreamv1.ReplicaType]*upstreamv1.ReplicaSpec{
				upstreamv1.PyTorchJobReplicaTypeMaster: replica(1),
				upstreamv1.PyTorchJobReplicaTypeWorker: replica(3),
			},
			NprocPerNode: ptr.To("gpu"),
		},
	}
}

// upstreamMetrics are the metrics of an elastic job's autoscaler.
func upstreamMetrics() []autoscalingv2.MetricSpec {
	return []autoscalingv2.MetricSpec{
		{
			Type: autoscalingv2.ResourceMetricSourceType,
			Resource: &autoscalingv2.ResourceMetricSource{
				Name:   corev1.ResourceCPU,
				Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: ptr.To[int32](80)},
			},
		},
		{
			Type: autoscalingv2.PodsMetricSourceType,
			Pods: &autoscalingv2.PodsMetricSource{
				Metric: autoscalingv2.MetricIdentifier{
					Name:     "samples_per_second",
					Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "train"}},
				},
				Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: ptr.To(resource.MustParse("100"))},
			},
		},
	}
}

// upstreamMPIJob sets every field of upstream's MPIJobSpec; the legacy
// cleanPodPolicy equals the run policy's, as the server requires.
func upstreamMPIJob(ns string) *upstreamv1.MPIJob {
	replica := func(n int32, policy upstreamv1.RestartPolicy) *upstreamv1.ReplicaSpec {
		return upstreamReplica(n, policy, upstreamv1.MPIJobDefaultContainerName, upstreamv1.MPIJobDefaultPortName, upstreamv1.MPIJobDefaultPort)
	}
	runPolicy := upstreamRunPolicy()
	return &upstreamv1.MPIJob{
		ObjectMeta: upstreamMeta(ns, "upstream-mpi"),
		Spec: upstreamv1.MPIJobSpec{
			SlotsPerWorker: ptr.To[int32](4),
			CleanPodPolicy: ptr.To(*runPolicy.CleanPodPolicy),
			MPIReplicaSpecs: map[upstreamv1.ReplicaType]*upstreamv1.ReplicaSpec{
				upstreamv1.MPIJobReplicaTypeLauncher: replica(1, upstreamv1.RestartPolicyOnFailure),
				upstreamv1.MPIJobReplicaTypeWorker:   replica(3, upstreamv1.RestartPolicyNever),
			},
			MainContainer: upstreamv1.MPIJobDefaultContainerName,
			RunPolicy:     runPolicy,
		},
	}
}

func upstreamXGBoostJob(ns string) *upstreamv1.XGBoostJob {
	replica := func(n int32) *upstreamv1.ReplicaSpec {
		return upstreamReplica(n, upstreamv1.RestartPolicyExitCode, upstreamv1.XGBoostJobDefaultContainerName,
			upstreamv1.XGBoostJobDefaultPortName, upstreamv1.XGBoostJobDefaultPort)
	}
	return &upstreamv1.XGBoostJob{
		ObjectMeta: upstreamMeta(ns, "upstream-xgboost"),
		Spec: upstreamv1.XGBoostJobSpec{
			RunPolicy: upstreamRunPolicy(),
			XGBReplicaSpecs: map[upstreamv1.ReplicaType]*upstreamv1.ReplicaSpec{
				upstreamv1.XGBoostJobReplicaTypeMaster: replica(1),
				upstreamv1.XGBoostJobReplicaTypeWorker: replica(3),
			},
		},
	}
}

func upstreamPaddleJob(ns string) *upstreamv1.PaddleJob {
	replica := func(n int32) *upstreamv1.ReplicaSpec {
		return upstreamReplica(n, upstreamv1.RestartPolicyOnFailure, upstreamv1.PaddleJobDefaultContainerName,
			upstreamv1.PaddleJobDefaultPortName, upstreamv1.PaddleJobDefaultPort)
	}
	return &upstreamv1.PaddleJob{
		ObjectMeta: upstreamMeta(ns, "upstream-paddle"),
		Spec: upstreamv1.PaddleJobSpec{
			RunPolicy: upstreamRunPolicy(),
			ElasticPolicy: &upstreamv1.PaddleElasticPolicy{
				MinReplicas: ptr.To[int32](2),
				MaxReplicas: ptr.To[int32](6),
				MaxRestarts: ptr.To[int32](5),
				Metrics:     upstreamMetrics(),
			},
			PaddleReplicaSpecs: map[upstreamv1.ReplicaType]*upstreamv1.ReplicaSpec{
				upstreamv1.PaddleJobReplicaTypeMaster: replica(2),
				upstreamv1.PaddleJobReplicaTypeWorker: replica(3),
			},
		},
	}
}

func upstreamJAXJob(ns string) *upstreamv1.JAXJob {
	return &upstreamv1.JAXJob{
		ObjectMeta: upstreamMeta(ns, "upstream-jax"),
		Spec: upstreamv1.JAXJobSpec{
			RunPolicy: upstreamRunPolicy(),
			JAXReplicaSpecs: map[upstreamv1.ReplicaType]*upstreamv1.ReplicaSpec{
				upstreamv1.JAXJobReplicaTypeWorker: upstreamReplica(4, upstreamv1.RestartPolicyNever,
					upstreamv1.JAXJobDefaultContainerName, upstreamv1.JAXJobDefaultPortName, upstreamv1.JAXJobDefaultPort),
			},
		},
	}
}

// upstreamStatus sets every field of upstream's JobStatus, with times in
// whole seconds so they survive the round trip.
func upstreamStatus() upstreamv1.JobStatus {
	at := func(minute int) *metav1.Time {
		t := metav1.NewTime(time.Date(2026, 5, 6, 7, minute, 0, 0, time.UTC))
		return &t
	}
	return upstreamv1.JobStatus{
		Conditions: []upstreamv1.JobCondition{
			{Type: upstreamv1.JobCreated, Status: corev1.ConditionTrue, Reason: "JobCreated", Message: "job created",
				LastUpdateTime: *at(1), LastTransitionTime: *at(1)},
			{Type: upstreamv1.JobRunning, Status: corev1.ConditionTrue, Reason: "JobRunning", Message: "job running",
				LastUpdateTime: *at(2), LastTransitionTime: *at(2)},
		},
		ReplicaStatuses: map[upstreamv1.ReplicaType]*upstreamv1.ReplicaStatus{
			"Worker": {
				Active: 2, Succeeded: 1, Failed: 1,
				LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"training.kubeflow.org/replica-type": "worker"}},
				Selector:      "training.kubeflow.org/replica-type=worker",
			},
		},
		StartTime:         at(1),
		CompletionTime:    at(9),
		LastReconcileTime: at(8),
	}
}

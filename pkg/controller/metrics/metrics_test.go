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

package metrics

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"k8s.io/client-go/util/workqueue"
)

// gatheredNames lists the metric families reg exposes.
func gatheredNames(t *testing.T, reg *prometheus.Registry) []string {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("Gather: %v", err)
	}
	var names []string
	for _, f := range families {
		names = append(names, f.GetName())
	}
	return names
}

func TestNewRegistersUpstreamNames(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg)
	// Vectors appear once they have a series.
	for _, v := range []*prometheus.CounterVec{m.JobsCreated, m.JobsDeleted, m.JobsSuccessful, m.JobsFailed, m.JobsRestarted} {
		v.WithLabelValues("default", "tensorflow")
	}

	m.Workqueue.NewDepthMetric("TFJob")

	got := gatheredNames(t, reg)
	for _, want := range []string{
		"training_operator_jobs_created_total",
		"training_operator_jobs_deleted_total",
		"training_operator_jobs_successful_total",
		"training_operator_jobs_failed_total",
		"training_operator_jobs_restarted_total",
		"created_pods_total",
		"deleted_pods_total",
		"failed_pods_total",
		"succeeded_service_creation_total",
		"failed_service_creation_total",
		"created_pod_groups_total",
		"deleted_pod_groups_total",
		"workqueue_depth",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("metric %s is not registered; got %v", want, got)
		}
	}
	// The other six work queue metrics have no series yet.
	if len(got) != 13 {
		t.Errorf("registered %d metrics, want 13: %v", len(got), got)
	}
}

func TestJobCounterIsGatheredWithUpstreamLabels(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg)
	m.JobsCreated.WithLabelValues("team-a", "tensorflow").Inc()
	m.JobsCreated.WithLabelValues("team-a", "tensorflow").Inc()
	m.JobsCreated.WithLabelValues("team-b", "pytorch").Inc()

	want := `
# HELP training_operator_jobs_created_total Number of training jobs the controller saw created.
# TYPE training_operator_jobs_created_total counter
training_operator_jobs_created_total{framework="pytorch",job_namespace="team-b"} 1
training_operator_jobs_created_total{framework="tensorflow",job_namespace="team-a"} 2
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "training_operator_jobs_created_total"); err != nil {
		t.Error(err)
	}
}

func TestPodCountersHaveNoLabels(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := New(reg)
	m.PodsCreated.Inc()

	want := `
# HELP created_pods_total Number of replica pods created.
# TYPE created_pods_total counter
created_pods_total 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "created_pods_total"); err != nil {
		t.Error(err)
	}
}

func TestNewWithoutRegistryWorks(t *testing.T) {
	m := New(nil)
	m.JobsFailed.WithLabelValues("default", "pytorch").Inc()
	if got := testutil.ToFloat64(m.JobsFailed.WithLabelValues("default", "pytorch")); got != 1 {
		t.Errorf("jobs failed = %v, want 1", got)
	}
}

func TestWorkqueueProviderReportsNamedQueues(t *testing.T) {
	reg := prometheus.NewRegistry()
	// An hour's delay keeps the rate-limited item out of the queue during the test.
	limiter := workqueue.NewTypedItemExponentialFailureRateLimiter[string](time.Hour, time.Hour)
	q := workqueue.NewTypedRateLimitingQueueWithConfig(limiter,
		workqueue.TypedRateLimitingQueueConfig[string]{Name: "TFJob", MetricsProvider: NewWorkqueueProvider(reg)})
	defer q.ShutDown()
	q.Add("default/a")
	q.Add("default/b")
	q.AddRateLimited("default/c")

	want := `
# HELP workqueue_adds_total Number of adds handled by the work queue.
# TYPE workqueue_adds_total counter
workqueue_adds_total{name="TFJob"} 2
# HELP workqueue_depth Current depth of the work queue.
# TYPE workqueue_depth gauge
workqueue_depth{name="TFJob"} 2
# HELP workqueue_retries_total Number of rate-limited re-adds handled by the work queue.
# TYPE workqueue_retries_total counter
workqueue_retries_total{name="TFJob"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want),
		"workqueue_adds_total", "workqueue_depth", "workqueue_retries_total"); err != nil {
		t.Error(err)
	}
	for _, name := range []string{"workqueue_queue_duration_seconds", "workqueue_work_duration_seconds",
		"workqueue_unfinished_work_seconds", "workqueue_longest_running_processor_seconds"} {
		if !slices.Contains(gatheredNames(t, reg), name) {
			t.Errorf("metric %s is not registered", name)
		}
	}
}

func TestLeaderElectionProviderTracksLeadership(t *testing.T) {
	reg := prometheus.NewRegistry()
	leader := NewLeaderElectionProvider(reg).NewLeaderMetric()
	leader.On("mlplane-controller")
	if got := testutil.ToFloat64(leader.(*leaderElectionProvider).status.WithLabelValues("mlplane-controller")); got != 1 {
		t.Errorf("leader status after On = %v, want 1", got)
	}
	leader.Off("mlplane-controller")
	want := `
# HELP leader_election_master_status 1 while this process holds the named lease, 0 otherwise.
# TYPE leader_election_master_status gauge
leader_election_master_status{name="mlplane-controller"} 0
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "leader_election_master_status"); err != nil {
		t.Error(err)
	}
}

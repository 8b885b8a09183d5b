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
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"k8s.io/client-go/util/workqueue"
)

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
		n, err := testutil.GatherAndCount(reg, name)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
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

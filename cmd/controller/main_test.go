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

package main

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
	"k8s.io/client-go/util/workqueue"

	"github.com/mlplane/mlplane/pkg/controller/metrics"
)

// client-go's metrics providers can be set once per process. This test
// links what the binary links: if some dependency's init has installed its
// own provider, mlplane-controller's /metrics would silently lack the work
// queue or leader election series.
func TestNoDependencyInstallsMetricsProviders(t *testing.T) {
	registry := prometheus.NewRegistry()
	workqueue.SetProvider(metrics.NewWorkqueueProvider(registry))
	leaderelection.SetProvider(metrics.NewLeaderElectionProvider(registry))

	q := workqueue.NewTypedWithConfig(workqueue.TypedQueueConfig[string]{Name: "probe"})
	defer q.ShutDown()
	q.Add("item")
	if n := testutil.CollectAndCount(registry, "workqueue_adds_total"); n != 1 {
		t.Errorf("workqueue_adds_total has %d series, want 1: another work queue metrics provider is installed", n)
	}

	// A new elector reports itself not leading.
	lock := &resourcelock.LeaseLock{LockConfig: resourcelock.ResourceLockConfig{Identity: "probe"}}
	_, err := leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
		Lock: lock, Name: "probe", LeaseDuration: 15 * time.Second, RenewDeadline: 10 * time.Second, RetryPeriod: 2 * time.Second,
		Callbacks: leaderelection.LeaderCallbacks{OnStartedLeading: func(ctx context.Context) {}, OnStoppedLeading: func() {}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := testutil.CollectAndCount(registry, "leader_election_master_status"); n != 1 {
		t.Errorf("leader_election_master_status has %d series, want 1: another leader election metrics provider is installed", n)
	}
}

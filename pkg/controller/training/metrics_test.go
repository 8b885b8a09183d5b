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

package training

import (
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
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

func TestNewMetricsRegistersUpstreamNames(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	// Vectors appear once they have a series.
	for _, v := range []*prometheus.CounterVec{m.JobsCreated, m.JobsDeleted, m.JobsSuccessful, m.JobsFailed, m.JobsRestarted} {
		v.WithLabelValues("default", "tensorflow")
	}

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
	} {
		if !slices.Contains(got, want) {
			t.Errorf("metric %s is not registered; got %v", want, got)
		}
	}
	// Reconcile durations are the work loop's, not the engine's.
	if len(got) != 12 {
		t.Errorf("registered %d metrics, want 12: %v", len(got), got)
	}
}

func TestJobCounterIsGatheredWithUpstreamLabels(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
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
	m := NewMetrics(reg)
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

func TestNewMetricsWithoutRegistryWorks(t *testing.T) {
	m := NewMetrics(nil)
	m.JobsFailed.WithLabelValues("default", "pytorch").Inc()
	if got := testutil.ToFloat64(m.JobsFailed.WithLabelValues("default", "pytorch")); got != 1 {
		t.Errorf("jobs failed = %v, want 1", got)
	}
}

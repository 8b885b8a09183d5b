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

package notebook

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// The names, labels and help are upstream notebook-controller's, which
// dashboards and test/bench read.
func TestMetricsHaveUpstreamNamesAndLabels(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	m.Created.WithLabelValues("team-a").Inc()
	m.CreateFailed.WithLabelValues("team-a").Inc()
	m.Culled.WithLabelValues("team-a", "nb").Inc()
	m.LastCulled.WithLabelValues("team-a", "nb").Set(1700000000)
	m.SetRunning(func() map[string]int { return map[string]int{"team-a": 2} })

	want := `
# HELP last_notebook_culling_timestamp_seconds Timestamp of the last notebook culling in seconds
# TYPE last_notebook_culling_timestamp_seconds gauge
last_notebook_culling_timestamp_seconds{name="nb",namespace="team-a"} 1.7e+09
# HELP notebook_create_failed_total Total failure times of creating notebooks
# TYPE notebook_create_failed_total counter
notebook_create_failed_total{namespace="team-a"} 1
# HELP notebook_create_total Total times of creating notebooks
# TYPE notebook_create_total counter
notebook_create_total{namespace="team-a"} 1
# HELP notebook_culling_total Total times of culling notebooks
# TYPE notebook_culling_total counter
notebook_culling_total{name="nb",namespace="team-a"} 1
# HELP notebook_running Current running notebooks in the cluster
# TYPE notebook_running gauge
notebook_running{namespace="team-a"} 2
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
}

func TestRunningIsNotReportedWithoutAController(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	m.SetRunning(func() map[string]int { return map[string]int{"team-a": 1} })
	m.SetRunning(nil)
	if n := testutil.CollectAndCount(reg, "notebook_running"); n != 0 {
		t.Errorf("notebook_running has %d series after SetRunning(nil), want 0", n)
	}
}

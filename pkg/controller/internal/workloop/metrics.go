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

package workloop

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are every loop's reconcile durations and results, labelled by
// controller and result.
type Metrics struct {
	// Duration observes each reconcile.
	Duration *prometheus.HistogramVec
	// Results counts reconciles.
	Results *prometheus.CounterVec
}

// Label names of the loop metrics.
const (
	LabelController = "controller"
	LabelResult     = "result"
)

// NewMetrics returns the loop metrics registered in reg; a nil reg leaves
// them unregistered, which suits tests. Create them once per process and
// give them to every loop.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	labels := []string{LabelController, LabelResult}
	m := &Metrics{
		Duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "mlplane_reconcile_duration_seconds",
			Help: "Time to reconcile one object, by controller and result.",
			// 1 ms to about 65 s: a reconcile lists from caches and may
			// create a few hundred pods with bounded fan-out.
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 17),
		}, labels),
		Results: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mlplane_reconcile_total",
			Help: "Number of reconciles, by controller and result (success, error, conflict, dropped).",
		}, labels),
	}
	if reg != nil {
		reg.MustRegister(m.Duration, m.Results)
	}
	return m
}

func (m *Metrics) observe(controller, result string, d time.Duration) {
	m.Duration.WithLabelValues(controller, result).Observe(d.Seconds())
	m.Results.WithLabelValues(controller, result).Inc()
}

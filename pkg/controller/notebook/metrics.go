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
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// metricLabelNamespace and metricLabelName label the notebook metrics, as
// upstream's notebook-controller.
const (
	metricLabelNamespace = "namespace"
	metricLabelName      = "name"
)

// Metrics are the notebook controller's metrics, under upstream's names.
// Upstream defines the culling metrics but never exports them; mlplane does.
type Metrics struct {
	Created      *prometheus.CounterVec
	CreateFailed *prometheus.CounterVec
	Culled       *prometheus.CounterVec
	LastCulled   *prometheus.GaugeVec

	running *runningCollector
}

// NewMetrics returns the notebook metrics registered in reg; a nil reg
// leaves them unregistered, for tests.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Created: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "notebook_create_total",
			Help: "Total times of creating notebooks",
		}, []string{metricLabelNamespace}),
		CreateFailed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "notebook_create_failed_total",
			Help: "Total failure times of creating notebooks",
		}, []string{metricLabelNamespace}),
		Culled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "notebook_culling_total",
			Help: "Total times of culling notebooks",
		}, []string{metricLabelNamespace, metricLabelName}),
		LastCulled: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "last_notebook_culling_timestamp_seconds",
			Help: "Timestamp of the last notebook culling in seconds",
		}, []string{metricLabelNamespace, metricLabelName}),
		running: &runningCollector{desc: prometheus.NewDesc("notebook_running",
			"Current running notebooks in the cluster", []string{metricLabelNamespace}, nil)},
	}
	if reg != nil {
		reg.MustRegister(m.Created, m.CreateFailed, m.Culled, m.LastCulled, m.running)
	}
	return m
}

// SetRunning makes notebook_running report count, which returns the number
// of notebook StatefulSets per namespace, as upstream counts them. The
// controller sets it each time it starts leading; nil reports nothing.
func (m *Metrics) SetRunning(count func() map[string]int) {
	m.running.mu.Lock()
	defer m.running.mu.Unlock()
	m.running.count = count
}

// runningCollector computes notebook_running on scrape, from the
// controller's cache rather than a list call per scrape.
type runningCollector struct {
	desc  *prometheus.Desc
	mu    sync.Mutex
	count func() map[string]int
}

func (c *runningCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *runningCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	count := c.count
	c.mu.Unlock()
	if count == nil {
		return
	}
	for ns, n := range count() {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n), ns)
	}
}

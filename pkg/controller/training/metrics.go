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
	"github.com/prometheus/client_golang/prometheus"
)

// metricLabelJobNamespace and metricLabelFramework label the job counters,
// as upstream.
const (
	metricLabelJobNamespace = "job_namespace"
	metricLabelFramework    = "framework"
)

// Metrics are the training job engine's metrics, under the training
// operator's names so that existing dashboards and alerts keep working. Its
// reconcile durations and results are its work loop's (workloop.Metrics).
//
// The job counters take the labels (job_namespace, framework), where
// framework is upstream's lower-case name: "tensorflow", "pytorch", ... The
// pod, service and pod group counters have no labels, as upstream.
type Metrics struct {
	JobsCreated    *prometheus.CounterVec
	JobsDeleted    *prometheus.CounterVec
	JobsSuccessful *prometheus.CounterVec
	JobsFailed     *prometheus.CounterVec
	JobsRestarted  *prometheus.CounterVec

	PodsCreated prometheus.Counter
	PodsDeleted prometheus.Counter
	PodsFailed  prometheus.Counter

	ServiceCreationSucceeded prometheus.Counter
	ServiceCreationFailed    prometheus.Counter

	PodGroupsCreated prometheus.Counter
	PodGroupsDeleted prometheus.Counter
}

// NewMetrics returns the engine's metrics registered in reg. A nil reg
// leaves them unregistered, which suits tests of the engine. Registering
// twice in the same registry is a wiring error and panics, as with promauto.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	jobCounter := func(name, help string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help},
			[]string{metricLabelJobNamespace, metricLabelFramework})
	}
	counter := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	}
	m := &Metrics{
		JobsCreated:    jobCounter("training_operator_jobs_created_total", "Number of training jobs the controller saw created."),
		JobsDeleted:    jobCounter("training_operator_jobs_deleted_total", "Number of finished training jobs the controller deleted (ttlSecondsAfterFinished)."),
		JobsSuccessful: jobCounter("training_operator_jobs_successful_total", "Number of training jobs that succeeded."),
		JobsFailed:     jobCounter("training_operator_jobs_failed_total", "Number of training jobs that failed."),
		JobsRestarted:  jobCounter("training_operator_jobs_restarted_total", "Number of times a training job started restarting failed replicas."),

		PodsCreated: counter("created_pods_total", "Number of replica pods created."),
		PodsDeleted: counter("deleted_pods_total", "Number of replica pod deletions the controller observed."),
		PodsFailed:  counter("failed_pods_total", "Number of replica pods the controller saw in phase Failed."),

		ServiceCreationSucceeded: counter("succeeded_service_creation_total", "Number of replica services created."),
		ServiceCreationFailed:    counter("failed_service_creation_total", "Number of replica services that could not be created."),

		PodGroupsCreated: counter("created_pod_groups_total", "Number of gang-scheduling pod groups created."),
		PodGroupsDeleted: counter("deleted_pod_groups_total", "Number of gang-scheduling pod groups deleted."),
	}
	if reg != nil {
		reg.MustRegister(m.collectors()...)
	}
	return m
}

func (m *Metrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{
		m.JobsCreated, m.JobsDeleted, m.JobsSuccessful, m.JobsFailed, m.JobsRestarted,
		m.PodsCreated, m.PodsDeleted, m.PodsFailed,
		m.ServiceCreationSucceeded, m.ServiceCreationFailed,
		m.PodGroupsCreated, m.PodGroupsDeleted,
	}
}

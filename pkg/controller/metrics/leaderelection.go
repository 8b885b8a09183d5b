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
	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/client-go/tools/leaderelection"
)

// leaderElectionProvider reports client-go leader election under the names
// Kubernetes components use.
type leaderElectionProvider struct {
	status   *prometheus.GaugeVec
	slowpath *prometheus.CounterVec
}

var (
	_ leaderelection.MetricsProvider = &leaderElectionProvider{}
	_ leaderelection.LeaderMetric    = &leaderElectionProvider{}
)

// NewLeaderElectionProvider returns a leader election metrics provider
// whose metrics are registered in reg. Install it with
// leaderelection.SetProvider before the elector is created.
func NewLeaderElectionProvider(reg prometheus.Registerer) leaderelection.MetricsProvider {
	p := &leaderElectionProvider{
		status: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "leader_election_master_status",
			Help: "1 while this process holds the named lease, 0 otherwise.",
		}, []string{"name"}),
		slowpath: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "leader_election_slowpath_total",
			Help: "Number of lease renewals that had to fetch the lease from the server.",
		}, []string{"name"}),
	}
	reg.MustRegister(p.status, p.slowpath)
	return p
}

func (p *leaderElectionProvider) NewLeaderMetric() leaderelection.LeaderMetric { return p }

func (p *leaderElectionProvider) On(name string)  { p.status.WithLabelValues(name).Set(1) }
func (p *leaderElectionProvider) Off(name string) { p.status.WithLabelValues(name).Set(0) }

func (p *leaderElectionProvider) SlowpathExercised(name string) {
	p.slowpath.WithLabelValues(name).Inc()
}

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

package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"k8s.io/apiserver/pkg/server/healthz"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/klog/v2"
)

// errServing marks the failure of a server after it started listening.
var errServing = errors.New("serving")

const (
	// leaderElectionHealthTimeout is how long past the expiry of a Lease
	// it still holds the leader reports healthy, as kube-controller-manager.
	leaderElectionHealthTimeout = 20 * time.Second
	serverShutdownTimeout       = 5 * time.Second
)

// health backs the probes.
//
// /healthz (liveness) succeeds once the process serves, unless it leads
// but has not renewed its Lease for leaderElectionHealthTimeout past its
// expiry. /readyz succeeds except while the informer caches are syncing
// and once shutdown has begun. A standby replica, which runs no informers,
// is therefore ready: it is healthy and waiting, and readiness gates only
// Service endpoints, which the controller has none of.
type health struct {
	leaderElection *leaderelection.HealthzAdaptor
	syncing        atomic.Bool
}

func newHealth(leaderElect bool) *health {
	h := &health{}
	if leaderElect {
		h.leaderElection = leaderelection.NewLeaderHealthzAdaptor(leaderElectionHealthTimeout)
	} else {
		// Without an election the caches start at once.
		h.syncing.Store(true)
	}
	return h
}

func (h *health) setSyncing(syncing bool) { h.syncing.Store(syncing) }

// handler serves /healthz and /readyz; shutdown closes when the process
// starts to stop.
func (h *health) handler(shutdown <-chan struct{}) http.Handler {
	mux := http.NewServeMux()
	live := []healthz.HealthChecker{healthz.PingHealthz}
	if h.leaderElection != nil {
		live = append(live, h.leaderElection)
	}
	healthz.InstallHandler(mux, live...)
	healthz.InstallReadyzHandler(mux, healthz.PingHealthz,
		healthz.NamedCheck("informer-sync", func(*http.Request) error {
			if h.syncing.Load() {
				return errors.New("informer caches are syncing")
			}
			return nil
		}),
		healthz.NewShutdownHealthz(shutdown))
	return mux
}

// serve starts the metrics and probe servers; a server that fails later
// cancels ctx with an error wrapping errServing. The returned function
// stops both.
func (o *Options) serve(ctx context.Context, cancel context.CancelCauseFunc, registry *prometheus.Registry, h *health) (func(), error) {
	var servers []*http.Server
	stop := func() {
		shutdownCtx, done := context.WithTimeout(context.WithoutCancel(ctx), serverShutdownTimeout)
		defer done()
		for _, s := range servers {
			if err := s.Shutdown(shutdownCtx); err != nil {
				klog.FromContext(ctx).Error(err, "Stopping server", "address", s.Addr)
			}
		}
	}
	for _, s := range []struct {
		flag, addr string
		handler    http.Handler
	}{
		{"--metrics-bind-address", o.MetricsBindAddress, metricsHandler(registry)},
		{"--health-probe-bind-address", o.HealthProbeBindAddress, h.handler(ctx.Done())},
	} {
		if s.addr == disabled {
			continue
		}
		server, err := listenAndServe(ctx, cancel, s.flag, s.addr, s.handler)
		if err != nil {
			stop()
			return nil, err
		}
		servers = append(servers, server)
	}
	return stop, nil
}

func metricsHandler(registry *prometheus.Registry) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.InstrumentMetricHandler(registry,
		promhttp.HandlerFor(registry, promhttp.HandlerOpts{Registry: registry})))
	return mux
}

// listenAndServe binds addr now, so a busy port fails start-up with the
// flag's name, and serves in the background.
func listenAndServe(ctx context.Context, cancel context.CancelCauseFunc, flag, addr string, handler http.Handler) (*http.Server, error) {
	listener, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	server := &http.Server{
		Addr:              listener.Addr().String(),
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
	}
	klog.FromContext(ctx).Info("Serving", "flag", flag, "address", server.Addr)
	go func() {
		if err := server.Serve(listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			cancel(fmt.Errorf("%w %s %s: %w", errServing, flag, server.Addr, err))
		}
	}()
	return server, nil
}

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
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mlplane/mlplane/pkg/controller/training"
)

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	body, err := io.ReadAll(rec.Result().Body)
	if err != nil {
		t.Fatal(err)
	}
	return rec.Code, string(body)
}

func TestProbesWithoutLeaderElection(t *testing.T) {
	h := newHealth(false)
	shutdown := make(chan struct{})
	handler := h.handler(shutdown)

	if code, body := get(t, handler, "/healthz"); code != http.StatusOK {
		t.Errorf("/healthz = %d %q, want 200 once serving", code, body)
	}
	if code, _ := get(t, handler, "/readyz"); code != http.StatusInternalServerError {
		t.Errorf("/readyz = %d before the caches synced, want 500", code)
	}
	if code, body := get(t, handler, "/readyz/informer-sync"); code == http.StatusOK || !strings.Contains(body, "syncing") {
		t.Errorf("/readyz/informer-sync = %d %q, want a failure saying the caches are syncing", code, body)
	}

	h.setSyncing(false)
	if code, body := get(t, handler, "/readyz"); code != http.StatusOK {
		t.Errorf("/readyz = %d %q after the caches synced, want 200", code, body)
	}

	close(shutdown)
	if code, _ := get(t, handler, "/readyz"); code != http.StatusInternalServerError {
		t.Errorf("/readyz = %d during shutdown, want 500", code)
	}
	if code, _ := get(t, handler, "/healthz"); code != http.StatusOK {
		t.Errorf("/healthz = %d during shutdown, want 200", code)
	}
}

func TestProbesWithLeaderElection(t *testing.T) {
	h := newHealth(true)
	handler := h.handler(make(chan struct{}))

	// A standby runs no informers and is ready.
	if code, body := get(t, handler, "/readyz"); code != http.StatusOK {
		t.Errorf("/readyz = %d %q while standing by, want 200", code, body)
	}
	if code, body := get(t, handler, "/healthz?verbose"); code != http.StatusOK || !strings.Contains(body, "leaderElection ok") {
		t.Errorf("/healthz = %d %q, want 200 with the leaderElection check", code, body)
	}
	// Elected: not ready until the caches sync.
	h.setSyncing(true)
	if code, _ := get(t, handler, "/readyz"); code != http.StatusInternalServerError {
		t.Errorf("/readyz = %d while syncing after election, want 500", code)
	}
}

func TestMetricsHandlerServesTheRegistry(t *testing.T) {
	registry := prometheus.NewRegistry()
	m := training.NewMetrics(registry)
	m.JobsCreated.WithLabelValues("default", "tensorflow").Inc()

	code, body := get(t, metricsHandler(registry), "/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics = %d", code)
	}
	for _, want := range []string{
		`training_operator_jobs_created_total{framework="tensorflow",job_namespace="default"} 1`,
		"created_pods_total 0",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics does not contain %q:\n%s", want, body)
		}
	}
}

func TestServeNamesTheFlagOfABusyPort(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()

	o := NewOptions()
	o.MetricsBindAddress = "127.0.0.1:0"
	o.HealthProbeBindAddress = busy.Addr().String()
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	_, err = o.serve(ctx, cancel, prometheus.NewRegistry(), newHealth(false))
	if err == nil || !strings.Contains(err.Error(), "--health-probe-bind-address") {
		t.Errorf("serve error = %v, want one naming --health-probe-bind-address", err)
	}
}

func TestServeSkipsDisabledServers(t *testing.T) {
	o := NewOptions()
	o.MetricsBindAddress, o.HealthProbeBindAddress = "0", "0"
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	stop, err := o.serve(ctx, cancel, prometheus.NewRegistry(), newHealth(false))
	if err != nil {
		t.Fatalf("serve: %v", err)
	}
	stop()
}

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
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

type key struct{ name string }

func terminating() error {
	err := apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, "p", errors.New("namespace is terminating"))
	err.ErrStatus.Details.Causes = []metav1.StatusCause{{Type: corev1.NamespaceTerminatingCause}}
	return err
}

func TestErrorPolicy(t *testing.T) {
	conflict := apierrors.NewConflict(schema.GroupResource{Resource: "notebooks"}, "nb", errors.New("changed"))
	tests := []struct {
		name       string
		err        error
		result     string
		requeued   bool
		rateLimits int
	}{
		{"success forgets the key", nil, ResultSuccess, false, 0},
		{"a conflict is retried with backoff", conflict, ResultConflict, true, 1},
		{"a wrapped conflict is a conflict", fmt.Errorf("updating status: %w", conflict), ResultConflict, true, 1},
		{"joined conflicts are a conflict", errors.Join(conflict, conflict), ResultConflict, true, 1},
		{"a terminating namespace drops the key", terminating(), ResultDropped, false, 0},
		{"any other error is retried with backoff", errors.New("boom"), ResultError, true, 1},
		{"a conflict joined with another error is an error", errors.Join(conflict, errors.New("boom")), ResultError, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMetrics(nil)
			l := New(Config[key]{Name: "test", Metrics: m,
				Reconcile: func(context.Context, key) (time.Duration, error) { return 0, tt.err }})
			defer l.queue.ShutDown()
			k := key{"a"}
			l.Add(k)
			if !l.ProcessNext(context.Background()) {
				t.Fatal("queue shut down")
			}
			if got := l.queue.NumRequeues(k); got != tt.rateLimits {
				t.Errorf("requeues = %d, want %d", got, tt.rateLimits)
			}
			if got := testutil.ToFloat64(m.Results.WithLabelValues("test", tt.result)); got != 1 {
				t.Errorf("mlplane_reconcile_total{result=%q} = %v, want 1", tt.result, got)
			}
			if got := Result(tt.err); got != tt.result {
				t.Errorf("Result = %q, want %q", got, tt.result)
			}
			if !tt.requeued && l.Len() != 0 {
				t.Errorf("queue has %d keys, want none", l.Len())
			}
		})
	}
}

func TestRequeueAfterWakesTheKey(t *testing.T) {
	calls := 0
	l := New(Config[key]{Name: "test", Reconcile: func(context.Context, key) (time.Duration, error) {
		calls++
		if calls == 1 {
			return 20 * time.Millisecond, nil
		}
		return 0, nil
	}})
	defer l.queue.ShutDown()
	l.Add(key{"a"})
	l.ProcessNext(context.Background())
	if l.Len() != 0 {
		t.Fatalf("key queued at once; want it after the delay")
	}
	done := make(chan struct{})
	go func() { l.ProcessNext(context.Background()); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("key was not woken after requeueAfter")
	}
	if calls != 2 {
		t.Errorf("reconciled %d times, want 2", calls)
	}
}

func TestRunStopsWithContextAndShutsTheQueue(t *testing.T) {
	l := New(Config[key]{Name: "test", Reconcile: func(context.Context, key) (time.Duration, error) { return 0, nil }})
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 1)
	go func() { errs <- l.Run(ctx, 2) }()
	cancel()
	select {
	case err := <-errs:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after the context ended")
	}
	if !l.queue.ShuttingDown() {
		t.Error("queue not shut down")
	}
}

func TestRunFailsWhenCachesNeverSync(t *testing.T) {
	l := New(Config[key]{Name: "test", Reconcile: func(context.Context, key) (time.Duration, error) { return 0, nil }})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	never := func() bool { return false }
	// A context that ends while waiting is a shutdown, not a failure.
	if err := l.Run(ctx, 1, never); err != nil {
		t.Fatalf("Run = %v, want nil on shutdown", err)
	}
}

func TestUntilNeverAsksForNoWakeUp(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		deadline time.Time
		want     time.Duration
	}{
		{"ahead", now.Add(90 * time.Second), 90 * time.Second},
		{"now", now, time.Millisecond},
		{"passed", now.Add(-time.Hour), time.Millisecond},
	} {
		if got := Until(tc.deadline, now); got != tc.want {
			t.Errorf("%s: Until = %v, want %v", tc.name, got, tc.want)
		}
	}
}

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

package console

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestParallelRunsEveryIndex(t *testing.T) {
	const n = 50
	var mu sync.Mutex
	seen := map[int]int{}
	err := parallel(context.Background(), n, func(_ context.Context, i int) error {
		mu.Lock()
		defer mu.Unlock()
		seen[i]++
		return nil
	})
	if err != nil {
		t.Fatalf("parallel = %v", err)
	}
	for i := range n {
		if seen[i] != 1 {
			t.Errorf("index %d ran %d times", i, seen[i])
		}
	}
	if len(seen) != n {
		t.Errorf("ran %d indices, want %d", len(seen), n)
	}
}

func TestParallelWithNothingToDo(t *testing.T) {
	called := false
	if err := parallel(context.Background(), 0, func(context.Context, int) error { called = true; return nil }); err != nil {
		t.Errorf("parallel(0) = %v, want nil", err)
	}
	if called {
		t.Errorf("parallel(0) called fn")
	}
}

func TestParallelReturnsTheFirstErrorAndCancelsTheRest(t *testing.T) {
	boom := errors.New("boom")
	var ran atomic.Int32
	// Index 0 fails; the others wait for the cancellation that failure
	// brings and then fail too, later: the first error must win.
	err := parallel(context.Background(), 20, func(ctx context.Context, i int) error {
		ran.Add(1)
		if i == 0 {
			return boom
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Second):
			return errors.New("not cancelled")
		}
	})
	if !errors.Is(err, boom) {
		t.Errorf("parallel = %v, want the first error %v", err, boom)
	}
	if ran.Load() != 20 {
		t.Errorf("%d of 20 ran", ran.Load())
	}
}

func TestParallelRunsAtMostEightAtATime(t *testing.T) {
	var running, most atomic.Int32
	err := parallel(context.Background(), 32, func(context.Context, int) error {
		now := running.Add(1)
		for {
			m := most.Load()
			if now <= m || most.CompareAndSwap(m, now) {
				break
			}
		}
		time.Sleep(2 * time.Millisecond)
		running.Add(-1)
		return nil
	})
	if err != nil {
		t.Fatalf("parallel = %v", err)
	}
	if m := most.Load(); m > 8 || m < 1 {
		t.Errorf("%d ran at once, want between 1 and 8", m)
	}
}

func TestParallelPassesTheCallersContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := parallel(ctx, 3, func(ctx context.Context, _ int) error { return ctx.Err() })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("parallel with a cancelled context = %v, want context.Canceled", err)
	}
}

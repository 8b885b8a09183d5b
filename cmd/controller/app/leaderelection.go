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
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
	"k8s.io/client-go/tools/record"
	"k8s.io/klog/v2"
)

// errLeaderElectionLost ends the process when another instance may lead.
var errLeaderElectionLost = errors.New("lost the leader election lease")

// runWithLeaderElection campaigns for the Lease and runs run while it
// leads.
//
// On shutdown (ctx ends) the controller stops first and the Lease is
// released after, so a successor starts at once and never overlaps with
// this process. If the Lease is lost instead (renewal failed), another
// instance may already reconcile: it returns errLeaderElectionLost at once
// without waiting for the controller, and the process exits, as Kubernetes'
// controllers do; a restart campaigns again.
func (o *Options) runWithLeaderElection(ctx context.Context, recorder record.EventRecorder, h *health, config *rest.Config,
	run func(context.Context) error) error {
	logger := klog.FromContext(ctx)
	le := o.LeaderElection

	// A client of its own, so that renewals never queue behind the
	// controller's requests in the client-side rate limiter.
	electionConfig := rest.CopyConfig(config)
	electionConfig.UserAgent = component + "/leader-election"
	client, err := kubernetes.NewForConfig(electionConfig)
	if err != nil {
		return fmt.Errorf("creating leader election client: %w", err)
	}
	lock := &resourcelock.LeaseLock{
		LeaseMeta: metav1.ObjectMeta{Namespace: le.ResourceNamespace, Name: le.ResourceName},
		Client:    client.CoordinationV1(),
		LockConfig: resourcelock.ResourceLockConfig{
			Identity:      o.identity,
			EventRecorder: recorder,
		},
	}

	// The election runs on a context of its own, which ends when standing
	// by at shutdown, or when the controller has returned.
	electionCtx, stopElection := context.WithCancel(context.WithoutCancel(ctx))
	defer stopElection()
	var (
		mu      sync.Mutex
		leading bool
		runErr  error
		// lost says the elector, not this process, ended the leading
		// context: renewal failed.
		lost    bool
		runDone = make(chan struct{})
	)
	stopStandby := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		if !leading {
			stopElection()
		}
	})
	defer stopStandby()

	elector, err := leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
		Lock:            lock,
		Name:            le.ResourceName,
		LeaseDuration:   le.LeaseDuration.Duration,
		RenewDeadline:   le.RenewDeadline.Duration,
		RetryPeriod:     le.RetryPeriod.Duration,
		ReleaseOnCancel: true,
		WatchDog:        h.leaderElection,
		Callbacks: leaderelection.LeaderCallbacks{
			OnStartedLeading: func(leadingCtx context.Context) {
				mu.Lock()
				leading = true
				mu.Unlock()
				logger.Info("Started leading", "lease", klog.KObj(&lock.LeaseMeta), "identity", o.identity)
				// Stop on shutdown or when the Lease is lost.
				runCtx, cancel := context.WithCancel(leadingCtx)
				stop := context.AfterFunc(ctx, cancel)
				err := run(runCtx)
				stop()
				cancel()
				mu.Lock()
				runErr, lost = err, leadingCtx.Err() != nil
				mu.Unlock()
				close(runDone)
				stopElection() // releases the Lease
			},
			OnStoppedLeading: func() {
				logger.V(2).Info("Leader election ended", "lease", klog.KObj(&lock.LeaseMeta))
			},
			OnNewLeader: func(identity string) {
				if identity != o.identity {
					logger.Info("Standing by; another instance leads", "lease", klog.KObj(&lock.LeaseMeta), "leader", identity)
				}
			},
		},
	})
	if err != nil {
		return fmt.Errorf("leader election: %w", err)
	}
	h.leaderElection.SetLeaderElection(elector)

	logger.Info("Campaigning for leadership", "lease", klog.KObj(&lock.LeaseMeta), "identity", o.identity)
	elector.Run(electionCtx)

	select {
	case <-runDone:
		mu.Lock()
		defer mu.Unlock()
		if !lost {
			if runErr == nil {
				logger.Info("Stopped leading; lease released", "lease", klog.KObj(&lock.LeaseMeta))
			}
			return runErr
		}
	default:
		// Still stopping: the Lease was lost, or shutdown came while
		// standing by.
		if ctx.Err() != nil {
			logger.Info("Stopped while standing by", "lease", klog.KObj(&lock.LeaseMeta))
			return nil
		}
	}
	logger.Error(nil, "Lost the leader election lease; exiting so that only the new leader reconciles",
		"lease", klog.KObj(&lock.LeaseMeta), "identity", o.identity)
	return fmt.Errorf("%w %s/%s", errLeaderElectionLost, le.ResourceNamespace, le.ResourceName)
}

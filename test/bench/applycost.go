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

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	appsv1ac "k8s.io/client-go/applyconfigurations/apps/v1"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	"k8s.io/utils/ptr"
)

// notebookFieldManager is the notebook controller's field manager.
const notebookFieldManager = "mlplane-notebook"

// applyCostRounds is how many no-op applies of each child are timed.
const applyCostRounds = 200

// applyCost is what a server-side apply that changes nothing costs: the
// price of applying a notebook's children on every reconcile instead of
// only when the hash of what the controller applies changed.
type applyCost struct {
	rounds int
	// serverCPU is kube-apiserver's CPU seconds per apply, latency the
	// mean round trip, both over a StatefulSet and a Service apply.
	serverCPU float64
	latency   time.Duration
	// reconciles are the notebook reconciles of the create phase (its
	// queue adds).
	reconciles float64
}

// measureApplyCost re-applies, with the notebook controller's field
// manager, exactly what it owns of one notebook's StatefulSet and Service,
// applyCostRounds times each. It returns nil when the controller does not
// apply (a tree from before server-side apply).
func measureApplyCost(ctx context.Context, c *cluster, ns, name string, reconciles float64) (*applyCost, error) {
	sts, err := c.kube.AppsV1().StatefulSets(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("getting StatefulSet %s/%s: %w", ns, name, err)
	}
	stsOwned, err := appsv1ac.ExtractStatefulSet(sts, notebookFieldManager)
	if err != nil {
		return nil, fmt.Errorf("extracting what %s owns of StatefulSet %s: %w", notebookFieldManager, name, err)
	}
	svc, err := c.kube.CoreV1().Services(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("getting Service %s/%s: %w", ns, name, err)
	}
	svcOwned, err := corev1ac.ExtractService(svc, notebookFieldManager)
	if err != nil {
		return nil, fmt.Errorf("extracting what %s owns of Service %s: %w", notebookFieldManager, name, err)
	}
	if stsOwned.Spec == nil || svcOwned.Spec == nil {
		return nil, nil
	}
	stsBody, err := json.Marshal(stsOwned)
	if err != nil {
		return nil, err
	}
	svcBody, err := json.Marshal(svcOwned)
	if err != nil {
		return nil, err
	}
	pid, err := c.pid("kube-apiserver")
	if err != nil {
		return nil, err
	}
	opts := metav1.PatchOptions{FieldManager: notebookFieldManager, Force: ptr.To(true)}
	// A first apply of what the manager owns may still rewrite its
	// managedFields (a create's fields recorded as an update); the timed
	// ones after it must change nothing.
	warm, err := c.kube.AppsV1().StatefulSets(ns).Patch(ctx, name, types.ApplyPatchType, stsBody, opts)
	if err != nil {
		return nil, fmt.Errorf("applying StatefulSet %s: %w", name, err)
	}
	if _, err := c.kube.CoreV1().Services(ns).Patch(ctx, name, types.ApplyPatchType, svcBody, opts); err != nil {
		return nil, fmt.Errorf("applying Service %s: %w", name, err)
	}
	sts = warm
	cpuBefore, err := processCPU(pid)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	for range applyCostRounds {
		out, err := c.kube.AppsV1().StatefulSets(ns).Patch(ctx, name, types.ApplyPatchType, stsBody, opts)
		if err != nil {
			return nil, fmt.Errorf("applying StatefulSet %s: %w", name, err)
		}
		if out.ResourceVersion != sts.ResourceVersion {
			return nil, fmt.Errorf("the apply of StatefulSet %s changed it (resourceVersion %s to %s)", name,
				sts.ResourceVersion, out.ResourceVersion)
		}
		if _, err := c.kube.CoreV1().Services(ns).Patch(ctx, name, types.ApplyPatchType, svcBody, opts); err != nil {
			return nil, fmt.Errorf("applying Service %s: %w", name, err)
		}
	}
	elapsed := time.Since(start)
	cpuAfter, err := processCPU(pid)
	if err != nil {
		return nil, err
	}
	applies := float64(2 * applyCostRounds)
	return &applyCost{
		rounds:     applyCostRounds,
		serverCPU:  (cpuAfter - cpuBefore) / applies,
		latency:    time.Duration(float64(elapsed) / applies),
		reconciles: reconciles,
	}, nil
}

// String says what the measurement means.
func (a *applyCost) String() string {
	if a == nil {
		return "not measured (the controller does not apply with field manager " + notebookFieldManager + ")"
	}
	return fmt.Sprintf("a server-side apply that changes nothing (a notebook's StatefulSet and Service, %d each, "+
		"with the controller's field manager) took %.2f ms of kube-apiserver CPU and %.2f ms per request; "+
		"the create phase had %.0f notebook reconciles, so applying both children on every reconcile would have cost "+
		"about %.1f kube-apiserver CPU s and %.0f requests, which the controller's hash gate saves",
		a.rounds, a.serverCPU*1000, float64(a.latency.Microseconds())/1000, a.reconciles,
		2*a.reconciles*a.serverCPU, 2*a.reconciles)
}

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
	"fmt"
	"strings"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	kubeinformers "k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/notebook"
	"github.com/mlplane/mlplane/pkg/generated/informers/externalversions"
)

// Kinds the notebook scenario watches, in the order it reports them.
const (
	kindNotebook    = "Notebook"
	kindStatefulSet = "StatefulSet"
	kindService     = "Service"
	kindPod         = "Pod"
)

var watchedKinds = []string{kindNotebook, kindStatefulSet, kindService, kindPod}

// writeCounts counts the writes seen of one kind: objects added, changed
// (a new resourceVersion) and deleted.
type writeCounts struct{ adds, updates, deletes int }

func (w writeCounts) total() int { return w.adds + w.updates + w.deletes }

func (w writeCounts) sub(o writeCounts) writeCounts {
	return writeCounts{w.adds - o.adds, w.updates - o.updates, w.deletes - o.deletes}
}

// notebookTracker watches everything of one namespace the notebook
// scenario makes or causes, records when each notebook's StatefulSet first
// exists, its pod first runs, its StatefulSet first counts a ready replica
// (kube-controller-manager's part) and the Notebook is first Ready (what
// mlplane-controller makes of it), and counts
// every write: in a quiet namespace any of them during the idle window is
// an update loop (or someone else's periodic write).
type notebookTracker struct {
	mu           sync.Mutex
	statefulSets *milestone
	running      *milestone
	stsReady     *milestone
	ready        *milestone
	// resourceVersions by kind/name tell a real change from a replay.
	resourceVersions map[string]string
	writes           map[string]writeCounts
	// recording keeps the first writes, with who made them (examples).
	recording bool
	examples  []string
	// podUIDs finds pods re-created under the same name; failing counts
	// notebooks seen with mlplane's Failure condition.
	podUIDs   map[string]types.UID
	recreated int
	failing   map[string]bool
}

func newNotebookTracker(want int) *notebookTracker {
	return &notebookTracker{
		statefulSets: newMilestone(want), running: newMilestone(want), stsReady: newMilestone(want), ready: newMilestone(want),
		resourceVersions: map[string]string{}, writes: map[string]writeCounts{},
		podUIDs: map[string]types.UID{}, failing: map[string]bool{},
	}
}

// maxWriteExamples bounds the writes recorded with their manager.
const maxWriteExamples = 10

// observe records an added or updated object of kind.
func (t *notebookTracker) observe(kind string, obj any) {
	m, ok := obj.(metav1.Object)
	if !ok {
		return
	}
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	key := kind + "/" + m.GetName()
	old, seen := t.resourceVersions[key]
	if seen && old == m.GetResourceVersion() {
		return // a replay, not a write
	}
	t.resourceVersions[key] = m.GetResourceVersion()
	w, op := t.writes[kind], "add"
	if seen {
		w.updates++
		op = "update"
	} else {
		w.adds++
	}
	t.writes[kind] = w
	t.record(op, key, m)

	switch o := obj.(type) {
	case *appsv1.StatefulSet:
		t.statefulSets.reach(o.Name, now)
		if o.Status.ReadyReplicas == 1 {
			t.stsReady.reach(o.Name, now)
		}
	case *corev1.Pod:
		if uid, ok := t.podUIDs[o.Name]; ok && uid != o.UID {
			t.recreated++
		}
		t.podUIDs[o.Name] = o.UID
		if o.Status.Phase == corev1.PodRunning {
			t.running.reach(o.Labels[notebook.NameLabel], now)
		}
	case *kubeflowv1.Notebook:
		if o.Status.ReadyReplicas == 1 {
			t.ready.reach(o.Name, now)
		}
		for _, c := range o.Status.Conditions {
			if c.Type == notebook.FailureCondition && c.Status == string(corev1.ConditionTrue) {
				t.failing[o.Name] = true
			}
		}
	}
}

// forget records a deleted object of kind.
func (t *notebookTracker) forget(kind string, obj any) {
	if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = tomb.Obj
	}
	m, ok := obj.(metav1.Object)
	if !ok {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	key := kind + "/" + m.GetName()
	delete(t.resourceVersions, key)
	w := t.writes[kind]
	w.deletes++
	t.writes[kind] = w
	t.record("delete", key, m)
}

// record keeps a write while recording, with the manager and operation of
// the object's newest managedFields entry: who wrote it. Callers hold mu.
func (t *notebookTracker) record(what, key string, m metav1.Object) {
	if !t.recording || len(t.examples) >= maxWriteExamples {
		return
	}
	by := "unknown writer"
	var newest *metav1.ManagedFieldsEntry
	for i, e := range m.GetManagedFields() {
		if e.Time != nil && (newest == nil || !e.Time.Before(newest.Time)) {
			newest = &m.GetManagedFields()[i]
		}
	}
	if newest != nil {
		by = fmt.Sprintf("newest managedFields: %s %s", newest.Manager, newest.Operation)
		if newest.Subresource != "" {
			by += " " + newest.Subresource
		}
	}
	t.examples = append(t.examples, fmt.Sprintf("%s %s %s (resourceVersion %s; %s)",
		time.Now().Format("15:04:05"), what, key, m.GetResourceVersion(), by))
}

// counts returns the writes seen so far, by kind.
func (t *notebookTracker) counts() map[string]writeCounts {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[string]writeCounts, len(t.writes))
	for k, v := range t.writes {
		out[k] = v
	}
	return out
}

// setRecording starts or stops keeping examples of writes.
func (t *notebookTracker) setRecording(on bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.recording = on
}

func (t *notebookTracker) progress() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return fmt.Sprintf("%d/%d StatefulSets exist, %d pods Running, %d StatefulSets ready, %d Notebooks Ready, %d with the Failure condition",
		len(t.statefulSets.seen), t.statefulSets.want, len(t.running.seen), len(t.stsReady.seen), len(t.ready.seen), len(t.failing))
}

// anomalies describes what does not happen in a healthy run, or nil.
func (t *notebookTracker) anomalies() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	if t.recreated > 0 {
		out = append(out, fmt.Sprintf("%d pods re-created with a new UID", t.recreated))
	}
	var deleted []string
	for _, kind := range watchedKinds {
		if n := t.writes[kind].deletes; n > 0 {
			deleted = append(deleted, fmt.Sprintf("%d %ss", n, kind))
		}
	}
	if len(deleted) > 0 {
		out = append(out, "deleted: "+strings.Join(deleted, ", "))
	}
	if len(t.failing) > 0 {
		out = append(out, fmt.Sprintf("%d Notebooks had the %s condition", len(t.failing), notebook.FailureCondition))
	}
	return out
}

// watchNotebookObjects starts informers on the namespace's Notebooks,
// StatefulSets, Services and pods feeding t; it returns once they have
// synced.
func watchNotebookObjects(ctx context.Context, c *cluster, namespace string, t *notebookTracker) error {
	kube := kubeinformers.NewSharedInformerFactoryWithOptions(c.kube, 0, kubeinformers.WithNamespace(namespace))
	mlplane := externalversions.NewSharedInformerFactoryWithOptions(c.mlplane, 0, externalversions.WithNamespace(namespace))
	for _, w := range []struct {
		kind string
		inf  cache.SharedIndexInformer
	}{
		{kindNotebook, mlplane.Kubeflow().V1().Notebooks().Informer()},
		{kindStatefulSet, kube.Apps().V1().StatefulSets().Informer()},
		{kindService, kube.Core().V1().Services().Informer()},
		{kindPod, kube.Core().V1().Pods().Informer()},
	} {
		if _, err := w.inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
			AddFunc:    func(obj any) { t.observe(w.kind, obj) },
			UpdateFunc: func(_, obj any) { t.observe(w.kind, obj) },
			DeleteFunc: func(obj any) { t.forget(w.kind, obj) },
		}); err != nil {
			return fmt.Errorf("watching %ss: %w", w.kind, err)
		}
	}
	kube.Start(ctx.Done())
	mlplane.Start(ctx.Done())
	if err := kube.WaitForCacheSyncWithContext(ctx).AsError(); err != nil {
		return fmt.Errorf("syncing the StatefulSet, Service and pod informers: %w", err)
	}
	if err := mlplane.WaitForCacheSyncWithContext(ctx).AsError(); err != nil {
		return fmt.Errorf("syncing the Notebook informer: %w", err)
	}
	return nil
}

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
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	schedulinglisters "k8s.io/client-go/listers/scheduling/v1"
	"k8s.io/klog/v2"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/internal/childsync"
	"github.com/mlplane/mlplane/pkg/controller/internal/podgroup"
)

const (
	// defaultVolcanoQueue is the queue of a Volcano PodGroup when neither
	// the PodGroup nor the job names one, as upstream.
	defaultVolcanoQueue = "default"
	// podGroupPoll is how soon a job whose Volcano PodGroup is not admitted
	// yet is looked at again. The engine does not watch PodGroups.
	podGroupPoll = 5 * time.Second
)

// podGroupControl is what the engine keeps to manage PodGroups: the API of
// the configured gang scheduler, found once the cluster serves it. Without
// the API the engine leaves PodGroups alone (the pods are still decorated),
// as upstream, which watches PodGroups only when their CRD is installed.
type podGroupControl struct {
	api             *podgroup.API
	volcano         bool
	syncer          *childsync.Syncer
	priorityClasses schedulinglisters.PriorityClassLister
}

func newPodGroupControl(schedulerName string, client dynamic.Interface, disc discovery.DiscoveryInterface,
	priorityClasses schedulinglisters.PriorityClassLister, syncer *childsync.Syncer, now func() time.Time) *podGroupControl {
	gvr, volcano := podgroup.SchedulerPlugins, schedulerName == volcanoSchedulerName
	if volcano {
		gvr = podgroup.Volcano
	}
	return &podGroupControl{api: podgroup.NewAPI(gvr, client, disc, now), volcano: volcano, syncer: syncer,
		priorityClasses: priorityClasses}
}

// podGroupSpec holds the PodGroup spec fields the engine owns; the others
// (e.g. Volcano's minTaskMember) are left as they are. A field the API of
// the scheduler lacks stays zero.
type podGroupSpec struct {
	minMember    int32
	minResources corev1.ResourceList
	// Volcano.
	queue             string
	priorityClassName string
	// scheduler-plugins.
	scheduleTimeoutSeconds *int32
}

// syncPodGroup applies the job's PodGroup when the fields the engine owns
// differ from the job's (upstream updates it on every pass, 1.10 of the
// reference). It reports whether the job's pods may be created: not while
// Volcano has not admitted the gang (phase "" or Pending).
func (c *Controller) syncPodGroup(ctx context.Context, kind Kind, job *Job) (bool, error) {
	p := c.podGroups
	if p == nil {
		return true, nil
	}
	name, ns := job.Object.GetName(), job.Object.GetNamespace()
	client, gvr, err := p.api.Resource(ns)
	if err != nil || client == nil {
		return err == nil, err
	}
	want := c.desiredPodGroupSpec(ctx, kind.Framework(), job)

	// The engine does not watch PodGroups: the live one is read here, and
	// is what the apply compares with.
	live, getErr := client.Get(ctx, name, metav1.GetOptions{})
	// The job's annotations are copied when the PodGroup is created, as
	// upstream; afterwards the PodGroup keeps its own.
	annotations := job.Object.GetAnnotations()
	switch {
	case apierrors.IsNotFound(getErr):
	case getErr != nil:
		return false, fmt.Errorf("getting PodGroup %s: %w", name, getErr)
	default:
		// A PodGroup of an earlier job of the same name waits for the
		// garbage collector; it is not this job's to change.
		if ref := metav1.GetControllerOf(live); ref != nil && ref.UID != job.Object.GetUID() {
			return false, fmt.Errorf("PodGroup %s is controlled by %s %s (uid %s), not by this job", name, ref.Kind, ref.Name, ref.UID)
		}
		// Volcano: the PodGroup's own queue wins, as upstream.
		if q, _, _ := unstructured.NestedString(live.Object, "spec", "queue"); p.volcano && q != "" {
			want.queue = q
		}
		annotations = live.GetAnnotations()
	}
	desired := &unstructured.Unstructured{}
	desired.SetAPIVersion(gvr.GroupVersion().String())
	desired.SetKind(podgroup.Kind)
	desired.SetName(name)
	desired.SetNamespace(ns)
	desired.SetAnnotations(annotations)
	desired.SetOwnerReferences([]metav1.OwnerReference{c.ownerRef(kind, job)})
	if err := want.writeTo(desired, p.volcano); err != nil {
		return false, err
	}
	pgs := &childsync.Kind[*unstructured.Unstructured]{
		GVK:    gvr.GroupVersion().WithKind(podgroup.Kind),
		Cached: func(string, string) (*unstructured.Unstructured, error) { return live, getErr },
		Client: func(string) childsync.Client[*unstructured.Unstructured] { return childsync.Dynamic(client) },
		// A PodGroup someone else changed is set back, as upstream.
		Drifted: func(pg, _ *unstructured.Unstructured) bool {
			have, ok := readPodGroupSpec(pg, p.volcano)
			return !ok || !have.equal(want)
		},
		// A PodGroup made for the job before it existed is taken over.
		Adopt: true,
	}
	pg, outcome, err := childsync.Apply(ctx, p.syncer, pgs, childsync.Owner{Object: job.Object, GVK: kind.GroupVersionKind()}, desired)
	if err != nil {
		if apierrors.IsNotFound(err) {
			// The API is gone; discovery is asked again.
			p.api.Gone()
		}
		return false, err
	}
	switch outcome {
	case childsync.Created:
		c.cfg.Metrics.PodGroupsCreated.Inc()
		klog.FromContext(ctx).V(2).Info("Created PodGroup", "podGroup", klog.KObj(pg))
	case childsync.Updated, childsync.Recreated:
		klog.FromContext(ctx).V(2).Info("Updated PodGroup", "podGroup", klog.KObj(pg))
	}
	if p.volcano {
		phase, _, _ := unstructured.NestedString(pg.Object, "status", "phase")
		return phase != "" && phase != "Pending", nil
	}
	return true, nil
}

// desiredPodGroupSpec is the PodGroup spec upstream derives from the run
// policy's schedulingPolicy: minMember is minAvailable, else every replica;
// minResources is minResources, else what the first minMember pods request.
func (c *Controller) desiredPodGroupSpec(ctx context.Context, fw Framework, job *Job) podGroupSpec {
	s := podGroupSpec{minMember: TotalReplicas(job.ReplicaSpecs)}
	queue := ""
	if sp := job.RunPolicy.SchedulingPolicy; sp != nil {
		if sp.MinAvailable != nil {
			s.minMember = *sp.MinAvailable
		}
		if sp.MinResources != nil {
			s.minResources = corev1.ResourceList(*sp.MinResources).DeepCopy()
		}
		queue = sp.Queue
		s.priorityClassName = sp.PriorityClass
		s.scheduleTimeoutSeconds = sp.ScheduleTimeoutSeconds
	}
	if s.minResources == nil {
		s.minResources = c.gangResources(ctx, fw, job, s.minMember)
	}
	if c.podGroups.volcano {
		s.queue = queue
		if s.queue == "" {
			s.queue = defaultVolcanoQueue
		}
		s.scheduleTimeoutSeconds = nil
	} else {
		// scheduler-plugins' PodGroup has neither a queue nor a priority.
		s.priorityClassName = ""
	}
	return s
}

// gangResources sums the container requests (limits where a container has
// no requests) of the first minMember pods, taking replica types by
// descending PriorityClass value, as upstream. Ties keep the framework's
// order: upstream sorts a map's types unstably, so its sum can change from
// one pass to the next when minMember cuts a type.
func (c *Controller) gangResources(ctx context.Context, fw Framework, job *Job, minMember int32) corev1.ResourceList {
	types := replicaTypes(fw, job.ReplicaSpecs)
	priority := map[kubeflowv1.ReplicaType]int32{}
	for _, rt := range types {
		spec := job.ReplicaSpecs[rt]
		if spec == nil || spec.Template.Spec.PriorityClassName == "" {
			continue
		}
		pc, err := c.podGroups.priorityClasses.Get(spec.Template.Spec.PriorityClassName)
		if err != nil {
			// As upstream: an unknown class counts as priority 0.
			klog.FromContext(ctx).V(4).Info("Ignoring the priority class of a replica type", "replicaType", rt,
				"priorityClass", spec.Template.Spec.PriorityClassName, "err", err)
			continue
		}
		priority[rt] = pc.Value
	}
	sort.SliceStable(types, func(i, j int) bool { return priority[types[i]] > priority[types[j]] })

	sum := corev1.ResourceList{}
	left := minMember
	for _, rt := range types {
		spec := job.ReplicaSpecs[rt]
		if spec == nil {
			continue
		}
		for range min(ReplicaCount(spec), max(left, 0)) {
			for _, ctr := range spec.Template.Spec.Containers {
				res := ctr.Resources.Requests
				if res == nil {
					res = ctr.Resources.Limits
				}
				for name, q := range res {
					total := sum[name]
					total.Add(q)
					sum[name] = total
				}
			}
			left--
		}
	}
	return sum
}

// equal compares two specs, quantities by value.
func (s podGroupSpec) equal(o podGroupSpec) bool {
	if s.minMember != o.minMember || s.queue != o.queue || s.priorityClassName != o.priorityClassName ||
		(s.scheduleTimeoutSeconds == nil) != (o.scheduleTimeoutSeconds == nil) ||
		(s.scheduleTimeoutSeconds != nil && *s.scheduleTimeoutSeconds != *o.scheduleTimeoutSeconds) ||
		len(s.minResources) != len(o.minResources) {
		return false
	}
	for name, q := range s.minResources {
		oq, ok := o.minResources[name]
		if !ok || q.Cmp(oq) != 0 {
			return false
		}
	}
	return true
}

// writeTo sets the fields the engine owns in pg's spec; a zero field is
// removed. Empty minResources are left out, which both schedulers read as
// "no minimum".
func (s podGroupSpec) writeTo(pg *unstructured.Unstructured, volcano bool) error {
	fields := map[string]any{"minMember": int64(s.minMember), "minResources": nil}
	if len(s.minResources) > 0 {
		res := make(map[string]any, len(s.minResources))
		for name, q := range s.minResources {
			res[string(name)] = q.String()
		}
		fields["minResources"] = res
	}
	if volcano {
		fields["queue"] = s.queue
		fields["priorityClassName"] = nil
		if s.priorityClassName != "" {
			fields["priorityClassName"] = s.priorityClassName
		}
	} else {
		fields["scheduleTimeoutSeconds"] = nil
		if s.scheduleTimeoutSeconds != nil {
			fields["scheduleTimeoutSeconds"] = int64(*s.scheduleTimeoutSeconds)
		}
	}
	for name, v := range fields {
		if v == nil {
			unstructured.RemoveNestedField(pg.Object, "spec", name)
			continue
		}
		if err := unstructured.SetNestedField(pg.Object, v, "spec", name); err != nil {
			return fmt.Errorf("writing spec.%s of PodGroup %s: %w", name, pg.GetName(), err)
		}
	}
	return nil
}

// readPodGroupSpec reads the fields the engine owns from pg; ok is false if
// one of them is malformed, and the engine then rewrites them.
func readPodGroupSpec(pg *unstructured.Unstructured, volcano bool) (s podGroupSpec, ok bool) {
	spec, _, err := unstructured.NestedMap(pg.Object, "spec")
	if err != nil {
		return s, false
	}
	if v, found := spec["minMember"]; found {
		n, ok := int32Value(v)
		if !ok {
			return s, false
		}
		s.minMember = n
	}
	if v, found := spec["minResources"]; found && v != nil {
		res, ok := v.(map[string]any)
		if !ok {
			return s, false
		}
		for name, raw := range res {
			q, err := resource.ParseQuantity(fmt.Sprint(raw))
			if err != nil {
				return s, false
			}
			if s.minResources == nil {
				s.minResources = corev1.ResourceList{}
			}
			s.minResources[corev1.ResourceName(name)] = q
		}
	}
	str := func(field string) (string, bool) {
		v, found := spec[field]
		if !found || v == nil {
			return "", true
		}
		out, ok := v.(string)
		return out, ok
	}
	if volcano {
		if s.queue, ok = str("queue"); !ok {
			return s, false
		}
		if s.priorityClassName, ok = str("priorityClassName"); !ok {
			return s, false
		}
		return s, true
	}
	if v, found := spec["scheduleTimeoutSeconds"]; found && v != nil {
		n, ok := int32Value(v)
		if !ok {
			return s, false
		}
		s.scheduleTimeoutSeconds = &n
	}
	return s, true
}

// int32Value reads a JSON number as decoded into an unstructured object.
func int32Value(v any) (int32, bool) {
	var f float64
	switch n := v.(type) {
	case int64:
		f = float64(n)
	case float64:
		f = n
	default:
		return 0, false
	}
	if f != math.Trunc(f) || f < math.MinInt32 || f > math.MaxInt32 {
		return 0, false
	}
	return int32(f), true
}

// waitForPodGroup records that the job waits for its PodGroup and says
// when to look again. lastReconcileTime moves at most once per poll: its
// own status write brings the job straight back.
func (c *Controller) waitForPodGroup(job *Job, now metav1.Time) time.Duration {
	if last := job.Status.LastReconcileTime; last == nil || now.Sub(last.Time) >= podGroupPoll {
		job.Status.LastReconcileTime = &now
	}
	if d := c.untilDeadline(job, now); d > 0 && d < podGroupPoll {
		return d
	}
	return podGroupPoll
}

// deletePodGroup deletes the job's PodGroup, if any: the job finished or
// is suspended.
func (c *Controller) deletePodGroup(ctx context.Context, job *Job) error {
	p := c.podGroups
	if p == nil {
		return nil
	}
	deleted, err := p.api.Delete(ctx, c.cfg.Recorder, job.Object, job.Object.GetNamespace(), job.Object.GetName())
	if deleted {
		c.cfg.Metrics.PodGroupsDeleted.Inc()
	}
	return err
}

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
	"fmt"
	"io"
	"net/http"
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"
)

type podRow struct {
	Name     string `json:"name"`
	Phase    string `json:"phase"`
	Node     string `json:"node,omitempty"`
	Restarts int32  `json:"restarts"`
	Reason   string `json:"reason,omitempty"`
	Message  string `json:"message,omitempty"`
}

type eventRow struct {
	Type     string    `json:"type"`
	Reason   string    `json:"reason"`
	Message  string    `json:"message"`
	Count    int32     `json:"count"`
	LastSeen time.Time `json:"lastSeen,omitzero"`
	Object   string    `json:"object"`
}

type detail struct {
	Row        row         `json:"row"`
	Conditions []condition `json:"conditions"`
	Pods       []podRow    `json:"pods"`
	Events     []eventRow  `json:"events"`
	YAML       string      `json:"yaml"`
	// Notes are parts the user may not read (pods, events), in words.
	Notes []string `json:"notes,omitempty"`
}

// detail shows one object with its conditions, pods and events, each read
// as the user: pods or events the user may not list are left out with a
// note, the object itself must be readable.
func (h *Handler) detail(w http.ResponseWriter, req *http.Request, c *asUser) error {
	k := kindByResource(req.PathValue("resource"))
	if k == nil {
		return invalid("resource", fmt.Sprintf("the console does not show %q", req.PathValue("resource")))
	}
	ctx, ns, name := req.Context(), req.PathValue("ns"), req.PathValue("name")
	obj, err := c.dynamic.Resource(k.gvr).Namespace(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	d := detail{Conditions: conditionsOf(obj), Pods: []podRow{}, Events: []eventRow{}}
	if d.Row, err = h.makeRow(k, obj); err != nil {
		return err
	}
	obj.SetManagedFields(nil)
	out, err := yaml.Marshal(obj.Object)
	if err != nil {
		return err
	}
	d.YAML = string(out)

	pods, err := c.kube.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: labels.Set{k.podLabel: name}.String()})
	if err != nil {
		d.Notes = append(d.Notes, "pods: "+statusOf(err).Message)
	} else {
		for _, p := range pods.Items {
			d.Pods = append(d.Pods, summarizePod(&p))
		}
		sort.Slice(d.Pods, func(i, j int) bool { return d.Pods[i].Name < d.Pods[j].Name })
	}
	// The object's own events; its pods' are on the pods.
	events, err := c.kube.CoreV1().Events(ns).List(ctx, metav1.ListOptions{FieldSelector: fields.Set{
		"involvedObject.name": name, "involvedObject.kind": k.kind,
	}.String()})
	if err != nil {
		d.Notes = append(d.Notes, "events: "+statusOf(err).Message)
	} else {
		for _, e := range events.Items {
			last := e.LastTimestamp.Time
			if last.IsZero() {
				last = e.EventTime.Time
			}
			d.Events = append(d.Events, eventRow{Type: e.Type, Reason: e.Reason, Message: e.Message,
				Count: max(e.Count, 1), LastSeen: last, Object: e.InvolvedObject.Kind + "/" + e.InvolvedObject.Name})
		}
		sort.Slice(d.Events, func(i, j int) bool { return d.Events[i].LastSeen.After(d.Events[j].LastSeen) })
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// summarizePod says what a pod does and, when it cannot run, why: the
// scheduler's message or a container's waiting or failed state.
func summarizePod(p *corev1.Pod) podRow {
	r := podRow{Name: p.Name, Phase: string(p.Status.Phase), Node: p.Spec.NodeName}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse {
			r.Reason, r.Message = c.Reason, c.Message
		}
	}
	for _, cs := range p.Status.ContainerStatuses {
		r.Restarts += cs.RestartCount
		switch {
		case cs.State.Waiting != nil && cs.State.Waiting.Reason != "" && cs.State.Waiting.Reason != "ContainerCreating":
			r.Reason, r.Message = cs.State.Waiting.Reason, cs.State.Waiting.Message
		case cs.State.Terminated != nil && cs.State.Terminated.ExitCode != 0:
			r.Reason, r.Message = cs.State.Terminated.Reason, cs.State.Terminated.Message
		}
	}
	if p.DeletionTimestamp != nil {
		r.Phase = "Terminating"
	}
	return r
}

// podLog is the tail of a pod's log, read as the user (pods/log). Pods of
// kwok's fake nodes have no kubelet, so their logs fail with the API's
// message.
func (h *Handler) podLog(w http.ResponseWriter, req *http.Request, c *asUser) error {
	opts := &corev1.PodLogOptions{TailLines: ptr.To[int64](1000), Container: req.URL.Query().Get("container")}
	stream, err := c.kube.CoreV1().Pods(req.PathValue("ns")).GetLogs(req.PathValue("pod"), opts).Stream(req.Context())
	if err != nil {
		return err
	}
	defer stream.Close()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	// At most 4 MiB, whatever the lines. The status is sent: a copy cut
	// short (the browser left) has no one to tell.
	_, _ = io.Copy(w, io.LimitReader(stream, 4<<20))
	return nil
}

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
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
)

// row is one object as the page lists it: what to show, and why it is not
// fine when it is not.
type row struct {
	Resource string    `json:"resource"`
	Kind     string    `json:"kind"`
	Name     string    `json:"name"`
	UID      string    `json:"uid"`
	Created  time.Time `json:"created"`
	Phase    string    `json:"phase"`
	Reason   string    `json:"reason,omitempty"`
	Message  string    `json:"message,omitempty"`

	// Notebooks (Ready also for models: "True", "False" or "Unknown").
	Image      string `json:"image,omitempty"`
	CPU        string `json:"cpu,omitempty"`
	Memory     string `json:"memory,omitempty"`
	GPUs       string `json:"gpus,omitempty"`
	Ready      string `json:"ready,omitempty"`
	Stopped    bool   `json:"stopped"`
	ConnectURL string `json:"connectURL,omitempty"`

	// Training.
	Replicas  []replicaRow `json:"replicas,omitempty"`
	Suspended bool         `json:"suspended"`

	// Models.
	URL         string       `json:"url,omitempty"`
	Runtime     string       `json:"runtime,omitempty"`
	ModelFormat string       `json:"modelFormat,omitempty"`
	StorageURI  string       `json:"storageUri,omitempty"`
	Traffic     []trafficRow `json:"traffic,omitempty"`
	Canaries    []canaryRow  `json:"canaries,omitempty"`
}

type replicaRow struct {
	Type      string `json:"type"`
	Desired   int32  `json:"desired"`
	Active    int32  `json:"active"`
	Succeeded int32  `json:"succeeded"`
	Failed    int32  `json:"failed"`
}

type trafficRow struct {
	Name    string `json:"name"`
	Percent int64  `json:"percent"`
	Latest  bool   `json:"latest"`
}

type canaryRow struct {
	Name           string `json:"name"`
	TrafficPercent int64  `json:"trafficPercent"`
	Ready          string `json:"ready"`
}

// condition is the common part of the condition types of the kinds.
type condition struct {
	Type               string    `json:"type"`
	Status             string    `json:"status"`
	Reason             string    `json:"reason,omitempty"`
	Message            string    `json:"message,omitempty"`
	LastTransitionTime time.Time `json:"lastTransitionTime,omitzero"`
}

// makeRow summarizes an object of kind k.
func (h *Handler) makeRow(k *kind, u *unstructured.Unstructured) (row, error) {
	r := row{
		Resource: k.resource,
		Kind:     k.kind,
		Name:     u.GetName(),
		UID:      string(u.GetUID()),
		Created:  u.GetCreationTimestamp().Time,
	}
	var err error
	switch k.section {
	case sectionNotebooks:
		err = h.notebookRow(&r, u)
	case sectionModels:
		err = inferenceServiceRow(&r, u)
	case sectionTraining:
		if k.resource == trainerv1alpha1.TrainJobPlural {
			err = trainJobRow(&r, u)
		} else {
			err = v1JobRow(&r, u)
		}
	}
	if err != nil {
		return row{}, fmt.Errorf("summarizing %s %s: %w", k.resource, u.GetName(), err)
	}
	return r, nil
}

func fromUnstructured(u *unstructured.Unstructured, into any) error {
	return runtime.DefaultUnstructuredConverter.FromUnstructured(u.UnstructuredContent(), into)
}

// notebookFailureCondition is the condition mlplane-controller adds to a
// notebook that cannot run (pkg/controller/notebook.FailureCondition).
const notebookFailureCondition = "Failure"

// notebookRow follows kubectl's STATUS column of notebooks
// (docs/compatibility.md), and adds the Notebook's failure condition.
func (h *Handler) notebookRow(r *row, u *unstructured.Unstructured) error {
	var nb kubeflowv1.Notebook
	if err := fromUnstructured(u, &nb); err != nil {
		return err
	}
	_, r.Stopped = nb.Annotations[kubeflowv1.NotebookStopAnnotation]
	desired := 1
	if r.Stopped {
		desired = 0
	}
	r.Ready = fmt.Sprintf("%d/%d", nb.Status.ReadyReplicas, desired)
	if cs := nb.Spec.Template.Spec.Containers; len(cs) > 0 {
		c := cs[0]
		r.Image = c.Image
		r.CPU = quantity(c.Resources, corev1.ResourceCPU)
		r.Memory = quantity(c.Resources, corev1.ResourceMemory)
		var gpus []string
		for name, q := range c.Resources.Limits {
			if strings.HasSuffix(string(name), "/gpu") && !q.IsZero() {
				gpus = append(gpus, q.String()+" "+string(name))
			}
		}
		sort.Strings(gpus)
		r.GPUs = strings.Join(gpus, ", ")
	}
	state := nb.Status.ContainerState
	switch {
	case nb.DeletionTimestamp != nil:
		r.Phase = "Terminating"
	case r.Stopped:
		r.Phase = "Stopped"
	case nb.Status.ReadyReplicas > 0:
		r.Phase = "Running"
	case state.Terminated != nil && state.Terminated.ExitCode != 0:
		r.Phase = "Error"
		r.Reason, r.Message = state.Terminated.Reason, state.Terminated.Message
	case state.Waiting != nil && state.Waiting.Reason != "":
		r.Phase = "Waiting:" + state.Waiting.Reason
		r.Reason, r.Message = state.Waiting.Reason, state.Waiting.Message
	default:
		r.Phase = "Waiting"
	}
	// mlplane-controller's Failure condition says why a notebook cannot
	// start (unschedulable, image pull, a refused pod) when its container
	// does not.
	if r.Reason == "" && !r.Stopped {
		for _, c := range nb.Status.Conditions {
			if c.Type == notebookFailureCondition && c.Status == string(corev1.ConditionTrue) {
				r.Reason, r.Message = c.Reason, c.Message
			}
		}
	}
	if r.Phase == "Running" {
		r.ConnectURL = h.settings.notebookURL(nb.Namespace, nb.Name)
	}
	return nil
}

func quantity(res corev1.ResourceRequirements, name corev1.ResourceName) string {
	if q, ok := res.Requests[name]; ok {
		return q.String()
	}
	if q, ok := res.Limits[name]; ok {
		return q.String()
	}
	return ""
}

// v1JobRow reads the six training-operator kinds alike: their replica
// specs are the one spec field named "<x>ReplicaSpecs", their status is
// the common JobStatus.
func v1JobRow(r *row, u *unstructured.Unstructured) error {
	var status kubeflowv1.JobStatus
	if raw, ok := u.Object["status"].(map[string]any); ok {
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(raw, &status); err != nil {
			return err
		}
	}
	spec, _ := u.Object["spec"].(map[string]any)
	suspend, _, _ := unstructured.NestedBool(u.Object, "spec", "runPolicy", "suspend")
	r.Suspended = suspend
	for field, v := range spec {
		specs, ok := v.(map[string]any)
		if !ok || !strings.HasSuffix(field, "ReplicaSpecs") {
			continue
		}
		for typ, s := range specs {
			rr := replicaRow{Type: typ, Desired: 1}
			if m, ok := s.(map[string]any); ok {
				if n, ok, _ := unstructured.NestedInt64(m, "replicas"); ok {
					rr.Desired = int32(n)
				}
			}
			if st := status.ReplicaStatuses[kubeflowv1.ReplicaType(typ)]; st != nil {
				rr.Active, rr.Succeeded, rr.Failed = st.Active, st.Succeeded, st.Failed
			}
			r.Replicas = append(r.Replicas, rr)
		}
	}
	sort.Slice(r.Replicas, func(i, j int) bool { return r.Replicas[i].Type < r.Replicas[j].Type })
	r.Phase = "Pending"
	for _, c := range status.Conditions {
		if c.Status != corev1.ConditionTrue {
			continue
		}
		switch c.Type {
		case kubeflowv1.JobReplicaFailure:
			r.Reason, r.Message = c.Reason, c.Message
		default:
			r.Phase = string(c.Type)
			if c.Type == kubeflowv1.JobFailed || c.Type == kubeflowv1.JobRestarting {
				r.Reason, r.Message = c.Reason, c.Message
			}
		}
	}
	return nil
}

// trainJobRow: the state is the last condition, as upstream's STATE
// column; a TrainJob without one whose Jobs run is Running.
func trainJobRow(r *row, u *unstructured.Unstructured) error {
	var tj trainerv1alpha1.TrainJob
	if err := fromUnstructured(u, &tj); err != nil {
		return err
	}
	r.Suspended = tj.Spec.Suspend != nil && *tj.Spec.Suspend
	active := int32(0)
	for _, js := range tj.Status.JobsStatus {
		rr := replicaRow{Type: js.Name, Active: deref(js.Active), Succeeded: deref(js.Succeeded), Failed: deref(js.Failed)}
		rr.Desired = rr.Active + rr.Succeeded + rr.Failed + deref(js.Suspended)
		active += rr.Active
		r.Replicas = append(r.Replicas, rr)
	}
	r.Phase = "Pending"
	if active > 0 {
		r.Phase = "Running"
	}
	if n := len(tj.Status.Conditions); n > 0 {
		c := tj.Status.Conditions[n-1]
		if c.Status == "True" {
			r.Phase = c.Type
		}
		if c.Type == "Failed" {
			r.Reason, r.Message = c.Reason, c.Message
		}
	}
	return nil
}

func deref(p *int32) int32 {
	if p == nil {
		return 0
	}
	return *p
}

// inferenceServiceRow shows the URL, Ready with its reason, the traffic
// split and the canaries.
func inferenceServiceRow(r *row, u *unstructured.Unstructured) error {
	var isvc servingv1beta1.InferenceService
	if err := fromUnstructured(u, &isvc); err != nil {
		return err
	}
	r.URL = isvc.Status.URL
	r.Stopped = isvc.Annotations[servingv1beta1.StopAnnotation] == "true"
	r.Ready = "Unknown"
	for _, c := range isvc.Status.Conditions {
		if c.Type == "Ready" {
			r.Ready = string(c.Status)
			if c.Status != corev1.ConditionTrue {
				r.Reason, r.Message = c.Reason, c.Message
			}
		}
	}
	switch {
	case r.Stopped:
		r.Phase = "Stopped"
	case r.Ready == "True":
		r.Phase = "Ready"
	case r.Reason != "":
		r.Phase = "NotReady"
	default:
		r.Phase = "Pending"
	}
	if fm, ok, _ := unstructured.NestedMap(u.Object, "spec", "predictor"); ok {
		r.ModelFormat, r.StorageURI, r.Runtime = predictorModel(fm)
	}
	if r.Runtime == "" {
		r.Runtime = isvc.Status.ServingRuntimeName + isvc.Status.ClusterServingRuntimeName
	}
	if p, ok := isvc.Status.Components["predictor"]; ok {
		for _, t := range p.Traffic {
			tr := trafficRow{Name: t.Tag, Latest: t.LatestRevision != nil && *t.LatestRevision}
			if tr.Name == "" {
				tr.Name = "predictor"
			}
			if t.Percent != nil {
				tr.Percent = *t.Percent
			}
			r.Traffic = append(r.Traffic, tr)
		}
	}
	ready := map[string]string{}
	for _, c := range isvc.Status.CanaryStatuses {
		ready[c.Name] = string(c.Ready)
	}
	for _, c := range isvc.Spec.Canary {
		r.Canaries = append(r.Canaries, canaryRow{Name: c.Predictor.Name, TrafficPercent: c.TrafficPercent, Ready: ready[c.Predictor.Name]})
	}
	return nil
}

// predictorModel reads the model of a predictor: the "model" form, or one
// of the framework fields (sklearn, xgboost, ...), whose name is the format.
func predictorModel(p map[string]any) (format, storageURI, runtime string) {
	if m, ok := p["model"].(map[string]any); ok {
		format, _, _ = unstructured.NestedString(m, "modelFormat", "name")
		storageURI, _, _ = unstructured.NestedString(m, "storageUri")
		runtime, _, _ = unstructured.NestedString(m, "runtime")
		return format, storageURI, runtime
	}
	for _, f := range []string{"sklearn", "xgboost", "tensorflow", "pytorch", "triton", "onnx", "huggingface", "pmml", "lightgbm", "paddle"} {
		if m, ok := p[f].(map[string]any); ok {
			storageURI, _, _ = unstructured.NestedString(m, "storageUri")
			runtime, _, _ = unstructured.NestedString(m, "runtime")
			return f, storageURI, runtime
		}
	}
	return "", "", ""
}

// conditionsOf reads any kind's status.conditions.
func conditionsOf(u *unstructured.Unstructured) []condition {
	raw, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	var out []condition
	for _, c := range raw {
		m, ok := c.(map[string]any)
		if !ok {
			continue
		}
		var cond condition
		cond.Type, _, _ = unstructured.NestedString(m, "type")
		cond.Status, _, _ = unstructured.NestedString(m, "status")
		cond.Reason, _, _ = unstructured.NestedString(m, "reason")
		cond.Message, _, _ = unstructured.NestedString(m, "message")
		if ts, _, _ := unstructured.NestedString(m, "lastTransitionTime"); ts != "" {
			cond.LastTransitionTime, _ = time.Parse(time.RFC3339, ts)
		}
		out = append(out, cond)
	}
	return out
}

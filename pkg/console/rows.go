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
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

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
	data, err := u.MarshalJSON()
	if err != nil {
		return row{}, fmt.Errorf("summarizing %s %s: %w", k.resource, u.GetName(), err)
	}
	return h.rowFromJSON(k, data)
}

// rowFromJSON summarizes an object of kind k from its JSON. Each kind is
// decoded into a small struct of the fields its row shows, not into a map
// nor the whole type: a snapshot of hundreds of objects costs a fraction
// of that.
func (h *Handler) rowFromJSON(k *kind, data []byte) (row, error) {
	var obj objectJSON
	if err := json.Unmarshal(data, &obj); err != nil {
		return row{}, fmt.Errorf("summarizing %s: %w", k.resource, err)
	}
	m := &obj.Metadata
	r := row{Resource: k.resource, Kind: k.kind, Name: m.Name, UID: string(m.UID), Created: m.CreationTimestamp.Time}
	var err error
	switch k.section {
	case sectionNotebooks:
		err = h.notebookRow(&r, &obj)
	case sectionModels:
		err = inferenceServiceRow(&r, &obj)
	case sectionTraining:
		if k.resource == trainerv1alpha1.TrainJobPlural {
			err = trainJobRow(&r, &obj)
		} else {
			err = v1JobRow(&r, &obj)
		}
	}
	if err != nil {
		return row{}, fmt.Errorf("summarizing %s %s: %w", k.resource, m.Name, err)
	}
	return r, nil
}

// objectJSON is an object read once: the metadata a row shows (not the
// labels nor the managed fields), and its spec and status left as JSON for
// the kind to read what it needs.
type objectJSON struct {
	Metadata struct {
		Name              string            `json:"name"`
		Namespace         string            `json:"namespace"`
		UID               types.UID         `json:"uid"`
		CreationTimestamp metav1.Time       `json:"creationTimestamp"`
		DeletionTimestamp *metav1.Time      `json:"deletionTimestamp"`
		Annotations       map[string]string `json:"annotations"`
	} `json:"metadata"`
	Spec   json.RawMessage `json:"spec"`
	Status json.RawMessage `json:"status"`
}

// decode reads the spec and the status into the kind's structs; an absent
// part leaves its struct empty.
func (o *objectJSON) decode(spec, status any) error {
	for _, part := range []struct {
		raw  json.RawMessage
		into any
	}{{o.Spec, spec}, {o.Status, status}} {
		if len(part.raw) == 0 || part.into == nil {
			continue
		}
		if err := json.Unmarshal(part.raw, part.into); err != nil {
			return err
		}
	}
	return nil
}

// notebookFailureCondition is the condition mlplane-controller adds to a
// notebook that cannot run (pkg/controller/notebook.FailureCondition).
const notebookFailureCondition = "Failure"

// notebookRow follows kubectl's STATUS column of notebooks
// (docs/compatibility.md), and adds the Notebook's failure condition.
func (h *Handler) notebookRow(r *row, obj *objectJSON) error {
	var spec struct {
		Template struct {
			Spec struct {
				Containers []corev1.Container `json:"containers"`
			} `json:"spec"`
		} `json:"template"`
	}
	var status kubeflowv1.NotebookStatus
	if err := obj.decode(&spec, &status); err != nil {
		return err
	}
	meta := &obj.Metadata
	_, r.Stopped = meta.Annotations[kubeflowv1.NotebookStopAnnotation]
	desired := 1
	if r.Stopped {
		desired = 0
	}
	r.Ready = fmt.Sprintf("%d/%d", status.ReadyReplicas, desired)
	if cs := spec.Template.Spec.Containers; len(cs) > 0 {
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
	state := status.ContainerState
	switch {
	case meta.DeletionTimestamp != nil:
		r.Phase = "Terminating"
	case r.Stopped:
		r.Phase = "Stopped"
	case status.ReadyReplicas > 0:
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
		for _, c := range status.Conditions {
			if c.Type == notebookFailureCondition && c.Status == string(corev1.ConditionTrue) {
				r.Reason, r.Message = c.Reason, c.Message
			}
		}
	}
	if r.Phase == "Running" {
		r.ConnectURL = h.settings.notebookURL(meta.Namespace, meta.Name)
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
func v1JobRow(r *row, obj *objectJSON) error {
	var job struct {
		Spec   map[string]json.RawMessage
		Status kubeflowv1.JobStatus
	}
	if err := obj.decode(&job.Spec, &job.Status); err != nil {
		return err
	}
	status := job.Status
	for field, raw := range job.Spec {
		switch {
		case field == "runPolicy":
			var rp struct {
				Suspend *bool `json:"suspend"`
			}
			if err := json.Unmarshal(raw, &rp); err != nil {
				return err
			}
			r.Suspended = rp.Suspend != nil && *rp.Suspend
		case strings.HasSuffix(field, "ReplicaSpecs"):
			var specs map[string]struct {
				Replicas *int32 `json:"replicas"`
			}
			if err := json.Unmarshal(raw, &specs); err != nil {
				return err
			}
			for typ, spec := range specs {
				rr := replicaRow{Type: typ, Desired: 1}
				if spec.Replicas != nil {
					rr.Desired = *spec.Replicas
				}
				if st := status.ReplicaStatuses[kubeflowv1.ReplicaType(typ)]; st != nil {
					rr.Active, rr.Succeeded, rr.Failed = st.Active, st.Succeeded, st.Failed
				}
				r.Replicas = append(r.Replicas, rr)
			}
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
func trainJobRow(r *row, obj *objectJSON) error {
	var tj struct {
		Spec struct {
			Suspend *bool `json:"suspend"`
		}
		Status trainerv1alpha1.TrainJobStatus
	}
	if err := obj.decode(&tj.Spec, &tj.Status); err != nil {
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
func inferenceServiceRow(r *row, obj *objectJSON) error {
	var isvc struct {
		Spec struct {
			Predictor map[string]json.RawMessage `json:"predictor"`
			Canary    []struct {
				Predictor struct {
					Name string `json:"name"`
				} `json:"predictor"`
				TrafficPercent int64 `json:"trafficPercent"`
			} `json:"canary"`
		}
		Status servingv1beta1.InferenceServiceStatus
	}
	if err := obj.decode(&isvc.Spec, &isvc.Status); err != nil {
		return err
	}
	r.URL = isvc.Status.URL
	r.Stopped = obj.Metadata.Annotations[servingv1beta1.StopAnnotation] == "true"
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
	r.ModelFormat, r.StorageURI, r.Runtime = predictorModel(isvc.Spec.Predictor)
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
func predictorModel(p map[string]json.RawMessage) (format, storageURI, runtime string) {
	var m struct {
		ModelFormat struct {
			Name string `json:"name"`
		} `json:"modelFormat"`
		StorageURI string `json:"storageUri"`
		Runtime    string `json:"runtime"`
	}
	if raw, ok := p["model"]; ok && json.Unmarshal(raw, &m) == nil {
		return m.ModelFormat.Name, m.StorageURI, m.Runtime
	}
	for _, f := range []string{"sklearn", "xgboost", "tensorflow", "pytorch", "triton", "onnx", "huggingface", "pmml", "lightgbm", "paddle"} {
		if raw, ok := p[f]; ok && json.Unmarshal(raw, &m) == nil {
			return f, m.StorageURI, m.Runtime
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

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

package inferenceservice

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/rest"

	"github.com/mlplane/mlplane/pkg/apis/serving"
	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
	"github.com/mlplane/mlplane/pkg/registry/internal/tables"
)

// prevTag is the traffic tag of the previously rolled-out revision.
const prevTag = "prev"

// columns are the printer columns of KServe's CRD, with the same names,
// types and JSONPaths, so "kubectl get isvc" prints what it prints with KServe.
var columns = []metav1.TableColumnDefinition{
	{Name: "Name", Type: "string", Format: "name", Description: "Name of the InferenceService."},
	{Name: "URL", Type: "string", Description: ".status.url"},
	{Name: "Ready", Type: "string", Description: ".status.conditions[?(@.type=='Ready')].status"},
	{Name: "Prev", Type: "integer", Description: ".status.components.predictor.traffic[?(@.tag=='prev')].percent"},
	{Name: "Latest", Type: "integer", Description: ".status.components.predictor.traffic[?(@.latestRevision==true)].percent"},
	{Name: "PrevRolledoutRevision", Type: "string", Description: ".status.components.predictor.traffic[?(@.tag=='prev')].revisionName"},
	{Name: "LatestReadyRevision", Type: "string", Description: ".status.components.predictor.traffic[?(@.latestRevision==true)].revisionName"},
	{Name: "Age", Type: "date", Description: ".metadata.creationTimestamp"},
}

// tableConvertor prints InferenceServices as KServe's CRD does. A cell whose
// JSONPath finds nothing (an empty URL, no Ready condition, no matching
// traffic target) is null, as the CRD's table convertor leaves it.
type tableConvertor struct{}

var _ rest.TableConvertor = tableConvertor{}

func (tableConvertor) ConvertToTable(_ context.Context, obj runtime.Object, _ runtime.Object) (*metav1.Table, error) {
	return tables.Convert(obj, columns, func(o runtime.Object, name, age string) ([]any, error) {
		isvc, ok := o.(*serving.InferenceService)
		if !ok {
			return nil, fmt.Errorf("not an InferenceService: %T", o)
		}
		status := &isvc.Status
		var url, ready any
		if status.URL != "" {
			url = status.URL
		}
		for _, c := range status.Conditions {
			if c.Type == servingv1beta1.ConditionReady {
				ready = string(c.Status)
				break
			}
		}
		var prev, latest *serving.TrafficTarget
		for i := range status.Components[servingv1beta1.PredictorComponent].Traffic {
			t := &status.Components[servingv1beta1.PredictorComponent].Traffic[i]
			if prev == nil && t.Tag == prevTag {
				prev = t
			}
			if latest == nil && t.LatestRevision != nil && *t.LatestRevision {
				latest = t
			}
		}
		return []any{name, url, ready, percent(prev), percent(latest), revision(prev), revision(latest), age}, nil
	})
}

func percent(t *serving.TrafficTarget) any {
	if t == nil || t.Percent == nil {
		return nil
	}
	return *t.Percent
}

func revision(t *serving.TrafficTarget) any {
	if t == nil || t.RevisionName == "" {
		return nil
	}
	return t.RevisionName
}

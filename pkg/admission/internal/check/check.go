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

// Package check holds what mlplane's admission plugins share: which
// requests they look at, how they deny, how they read their configuration
// and how they wait for their informers.
package check

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/client-go/tools/cache"
	"sigs.k8s.io/yaml"

	"github.com/mlplane/mlplane/pkg/admission/workload"
	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	"github.com/mlplane/mlplane/pkg/apis/serving"
	"github.com/mlplane/mlplane/pkg/apis/trainer"
)

// IsMlplane reports whether a resource is one mlplane-apiserver serves.
func IsMlplane(gr schema.GroupResource) bool {
	return gr.Group == kubeflow.GroupName || gr.Group == serving.GroupName || gr.Group == trainer.GroupName
}

// Request is a create or update of a namespaced mlplane workload.
type Request struct {
	Attributes admission.Attributes
	// New is the object as it would be stored; Old, on an update, as it is.
	New, Old *workload.Workload
}

// WorkloadRequest returns the request when the tenancy plugins check it:
// a create or an update of a namespaced object of an mlplane workload kind
// (see workload.Extract), read with e (which computes a TrainJob's pods
// when it has runtimes). Subresources (status, scale) are not checked, and
// neither is an update of an object being deleted, so that finalizers can
// always be removed. err is set when a TrainJob's runtime could not be
// read.
func WorkloadRequest(ctx context.Context, a admission.Attributes, e workload.Extractor) (*Request, bool, error) {
	op := a.GetOperation()
	if (op != admission.Create && op != admission.Update) || a.GetSubresource() != "" || a.GetNamespace() == "" ||
		!IsMlplane(a.GetResource().GroupResource()) {
		return nil, false, nil
	}
	obj := a.GetObject()
	if op == admission.Update {
		if m, err := meta.Accessor(obj); err == nil && m.GetDeletionTimestamp() != nil {
			return nil, false, nil
		}
	}
	w, ok, err := e.Extract(ctx, obj)
	if err != nil || !ok {
		return nil, false, err
	}
	r := &Request{Attributes: a, New: w}
	if op == admission.Update {
		old, ok, err := e.Extract(ctx, a.GetOldObject())
		if err != nil {
			return nil, false, err
		}
		if ok {
			r.Old = old
		}
	}
	return r, true, nil
}

// Cause is one reason for a denial: what is wrong at a field.
type Cause struct {
	// Field is the field path; nil for the object as a whole.
	Field   *field.Path
	Message string
}

func (c Cause) String() string {
	if c.Field == nil {
		return c.Message
	}
	return c.Field.String() + ": " + c.Message
}

// Forbidden denies the request for every cause: a 403 whose message lists
// them ("<field>: <why>; ..."), with each as a FieldValueForbidden cause in
// the status details.
func Forbidden(a admission.Attributes, causes ...Cause) error {
	msgs := make([]string, len(causes))
	for i, c := range causes {
		msgs[i] = c.String()
	}
	err := admission.NewForbidden(a, errors.New(strings.Join(msgs, "; ")))
	var status *apierrors.StatusError
	if errors.As(err, &status) && status.ErrStatus.Details != nil {
		for _, c := range causes {
			cause := metav1.StatusCause{Type: metav1.CauseTypeForbidden, Message: c.Message}
			if c.Field != nil {
				cause.Field = c.Field.String()
			}
			status.ErrStatus.Details.Causes = append(status.ErrStatus.Details.Causes, cause)
		}
	}
	return err
}

// NotReady is the denial while a plugin's informers are still loading.
func NotReady(a admission.Attributes, plugin string) error {
	return admission.NewForbidden(a, fmt.Errorf("%s is not yet ready to handle requests (its caches are loading); retry", plugin))
}

// Caches collects the informers a plugin reads.
type Caches struct {
	synced []cache.InformerSynced
}

// Add adds an informer's HasSynced.
func (c *Caches) Add(synced cache.InformerSynced) {
	c.synced = append(c.synced, synced)
}

// Synced reports whether every informer has synced.
func (c *Caches) Synced() bool {
	for _, s := range c.synced {
		if !s() {
			return false
		}
	}
	return true
}

// ConfigAPIVersion is the apiVersion of the plugins' configurations in the
// admission configuration file.
const ConfigAPIVersion = "admission.mlplane.io/v1alpha1"

// DecodeConfig reads a plugin's configuration, YAML or JSON, into into (a
// pointer to a struct embedding metav1.TypeMeta inline), strictly: unknown
// fields are errors. It requires apiVersion ConfigAPIVersion and the given
// kind. A nil or empty config leaves into as it is.
func DecodeConfig(config io.Reader, kind string, into any) error {
	if config == nil {
		return nil
	}
	data, err := io.ReadAll(config)
	if err != nil {
		return fmt.Errorf("reading %s: %w", kind, err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	var typeMeta metav1.TypeMeta
	if err := yaml.Unmarshal(data, &typeMeta); err != nil {
		return fmt.Errorf("decoding %s: %w", kind, err)
	}
	if typeMeta.APIVersion != ConfigAPIVersion || typeMeta.Kind != kind {
		return fmt.Errorf("decoding %s: got apiVersion %q, kind %q; want apiVersion %q, kind %q",
			kind, typeMeta.APIVersion, typeMeta.Kind, ConfigAPIVersion, kind)
	}
	if err := yaml.UnmarshalStrict(data, into); err != nil {
		return fmt.Errorf("decoding %s: %w", kind, err)
	}
	return nil
}

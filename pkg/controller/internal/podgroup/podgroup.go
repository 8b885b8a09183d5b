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

// Package podgroup reaches the gang schedulers' PodGroups (Volcano's and
// scheduler-plugins' coscheduling) for the controllers that gang-schedule
// their pods: the training engine and the TrainJob controller. PodGroups
// are written as unstructured objects, only while the cluster serves
// their API, as upstream's operators watch them only when their CRD is
// installed.
package podgroup

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/record"

	"github.com/mlplane/mlplane/pkg/controller/internal/servedapi"
)

// The PodGroup APIs of the gang schedulers.
var (
	Volcano          = schema.GroupVersionResource{Group: "scheduling.volcano.sh", Version: "v1beta1", Resource: "podgroups"}
	SchedulerPlugins = schema.GroupVersionResource{Group: "scheduling.x-k8s.io", Version: "v1alpha1", Resource: "podgroups"}
)

// Kind is the kind of both schedulers' PodGroups.
const Kind = "PodGroup"

// Event reasons of a PodGroup's deletion, as training-operator records them.
const (
	EventSuccessfulDelete = "SuccessfulDeletePodGroup"
	EventFailedDelete     = "FailedDeletePodGroup"
)

// Recheck bounds how long "the PodGroup API is not served" is believed: a
// scheduler installed later is picked up within it.
const Recheck = servedapi.DefaultRecheck

// API is one gang scheduler's PodGroup API. Safe for concurrent use.
type API struct {
	served *servedapi.API
	client dynamic.Interface
}

// NewAPI returns gvr's API, asking disc whether the cluster serves it;
// now is the clock the recheck is measured by (nil: time.Now).
func NewAPI(gvr schema.GroupVersionResource, client dynamic.Interface, disc discovery.DiscoveryInterface, now func() time.Time) *API {
	served := servedapi.New(disc, gvr.Group, gvr.Resource, gvr.Version)
	served.Recheck, served.Now = Recheck, now
	return &API{served: served, client: client}
}

// Resource returns the PodGroups of namespace and their resource, or nil
// when the cluster does not serve them.
func (a *API) Resource(namespace string) (dynamic.ResourceInterface, *schema.GroupVersionResource, error) {
	gvr, err := a.served.Get()
	if err != nil || gvr == nil {
		return nil, nil, err
	}
	return a.client.Resource(*gvr).Namespace(namespace), gvr, nil
}

// Gone is told that a request found no PodGroup resource (its CRD was
// removed): discovery is asked again.
func (a *API) Gone() { a.served.Forget() }

// Delete deletes the PodGroup namespace/name, if the API is served and the
// PodGroup exists, and records upstream's event on owner. It reports
// whether it deleted one.
func (a *API) Delete(ctx context.Context, recorder record.EventRecorder, owner runtime.Object, namespace, name string) (bool, error) {
	pgs, _, err := a.Resource(namespace)
	if err != nil || pgs == nil {
		return false, err
	}
	err = pgs.Delete(ctx, name, metav1.DeleteOptions{})
	switch {
	case apierrors.IsNotFound(err):
		return false, nil
	case err != nil:
		recorder.Eventf(owner, corev1.EventTypeWarning, EventFailedDelete, "Error deleting: %v", err)
		return false, fmt.Errorf("deleting PodGroup %s: %w", name, err)
	}
	recorder.Eventf(owner, corev1.EventTypeNormal, EventSuccessfulDelete, "Deleted PodGroup: %v", name)
	return true, nil
}

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

// Package servedapi finds which version of an optional API (Istio, Gateway
// API) the cluster serves, for controllers that write such objects through
// the dynamic client only when the API is there.
package servedapi

import (
	"fmt"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
)

// DefaultRecheck is how long "not served" is believed before discovery is
// asked again.
const DefaultRecheck = time.Minute

// API finds, once, which version of a resource the cluster serves. Until
// one is found it asks discovery again at most every Recheck, so an API
// installed after the controller started is picked up without a discovery
// call per reconcile. Safe for concurrent use.
type API struct {
	discovery discovery.DiscoveryInterface
	group     string
	resource  string
	// versions are tried in order; the first that serves resource wins.
	versions []string
	// Recheck is how long "not served" is believed; DefaultRecheck when 0.
	Recheck time.Duration
	// Now is the clock Recheck is measured by; nil means time.Now. A
	// controller with a clock of its own gives it here.
	Now func() time.Time

	mu       sync.Mutex
	found    *schema.GroupVersionResource
	missedAt time.Time
}

// New returns an API looking for group's resource in versions, in order.
func New(d discovery.DiscoveryInterface, group, resource string, versions ...string) *API {
	return &API{discovery: d, group: group, resource: resource, versions: versions}
}

// Get returns the served resource, or nil when none is (or there is no
// discovery client).
func (a *API) Get() (*schema.GroupVersionResource, error) {
	if a == nil || a.discovery == nil {
		return nil, nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.found != nil {
		return a.found, nil
	}
	recheck := a.Recheck
	if recheck <= 0 {
		recheck = DefaultRecheck
	}
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	if !a.missedAt.IsZero() && now().Sub(a.missedAt) < recheck {
		return nil, nil
	}
	for _, v := range a.versions {
		list, err := a.discovery.ServerResourcesForGroupVersion(a.group + "/" + v)
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("discovering %s/%s: %w", a.group, v, err)
		}
		for _, r := range list.APIResources {
			if r.Name == a.resource {
				a.found = &schema.GroupVersionResource{Group: a.group, Version: v, Resource: r.Name}
				return a.found, nil
			}
		}
	}
	a.missedAt = now()
	return nil, nil
}

// Forget drops what was found, so the next Get asks discovery again: for a
// caller whose request was answered "no such resource" (the API was
// uninstalled).
func (a *API) Forget() {
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.found = nil
	a.missedAt = time.Time{}
}

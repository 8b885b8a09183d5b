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
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/klog/v2"
)

// heartbeat keeps idle streams open through proxies and lets the server
// notice a browser that left.
const heartbeat = 15 * time.Second

// event is one message of a section's stream.
type event struct {
	name string
	data any
}

// watch streams a section as server-sent events: a snapshot of every
// object of the section's kinds, listed as the user, then each change,
// watched as the user from the snapshot's resource versions. When any of
// the watches ends the stream ends; the browser reconnects on its own and
// gets a new snapshot, so nothing is missed and nothing is polled.
func (h *Handler) watch(w http.ResponseWriter, req *http.Request, c *asUser) error {
	section := req.PathValue("section")
	ks := kindsOfSection(section)
	if len(ks) == 0 {
		writeError(w, http.StatusNotFound, "NotFound", fmt.Sprintf("no section %q", section), nil)
		return nil
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, "InternalError", "streaming is not supported here", nil)
		return nil
	}
	ctx, cancel := context.WithCancel(req.Context())
	defer cancel()
	ns := req.PathValue("ns")

	// List every kind first, at once: a refused list (no right, an unknown
	// namespace) is answered as an error, not as a stream.
	lists := make([][]row, len(ks))
	versions := make([]string, len(ks))
	err := parallel(ctx, len(ks), func(ctx context.Context, i int) error {
		var err error
		lists[i], versions[i], err = h.listRows(ctx, c, ks[i], ns)
		return err
	})
	if err != nil {
		return err
	}
	items := []row{}
	for _, l := range lists {
		items = append(items, l...)
	}
	sort.Slice(items, func(i, j int) bool { return items[i].Name < items[j].Name })

	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	// Reconnect quickly once a watch has ended.
	fmt.Fprint(w, "retry: 1000\n\n")
	if err := writeEvent(w, event{"snapshot", map[string]any{"items": items}}); err != nil {
		return nil
	}
	flusher.Flush()

	// The snapshot is on its way before the watches are set up: each
	// starts at its list's resource version, so no change in between is
	// missed. A watch that cannot start ends the stream like one that
	// ends later, and the browser reconnects; but a user who may list and
	// not watch keeps the snapshot, without updates of that kind, rather
	// than relisting every second.
	events := make(chan event)
	for i, k := range ks {
		go func() {
			wi, err := c.dynamic.Resource(k.gvr).Namespace(ns).Watch(ctx, metav1.ListOptions{
				ResourceVersion: versions[i], AllowWatchBookmarks: true,
			})
			if err != nil {
				klog.V(2).InfoS("Console watch did not start", "resource", k.resource, "namespace", ns, "err", err)
				if !apierrors.IsForbidden(err) {
					cancel()
				}
				return
			}
			defer wi.Stop()
			h.forward(ctx, k, wi, events, cancel)
		}()
	}
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return nil
			}
		case ev := <-events:
			if err := writeEvent(w, ev); err != nil {
				return nil
			}
		}
		flusher.Flush()
	}
}

// listRows lists the objects of kind k in ns as the user, as JSON read
// straight into rows, and the list's resource version.
func (h *Handler) listRows(ctx context.Context, c *asUser, k *kind, ns string) ([]row, string, error) {
	data, err := c.kube.CoreV1().RESTClient().Get().
		AbsPath("/apis", k.gvr.Group, k.gvr.Version, "namespaces", ns, k.resource).
		SetHeader("Accept", "application/json").
		Do(ctx).Raw()
	if err != nil {
		return nil, "", err
	}
	var list struct {
		Metadata metav1.ListMeta   `json:"metadata"`
		Items    []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, "", fmt.Errorf("reading the list of %s: %w", k.resource, err)
	}
	rows := make([]row, 0, len(list.Items))
	for _, item := range list.Items {
		r, err := h.rowFromJSON(k, item)
		if err != nil {
			return nil, "", err
		}
		rows = append(rows, r)
	}
	return rows, list.Metadata.ResourceVersion, nil
}

// forward turns one watch's events into rows until it ends, then ends the
// stream.
func (h *Handler) forward(ctx context.Context, k *kind, wi watch.Interface, out chan<- event, done context.CancelFunc) {
	defer done()
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-wi.ResultChan():
			if !ok {
				return
			}
			var ev event
			switch e.Type {
			case watch.Added, watch.Modified, watch.Deleted:
				u, ok := e.Object.(*unstructured.Unstructured)
				if !ok {
					return
				}
				if e.Type == watch.Deleted {
					ev = event{"delete", map[string]string{"resource": k.resource, "name": u.GetName()}}
					break
				}
				r, err := h.makeRow(k, u)
				if err != nil {
					klog.V(2).InfoS("Console skipped an object", "err", err)
					continue
				}
				ev = event{"upsert", r}
			case watch.Bookmark:
				continue
			default: // watch.Error: expired or refused; a new snapshot follows.
				return
			}
			select {
			case out <- ev:
			case <-ctx.Done():
				return
			}
		}
	}
}

func writeEvent(w http.ResponseWriter, ev event) error {
	data, err := json.Marshal(ev.data)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev.name, data)
	return err
}

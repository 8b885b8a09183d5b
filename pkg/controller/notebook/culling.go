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

package notebook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/cache"
	"k8s.io/klog/v2"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

// Culling annotations, as upstream's culler writes them (RFC3339 times).
const (
	LastActivityAnnotation      = "notebooks.kubeflow.org/last-activity"
	LastActivityCheckAnnotation = "notebooks.kubeflow.org/last_activity_check_timestamp"
)

// Culling defaults, as upstream's CULL_IDLE_TIME and IDLENESS_CHECK_PERIOD.
const (
	DefaultCullIdleTime        = 1440 * time.Minute
	DefaultIdlenessCheckPeriod = time.Minute
	// probeTimeout bounds one request to a notebook server, as upstream.
	probeTimeout = 10 * time.Second
)

// CullingConfig turns culling on: a notebook whose Jupyter server reports
// no activity for IdleTime is stopped with the stop annotation, as
// upstream's culling controller.
type CullingConfig struct {
	Enabled bool
	// IdleTime is how long a notebook may stay idle before it is stopped.
	IdleTime time.Duration
	// CheckPeriod is how often each notebook's server is asked.
	CheckPeriod time.Duration
	// URLBase is where notebook servers are reached; the server's path,
	// /notebook/<ns>/<name>/api/..., is appended. Empty reaches each one
	// through its Service, http://<name>.<ns>.svc[.<ClusterDomain>].
	URLBase string
	// ClusterDomain completes the Service host when URLBase is empty;
	// empty leaves the host at <name>.<ns>.svc.
	ClusterDomain string
	// HTTPClient asks the servers; nil uses one with upstream's 10 s
	// timeout.
	HTTPClient *http.Client
}

// jupyterKernel and jupyterTerminal are the parts of Jupyter Server's
// /api/kernels and /api/terminals entries the culler reads.
type jupyterKernel struct {
	ExecutionState string `json:"execution_state"`
	LastActivity   string `json:"last_activity"`
}

type jupyterTerminal struct {
	LastActivity string `json:"last_activity"`
}

// cull checks one notebook's activity as upstream's culler does and stops
// it when it has been idle for IdleTime. It returns when to check again;
// 0 means only when the notebook or its pod changes. Each notebook has one
// timer, since the queue holds a key once.
func (c *Controller) cull(ctx context.Context, key cache.ObjectName) (time.Duration, error) {
	cfg := c.cfg.Culling
	nb, err := c.notebooks.Notebooks(key.Namespace).Get(key.Name)
	if apierrors.IsNotFound(err) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("getting notebook: %w", err)
	}
	if nb.DeletionTimestamp != nil {
		return 0, nil
	}
	// A stopped notebook, or one without a running server, has no
	// activity to track; it starts afresh when it runs again.
	if metav1.HasAnnotation(nb.ObjectMeta, kubeflowv1.NotebookStopAnnotation) || !c.serverRunning(nb) {
		return 0, c.patchAnnotations(ctx, nb, map[string]*string{
			LastActivityAnnotation:      nil,
			LastActivityCheckAnnotation: nil,
		})
	}

	now := c.now().UTC()
	lastActivity, errActivity := time.Parse(time.RFC3339, nb.Annotations[LastActivityAnnotation])
	lastCheck, errCheck := time.Parse(time.RFC3339, nb.Annotations[LastActivityCheckAnnotation])
	if errActivity != nil || errCheck != nil {
		stamp := now.Format(time.RFC3339)
		return cfg.CheckPeriod, c.patchAnnotations(ctx, nb, map[string]*string{
			LastActivityAnnotation:      &stamp,
			LastActivityCheckAnnotation: &stamp,
		})
	}
	if next := lastCheck.Add(cfg.CheckPeriod); now.Before(next) {
		return next.Sub(now), nil
	}

	// The last activity only moves forward: a probe that fails, or finds
	// nothing, leaves it as it was.
	if probed, ok := c.probeActivity(ctx, nb, now); ok && probed.After(lastActivity) {
		lastActivity = probed
	}
	activityStamp := lastActivity.UTC().Format(time.RFC3339)
	checkStamp := now.Format(time.RFC3339)
	patch := map[string]*string{
		LastActivityAnnotation:      &activityStamp,
		LastActivityCheckAnnotation: &checkStamp,
	}
	idle := now.After(lastActivity.Add(cfg.IdleTime))
	if idle {
		patch[kubeflowv1.NotebookStopAnnotation] = &checkStamp
	}
	if err := c.patchAnnotations(ctx, nb, patch); err != nil {
		return 0, err
	}
	if idle {
		klog.FromContext(ctx).Info("Culling idle notebook", "notebook", klog.KObj(nb), "lastActivity", activityStamp)
		c.cfg.Metrics.Culled.WithLabelValues(nb.Namespace, nb.Name).Inc()
		c.cfg.Metrics.LastCulled.WithLabelValues(nb.Namespace, nb.Name).Set(float64(now.Unix()))
		c.cfg.Recorder.Eventf(nb, corev1.EventTypeNormal, "Culled",
			"Stopped after no activity since %s", activityStamp)
	}
	return cfg.CheckPeriod, nil
}

// serverRunning reports whether the notebook's pod runs, as upstream
// checks that <name>-0 exists before asking its server.
func (c *Controller) serverRunning(nb *kubeflowv1.Notebook) bool {
	pod, err := c.pods.Pods(nb.Namespace).Get(nb.Name + "-0")
	return err == nil && pod.Labels[statefulSetLabel] == nb.Name &&
		pod.DeletionTimestamp == nil && pod.Status.Phase == corev1.PodRunning
}

// patchAnnotations merge-patches the notebook's annotations: a nil value
// removes the key. Nothing is written when nothing would change, and
// nothing but annotations is ever written, so the culler never races the
// user or the UI over the rest of the object.
func (c *Controller) patchAnnotations(ctx context.Context, nb *kubeflowv1.Notebook, set map[string]*string) error {
	changed := false
	for k, v := range set {
		old, has := nb.Annotations[k]
		if (v == nil && has) || (v != nil && (!has || old != *v)) {
			changed = true
			break
		}
	}
	if !changed {
		return nil
	}
	data, err := json.Marshal(map[string]any{"metadata": map[string]any{"annotations": set}})
	if err != nil {
		return fmt.Errorf("encoding culling patch: %w", err)
	}
	if _, err := c.cfg.Client.KubeflowV1().Notebooks(nb.Namespace).Patch(ctx, nb.Name,
		types.MergePatchType, data, metav1.PatchOptions{}); err != nil {
		return fmt.Errorf("patching notebook culling annotations: %w", err)
	}
	return nil
}

// probeActivity asks the notebook's Jupyter server for its last activity:
// now if a kernel is busy, else the newest of its kernels' and terminals'
// last activity. ok is false when neither answered with anything.
func (c *Controller) probeActivity(ctx context.Context, nb *kubeflowv1.Notebook, now time.Time) (last time.Time, ok bool) {
	logger := klog.FromContext(ctx)
	seen := func(s string) {
		if t, err := time.Parse(time.RFC3339, s); err == nil && (!ok || t.After(last)) {
			last, ok = t, true
		}
	}
	var kernels []jupyterKernel
	if err := c.getJSON(ctx, c.serverURL(nb, "kernels"), &kernels); err != nil {
		logger.V(2).Info("Cannot list kernels", "notebook", klog.KObj(nb), "err", err)
	}
	for _, k := range kernels {
		if k.ExecutionState != "idle" {
			return now, true
		}
		seen(k.LastActivity)
	}
	// Terminals have no state: their last activity is all there is.
	var terminals []jupyterTerminal
	if err := c.getJSON(ctx, c.serverURL(nb, "terminals"), &terminals); err != nil {
		logger.V(2).Info("Cannot list terminals", "notebook", klog.KObj(nb), "err", err)
	}
	for _, t := range terminals {
		seen(t.LastActivity)
	}
	return last, ok
}

// serverURL is the URL of one of the notebook server's API collections.
func (c *Controller) serverURL(nb *kubeflowv1.Notebook, collection string) string {
	base := strings.TrimSuffix(c.cfg.Culling.URLBase, "/")
	if base == "" {
		base = "http://" + nb.Name + "." + nb.Namespace + ".svc"
		if d := c.cfg.Culling.ClusterDomain; d != "" {
			base += "." + d
		}
	}
	return base + prefix(nb) + "/api/" + collection
}

func (c *Controller) getJSON(ctx context.Context, url string, into any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	resp, err := c.cfg.Culling.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(into); err != nil {
		return fmt.Errorf("GET %s: decoding: %w", url, err)
	}
	return nil
}

// validateCulling rejects a configuration that would cull at once or spin.
func validateCulling(cfg CullingConfig) error {
	if !cfg.Enabled {
		return nil
	}
	if cfg.IdleTime <= 0 || cfg.CheckPeriod <= 0 {
		return errors.New("notebook: culling IdleTime and CheckPeriod must be positive")
	}
	return nil
}

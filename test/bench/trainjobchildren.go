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

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"

	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
)

// trainJobChildren are the objects mlplane-controller made for one
// TrainJob, as the trainjob ceiling replays them.
type trainJobChildren struct {
	TrainJob   string             `json:"trainJob"`
	ConfigMaps []corev1.ConfigMap `json:"configMaps,omitempty"`
	Secrets    []corev1.Secret    `json:"secrets,omitempty"`
	Services   []corev1.Service   `json:"services,omitempty"`
	Jobs       []batchv1.Job      `json:"jobs,omitempty"`
}

// Labels the API server puts on a Job's pod template (and a Job without
// labels of its own) when it generates the Job's selector, prefixed and,
// as the Job controller has always used them, unprefixed; a Job created
// with a controller-uid is refused.
var generatedJobLabels = []string{
	batchv1.ControllerUidLabel, "controller-uid", batchv1.JobNameLabel, "job-name",
}

// saveTrainJobChildren saves, in path, every ConfigMap, Secret, Service
// and Job of ns whose controller is a TrainJob, grouped by TrainJob, as
// the API server returns them less what the server sets (uid, owner,
// status, the generated selector). It fails unless each of the n
// TrainJobs has children, and says what was saved.
func saveTrainJobChildren(ctx context.Context, client kubernetes.Interface, ns, path string, n int) (string, error) {
	byJob := map[string]*trainJobChildren{}
	add := func(meta *metav1.ObjectMeta) (*trainJobChildren, bool) {
		owner := metav1.GetControllerOf(meta)
		if owner == nil || owner.Kind != "TrainJob" || !isTrainerGroup(owner.APIVersion) {
			return nil, false
		}
		ch := byJob[owner.Name]
		if ch == nil {
			ch = &trainJobChildren{TrainJob: owner.Name}
			byJob[owner.Name] = ch
		}
		*meta = metav1.ObjectMeta{Name: meta.Name, Labels: meta.Labels, Annotations: meta.Annotations}
		return ch, true
	}
	list := metav1.ListOptions{}
	configMaps, err := client.CoreV1().ConfigMaps(ns).List(ctx, list)
	if err != nil {
		return "", fmt.Errorf("listing the ConfigMaps of %s: %w", ns, err)
	}
	for _, cm := range configMaps.Items {
		if ch, ok := add(&cm.ObjectMeta); ok {
			ch.ConfigMaps = append(ch.ConfigMaps, cm)
		}
	}
	secrets, err := client.CoreV1().Secrets(ns).List(ctx, list)
	if err != nil {
		return "", fmt.Errorf("listing the Secrets of %s: %w", ns, err)
	}
	for _, s := range secrets.Items {
		if ch, ok := add(&s.ObjectMeta); ok {
			ch.Secrets = append(ch.Secrets, s)
		}
	}
	services, err := client.CoreV1().Services(ns).List(ctx, list)
	if err != nil {
		return "", fmt.Errorf("listing the Services of %s: %w", ns, err)
	}
	for _, svc := range services.Items {
		if ch, ok := add(&svc.ObjectMeta); ok {
			svc.Status = corev1.ServiceStatus{}
			ch.Services = append(ch.Services, svc)
		}
	}
	jobs, err := client.BatchV1().Jobs(ns).List(ctx, list)
	if err != nil {
		return "", fmt.Errorf("listing the Jobs of %s: %w", ns, err)
	}
	for _, job := range jobs.Items {
		if ch, ok := add(&job.ObjectMeta); ok {
			job.Status = batchv1.JobStatus{}
			job.Spec.Selector, job.Spec.ManualSelector = nil, nil
			for _, l := range generatedJobLabels {
				delete(job.Labels, l)
				delete(job.Spec.Template.Labels, l)
			}
			ch.Jobs = append(ch.Jobs, job)
		}
	}
	if len(byJob) != n {
		return "", fmt.Errorf("%d of %d TrainJobs in %s have children (ConfigMaps, Secrets, Services, Jobs)", len(byJob), n, ns)
	}
	var all []trainJobChildren
	counts := map[string]int{}
	for _, ch := range byJob {
		all = append(all, *ch)
		counts["ConfigMaps"] += len(ch.ConfigMaps)
		counts["Secrets"] += len(ch.Secrets)
		counts["Services"] += len(ch.Services)
		counts["Jobs"] += len(ch.Jobs)
	}
	slices.SortFunc(all, func(a, b trainJobChildren) int { return strings.Compare(a.TrainJob, b.TrainJob) })
	data, err := json.Marshal(all)
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return "", fmt.Errorf("writing %s: %w", path, err)
	}
	var parts []string
	for _, kind := range []string{"Jobs", "Services", "ConfigMaps", "Secrets"} {
		if counts[kind] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[kind], kind))
		}
	}
	return strings.Join(parts, ", "), nil
}

func isTrainerGroup(apiVersion string) bool {
	gv, err := schema.ParseGroupVersion(apiVersion)
	return err == nil && gv.Group == trainerv1alpha1.GroupName
}

// replayedCreates reads what saveTrainJobChildren saved and returns, per
// TrainJob, the creates of its ConfigMaps, Secrets, Services and then
// Jobs in namespace: what mlplane-controller creates, by the kind
// JobSet's controller would create them in, without owner (the TrainJob
// does not exist there).
func replayedCreates(client kubernetes.Interface, path, namespace string) ([][][]createRequest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the children to replay: %w", err)
	}
	var saved []trainJobChildren
	if err := json.Unmarshal(data, &saved); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	var all [][][]createRequest
	for _, ch := range saved {
		var configMaps, secrets, services, jobs []createRequest
		for _, cm := range ch.ConfigMaps {
			cm.Namespace = namespace
			configMaps = append(configMaps, func(ctx context.Context) error {
				if _, err := client.CoreV1().ConfigMaps(namespace).Create(ctx, &cm, metav1.CreateOptions{}); err != nil {
					return fmt.Errorf("replaying ConfigMap %s/%s: %w", namespace, cm.Name, err)
				}
				return nil
			})
		}
		for _, s := range ch.Secrets {
			s.Namespace = namespace
			secrets = append(secrets, func(ctx context.Context) error {
				if _, err := client.CoreV1().Secrets(namespace).Create(ctx, &s, metav1.CreateOptions{}); err != nil {
					return fmt.Errorf("replaying Secret %s/%s: %w", namespace, s.Name, err)
				}
				return nil
			})
		}
		for _, svc := range ch.Services {
			svc.Namespace = namespace
			services = append(services, func(ctx context.Context) error {
				if _, err := client.CoreV1().Services(namespace).Create(ctx, &svc, metav1.CreateOptions{}); err != nil {
					return fmt.Errorf("replaying Service %s/%s: %w", namespace, svc.Name, err)
				}
				return nil
			})
		}
		for _, job := range ch.Jobs {
			job.Namespace = namespace
			jobs = append(jobs, func(ctx context.Context) error {
				if _, err := client.BatchV1().Jobs(namespace).Create(ctx, &job, metav1.CreateOptions{}); err != nil {
					return fmt.Errorf("replaying Job %s/%s: %w", namespace, job.Name, err)
				}
				return nil
			})
		}
		all = append(all, [][]createRequest{configMaps, secrets, services, jobs})
	}
	return all, nil
}

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
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

// Names, labels and defaults of the generated objects, as upstream.
const (
	// NameLabel is on the notebook's pod (upstream) and, an mlplane
	// addition, on its StatefulSet and Service, so that label-filtered
	// informers see them. LabelSelector selects them all.
	NameLabel     = "notebook-name"
	LabelSelector = NameLabel
	// statefulSetLabel selects the notebook's pod.
	statefulSetLabel = "statefulset"

	// SpecHashAnnotation holds the hash of what mlplane last applied to a
	// StatefulSet, Service or route (childsync); the object is applied again
	// only when it changes.
	SpecHashAnnotation = "notebooks.mlplane.io/spec-hash"

	// PrefixEnv is the URL path the notebook is served under.
	PrefixEnv = "NB_PREFIX"

	defaultWorkingDir = "/home/jovyan"
	defaultPortName   = "notebook-port"
	defaultPort       = 8888
	servicePort       = 80
	// DefaultFSGroup is the pod's fsGroup unless the notebook sets a
	// security context: jovyan's group in the Jupyter images.
	DefaultFSGroup = int64(100)
)

// prefix is the path the notebook is served under: /notebook/<ns>/<name>.
func prefix(nb *kubeflowv1.Notebook) string {
	return "/notebook/" + nb.Namespace + "/" + nb.Name
}

// generateStatefulSet returns the notebook's StatefulSet as upstream
// generates it, plus the notebook-name label.
func generateStatefulSet(nb *kubeflowv1.Notebook, enableFSGroup bool) *appsv1.StatefulSet {
	replicas := int32(1)
	if metav1.HasAnnotation(nb.ObjectMeta, kubeflowv1.NotebookStopAnnotation) {
		replicas = 0
	}
	podLabels := map[string]string{
		statefulSetLabel: nb.Name,
		NameLabel:        nb.Name,
	}
	// The notebook's own labels, PodDefault selectors among them.
	for k, v := range nb.Labels {
		podLabels[k] = v
	}
	var podAnnotations map[string]string
	for k, v := range nb.Annotations {
		if strings.Contains(k, "kubectl") || strings.Contains(k, "notebook") {
			continue
		}
		if podAnnotations == nil {
			podAnnotations = map[string]string{}
		}
		podAnnotations[k] = v
	}

	spec := nb.Spec.Template.Spec.DeepCopy()
	if len(spec.Containers) > 0 {
		c := &spec.Containers[0]
		if c.WorkingDir == "" {
			c.WorkingDir = defaultWorkingDir
		}
		if c.Ports == nil {
			c.Ports = []corev1.ContainerPort{{
				Name:          defaultPortName,
				ContainerPort: defaultPort,
				Protocol:      corev1.ProtocolTCP,
			}}
		}
		// Upstream leaves a user's NB_PREFIX alone, and so does mlplane:
		// a server with a custom base URL keeps it.
		if !hasEnv(c.Env, PrefixEnv) {
			c.Env = append(c.Env, corev1.EnvVar{Name: PrefixEnv, Value: prefix(nb)})
		}
	}
	if spec.SecurityContext == nil && enableFSGroup {
		fsGroup := DefaultFSGroup
		spec.SecurityContext = &corev1.PodSecurityContext{FSGroup: &fsGroup}
	}

	sts := &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{
			Name:      nb.Name,
			Namespace: nb.Namespace,
			Labels:    map[string]string{NameLabel: nb.Name},
		},
		Spec: appsv1.StatefulSetSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{statefulSetLabel: nb.Name}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: podLabels, Annotations: podAnnotations},
				Spec:       *spec,
			},
		},
	}
	setOwner(sts, nb)
	return sts
}

// generateService returns the notebook's Service as upstream generates it,
// plus the notebook-name label.
func generateService(nb *kubeflowv1.Notebook) *corev1.Service {
	port := int32(defaultPort)
	if cs := nb.Spec.Template.Spec.Containers; len(cs) > 0 && len(cs[0].Ports) > 0 {
		port = cs[0].Ports[0].ContainerPort
	}
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{
			Name:      nb.Name,
			Namespace: nb.Namespace,
			Labels:    map[string]string{NameLabel: nb.Name},
		},
		Spec: corev1.ServiceSpec{
			Type:     corev1.ServiceTypeClusterIP,
			Selector: map[string]string{statefulSetLabel: nb.Name},
			Ports: []corev1.ServicePort{{
				// Istio's protocol-by-name convention.
				Name:       "http-" + nb.Name,
				Port:       servicePort,
				TargetPort: intstr.FromInt32(port),
				Protocol:   corev1.ProtocolTCP,
			}},
		},
	}
	setOwner(svc, nb)
	return svc
}

func setOwner(obj metav1.Object, nb *kubeflowv1.Notebook) {
	obj.SetOwnerReferences([]metav1.OwnerReference{*metav1.NewControllerRef(nb,
		kubeflowv1.SchemeGroupVersion.WithKind(kubeflowv1.NotebookKind))})
}

func hasEnv(env []corev1.EnvVar, name string) bool {
	for _, e := range env {
		if e.Name == name {
			return true
		}
	}
	return false
}

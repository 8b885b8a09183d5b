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
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"

	yamlv3 "go.yaml.in/yaml/v3"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/yaml"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
)

type yamlBody struct {
	YAML string `json:"yaml"`
}

// createYAML creates one object of a kind the console shows, as the user,
// with strict field validation. Errors keep the server's field paths and
// gain the line of each field in the posted YAML.
func (h *Handler) createYAML(w http.ResponseWriter, req *http.Request, c *asUser) error {
	var body yamlBody
	if err := decodeBody(req, &body); err != nil {
		return err
	}
	obj, k, err := parseManifest(body.YAML, req.PathValue("ns"))
	if err != nil {
		writeYAMLErr(w, err, body.YAML)
		return nil
	}
	gvr := schema.GroupVersionResource{Group: k.gvr.Group, Version: obj.GroupVersionKind().Version, Resource: k.resource}
	created, err := c.dynamic.Resource(gvr).Namespace(obj.GetNamespace()).Create(req.Context(), obj,
		metav1.CreateOptions{FieldManager: fieldManager, FieldValidation: metav1.FieldValidationStrict})
	if err != nil {
		writeYAMLErr(w, err, body.YAML)
		return nil
	}
	writeJSON(w, http.StatusCreated, map[string]string{"kind": k.kind, "name": created.GetName()})
	return nil
}

// parseManifest reads exactly one object of a kind the console shows, in
// the namespace ns.
func parseManifest(text, ns string) (*unstructured.Unstructured, *kind, error) {
	doc, err := singleDocument(text)
	if err != nil {
		return nil, nil, err
	}
	data, err := yaml.YAMLToJSON(doc)
	if err != nil {
		return nil, nil, &badRequest{msg: "the YAML cannot be read: " + err.Error()}
	}
	obj := &unstructured.Unstructured{}
	if err := obj.UnmarshalJSON(data); err != nil {
		return nil, nil, &badRequest{msg: "the YAML is not a Kubernetes object: " + err.Error()}
	}
	gvk := obj.GroupVersionKind()
	k := kindByGVK(gvk)
	if k == nil {
		return nil, nil, invalid("kind", fmt.Sprintf("the console creates %s, not %s %q", creatableKinds(), gvk.GroupVersion(), gvk.Kind))
	}
	switch obj.GetNamespace() {
	case "":
		obj.SetNamespace(ns)
	case ns:
	default:
		return nil, nil, invalid("metadata.namespace", fmt.Sprintf("%q is not the namespace you are in (%q)", obj.GetNamespace(), ns))
	}
	return obj, k, nil
}

// singleDocument returns the one YAML document of text that is not empty,
// re-encoded on its own. Documents are counted by a YAML parser, so no
// separator form (a comment after ---, an explicit ... end) can slip a
// second object past: one object is created, or none.
func singleDocument(text string) ([]byte, error) {
	dec := yamlv3.NewDecoder(strings.NewReader(text))
	var docs []*yamlv3.Node
	for {
		var n yamlv3.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &badRequest{msg: "the YAML cannot be read: " + err.Error()}
		}
		if len(n.Content) > 0 && !(n.Content[0].Kind == yamlv3.ScalarNode && n.Content[0].Tag == "!!null") {
			docs = append(docs, &n)
		}
	}
	if len(docs) != 1 {
		return nil, &badRequest{msg: fmt.Sprintf("the YAML must hold exactly one object, not %d", len(docs))}
	}
	out, err := yamlv3.Marshal(docs[0])
	if err != nil {
		return nil, &badRequest{msg: "the YAML cannot be read: " + err.Error()}
	}
	return out, nil
}

func creatableKinds() string {
	var names []string
	for _, k := range kinds {
		names = append(names, k.kind)
	}
	return strings.Join(names, ", ")
}

// unknownField finds the field of a strict-decoding error, which the API
// reports in its message only.
var unknownField = regexp.MustCompile(`unknown field "([^"]+)"`)

func writeYAMLErr(w http.ResponseWriter, err error, text string) {
	s := statusOf(err)
	if len(s.Causes) == 0 {
		for _, m := range unknownField.FindAllStringSubmatch(s.Message, -1) {
			s.Causes = append(s.Causes, cause{Field: m[1], Message: "unknown field"})
		}
	}
	for i := range s.Causes {
		s.Causes[i].Line = lineOf(text, s.Causes[i].Field)
	}
	writeJSON(w, s.Code, s)
}

// notebookForm is the notebook form of the page.
type notebookForm struct {
	Name  string `json:"name"`
	Image string `json:"image"`
	CPU   string `json:"cpu"`
	// Memory is a quantity such as 1Gi.
	Memory string `json:"memory"`
	GPUs   struct {
		Count  int64  `json:"count"`
		Vendor string `json:"vendor"`
	} `json:"gpus"`
	Workspace *struct {
		Size string `json:"size"`
	} `json:"workspace"`
	DataVolumes []struct {
		Name      string `json:"name"`
		Size      string `json:"size"`
		MountPath string `json:"mountPath"`
	} `json:"dataVolumes"`
	Configurations []string `json:"configurations"`
}

// createNotebook makes what the Jupyter web app makes: the workspace and
// data volume claims, then the Notebook, as the user. The Notebook is
// first validated with a dry run, so a refused notebook leaves no claim.
func (h *Handler) createNotebook(w http.ResponseWriter, req *http.Request, c *asUser) error {
	var form notebookForm
	if err := decodeBody(req, &form); err != nil {
		return err
	}
	ns := req.PathValue("ns")
	nb, claims, err := h.notebookFromForm(&form, ns)
	if err != nil {
		return err
	}
	ctx := req.Context()
	client := c.dynamic.Resource(kubeflowv1.SchemeGroupVersion.WithResource(kubeflowv1.NotebookPlural)).Namespace(ns)
	opts := metav1.CreateOptions{FieldManager: fieldManager, FieldValidation: metav1.FieldValidationStrict}
	if _, err := client.Create(ctx, nb, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}, FieldManager: fieldManager,
		FieldValidation: metav1.FieldValidationStrict}); err != nil {
		return err
	}
	for _, pvc := range claims {
		if _, err := c.kube.CoreV1().PersistentVolumeClaims(ns).Create(ctx, pvc, opts); err != nil {
			return fmt.Errorf("creating volume %s: %w", pvc.Name, err)
		}
	}
	if _, err := client.Create(ctx, nb, opts); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]string{"kind": kubeflowv1.NotebookKind, "name": nb.GetName()})
	return nil
}

// workspaceMountPath is where the Jupyter images keep the user's home.
const workspaceMountPath = "/home/jovyan"

func (h *Handler) notebookFromForm(f *notebookForm, ns string) (*unstructured.Unstructured, []*corev1.PersistentVolumeClaim, error) {
	var causes []cause
	bad := func(field, msg string) { causes = append(causes, cause{Field: field, Message: msg}) }
	if msgs := validation.IsDNS1123Label(f.Name); len(msgs) > 0 {
		bad("name", strings.Join(msgs, "; "))
	}
	if strings.TrimSpace(f.Image) == "" {
		bad("image", "an image is required")
	}
	quantityOf := func(field, v string) resource.Quantity {
		q, err := resource.ParseQuantity(strings.TrimSpace(v))
		if err != nil || q.Sign() <= 0 {
			bad(field, fmt.Sprintf("%q is not a positive quantity (e.g. 0.5, 1Gi)", v))
		}
		return q
	}
	memory := quantityOf("memory", f.Memory)
	container := corev1.Container{Name: f.Name, Image: strings.TrimSpace(f.Image), Resources: corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: quantityOf("cpu", f.CPU), corev1.ResourceMemory: memory},
		Limits:   corev1.ResourceList{corev1.ResourceMemory: memory},
	}}
	if f.GPUs.Count < 0 {
		bad("gpus.count", "must not be negative")
	}
	if f.GPUs.Count > 0 {
		known := false
		for _, v := range h.settings.GPUVendors {
			known = known || v.LimitsKey == f.GPUs.Vendor
		}
		if !known {
			bad("gpus.vendor", fmt.Sprintf("%q is not one of the GPU vendors offered", f.GPUs.Vendor))
		}
		container.Resources.Limits[corev1.ResourceName(f.GPUs.Vendor)] = *resource.NewQuantity(f.GPUs.Count, resource.DecimalSI)
	}
	if len(f.Configurations) > 0 {
		bad("configurations", "PodDefault configurations are not served yet")
	}
	pod := corev1.PodSpec{}
	var claims []*corev1.PersistentVolumeClaim
	addClaim := func(field, claim, size, mountPath string) {
		if msgs := validation.IsDNS1123Subdomain(claim); len(msgs) > 0 {
			bad(field+".name", strings.Join(msgs, "; "))
		}
		if !strings.HasPrefix(mountPath, "/") {
			bad(field+".mountPath", fmt.Sprintf("%q is not an absolute path", mountPath))
		}
		claims = append(claims, &corev1.PersistentVolumeClaim{
			ObjectMeta: metav1.ObjectMeta{Name: claim, Namespace: ns},
			Spec: corev1.PersistentVolumeClaimSpec{
				AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: quantityOf(field+".size", size)}},
			},
		})
		pod.Volumes = append(pod.Volumes, corev1.Volume{Name: claim, VolumeSource: corev1.VolumeSource{
			PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: claim},
		}})
		container.VolumeMounts = append(container.VolumeMounts, corev1.VolumeMount{Name: claim, MountPath: mountPath})
	}
	if f.Workspace != nil {
		addClaim("workspace", f.Name+"-workspace", f.Workspace.Size, workspaceMountPath)
	}
	for i, v := range f.DataVolumes {
		addClaim(fmt.Sprintf("dataVolumes[%d]", i), v.Name, v.Size, v.MountPath)
	}
	if len(causes) > 0 {
		return nil, nil, &badRequest{msg: "the notebook form has errors", causes: causes}
	}
	pod.Containers = []corev1.Container{container}
	nb := &kubeflowv1.Notebook{
		TypeMeta:   metav1.TypeMeta{APIVersion: kubeflowv1.SchemeGroupVersion.String(), Kind: kubeflowv1.NotebookKind},
		ObjectMeta: metav1.ObjectMeta{Name: f.Name, Namespace: ns},
		Spec:       kubeflowv1.NotebookSpec{Template: kubeflowv1.NotebookTemplateSpec{Spec: pod}},
	}
	u, err := toUnstructured(nb)
	return u, claims, err
}

type modelForm struct {
	Name        string `json:"name"`
	ModelFormat string `json:"modelFormat"`
	StorageURI  string `json:"storageUri"`
	Runtime     string `json:"runtime"`
}

// createInferenceService creates a predictor of the "model" form, as the user.
func (h *Handler) createInferenceService(w http.ResponseWriter, req *http.Request, c *asUser) error {
	var f modelForm
	if err := decodeBody(req, &f); err != nil {
		return err
	}
	ns := req.PathValue("ns")
	model := map[string]any{"modelFormat": map[string]any{"name": strings.TrimSpace(f.ModelFormat)}}
	if uri := strings.TrimSpace(f.StorageURI); uri != "" {
		model["storageUri"] = uri
	}
	if rt := strings.TrimSpace(f.Runtime); rt != "" {
		model["runtime"] = rt
	}
	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": servingv1beta1.SchemeGroupVersion.String(),
		"kind":       "InferenceService",
		"metadata":   map[string]any{"name": strings.TrimSpace(f.Name), "namespace": ns},
		"spec":       map[string]any{"predictor": map[string]any{"model": model}},
	}}
	k := kindByResource(servingv1beta1.InferenceServicePlural)
	if _, err := c.dynamic.Resource(k.gvr).Namespace(ns).Create(req.Context(), obj,
		metav1.CreateOptions{FieldManager: fieldManager, FieldValidation: metav1.FieldValidationStrict}); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]string{"kind": k.kind, "name": obj.GetName()})
	return nil
}

func toUnstructured(obj runtime.Object) (*unstructured.Unstructured, error) {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, fmt.Errorf("converting %T: %w", obj, err)
	}
	u := &unstructured.Unstructured{Object: m}
	// The status of a new object is the server's to write.
	delete(u.Object, "status")
	return u, nil
}

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

package apiserver

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apiserver/pkg/endpoints/handlers/responsewriters"
	"k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/kube-openapi/pkg/spec3"
	"k8s.io/kube-openapi/pkg/validation/spec"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

// Strategic merge patch cannot descend into maps whose values are structs
// (the replica-spec and replica-status maps of every training job): the
// server's patcher fails inside them. Upstream's CRDs do not offer strategic
// merge at all, so these resources refuse it the same way, with 415, and the
// OpenAPI documents do not advertise it. kubectl then uses JSON merge patch
// for "kubectl apply", as it does for CRDs. Their scale subresource keeps it.
// Notebooks are deliberately not listed: their pod spec merges containers,
// volumes and env by name, which is what applying a notebook needs. Neither
// are the serving.kserve.io resources: strategic merge patches their inline
// containers, env and status.components (a map of structs, not of pointers
// like the replica specs) correctly, as testServingPatchTypes shows.
var noStrategicMerge = map[schema.GroupResource]bool{
	kubeflow.Resource(kubeflowv1.TFJobPlural):      true,
	kubeflow.Resource(kubeflowv1.PyTorchJobPlural): true,
	kubeflow.Resource(kubeflowv1.MPIJobPlural):     true,
	kubeflow.Resource(kubeflowv1.XGBoostJobPlural): true,
	kubeflow.Resource(kubeflowv1.PaddleJobPlural):  true,
	kubeflow.Resource(kubeflowv1.JAXJobPlural):     true,
}

var patchTypesWithoutStrategicMerge = []string{
	string(types.JSONPatchType), string(types.MergePatchType), string(types.ApplyYAMLPatchType),
}

func refusesStrategicMerge(info *request.RequestInfo) bool {
	return info.IsResourceRequest && info.Verb == "patch" &&
		(info.Subresource == "" || info.Subresource == "status") &&
		noStrategicMerge[schema.GroupResource{Group: info.APIGroup, Resource: info.Resource}]
}

// WithoutStrategicMerge answers strategic merge patches of the resources
// above with 415 Unsupported Media Type, as a CRD would.
func WithoutStrategicMerge(handler http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		info, ok := request.RequestInfoFrom(req.Context())
		contentType, _, _ := strings.Cut(req.Header.Get("Content-Type"), ";")
		if ok && refusesStrategicMerge(info) && strings.TrimSpace(contentType) == string(types.StrategicMergePatchType) {
			err := apierrors.NewGenericServerResponse(http.StatusUnsupportedMediaType, "patch",
				schema.GroupResource{Group: info.APIGroup, Resource: info.Resource}, info.Name,
				fmt.Sprintf("the body of the request was in an unknown format - accepted media types include: %s",
					strings.Join(patchTypesWithoutStrategicMerge, ", ")), 0, false)
			err.ErrStatus.Reason = metav1.StatusReasonUnsupportedMediaType
			responsewriters.ErrorNegotiated(err, Codecs, schema.GroupVersion{Group: info.APIGroup, Version: info.APIVersion}, w, req)
			return
		}
		handler.ServeHTTP(w, req)
	})
}

// openAPIPaths matches the OpenAPI paths of the resources above.
var openAPIPaths = regexp.MustCompile(`^/apis/([^/]+)/[^/]+/namespaces/\{namespace\}/([^/]+)/\{name\}(/status)?$`)

func pathRefusesStrategicMerge(path string) bool {
	m := openAPIPaths.FindStringSubmatch(path)
	return m != nil && noStrategicMerge[schema.GroupResource{Group: m[1], Resource: m[2]}]
}

func withoutStrategicMerge(consumes []string) []string {
	out := make([]string, 0, len(consumes))
	for _, c := range consumes {
		if c != string(types.StrategicMergePatchType) {
			out = append(out, c)
		}
	}
	return out
}

// OpenAPIV2WithoutStrategicMerge removes strategic merge from the PATCH
// operations of the resources above.
func OpenAPIV2WithoutStrategicMerge(s *spec.Swagger) (*spec.Swagger, error) {
	if s.Paths == nil {
		return s, nil
	}
	for path, item := range s.Paths.Paths {
		if item.Patch != nil && pathRefusesStrategicMerge(path) {
			item.Patch.Consumes = withoutStrategicMerge(item.Patch.Consumes)
			s.Paths.Paths[path] = item
		}
	}
	return s, nil
}

// OpenAPIV3WithoutStrategicMerge is OpenAPIV2WithoutStrategicMerge for OpenAPI v3.
func OpenAPIV3WithoutStrategicMerge(s *spec3.OpenAPI) (*spec3.OpenAPI, error) {
	if s.Paths == nil {
		return s, nil
	}
	for path, item := range s.Paths.Paths {
		if item == nil || item.Patch == nil || item.Patch.RequestBody == nil || !pathRefusesStrategicMerge(path) {
			continue
		}
		delete(item.Patch.RequestBody.Content, string(types.StrategicMergePatchType))
	}
	return s, nil
}

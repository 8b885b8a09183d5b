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

package validation

import (
	"fmt"
	"slices"
	"strings"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlplane/mlplane/pkg/apis/serving"
	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
)

var supportedProtocolVersions = []string{servingv1beta1.ProtocolV1, servingv1beta1.ProtocolV2,
	servingv1beta1.ProtocolGRPCV1, servingv1beta1.ProtocolGRPCV2}

// implementation is one way a predictor serves its model: a framework field,
// model, or a custom container.
type implementation struct {
	// field is the JSON name of the field, or containers for a custom container.
	field string
	// container is the index of a custom container, else -1.
	container int
	// ext is the framework's or model's fields; nil for a custom container.
	ext *serving.PredictorExtensionSpec
}

// path is where the implementation is under the predictor's path.
func (i implementation) path(predictor *field.Path) *field.Path {
	if i.container >= 0 {
		return predictor.Child(i.field).Index(i.container)
	}
	return predictor.Child(i.field)
}

// implementations lists the predictor's implementations the way KServe
// counts them (PredictorSpec.GetImplementations): each framework field and
// model, then every container named kserve-container, or, when nothing else
// is set, the first container; other containers beside a framework or model
// are sidecars.
func implementations(p *serving.PredictorSpec) []implementation {
	var out []implementation
	add := func(field string, set bool, ext func() *serving.PredictorExtensionSpec) {
		if set {
			out = append(out, implementation{field: field, container: -1, ext: ext()})
		}
	}
	add("sklearn", p.SKLearn != nil, func() *serving.PredictorExtensionSpec { return &p.SKLearn.PredictorExtensionSpec })
	add("xgboost", p.XGBoost != nil, func() *serving.PredictorExtensionSpec { return &p.XGBoost.PredictorExtensionSpec })
	add("tensorflow", p.Tensorflow != nil, func() *serving.PredictorExtensionSpec { return &p.Tensorflow.PredictorExtensionSpec })
	add("pytorch", p.PyTorch != nil, func() *serving.PredictorExtensionSpec { return &p.PyTorch.PredictorExtensionSpec })
	add("triton", p.Triton != nil, func() *serving.PredictorExtensionSpec { return &p.Triton.PredictorExtensionSpec })
	add("onnx", p.ONNX != nil, func() *serving.PredictorExtensionSpec { return &p.ONNX.PredictorExtensionSpec })
	add("huggingface", p.HuggingFace != nil, func() *serving.PredictorExtensionSpec { return &p.HuggingFace.PredictorExtensionSpec })
	add("pmml", p.PMML != nil, func() *serving.PredictorExtensionSpec { return &p.PMML.PredictorExtensionSpec })
	add("lightgbm", p.LightGBM != nil, func() *serving.PredictorExtensionSpec { return &p.LightGBM.PredictorExtensionSpec })
	add("paddle", p.Paddle != nil, func() *serving.PredictorExtensionSpec { return &p.Paddle.PredictorExtensionSpec })
	add("model", p.Model != nil, func() *serving.PredictorExtensionSpec { return &p.Model.PredictorExtensionSpec })
	for i, c := range p.Containers {
		if c.Name == servingv1beta1.InferenceServiceContainerName {
			out = append(out, implementation{field: "containers", container: i})
		}
	}
	if len(out) == 0 && len(p.Containers) > 0 {
		out = append(out, implementation{field: "containers", container: 0})
	}
	return out
}

const exactlyOnePredictor = "exactly one of sklearn, xgboost, tensorflow, pytorch, triton, onnx, huggingface, pmml, " +
	"lightgbm, paddle, model or a custom container must be specified; beside a framework or model, only containers " +
	"not named kserve-container (sidecars) are allowed"

// predictorOptions says where a predictor is.
type predictorOptions struct {
	// canary predictors need a name.
	canary bool
	// annotations of the InferenceService, which multi-node rules read.
	annotations map[string]string
}

// validatePredictor checks spec.predictor or a canary's predictor.
func validatePredictor(p *serving.PredictorSpec, opts predictorOptions, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	switch {
	case p.Name == "" && opts.canary:
		allErrs = append(allErrs, field.Required(fldPath.Child("name"), "a canary predictor needs a name: it names its Deployment"))
	case p.Name != "":
		for _, msg := range utilvalidation.IsDNS1035Label(p.Name) {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("name"), p.Name, msg))
		}
	}

	impls := implementations(p)
	switch len(impls) {
	case 0:
		allErrs = append(allErrs, field.Required(fldPath, exactlyOnePredictor))
	case 1:
	default:
		for _, extra := range impls[1:] {
			allErrs = append(allErrs, field.Forbidden(extra.path(fldPath),
				fmt.Sprintf("must not be set together with %s: %s", impls[0].field, exactlyOnePredictor)))
		}
	}

	var storageURI *string
	for _, impl := range impls {
		if impl.ext != nil {
			allErrs = append(allErrs, validatePredictorExtension(impl.ext, impl.path(fldPath))...)
			if impl.ext.StorageURI != nil && *impl.ext.StorageURI != "" && storageURI == nil {
				storageURI = impl.ext.StorageURI
			}
		}
	}
	if p.Model != nil && p.Model.ModelFormat.Name == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("model", "modelFormat", "name"), ""))
	}
	if p.Model != nil && p.Model.Runtime != nil {
		runtimePath := fldPath.Child("model", "runtime")
		if runtime := *p.Model.Runtime; runtime == "" {
			allErrs = append(allErrs, field.Invalid(runtimePath, runtime, "must name a ServingRuntime or ClusterServingRuntime when set"))
		} else {
			for _, msg := range apivalidation.NameIsDNSSubdomain(runtime, false) {
				allErrs = append(allErrs, field.Invalid(runtimePath, runtime, msg))
			}
		}
	}

	containersPath := fldPath.Child("containers")
	allErrs = append(allErrs, validateContainers(p.Containers, containersPath)...)
	if len(impls) == 1 && impls[0].ext == nil {
		i := impls[0].container
		allErrs = append(allErrs, validateServingContainer(&p.Containers[i], containersPath.Index(i))...)
		if j := storageURIEnv(&p.Containers[i]); j >= 0 && p.Containers[i].Env[j].Value != "" {
			storageURI = &p.Containers[i].Env[j].Value
		}
	}
	// A transformer collocated in the predictor's pod reads the model from
	// the predictor (KServe's validateCollocationStorageURI).
	for i := range p.Containers {
		if p.Containers[i].Name == servingv1beta1.TransformerContainerName {
			if j := storageURIEnv(&p.Containers[i]); j >= 0 {
				allErrs = append(allErrs, field.Forbidden(containersPath.Index(i).Child("env").Index(j),
					"the transformer container collocated with the predictor must not set STORAGE_URI"))
			}
		}
	}

	allErrs = append(allErrs, validateStorageURIs(p.StorageUris, storageURI != nil, fldPath.Child("storageUris"))...)
	allErrs = append(allErrs, validateWorkerSpec(p, opts.annotations, fldPath)...)
	return append(allErrs, validateComponentExtension(&p.ComponentExtensionSpec, fldPath)...)
}

// validatePredictorExtension checks the fields a framework or model shares.
func validatePredictorExtension(ext *serving.PredictorExtensionSpec, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if ext.StorageURI != nil {
		allErrs = append(allErrs, validateStorageURI(*ext.StorageURI, fldPath.Child("storageUri"))...)
	}
	if ext.ProtocolVersion != nil {
		allErrs = append(allErrs, validateEnum(*ext.ProtocolVersion, supportedProtocolVersions, fldPath.Child("protocolVersion"))...)
	}
	// The container overrides the runtime's kserve-container, whose name it
	// keeps (KServe's validatePredictor).
	if ext.Name != "" {
		allErrs = append(allErrs, field.Forbidden(fldPath.Child("name"),
			"must not be set: the container overrides the runtime's kserve-container"))
	}
	return allErrs
}

// Environment variables KServe sets from workerSpec itself.
var workerSizeEnvVars = []string{"PIPELINE_PARALLEL_SIZE", "TENSOR_PARALLEL_SIZE"}

// validateWorkerSpec checks a multi-node predictor as KServe's
// validateMultiNodeVariables: one worker container, parallel sizes of at
// least 1, and for a model the sizes only in workerSpec, a pvc:// or oci://
// storage URI and no autoscaler.
func validateWorkerSpec(p *serving.PredictorSpec, annotations map[string]string, fldPath *field.Path) field.ErrorList {
	w := p.WorkerSpec
	if w == nil {
		return nil
	}
	workerPath := fldPath.Child("workerSpec")
	var allErrs field.ErrorList
	if len(w.Containers) > 1 {
		allErrs = append(allErrs, field.TooMany(workerPath.Child("containers"), len(w.Containers), 1))
	}
	allErrs = append(allErrs, validateContainers(w.Containers, workerPath.Child("containers"))...)
	if w.PipelineParallelSize != nil && *w.PipelineParallelSize < 1 {
		allErrs = append(allErrs, field.Invalid(workerPath.Child("pipelineParallelSize"), *w.PipelineParallelSize, "must be at least 1"))
	}
	if w.TensorParallelSize != nil && *w.TensorParallelSize < 1 {
		allErrs = append(allErrs, field.Invalid(workerPath.Child("tensorParallelSize"), *w.TensorParallelSize, "must be at least 1"))
	}
	m := p.Model
	if m == nil {
		return allErrs
	}
	modelPath := fldPath.Child("model")
	for i, env := range m.Env {
		if slices.Contains(workerSizeEnvVars, env.Name) {
			allErrs = append(allErrs, field.Forbidden(modelPath.Child("env").Index(i),
				fmt.Sprintf("%s is set from workerSpec with a multi-node predictor", env.Name)))
		}
	}
	switch {
	case m.StorageURI == nil || *m.StorageURI == "":
		allErrs = append(allErrs, field.Required(modelPath.Child("storageUri"), "a multi-node predictor needs a pvc:// or oci:// storage URI"))
	case !strings.HasPrefix(*m.StorageURI, "pvc://") && !strings.HasPrefix(*m.StorageURI, "oci://"):
		allErrs = append(allErrs, field.Invalid(modelPath.Child("storageUri"), *m.StorageURI,
			"a multi-node predictor supports only pvc:// and oci:// storage URIs"))
	}
	if class := annotations[servingv1beta1.AutoscalerClassAnnotation]; class != servingv1beta1.AutoscalerClassNone {
		allErrs = append(allErrs, field.Invalid(field.NewPath("metadata", "annotations").Key(servingv1beta1.AutoscalerClassAnnotation),
			class, "must be none for a multi-node predictor"))
	}
	return allErrs
}

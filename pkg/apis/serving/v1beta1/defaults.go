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

package v1beta1

import (
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/internal/schemadefaults"
)

// Defaults are applied by the server when an object is decoded, so they are
// persisted and visible in "kubectl get -o yaml": a predictor written with a
// framework field is stored, and read back, in the model form KServe's
// defaulting webhook turns it into.
//
// Only defaults that need nothing but the object are applied here. KServe's
// webhook also reads the inferenceservice-config ConfigMap: the default
// deployment mode annotation, the default resource requests and limits of
// each component's container, the ART explainer's image version,
// automountServiceAccountToken from the security config, and LocalModelCache
// labels. The server does not have that configuration; mlplane-controller
// has, and applies it to the objects it creates rather than to the spec.

// addDefaultingFuncs registers the hand-written defaulting functions; this
// project does not use defaulter-gen.
func addDefaultingFuncs(scheme *runtime.Scheme) error {
	scheme.AddTypeDefaultingFunc(&InferenceService{}, func(obj any) { SetDefaults_InferenceService(obj.(*InferenceService)) })
	scheme.AddTypeDefaultingFunc(&InferenceServiceList{}, func(obj any) {
		for i := range obj.(*InferenceServiceList).Items {
			SetDefaults_InferenceService(&obj.(*InferenceServiceList).Items[i])
		}
	})
	return nil
}

// SetDefaults_InferenceService persists what KServe's defaulting webhook sets
// without its configuration (see above):
//
//   - a predictor given as one framework field (sklearn, xgboost, tensorflow,
//     pytorch, triton, onnx, huggingface, pmml, lightgbm, paddle) becomes
//     model with modelFormat.name set to the framework's format, the
//     framework's fields moved over and the framework field cleared; triton,
//     onnx and huggingface get protocolVersion v2 when they have none, and so
//     does a model of format triton. A ModelMesh predictor
//     (serving.kserve.io/deploymentMode: ModelMesh) is left as written, as
//     upstream does. The canary predictors are rewritten the same way.
//   - the serving container of a custom predictor, transformer or explainer,
//     and the ART explainer's container, are named kserve-container.
//   - storageUris[*].mountPath defaults to /mnt/models.
//   - logger.mode defaults to all, the default KServe documents (its
//     validation rejects an empty mode; mlplane fills it in instead).
//
// Last come the schema defaults of the embedded Kubernetes types (a
// container port's protocol TCP, ...) that KServe's CRD applies, wherever a
// container, pod spec or volume sits in the object.
func SetDefaults_InferenceService(isvc *InferenceService) {
	modelMesh := isvc.Annotations[DeploymentModeAnnotation] == DeploymentModeModelMesh
	setPredictorDefaults(&isvc.Spec.Predictor, !modelMesh)
	// Canaries exist only in Standard mode; they follow the predictor's rules.
	for i := range isvc.Spec.Canary {
		setPredictorDefaults(&isvc.Spec.Canary[i].Predictor, true)
	}
	if t := isvc.Spec.Transformer; t != nil {
		nameServingContainer(t.Containers)
		setStorageURIDefaults(t.StorageUris)
		setComponentDefaults(&t.ComponentExtensionSpec)
	}
	if e := isvc.Spec.Explainer; e != nil {
		switch {
		case e.ART != nil && len(e.Containers) == 0:
			e.ART.Name = InferenceServiceContainerName
		case e.ART == nil:
			nameServingContainer(e.Containers)
		}
		setStorageURIDefaults(e.StorageUris)
		setComponentDefaults(&e.ComponentExtensionSpec)
	}
	schemadefaults.Apply(isvc)
}

// setPredictorDefaults defaults a predictor or a canary's predictor. A
// ModelMesh predictor (byKServe false) keeps its framework field and
// containers as written: modelmesh-serving reads them itself.
func setPredictorDefaults(p *PredictorSpec, byKServe bool) {
	setStorageURIDefaults(p.StorageUris)
	setComponentDefaults(&p.ComponentExtensionSpec)
	if !byKServe {
		return
	}
	rewriteFramework(p)
	if p.Model != nil && p.Model.ProtocolVersion == nil && p.Model.ModelFormat.Name == ModelFormatTriton {
		p.Model.ProtocolVersion = ptr.To(ProtocolV2)
	}
	// A custom predictor: containers and nothing else. Its serving container
	// is the one named kserve-container, else the first, which is named so
	// when it is alone or unnamed (as KServe's CustomPredictor.Default).
	if frameworkCount(p) == 0 && p.Model == nil && len(p.Containers) > 0 && !hasServingContainer(p.Containers) &&
		(len(p.Containers) == 1 || p.Containers[0].Name == "") {
		p.Containers[0].Name = InferenceServiceContainerName
	}
}

// rewriteFramework turns the predictor's framework field into model, as
// KServe's assign*Runtime functions. Upstream rewrites the first framework
// it finds even when model or a second framework is also set, and so
// silently drops the user's model; mlplane rewrites only an unambiguous
// predictor and leaves the others for validation to reject with the fields
// the user wrote. An update is the exception: there the framework replaces
// the model stored before (FrameworkReplacesModel, called by the strategy,
// which knows the stored object).
func rewriteFramework(p *PredictorSpec) {
	if p.Model != nil {
		return
	}
	FrameworkReplacesModel(p)
}

// FrameworkReplacesModel sets model from the predictor's only framework
// field and clears that field, replacing any model, as KServe's assign*Runtime
// functions. It changes nothing and returns false unless exactly one
// framework field is set and no container is named kserve-container.
func FrameworkReplacesModel(p *PredictorSpec) bool {
	if frameworkCount(p) != 1 || hasServingContainer(p.Containers) {
		return false
	}
	format, ext, protocolV2 := "", (*PredictorExtensionSpec)(nil), false
	switch {
	case p.SKLearn != nil:
		format, ext = ModelFormatSKLearn, &p.SKLearn.PredictorExtensionSpec
	case p.Tensorflow != nil:
		format, ext = ModelFormatTensorflow, &p.Tensorflow.PredictorExtensionSpec
	case p.XGBoost != nil:
		format, ext = ModelFormatXGBoost, &p.XGBoost.PredictorExtensionSpec
	case p.PyTorch != nil:
		format, ext = ModelFormatPyTorch, &p.PyTorch.PredictorExtensionSpec
	case p.Triton != nil:
		format, ext, protocolV2 = ModelFormatTriton, &p.Triton.PredictorExtensionSpec, true
	case p.ONNX != nil:
		format, ext, protocolV2 = ModelFormatONNX, &p.ONNX.PredictorExtensionSpec, true
	case p.HuggingFace != nil:
		format, ext, protocolV2 = ModelFormatHuggingFace, &p.HuggingFace.PredictorExtensionSpec, true
	case p.PMML != nil:
		format, ext = ModelFormatPMML, &p.PMML.PredictorExtensionSpec
	case p.LightGBM != nil:
		format, ext = ModelFormatLightGBM, &p.LightGBM.PredictorExtensionSpec
	case p.Paddle != nil:
		format, ext = ModelFormatPaddle, &p.Paddle.PredictorExtensionSpec
	}
	// Upstream defaults these three to the v2 protocol "for backward
	// compatibility"; the others keep an unset protocol.
	if protocolV2 && ext.ProtocolVersion == nil {
		ext.ProtocolVersion = ptr.To(ProtocolV2)
	}
	p.Model = &ModelSpec{ModelFormat: ModelFormat{Name: format}, PredictorExtensionSpec: *ext}
	p.SKLearn, p.XGBoost, p.Tensorflow, p.PyTorch, p.Triton = nil, nil, nil, nil, nil
	p.ONNX, p.HuggingFace, p.PMML, p.LightGBM, p.Paddle = nil, nil, nil, nil, nil
	return true
}

// frameworkCount counts the predictor's framework fields.
func frameworkCount(p *PredictorSpec) int {
	n := 0
	for _, set := range []bool{p.SKLearn != nil, p.XGBoost != nil, p.Tensorflow != nil, p.PyTorch != nil, p.Triton != nil,
		p.ONNX != nil, p.HuggingFace != nil, p.PMML != nil, p.LightGBM != nil, p.Paddle != nil} {
		if set {
			n++
		}
	}
	return n
}

func hasServingContainer(containers []corev1.Container) bool {
	return slices.ContainsFunc(containers, func(c corev1.Container) bool { return c.Name == InferenceServiceContainerName })
}

// nameServingContainer names the first container of a custom transformer or
// explainer kserve-container, the name KServe's CustomTransformer and
// CustomExplainer defaulting give it, unless another container already has
// that name (upstream would rename the first one as well and produce two).
func nameServingContainer(containers []corev1.Container) {
	if len(containers) > 0 && !hasServingContainer(containers) {
		containers[0].Name = InferenceServiceContainerName
	}
}

func setStorageURIDefaults(uris []StorageURI) {
	for i := range uris {
		if uris[i].MountPath == "" {
			uris[i].MountPath = DefaultModelLocalMountPath
		}
	}
}

func setComponentDefaults(ext *ComponentExtensionSpec) {
	if ext.Logger != nil && ext.Logger.Mode == "" {
		ext.Logger.Mode = LoggerModeAll
	}
}

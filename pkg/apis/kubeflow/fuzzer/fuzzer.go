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

// Package fuzzer fills kubeflow.org objects with random values for the
// round-trip tests.
package fuzzer

import (
	"encoding/json"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"
	runtimeserializer "k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/randfill"

	"github.com/mlplane/mlplane/pkg/apis/internal/schemadefaults"
	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

// Funcs returns fuzz functions that leave objects in the shape the defaulter
// produces. Decoding defaults, so a round trip returns what was encoded only
// for objects that defaulting no longer changes.
func Funcs(_ runtimeserializer.CodecFactory) []any {
	return []any{
		func(rp *kubeflow.RunPolicy, c randfill.Continue) {
			c.FillNoCustom(rp)
			if rp.CleanPodPolicy == nil {
				rp.CleanPodPolicy = ptr.To(oneOf(c, kubeflow.CleanPodPolicyAll, kubeflow.CleanPodPolicyRunning, kubeflow.CleanPodPolicyNone))
			}
			if rp.Suspend == nil {
				rp.Suspend = ptr.To(c.Bool())
			}
		},
		func(sp *kubeflow.SchedulingPolicy, c randfill.Continue) {
			c.FillNoCustom(sp)
			// A pointer to a nil map encodes as null and decodes as a nil pointer.
			if sp.MinResources != nil && *sp.MinResources == nil {
				sp.MinResources = &map[corev1.ResourceName]resource.Quantity{}
			}
		},
		func(rs *kubeflow.ReplicaSpec, c randfill.Continue) {
			c.FillNoCustom(rs)
			if rs.Replicas == nil {
				rs.Replicas = ptr.To(c.Int31n(8))
			}
			if rs.RestartPolicy == "" {
				rs.RestartPolicy = oneOf(c, kubeflow.RestartPolicyAlways, kubeflow.RestartPolicyOnFailure,
					kubeflow.RestartPolicyNever, kubeflow.RestartPolicyExitCode)
			}
		},
		func(s *kubeflow.TFJobSpec, c randfill.Continue) {
			c.FillNoCustom(s)
			s.TFReplicaSpecs = tfJob.replicaSpecs(c)
		},
		func(s *kubeflow.PyTorchJobSpec, c randfill.Continue) {
			c.FillNoCustom(s)
			s.PyTorchReplicaSpecs = pyTorchJob.replicaSpecs(c)
			if ep := s.ElasticPolicy; ep != nil {
				if ep.MinReplicas == nil {
					ep.MinReplicas = ptr.To(c.Int31n(8))
				}
				if ep.MaxReplicas == nil {
					ep.MaxReplicas = ptr.To(*ep.MinReplicas + c.Int31n(8))
				}
			}
			if s.NprocPerNode == nil && (s.ElasticPolicy == nil || s.ElasticPolicy.NProcPerNode == nil) {
				s.NprocPerNode = ptr.To(oneOf(c, "auto", "cpu", "gpu", "4"))
			}
		},
		func(s *kubeflow.MPIJobSpec, c randfill.Continue) {
			c.FillNoCustom(s)
			s.MPIReplicaSpecs = mpiJob.replicaSpecs(c)
			if s.SlotsPerWorker == nil {
				s.SlotsPerWorker = ptr.To(1 + c.Int31n(8))
			}
			// The legacy field takes the run policy's value when unset.
			if s.CleanPodPolicy == nil {
				s.CleanPodPolicy = ptr.To(*s.RunPolicy.CleanPodPolicy)
			}
		},
		func(s *kubeflow.XGBoostJobSpec, c randfill.Continue) {
			c.FillNoCustom(s)
			s.XGBReplicaSpecs = xgboostJob.replicaSpecs(c)
		},
		func(s *kubeflow.PaddleJobSpec, c randfill.Continue) {
			c.FillNoCustom(s)
			s.PaddleReplicaSpecs = paddleJob.replicaSpecs(c)
			if ep := s.ElasticPolicy; ep != nil {
				if ep.MinReplicas == nil {
					ep.MinReplicas = ptr.To(c.Int31n(8))
				}
				if ep.MaxReplicas == nil {
					ep.MaxReplicas = ptr.To(*ep.MinReplicas + c.Int31n(8))
				}
			}
		},
		func(s *kubeflow.JAXJobSpec, c randfill.Continue) {
			c.FillNoCustom(s)
			s.JAXReplicaSpecs = jaxJob.replicaSpecs(c)
		},
		func(s *rbacv1.Subject, c randfill.Continue) {
			c.FillNoCustom(s)
			// Mostly the kinds RBAC knows, so that their defaulting is covered.
			if c.Intn(4) != 0 {
				s.Kind = oneOf(c, rbacv1.UserKind, rbacv1.GroupKind, rbacv1.ServiceAccountKind)
			}
			if s.APIGroup == "" && (s.Kind == rbacv1.UserKind || s.Kind == rbacv1.GroupKind) {
				s.APIGroup = rbacv1.GroupName
			}
		},
		func(p *kubeflow.Plugin, c randfill.Continue) {
			c.FillNoCustom(p)
			// The meta fuzzer blanks every TypeMeta, as a top-level object's
			// is in memory; a plugin's is data: its kind says which plugin.
			p.Kind = oneOf(c, "WorkloadIdentity", "AwsIamForServiceAccount", c.String(0))
			p.APIVersion = oneOf(c, "", "kubeflow.org/v1", c.String(0))
		},
		func(r *runtime.RawExtension, c randfill.Continue) {
			*r = runtime.RawExtension{Raw: rawJSONObject(c)}
		},
		withSchemaDefaults[kubeflow.TFJob](),
		withSchemaDefaults[kubeflow.PyTorchJob](),
		withSchemaDefaults[kubeflow.MPIJob](),
		withSchemaDefaults[kubeflow.XGBoostJob](),
		withSchemaDefaults[kubeflow.PaddleJob](),
		withSchemaDefaults[kubeflow.JAXJob](),
		withSchemaDefaults[kubeflow.Notebook](),
		withSchemaDefaults[kubeflow.Profile](),
		withSchemaDefaults[kubeflow.PodDefault](),
	}
}

// withSchemaDefaults fills a whole object and then applies the schema
// defaults of the Kubernetes types in it (a port's protocol, ...), which
// every kind's defaulting applies last.
func withSchemaDefaults[T any]() func(*T, randfill.Continue) {
	return func(obj *T, c randfill.Continue) {
		c.FillNoCustom(obj)
		schemadefaults.Apply(obj)
	}
}

// rawJSONObject is a small JSON object as a plugin spec holds one, encoded
// as a map encodes (keys sorted, no spaces), which is how it comes back from
// a trip through an unstructured object. The meta fuzzer's RawExtensions
// are whole API objects whose keys are in struct order.
func rawJSONObject(c randfill.Continue) []byte {
	obj := map[string]any{}
	for i := range c.Intn(4) {
		key := fmt.Sprintf("%s%d", c.String(8), i)
		switch c.Intn(3) {
		case 0:
			obj[key] = c.String(0)
		case 1:
			obj[key] = c.Bool()
		default:
			obj[key] = c.Int63n(1 << 40)
		}
	}
	raw, err := json.Marshal(obj)
	if err != nil {
		// A map of strings, booleans and integers always encodes.
		panic(fmt.Sprintf("encoding a plugin spec: %v", err))
	}
	return raw
}

// kind is what the defaulter adds to each replica of one training kind.
type kind struct {
	types         []kubeflow.ReplicaType
	containerName string
	portName      string
	port          int32
}

var (
	tfJob = kind{
		types: []kubeflow.ReplicaType{kubeflow.TFJobReplicaTypePS, kubeflow.TFJobReplicaTypeWorker,
			kubeflow.TFJobReplicaTypeChief, kubeflow.TFJobReplicaTypeMaster, kubeflow.TFJobReplicaTypeEval},
		containerName: kubeflowv1.TFJobDefaultContainerName,
		portName:      kubeflowv1.TFJobDefaultPortName,
		port:          kubeflowv1.TFJobDefaultPort,
	}
	pyTorchJob = kind{
		types:         []kubeflow.ReplicaType{kubeflow.PyTorchJobReplicaTypeMaster, kubeflow.PyTorchJobReplicaTypeWorker},
		containerName: kubeflowv1.PyTorchJobDefaultContainerName,
		portName:      kubeflowv1.PyTorchJobDefaultPortName,
		port:          kubeflowv1.PyTorchJobDefaultPort,
	}
	// MPIJobs get no default port.
	mpiJob = kind{
		types:         []kubeflow.ReplicaType{kubeflow.MPIJobReplicaTypeLauncher, kubeflow.MPIJobReplicaTypeWorker},
		containerName: kubeflowv1.MPIJobDefaultContainerName,
	}
	xgboostJob = kind{
		types:         []kubeflow.ReplicaType{kubeflow.XGBoostJobReplicaTypeMaster, kubeflow.XGBoostJobReplicaTypeWorker},
		containerName: kubeflowv1.XGBoostJobDefaultContainerName,
		portName:      kubeflowv1.XGBoostJobDefaultPortName,
		port:          kubeflowv1.XGBoostJobDefaultPort,
	}
	paddleJob = kind{
		types:         []kubeflow.ReplicaType{kubeflow.PaddleJobReplicaTypeMaster, kubeflow.PaddleJobReplicaTypeWorker},
		containerName: kubeflowv1.PaddleJobDefaultContainerName,
		portName:      kubeflowv1.PaddleJobDefaultPortName,
		port:          kubeflowv1.PaddleJobDefaultPort,
	}
	jaxJob = kind{
		types:         []kubeflow.ReplicaType{kubeflow.JAXJobReplicaTypeWorker},
		containerName: kubeflowv1.JAXJobDefaultContainerName,
		portName:      kubeflowv1.JAXJobDefaultPortName,
		port:          kubeflowv1.JAXJobDefaultPort,
	}
)

// replicaSpecs keys replicas by canonical type names, since the defaulter
// renames keys that differ from them only in case.
func (k kind) replicaSpecs(c randfill.Continue) map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec {
	specs := map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec{}
	for _, typ := range k.types {
		if c.Bool() {
			continue
		}
		spec := &kubeflow.ReplicaSpec{}
		c.Fill(spec)
		k.addDefaultPort(&spec.Template.Spec)
		specs[typ] = spec
	}
	return specs
}

// addDefaultPort gives the default container, or the first one, the kind's
// port as the defaulter does.
func (k kind) addDefaultPort(pod *corev1.PodSpec) {
	if k.portName == "" || len(pod.Containers) == 0 {
		return
	}
	i := max(0, slices.IndexFunc(pod.Containers, func(c corev1.Container) bool { return c.Name == k.containerName }))
	ports := &pod.Containers[i].Ports
	if !slices.ContainsFunc(*ports, func(p corev1.ContainerPort) bool { return p.Name == k.portName }) {
		*ports = append(*ports, corev1.ContainerPort{Name: k.portName, ContainerPort: k.port})
	}
}

func oneOf[T any](c randfill.Continue, values ...T) T {
	return values[c.Intn(len(values))]
}

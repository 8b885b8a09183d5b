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

package training

import (
	"fmt"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

// ReplicaCount is spec.replicas; the server persists the default of 1,
// which stands in for a missing count here too.
func ReplicaCount(spec *kubeflowv1.ReplicaSpec) int32 {
	if spec.Replicas == nil {
		return 1
	}
	return *spec.Replicas
}

// TotalReplicas is the number of replicas of every type.
func TotalReplicas(replicas map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec) int32 {
	var total int32
	for _, spec := range replicas {
		if spec != nil {
			total += ReplicaCount(spec)
		}
	}
	return total
}

// ContainerPort is the port named PortName of the replica's container
// named Container; ok is false when there is none.
func (d *Description) ContainerPort(spec *kubeflowv1.ReplicaSpec) (port int32, ok bool) {
	for _, c := range spec.Template.Spec.Containers {
		if c.Name != d.Container {
			continue
		}
		for _, p := range c.Ports {
			if p.Name == d.PortName {
				return p.ContainerPort, true
			}
		}
	}
	return 0, false
}

// RequiredPort is ContainerPort for kinds whose port the server defaults,
// so that a missing one is an error rather than a fallback.
func (d *Description) RequiredPort(spec *kubeflowv1.ReplicaSpec) (int32, error) {
	if port, ok := d.ContainerPort(spec); ok {
		return port, nil
	}
	return 0, fmt.Errorf("container %q has no port %q", d.Container, d.PortName)
}

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

package pytorch

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// InitContainerName is the init container that holds workers until the
// master's service name resolves, so that they do not fail to rendezvous.
const InitContainerName = "init-pytorch"

// The init container's resources, those of upstream's template.
var (
	initContainerLimits = corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse("100m"),
		corev1.ResourceMemory: resource.MustParse("20Mi"),
	}
	initContainerRequests = corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse("50m"),
		corev1.ResourceMemory: resource.MustParse("10Mi"),
	}
)

// initContainer is upstream's default init-pytorch container, waiting for
// the master named master.
func (f *Framework) initContainer(master string) corev1.Container {
	script := fmt.Sprintf("err=1;for i in $(seq %d); do if nslookup %s; then err=0 && break; fi;echo waiting for master; sleep 2; done; exit $err",
		f.opts.InitContainerMaxTries, master)
	return corev1.Container{
		Name:            InitContainerName,
		Image:           f.opts.InitContainerImage,
		ImagePullPolicy: corev1.PullIfNotPresent,
		Command:         []string{"sh", "-c", script},
		Resources: corev1.ResourceRequirements{
			Limits:   initContainerLimits.DeepCopy(),
			Requests: initContainerRequests.DeepCopy(),
		},
	}
}

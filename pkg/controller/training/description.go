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
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

// Description is the constant part of a Framework. An adapter embeds one,
// so that it declares its kind's names once and writes only its rules.
type Description struct {
	JobKind    string // Kind
	Name       string // FrameworkName
	Controller string // ControllerName
	Container  string // DefaultContainerName
	PortName   string // DefaultPortName
	Port       int32  // DefaultPort
	// Types is ReplicaTypes, in the order the kind evaluates status.
	Types []kubeflowv1.ReplicaType
}

func (d *Description) Kind() string                 { return d.JobKind }
func (d *Description) FrameworkName() string        { return d.Name }
func (d *Description) ControllerName() string       { return d.Controller }
func (d *Description) DefaultContainerName() string { return d.Container }
func (d *Description) DefaultPortName() string      { return d.PortName }
func (d *Description) DefaultPort() int32           { return d.Port }

// ReplicaTypes returns a copy of Types, which callers may change.
func (d *Description) ReplicaTypes() []kubeflowv1.ReplicaType { return slices.Clone(d.Types) }

// Clock stamps an adapter's conditions and completionTime; tests replace Now.
type Clock struct {
	// Now returns the current time; nil means metav1.Now.
	Now func() metav1.Time
}

// Time returns the current time by Now.
func (c *Clock) Time() metav1.Time {
	if c.Now == nil {
		return metav1.Now()
	}
	return c.Now()
}

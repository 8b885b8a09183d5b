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

package schemadefaults

import (
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
)

// field returns the field of the value v points to that m defaults.
func field(t *testing.T, v reflect.Value, m marker) reflect.Value {
	t.Helper()
	d, err := resolve(m)
	if err != nil {
		t.Fatal(err)
	}
	return v.Elem().Field(d.index)
}

func TestApplySetsEachMarkedFieldThatIsAbsent(t *testing.T) {
	for _, m := range markers {
		t.Run(m.typ.Name()+"."+m.field, func(t *testing.T) {
			obj := reflect.New(m.typ)
			Apply(obj.Interface())
			got := field(t, obj, m)
			want := reflect.New(got.Type())
			if err := jsonUnmarshal(m.value, want.Interface()); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Interface(), want.Elem().Interface()) {
				t.Errorf("absent %s = %#v, want the default %s", m.field, got.Interface(), m.value)
			}
		})
	}
}

func TestApplyKeepsMarkedFieldsThatAreSet(t *testing.T) {
	for _, m := range markers {
		t.Run(m.typ.Name()+"."+m.field, func(t *testing.T) {
			obj := reflect.New(m.typ)
			f := field(t, obj, m)
			set := UserValue(f)
			f.Set(set)
			Apply(obj.Interface())
			if got := field(t, obj, m); !reflect.DeepEqual(got.Interface(), set.Interface()) {
				t.Errorf("set %s became %#v", m.field, got.Interface())
			}
		})
	}
}

func TestApplyKeepsAnExplicitZeroValue(t *testing.T) {
	// A set pointer is present even when it points to the zero value: a
	// CRD keeps "readOnly: false" and "service: ''" as they are.
	disk := corev1.AzureDiskVolumeSource{ReadOnly: ptr.To(true)}
	Apply(&disk)
	if !*disk.ReadOnly {
		t.Errorf("readOnly: true became false")
	}
	probe := corev1.GRPCAction{Service: ptr.To("health")}
	Apply(&probe)
	if *probe.Service != "health" {
		t.Errorf("service health became %q", *probe.Service)
	}
}

// holder puts a defaulted type behind every kind of Go value a schema
// default reaches into: list items, map values, pointers, arrays.
type holder struct {
	Ports     []corev1.ContainerPort            `json:"ports,omitempty"`
	ByValue   map[string]corev1.ContainerPort   `json:"byValue,omitempty"`
	ByPointer map[string]*corev1.ContainerPort  `json:"byPointer,omitempty"`
	Lists     map[string][]corev1.ContainerPort `json:"lists,omitempty"`
	Pointer   *corev1.ContainerPort             `json:"pointer,omitempty"`
	Array     [1]corev1.ContainerPort           `json:"array"`
	Nested    []*holder                         `json:"nested,omitempty"`
	// Fields JSON never sees are not defaulted.
	Skipped corev1.ContainerPort `json:"-"`
	hidden  corev1.ContainerPort
}

func TestApplyReachesListItemsMapValuesAndPointers(t *testing.T) {
	h := &holder{
		Ports:     []corev1.ContainerPort{{ContainerPort: 1}, {ContainerPort: 2, Protocol: corev1.ProtocolUDP}},
		ByValue:   map[string]corev1.ContainerPort{"a": {ContainerPort: 3}},
		ByPointer: map[string]*corev1.ContainerPort{"a": {ContainerPort: 4}, "nil": nil},
		Lists:     map[string][]corev1.ContainerPort{"a": {{ContainerPort: 5}}},
		Pointer:   &corev1.ContainerPort{ContainerPort: 6},
		Nested:    []*holder{{Ports: []corev1.ContainerPort{{ContainerPort: 7}}}},
	}
	Apply(h)
	tcp := corev1.ProtocolTCP
	want := &holder{
		Ports:     []corev1.ContainerPort{{ContainerPort: 1, Protocol: tcp}, {ContainerPort: 2, Protocol: corev1.ProtocolUDP}},
		ByValue:   map[string]corev1.ContainerPort{"a": {ContainerPort: 3, Protocol: tcp}},
		ByPointer: map[string]*corev1.ContainerPort{"a": {ContainerPort: 4, Protocol: tcp}, "nil": nil},
		Lists:     map[string][]corev1.ContainerPort{"a": {{ContainerPort: 5, Protocol: tcp}}},
		Pointer:   &corev1.ContainerPort{ContainerPort: 6, Protocol: tcp},
		Array:     [1]corev1.ContainerPort{{Protocol: tcp}},
		Nested: []*holder{{
			Ports: []corev1.ContainerPort{{ContainerPort: 7, Protocol: tcp}},
			Array: [1]corev1.ContainerPort{{Protocol: tcp}},
		}},
	}
	if diff := cmp.Diff(want, h, cmp.AllowUnexported(holder{})); diff != "" {
		t.Errorf("defaulted holder (-want +got):\n%s", diff)
	}
}

func TestApplyGivesEachObjectItsOwnDefault(t *testing.T) {
	a, b := corev1.GRPCAction{}, corev1.GRPCAction{}
	Apply(&a)
	Apply(&b)
	*a.Service = "changed"
	if *b.Service != "" {
		t.Errorf("two objects share one default: %q", *b.Service)
	}
}

// TestApplyDoesNotDoInTreePodDefaulting checks that only marked fields
// change: kube-apiserver's pod defaulting (dnsPolicy, restartPolicy,
// terminationMessagePath, imagePullPolicy, probe periods, ...) is no schema
// default, and a CRD does not apply it.
func TestApplyDoesNotDoInTreePodDefaulting(t *testing.T) {
	probe := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{GRPC: &corev1.GRPCAction{Port: 9000}}}
	tmpl := &corev1.PodTemplateSpec{Spec: corev1.PodSpec{
		Containers: []corev1.Container{{
			Name: "tensorflow", Image: "tf:latest",
			Ports:          []corev1.ContainerPort{{Name: "tfjob-port", ContainerPort: 2222}},
			LivenessProbe:  probe,
			ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/"}}},
			Env: []corev1.EnvVar{{Name: "A", ValueFrom: &corev1.EnvVarSource{
				ConfigMapKeyRef: &corev1.ConfigMapKeySelector{Key: "k"},
			}}},
		}},
		Volumes: []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{
			EmptyDir: &corev1.EmptyDirVolumeSource{},
		}}},
	}}
	want := tmpl.DeepCopy()
	want.Spec.Containers[0].Ports[0].Protocol = corev1.ProtocolTCP
	want.Spec.Containers[0].LivenessProbe.GRPC.Service = ptr.To("")

	Apply(tmpl)
	if diff := cmp.Diff(want, tmpl); diff != "" {
		t.Errorf("defaulted template (-want +got):\n%s", diff)
	}
}

func TestApplyIgnoresWhatIsNotAPointer(t *testing.T) {
	Apply(nil)
	Apply((*corev1.PodSpec)(nil))
	Apply(corev1.ContainerPort{})
}

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

	corev1 "k8s.io/api/core/v1"
)

// marker is one `+default=` marker: the JSON value a schema default gives a
// field of a Go type, as written in the marker.
type marker struct {
	typ reflect.Type
	// field is the JSON name of the field.
	field string
	value string
}

// markers are the `+default=` markers of k8s.io/api v0.37 reachable from
// mlplane's kinds whose default can change a Go object. They are the
// effective defaults of a CRD that controller-gen generates from the same
// types; the tests compare this table with the `default` values of
// mlplane's generated OpenAPI.
//
// Left out on purpose:
//   - `+default=ref(...)` markers (an azureDisk volume's cachingMode and
//     kind): controller-gen skips them, so no CRD applies them.
//   - `+default=""` on a string that is omitted when empty (a local object
//     reference's name): it changes nothing in Go.
var markers = []marker{
	{reflect.TypeFor[corev1.ContainerPort](), "protocol", `"TCP"`},
	{reflect.TypeFor[corev1.GRPCAction](), "service", `""`},
	{reflect.TypeFor[corev1.FileKeySelector](), "optional", `false`},
	{reflect.TypeFor[corev1.RBDVolumeSource](), "pool", `"rbd"`},
	{reflect.TypeFor[corev1.RBDVolumeSource](), "user", `"admin"`},
	{reflect.TypeFor[corev1.RBDVolumeSource](), "keyring", `"/etc/ceph/keyring"`},
	{reflect.TypeFor[corev1.ISCSIVolumeSource](), "iscsiInterface", `"default"`},
	{reflect.TypeFor[corev1.AzureDiskVolumeSource](), "fsType", `"ext4"`},
	{reflect.TypeFor[corev1.AzureDiskVolumeSource](), "readOnly", `false`},
	{reflect.TypeFor[corev1.ScaleIOVolumeSource](), "storageMode", `"ThinProvisioned"`},
	{reflect.TypeFor[corev1.ScaleIOVolumeSource](), "fsType", `"xfs"`},
}

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

package childsync

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/client-go/util/csaupgrade"
)

// LegacyFieldManager is the field manager of the children mlplane-controller
// created and updated before its controllers applied them: the API server
// names a manager after the client's user agent.
const LegacyFieldManager = "mlplane-controller"

// upgrade makes the fields the Syncer's Upgrade managers own on live the
// Syncer's FieldManager's (client-go's csaupgrade), and returns live as it
// is then. A live object from a stale cache fails with a conflict: the
// patch pins its resourceVersion.
func upgrade[T Object](ctx context.Context, s *Syncer, k *Kind[T], live T) (T, error) {
	// The field manager's own create is upgraded too.
	managers := sets.New(s.Upgrade...).Insert(s.FieldManager)
	patch, err := csaupgrade.UpgradeManagedFieldsPatch(live, managers, s.FieldManager)
	if err != nil || patch == nil {
		return live, err
	}
	upgraded, err := k.Client(live.GetNamespace()).Patch(ctx, live.GetName(), types.JSONPatchType, patch, metav1.PatchOptions{})
	if err != nil {
		var zero T
		return zero, fmt.Errorf("taking over the fields of %s %s from %v: %w", k.GVK.Kind, live.GetName(), s.Upgrade, err)
	}
	return upgraded, nil
}

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

package runtimes

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/rest"

	"github.com/mlplane/mlplane/pkg/registry/internal/tables"
)

// tableConvertor prints runtimes for kubectl in the kind's columns.
type tableConvertor[T any, P Object[T], S any] struct {
	kind *Kind[T, P, S]
}

var _ rest.TableConvertor = tableConvertor[metav1.PartialObjectMetadata, *metav1.PartialObjectMetadata, struct{}]{}

func (c tableConvertor[T, P, S]) ConvertToTable(_ context.Context, obj runtime.Object, _ runtime.Object) (*metav1.Table, error) {
	return tables.Convert(obj, c.kind.Columns, func(o runtime.Object, name, age string) ([]any, error) {
		rt, ok := o.(P)
		if !ok {
			return nil, fmt.Errorf("not a %s: %T", c.kind.Singular, o)
		}
		return c.kind.Row(name, age, c.kind.Spec(rt)), nil
	})
}

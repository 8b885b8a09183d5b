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

// Package tables builds the metav1.Table answers ("kubectl get" columns) of
// mlplane's kinds.
package tables

import (
	"k8s.io/apimachinery/pkg/api/meta"
	metatable "k8s.io/apimachinery/pkg/api/meta/table"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// CellsFunc returns the cells of one object's row; name and age are the
// object's formatted name and age.
type CellsFunc func(obj runtime.Object, name, age string) ([]any, error)

// Convert returns the table of obj, one object or a list: columns, a row per
// object, and the list's resourceVersion, continue token and remaining count.
func Convert(obj runtime.Object, columns []metav1.TableColumnDefinition, cells CellsFunc) (*metav1.Table, error) {
	table := &metav1.Table{ColumnDefinitions: columns}
	if m, err := meta.ListAccessor(obj); err == nil {
		table.ResourceVersion = m.GetResourceVersion()
		table.Continue = m.GetContinue()
		table.RemainingItemCount = m.GetRemainingItemCount()
	} else if m, err := meta.CommonAccessor(obj); err == nil {
		table.ResourceVersion = m.GetResourceVersion()
	}
	rows, err := metatable.MetaToTableRow(obj, func(o runtime.Object, _ metav1.Object, name, age string) ([]any, error) {
		return cells(o, name, age)
	})
	if err != nil {
		return nil, err
	}
	table.Rows = rows
	return table, nil
}

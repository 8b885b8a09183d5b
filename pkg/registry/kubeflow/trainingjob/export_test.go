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

package trainingjob

import (
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/rest"
)

// Strategy is the method set of both strategies. The strategy tests live in
// package trainingjob_test because they need the kinds of tfjob, pytorchjob, ...,
// which import this package; this file lets them reach the strategies.
type Strategy interface {
	rest.RESTCreateStrategy
	rest.RESTUpdateStrategy
	rest.ResetFieldsStrategy
}

// NewStrategies returns the main and the status strategy of kind.
func NewStrategies[T any, P Object[T]](typer runtime.ObjectTyper, kind *Kind[T, P]) (main, status Strategy) {
	s := newStrategy(typer, kind)
	return s, statusStrategy[T, P]{Strategy: s}
}

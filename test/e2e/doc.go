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

// Package e2e tests mlplane end to end on a real local control plane
// (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok and
// mlplane-apiserver, started by hack/local-up.sh), driving it with kubectl
// exactly as a user would.
//
// TestMain starts a fresh control plane in _output/e2e with its ports moved
// by 1000 (MLPLANE_E2E_PORT_OFFSET), and stops it at the end. Set MLPLANE_E2E_LOCAL_DIR to the state
// directory of a control plane that is already running (for example
// _output/local after "make run") to test against that one instead.
package e2e

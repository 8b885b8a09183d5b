//go:build tools

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

// Package tools pins Kueue, which test/e2e runs beside mlplane to check that
// it admits mlplane's TFJobs and PyTorchJobs as it admits training-operator's.
// It is a module of its own because Kueue builds against its own Kubernetes
// libraries (v0.35), not the v0.37 of hack/tools: hack/build-tools.sh builds
// sigs.k8s.io/kueue/cmd/kueue from here, and go.sum holds every checksum that
// build needs (`go get sigs.k8s.io/kueue/cmd/kueue@VERSION` refreshes them;
// `go mod tidy` would drop those of the main package).
package tools

import (
	_ "sigs.k8s.io/kueue/pkg/controller/jobs"
)

//go:build upstreampin

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

// This file is never built (its tag is set by no build). Its import keeps
// github.com/kubeflow/trainer/v2 v2.3.0 in go.mod and its checksum in go.sum,
// as go mod tidy reads the files of every build tag, so that Dir finds
// exactly that version.

package upstreamtest

import _ "github.com/kubeflow/trainer/v2/pkg/apis/trainer/v1alpha1"

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

// Package validation checks the internal serving.kserve.io objects before
// they are stored. It enforces what KServe v0.20's CRD schemas and
// validating webhooks enforce, as field errors with paths, plus what would
// otherwise only fail when mlplane-controller creates the Deployments,
// Services and HTTPRoutes (name lengths, duplicate container names).
//
// Validation runs after defaulting: a predictor written with a framework
// field has already been turned into a model, storage mount paths and
// serving container names are filled in. Rules that depend on KServe's
// inferenceservice-config (resource defaults, the default deployment mode,
// runtime selection) are left to the controller. So are rules across
// objects, such as KServe's check that two runtimes do not claim the same
// model format with the same priority.
package validation

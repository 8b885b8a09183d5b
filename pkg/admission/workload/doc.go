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

// Package workload reads what the admission plugins check out of any
// mlplane object: its pod templates with their field paths and replica
// counts, whether its pods run, and the names it refers to outside its pod
// templates. It is the one place that knows the shape of every kind, so
// each plugin states its rule once for all of them.
//
// A TrainJob has no pod template of its own: its pods are its runtime's
// after its overrides, which an Extractor computes with the controller's
// own function (build.PodSets) when it is given a way to find runtimes.
// Every kind mlplane serves is either read here or listed in
// NoPodTemplates; the package's guard test enumerates the served kinds
// and fails for any other.
package workload

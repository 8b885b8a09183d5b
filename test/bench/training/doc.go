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

// Command training is the "training" benchmark of make bench: how fast
// mlplane-controller turns TFJobs into running pods on a real local control
// plane, next to the ceiling of a plain client-go program that creates the
// same pods and services at the same client QPS.
//
// For each size N it starts a fresh control plane (hack/local-up.sh with
// MLPLANE_LOCAL_DIR=_output/bench/n<N> and MLPLANE_PORT_OFFSET=500), adds
// enough kwok nodes for 4N pods, and runs two scenarios one after the other:
//
//   - training: N TFJobs of 4 workers created through mlplane's clientset;
//     it measures the time from the first create until all 4N pods exist and
//     until all are Running, and the CPU seconds and peak RSS of
//     mlplane-controller (from /proc), with every component's CPU.
//   - ceiling: the same binary in -mode=ceiling, a child process that
//     creates the same 4N pods and 4N headless services directly, as
//     mlplane-controller's identity, at mlplane-controller's QPS, burst and
//     parallelism; it reports its own CPU seconds and peak RSS, read from
//     /proc like the controller's.
//
// It prints a Markdown table per size and writes them to
// _output/bench/results.md. Every wait is bounded; a timeout ends the run
// with a non-zero exit status and a message saying what was awaited. Method
// and results: docs/benchmarks.md.
package main

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

// Command bench is make bench: mlplane's controllers on a real local
// control plane (hack/local-up.sh, MLPLANE_PORT_OFFSET=500), with extra kwok
// nodes, in four scenarios (-scenarios), each on fresh control planes of
// its own:
//
//   - training: for each size N (-sizes), in <out>/n<N>, how fast
//     mlplane-controller turns N TFJobs of 4 workers into running pods, next
//     to the ceiling of a plain client-go program that creates the same pods
//     and services at the same client QPS. The ceiling is this binary in
//     -mode=ceiling, a child process authenticated as mlplane-controller at
//     its QPS, burst and parallelism; it reports its own CPU seconds and
//     peak RSS, read from /proc like the controller's.
//   - trainjob: the same for N TrainJobs of 4 nodes on the runtime
//     torch-distributed, in <out>/trainjob-n<N>, until their pods ran and
//     every TrainJob is Complete. mlplane-controller creates Jobs and
//     Services and kube-controller-manager the pods, so the ceiling replays
//     the children mlplane-controller made (saved after its run, with
//     -children) and the Job controller makes the pods again.
//   - notebook: in <out>/notebooks-<N>, how long N Notebooks (-notebooks)
//     take until their StatefulSets exist, their pods run and every Notebook
//     has readyReplicas 1, then what mlplane-controller does over an idle
//     window (-idle) in which nothing changes: its CPU seconds, the writes of
//     Notebooks, StatefulSets, Services and pods an informer sees (none is
//     expected: any is an update loop), its work queue adds, and the API
//     servers' requests.
//   - console: in <out>/console-<N>, how fast the web console shows the
//     list of N Ready Notebooks (-notebooks) in a Profile owned by alice:
//     a headless Chromium opens the Notebooks page through a kubectl proxy
//     signed in as alice, -console-runs times in fresh tabs (the first
//     reported apart as cold), and reads the page's own timings (the mark
//     app.js sets once a full list is rendered, resource timings), next to
//     the ceiling the page cannot beat: the plain list and the console's
//     snapshot fetched from Go through the same proxy.
//
// The job and notebook scenarios report the CPU seconds of every component
// (from /proc) and the peak RSS of mlplane's processes. The results are
// Markdown tables on stdout and in <out>/results.md, rewritten after each
// control plane. Every wait is
// bounded; a timeout ends the run with a non-zero exit status and a message
// saying what was awaited. Method and results: docs/benchmarks.md.
package main

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

// Package app is the mlplane-controller command, laid out as
// kube-controller-manager's:
//
//   - options.go: the process's flags (client, leader election, servers,
//     --namespace, --cluster-domain), which embed each controller's options;
//   - run.go: the process. It builds the clients, the /metrics registry and
//     the providers every work queue and the leader elector report into,
//     the event broadcaster and the servers, then campaigns for the Lease
//     (leaderelection.go) and, while it leads, builds the controllers,
//     starts their informers, waits for the caches and runs them; the first
//     to fail stops all;
//   - controllers.go: the descriptor table (newControllerDescriptors) and
//     the controllerContext start functions build from;
//   - training.go, notebook.go, serving.go, profile.go: one per controller,
//     its options (AddFlags, Validate), its descriptor, and its start
//     function, which creates its own label-filtered informers and hands
//     the controller the typed informers it needs;
//   - serve.go: /metrics, /healthz and /readyz.
package app

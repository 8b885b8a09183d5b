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

// Package training is mlplane's training job engine: one reconciler that
// turns any kubeflow.org training job into replica pods and headless
// services, restarts them, enforces the run policy (deadlines, TTL, backoff,
// suspend, clean-up), gang-schedules and reports status. Each framework
// (TensorFlow, PyTorch, ...) contributes only a Framework: its replica types,
// default container and port, cluster-spec environment and success rule, and
// where it needs them a layout of its own (ReplicaLayout: pod names, no index
// label, no services) and children besides pods (ExtraChildren), as MPIJob.
//
// The engine's files follow one job through a reconcile: controller.go
// (wiring, and the events that queue a job), reconcile.go (the top-level
// walk), decide.go (what the run policy asks for: backoff limit, deadline,
// TTL), podgroup.go and gang.go (gang scheduling), pods.go (the replica
// pods and services: create, restart, scale down, clean up) and status.go
// (conditions, ReplicaFailure, events). kinds.go binds a kind's typed API;
// framework.go, description.go, replicas.go and statusupdate.go are what
// adapters build on.
package training

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

// Package trainjob is the controller of Kubeflow Trainer v2's TrainJobs
// (trainer.kubeflow.org/v1alpha1). It resolves a TrainJob's runtime and
// snapshots it at the first reconcile, as upstream, builds the children
// with package build, and runs them without JobSet: it does what JobSet
// v0.12's controller does with the Jobs of one JobSet (startup order by
// dependsOn and startupPolicy, suspend and resume, success and failure
// policies with restarts of the whole, replicatedJobsStatus), and what Trainer's TrainJob controller
// does with the JobSet's status (conditions, activeDeadlineSeconds). The
// Job controller of kube-controller-manager runs the pods.
//
// Reconciling in phases, one file each: runtime.go resolves and
// snapshots the runtime, children.go writes the children other than Jobs,
// jobs.go creates, suspends, resumes and stops Jobs, policy.go judges the
// Jobs (status, terminal state or restart), restart.go counts and runs
// restarts, status.go writes the TrainJob's conditions and deadline.
package trainjob

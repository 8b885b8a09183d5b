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

// Package mpi is the MPIJob adapter of the training engine, as
// training-operator v1.9.4's MPIJob v1 controller has it: a launcher pod
// <job>-launcher (no index) and worker pods <job>-worker-<i>, no services;
// the ConfigMap <job>-config with the hostfile, kubexec.sh and
// discover_hosts.sh; the launcher's ServiceAccount, Role and RoleBinding
// <job>-launcher, which let it exec into its workers; the kubectl-delivery
// init container and the Open MPI and Intel MPI environment of the
// launcher; and the rule that the job ends as its launcher does.
package mpi

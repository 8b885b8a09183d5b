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

// Package admission holds mlplane-apiserver's admission plugins, which
// enforce tenancy on the objects of kubeflow.org, serving.kserve.io and
// trainer.kubeflow.org:
//
//	plugin/profilenamespace       ProfileNamespace: workloads only in namespaces owned by a Profile
//	plugin/nocrossnamespace       NoCrossNamespaceReferences: no reference to another namespace
//	plugin/trainjobruntime        TrainJobRuntime: a TrainJob's runtime exists and the TrainJob fits it
//	plugin/workloadserviceaccount WorkloadServiceAccount: pods run only as allowed service accounts
//	plugin/workloadpodsecurity    WorkloadPodSecurity: pod templates meet the namespace's Pod Security level
//	plugin/tenantquota            TenantQuota: workloads fit the Profile's resource quota
//
// plugin registers them all; initializer hands them mlplane's informers
// and client; workload reads the pod templates out of every mlplane kind
// (a TrainJob's from its runtime); tenant finds the Profile that owns a
// namespace; internal/runtimes finds the runtime a TrainJob references. The rules are documented for users in
// docs/tenancy.md.
package admission

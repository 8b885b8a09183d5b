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
// Package console is mlplane's web console: one page for notebooks,
// training jobs, InferenceServices and Profile contributors.
//
// mlplane-apiserver serves it under its own API group, console.mlplane.io/v1
// (resource "ui"), registered with an APIService. kube-apiserver therefore
// authenticates the user exactly as for kubectl, authorizes the request
// against RBAC ("get"/"create" on ui.console.mlplane.io), and hands the user
// and groups to mlplane through the aggregation layer. Every read and write
// the console makes is then sent to kube-apiserver impersonating that user,
// so RBAC decides it as if the user had run kubectl; the console's own rights
// are limited by constrained impersonation to the resources it shows. The
// only thing it reads with its own rights is the list of Profiles, and it
// shows a Profile only when the user may list notebooks in its namespace.
//
// Calls that change something need the session's CSRF token in a header and
// must not come from another site; the page runs under a strict
// Content-Security-Policy and builds every string into the DOM as text.
// API.md describes the JSON API the page uses.
package console

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

// Package notebook is mlplane's notebook controller: it runs each
// kubeflow.org Notebook as a StatefulSet of one pod and a Service, exactly
// as upstream's notebook-controller names and labels them, mirrors the pod
// into the Notebook's status and surfaces why a notebook cannot start.
//
// Unlike upstream it applies the StatefulSet (server-side apply) only when
// what mlplane generates changed (a hash of it is kept in an annotation), so
// fields the API server defaults never cause an update or a restart, and it
// writes status only when it changed.
//
// With culling on (culling.go) it also stops notebooks whose Jupyter server
// reports no kernel or terminal activity for the idle time, with upstream's
// annotations, written by merge patches of the annotations alone rather
// than by updates of the whole object every period. With routing on
// (routing.go) it exposes each notebook through an Istio VirtualService,
// as upstream with USE_ISTIO, or, with a Gateway API parent instead
// (httproute.go), through an HTTPRoute; either is updated only when its
// spec differs.
package notebook

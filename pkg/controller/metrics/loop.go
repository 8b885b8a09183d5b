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

package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/mlplane/mlplane/pkg/controller/internal/workloop"
)

// Loop are the reconcile durations and results of every controller's work
// loop. The process creates them once and gives them to each controller;
// the alias lets cmd/controller hold them, which may not import the kit.
type Loop = workloop.Metrics

// NewLoop returns the work loop metrics registered in reg.
func NewLoop(reg prometheus.Registerer) *Loop { return workloop.NewMetrics(reg) }

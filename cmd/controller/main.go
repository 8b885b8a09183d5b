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

// Command mlplane-controller runs mlplane's controllers.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"k8s.io/component-base/cli"

	"github.com/mlplane/mlplane/cmd/controller/app"
)

func main() {
	// Not k8s.io/apiserver's SetupSignalContext: that package links one
	// that installs its own work queue metrics provider (see
	// pkg/controller/metrics).
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first signal starts a graceful shutdown; with the handler
	// removed, a second one ends the process at once.
	context.AfterFunc(ctx, stop)
	os.Exit(cli.Run(app.NewCommand(ctx, os.Stdout, os.Stderr)))
}

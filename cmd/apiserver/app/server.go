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

// Package app is the mlplane-apiserver command.
package app

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/mlplane/mlplane/pkg/apiserver/options"
)

// NewCommand returns the mlplane-apiserver command.
func NewCommand(ctx context.Context, stdout, stderr io.Writer) *cobra.Command {
	o := options.NewOptions(stdout, stderr)
	cmd := &cobra.Command{
		Use:   "mlplane-apiserver",
		Short: "Serve Kubeflow's and KServe's APIs as an aggregated Kubernetes API server",
		Long: "mlplane-apiserver serves kubeflow.org (training jobs, notebooks, profiles) and " +
			"serving.kserve.io from its own etcd storage, behind kube-apiserver's aggregation layer.",
		SilenceUsage: true,
		PersistentPreRunE: func(*cobra.Command, []string) error {
			return o.ComponentGlobalsRegistry.Set()
		},
		RunE: func(c *cobra.Command, _ []string) error {
			if err := o.Complete(); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(c.Context())
		},
		Args: cobra.NoArgs,
	}
	cmd.SetContext(ctx)
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	o.AddFlags(cmd.Flags())
	return cmd
}

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

package app

import (
	"context"
	"io"

	"github.com/spf13/cobra"
)

// NewCommand returns the mlplane-controller command. Logging flags (-v,
// --vmodule, ...) are added by k8s.io/component-base/cli.Run.
func NewCommand(ctx context.Context, stdout, stderr io.Writer) *cobra.Command {
	o := NewOptions()
	cmd := &cobra.Command{
		Use:   "mlplane-controller",
		Short: "Run Kubeflow training jobs served by mlplane-apiserver",
		Long: "mlplane-controller turns kubeflow.org training jobs (TFJob, PyTorchJob) into replica " +
			"pods and headless services, restarts them and reports their status. Replicas elect " +
			"a leader through a Lease; only the leader reconciles.",
		SilenceUsage: true,
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

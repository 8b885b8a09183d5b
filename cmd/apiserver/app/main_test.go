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
	"os"
	"testing"

	"k8s.io/component-base/cli"
)

// commandEnv makes the test binary run mlplane-apiserver with its
// arguments, as cmd/apiserver's main does, so that a test can watch the
// command fail from outside: a panic or an os.Exit deep in a library ends
// that process, not the test.
const commandEnv = "MLPLANE_APISERVER_TEST_RUN_COMMAND"

func TestMain(m *testing.M) {
	if os.Getenv(commandEnv) != "" {
		cmd := NewCommand(context.Background(), os.Stdout, os.Stderr)
		cmd.SetArgs(os.Args[1:])
		os.Exit(cli.Run(cmd))
	}
	os.Exit(m.Run())
}

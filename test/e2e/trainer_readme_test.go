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

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReadmeTrainerV2 runs the README's "Trainer v2" commands as printed,
// as a user of `make run` would after the Quick start's export line: the
// stock runtimes are there, and the three Trainer v2 examples run (to
// Complete, after their initializers, and once resumed from a Kueue-style
// suspend).
func TestReadmeTrainerV2(t *testing.T) {
	block := readmeBlock(t, "## Trainer v2")
	for _, line := range strings.Split(strings.TrimSpace(block), "\n") {
		if !strings.HasPrefix(line, "kubectl ") {
			t.Fatalf("the Trainer v2 block must be kubectl commands only (it runs after the Quick start's exports): %q", line)
		}
	}
	t.Cleanup(func() {
		for _, example := range []string{"trainjob-torch-distributed", "trainjob-initializers", "trainjob-kueue"} {
			kubectlAs(t, "admin", "", "delete", "-n", "mlplane-user", "--ignore-not-found", "--wait=false",
				"-f", filepath.Join(cluster.root, "artifacts", "examples", example+".yaml"))
		}
	})
	env := append(withoutEnv(os.Environ(), "KUBECONFIG", "PATH"),
		"PATH="+filepath.Join(cluster.root, "_output", "bin")+string(os.PathListSeparator)+os.Getenv("PATH"),
		"KUBECONFIG="+kubeconfig("admin"))
	runScript(t, cluster.root, env, 10*time.Minute, block)
}

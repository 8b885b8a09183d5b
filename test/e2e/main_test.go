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
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// cluster is the control plane the tests run against.
var cluster struct {
	// root of the repository.
	root string
	// dir is the control plane's state directory (hack/local-up.sh's MLPLANE_LOCAL_DIR).
	dir string
	// mlplanePort is mlplane-apiserver's port on 127.0.0.1.
	mlplanePort int
}

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	_, file, _, _ := runtime.Caller(0)
	cluster.root = filepath.Join(filepath.Dir(file), "..", "..")
	// Ports of a fresh control plane move by 1000 (MLPLANE_E2E_PORT_OFFSET),
	// so it does not clash with one started by "make run".
	offset := envInt("MLPLANE_E2E_PORT_OFFSET", 1000)
	if dir := os.Getenv("MLPLANE_E2E_LOCAL_DIR"); dir != "" {
		cluster.dir = dir
		offset = envInt("MLPLANE_E2E_PORT_OFFSET", 0)
	} else {
		cluster.dir = filepath.Join(cluster.root, "_output", "e2e")
		// A fresh cluster each run: no objects left from an earlier run.
		if err := os.RemoveAll(cluster.dir); err != nil {
			fmt.Fprintf(os.Stderr, "removing %s: %v\n", cluster.dir, err)
			return 1
		}
		if err := localScript("local-up.sh", offset, "--detach"); err != nil {
			fmt.Fprintf(os.Stderr, "starting the control plane: %v\n", err)
			_ = localScript("local-down.sh", offset)
			return 1
		}
		defer func() {
			if err := localScript("local-down.sh", offset); err != nil {
				fmt.Fprintf(os.Stderr, "stopping the control plane: %v\n", err)
			}
		}()
	}
	cluster.mlplanePort = 28443 + offset
	return m.Run()
}

func localScript(name string, offset int, args ...string) error {
	cmd := exec.Command(filepath.Join(cluster.root, "hack", name), args...)
	cmd.Env = append(os.Environ(), "MLPLANE_LOCAL_DIR="+cluster.dir, fmt.Sprintf("MLPLANE_PORT_OFFSET=%d", offset))
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}

func envInt(name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	var n int
	if _, err := fmt.Sscanf(v, "%d", &n); err != nil {
		panic(fmt.Sprintf("%s=%q is not a number", name, v))
	}
	return n
}

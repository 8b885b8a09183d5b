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
	"crypto/tls"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Authorization is delegated to kube-apiserver: RBAC decides who may do what
// with mlplane's resources.
func TestDelegatedAuthorization(t *testing.T) {
	teamA := namespace(t, "team-a")
	teamB := namespace(t, "team-b")
	kubectl(t, "create", "rolebinding", "alice-edit", "-n", teamA, "--clusterrole=edit", "--user=alice")

	// The edit role includes mlplane's resources through aggregation; wait for
	// RBAC's aggregation controller and mlplane's authorization cache.
	eventually(t, 30*time.Second, "alice may create TFJobs in "+teamA, func() error {
		r := kubectlAs(t, "alice", tfJob("alice-job", teamA), "create", "-f", "-")
		if r.err != nil {
			return fmt.Errorf("%v: %s", r.err, r.stderr)
		}
		return nil
	})
	if out := kubectlAs(t, "alice", "", "get", "tfjobs", "-n", teamA, "-o", "name"); !strings.Contains(out.stdout, "tfjob.kubeflow.org/alice-job") {
		t.Errorf("alice lists TFJobs in %s: %q %v %s", teamA, out.stdout, out.err, out.stderr)
	}

	stderr := kubectlFails(t, "alice", tfJob("alice-job", teamB), "create", "-f", "-")
	if !strings.Contains(stderr, "Forbidden") && !strings.Contains(stderr, "forbidden") {
		t.Errorf("alice creating in %s: want Forbidden, got:\n%s", teamB, stderr)
	}
	stderr = kubectlFails(t, "bob", "", "get", "tfjobs", "-n", teamA)
	if !strings.Contains(strings.ToLower(stderr), "forbidden") {
		t.Errorf("bob listing in %s: want forbidden, got:\n%s", teamA, stderr)
	}
}

// mlplane-apiserver's own port refuses anonymous requests.
func TestAnonymousRequestToMLPlaneIsRefused(t *testing.T) {
	client := &http.Client{
		Timeout: 10 * time.Second,
		// Anonymous: no client certificate; the server certificate is not the point here.
		Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, //nolint:gosec // see above
	}
	url := fmt.Sprintf("https://127.0.0.1:%d/apis/kubeflow.org/v1/tfjobs", cluster.mlplanePort)
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden {
		t.Fatalf("anonymous GET %s = %d, want 401 or 403", url, resp.StatusCode)
	}
}

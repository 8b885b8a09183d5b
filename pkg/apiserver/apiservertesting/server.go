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

// Package apiservertesting runs a real mlplane-apiserver in the test process,
// on an embedded etcd, for tests that talk to it through real clients.
package apiservertesting

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"

	"github.com/mlplane/mlplane/pkg/apiserver"
	"github.com/mlplane/mlplane/pkg/apiserver/embeddedetcd/etcdtest"
	"github.com/mlplane/mlplane/pkg/apiserver/options"
)

// Server is a running in-process mlplane-apiserver.
type Server struct {
	// ClientConfig is a privileged loopback client configuration.
	ClientConfig *rest.Config
	// EtcdURL is the embedded etcd the server stores into.
	EtcdURL string
}

// Option changes the server's configuration before the server is built.
type Option func(testing.TB, *apiserver.Config)

// Start runs mlplane-apiserver for the length of the test with
// authentication and authorization switched off (every request is allowed)
// and no core Kubernetes API behind it, and so no admission (see Option to
// add some), and waits until it is ready.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	etcdURL := etcdtest.Run(t)

	o := options.NewOptions(io.Discard, io.Discard)
	ro := o.RecommendedOptions
	ro.Etcd.StorageConfig.Transport.ServerList = []string{etcdURL}
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listening: %v", err)
	}
	ro.SecureServing.Listener = listener
	ro.SecureServing.BindPort = listener.Addr().(*net.TCPAddr).Port
	ro.SecureServing.ServerCert.CertDirectory = t.TempDir()
	// Without a kube-apiserver there is nothing to delegate to.
	ro.Authentication = nil
	ro.Authorization = nil
	ro.CoreAPI = nil
	ro.Admission = nil
	ro.Features.EnablePriorityAndFairness = false
	if err := o.ComponentGlobalsRegistry.Set(); err != nil {
		t.Fatalf("setting component globals: %v", err)
	}
	if err := o.Complete(); err != nil {
		t.Fatalf("completing options: %v", err)
	}
	cfg, err := o.Config()
	if err != nil {
		t.Fatalf("building config: %v", err)
	}
	for _, opt := range opts {
		opt(t, cfg)
	}
	server, err := cfg.Complete().New()
	if err != nil {
		t.Fatalf("building server: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- server.GenericAPIServer.PrepareRun().RunWithContext(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("server stopped with: %v", err)
			}
		case <-time.After(time.Minute):
			t.Errorf("server did not stop within a minute")
		}
	})

	clientConfig := rest.CopyConfig(cfg.GenericConfig.LoopbackClientConfig)
	clientConfig.QPS, clientConfig.Burst = 1000, 1000
	if err := waitReady(ctx, clientConfig, done); err != nil {
		t.Fatal(err)
	}
	return &Server{ClientConfig: clientConfig, EtcdURL: etcdURL}
}

func waitReady(ctx context.Context, cfg *rest.Config, done <-chan error) error {
	client, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return fmt.Errorf("building client: %w", err)
	}
	var last string
	err = wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		select {
		case err := <-done:
			return false, fmt.Errorf("server exited before ready: %w", err)
		default:
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, cfg.Host+"/readyz", nil)
		if err != nil {
			return false, err
		}
		resp, err := client.Do(req)
		if err != nil {
			last = err.Error()
			return false, nil
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		last = fmt.Sprintf("%d %s", resp.StatusCode, body)
		return resp.StatusCode == http.StatusOK, nil
	})
	if err != nil {
		return fmt.Errorf("waiting for /readyz (last answer: %s): %w", last, err)
	}
	return nil
}

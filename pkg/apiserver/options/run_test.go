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

package options

import (
	"context"
	"io"
	"net"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
)

// runEmbedded runs the server as the binary does with --embedded-etcd=dir,
// but with delegated authentication and authorization off (there is no
// kube-apiserver here), and returns a client and a function that stops the
// server and waits for Run to return.
func runEmbedded(t *testing.T, dir string) (versioned.Interface, func() error) {
	t.Helper()
	o := NewOptions(io.Discard, io.Discard)
	o.EmbeddedEtcdDir = dir
	ro := o.RecommendedOptions
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ro.SecureServing.Listener = listener
	ro.SecureServing.BindPort = listener.Addr().(*net.TCPAddr).Port
	ro.SecureServing.ServerCert.CertDirectory = t.TempDir()
	ro.Authentication, ro.Authorization, ro.CoreAPI, ro.Admission = nil, nil, nil, nil
	ro.Features.EnablePriorityAndFairness = false
	if err := o.ComponentGlobalsRegistry.Set(); err != nil {
		t.Fatal(err)
	}
	if err := o.Complete(); err != nil {
		t.Fatal(err)
	}
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- o.Run(ctx) }()
	stop := func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(time.Minute):
			t.Fatal("Run did not return within a minute of cancellation")
			return nil
		}
	}

	// The server's certificate is self-signed into the cert directory; the
	// test trusts it by skipping verification.
	cfg := &rest.Config{Host: "https://" + listener.Addr().String(), TLSClientConfig: rest.TLSClientConfig{Insecure: true}}
	client := versioned.NewForConfigOrDie(cfg)
	err = wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		_, err := client.KubeflowV1().TFJobs("default").List(ctx, metav1.ListOptions{})
		return err == nil, nil
	})
	if err != nil {
		_ = stop()
		t.Fatalf("server with embedded etcd never served: %v", err)
	}
	return client, stop
}

func TestRunWithEmbeddedEtcdKeepsDataAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()

	client, stop := runEmbedded(t, dir)
	job := &kubeflowv1.TFJob{
		ObjectMeta: metav1.ObjectMeta{Name: "kept", Namespace: "default"},
		Spec: kubeflowv1.TFJobSpec{TFReplicaSpecs: map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec{
			kubeflowv1.TFJobReplicaTypeWorker: {Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
				Containers: []corev1.Container{{Name: "tensorflow", Image: "tf:1"}}}}},
		}},
	}
	created, err := client.KubeflowV1().TFJobs("default").Create(ctx, job, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	// Graceful shutdown: cancelling the context makes Run return without error.
	if err := stop(); err != nil {
		t.Fatalf("Run returned %v after a graceful shutdown, want nil", err)
	}

	client, stop = runEmbedded(t, dir)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("second shutdown: %v", err)
		}
	}()
	got, err := client.KubeflowV1().TFJobs("default").Get(ctx, "kept", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get after restart: %v", err)
	}
	if got.UID != created.UID || got.ResourceVersion != created.ResourceVersion {
		t.Errorf("after restart uid/rv = %s/%s, want %s/%s", got.UID, got.ResourceVersion, created.UID, created.ResourceVersion)
	}
}

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

package profile

import (
	"context"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	kubeinformers "k8s.io/client-go/informers"
	kubefake "k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/tools/record"

	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned/fake"
	"github.com/mlplane/mlplane/pkg/generated/informers/externalversions"
)

// TestRunReconcilesAndFollowsTheLabelsFile runs the controller on started
// informers: a Profile gets its namespace, and a labels file change reaches
// it without any Profile event.
func TestRunReconcilesAndFollowsTheLabelsFile(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	path := labelsFilePath(t, "team.example.com/tier: gold\n")
	kube := kubefake.NewClientset()
	client := fake.NewSimpleClientset(testProfile())
	kubeInf := kubeinformers.NewSharedInformerFactoryWithOptions(kube, 0,
		kubeinformers.WithTweakListOptions(func(o *metav1.ListOptions) { o.LabelSelector = LabelSelector }))
	nsInf := kubeinformers.NewSharedInformerFactory(kube, 0)
	inf := externalversions.NewSharedInformerFactory(client, 0)
	c, err := NewController(withInformers(Config{
		KubeClient: kube, Client: client, Recorder: record.NewFakeRecorder(100),
		NamespaceLabelsPath: path, LabelsPollInterval: 10 * time.Millisecond,
		Istio: IstioConfig{UserIDHeader: DefaultUserIDHeader},
	}, kubeInf, nsInf, inf))
	must(t, err)
	for _, f := range []interface{ Start(<-chan struct{}) }{kubeInf, nsInf, inf} {
		f.Start(ctx.Done())
	}
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx, 2) }()

	waitForLabel := func(key, value string) {
		t.Helper()
		err := wait.PollUntilContextTimeout(ctx, 10*time.Millisecond, 10*time.Second, true, func(ctx context.Context) (bool, error) {
			ns, err := kube.CoreV1().Namespaces().Get(ctx, "team-a", metav1.GetOptions{})
			return err == nil && ns.Labels[key] == value, nil
		})
		if err != nil {
			t.Fatalf("namespace label %s=%s never appeared: %v", key, value, err)
		}
	}
	waitForLabel("team.example.com/tier", "gold")
	writeFile(t, path, "team.example.com/tier: silver\n")
	waitForLabel("team.example.com/tier", "silver")

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

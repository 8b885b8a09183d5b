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

package main

import (
	"context"
	"fmt"
	"time"

	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
)

// benchServiceCIDR gives ClusterIP Services 65,534 more addresses: the
// local control plane's --service-cluster-ip-range is a /24 (hack/lib/local.sh),
// which runs out after 253 Services, and every Notebook has one.
const benchServiceCIDR = "10.1.0.0/16"

// addServiceCIDR adds a ServiceCIDR (networking.k8s.io/v1) for cidr and
// waits until it is Ready, after which kube-apiserver allocates cluster IPs
// from it too.
func addServiceCIDR(ctx context.Context, client kubernetes.Interface, cidr string) error {
	const name = "mlplane-bench"
	sc := &networkingv1.ServiceCIDR{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{benchNodeLabel: "true"}},
		Spec:       networkingv1.ServiceCIDRSpec{CIDRs: []string{cidr}},
	}
	if _, err := client.NetworkingV1().ServiceCIDRs().Create(ctx, sc, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating ServiceCIDR %s (%s): %w", name, cidr, err)
	}
	const timeout = time.Minute
	var conditions []metav1.Condition
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		got, err := client.NetworkingV1().ServiceCIDRs().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, fmt.Errorf("getting ServiceCIDR %s: %w", name, err)
		}
		conditions = got.Status.Conditions
		for _, c := range conditions {
			if c.Type == networkingv1.ServiceCIDRConditionReady {
				return c.Status == metav1.ConditionTrue, nil
			}
		}
		return false, nil
	})
	if err != nil {
		if ctx.Err() == nil {
			return fmt.Errorf("%w after %v waiting for ServiceCIDR %s (%s) to be Ready (conditions: %v): %w",
				errTimeout, timeout, name, cidr, conditions, err)
		}
		return err
	}
	return nil
}

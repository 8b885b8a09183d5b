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

package apiserver_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/apiserver/pkg/admission"
	genericadmissioninit "k8s.io/apiserver/pkg/admission/initializer"
	apiserverconfig "k8s.io/apiserver/pkg/apis/apiserver/install"
	"k8s.io/apiserver/pkg/authorization/authorizerfactory"
	genericapiserver "k8s.io/apiserver/pkg/server"
	kubeinformers "k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	kubefake "k8s.io/client-go/kubernetes/fake"
	"k8s.io/utils/ptr"

	mlplaneplugin "github.com/mlplane/mlplane/pkg/admission/plugin"
	"github.com/mlplane/mlplane/pkg/admission/plugin/tenantquota"
	"github.com/mlplane/mlplane/pkg/admission/workload"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/apiserver"
	"github.com/mlplane/mlplane/pkg/apiserver/apiservertesting"
	"github.com/mlplane/mlplane/pkg/apiserver/options"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
)

// withTenancyAdmission runs mlplane's admission plugins, configured by
// artifacts/deploy/admission-config.yaml, in the in-process server. There
// is no kube-apiserver behind it, so the namespaces the plugins read come
// from kubeClient (a fake clientset, in the place of the core API the
// generic initializer would give them), and the plugins' authorizer allows
// nothing (requests are not authenticated here); mlplane's own objects come
// from the server itself, through its loopback client, as in production.
func withTenancyAdmission(kubeClient kubernetes.Interface) apiservertesting.Option {
	return func(t testing.TB, cfg *apiserver.Config) {
		generic := &cfg.GenericConfig.Config
		kubeInformers := kubeinformers.NewSharedInformerFactory(kubeClient, 0)
		mlplane, err := options.MlplaneAdmissionInitializer(generic)
		if err != nil {
			t.Fatal(err)
		}
		initializers := admission.PluginInitializers{
			genericadmissioninit.New(kubeClient, nil, kubeInformers, authorizerfactory.NewAlwaysDenyAuthorizer(), nil, nil, nil, nil),
			mlplane,
		}
		scheme := runtime.NewScheme()
		apiserverconfig.Install(scheme)
		configFile := filepath.Join("..", "..", "artifacts", "deploy", "admission-config.yaml")
		config, err := admission.ReadAdmissionConfiguration(mlplaneplugin.Names, configFile, scheme)
		if err != nil {
			t.Fatalf("reading %s: %v", configFile, err)
		}
		plugins := admission.NewPlugins()
		mlplaneplugin.Register(plugins)
		chain, err := plugins.NewFromPlugins(mlplaneplugin.Names, config, initializers, nil)
		if err != nil {
			t.Fatalf("building the admission chain: %v", err)
		}
		generic.AdmissionControl = chain
		generic.AddPostStartHookOrDie("start-test-kube-informers", func(ctx genericapiserver.PostStartHookContext) error {
			kubeInformers.Start(ctx.Done())
			return nil
		})
	}
}

// gpuTFJob is a TFJob of workers with a GPU each.
func gpuTFJob(name string, workers int32, mutate ...func(*corev1.PodSpec)) *kubeflowv1.TFJob {
	tmpl := podTemplate(kubeflowv1.TFJobDefaultContainerName)
	tmpl.Spec.Containers[0].Resources.Limits = corev1.ResourceList{"nvidia.com/gpu": resource.MustParse("1")}
	for _, m := range mutate {
		m(&tmpl.Spec)
	}
	return &kubeflowv1.TFJob{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: kubeflowv1.TFJobSpec{TFReplicaSpecs: map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec{
			kubeflowv1.TFJobReplicaTypeWorker: {Replicas: ptr.To(workers), Template: tmpl},
		}},
	}
}

// TestAdmission checks the tenancy plugins in a real server: they see the
// objects decoded, defaulted and validated, read Profiles and workloads
// through the server's own informers, and users get their denials as API
// errors.
func TestAdmission(t *testing.T) {
	kubeClient := kubefake.NewClientset()
	s := apiservertesting.Start(t, withTenancyAdmission(kubeClient))
	client := versioned.NewForConfigOrDie(s.ClientConfig)
	ctx := t.Context()

	profile, err := client.KubeflowV1().Profiles().Create(ctx, &kubeflowv1.Profile{
		ObjectMeta: metav1.ObjectMeta{Name: "team-a"},
		Spec: kubeflowv1.ProfileSpec{
			Owner:           userSubject("alice@example.com"),
			ServiceAccounts: []string{"trainer"},
			ResourceQuotaSpec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{
				"requests.nvidia.com/gpu": resource.MustParse("4"),
			}},
		},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The namespaces, as the Profile controller and an admin make them.
	for _, ns := range []*corev1.Namespace{
		{ObjectMeta: metav1.ObjectMeta{Name: "team-a",
			Labels:          map[string]string{"pod-security.kubernetes.io/enforce": "baseline"},
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(profile, kubeflowv1.SchemeGroupVersion.WithKind("Profile"))}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "plain"}},
	} {
		if _, err := kubeClient.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	jobs := client.KubeflowV1().TFJobs("team-a")
	dryRun := metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}

	// The informers catch up with the Profile and the namespace.
	waitFor(t, "a TFJob to be accepted in the Profile's namespace", func() error {
		_, err := jobs.Create(ctx, gpuTFJob("probe", 1), dryRun)
		return err
	})

	for _, tc := range []struct {
		name   string
		ns     string
		job    *kubeflowv1.TFJob
		want   string
		fields []string
	}{
		{
			name: "ProfileNamespace",
			ns:   "plain",
			job:  gpuTFJob("job", 1),
			want: `tfjobs.kubeflow.org "job" is forbidden: namespace "plain" is not owned by a Profile: no Profile is named "plain" ` +
				`(mlplane workloads run only in Profile namespaces; create a Profile named "plain", or use the namespace of one of your Profiles)`,
		},
		{
			name: "NoCrossNamespaceReferences",
			ns:   "team-a",
			job: gpuTFJob("job", 1, func(s *corev1.PodSpec) {
				s.ImagePullSecrets = []corev1.LocalObjectReference{{Name: "team-b/registry"}}
			}),
			want: `tfjobs.kubeflow.org "job" is forbidden: spec.tfReplicaSpecs[Worker].template.spec.imagePullSecrets[0].name: ` +
				`secret "team-b/registry" is namespace-qualified: a workload may only use secrets of its own namespace "team-a", named without a namespace`,
			fields: []string{"spec.tfReplicaSpecs[Worker].template.spec.imagePullSecrets[0].name"},
		},
		{
			name: "WorkloadServiceAccount",
			ns:   "team-a",
			job:  gpuTFJob("job", 1, func(s *corev1.PodSpec) { s.ServiceAccountName = "mlplane-controller" }),
			want: `tfjobs.kubeflow.org "job" is forbidden: spec.tfReplicaSpecs[Worker].template.spec.serviceAccountName: ` +
				`service account "mlplane-controller" is not allowed in namespace "team-a": an unauthenticated request may not create pods there, ` +
				`so only the namespace's allowed service accounts may be used (default, default-editor, default-viewer, trainer; ` +
				`a Profile's spec.serviceAccounts allows more)`,
			fields: []string{"spec.tfReplicaSpecs[Worker].template.spec.serviceAccountName"},
		},
		{
			name: "WorkloadPodSecurity",
			ns:   "team-a",
			job: gpuTFJob("job", 1, func(s *corev1.PodSpec) {
				s.Containers[0].SecurityContext = &corev1.SecurityContext{Privileged: ptr.To(true)}
			}),
			want: `tfjobs.kubeflow.org "job" is forbidden: spec.tfReplicaSpecs[Worker].template: violates PodSecurity "baseline:latest": ` +
				`privileged (container "tensorflow" must not set securityContext.privileged=true)`,
			fields: []string{"spec.tfReplicaSpecs[Worker].template"},
		},
		{
			name: "TenantQuota",
			ns:   "team-a",
			job:  gpuTFJob("job", 5),
			want: `tfjobs.kubeflow.org "job" is forbidden: exceeds the quota of Profile "team-a": ` +
				`requests.nvidia.com/gpu: requested 5, used 0, allowed 4`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := client.KubeflowV1().TFJobs(tc.ns).Create(ctx, tc.job, metav1.CreateOptions{})
			if !apierrors.IsForbidden(err) || err.Error() != tc.want {
				t.Fatalf("create: %v\nwant a Forbidden error: %s", err, tc.want)
			}
			if got := causes(err); fmt.Sprint(got) != fmt.Sprint(tc.fields) {
				t.Errorf("causes = %v, want %v", got, tc.fields)
			}
			if _, err := client.KubeflowV1().TFJobs(tc.ns).Get(ctx, tc.job.Name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				t.Errorf("the refused TFJob was stored: %v", err)
			}
		})
	}

	t.Run("QuotaCountsStoredWorkloads", func(t *testing.T) {
		if _, err := jobs.Create(ctx, gpuTFJob("three", 3), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		want := `tfjobs.kubeflow.org "two-more" is forbidden: exceeds the quota of Profile "team-a": ` +
			`requests.nvidia.com/gpu: requested 2, used 3, allowed 4`
		waitFor(t, "the quota to count the stored TFJob", func() error {
			_, err := jobs.Create(ctx, gpuTFJob("two-more", 2), dryRun)
			if err == nil || err.Error() != want {
				return fmt.Errorf("dry run: %v", err)
			}
			return nil
		})
		if _, err := jobs.Create(ctx, gpuTFJob("one-more", 1), metav1.CreateOptions{}); err != nil {
			t.Errorf("a TFJob that fits: %v", err)
		}
	})

	t.Run("StatusAndUnrelatedUpdatesPass", func(t *testing.T) {
		// The namespace is full: the job's status and labels still change.
		job, err := jobs.Get(ctx, "three", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		job.Status = runningStatus()
		if job, err = jobs.UpdateStatus(ctx, job, metav1.UpdateOptions{}); err != nil {
			t.Fatalf("status update: %v", err)
		}
		job.Labels = map[string]string{"reviewed": "yes"}
		if _, err := jobs.Update(ctx, job, metav1.UpdateOptions{}); err != nil {
			t.Errorf("label update: %v", err)
		}
	})
}

// TestTenancyCoversEveryServedKind keeps the plugins in step with the API:
// every namespaced kind of every group the server serves (as discovery
// lists them) must be one workload.Extract reads (or the tenancy plugins
// skip it), every one whose pods run (a new object is active: not a
// runtime) must count in TenantQuota, and TenantQuota must read only
// served resources (the informer of another never syncs). The package
// workload's guard test checks the same against the schemes.
func TestTenancyCoversEveryServedKind(t *testing.T) {
	s := apiservertesting.Start(t)
	client := versioned.NewForConfigOrDie(s.ClientConfig)
	_, lists, err := client.Discovery().ServerGroupsAndResources()
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	served := map[schema.GroupVersionResource]bool{}
	runsPods := map[schema.GroupResource]bool{}
	for _, list := range lists {
		gv, err := schema.ParseGroupVersion(list.GroupVersion)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range list.APIResources {
			if !r.Namespaced || strings.Contains(r.Name, "/") {
				continue
			}
			served[gv.WithResource(r.Name)] = true
			obj, err := apiserver.Scheme.New(gv.WithKind(r.Kind))
			if err != nil {
				t.Fatalf("%s %s: %v", gv, r.Kind, err)
			}
			w, ok := workload.Extract(obj)
			if !ok {
				t.Errorf("%s %s is served but workload.Extract does not read it: the tenancy plugins skip it", gv, r.Kind)
				continue
			}
			if w.Active {
				runsPods[gv.WithResource(r.Name).GroupResource()] = true
			}
		}
	}
	if len(runsPods) == 0 {
		t.Fatal("discovery lists no kind that runs pods")
	}
	quota := map[schema.GroupResource]bool{}
	for _, r := range tenantquota.WorkloadResources {
		quota[r.GroupResource()] = true
		if !served[r] {
			t.Errorf("tenantquota.WorkloadResources has %s, which the server does not serve: its informer would never sync", r)
		}
	}
	for gr := range runsPods {
		if !quota[gr] {
			t.Errorf("%s runs pods but is not in tenantquota.WorkloadResources: TenantQuota does not count it", gr)
		}
	}
}

// waitFor retries f until it succeeds, for at most 30 seconds.
func waitFor(t *testing.T, what string, f func() error) {
	t.Helper()
	var last error
	err := wait.PollUntilContextTimeout(t.Context(), 100*time.Millisecond, 30*time.Second, true,
		func(context.Context) (bool, error) {
			last = f()
			return last == nil, nil
		})
	if err != nil {
		t.Fatalf("waiting for %s: %v (last: %v)", what, err, last)
	}
}

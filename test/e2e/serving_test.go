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
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// sklearnModel is KServe's quickstart, in the model form.
func sklearnModel(name, ns, extra string) string {
	return fmt.Sprintf(`apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: %s
  namespace: %s
spec:
  predictor:
    model:
      modelFormat:
        name: sklearn
      storageUri: gs://kfserving-examples/models/sklearn/1.0/model
%s`, name, ns, extra)
}

// sklearnFramework is the same model in KServe's older framework form.
func sklearnFramework(name, ns string) string {
	return fmt.Sprintf(`apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: %s
  namespace: %s
spec:
  predictor:
    sklearn:
      storageUri: gs://kfserving-examples/models/sklearn/1.0/model
`, name, ns)
}

type isvcCondition struct {
	Type, Status, Reason, Message string
}

type isvcStatus struct {
	URL     string
	Address struct{ URL string }
	// Conditions in KServe's Knative shape.
	Conditions                []isvcCondition
	DeploymentMode            string
	ClusterServingRuntimeName string
	ObservedGeneration        int64
	ModelStatus               struct {
		TransitionStatus string
		States           struct{ ActiveModelState, TargetModelState string }
		LastFailureInfo  struct{ Reason, Message string }
	}
	Components map[string]struct {
		URL     string
		Traffic []struct {
			Tag, RevisionName string
			Percent           int64
			LatestRevision    bool
		}
	}
	CanaryStatuses []struct {
		Name           string
		TrafficPercent int64
		Ready          string
	}
}

func (s *isvcStatus) condition(t string) isvcCondition {
	for _, c := range s.Conditions {
		if c.Type == t {
			return c
		}
	}
	return isvcCondition{}
}

func getISVCStatus(t *testing.T, name, ns string) isvcStatus {
	t.Helper()
	var isvc struct{ Status isvcStatus }
	getJSON(t, &isvc, "inferenceservice", name, "-n", ns)
	return isvc.Status
}

// waitISVCCondition waits until condition has status, and returns the
// status then.
func waitISVCCondition(t *testing.T, name, ns, condition, status string) isvcStatus {
	t.Helper()
	var st isvcStatus
	eventually(t, 2*time.Minute, fmt.Sprintf("InferenceService %s has %s=%s", name, condition, status), func() error {
		st = getISVCStatus(t, name, ns)
		if c := st.condition(condition); c.Status != status {
			return fmt.Errorf("%s is %+v; conditions %+v", condition, c, st.Conditions)
		}
		return nil
	})
	return st
}

type deployment struct {
	Metadata struct {
		Labels          map[string]string
		OwnerReferences []struct {
			Kind, Name string
			Controller bool
		}
	}
	Spec struct {
		Replicas *int32
		Selector struct{ MatchLabels map[string]string }
		Template struct {
			Metadata struct{ Labels, Annotations map[string]string }
			Spec     struct {
				InitContainers []container
				Containers     []container
				Volumes        []struct {
					Name     string
					EmptyDir *struct{}
				}
			}
		}
	}
}

type container struct {
	Name, Image              string
	Args                     []string
	TerminationMessagePolicy string
	VolumeMounts             []struct {
		Name, MountPath string
		ReadOnly        bool
	}
	Resources struct{ Requests, Limits map[string]string }
}

func TestInferenceServiceSklearnRunsAsKServe(t *testing.T) {
	ns := namespace(t, "isvc")
	for _, tc := range []struct{ name, manifest string }{
		{"iris-model", sklearnModel("iris-model", ns, "")},
		{"iris-sklearn", sklearnFramework("iris-sklearn", ns)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kubectlIn(t, tc.manifest, "apply", "-f", "-")
			// Both forms are stored in the model form, as KServe's
			// defaulting webhook leaves them.
			if got := jsonpath(t, "{.spec.predictor.model.modelFormat.name}/{.spec.predictor.sklearn}", "isvc", tc.name, "-n", ns); got != "sklearn/" {
				t.Errorf("stored predictor: model format/sklearn = %q, want sklearn/ (rewritten into model)", got)
			}
			st := waitISVCCondition(t, tc.name, ns, "Ready", "True")
			predictor := tc.name + "-predictor"

			var d deployment
			getJSON(t, &d, "deployment", predictor, "-n", ns)
			if got := d.Spec.Selector.MatchLabels; len(got) != 1 || got["app"] != "isvc."+predictor {
				t.Errorf("selector = %v, want app=isvc.%s", got, predictor)
			}
			labels := d.Spec.Template.Metadata.Labels
			if labels["serving.kserve.io/inferenceservice"] != tc.name || labels["component"] != "predictor" || labels["app"] != "isvc."+predictor {
				t.Errorf("pod labels = %v", labels)
			}
			if owners := d.Metadata.OwnerReferences; len(owners) != 1 || owners[0].Kind != "InferenceService" || owners[0].Name != tc.name || !owners[0].Controller {
				t.Errorf("owner references = %+v", owners)
			}
			if got := d.Spec.Template.Metadata.Annotations["internal.serving.kserve.io/storage-initializer-sourceuri"]; got != "gs://kfserving-examples/models/sklearn/1.0/model" {
				t.Errorf("storage-initializer-sourceuri annotation = %q", got)
			}
			if got := d.Spec.Template.Metadata.Annotations["prometheus.kserve.io/port"]; got != "8080" {
				t.Errorf("the runtime's annotations are not on the pod: prometheus.kserve.io/port = %q", got)
			}
			spec := d.Spec.Template.Spec
			if len(spec.Containers) != 1 || spec.Containers[0].Name != "kserve-container" {
				t.Fatalf("containers = %+v, want kserve-container", spec.Containers)
			}
			serving := spec.Containers[0]
			if serving.Image != "kserve/sklearnserver:v0.20.0" {
				t.Errorf("image = %q", serving.Image)
			}
			wantArgs := []string{"--model_name=" + tc.name, "--model_dir=/mnt/models", "--http_port=8080"}
			if !slices.Equal(serving.Args, wantArgs) {
				t.Errorf("args = %q, want %q ({{.Name}} resolved)", serving.Args, wantArgs)
			}
			if serving.Resources.Limits["cpu"] != "1" || serving.Resources.Limits["memory"] != "2Gi" {
				t.Errorf("resources = %+v", serving.Resources)
			}
			if len(serving.VolumeMounts) != 1 || serving.VolumeMounts[0].Name != "kserve-provision-location" ||
				serving.VolumeMounts[0].MountPath != "/mnt/models" || !serving.VolumeMounts[0].ReadOnly {
				t.Errorf("kserve-container mounts = %+v, want kserve-provision-location at /mnt/models read-only", serving.VolumeMounts)
			}
			if len(spec.InitContainers) != 1 {
				t.Fatalf("init containers = %+v, want storage-initializer", spec.InitContainers)
			}
			init := spec.InitContainers[0]
			if init.Name != "storage-initializer" || init.Image != "kserve/storage-initializer:v0.20.0" ||
				!slices.Equal(init.Args, []string{"gs://kfserving-examples/models/sklearn/1.0/model", "/mnt/models"}) ||
				init.TerminationMessagePolicy != "FallbackToLogsOnError" {
				t.Errorf("storage initializer = %+v", init)
			}
			if init.Resources.Requests["cpu"] != "100m" || init.Resources.Limits["memory"] != "1Gi" {
				t.Errorf("storage initializer resources = %+v", init.Resources)
			}
			if len(spec.Volumes) != 1 || spec.Volumes[0].Name != "kserve-provision-location" || spec.Volumes[0].EmptyDir == nil {
				t.Errorf("volumes = %+v, want the emptyDir kserve-provision-location", spec.Volumes)
			}

			var svc struct {
				Spec struct {
					Selector map[string]string
					Ports    []struct {
						Name       string
						Port       int
						TargetPort int
					}
				}
			}
			getJSON(t, &svc, "service", predictor, "-n", ns)
			if svc.Spec.Selector["app"] != "isvc."+predictor || len(svc.Spec.Ports) != 1 ||
				svc.Spec.Ports[0].Port != 80 || svc.Spec.Ports[0].TargetPort != 8080 || svc.Spec.Ports[0].Name != predictor {
				t.Errorf("service = %+v, want port %s 80 -> 8080 selecting app=isvc.%s", svc.Spec, predictor, predictor)
			}

			var hpa struct {
				Spec struct {
					MinReplicas    int
					MaxReplicas    int
					ScaleTargetRef struct{ Kind, Name string }
					Metrics        []struct {
						Resource struct {
							Name   string
							Target struct {
								Type               string
								AverageUtilization int
							}
						}
					}
				}
			}
			getJSON(t, &hpa, "hpa", predictor, "-n", ns)
			if hpa.Spec.MinReplicas != 1 || hpa.Spec.ScaleTargetRef.Kind != "Deployment" || hpa.Spec.ScaleTargetRef.Name != predictor ||
				len(hpa.Spec.Metrics) != 1 || hpa.Spec.Metrics[0].Resource.Name != "cpu" ||
				hpa.Spec.Metrics[0].Resource.Target.AverageUtilization != 80 {
				t.Errorf("hpa = %+v, want min 1 on Deployment %s at 80%% CPU", hpa.Spec, predictor)
			}

			host := fmt.Sprintf("%s-%s.example.com", tc.name, ns)
			if got := jsonpath(t, "{.spec.rules[*].host}", "ingress", tc.name, "-n", ns); !strings.Contains(got, host) {
				t.Errorf("ingress hosts = %q, want %s among them", got, host)
			}
			if got := jsonpath(t, "{.spec.rules[0].http.paths[0].backend.service.name}", "ingress", tc.name, "-n", ns); got != predictor {
				t.Errorf("ingress backend = %q, want %s", got, predictor)
			}

			if st.URL != "http://"+host {
				t.Errorf("status.url = %q, want http://%s", st.URL, host)
			}
			if want := fmt.Sprintf("http://%s.%s.svc.cluster.local", predictor, ns); st.Address.URL != want {
				t.Errorf("status.address.url = %q, want %s", st.Address.URL, want)
			}
			if st.ClusterServingRuntimeName != "kserve-sklearnserver" || st.DeploymentMode != "Standard" {
				t.Errorf("runtime %q, mode %q; want kserve-sklearnserver, Standard", st.ClusterServingRuntimeName, st.DeploymentMode)
			}
			for _, c := range []string{"PredictorReady", "IngressReady"} {
				if st.condition(c).Status != "True" {
					t.Errorf("%s = %+v", c, st.condition(c))
				}
			}
			if st.ModelStatus.TransitionStatus != "UpToDate" || st.ModelStatus.States.ActiveModelState != "Loaded" {
				t.Errorf("modelStatus = %+v", st.ModelStatus)
			}
		})
	}

	// KServe's printer columns.
	out := kubectl(t, "get", "isvc", "-n", ns)
	header := strings.Fields(strings.SplitN(out, "\n", 2)[0])
	if want := []string{"NAME", "URL", "READY", "PREV", "LATEST", "PREVROLLEDOUTREVISION", "LATESTREADYREVISION", "AGE"}; !slices.Equal(header, want) {
		t.Errorf("kubectl get isvc columns = %v, want %v", header, want)
	}

	// Nothing changes once Ready: no update churn on the children.
	before := jsonpath(t, "{.metadata.resourceVersion}", "deployment", "iris-model-predictor", "-n", ns)
	time.Sleep(3 * time.Second)
	if after := jsonpath(t, "{.metadata.resourceVersion}", "deployment", "iris-model-predictor", "-n", ns); after != before {
		t.Errorf("the Deployment changed while nothing did: resourceVersion %s -> %s", before, after)
	}

	// Deleting the InferenceService removes its children.
	kubectl(t, "delete", "isvc", "iris-model", "-n", ns)
	eventually(t, time.Minute, "the children of iris-model are gone", func() error {
		for _, kind := range []string{"deployment", "service", "hpa", "ingress"} {
			if r := kubectlAs(t, "admin", "", "get", kind, "-n", ns, "-l", "serving.kserve.io/inferenceservice=iris-model", "-o", "name"); strings.TrimSpace(r.stdout) != "" {
				return fmt.Errorf("%s left: %s", kind, r.stdout)
			}
		}
		return nil
	})
}

func TestInferenceServiceStopAndResume(t *testing.T) {
	ns := namespace(t, "isvc-stop")
	kubectlIn(t, sklearnModel("stoppable", ns, ""), "apply", "-f", "-")
	waitISVCCondition(t, "stoppable", ns, "Ready", "True")

	kubectl(t, "annotate", "isvc", "stoppable", "-n", ns, "serving.kserve.io/stop=true")
	st := waitISVCCondition(t, "stoppable", ns, "Stopped", "True")
	if c := st.condition("PredictorReady"); c.Status != "False" || c.Reason != "Stopped" {
		t.Errorf("PredictorReady while stopped = %+v, want False/Stopped", c)
	}
	eventually(t, time.Minute, "the stopped InferenceService's workloads are deleted", func() error {
		for _, kind := range []string{"deployment", "service", "hpa", "ingress"} {
			if r := kubectlAs(t, "admin", "", "get", kind, "-n", ns, "-o", "name"); strings.TrimSpace(r.stdout) != "" {
				return fmt.Errorf("%s left: %s", kind, r.stdout)
			}
		}
		return nil
	})

	kubectl(t, "annotate", "isvc", "stoppable", "-n", ns, "serving.kserve.io/stop-")
	st = waitISVCCondition(t, "stoppable", ns, "Ready", "True")
	if c := st.condition("Stopped"); c.Status == "True" {
		t.Errorf("Stopped after resuming = %+v", c)
	}
	kubectl(t, "get", "deployment", "stoppable-predictor", "-n", ns)
}

func TestInferenceServiceRuntimeFailuresInStatus(t *testing.T) {
	ns := namespace(t, "isvc-rt")
	for _, tc := range []struct {
		name, manifest, reason, message string
	}{
		{"no-runtime", `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: no-runtime, namespace: ` + ns + `}
spec:
  predictor:
    model:
      modelFormat: {name: caffe}
      storageUri: s3://models/caffe
`, "NoSupportingRuntime", "No runtime found to support predictor with model type: mt:caffe"},
		{"unknown-runtime", `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: unknown-runtime, namespace: ` + ns + `}
spec:
  predictor:
    model:
      modelFormat: {name: sklearn}
      runtime: kserve-nonexistent
      storageUri: s3://models/iris
`, "RuntimeNotRecognized", "No ServingRuntime or ClusterServingRuntime with the name: kserve-nonexistent"},
		{"knative", `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: knative
  namespace: ` + ns + `
  annotations: {serving.kserve.io/deploymentMode: Serverless}
spec:
  predictor:
    model:
      modelFormat: {name: sklearn}
      storageUri: s3://models/iris
`, "ServerlessModeRejected", "Standard mode only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kubectlIn(t, tc.manifest, "apply", "-f", "-")
			st := waitISVCCondition(t, tc.name, ns, "PredictorReady", "False")
			c := st.condition("PredictorReady")
			if c.Reason != tc.reason || !strings.Contains(c.Message, tc.message) {
				t.Errorf("PredictorReady = %+v, want reason %s and a message with %q", c, tc.reason, tc.message)
			}
			if r := st.condition("Ready"); r.Status != "False" {
				t.Errorf("Ready = %+v, want False", r)
			}
			if r := kubectlAs(t, "admin", "", "get", "deployment", "-n", ns, "-l", "serving.kserve.io/inferenceservice="+tc.name, "-o", "name"); strings.TrimSpace(r.stdout) != "" {
				t.Errorf("a Deployment exists for an InferenceService with no runtime: %s", r.stdout)
			}
		})
	}
	// Creating the missing runtime heals the InferenceService: a namespaced
	// ServingRuntime that supports caffe.
	kubectlIn(t, `apiVersion: serving.kserve.io/v1alpha1
kind: ServingRuntime
metadata: {name: caffe-server, namespace: `+ns+`}
spec:
  supportedModelFormats: [{name: caffe, autoSelect: true}]
  containers:
  - name: kserve-container
    image: example.com/caffe-server:1
    args: ["--model={{.Name}}"]
`, "apply", "-f", "-")
	st := waitISVCCondition(t, "no-runtime", ns, "Ready", "True")
	if got := jsonpath(t, "{.status.servingRuntimeName}", "isvc", "no-runtime", "-n", ns); got != "caffe-server" {
		t.Errorf("status.servingRuntimeName = %q, want caffe-server", got)
	}
	if st.ModelStatus.TransitionStatus != "UpToDate" || st.ModelStatus.States.ActiveModelState != "Loaded" {
		t.Errorf("modelStatus after healing = %+v, want UpToDate and Loaded", st.ModelStatus)
	}
}

func TestInferenceServiceBadInputIsRejected(t *testing.T) {
	ns := namespace(t, "isvc-bad")
	for _, tc := range []struct {
		name, manifest, want string
	}{
		{"bad-uri", `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: bad-uri, namespace: ` + ns + `}
spec:
  predictor:
    model:
      modelFormat: {name: sklearn}
      storageUri: ftp://models/iris
`, "spec.predictor.model.storageUri"},
		{"bad-replicas", `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: bad-replicas, namespace: ` + ns + `}
spec:
  predictor:
    minReplicas: 3
    maxReplicas: 2
    model:
      modelFormat: {name: sklearn}
      storageUri: s3://models/iris
`, "spec.predictor.minReplicas"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := kubectlFails(t, "admin", tc.manifest, "apply", "-f", "-")
			if !strings.Contains(out, tc.want) {
				t.Errorf("error %q does not name %s", out, tc.want)
			}
			if r := kubectlAs(t, "admin", "", "get", "isvc", tc.name, "-n", ns); r.err == nil {
				t.Errorf("a rejected InferenceService was stored: %s", r.stdout)
			}
		})
	}
}

// installHTTPRouteCRD installs the Gateway API's HTTPRoute from the
// gateway-api module, as a cluster with a Gateway implementation has it.
func installHTTPRouteCRD(t *testing.T) {
	t.Helper()
	out, err := exec.Command("go", "mod", "download", "-json", "sigs.k8s.io/gateway-api@v1.6.3").Output()
	if err != nil {
		t.Fatalf("downloading sigs.k8s.io/gateway-api: %v", err)
	}
	var mod struct{ Dir string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		t.Fatalf("go mod download: %v %s", err, out)
	}
	kubectl(t, "apply", "--server-side", "-f", filepath.Join(mod.Dir, "config", "crd", "standard", "gateway.networking.k8s.io_httproutes.yaml"))
	waitCRDEstablished(t, "httproutes.gateway.networking.k8s.io")
}

// waitCRDEstablished waits for a CRD's Established condition. kubectl wait
// fails at once, rather than waiting, while the new CRD has no conditions.
func waitCRDEstablished(t *testing.T, name string) {
	t.Helper()
	eventually(t, time.Minute, "CRD "+name+" is Established", func() error {
		r := kubectlAs(t, "admin", "", "get", "crd", name, "-o", `jsonpath={.status.conditions[?(@.type=="Established")].status}`)
		if strings.TrimSpace(r.stdout) != "True" {
			return fmt.Errorf("Established %q %s", r.stdout, r.stderr)
		}
		return nil
	})
}

// useGatewayAPI switches the serving configuration to Gateway API routes
// for the test.
func useGatewayAPI(t *testing.T) {
	t.Helper()
	const cm = "configmap/inferenceservice-config"
	original := jsonpath(t, "{.data.ingress}", cm, "-n", "mlplane-system")
	var ingress map[string]any
	mustJSON(t, original, &ingress)
	ingress["enableGatewayApi"] = true
	patched, err := json.Marshal(ingress)
	if err != nil {
		t.Fatal(err)
	}
	patch := func(value string) string {
		b, _ := json.Marshal(map[string]any{"data": map[string]string{"ingress": value}})
		return string(b)
	}
	kubectl(t, "patch", cm, "-n", "mlplane-system", "--type=merge", "-p", patch(string(patched)))
	t.Cleanup(func() {
		kubectl(t, "patch", cm, "-n", "mlplane-system", "--type=merge", "-p", patch(original))
	})
}

func TestInferenceServiceCanarySplitsTrafficByWeight(t *testing.T) {
	installHTTPRouteCRD(t)
	useGatewayAPI(t)
	ns := namespace(t, "isvc-canary")
	kubectlIn(t, sklearnModel("iris", ns, `  canary:
  - trafficPercent: 20
    predictor:
      name: candidate
      model:
        modelFormat: {name: sklearn}
        storageUri: gs://kfserving-examples/models/sklearn/2.0/model
`), "apply", "-f", "-")
	st := waitISVCCondition(t, "iris", ns, "Ready", "True")
	if c := st.condition("CanaryPredictorReady"); c.Status != "True" {
		t.Errorf("CanaryPredictorReady = %+v", c)
	}

	// The canary runs beside the predictor, with its own model.
	var d deployment
	getJSON(t, &d, "deployment", "iris-candidate-predictor", "-n", ns)
	if got := d.Spec.Template.Spec.InitContainers[0].Args[0]; got != "gs://kfserving-examples/models/sklearn/2.0/model" {
		t.Errorf("canary downloads %q", got)
	}
	if d.Spec.Replicas == nil || *d.Spec.Replicas != 1 {
		t.Errorf("canary replicas = %v, want a fixed 1", d.Spec.Replicas)
	}
	kubectl(t, "get", "service", "iris-candidate-predictor", "-n", ns)
	if r := kubectlAs(t, "admin", "", "get", "hpa", "iris-candidate-predictor", "-n", ns); r.err == nil {
		t.Errorf("a canary got an HPA: %s", r.stdout)
	}
	if r := kubectlAs(t, "admin", "", "get", "ingress", "iris", "-n", ns); r.err == nil {
		t.Errorf("an Ingress exists beside the HTTPRoutes: %s", r.stdout)
	}

	// The routes split the predictor's traffic 80/20 by weight.
	var route struct {
		Spec struct {
			Hostnames []string
			Rules     []struct {
				BackendRefs []struct {
					Name   string
					Port   int
					Weight int
				}
			}
		}
	}
	getJSON(t, &route, "httproute.gateway.networking.k8s.io", "iris", "-n", ns)
	weights := map[string]int{}
	for _, rule := range route.Spec.Rules {
		for _, b := range rule.BackendRefs {
			weights[b.Name] = b.Weight
		}
	}
	if weights["iris-predictor"] != 80 || weights["iris-candidate-predictor"] != 20 {
		t.Errorf("HTTPRoute iris backends = %v, want iris-predictor 80 and iris-candidate-predictor 20", weights)
	}
	if want := fmt.Sprintf("iris-%s.example.com", ns); !slices.Contains(route.Spec.Hostnames, want) {
		t.Errorf("HTTPRoute hostnames = %v, want %s", route.Spec.Hostnames, want)
	}
	pred := st.Components["predictor"]
	percents := map[string]int64{}
	for _, tt := range pred.Traffic {
		percents[tt.RevisionName] = tt.Percent
	}
	if percents["iris-predictor"] != 80 || percents["iris-candidate-predictor"] != 20 {
		t.Errorf("status traffic = %+v", pred.Traffic)
	}
	if len(st.CanaryStatuses) != 1 || st.CanaryStatuses[0].Name != "candidate" || st.CanaryStatuses[0].TrafficPercent != 20 {
		t.Errorf("canaryStatuses = %+v", st.CanaryStatuses)
	}

	// Promotion: the predictor takes the canary's name and model; the old
	// predictor's objects go.
	kubectlIn(t, `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: iris, namespace: `+ns+`}
spec:
  predictor:
    name: candidate
    model:
      modelFormat: {name: sklearn}
      storageUri: gs://kfserving-examples/models/sklearn/2.0/model
`, "apply", "-f", "-")
	eventually(t, time.Minute, "the old predictor is gone after promotion", func() error {
		if r := kubectlAs(t, "admin", "", "get", "deployment", "iris-predictor", "-n", ns); r.err == nil {
			return fmt.Errorf("deployment iris-predictor still exists")
		}
		getJSON(t, &route, "httproute.gateway.networking.k8s.io", "iris", "-n", ns)
		var names []string
		for _, rule := range route.Spec.Rules {
			for _, b := range rule.BackendRefs {
				names = append(names, b.Name)
			}
		}
		if slices.Contains(names, "iris-predictor") || !slices.Contains(names, "iris-candidate-predictor") {
			return fmt.Errorf("HTTPRoute backends %v", names)
		}
		return nil
	})
}

// TestInferenceServiceFrameworkFormReappliedDeploysStockRuntime applies a
// pytorch InferenceService in the framework form and then edited copies of
// it, as a user iterating on a file does, with kubectl apply (client- and
// server-side) and kubectl replace: each write replaces the stored model.
// It runs on the stock kserve-torchserve runtime, whose env names the
// optional label serviceEnvelope: without the label it renders as
// "<no value>", as on KServe.
func TestInferenceServiceFrameworkFormReappliedDeploysStockRuntime(t *testing.T) {
	ns := namespace(t, "isvc-reapply")
	pytorch := func(name, uri string) string {
		return fmt.Sprintf(`apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: %s
  namespace: %s
spec:
  predictor:
    pytorch:
      storageUri: %s
`, name, ns, uri)
	}
	// deployed waits until the predictor's Deployment downloads uri and
	// checks it runs KServe's torchserve.
	deployed := func(name, uri string) {
		t.Helper()
		if got := jsonpath(t, "{.spec.predictor.model.modelFormat.name} {.spec.predictor.model.storageUri}{.spec.predictor.pytorch}",
			"isvc", name, "-n", ns); got != "pytorch "+uri {
			t.Errorf("stored predictor = %q, want the model form with %s", got, uri)
		}
		var d deployment
		eventually(t, 2*time.Minute, fmt.Sprintf("%s-predictor downloads %s", name, uri), func() error {
			getJSON(t, &d, "deployment", name+"-predictor", "-n", ns)
			if init := d.Spec.Template.Spec.InitContainers; len(init) != 1 || !slices.Equal(init[0].Args, []string{uri, "/mnt/models"}) {
				return fmt.Errorf("init containers %+v", init)
			}
			return nil
		})
		c := d.Spec.Template.Spec.Containers[0]
		if c.Image != "pytorch/torchserve-kfs:0.9.0" || !slices.Equal(c.Args, []string{"torchserve", "--start",
			"--model-store=/mnt/models/model-store", "--ts-config=/mnt/models/config/config.properties"}) {
			t.Errorf("serving container %s %q, want KServe's torchserve", c.Image, c.Args)
		}
		if got := jsonpath(t, `{.spec.template.spec.containers[0].env[?(@.name=="TS_SERVICE_ENVELOPE")].value}`,
			"deployment", name+"-predictor", "-n", ns); got != "<no value>" {
			t.Errorf("TS_SERVICE_ENVELOPE = %q, want <no value> (the label is not set)", got)
		}
	}

	kubectlIn(t, pytorch("client-side", "gs://models/pytorch/1"), "apply", "-f", "-")
	st := waitISVCCondition(t, "client-side", ns, "Ready", "True")
	if st.ClusterServingRuntimeName != "kserve-torchserve" {
		t.Errorf("runtime %q, want kserve-torchserve", st.ClusterServingRuntimeName)
	}
	deployed("client-side", "gs://models/pytorch/1")
	kubectlIn(t, pytorch("client-side", "gs://models/pytorch/2"), "apply", "-f", "-")
	deployed("client-side", "gs://models/pytorch/2")
	kubectlIn(t, pytorch("client-side", "gs://models/pytorch/2"), "apply", "-f", "-")
	kubectlIn(t, pytorch("client-side", "gs://models/pytorch/3"), "replace", "-f", "-")
	deployed("client-side", "gs://models/pytorch/3")

	kubectlIn(t, pytorch("server-side", "gs://models/pytorch/1"), "apply", "--server-side", "-f", "-")
	kubectlIn(t, pytorch("server-side", "gs://models/pytorch/2"), "apply", "--server-side", "-f", "-")
	kubectlIn(t, pytorch("server-side", "gs://models/pytorch/2"), "apply", "--server-side", "-f", "-")
	deployed("server-side", "gs://models/pytorch/2")
}

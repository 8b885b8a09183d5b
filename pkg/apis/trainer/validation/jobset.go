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

package validation

import (
	"fmt"
	"math"
	"regexp"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/sets"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlplane/mlplane/pkg/apis/trainer"
	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
)

// Limits of JobSet v0.12's CRD and webhook.
const (
	maxDependsOn            = 5
	maxVolumeClaimPolicies  = 50
	maxJobSetManagedBy      = 63
	maxFailureRuleNameLen   = 128
	volumeClaimNamespaceMsg = "namespace cannot be set for VolumeClaimPolicies templates"
)

var (
	supportedDependsOnStatuses = []trainer.DependsOnStatus{trainer.DependencyReady, trainer.DependencyComplete}
	supportedOperators         = []trainer.Operator{trainer.OperatorAll, trainer.OperatorAny}
	supportedRestartStrategies = []trainer.JobSetRestartStrategy{trainer.Recreate, trainer.BlockingRecreate, trainer.InPlaceRestart}
	supportedActions           = []trainer.FailurePolicyAction{trainer.FailJobSet, trainer.RestartJobSet,
		trainer.RestartJobSetAndIgnoreMaxRestarts, trainer.RestartJob, trainer.RestartJobAndIgnoreMaxRestarts}
	supportedStartupOrders    = []trainer.StartupPolicyOptions{trainer.AnyOrder, trainer.InOrder}
	supportedRetentionPolicy  = []trainer.RetentionPolicyType{trainer.RetentionPolicyDelete, trainer.RetentionPolicyRetain}
	supportedCompletionModes  = []batchv1.CompletionMode{batchv1.NonIndexedCompletion, batchv1.IndexedCompletion}
	supportedJobFailureReason = []string{batchv1.JobReasonBackoffLimitExceeded, batchv1.JobReasonDeadlineExceeded,
		batchv1.JobReasonFailedIndexes, batchv1.JobReasonMaxFailedIndexesExceeded, batchv1.JobReasonPodFailurePolicy}

	failureRuleName = regexp.MustCompile(`^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$`)

	// ancestorContainers is the container each ancestor step's replicated
	// job must have: the one a TrainJob's trainer or initializer configures.
	ancestorContainers = map[string]string{
		trainerv1alpha1.AncestorTrainer:            trainerv1alpha1.NodeContainer,
		trainerv1alpha1.AncestorDatasetInitializer: trainerv1alpha1.AncestorDatasetInitializer,
		trainerv1alpha1.AncestorModelInitializer:   trainerv1alpha1.AncestorModelInitializer,
	}
)

// replicatedJobsPath is where a runtime's replicated jobs are.
var replicatedJobsPath = specPath.Child("template", "spec", "replicatedJobs")

// podSpecPath is the pod spec of a runtime's i-th replicated job.
func podSpecPath(i int) *field.Path {
	return replicatedJobsPath.Index(i).Child("template", "spec", "template", "spec")
}

func findReplicatedJob(js *trainer.JobSetSpec, name string) *trainer.ReplicatedJob {
	for i := range js.ReplicatedJobs {
		if js.ReplicatedJobs[i].Name == name {
			return &js.ReplicatedJobs[i]
		}
	}
	return nil
}

func containerNames(containers []corev1.Container) []string {
	out := make([]string, 0, len(containers))
	for _, c := range containers {
		out = append(out, c.Name)
	}
	return out
}

// ancestorOf is the ancestor step a replicated job is labelled with, or "".
func ancestorOf(rj *trainer.ReplicatedJob) string {
	return rj.Template.Labels[trainerv1alpha1.AncestorLabel]
}

// validateJobSetTemplate checks a runtime's JobSet template: its metadata,
// and its spec as JobSet's CRD and the rules of JobSet's webhook that
// depend on the template alone would when Trainer creates the JobSet, so a
// broken runtime is refused when it is written rather than on each
// TrainJob.
func validateJobSetTemplate(tmpl *trainer.JobSetTemplateSpec, fldPath *field.Path) field.ErrorList {
	allErrs := validateEmbeddedMeta(&tmpl.ObjectMeta, crdEmbeddedMeta, fldPath.Child("metadata"))
	return append(allErrs, validateJobSetSpec(&tmpl.Spec, fldPath.Child("spec"))...)
}

func validateJobSetSpec(js *trainer.JobSetSpec, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	rJobsPath := fldPath.Child("replicatedJobs")
	if len(js.ReplicatedJobs) == 0 {
		allErrs = append(allErrs, field.Required(rJobsPath, "a runtime must have at least one replicated job"))
	}
	allErrs = append(allErrs, listMapKeys(js.ReplicatedJobs, func(r *trainer.ReplicatedJob) string { return r.Name }, "name", rJobsPath)...)
	names := sets.New[string]()
	for i := range js.ReplicatedJobs {
		allErrs = append(allErrs, validateReplicatedJob(&js.ReplicatedJobs[i], i, names, rJobsPath.Index(i))...)
		names.Insert(js.ReplicatedJobs[i].Name)
	}
	if n := js.Network; n != nil && n.Subdomain != "" {
		subPath := fldPath.Child("network", "subdomain")
		// The subdomain names the headless Service too.
		for _, msg := range append(utilvalidation.IsDNS1123Subdomain(n.Subdomain), utilvalidation.IsDNS1035Label(n.Subdomain)...) {
			allErrs = append(allErrs, field.Invalid(subPath, n.Subdomain, msg))
		}
	}
	if sp := js.SuccessPolicy; sp != nil {
		spPath := fldPath.Child("successPolicy")
		if !contains(supportedOperators, sp.Operator) {
			allErrs = append(allErrs, field.NotSupported(spPath.Child("operator"), sp.Operator, supportedOperators))
		}
		allErrs = append(allErrs, replicatedJobNames(sp.TargetReplicatedJobs, names, spPath.Child("targetReplicatedJobs"))...)
	}
	if fp := js.FailurePolicy; fp != nil {
		allErrs = append(allErrs, validateFailurePolicy(fp, names, fldPath.Child("failurePolicy"))...)
	}
	if sp := js.StartupPolicy; sp != nil {
		spPath := fldPath.Child("startupPolicy")
		if !contains(supportedStartupOrders, sp.StartupPolicyOrder) {
			allErrs = append(allErrs, field.NotSupported(spPath.Child("startupPolicyOrder"), sp.StartupPolicyOrder, supportedStartupOrders))
		}
		if sp.StartupPolicyOrder == trainer.InOrder {
			for i := range js.ReplicatedJobs {
				if len(js.ReplicatedJobs[i].DependsOn) > 0 {
					allErrs = append(allErrs, field.Invalid(spPath.Child("startupPolicyOrder"), sp.StartupPolicyOrder,
						"StartupPolicy and DependsOn APIs are mutually exclusive"))
					break
				}
			}
		}
	}
	if c := js.Coordinator; c != nil {
		allErrs = append(allErrs, validateCoordinator(c, js, fldPath.Child("coordinator"))...)
	}
	if m := js.ManagedBy; m != nil {
		mPath := fldPath.Child("managedBy")
		allErrs = append(allErrs, utilvalidation.IsDomainPrefixedPath(mPath, *m)...)
		allErrs = append(allErrs, maxLength(*m, maxJobSetManagedBy, mPath)...)
	}
	if ttl := js.TTLSecondsAfterFinished; ttl != nil {
		allErrs = append(allErrs, apivalidation.ValidateNonnegativeField(int64(*ttl), fldPath.Child("ttlSecondsAfterFinished"))...)
	}
	return append(allErrs, validateVolumeClaimPolicies(js, fldPath)...)
}

// validateReplicatedJob checks one replicated job; earlier are the names
// of the replicated jobs before it.
func validateReplicatedJob(rj *trainer.ReplicatedJob, index int, earlier sets.Set[string], fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if rj.Name != "" {
		// It starts the names of the Jobs (<trainjob>-<name>-<index>).
		for _, msg := range utilvalidation.IsDNS1035Label(rj.Name) {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("name"), rj.Name, msg))
		}
	}
	for _, msg := range utilvalidation.IsDNS1035Label(rj.GroupName) {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("groupName"), rj.GroupName, msg))
	}
	replicasPath := fldPath.Child("replicas")
	allErrs = append(allErrs, apivalidation.ValidateNonnegativeField(int64(rj.Replicas), replicasPath)...)
	parallelism := int64(1)
	if p := rj.Template.Spec.Parallelism; p != nil {
		parallelism = int64(*p)
	}
	if parallelism*int64(rj.Replicas) > math.MaxInt32 {
		allErrs = append(allErrs, field.Invalid(replicasPath, rj.Replicas,
			fmt.Sprintf("the product of replicas and parallelism must not exceed %d", math.MaxInt32)))
	}
	ancestor := ancestorOf(rj)
	if want, ok := ancestorContainers[ancestor]; ok {
		// Upstream's runtime webhooks: a TrainJob configures one Job and
		// one container of each ancestor step.
		if rj.Replicas != 1 {
			allErrs = append(allErrs, field.Invalid(replicasPath, rj.Replicas, "always must be 1"))
		}
		if !contains(containerNames(rj.Template.Spec.Template.Spec.Containers), want) {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("template", "spec", "template", "spec", "containers"),
				containerNames(rj.Template.Spec.Template.Spec.Containers),
				fmt.Sprintf("must contain the required container for the ancestor: %s", ancestor)))
		}
	}
	depsPath := fldPath.Child("dependsOn")
	allErrs = append(allErrs, maxItems(len(rj.DependsOn), maxDependsOn, depsPath)...)
	allErrs = append(allErrs, listMapKeys(rj.DependsOn, func(d *trainer.DependsOn) string { return d.Name }, "name", depsPath)...)
	if index == 0 && len(rj.DependsOn) > 0 {
		allErrs = append(allErrs, field.Forbidden(depsPath, "DependsOn can't be set for the first ReplicatedJob"))
	}
	for i, d := range rj.DependsOn {
		dPath := depsPath.Index(i)
		if index > 0 && d.Name != "" && !earlier.Has(d.Name) {
			allErrs = append(allErrs, field.Invalid(dPath.Child("name"), d.Name,
				fmt.Sprintf("replicatedJob: %s cannot depend on replicatedJob: %s", rj.Name, d.Name)))
		}
		if !contains(supportedDependsOnStatuses, d.Status) {
			allErrs = append(allErrs, field.NotSupported(dPath.Child("status"), d.Status, supportedDependsOnStatuses))
		}
	}
	return append(allErrs, validateJobTemplate(&rj.Template, ancestor == trainerv1alpha1.AncestorTrainer, fldPath.Child("template"))...)
}

// validateJobTemplate checks the Job template of a replicated job as far as
// the Jobs made from it would be refused otherwise: its metadata, the
// counts of its spec and its containers, which need unique DNS label names
// and, except the trainer's node container whose image a TrainJob may
// give, an image.
func validateJobTemplate(jt *batchv1.JobTemplateSpec, trainerJob bool, fldPath *field.Path) field.ErrorList {
	allErrs := validateEmbeddedMeta(&jt.ObjectMeta, crdEmbeddedMeta, fldPath.Child("metadata"))
	specPath := fldPath.Child("spec")
	spec := &jt.Spec
	for _, f := range []struct {
		name  string
		value *int32
	}{{"parallelism", spec.Parallelism}, {"completions", spec.Completions}, {"backoffLimit", spec.BackoffLimit},
		{"backoffLimitPerIndex", spec.BackoffLimitPerIndex}, {"maxFailedIndexes", spec.MaxFailedIndexes},
		{"ttlSecondsAfterFinished", spec.TTLSecondsAfterFinished}} {
		if f.value != nil {
			allErrs = append(allErrs, apivalidation.ValidateNonnegativeField(int64(*f.value), specPath.Child(f.name))...)
		}
	}
	if d := spec.ActiveDeadlineSeconds; d != nil {
		allErrs = append(allErrs, minimum(*d, 1, specPath.Child("activeDeadlineSeconds"))...)
	}
	if m := spec.CompletionMode; m != nil && !contains(supportedCompletionModes, *m) {
		allErrs = append(allErrs, field.NotSupported(specPath.Child("completionMode"), *m, supportedCompletionModes))
	}
	podPath := specPath.Child("template")
	allErrs = append(allErrs, validateEmbeddedMeta(&spec.Template.ObjectMeta, crdEmbeddedMeta, podPath.Child("metadata"))...)
	return append(allErrs, validateContainers(&spec.Template.Spec, trainerJob, podPath.Child("spec"))...)
}

func validateContainers(pod *corev1.PodSpec, trainerJob bool, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if len(pod.Containers) == 0 {
		allErrs = append(allErrs, field.Required(fldPath.Child("containers"), "must have at least one container"))
	}
	// Init containers and containers share one namespace of names.
	names := sets.New[string]()
	for _, list := range []struct {
		name       string
		containers []corev1.Container
	}{{"initContainers", pod.InitContainers}, {"containers", pod.Containers}} {
		for i, c := range list.containers {
			cPath := fldPath.Child(list.name).Index(i)
			namePath := cPath.Child("name")
			switch {
			case c.Name == "":
				allErrs = append(allErrs, field.Required(namePath, ""))
			case names.Has(c.Name):
				allErrs = append(allErrs, field.Duplicate(namePath, c.Name))
			default:
				names.Insert(c.Name)
				for _, msg := range utilvalidation.IsDNS1123Label(c.Name) {
					allErrs = append(allErrs, field.Invalid(namePath, c.Name, msg))
				}
			}
			overridable := trainerJob && list.name == "containers" && c.Name == trainerv1alpha1.NodeContainer
			if c.Image == "" && !overridable {
				allErrs = append(allErrs, field.Required(cPath.Child("image"), ""))
			}
		}
	}
	return allErrs
}

// replicatedJobNames checks that each name is one of the template's
// replicated jobs.
func replicatedJobNames(targets []string, names sets.Set[string], fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	for i, t := range targets {
		if !names.Has(t) {
			allErrs = append(allErrs, field.Invalid(fldPath.Index(i), t,
				fmt.Sprintf("invalid replicatedJob name '%s' does not appear in .spec.ReplicatedJobs", t)))
		}
	}
	return allErrs
}

// validateFailurePolicy checks a failure policy as JobSet's CRD and webhook
// do. A rule without a name is left for JobSet's defaulting to name.
func validateFailurePolicy(fp *trainer.FailurePolicy, names sets.Set[string], fldPath *field.Path) field.ErrorList {
	allErrs := apivalidation.ValidateNonnegativeField(int64(fp.MaxRestarts), fldPath.Child("maxRestarts"))
	if !contains(supportedRestartStrategies, fp.RestartStrategy) {
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("restartStrategy"), fp.RestartStrategy, supportedRestartStrategies))
	}
	ruleNames := sets.New[string]()
	for i, r := range fp.Rules {
		rPath := fldPath.Child("rules").Index(i)
		if !contains(supportedActions, r.Action) {
			allErrs = append(allErrs, field.NotSupported(rPath.Child("action"), r.Action, supportedActions))
		}
		if r.Name != "" {
			namePath := rPath.Child("name")
			switch {
			case len(r.Name) > maxFailureRuleNameLen:
				allErrs = append(allErrs, field.TooLong(namePath, r.Name, maxFailureRuleNameLen))
			case !failureRuleName.MatchString(r.Name):
				allErrs = append(allErrs, field.Invalid(namePath, r.Name,
					"a failure policy rule name must start with an alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_'"))
			case ruleNames.Has(r.Name):
				allErrs = append(allErrs, field.Duplicate(namePath, r.Name))
			}
			ruleNames.Insert(r.Name)
		}
		allErrs = append(allErrs, replicatedJobNames(r.TargetReplicatedJobs, names, rPath.Child("targetReplicatedJobs"))...)
		for j, reason := range r.OnJobFailureReasons {
			if !contains(supportedJobFailureReason, reason) {
				allErrs = append(allErrs, field.NotSupported(rPath.Child("onJobFailureReasons").Index(j), reason, supportedJobFailureReason))
			}
		}
		for j, pattern := range r.OnJobFailureMessagePatterns {
			if _, err := regexp.Compile(pattern); err != nil {
				allErrs = append(allErrs, field.Invalid(rPath.Child("onJobFailureMessagePatterns").Index(j), pattern, err.Error()))
			}
		}
	}
	return allErrs
}

// validateCoordinator checks that the coordinator names a pod the template
// can have. The trainer's completions are set from the TrainJob's node
// count, so the pod index is checked only against completions the template
// sets.
func validateCoordinator(c *trainer.Coordinator, js *trainer.JobSetSpec, fldPath *field.Path) field.ErrorList {
	rjPath := fldPath.Child("replicatedJob")
	if c.ReplicatedJob == "" {
		return field.ErrorList{field.Required(rjPath, "")}
	}
	rj := findReplicatedJob(js, c.ReplicatedJob)
	if rj == nil {
		return field.ErrorList{field.Invalid(rjPath, c.ReplicatedJob, "must name a replicated job of the template")}
	}
	var allErrs field.ErrorList
	if c.JobIndex < 0 || c.JobIndex >= int(rj.Replicas) {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("jobIndex"), c.JobIndex,
			fmt.Sprintf("coordinator job index %d is invalid for replicatedJob %s", c.JobIndex, rj.Name)))
	}
	if m := rj.Template.Spec.CompletionMode; m != nil && *m != batchv1.IndexedCompletion {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("replicatedJob"), c.ReplicatedJob,
			"job for coordinator pod must be indexed completion mode"))
	}
	if completions := rj.Template.Spec.Completions; c.PodIndex < 0 || completions != nil && c.PodIndex >= int(*completions) {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("podIndex"), c.PodIndex,
			fmt.Sprintf("coordinator pod index %d is invalid for replicatedJob %s", c.PodIndex, rj.Name)))
	}
	return allErrs
}

// validateVolumeClaimPolicies checks the claims shared by the Jobs: no
// namespace (upstream's CEL rule), unique object names, a retention policy
// JobSet knows, and a volume mount in some container for each claim, which
// must not also be a volume of a pod (JobSet's webhook).
func validateVolumeClaimPolicies(js *trainer.JobSetSpec, fldPath *field.Path) field.ErrorList {
	policiesPath := fldPath.Child("volumeClaimPolicies")
	allErrs := maxItems(len(js.VolumeClaimPolicies), maxVolumeClaimPolicies, policiesPath)
	claims := sets.New[string]()
	for i, p := range js.VolumeClaimPolicies {
		pPath := policiesPath.Index(i)
		if rp := p.RetentionPolicy; rp != nil && rp.WhenDeleted != nil && !contains(supportedRetentionPolicy, *rp.WhenDeleted) {
			allErrs = append(allErrs, field.NotSupported(pPath.Child("retentionPolicy", "whenDeleted"), *rp.WhenDeleted, supportedRetentionPolicy))
		}
		for j := range p.Templates {
			t := &p.Templates[j]
			tPath := pPath.Child("templates").Index(j)
			if t.Namespace != "" {
				allErrs = append(allErrs, field.Invalid(tPath.Child("metadata", "namespace"), t.Namespace, volumeClaimNamespaceMsg))
			}
			namePath := tPath.Child("metadata", "name")
			switch {
			case t.Name == "":
				allErrs = append(allErrs, field.Required(namePath, ""))
				continue
			case claims.Has(t.Name):
				allErrs = append(allErrs, field.Duplicate(namePath, t.Name))
			}
			claims.Insert(t.Name)
			for _, msg := range utilvalidation.IsDNS1123Subdomain(t.Name) {
				allErrs = append(allErrs, field.Invalid(namePath, t.Name, msg))
			}
			allErrs = append(allErrs, claimIsMounted(js, t.Name, namePath)...)
		}
	}
	return allErrs
}

func claimIsMounted(js *trainer.JobSetSpec, claim string, claimPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	mounted := false
	for i := range js.ReplicatedJobs {
		pod := &js.ReplicatedJobs[i].Template.Spec.Template.Spec
		for k, v := range pod.Volumes {
			if v.Name == claim {
				allErrs = append(allErrs, field.Invalid(podSpecPath(i).Child("volumes").Index(k).Child("name"), v.Name,
					fmt.Sprintf("volume name conflicts with VolumeClaimPolicy template name: %s", claim)))
			}
		}
		for _, c := range append(append([]corev1.Container{}, pod.InitContainers...), pod.Containers...) {
			for _, m := range c.VolumeMounts {
				mounted = mounted || m.Name == claim
			}
		}
	}
	if !mounted {
		allErrs = append(allErrs, field.Invalid(claimPath, claim,
			fmt.Sprintf("replicatedJob containers don't have a matching volumeMount: %s from VolumeClaimPolicies", claim)))
	}
	return allErrs
}

// validateJobSetSpecUpdate enforces what JobSet's CRD makes immutable in
// the template of a runtime: the network, success, failure and startup
// policies, the volume claim policies and each replicated job's
// dependencies. These are CEL transition rules, so a field may still be
// added or removed; replicated jobs are matched by name.
func validateJobSetSpecUpdate(newJS, oldJS *trainer.JobSetSpec, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	const immutable = "Value is immutable"
	for _, f := range []struct {
		name             string
		new, old         any
		newSet, oldIsSet bool
	}{
		{"network", newJS.Network, oldJS.Network, newJS.Network != nil, oldJS.Network != nil},
		{"successPolicy", newJS.SuccessPolicy, oldJS.SuccessPolicy, newJS.SuccessPolicy != nil, oldJS.SuccessPolicy != nil},
		{"failurePolicy", newJS.FailurePolicy, oldJS.FailurePolicy, newJS.FailurePolicy != nil, oldJS.FailurePolicy != nil},
		{"startupPolicy", newJS.StartupPolicy, oldJS.StartupPolicy, newJS.StartupPolicy != nil, oldJS.StartupPolicy != nil},
		{"volumeClaimPolicies", newJS.VolumeClaimPolicies, oldJS.VolumeClaimPolicies,
			len(newJS.VolumeClaimPolicies) > 0, len(oldJS.VolumeClaimPolicies) > 0},
	} {
		if f.newSet && f.oldIsSet && !apiequality.Semantic.DeepEqual(f.new, f.old) {
			allErrs = append(allErrs, field.Invalid(fldPath.Child(f.name), field.OmitValueType{}, immutable))
		}
	}
	for i := range newJS.ReplicatedJobs {
		rj := &newJS.ReplicatedJobs[i]
		old := findReplicatedJob(oldJS, rj.Name)
		if old == nil || len(rj.DependsOn) == 0 || len(old.DependsOn) == 0 {
			continue
		}
		if !apiequality.Semantic.DeepEqual(rj.DependsOn, old.DependsOn) {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("replicatedJobs").Index(i).Child("dependsOn"), field.OmitValueType{}, immutable))
		}
	}
	return allErrs
}

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

package trainjob

import (
	"fmt"
	"regexp"
	"slices"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
	"github.com/mlplane/mlplane/pkg/controller/trainjob/build"
)

// JobSet v0.12's reasons and messages of its Completed and Failed
// conditions, which Trainer copies into the TrainJob's Complete and Failed.
const (
	reasonAllJobsCompleted   = "AllJobsCompleted"
	messageAllJobsCompleted  = "jobset completed successfully"
	reasonFailedJobs         = "FailedJobs"
	messageFailedJobs        = "jobset failed due to one or more job failures"
	reasonFailJobSetAction   = "FailJobSetFailurePolicyAction"
	messageFailJobSetAction  = "applying FailJobSet failure policy action"
	reasonReachedMaxRestarts = "ReachedMaxRestarts"
	// messageReachedMaxRestarts is also the end of a failure whose rule
	// restarts single Jobs (RestartJob*, behind a JobSet feature gate),
	// which mlplane does not run (docs/compatibility.md).
	messageReachedMaxRestarts = "jobset failed due to reaching max number of restarts"

	// The Warning events of a restart of the whole, JobSet's.
	reasonRestartJobSetAction                      = "RestartJobSetFailurePolicyAction"
	messageRestartJobSetAction                     = "applying RestartJobSet failure policy action"
	reasonRestartJobSetAndIgnoreMaxRestartsAction  = "RestartJobSetAndIgnoreMaxRestartsFailurePolicyAction"
	messageRestartJobSetAndIgnoreMaxRestartsAction = "applying RestartJobSetAndIgnoreMaxRestarts failure policy action"
)

// restart is a restart of the whole TrainJob the failure policy asks for:
// every Job of this attempt is deleted, then created again.
type restart struct {
	// countsTowardsMax is false for RestartJobSetAndIgnoreMaxRestarts.
	countsTowardsMax bool
	// reason and message are the Warning event's.
	reason, message string
}

// jobSets are the live Jobs of a TrainJob, by replicated job, as JobSet
// sorts its child Jobs.
type jobSets struct {
	// byName are the live Jobs by name.
	byName map[string]*batchv1.Job
	// replicatedJob maps a Job's name to its replicated job.
	replicatedJob      map[string]string
	active             []*batchv1.Job
	successful, failed []*batchv1.Job
	statuses           []trainerv1alpha1.JobStatus
	replicas           map[string]int32
	statusOf           map[string]*trainerv1alpha1.JobStatus
}

// sortJobs sorts live, the TrainJob's Jobs, by the replicated jobs of
// children and counts them per replicated job as JobSet's
// replicatedJobsStatus does. Jobs no replicated job wants are left out.
func sortJobs(children *build.Children, live []*batchv1.Job) *jobSets {
	s := &jobSets{
		byName:        map[string]*batchv1.Job{},
		replicatedJob: map[string]string{},
		replicas:      map[string]int32{},
		statusOf:      map[string]*trainerv1alpha1.JobStatus{},
	}
	for _, rj := range children.ReplicatedJobs {
		s.replicas[rj.Name] = int32(len(rj.Jobs))
		for _, j := range rj.Jobs {
			s.replicatedJob[j.Name] = rj.Name
		}
	}
	counts := map[string]*[5]int32{}
	for _, rj := range children.ReplicatedJobs {
		counts[rj.Name] = &[5]int32{}
	}
	const ready, succeeded, failed, active, suspended = 0, 1, 2, 3, 4
	for _, j := range live {
		rj, ok := s.replicatedJob[j.Name]
		if !ok {
			continue
		}
		s.byName[j.Name] = j
		n := counts[rj]
		switch finished(j) {
		case batchv1.JobComplete:
			s.successful = append(s.successful, j)
			n[succeeded]++
		case batchv1.JobFailed:
			s.failed = append(s.failed, j)
			n[failed]++
		default:
			s.active = append(s.active, j)
			pods := ptr.Deref(j.Spec.Parallelism, 1)
			if j.Spec.Completions != nil && *j.Spec.Completions < pods {
				pods = *j.Spec.Completions
			}
			if j.Status.Succeeded+ptr.Deref(j.Status.Ready, 0) >= pods {
				n[ready]++
			}
			if j.Status.Active > 0 {
				n[active]++
			}
			if ptr.Deref(j.Spec.Suspend, false) {
				n[suspended]++
			}
		}
	}
	for _, rj := range children.ReplicatedJobs {
		n := counts[rj.Name]
		s.statuses = append(s.statuses, trainerv1alpha1.JobStatus{Name: rj.Name,
			Ready: ptr.To(n[ready]), Succeeded: ptr.To(n[succeeded]), Failed: ptr.To(n[failed]),
			Active: ptr.To(n[active]), Suspended: ptr.To(n[suspended])})
	}
	for i := range s.statuses {
		s.statusOf[s.statuses[i].Name] = &s.statuses[i]
	}
	return s
}

// finished is a Job's terminal condition type, or "".
func finished(j *batchv1.Job) batchv1.JobConditionType {
	for _, c := range j.Status.Conditions {
		if (c.Type == batchv1.JobComplete || c.Type == batchv1.JobFailed) && c.Status == corev1.ConditionTrue {
			return c.Type
		}
	}
	return ""
}

// dependenciesReached reports whether every replicated job rj depends on
// reached the status it asks for, as JobSet judges it: replicas counts
// only the replicated jobs before rj.
func (s *jobSets) dependenciesReached(rj build.ReplicatedJob, replicas map[string]int32) bool {
	for _, dep := range rj.DependsOn {
		st := s.statusOf[dep.Name]
		if st == nil {
			return false
		}
		switch dep.Status {
		case trainerv1alpha1.DependencyComplete:
			if replicas[dep.Name] != *st.Succeeded {
				return false
			}
		case trainerv1alpha1.DependencyReady:
			if replicas[dep.Name] != *st.Failed+*st.Ready+*st.Succeeded {
				return false
			}
		}
	}
	return true
}

// allStarted reports whether every Job of a replicated job is ready or
// finished (JobSet's InOrder startup).
func (s *jobSets) allStarted(name string) bool {
	st := s.statusOf[name]
	return st != nil && s.replicas[name] == *st.Failed+*st.Ready+*st.Succeeded
}

// terminal is the condition JobSet's policies give the Jobs, turned into
// the TrainJob's (Complete or Failed), or the restart its failure policy
// asks for, or neither while they run. towardsMax is how many restarts so
// far count towards the policy's maxRestarts.
func (s *jobSets) terminal(spec *trainerv1alpha1.JobSetSpec, towardsMax int32) (*metav1.Condition, *restart) {
	if len(s.failed) > 0 {
		return s.failure(spec.FailurePolicy, towardsMax)
	}
	if len(s.successful) > 0 && s.succeeded(spec.SuccessPolicy) {
		return &metav1.Condition{Type: trainerv1alpha1.TrainJobComplete, Status: metav1.ConditionTrue,
			Reason: reasonAllJobsCompleted, Message: messageAllJobsCompleted}, nil
	}
	return nil, nil
}

// succeeded applies the success policy (default: operator All over every
// replicated job, as JobSet's webhook defaults it).
func (s *jobSets) succeeded(policy *trainerv1alpha1.SuccessPolicy) bool {
	if policy == nil {
		policy = &trainerv1alpha1.SuccessPolicy{Operator: trainerv1alpha1.OperatorAll}
	}
	targeted := func(rj string) bool {
		return len(policy.TargetReplicatedJobs) == 0 || slices.Contains(policy.TargetReplicatedJobs, rj)
	}
	matching := 0
	for _, j := range s.successful {
		if targeted(s.replicatedJob[j.Name]) {
			matching++
		}
	}
	expected := 0
	switch policy.Operator {
	case trainerv1alpha1.OperatorAny:
		expected = 1
	case trainerv1alpha1.OperatorAll:
		for rj, n := range s.replicas {
			if targeted(rj) {
				expected += int(n)
			}
		}
	}
	return matching >= expected
}

// failure applies the failure policy to the failed Jobs, as JobSet v0.12:
// without a policy the whole fails; the first rule a failed Job matches
// decides, and when none does, RestartJobSet. FailJobSet fails the whole;
// RestartJobSet restarts it while fewer than maxRestarts restarts have
// counted, and fails it after; RestartJobSetAndIgnoreMaxRestarts restarts
// it without counting. The single-Job restarts, which JobSet runs only
// behind its RestartJob feature gate, fail it as restarts used up.
func (s *jobSets) failure(policy *trainerv1alpha1.FailurePolicy, towardsMax int32) (*metav1.Condition, *restart) {
	failed := func(reason, message string, job *batchv1.Job) (*metav1.Condition, *restart) {
		return &metav1.Condition{Type: trainerv1alpha1.TrainJobFailed, Status: metav1.ConditionTrue,
			Reason: reason, Message: withFirstFailed(message, job)}, nil
	}
	if policy == nil {
		return failed(reasonFailedJobs, messageFailedJobs, firstFailed(s.failed))
	}
	rule, job := s.firstMatchingRule(policy.Rules)
	action := trainerv1alpha1.RestartJobSet
	if rule == nil {
		job = firstFailed(s.failed)
	} else {
		action = rule.Action
	}
	switch action {
	case trainerv1alpha1.FailJobSet:
		return failed(reasonFailJobSetAction, messageFailJobSetAction, job)
	case trainerv1alpha1.RestartJobSetAndIgnoreMaxRestarts:
		return nil, &restart{reason: reasonRestartJobSetAndIgnoreMaxRestartsAction,
			message: withFirstFailed(messageRestartJobSetAndIgnoreMaxRestartsAction, job)}
	case trainerv1alpha1.RestartJobSet:
		if towardsMax < policy.MaxRestarts {
			return nil, &restart{countsTowardsMax: true, reason: reasonRestartJobSetAction,
				message: withFirstFailed(messageRestartJobSetAction, job)}
		}
	}
	return failed(reasonReachedMaxRestarts, messageReachedMaxRestarts, job)
}

// withFirstFailed is JobSet's message naming the Job that failed first.
func withFirstFailed(message string, job *batchv1.Job) string {
	return fmt.Sprintf("%s (first failed job: %s)", message, job.Name)
}

// firstMatchingRule is the first rule, in order, that a failed Job
// matches, with the earliest failed Job it matches.
func (s *jobSets) firstMatchingRule(rules []trainerv1alpha1.FailurePolicyRule) (*trainerv1alpha1.FailurePolicyRule, *batchv1.Job) {
	for i := range rules {
		rule := &rules[i]
		var match *batchv1.Job
		var matchTime metav1.Time
		for _, j := range s.failed {
			cond := failedCondition(j)
			if cond == nil || !s.ruleApplies(rule, j, cond) {
				continue
			}
			if match == nil || cond.LastTransitionTime.Before(&matchTime) {
				match, matchTime = j, cond.LastTransitionTime
			}
		}
		if match != nil {
			return rule, match
		}
	}
	return nil, nil
}

func (s *jobSets) ruleApplies(rule *trainerv1alpha1.FailurePolicyRule, j *batchv1.Job, cond *batchv1.JobCondition) bool {
	if len(rule.OnJobFailureReasons) > 0 && !slices.Contains(rule.OnJobFailureReasons, cond.Reason) {
		return false
	}
	if len(rule.OnJobFailureMessagePatterns) > 0 && !slices.ContainsFunc(rule.OnJobFailureMessagePatterns, func(p string) bool {
		// An invalid pattern matches nothing, as JobSet's.
		ok, err := regexp.MatchString(p, cond.Message)
		return err == nil && ok
	}) {
		return false
	}
	return len(rule.TargetReplicatedJobs) == 0 || slices.Contains(rule.TargetReplicatedJobs, s.replicatedJob[j.Name])
}

// failedCondition is a Job's true Failed condition, or nil.
func failedCondition(j *batchv1.Job) *batchv1.JobCondition {
	for i, c := range j.Status.Conditions {
		if c.Type == batchv1.JobFailed && c.Status == corev1.ConditionTrue {
			return &j.Status.Conditions[i]
		}
	}
	return nil
}

// firstFailed is the Job that failed first.
func firstFailed(jobs []*batchv1.Job) *batchv1.Job {
	var first *batchv1.Job
	var at metav1.Time
	for _, j := range jobs {
		cond := failedCondition(j)
		if cond == nil {
			continue
		}
		if first == nil || cond.LastTransitionTime.Before(&at) {
			first, at = j, cond.LastTransitionTime
		}
	}
	return first
}

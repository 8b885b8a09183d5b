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
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	"github.com/mlplane/mlplane/pkg/registry/internal/registrytest"
)

func TestStatus(t *testing.T) {
	at := func(minute int) metav1.Time {
		return metav1.NewTime(reconciled.Add(time.Duration(minute) * time.Minute))
	}
	cond := func(typ, status string, minute int, message string) kubeflow.ProfileCondition {
		return kubeflow.ProfileCondition{Type: typ, Status: status, LastTransitionTime: at(minute), Message: message}
	}
	now := metav1.Now()
	cases := []struct {
		name              string
		deleted           bool
		conditions        []kubeflow.ProfileCondition
		wantStatus, wantM string
	}{
		{name: "new profile is unknown", wantStatus: "Unknown"},
		{name: "successful profile", conditions: successfulStatus().Conditions,
			wantStatus: "Successful", wantM: "namespace, bindings and quota are in place"},
		{name: "failed profile", conditions: failedStatus().Conditions,
			wantStatus: "Failed", wantM: "namespace already exist, but not owned by profile creator alice@example.com"},
		{
			name:       "conditions that are not True do not count",
			conditions: []kubeflow.ProfileCondition{cond("Successful", "False", 1, ""), cond("Failed", "Unknown", 2, "")},
			wantStatus: "Unknown",
		},
		{
			name:       "the True condition that changed last wins",
			conditions: []kubeflow.ProfileCondition{cond("Failed", "True", 5, "quota refused"), cond("Successful", "True", 1, "ok")},
			wantStatus: "Failed", wantM: "quota refused",
		},
		{
			name:       "on a tie the later condition wins",
			conditions: []kubeflow.ProfileCondition{cond("Failed", "True", 1, "old"), cond("Successful", "True", 1, "ok")},
			wantStatus: "Successful", wantM: "ok",
		},
		{name: "deletion wins over everything", deleted: true, conditions: successfulStatus().Conditions, wantStatus: "Terminating"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := validProfile()
			p.Status.Conditions = tc.conditions
			if tc.deleted {
				p.DeletionTimestamp = &now
			}
			if status, message := Status(p); status != tc.wantStatus || message != tc.wantM {
				t.Errorf("Status = %q, %q; want %q, %q", status, message, tc.wantStatus, tc.wantM)
			}
		})
	}
}

func TestConvertToTable(t *testing.T) {
	wantColumns := []string{"Name", "Owner", "Status", "Age", "Message"}
	wantPriorities := []int32{0, 0, 0, 0, 1}
	s := mainStore(t, newTestStorage(t))

	t.Run("one profile", func(t *testing.T) {
		p := validProfile()
		p.CreationTimestamp = metav1.NewTime(time.Now().Add(-50 * time.Hour))
		p.Status = successfulStatus()
		table, err := s.ConvertToTable(clusterContext(), p, nil)
		if err != nil {
			t.Fatalf("ConvertToTable: %v", err)
		}
		registrytest.CheckColumns(t, table, wantColumns, wantPriorities)
		if table.ResourceVersion != "7" || len(table.Rows) != 1 {
			t.Fatalf("table has resourceVersion %q and %d rows, want 7 and 1", table.ResourceVersion, len(table.Rows))
		}
		want := []any{"alice", "alice@example.com", "Successful", "2d2h", "namespace, bindings and quota are in place"}
		if d := cmp.Diff(want, table.Rows[0].Cells); d != "" {
			t.Errorf("cells (-want +got):\n%s", d)
		}
		if table.Rows[0].Object.Object != p {
			t.Errorf("row object = %v, want the profile itself", table.Rows[0].Object.Object)
		}
	})

	t.Run("a list", func(t *testing.T) {
		ok := validProfile()
		ok.Status = successfulStatus()
		failed := validProfile()
		failed.Name = "bob"
		failed.Spec.Owner.Name = "bob@example.com"
		failed.Status = failedStatus()
		fresh := validProfile()
		fresh.Name = "carol"
		fresh.Spec.Owner.Name = "carol@example.com"
		list := &kubeflow.ProfileList{
			ListMeta: metav1.ListMeta{ResourceVersion: "42", Continue: "next", RemainingItemCount: ptr.To[int64](3)},
			Items:    []kubeflow.Profile{*ok, *failed, *fresh},
		}
		table, err := s.ConvertToTable(clusterContext(), list, nil)
		if err != nil {
			t.Fatalf("ConvertToTable: %v", err)
		}
		registrytest.CheckColumns(t, table, wantColumns, wantPriorities)
		if table.ResourceVersion != "42" || table.Continue != "next" || ptr.Deref(table.RemainingItemCount, 0) != 3 {
			t.Errorf("table list meta = %+v, want resourceVersion 42, continue next, remainingItemCount 3", table.ListMeta)
		}
		var got [][]any
		for _, r := range table.Rows {
			// Age depends on the clock.
			got = append(got, []any{r.Cells[0], r.Cells[1], r.Cells[2], r.Cells[4]})
		}
		want := [][]any{
			{"alice", "alice@example.com", "Successful", "namespace, bindings and quota are in place"},
			{"bob", "bob@example.com", "Failed", "namespace already exist, but not owned by profile creator alice@example.com"},
			{"carol", "carol@example.com", "Unknown", ""},
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("rows (-want +got):\n%s", d)
		}
	})
}

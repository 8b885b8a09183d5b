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

package notebook

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	"github.com/mlplane/mlplane/pkg/registry/internal/registrytest"
)

func TestPhase(t *testing.T) {
	stopped := map[string]string{"kubeflow-resource-stopped": "2026-01-02T03:04:05Z"}
	now := metav1.Now()
	cases := []struct {
		name        string
		deleted     bool
		annotations map[string]string
		status      kubeflow.NotebookStatus
		want        string
	}{
		{name: "new notebook is waiting", want: "Waiting"},
		{name: "ready pod is running", status: runningStatus(), want: "Running"},
		{name: "waiting container shows its reason", status: waitingStatus(), want: "Waiting:ContainerCreating"},
		{
			name:   "waiting container without reason is plain waiting",
			status: kubeflow.NotebookStatus{ContainerState: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{}}},
			want:   "Waiting",
		},
		{
			name: "container that exited with an error",
			status: kubeflow.NotebookStatus{ContainerState: corev1.ContainerState{
				Terminated: &corev1.ContainerStateTerminated{ExitCode: 137, Reason: "OOMKilled"}}},
			want: "Error",
		},
		{
			name: "container that exited cleanly is waiting for its restart",
			status: kubeflow.NotebookStatus{ContainerState: corev1.ContainerState{
				Terminated: &corev1.ContainerStateTerminated{ExitCode: 0, Reason: "Completed"}}},
			want: "Waiting",
		},
		{name: "stop annotation wins over a ready pod", annotations: stopped, status: runningStatus(), want: "Stopped"},
		{name: "stopped notebook", annotations: stopped, want: "Stopped"},
		{name: "deletion wins over everything", deleted: true, annotations: stopped, status: runningStatus(), want: "Terminating"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			nb := validNotebook()
			nb.Annotations = tc.annotations
			nb.Status = tc.status
			if tc.deleted {
				nb.DeletionTimestamp = &now
			}
			if got := Phase(nb); got != tc.want {
				t.Errorf("Phase = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestConvertToTable(t *testing.T) {
	wantColumns := []string{"Name", "Ready", "Status", "Age", "Image"}
	wantPriorities := []int32{0, 0, 0, 0, 1}
	s := mainStore(t, newTestStorage(t))

	t.Run("one notebook", func(t *testing.T) {
		nb := validNotebook()
		nb.CreationTimestamp = metav1.NewTime(time.Now().Add(-50 * time.Hour))
		nb.Status = runningStatus()
		table, err := s.ConvertToTable(namespacedContext(), nb, nil)
		if err != nil {
			t.Fatalf("ConvertToTable: %v", err)
		}
		registrytest.CheckColumns(t, table, wantColumns, wantPriorities)
		if table.ResourceVersion != "7" || len(table.Rows) != 1 {
			t.Fatalf("table has resourceVersion %q and %d rows, want 7 and 1", table.ResourceVersion, len(table.Rows))
		}
		if d := cmp.Diff([]any{"lab", "1/1", "Running", "2d2h", testImage}, table.Rows[0].Cells); d != "" {
			t.Errorf("cells (-want +got):\n%s", d)
		}
		if table.Rows[0].Object.Object != nb {
			t.Errorf("row object = %v, want the notebook itself", table.Rows[0].Object.Object)
		}
	})

	t.Run("a list", func(t *testing.T) {
		running := validNotebook()
		running.Status = runningStatus()
		stopped := validNotebook()
		stopped.Name = "stopped"
		stopped.Annotations = map[string]string{"kubeflow-resource-stopped": "2026-01-02T03:04:05Z"}
		empty := validNotebook()
		empty.Name = "empty"
		empty.Spec.Template.Spec.Containers = nil
		list := &kubeflow.NotebookList{
			ListMeta: metav1.ListMeta{ResourceVersion: "42", Continue: "next", RemainingItemCount: ptr.To[int64](3)},
			Items:    []kubeflow.Notebook{*running, *stopped, *empty},
		}
		table, err := s.ConvertToTable(namespacedContext(), list, nil)
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
			{"lab", "1/1", "Running", testImage},
			// A stopped notebook wants no pod.
			{"stopped", "0/0", "Stopped", testImage},
			{"empty", "0/1", "Waiting", ""},
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("rows (-want +got):\n%s", d)
		}
	})
}

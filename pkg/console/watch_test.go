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

package console

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
)

func TestWriteEvent(t *testing.T) {
	rec := httptest.NewRecorder()
	if err := writeEvent(rec, event{"delete", map[string]string{"resource": "notebooks", "name": "nb"}}); err != nil {
		t.Fatal(err)
	}
	want := "event: delete\ndata: {\"name\":\"nb\",\"resource\":\"notebooks\"}\n\n"
	if got := rec.Body.String(); got != want {
		t.Errorf("writeEvent wrote %q, want %q", got, want)
	}
	if err := writeEvent(rec, event{"upsert", func() {}}); err == nil {
		t.Errorf("writeEvent of something that is not JSON succeeded")
	}
}

func TestForwardTurnsWatchEventsIntoRows(t *testing.T) {
	h := newTestHandler(t)
	k := kindByResource("notebooks")
	nb := objectFromYAML(t, notebookYAML("", "  readyReplicas: 1\n"))
	broken := objectFromYAML(t, "apiVersion: kubeflow.org/v1\nkind: Notebook\nmetadata: {name: broken}\nspec: {template: {spec: {containers: oops}}}\n")
	gone := objectFromYAML(t, "apiVersion: kubeflow.org/v1\nkind: Notebook\nmetadata: {name: gone}\n")

	fw := watch.NewFakeWithChanSize(10, false)
	fw.Add(nb)
	fw.Action(watch.Bookmark, nb)
	fw.Modify(broken) // skipped: it cannot be summarized
	fw.Delete(gone)
	fw.Error(&metav1.Status{Reason: metav1.StatusReasonExpired})

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := make(chan event)
	ended := make(chan struct{})
	go func() {
		h.forward(ctx, k, fw, out, cancel)
		close(ended)
	}()

	wantRow, err := h.makeRow(k, nb)
	if err != nil {
		t.Fatal(err)
	}
	want := []event{
		{"upsert", wantRow},
		{"delete", map[string]string{"resource": "notebooks", "name": "gone"}},
	}
	var got []event
	timeout := time.After(10 * time.Second)
	for len(got) < len(want) {
		select {
		case ev := <-out:
			got = append(got, ev)
		case <-timeout:
			t.Fatalf("got %d events, want %d", len(got), len(want))
		}
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(event{})); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	// The watch's error ends the stream: forward returns and cancels.
	select {
	case <-ended:
	case <-timeout:
		t.Fatal("forward did not end on the watch's error")
	}
	if ctx.Err() == nil {
		t.Errorf("forward ended without ending the stream")
	}
}

func TestForwardEndsWhenTheWatchCloses(t *testing.T) {
	h := newTestHandler(t)
	fw := watch.NewFake()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ended := make(chan struct{})
	go func() {
		h.forward(ctx, kindByResource("tfjobs"), fw, make(chan event), cancel)
		close(ended)
	}()
	fw.Stop()
	select {
	case <-ended:
	case <-time.After(10 * time.Second):
		t.Fatal("forward did not end when the watch closed")
	}
	if ctx.Err() == nil {
		t.Errorf("the stream goes on after its watch closed")
	}
}

func TestWatchRefusesAnUnknownSection(t *testing.T) {
	h := newTestHandler(t)
	rec := serve(h, withUser(httptest.NewRequest(http.MethodGet, WatchPath+"api/namespaces/ns/secrets", nil), "alice"))
	var got apiError
	decodeAnswer(t, rec, &got)
	if rec.Code != http.StatusNotFound || got.Reason != "NotFound" {
		t.Errorf("watch of section secrets = %d %+v, want 404", rec.Code, got)
	}
}

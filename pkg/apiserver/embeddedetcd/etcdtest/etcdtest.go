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

// Package etcdtest starts an embedded etcd for one test.
package etcdtest

import (
	"context"
	"testing"

	"go.uber.org/zap"

	"github.com/mlplane/mlplane/pkg/apiserver/embeddedetcd"
)

// Run starts an embedded etcd in a temporary directory for the length
// of one test and returns its client URL.
func Run(t testing.TB) string {
	t.Helper()
	s, err := embeddedetcd.Start(context.Background(), embeddedetcd.Options{
		Dir: t.TempDir(), UnsafeNoFsync: true,
		// etcd logs errors while shutting down; tests only care whether it works.
		Logger: zap.NewNop(),
	})
	if err != nil {
		t.Fatalf("starting embedded etcd: %v", err)
	}
	t.Cleanup(s.Close)
	return s.ClientURL
}

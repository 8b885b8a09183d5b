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

package apiserver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strings"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	grpccodes "google.golang.org/grpc/codes"
	grpcstatus "google.golang.org/grpc/status"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/registry/generic"
	"k8s.io/apiserver/pkg/storage"
	"k8s.io/apiserver/pkg/storage/storagebackend"
	"k8s.io/apiserver/pkg/storage/storagebackend/factory"
	"k8s.io/client-go/tools/cache"
)

// withTooLargeAsEntityTooLarge makes every store built from getter answer
// 413 RequestEntityTooLarge, naming the object, when etcd cannot take a
// write because of its size: the request is under the body limit (3 MiB)
// but over etcd's --max-request-bytes (1.5 MiB by default) or the etcd
// client's 2 MiB message limit. k8s.io/apiserver passes etcd's error on
// unchanged, which clients get as a 500.
//
// The limit is etcd's configuration, so etcd's own answer is the check; a
// size limit of mlplane's could only guess it.
func withTooLargeAsEntityTooLarge(getter generic.RESTOptionsGetter) generic.RESTOptionsGetter {
	return tooLargeOptionsGetter{getter}
}

type tooLargeOptionsGetter struct {
	generic.RESTOptionsGetter
}

func (g tooLargeOptionsGetter) GetRESTOptions(resource schema.GroupResource, example runtime.Object) (generic.RESTOptions, error) {
	opts, err := g.RESTOptionsGetter.GetRESTOptions(resource, example)
	if err != nil {
		return opts, err
	}
	decorate := opts.Decorator
	opts.Decorator = func(config *storagebackend.ConfigForResource, resourcePrefix string,
		keyFunc func(obj runtime.Object) (string, error), newFunc, newListFunc func() runtime.Object,
		getAttrs storage.AttrFunc, triggers storage.IndexerFuncs, indexers *cache.Indexers,
	) (storage.Interface, factory.DestroyFunc, error) {
		s, destroy, err := decorate(config, resourcePrefix, keyFunc, newFunc, newListFunc, getAttrs, triggers, indexers)
		if err != nil {
			return nil, nil, err
		}
		return tooLargeStorage{Interface: s, resource: resource}, destroy, nil
	}
	return opts, nil
}

// tooLargeStorage turns etcd's refusals of too large writes into
// tooLargeErrors.
type tooLargeStorage struct {
	storage.Interface
	resource schema.GroupResource
}

var _ storage.Interface = tooLargeStorage{}

func (s tooLargeStorage) Create(ctx context.Context, key string, obj, out runtime.Object, ttl uint64) error {
	return s.interpret(key, s.Interface.Create(ctx, key, obj, out, ttl))
}

func (s tooLargeStorage) GuaranteedUpdate(ctx context.Context, key string, destination runtime.Object, ignoreNotFound bool,
	preconditions *storage.Preconditions, tryUpdate storage.UpdateFunc, cachedExistingObject runtime.Object) error {
	err := s.Interface.GuaranteedUpdate(ctx, key, destination, ignoreNotFound, preconditions, tryUpdate, cachedExistingObject)
	return s.interpret(key, err)
}

func (s tooLargeStorage) interpret(key string, err error) error {
	if !isEtcdTooLarge(err) {
		return err
	}
	return &tooLargeError{etcdErr: err, status: metav1.Status{
		Status: metav1.StatusFailure,
		Code:   http.StatusRequestEntityTooLarge,
		Reason: metav1.StatusReasonRequestEntityTooLarge,
		// The key ends with the object's name, for every scope.
		Details: &metav1.StatusDetails{Group: s.resource.Group, Kind: s.resource.Resource, Name: path.Base(key)},
		Message: fmt.Sprintf("%s %q is too large to store: etcd cannot take it (%s); "+
			"an object must stay under etcd's --max-request-bytes, 1.5 MiB by default",
			s.resource, path.Base(key), etcdMessage(err)),
	}}
}

// isEtcdTooLarge reports whether etcd refused a request because of its
// size: etcd's own "request is too large", or the gRPC message limit of
// either end.
func isEtcdTooLarge(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, rpctypes.ErrRequestTooLarge) {
		return true
	}
	s, ok := grpcstatus.FromError(err)
	return ok && s.Code() == grpccodes.ResourceExhausted && strings.Contains(s.Message(), "message larger than max")
}

func etcdMessage(err error) string {
	if s, ok := grpcstatus.FromError(err); ok && s.Code() != grpccodes.Unknown {
		return s.Message()
	}
	return err.Error()
}

// tooLargeError is a 413 for the client that is still etcd's error for
// k8s.io/apiserver's handlers: they retry a create, update or patch once
// without managedFields when etcd's error says the object was too large
// (isTooLargeError in k8s.io/apiserver/pkg/endpoints/handlers), so Error,
// Code and GRPCStatus are etcd's. The response is written from Status.
type tooLargeError struct {
	etcdErr error
	status  metav1.Status
}

func (e *tooLargeError) Error() string { return e.etcdErr.Error() }

// Status is the API status the client gets (apierrors.APIStatus).
func (e *tooLargeError) Status() metav1.Status { return e.status }

// Code is etcd's error code, for etcd's "request is too large".
func (e *tooLargeError) Code() grpccodes.Code {
	var etcdErr rpctypes.EtcdError
	if errors.As(e.etcdErr, &etcdErr) {
		return etcdErr.Code()
	}
	return grpcstatus.Code(e.etcdErr)
}

// GRPCStatus is the gRPC status of the client's message limit.
func (e *tooLargeError) GRPCStatus() *grpcstatus.Status { return grpcstatus.Convert(e.etcdErr) }

func (e *tooLargeError) Unwrap() error { return e.etcdErr }

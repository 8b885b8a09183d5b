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
	"net"
	"net/http"
	"time"

	apidiscoveryv2 "k8s.io/api/apidiscovery/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	genericapiserver "k8s.io/apiserver/pkg/server"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"

	"github.com/mlplane/mlplane/pkg/console"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
	"github.com/mlplane/mlplane/pkg/generated/informers/externalversions"
)

// ConsoleConfig turns the web console on.
type ConsoleConfig struct {
	// Kube is the client configuration of kube-apiserver (--kubeconfig or
	// in-cluster); the console is off without it.
	Kube     *rest.Config
	Settings console.Settings
	// CSRFKey is shared by every replica; random when empty.
	CSRFKey []byte
	// TrustedHeader and TrustedHeaderAddress open the console's second
	// front door for an authenticating proxy; off when the address is empty.
	TrustedHeader        console.TrustedHeader
	TrustedHeaderAddress string
}

// installConsole serves the console under console.mlplane.io/v1 on the
// secure port, where kube-apiserver's aggregation layer delivers the
// authenticated user, and lists the group in discovery.
func (c completedConfig) installConsole(s *Server) error {
	cc := c.ExtraConfig.Console
	if cc == nil {
		return nil
	}
	kube := cc.Kube
	if kube == nil {
		klog.InfoS("The web console is off: it needs a kube-apiserver client (--kubeconfig or in-cluster)")
		return nil
	}
	loopback := c.GenericConfig.LoopbackClientConfig
	if loopback == nil {
		return errors.New("the web console reads Profiles through the loopback client, which needs a --secure-port")
	}
	client, err := versioned.NewForConfig(rest.CopyConfig(loopback))
	if err != nil {
		return fmt.Errorf("building the console's Profile client: %w", err)
	}
	factory := externalversions.NewSharedInformerFactory(client, 0)
	profiles := factory.Kubeflow().V1().Profiles()
	lister := profiles.Lister()
	h, err := console.New(console.Config{Kube: kube, Profiles: lister, Settings: cc.Settings, CSRFKey: cc.CSRFKey})
	if err != nil {
		return err
	}
	gs := s.GenericAPIServer
	err = gs.AddPostStartHook("start-mlplane-console-informers", func(ctx genericapiserver.PostStartHookContext) error {
		factory.Start(ctx.Done())
		return nil
	})
	if err != nil {
		return fmt.Errorf("adding the console's informer hook: %w", err)
	}
	gs.Handler.NonGoRestfulMux.Handle(console.GroupVersionPath, h)
	gs.Handler.NonGoRestfulMux.HandlePrefix(console.GroupVersionPath+"/", h)
	gs.DiscoveryGroupManager.AddGroup(metav1.APIGroup{
		Name:             console.GroupName,
		Versions:         []metav1.GroupVersionForDiscovery{{GroupVersion: console.GroupName + "/" + console.Version, Version: console.Version}},
		PreferredVersion: metav1.GroupVersionForDiscovery{GroupVersion: console.GroupName + "/" + console.Version, Version: console.Version},
	})
	gs.AggregatedDiscoveryGroupManager.AddGroupVersion(console.GroupName, apidiscoveryv2.APIVersionDiscovery{
		Version: console.Version, Freshness: apidiscoveryv2.DiscoveryFreshnessCurrent, Resources: []apidiscoveryv2.APIResourceDiscovery{},
	})
	if cc.TrustedHeaderAddress == "" {
		return nil
	}
	authz := c.GenericConfig.Authorization.Authorizer
	if authz == nil {
		return errors.New("the console's trusted-header address needs an authorizer")
	}
	srv := &http.Server{
		Addr:              cc.TrustedHeaderAddress,
		Handler:           h.TrustedHeaderHandler(cc.TrustedHeader, authz),
		ReadHeaderTimeout: 10 * time.Second,
	}
	return gs.AddPostStartHook("start-mlplane-console-trusted-header", func(ctx genericapiserver.PostStartHookContext) error {
		l, err := net.Listen("tcp", cc.TrustedHeaderAddress)
		if err != nil {
			return fmt.Errorf("console trusted-header address: %w", err)
		}
		klog.InfoS("Serving the console to an authenticating proxy", "address", l.Addr().String(), "header", cc.TrustedHeader.UserHeader)
		go func() {
			<-ctx.Done()
			shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			_ = srv.Shutdown(shutdown)
		}()
		go func() {
			if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
				klog.ErrorS(err, "Console trusted-header server stopped")
			}
		}()
		return nil
	})
}

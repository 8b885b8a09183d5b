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
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/client-go/rest"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

const (
	// GroupName is the console's API group; it serves no objects, only
	// the page and its JSON API under the resource "ui".
	GroupName = "console.mlplane.io"
	// Version is the console group's only version.
	Version = "v1"
	// Resource and ResourceName are what RBAC sees of every console
	// request: the object ui/console, its subresources static (the assets)
	// and api (the JSON API), with the verbs get, create (POST) and watch
	// (the live streams).
	Resource     = "ui"
	ResourceName = "console"

	// GroupVersionPath is where the APIService routes the console.
	GroupVersionPath = "/apis/" + GroupName + "/" + Version
	// PagePath is the page; the JSON API and the assets are below it.
	PagePath = GroupVersionPath + "/" + Resource + "/" + ResourceName + "/"
	// WatchPath is the page's live streams. The "watch" segment makes
	// kube-apiserver and mlplane-apiserver treat them as watches: long
	// running, no request timeout.
	WatchPath = GroupVersionPath + "/watch/" + Resource + "/" + ResourceName + "/"
)

// ProfileLister lists Profiles with the console's own rights; it is the
// only read the console makes without impersonating the user.
type ProfileLister interface {
	List(selector labels.Selector) ([]*kubeflowv1.Profile, error)
}

// Config is what the console needs.
type Config struct {
	// Kube is the client configuration of kube-apiserver. Every call is
	// made with a copy that impersonates the signed-in user.
	Kube *rest.Config
	// Profiles lists the Profiles shown in the namespace picker.
	Profiles ProfileLister
	// Settings are the operator's choices (images, GPU vendors, links).
	Settings Settings
	// CSRFKey signs the CSRF tokens; every replica of mlplane-apiserver
	// must share it. Empty picks a random key.
	CSRFKey []byte
}

// Handler serves the console. The user must already be in the request's
// context (request.WithUser): the aggregation layer puts it there, and the
// trusted-header front door (TrustedHeader) does for proxies.
type Handler struct {
	kube     *rest.Config
	profiles ProfileLister
	settings Settings
	csrf     csrfSigner
	mux      *http.ServeMux
}

// New builds the console's handler.
func New(cfg Config) (*Handler, error) {
	if cfg.Kube == nil {
		return nil, errors.New("console: no kube-apiserver client configuration")
	}
	if cfg.Profiles == nil {
		return nil, errors.New("console: no Profile lister")
	}
	settings := cfg.Settings.withDefaults()
	if err := settings.Validate(); err != nil {
		return nil, err
	}
	key := cfg.CSRFKey
	if len(key) == 0 {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("console: generating the CSRF key: %w", err)
		}
	}
	h := &Handler{
		kube:     rest.CopyConfig(cfg.Kube),
		profiles: cfg.Profiles,
		settings: settings,
		csrf:     csrfSigner{key: key},
	}
	h.mux = h.routes()
	return h, nil
}

// ServeHTTP serves every path under GroupVersionPath.
func (h *Handler) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	setSecurityHeaders(w)
	u, ok := request.UserFrom(req.Context())
	if !ok || u.GetName() == "" {
		writeError(w, http.StatusUnauthorized, "Unauthorized", "the console needs an authenticated user", nil)
		return
	}
	switch {
	case req.URL.Path == GroupVersionPath || req.URL.Path == GroupVersionPath+"/":
		serveDiscovery(w, req)
	case req.URL.Path == strings.TrimSuffix(PagePath, "/"):
		// A relative Location keeps any prefix a front end added.
		w.Header().Set("Location", ResourceName+"/")
		w.WriteHeader(http.StatusMovedPermanently)
	case strings.HasPrefix(req.URL.Path, WatchPath), strings.HasPrefix(req.URL.Path, PagePath):
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			if err := h.csrf.check(req, u); err != nil {
				writeError(w, http.StatusForbidden, "Forbidden", err.Error(), nil)
				return
			}
		}
		h.mux.ServeHTTP(w, req)
	default:
		writeError(w, http.StatusNotFound, "NotFound", "no such page", nil)
	}
}

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
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// web is the page and its assets, built into the binary: nothing is
// loaded from anywhere else.
//
//go:embed web
var web embed.FS

// serveIndex serves the page with its script and style sheet named by
// their content's hash (?v=), so that a browser keeps them across loads and
// a new version is fetched as soon as there is one. The page itself is
// never cached.
func serveIndex(w http.ResponseWriter, _ *http.Request) {
	page, err := fs.ReadFile(web, "web/index.html")
	if err != nil {
		writeErr(w, err)
		return
	}
	text := string(page)
	for _, asset := range []string{BundlePath, "static/style.css"} {
		data, err := staticAsset(asset)
		if err != nil {
			writeErr(w, err)
			return
		}
		text = strings.ReplaceAll(text, `"`+asset+`"`, `"`+asset+"?v="+version(data)+`"`)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, text)
}

// staticAsset is a file below static/: the bundle, or an embedded file.
func staticAsset(name string) ([]byte, error) {
	if name == BundlePath {
		return appBundle()
	}
	return fs.ReadFile(web, path.Join("web", name))
}

func version(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8])
}

func serveStatic(w http.ResponseWriter, req *http.Request) {
	name := path.Join("static", path.Clean("/"+req.PathValue("file")))
	data, err := staticAsset(name)
	if err != nil {
		if name == BundlePath {
			writeErr(w, err)
		} else {
			writeError(w, http.StatusNotFound, "NotFound", "no such file", nil)
		}
		return
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	// Named by its hash, the content at this URL never changes.
	if req.URL.Query().Get("v") == version(data) {
		w.Header().Set("Cache-Control", "private, max-age=31536000, immutable")
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}

// serveDiscovery answers kube-apiserver's discovery of the group version.
// It lists no resource: "ui" is not an object kubectl could get.
func serveDiscovery(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, &metav1.APIResourceList{
		TypeMeta:     metav1.TypeMeta{Kind: "APIResourceList", APIVersion: "v1"},
		GroupVersion: GroupName + "/" + Version,
		APIResources: []metav1.APIResource{},
	})
}

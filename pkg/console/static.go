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
	"embed"
	"io/fs"
	"mime"
	"net/http"
	"path"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// web is the page and its assets, built into the binary: nothing is
// loaded from anywhere else.
//
//go:embed web
var web embed.FS

func serveIndex(w http.ResponseWriter, req *http.Request) {
	serveFile(w, req, "web/index.html")
}

func serveStatic(w http.ResponseWriter, req *http.Request) {
	serveFile(w, req, path.Join("web/static", path.Clean("/"+req.PathValue("file"))))
}

func serveFile(w http.ResponseWriter, _ *http.Request, name string) {
	data, err := fs.ReadFile(web, name)
	if err != nil {
		writeError(w, http.StatusNotFound, "NotFound", "no such file", nil)
		return
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
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

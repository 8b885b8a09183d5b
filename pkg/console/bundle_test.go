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
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func TestTheBundleHoldsEveryModule(t *testing.T) {
	js, err := appBundle()
	if err != nil {
		t.Fatal(err)
	}
	text := string(js)
	// A string of each module survives minification.
	for module, literal := range map[string]string{
		"app.js":          "mlplane:snapshot-rendered",
		"api.js":          "X-CSRF-Token",
		"lists.js":        "notebooks-table",
		"forms.js":        "yaml-text",
		"detail.js":       "detail-log",
		"contributors.js": "contrib-add",
		"state.js":        "../../watch/ui/console/",
	} {
		if !strings.Contains(text, literal) {
			t.Errorf("the bundle lacks %s (%q)", module, literal)
		}
	}
	if strings.Contains(text, "import ") || strings.Contains(text, "import(") {
		t.Errorf("the bundle still imports something: every module must be in it")
	}
	for _, sink := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"} {
		if strings.Contains(text, sink) {
			t.Errorf("the bundle uses %s", sink)
		}
	}
}

func TestTheBundleIsServed(t *testing.T) {
	h := newTestHandler(t)
	rec := serve(h, withUser(httptest.NewRequest(http.MethodGet, PagePath+BundlePath, nil), "alice"))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s = %d", BundlePath, rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
		t.Errorf("Content-Type %q, want text/javascript", ct)
	}
	if rec.Header().Get("Content-Security-Policy") != ContentSecurityPolicy {
		t.Errorf("the bundle is served without the page's CSP")
	}
	if want, _ := appBundle(); rec.Body.String() != string(want) {
		t.Errorf("served %d bytes, not the bundle's %d", rec.Body.Len(), len(want))
	}
}

func TestTheBundleRefusesModulesFromElsewhere(t *testing.T) {
	for name, source := range map[string]string{
		"another origin": "import { x } from 'https://cdn.example/x.js'; x();",
		"a package":      "import x from 'lodash'; x();",
		"a missing file": "import { x } from './missing.js'; x();",
	} {
		fsys := fstest.MapFS{"web/static/app.js": {Data: []byte(source)}}
		if _, err := buildBundle(fsys, "web/static/app.js"); err == nil {
			t.Errorf("%s: bundled, want an error", name)
		}
	}
	fsys := fstest.MapFS{
		"web/static/app.js": {Data: []byte("import { x } from './x.js'; console.log(x);")},
		"web/static/x.js":   {Data: []byte("export const x = 'from x';")},
	}
	js, err := buildBundle(fsys, "web/static/app.js")
	if err != nil || !strings.Contains(string(js), "from x") {
		t.Errorf("a relative import: %v, %q", err, js)
	}
}

func TestAssetsAreNamedByTheirHashAndKept(t *testing.T) {
	h := newTestHandler(t)
	page := serve(h, withUser(httptest.NewRequest(http.MethodGet, PagePath, nil), "alice"))
	if cc := page.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("the page's Cache-Control is %q, want no-store", cc)
	}
	for _, asset := range []string{BundlePath, "static/style.css"} {
		data, err := staticAsset(asset)
		if err != nil {
			t.Fatal(err)
		}
		versioned := asset + "?v=" + version(data)
		if !strings.Contains(page.Body.String(), `"`+versioned+`"`) {
			t.Errorf("the page does not name %s", versioned)
		}
		kept := serve(h, withUser(httptest.NewRequest(http.MethodGet, PagePath+versioned, nil), "alice"))
		if cc := kept.Header().Get("Cache-Control"); kept.Code != http.StatusOK || !strings.Contains(cc, "immutable") {
			t.Errorf("GET %s: %d, Cache-Control %q, want 200 and immutable", versioned, kept.Code, cc)
		}
		stale := serve(h, withUser(httptest.NewRequest(http.MethodGet, PagePath+asset+"?v=0000", nil), "alice"))
		if cc := stale.Header().Get("Cache-Control"); cc != "no-store" {
			t.Errorf("GET %s with another version: Cache-Control %q, want no-store", asset, cc)
		}
	}
}

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
	"bytes"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// The page must work under ContentSecurityPolicy: no inline script or
// style, nothing from another origin, no HTML parsed from strings.

func TestIndexObeysTheContentSecurityPolicy(t *testing.T) {
	data, err := fs.ReadFile(web, "web/index.html")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("parsing index.html: %v", err)
	}
	scripts, sheets := 0, 0
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			attrs := map[string]string{}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				attrs[key] = a.Val
				if key == "style" {
					t.Errorf("<%s> has an inline style %q", n.Data, a.Val)
				}
				if strings.HasPrefix(key, "on") {
					t.Errorf("<%s> has an inline handler %s=%q", n.Data, a.Key, a.Val)
				}
			}
			switch n.Data {
			case "style":
				t.Errorf("the page has an inline <style>")
			case "script":
				scripts++
				if attrs["src"] == "" {
					t.Errorf("a <script> has no src")
				}
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if strings.TrimSpace(c.Data) != "" {
						t.Errorf("<script src=%q> has inline text %q", attrs["src"], c.Data)
					}
				}
				checkAssetURL(t, "script src", attrs["src"])
			case "link":
				if attrs["rel"] == "stylesheet" {
					sheets++
				}
				checkAssetURL(t, "link href", attrs["href"])
			case "a", "img", "iframe", "form", "base", "object", "embed":
				for _, key := range []string{"href", "src", "action", "data"} {
					if v, ok := attrs[key]; ok && !strings.HasPrefix(v, "#") {
						checkAssetURL(t, "<"+n.Data+"> "+key, v)
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if scripts == 0 || sheets == 0 {
		t.Errorf("index.html has %d scripts and %d style sheets; want the page's app.js and style.css", scripts, sheets)
	}
}

// checkAssetURL: a URL of the page is relative to the page (it works
// behind any prefix) and names an embedded file, or is an inline data:
// URL (the empty icon, which img-src allows).
func checkAssetURL(t *testing.T, what, raw string) {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Errorf("%s %q: %v", what, raw, err)
		return
	}
	if u.Scheme == "data" {
		return
	}
	if u.Scheme != "" || u.Host != "" || strings.HasPrefix(raw, "//") || strings.HasPrefix(raw, "/") ||
		strings.HasPrefix(strings.ToLower(raw), "http") {
		t.Errorf("%s %q is not relative to the page", what, raw)
		return
	}
	if u.Path == BundlePath {
		return // built from the embedded modules (bundle_test.go)
	}
	if _, err := fs.Stat(web, path.Join("web", u.Path)); err != nil {
		t.Errorf("%s %q is not an embedded file: %v", what, raw, err)
	}
}

var (
	// importSpecifier matches the module of static and dynamic imports
	// and of re-exports.
	importSpecifier = regexp.MustCompile(`(?m)(?:^\s*import\s*(?:[^'";]*?\sfrom\s*)?|^\s*export\s[^'";]*?\sfrom\s*|\bimport\s*\(\s*)['"]([^'"]*)['"]`)
	// inlineStyleAttribute is a style attribute set from script, which
	// style-src 'self' refuses (element.style is fine).
	inlineStyleAttribute = regexp.MustCompile(`(?i)setAttribute\(\s*['"](style|on[a-z]+)['"]|[{,]\s*['"]?style['"]?\s*:`)
)

func TestScriptsAndStylesObeyTheContentSecurityPolicy(t *testing.T) {
	var scripts, sheets, imports int
	err := fs.WalkDir(web, "web/static", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(web, name)
		if err != nil {
			return err
		}
		text := string(data)
		switch path.Ext(name) {
		case ".js":
			scripts++
			for _, sink := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "javascript:", "srcdoc"} {
				if strings.Contains(text, sink) {
					t.Errorf("%s uses %s", name, sink)
				}
			}
			if m := inlineStyleAttribute.FindString(text); m != "" {
				t.Errorf("%s sets an inline style or handler attribute: %q", name, m)
			}
			for _, m := range importSpecifier.FindAllStringSubmatch(text, -1) {
				imports++
				spec := m[1]
				if !strings.HasPrefix(spec, "./") {
					t.Errorf("%s imports %q, not a file next to it", name, spec)
					continue
				}
				if _, err := fs.Stat(web, path.Join(path.Dir(name), spec)); err != nil {
					t.Errorf("%s imports %q, which is not embedded", name, spec)
				}
			}
		case ".css":
			sheets++
			lower := strings.ToLower(strings.Join(strings.Fields(text), ""))
			for _, remote := range []string{"@import", "url(http", "url('http", `url("http`, "url(//", "url('//", `url("//`} {
				if strings.Contains(lower, remote) {
					t.Errorf("%s loads something from elsewhere: %s", name, remote)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walking web/static: %v", err)
	}
	if scripts == 0 || sheets == 0 || imports == 0 {
		t.Errorf("found %d scripts, %d style sheets and %d imports; the walk missed the assets", scripts, sheets, imports)
	}
}

func TestStaticCheckPatternsFindWhatTheyLookFor(t *testing.T) {
	text := "import { a } from './a.js';\nimport './b.js';\nexport { c } from \"./c.js\";\nconst d = await import('https://cdn.example/d.js');\nimport * as e from 'e';\n"
	var got []string
	for _, m := range importSpecifier.FindAllStringSubmatch(text, -1) {
		got = append(got, m[1])
	}
	want := "./a.js ./b.js ./c.js https://cdn.example/d.js e"
	if strings.Join(got, " ") != want {
		t.Errorf("specifiers = %q, want %q", got, want)
	}
	for _, tc := range []struct {
		code string
		want bool
	}{
		{`h('div', { style: 'color: red' })`, true},
		{`h('div', {class: 'x', "style": s})`, true},
		{`el.setAttribute('style', s)`, true},
		{`el.setAttribute("onclick", s)`, true},
		{`el.style.display = 'none'`, false},
		{`h('div', { class: 'stylish' })`, false},
		{`el.setAttribute('aria-invalid', 'true')`, false},
	} {
		if got := inlineStyleAttribute.MatchString(tc.code); got != tc.want {
			t.Errorf("inlineStyleAttribute matches %q: %v, want %v", tc.code, got, tc.want)
		}
	}
}

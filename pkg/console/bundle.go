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
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/evanw/esbuild/pkg/api"
)

// BundlePath is the page's one script: web/static/app.js and every module
// it imports, bundled by esbuild's Go API from the embedded sources when
// first asked for. Nine module requests would each cross kubectl proxy,
// kube-apiserver and mlplane-apiserver; one does it once. No Node.js and no
// generated file are involved: the sources in web/static are what runs.
const BundlePath = "static/app.bundle.js"

var bundle struct {
	once sync.Once
	js   []byte
	err  error
}

// appBundle is the bundle, built once.
func appBundle() ([]byte, error) {
	bundle.once.Do(func() { bundle.js, bundle.err = buildBundle(web, "web/static/app.js") })
	return bundle.js, bundle.err
}

// buildBundle bundles entry and its imports, read from fsys, into one ES
// module.
func buildBundle(fsys fs.FS, entry string) ([]byte, error) {
	embedded := api.Plugin{Name: "embedded", Setup: func(b api.PluginBuild) {
		b.OnResolve(api.OnResolveOptions{Filter: `.*`}, func(args api.OnResolveArgs) (api.OnResolveResult, error) {
			p := args.Path
			if args.Importer != "" {
				if !strings.HasPrefix(p, "./") && !strings.HasPrefix(p, "../") {
					return api.OnResolveResult{}, fmt.Errorf("%s imports %q: only relative imports of the console's own modules are allowed", args.Importer, p)
				}
				p = path.Join(path.Dir(args.Importer), p)
			}
			return api.OnResolveResult{Path: path.Clean(p), Namespace: "embedded"}, nil
		})
		b.OnLoad(api.OnLoadOptions{Filter: `.*`, Namespace: "embedded"}, func(args api.OnLoadArgs) (api.OnLoadResult, error) {
			data, err := fs.ReadFile(fsys, args.Path)
			if err != nil {
				return api.OnLoadResult{}, err
			}
			contents := string(data)
			return api.OnLoadResult{Contents: &contents, Loader: api.LoaderJS}, nil
		})
	}}
	result := api.Build(api.BuildOptions{
		EntryPoints:       []string{entry},
		Outfile:           path.Base(BundlePath),
		Bundle:            true,
		Format:            api.FormatESModule,
		Target:            api.ES2022,
		MinifyWhitespace:  true,
		MinifySyntax:      true,
		MinifyIdentifiers: true,
		LegalComments:     api.LegalCommentsNone,
		Plugins:           []api.Plugin{embedded},
		LogLevel:          api.LogLevelSilent,
	})
	if len(result.Errors) > 0 {
		var errs []error
		for _, m := range result.Errors {
			errs = append(errs, errors.New(m.Text))
		}
		return nil, fmt.Errorf("bundling the console's scripts: %w", errors.Join(errs...))
	}
	if len(result.OutputFiles) != 1 {
		return nil, fmt.Errorf("bundling the console's scripts: %d output files, want 1", len(result.OutputFiles))
	}
	return result.OutputFiles[0].Contents, nil
}

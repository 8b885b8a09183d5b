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

package profile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/yaml"
)

// DefaultLabelsPollInterval is how often the labels file is read again.
const DefaultLabelsPollInterval = 10 * time.Second

// ReadNamespaceLabels reads a namespace labels file: a YAML map of label
// keys to values, as upstream's namespace-labels.yaml. An empty value
// removes the label from profile namespaces.
func ReadNamespaceLabels(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseNamespaceLabels(data)
}

// parseNamespaceLabels accepts strings, booleans (true is "true") and null
// (an empty value); numbers must be quoted, so that 1.10 stays "1.10".
func parseNamespaceLabels(data []byte) (map[string]string, error) {
	var raw map[string]any
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("not a YAML map of labels: %w", err)
	}
	labels := make(map[string]string, len(raw))
	var errs []string
	for _, k := range sortedKeys(raw) {
		var v string
		switch value := raw[k].(type) {
		case nil:
		case string:
			v = value
		case bool:
			v = fmt.Sprint(value)
		default:
			errs = append(errs, fmt.Sprintf("%s: value %v is not a string; quote it", k, value))
			continue
		}
		for _, msg := range validation.IsQualifiedName(k) {
			errs = append(errs, fmt.Sprintf("%s: invalid label key: %s", k, msg))
		}
		if v != "" {
			for _, msg := range validation.IsValidLabelValue(v) {
				errs = append(errs, fmt.Sprintf("%s: invalid label value %q: %s", k, v, msg))
			}
		}
		labels[k] = v
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return labels, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// labelsFile is the labels file's content, read again when it changes.
type labelsFile struct {
	path   string
	mu     sync.RWMutex
	data   []byte
	labels map[string]string
}

// labels returns the file's labels, nil without a file.
func (f *labelsFile) get() map[string]string {
	if f == nil {
		return nil
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.labels
}

// reload reads the file and reports whether its labels changed. A file
// that cannot be read or parsed keeps the labels read last.
func (f *labelsFile) reload() (bool, error) {
	if f == nil || f.path == "" {
		return false, nil
	}
	data, err := os.ReadFile(f.path)
	if err != nil {
		return false, fmt.Errorf("reading namespace labels %s: %w", f.path, err)
	}
	f.mu.RLock()
	same := f.labels != nil && bytes.Equal(data, f.data)
	f.mu.RUnlock()
	if same {
		return false, nil
	}
	labels, err := parseNamespaceLabels(data)
	if err != nil {
		return false, fmt.Errorf("namespace labels %s: %w", f.path, err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	changed := !maps.Equal(labels, f.labels)
	f.data, f.labels = data, labels
	return changed, nil
}

// namespaceLabels computes a namespace's labels from desired (the default
// labels overlaid with the file's) by upstream's rule — an empty value
// removes the label; a label the namespace already has is not overwritten —
// refined by applied, the labels mlplane set last time (the namespace's
// AppliedLabelsAnnotation): a label whose value is still the one mlplane set
// follows desired. It returns the labels and the new applied set.
func namespaceLabels(live, desired, applied map[string]string) (labels, nowApplied map[string]string) {
	labels = maps.Clone(live)
	if labels == nil {
		labels = map[string]string{}
	}
	nowApplied = map[string]string{}
	for k, v := range desired {
		current, ok := labels[k]
		switch {
		case v == "":
			delete(labels, k)
		case !ok:
			labels[k] = v
			nowApplied[k] = v
		case current == v:
			nowApplied[k] = v
		case applied[k] == current:
			// mlplane set it and nobody changed it since: follow the file.
			labels[k] = v
			nowApplied[k] = v
		}
	}
	return labels, nowApplied
}

// decodeApplied reads AppliedLabelsAnnotation; a malformed value counts as
// none, so those labels are left as they are.
func decodeApplied(annotations map[string]string) map[string]string {
	var applied map[string]string
	if v, ok := annotations[AppliedLabelsAnnotation]; ok {
		if err := json.Unmarshal([]byte(v), &applied); err != nil {
			return nil
		}
	}
	return applied
}

func encodeApplied(applied map[string]string) string {
	// encoding/json sorts map keys, so the value is stable.
	data, err := json.Marshal(applied)
	if err != nil {
		return "{}"
	}
	return string(data)
}

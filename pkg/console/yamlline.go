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
	"strconv"
	"strings"

	yamlv3 "go.yaml.in/yaml/v3"
)

// lineOf finds the line of a field path of the API's errors
// (spec.tfReplicaSpecs[Worker].template.spec.containers[0].image) in a
// YAML manifest. A path that goes past what the YAML has (a required field
// left out) stops at its deepest part that exists. 0 means unknown.
func lineOf(text, path string) int {
	if path == "" {
		return 0
	}
	var doc yamlv3.Node
	if err := yamlv3.Unmarshal([]byte(text), &doc); err != nil || len(doc.Content) == 0 {
		return 0
	}
	node, line := doc.Content[0], 0
	for _, step := range pathSteps(path) {
		next, at := child(node, step)
		if next == nil {
			break
		}
		node, line = next, at
	}
	return line
}

// pathSteps splits a field path into its keys and indices: a.b[0][key].c
// is a, b, 0, key, c. A bracketed key is taken whole, dots and all
// (metadata.labels[app.kubernetes.io/name]).
func pathSteps(path string) []string {
	var steps []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			steps = append(steps, cur.String())
			cur.Reset()
		}
	}
	for i := 0; i < len(path); i++ {
		switch c := path[i]; c {
		case '.':
			flush()
		case '[':
			flush()
			end := strings.IndexByte(path[i:], ']')
			if end < 0 {
				end = len(path) - i
			}
			steps = append(steps, path[i+1:min(i+end, len(path))])
			i += end
		default:
			cur.WriteByte(c)
		}
	}
	flush()
	return steps
}

// child is the node at one step below n and the line to show for it: a
// mapping's key line, a list item's line. A step into a list that is not
// a number looks for the item of that name (containers[tensorflow]).
func child(n *yamlv3.Node, step string) (*yamlv3.Node, int) {
	switch n.Kind {
	case yamlv3.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == step {
				return n.Content[i+1], n.Content[i].Line
			}
		}
	case yamlv3.SequenceNode:
		if i, err := strconv.Atoi(step); err == nil {
			if i >= 0 && i < len(n.Content) {
				return n.Content[i], n.Content[i].Line
			}
			return nil, 0
		}
		for _, item := range n.Content {
			if name, _ := child(item, "name"); name != nil && name.Value == step {
				return item, item.Line
			}
		}
	}
	return nil, 0
}

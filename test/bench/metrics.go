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

package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// sample is one series of a Prometheus text exposition.
type sample struct {
	name   string
	labels map[string]string
	value  float64
}

// metricSet is every sample of one scrape.
type metricSet []sample

// parseMetrics reads the Prometheus text format: "name{k="v",...} value".
func parseMetrics(text string) (metricSet, error) {
	var out metricSet
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		s := sample{labels: map[string]string{}}
		rest := line
		if i := strings.IndexAny(line, "{ "); i >= 0 && line[i] == '{' {
			s.name = line[:i]
			var err error
			if rest, err = parseLabels(line[i+1:], s.labels); err != nil {
				return nil, fmt.Errorf("metric line %q: %w", line, err)
			}
		} else if i >= 0 {
			s.name, rest = line[:i], line[i:]
		}
		fields := strings.Fields(rest)
		if s.name == "" || len(fields) == 0 {
			return nil, fmt.Errorf("metric line %q: no name or value", line)
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			return nil, fmt.Errorf("metric line %q: %w", line, err)
		}
		s.value = v
		out = append(out, s)
	}
	return out, nil
}

// parseLabels reads k="v" pairs up to the closing brace into labels and
// returns what follows it.
func parseLabels(s string, labels map[string]string) (string, error) {
	for {
		s = strings.TrimLeft(s, ", ")
		if strings.HasPrefix(s, "}") {
			return s[1:], nil
		}
		eq := strings.IndexByte(s, '=')
		if eq < 0 || len(s) < eq+2 || s[eq+1] != '"' {
			return "", fmt.Errorf("bad label at %q", s)
		}
		key := s[:eq]
		var val strings.Builder
		i := eq + 2
		for ; i < len(s) && s[i] != '"'; i++ {
			if s[i] == '\\' && i+1 < len(s) {
				i++
				switch s[i] {
				case 'n':
					val.WriteByte('\n')
				default:
					val.WriteByte(s[i])
				}
				continue
			}
			val.WriteByte(s[i])
		}
		if i >= len(s) {
			return "", fmt.Errorf("unterminated label value at %q", s)
		}
		labels[key] = val.String()
		s = s[i+1:]
	}
}

// sum adds the samples of name whose labels include every pair of match.
func (m metricSet) sum(name string, match map[string]string) float64 {
	var total float64
	for _, s := range m {
		if s.name == name && matches(s.labels, match) {
			total += s.value
		}
	}
	return total
}

// matches reports whether labels has match's values. A value "?v" also
// matches a series without that label: a metric an older tree (a
// -baseline) exported with fewer labels.
func matches(labels, match map[string]string) bool {
	for k, v := range match {
		if optional, ok := strings.CutPrefix(v, "?"); ok {
			if l, has := labels[k]; has && l != optional {
				return false
			}
			continue
		}
		if labels[k] != v {
			return false
		}
	}
	return true
}

// requestCount is how many requests of one kind an API server answered
// during a scenario.
type requestCount struct {
	key   string
	count float64
}

// requestDeltas returns the growth of apiserver_request_total between two
// scrapes, by verb, resource[/subresource] and code, largest first, keeping
// the kinds with at least min requests.
func requestDeltas(before, after metricSet, minCount float64) []requestCount {
	key := func(s sample) string {
		r := s.labels["resource"]
		if sub := s.labels["subresource"]; sub != "" {
			r += "/" + sub
		}
		return s.labels["verb"] + " " + r + " " + s.labels["code"]
	}
	counts := map[string]float64{}
	for _, s := range after {
		if s.name == "apiserver_request_total" {
			counts[key(s)] += s.value
		}
	}
	for _, s := range before {
		if s.name == "apiserver_request_total" {
			counts[key(s)] -= s.value
		}
	}
	var out []requestCount
	for k, v := range counts {
		if v >= minCount {
			out = append(out, requestCount{key: k, count: v})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].count != out[j].count {
			return out[i].count > out[j].count
		}
		return out[i].key < out[j].key
	})
	return out
}

func formatRequests(rs []requestCount) string {
	parts := make([]string, 0, len(rs))
	for _, r := range rs {
		parts = append(parts, fmt.Sprintf("%s: %.0f", r.key, r.count))
	}
	return strings.Join(parts, ", ")
}

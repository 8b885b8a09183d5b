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
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
)

// logPatterns are the controller log lines worth counting under load.
var logPatterns = []struct {
	name string
	re   *regexp.Regexp
}{
	{"reconcile errors", regexp.MustCompile(`"Reconciling job"`)},
	{"status conflicts", regexp.MustCompile(`changed meanwhile|the object has been modified`)},
	{"already exists", regexp.MustCompile(`already exists`)},
	{"more than one pod for an index", regexp.MustCompile(`More than one pod for a replica index`)},
	{"client-side throttling", regexp.MustCompile(`client-side throttling`)},
	{"events dropped", regexp.MustCompile(`(?i)(discard|drop)\w*.*event`)},
}

// eventReason finds the reason of an event the controller logged
// (record.Broadcaster's structured logging: "Event occurred" ... reason="...").
var eventReason = regexp.MustCompile(`"Event occurred".*\breason="([^"]+)"`)

// logSummary is what a scenario left in the controller's log.
type logSummary struct {
	lines    int
	errors   int
	warnings int
	counts   map[string]int
	events   map[string]int
	// examples are a few distinct error and warning lines.
	examples []string
}

// scanLog reads a klog text log from offset.
func scanLog(path string, offset int64) (*logSummary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	defer func() { _ = f.Close() }()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	s := &logSummary{counts: map[string]int{}, events: map[string]int{}}
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		s.lines++
		for _, p := range logPatterns {
			if p.re.MatchString(line) {
				s.counts[p.name]++
			}
		}
		if m := eventReason.FindStringSubmatch(line); m != nil {
			s.events[m[1]]++
		}
		if line == "" || (line[0] != 'E' && line[0] != 'W') {
			continue
		}
		if line[0] == 'E' {
			s.errors++
		} else {
			s.warnings++
		}
		// Distinct by the start of the message, after klog's header.
		key := line
		if i := strings.Index(line, "] "); i >= 0 {
			key = line[i+2:]
		}
		if len(key) > 60 {
			key = key[:60]
		}
		if !seen[key] && len(s.examples) < 5 {
			seen[key] = true
			if len(line) > 400 {
				line = line[:400] + "..."
			}
			s.examples = append(s.examples, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return s, nil
}

func (s *logSummary) String() string {
	parts := []string{fmt.Sprintf("%d lines, %d errors, %d warnings", s.lines, s.errors, s.warnings)}
	for _, p := range logPatterns {
		if n := s.counts[p.name]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s: %d", p.name, n))
		}
	}
	if len(s.events) > 0 {
		reasons := make([]string, 0, len(s.events))
		for r := range s.events {
			reasons = append(reasons, r)
		}
		sort.Strings(reasons)
		ev := make([]string, 0, len(reasons))
		for _, r := range reasons {
			ev = append(ev, fmt.Sprintf("%s %d", r, s.events[r]))
		}
		parts = append(parts, "events logged: "+strings.Join(ev, ", "))
	}
	return strings.Join(parts, "; ")
}

// eventsTotal is the number of events the controller logged.
func (s *logSummary) eventsTotal() int {
	n := 0
	for _, c := range s.events {
		n += c
	}
	return n
}

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

package training

import (
	"sync"
	"time"
)

// expectationsTimeout bounds how long the engine waits for the informer to
// show a create or delete it made, in case an event is lost.
const expectationsTimeout = 5 * time.Minute

// expectations count the pods and services the engine created or deleted
// but has not yet seen in its informers. While any are outstanding a job is
// not reconciled again, so a burst of events never creates a duplicate.
type expectations struct {
	mu   sync.Mutex
	jobs map[jobKey]*pending
}

type pending struct {
	podAdds, podDeletes, svcAdds, svcDeletes int
	since                                    time.Time
}

func newExpectations() *expectations { return &expectations{jobs: map[jobKey]*pending{}} }

// expect records creates and deletes about to be issued.
func (e *expectations) expect(key jobKey, pods bool, adds, deletes int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	p, ok := e.jobs[key]
	if !ok {
		p = &pending{}
		e.jobs[key] = p
	}
	if pods {
		p.podAdds += adds
		p.podDeletes += deletes
	} else {
		p.svcAdds += adds
		p.svcDeletes += deletes
	}
	p.since = time.Now()
}

// observed records one create (add) or delete seen in an informer, or
// lowers the expectation of a request that failed.
func (e *expectations) observed(key jobKey, pods, add bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	p, ok := e.jobs[key]
	if !ok {
		return
	}
	counter := map[[2]bool]*int{
		{true, true}: &p.podAdds, {true, false}: &p.podDeletes,
		{false, true}: &p.svcAdds, {false, false}: &p.svcDeletes,
	}[[2]bool{pods, add}]
	if *counter > 0 {
		*counter--
	}
}

// satisfied reports whether nothing is outstanding (or it timed out).
func (e *expectations) satisfied(key jobKey) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	p, ok := e.jobs[key]
	if !ok {
		return true
	}
	if p.podAdds <= 0 && p.podDeletes <= 0 && p.svcAdds <= 0 && p.svcDeletes <= 0 {
		return true
	}
	return time.Since(p.since) > expectationsTimeout
}

func (e *expectations) forget(key jobKey) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.jobs, key)
}

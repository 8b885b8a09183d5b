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
	"os"
	"strconv"
	"strings"
)

// userHZ is the unit of the CPU times in /proc (USER_HZ), 100 on every
// Linux architecture Go builds for.
const userHZ = 100

// processCPU returns utime+stime of a process, in seconds, from
// /proc/<pid>/stat.
func processCPU(pid int) (float64, error) { return procStatCPU(pid, false) }

// processTreeCPU adds the CPU of the children the process waited for
// (cutime+cstime).
func processTreeCPU(pid int) (float64, error) { return procStatCPU(pid, true) }

func procStatCPU(pid int, children bool) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("reading the CPU time of pid %d: %w", pid, err)
	}
	// The command name, field 2, is in parentheses and may hold spaces.
	s := string(b)
	end := strings.LastIndexByte(s, ')')
	if end < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	// After ")": field 3 (state) is fields[0], so utime (14), stime (15),
	// cutime (16) and cstime (17) are fields[11] to fields[14].
	last := 13
	if children {
		last = 15
	}
	fields := strings.Fields(s[end+1:])
	if len(fields) < last {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields after the command name", pid, len(fields))
	}
	var ticks uint64
	for _, f := range fields[11:last] {
		n, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
		}
		ticks += n
	}
	return float64(ticks) / userHZ, nil
}

// peakRSS returns VmHWM, the peak resident set size of a process, in bytes.
// It is also what the ceiling reports of itself: getrusage's ru_maxrss
// would not do, as Linux carries it over exec from the memory of the
// parent the child was vforked from.
func peakRSS(pid int) (int64, error) {
	return statusKB(fmt.Sprintf("/proc/%d/status", pid), "VmHWM:")
}

// statusKB reads a "Name:   123 kB" line of a /proc file, in bytes.
func statusKB(path, name string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("reading %s: %w", path, err)
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name) {
			continue
		}
		fields := strings.Fields(strings.TrimPrefix(line, name))
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, fmt.Errorf("%s: unexpected line %q", path, line)
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", path, err)
		}
		return kb * 1024, nil
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("reading %s: %w", path, err)
	}
	return 0, fmt.Errorf("%s: no %s line", path, name)
}

// systemBusyCPU returns the CPU seconds every process on the machine has
// used since boot: /proc/stat's "cpu" line but idle, iowait and steal
// (time the hypervisor gave to other machines).
func systemBusyCPU() (float64, error) {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return 0, fmt.Errorf("reading /proc/stat: %w", err)
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return 0, fmt.Errorf("reading /proc/stat: %w", sc.Err())
	}
	fields := strings.Fields(sc.Text())
	if len(fields) < 8 || fields[0] != "cpu" {
		return 0, fmt.Errorf("/proc/stat: unexpected first line %q", sc.Text())
	}
	// user nice system idle iowait irq softirq steal [guest guest_nice],
	// guest time being already counted in user.
	var busy uint64
	for i, f := range fields[1:] {
		if i == 3 || i == 4 || i >= 7 {
			continue
		}
		n, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/stat: %w", err)
		}
		busy += n
	}
	return float64(busy) / userHZ, nil
}

// machine describes the host for the report.
func machine() string {
	cpus := 0
	model := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "processor") {
				cpus++
			}
			if model == "" && strings.HasPrefix(line, "model name") {
				if _, v, ok := strings.Cut(line, ":"); ok {
					model = strings.TrimSpace(v)
				}
			}
		}
	}
	mem, _ := statusKB("/proc/meminfo", "MemTotal:")
	return fmt.Sprintf("%d CPUs (%s), %.1f GiB memory", cpus, model, float64(mem)/(1<<30))
}

// loadAverage returns the first field of /proc/loadavg.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return "?"
}

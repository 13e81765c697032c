package knowledge

import (
	"fmt"
	"sort"
	"strings"
)

// Severity says whether a problem stops a corpus from being served.
type Severity int

const (
	Warning Severity = iota
	Error
)

func (s Severity) String() string {
	if s == Error {
		return "error"
	}
	return "warning"
}

// Problem is one finding of validation, tied to a file and line.
type Problem struct {
	File     string
	Line     int // 0 when the problem concerns the whole file
	Severity Severity
	Message  string
}

func (p Problem) String() string {
	loc := p.File
	if p.Line > 0 {
		loc = fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	if p.Severity == Warning {
		return fmt.Sprintf("%s: warning: %s", loc, p.Message)
	}
	return fmt.Sprintf("%s: %s", loc, p.Message)
}

// Report collects every problem found in a corpus.
type Report struct {
	Problems []Problem
}

func (r *Report) add(file string, line int, sev Severity, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{File: file, Line: line, Severity: sev, Message: fmt.Sprintf(format, args...)})
}

func (r *Report) errorf(file string, line int, format string, args ...any) {
	r.add(file, line, Error, format, args...)
}

func (r *Report) warnf(file string, line int, format string, args ...any) {
	r.add(file, line, Warning, format, args...)
}

// Merge appends the problems of another report.
func (r *Report) Merge(o Report) { r.Problems = append(r.Problems, o.Problems...) }

// Add appends one problem; packages that validate parts of a corpus they
// understand better (index checks the vocabulary against its analyzer) use it.
func (r *Report) Add(p Problem) { r.Problems = append(r.Problems, p) }

// Errors counts the problems that stop the corpus from being served.
func (r Report) Errors() int {
	n := 0
	for _, p := range r.Problems {
		if p.Severity == Error {
			n++
		}
	}
	return n
}

// Warnings counts the problems that do not.
func (r Report) Warnings() int { return len(r.Problems) - r.Errors() }

// Sort orders problems by file and line so output is stable.
func (r *Report) Sort() {
	sort.SliceStable(r.Problems, func(i, j int) bool {
		a, b := r.Problems[i], r.Problems[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Message < b.Message
	})
}

// ValidationError is returned when a corpus has errors; it carries the report.
type ValidationError struct {
	Report Report
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "corpus has %d error(s)", e.Report.Errors())
	n := 0
	for _, p := range e.Report.Problems {
		if p.Severity != Error {
			continue
		}
		if n == 5 {
			b.WriteString("; …")
			break
		}
		b.WriteString("; ")
		b.WriteString(p.String())
		n++
	}
	return b.String()
}

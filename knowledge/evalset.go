package knowledge

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// None is the expected value of an evaluation row that no entry should
// answer with confidence.
const None = "none"

// EvalRow is one labelled question: the ids that count as right, or None.
type EvalRow struct {
	Question string
	Expected []string
	Line     int
}

// InScope reports whether some entry is expected.
func (r EvalRow) InScope() bool { return !(len(r.Expected) == 1 && r.Expected[0] == None) }

// ReadEvalSet reads "question<TAB>expected" rows; expected is an entry id,
// several joined by "|", or "none". A first line "question<TAB>expected" is
// a header and skipped.
func ReadEvalSet(rd io.Reader) ([]EvalRow, error) {
	var rows []EvalRow
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		q, exp, ok := strings.Cut(line, "\t")
		if !ok {
			return nil, fmt.Errorf("line %d: want question<TAB>expected", n)
		}
		if n == 1 && q == "question" {
			continue
		}
		exp, _, _ = strings.Cut(exp, "\t")
		var ids []string
		for _, id := range strings.Split(exp, "|") {
			if id = strings.TrimSpace(id); id != "" {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			return nil, fmt.Errorf("line %d: no expected id", n)
		}
		rows = append(rows, EvalRow{Question: q, Expected: ids, Line: n})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return rows, nil
}

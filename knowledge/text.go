package knowledge

// OneEditApart reports whether a and b differ by at most one insertion,
// deletion or substitution of a byte. Search and triage use it to forgive
// one typo in a long word.
func OneEditApart(a, b string) bool {
	la, lb := len(a), len(b)
	if la-lb > 1 || lb-la > 1 {
		return false
	}
	if la < lb {
		a, b, la, lb = b, a, lb, la
	}
	i := 0
	for i < lb && a[i] == b[i] {
		i++
	}
	if i == lb {
		return true
	}
	if la == lb {
		return a[i+1:] == b[i+1:]
	}
	return a[i+1:] == b[i:]
}

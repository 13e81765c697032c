//go:build race

package index

// raceEnabled: the race detector makes scoring many times slower, so the
// tests that compare many searches compare fewer under it.
const raceEnabled = true

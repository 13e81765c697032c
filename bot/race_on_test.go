//go:build race

package bot_test

// raceEnabled: the race detector makes index builds several times slower,
// so tests that build many indexes build fewer under it.
const raceEnabled = true

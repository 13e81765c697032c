package bot

// Log keys. No log record carries message content or an ID of a person or
// channel: only kinds, categories, durations and error texts of our own.
const (
	LogKind     = "kind"
	LogCategory = "category"
	LogDuration = "duration"
	LogError    = "error"
	LogEvent    = "event"
)

// Package safety is the triage that reads every message before any search:
// crisis (self-harm, a minor at risk, a recent assault, abuse), requests to
// decline (explicit content, doses and diagnoses, attempts to break the
// rules), topics outside the corpus, and disclosures about the past. Its
// patterns come from the corpus's triage.yaml; it knows nothing of Discord
// or search.
package safety

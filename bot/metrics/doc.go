// Package metrics holds Confidant's Prometheus metrics: replies by kind and
// category, answer latency, corpus reloads and Discord errors. No label
// carries message content or any ID of a person.
package metrics

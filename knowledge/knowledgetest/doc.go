// Package knowledgetest helps tests and benchmarks of other packages: the
// embedded corpus loaded once, and synthetic corpora of any size built from
// it for benchmarks. Nothing in a production binary imports it.
package knowledgetest

// Package index is Confidant's full-text search over a knowledge.Corpus.
// It is the only package that imports bleve: an in-memory scorch index with
// English analysis, one field per part of an entry, synonyms from the
// vocabulary, and typo tolerance. It also builds the plain "baseline" index
// that evaluation compares against.
package index

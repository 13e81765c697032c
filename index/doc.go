// Package index is Confidant's full-text search over a knowledge.Corpus.
// It is the only package that imports bleve. Two indexes, both in memory:
// whole entries in a bleve scorch index (the embedded corpus's ships
// built), matched as plain full-text search does; and single phrasings
// (the title or one question) in an inverted index of its own
// (phrasings.go), with bleve's analysis (English stemming), synonyms from
// the vocabulary and typo tolerance, scored exactly as bleve's BM25 would
// score them. A learned model over the phrasings adds its probabilities. It
// also builds the plain "baseline" index that evaluation compares against.
package index

// Package index is Confidant's full-text search over a knowledge.Corpus.
// It is the only package that imports bleve. Two in-memory scorch indexes
// (the embedded corpus's ship built): whole entries, matched as plain
// full-text search does, and single phrasings (the title or one question)
// with English stemming, synonyms from the vocabulary and typo tolerance;
// a learned model over the phrasings adds its probabilities. It also builds
// the plain "baseline" index that evaluation compares against.
package index

package index

// The learned half of the ranking: a linear model over word and character
// n-grams of the analysed question, trained on every entry's own phrasings
// (title and questions) and, as one more class, on questions the corpus
// does not answer. Its probabilities are added to Bleve's scores with the
// weight Options.Learned, and its probability of "none" informs the
// confidence rule.
//
// It has one class per entry, so its training grows with the square of the
// corpus (examples x classes) and its weights with the corpus: it is
// trained only up to Options.LearnedMaxEntries entries. A larger corpus is
// ranked by Bleve alone (entries and closest phrasing), and the confidence
// rule goes without the probability of "none", as it does with Learned 0.

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"slices"
	"sync"

	"github.com/confidant-bot/confidant/knowledge"
	"github.com/confidant-bot/confidant/knowledge/textmodel"
)

// ranker is the trained model and the entry id of each of its classes; the
// last class is "none of these".
type ranker struct {
	model *linearModel
	ids   []string
	class map[string]int
}

// Log keys of the index.
const (
	LogEntries    = "entries"
	LogMaxEntries = "max_entries"
)

// learns reports whether Build trains the learned model for a corpus of n
// entries, and logs when the corpus is too large for it.
func (ix *Index) learns(n int) bool {
	if ix.opts.Learned <= 0 {
		return false
	}
	if max := ix.opts.LearnedMaxEntries; max > 0 && n > max {
		log := ix.opts.Log
		if log == nil {
			log = slog.Default()
		}
		log.Info("index: corpus too large for the learned ranker, ranking with bleve alone", LogEntries, n, LogMaxEntries, max)
		return false
	}
	return true
}

func (ix *Index) vectorize(text string) textmodel.Vector {
	terms := ix.Analyze(text)
	for i, t := range terms {
		terms[i] = ix.canonical(t)
	}
	return textmodel.Vectorize(terms, ix.opts.LearnedBits)
}

// trainRanker fits the model on the corpus's phrasings and its examples of
// questions it does not answer.
func (ix *Index) trainRanker(c *knowledge.Corpus) *ranker {
	r, texts, o := ix.rankerData(c)
	r.model = ix.trained(texts, len(r.ids)+1, o)
	return r
}

// rankerText is one phrasing the ranker learns and its class.
type rankerText struct {
	text  string
	class int
}

// rankerData is the ranker without its model, the phrasings it is trained
// on and the training options.
func (ix *Index) rankerData(c *knowledge.Corpus) (*ranker, []rankerText, textmodel.Options) {
	r := &ranker{class: map[string]int{}}
	var texts []rankerText
	for _, e := range c.Entries {
		r.class[e.ID] = len(r.ids)
		for _, q := range append([]string{e.Title}, e.Questions...) {
			texts = append(texts, rankerText{q, len(r.ids)})
		}
		r.ids = append(r.ids, e.ID)
	}
	none := len(r.ids)
	for _, q := range c.OutOfScope {
		texts = append(texts, rankerText{q, none})
	}
	o := textmodel.DefaultOptions()
	o.HashBits, o.Epochs = ix.opts.LearnedBits, ix.opts.LearnedEpochs
	return r, texts, o
}

// examples vectorizes the phrasings (only when a model must be trained:
// for 7,000 phrasings it was a fifth of a start).
func (ix *Index) examples(texts []rankerText) []textmodel.Example {
	data := make([]textmodel.Example, len(texts))
	for i, t := range texts {
		data[i] = textmodel.Example{Vector: ix.vectorize(t.text), Class: t.class}
	}
	return data
}

// models keeps the last few trained models by a hash of their training
// data: a reload that leaves every phrasing as it was, and the many
// libraries tests build, do not train again (about a second each).
var models struct {
	sync.Mutex
	byKey map[[32]byte]*linearModel
	order [][32]byte
}

// trained is the model for this training data: from the cache, the one
// shipped for the embedded corpus (data/ranker.bin), or trained now.
func (ix *Index) trained(texts []rankerText, classes int, o textmodel.Options) *linearModel {
	key := ix.trainingKey(texts, classes, o)
	models.Lock()
	defer models.Unlock()
	if m, ok := models.byKey[key]; ok {
		return m
	}
	m, ok := shippedRanker(key)
	if !ok {
		m = trainLinear(ix.examples(texts), classes, o)
	}
	if models.byKey == nil {
		models.byKey = map[[32]byte]*linearModel{}
	}
	models.byKey[key] = m
	models.order = append(models.order, key)
	if len(models.order) > 4 {
		delete(models.byKey, models.order[0])
		models.order = models.order[1:]
	}
	return m
}

// keyProbes is how many phrasings the training key also hashes the
// vectors of, so that a change to the analyzer or the vectorizer changes
// the key without vectorizing every phrasing at each start.
const keyProbes = 64

// trainingKey is a hash of everything training depends on: the options,
// the phrasings and their classes, the vocabulary's canonical words, and
// the vectors of the first phrasings.
func (ix *Index) trainingKey(texts []rankerText, classes int, o textmodel.Options) [32]byte {
	h := sha256.New()
	fmt.Fprintf(h, "%d %+v\n", classes, o)
	for _, t := range texts {
		fmt.Fprintf(h, "%d %q\n", t.class, t.text)
	}
	for _, w := range slices.Sorted(maps.Keys(ix.canon)) {
		fmt.Fprintf(h, "%q=%q\n", w, ix.canon[w])
	}
	var buf [8]byte
	for _, d := range ix.examples(texts[:min(len(texts), keyProbes)]) {
		binary.LittleEndian.PutUint32(buf[:4], uint32(d.Class))
		binary.LittleEndian.PutUint32(buf[4:], math.Float32bits(d.Vector.Value))
		h.Write(buf[:])
		for _, f := range d.Vector.Features {
			binary.LittleEndian.PutUint32(buf[:4], f)
			h.Write(buf[:4])
		}
	}
	var key [32]byte
	copy(key[:], h.Sum(nil))
	return key
}

// Learned returns the model's probability for each entry id and for none
// (""), or nil when the index has no learned model.
func (ix *Index) Learned(text string) map[string]float64 {
	if ix.rank == nil {
		return nil
	}
	p := ix.rank.model.predict(ix.vectorize(text))
	out := make(map[string]float64, len(p))
	for i, id := range ix.rank.ids {
		out[id] = float64(p[i])
	}
	out[""] = float64(p[len(ix.rank.ids)])
	return out
}

// LearnedOf is the learned model's probability that the corpus does not
// answer text, and its probability for entry id; -1 and -1 when the index
// has no learned model.
func (ix *Index) LearnedOf(text, id string) (none, entry float64) {
	if ix.rank == nil {
		return -1, -1
	}
	p := ix.rank.model.predict(ix.vectorize(text))
	if i, ok := ix.rank.class[id]; ok {
		entry = float64(p[i])
	}
	return float64(p[len(ix.rank.ids)]), entry
}

// NoneProbability is the learned model's probability that the corpus does
// not answer text, or -1 when the index has no learned model.
func (ix *Index) NoneProbability(text string) float64 {
	if ix.rank == nil {
		return -1
	}
	p := ix.rank.model.predict(ix.vectorize(text))
	return float64(p[len(ix.rank.ids)])
}

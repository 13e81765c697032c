//go:build ignore

// gen_model trains the triage's model on the embedded training set and
// writes it to data/model.bin, with the fingerprint of what it was
// trained on in data/model.sum, so that a start loads it instead of
// training; and the training messages' word counts, which choose the
// patterns' anchors, to data/words.tsv.gz. Run from the repository root after changing data/train*.tsv,
// data/ordinary.tsv, data/concepts.txt, the training options or how
// messages are vectorized (TestShippedModelIsCurrent says when):
//
//	go run ./bot/safety/gen_model.go
package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/confidant-bot/confidant/bot/safety"
)

func main() {
	var buf bytes.Buffer
	if err := safety.Train(safety.TrainingSet()).Encode(&buf); err != nil {
		fail(err)
	}
	if err := os.WriteFile("bot/safety/data/model.bin", buf.Bytes(), 0o644); err != nil {
		fail(err)
	}
	if err := os.WriteFile("bot/safety/data/model.sum", []byte(safety.TrainingFingerprint()+"\n"), 0o644); err != nil {
		fail(err)
	}
	fmt.Printf("wrote bot/safety/data/model.bin (%d bytes)\n", buf.Len())
	buf.Reset()
	if err := safety.EncodeWordCounts(&buf, safety.WordCounts()); err != nil {
		fail(err)
	}
	if err := os.WriteFile("bot/safety/data/words.tsv.gz", buf.Bytes(), 0o644); err != nil {
		fail(err)
	}
	fmt.Printf("wrote bot/safety/data/words.tsv.gz (%d bytes)\n", buf.Len())
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen_model:", err)
	os.Exit(1)
}

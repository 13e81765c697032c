package safety_test

import (
	"os"
	"strings"
	"testing"

	"github.com/confidant-bot/confidant/bot/safety"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

// TestSafetyHeldOut measures the triage on testdata/safety/heldout.tsv:
// 681 messages by two writers who saw neither the training set nor the
// patterns, never trained or tuned on. It prints the figures of the
// patterns alone, the model alone and both (go test -v -run SafetyHeldOut)
// and holds floors just under what was measured on 2026-12-01 (end of
// session 5, 36 writers, CrisisMin 0.25: combined crisis 0.956, self-harm
// 0.915, assault 0.963, abuse 0.988, minor 0.975, benign kept out 0.929;
// with 29 writers benign was 0.946, with 33 0.920). Session 6 (48 writers,
// the model's own decline classes): crisis 0.945, self-harm 0.897, assault
// 0.963, abuse 0.976, minor 0.963, benign 0.929; at the end of session 6
// (54 writers, CrisisMin 0.3, ShortWords 5): crisis 0.945, self-harm
// 0.906, assault 0.975, abuse 0.953, minor 0.963, benign 0.938. Session 8
// (65 writers: session 7's eleven pending writers trained on; 8,440
// ordinary questions, 3,600 more of them by fifteen writers of realistic
// questions; calibrated by leaving one writer out): crisis 0.942, self-harm
// 0.897, assault 0.975, abuse 0.953, minor 0.963, benign 0.955. Session 10
// (a "no" someone said no longer denies what follows; the model reads
// pairs of words one or two apart): crisis 0.950, self-harm 0.906, assault
// 0.988, abuse 0.953, minor 0.975, benign 0.964. Session 11 (eight
// writers of everyday messages trained on, CrisisMin 0.25): crisis 0.948,
// self-harm 0.889, assault 0.988, abuse 0.965, minor 0.975, benign 0.982.
// Session 13, first round (short messages and trigger-word benign
// messages of nine more files): crisis 0.945, self-harm 0.889, assault
// 0.988, abuse 0.965, minor 0.963 (one fewer), benign 0.991; second round
// (four more writers): crisis 0.950, self-harm 0.906, assault 0.988, abuse
// 0.965, minor 0.963, benign 0.991.
func TestSafetyHeldOut(t *testing.T) {
	heldOutFloors(t, "../../testdata/safety/heldout.tsv", map[string]float64{
		"crisis/self-harm": 0.90, "crisis/sexual-assault": 0.98, "crisis/abuse": 0.96, "crisis/minor": 0.96, "benign": 0.99,
	})
}

// TestSafetyHeldOut2 measures the triage on
// testdata/safety/heldout-2026-12-01.tsv: 622 messages by three more
// writers (a crisis-line supervisor's adults, a multilingual health worker
// in five languages, a moderator of young people's Discord servers) who
// saw neither the training set, the patterns nor the first held-out set;
// 28 of their 650 rows that came close to a training or held-out message
// (three-word shingles, Jaccard above 0.4) were dropped unread. Never
// trained or tuned on. Measured at the start of session 6 (36 writers):
// crisis 0.959, self-harm 0.951, assault 0.973, abuse 0.931, minor 0.986,
// benign kept out 0.945; after the session's writers (48): 0.959, 0.951,
// 0.973, 0.931, 0.986, 0.963; at the end of session 6 (54 writers): 0.965,
// 0.967, 0.973, 0.931, 0.986, 0.963; session 8 (65 writers): 0.959,
// 0.975, 0.960, 0.903, 0.986, 0.963; session 10: 0.962, 0.975, 0.960,
// 0.931, 0.971 (one minor fewer), 0.963; session 11: 0.962, 0.975,
// 0.960, 0.931, 0.971, 0.972; session 13 (both rounds): 0.962, 0.975,
// 0.960, 0.931, 0.971, 0.972. The floors sit just under.
func TestSafetyHeldOut2(t *testing.T) {
	heldOutFloors(t, "../../testdata/safety/heldout-2026-12-01.tsv", map[string]float64{
		"crisis/self-harm": 0.97, "crisis/sexual-assault": 0.95, "crisis/abuse": 0.93, "crisis/minor": 0.97, "benign": 0.95,
	})
}

// TestSafetyHeldOut3 measures the triage on
// testdata/safety/heldout-2026-12-02.tsv: 285 messages (200 English, 25
// each in Spanish, Portuguese, French and German) by one more writer, a
// former emergency-department social worker, who saw only the label
// definitions; 15 of 300 rows close to a message we hold (three-word
// shingles, Jaccard above 0.4) were dropped unread. Never trained or tuned
// on. Measured once on 2026-12-02 (54 writers' model, as at the end of
// session 6): crisis 0.943 right category (0.971 any crisis reply),
// self-harm 0.962, assault 0.929, abuse 0.911, minor 0.971, benign kept
// out 1.000 (47 of 47), concern and past and teen all kept out of crisis;
// at the end of session 8 (65 writers): crisis 0.948, self-harm 0.923,
// assault 0.952, abuse 0.956, minor 0.971, benign 1.000; the same in
// session 10; session 13 (both rounds): crisis 0.948, self-harm 0.942, assault 0.929,
// abuse 0.933, minor 1.000, benign 1.000 (one assault and one abuse
// message fewer than session 11's 0.954). The floors sit just under.
func TestSafetyHeldOut3(t *testing.T) {
	heldOutFloors(t, "../../testdata/safety/heldout-2026-12-02.tsv", map[string]float64{
		"crisis/self-harm": 0.92, "crisis/sexual-assault": 0.92, "crisis/abuse": 0.93, "crisis/minor": 0.96, "benign": 0.97,
	})
}

// TestSafetyHeldOutEveryday measures the triage on
// testdata/safety/heldout-everyday-2026-12-02.tsv: 598 everyday messages
// that are no crisis (farming, hunting, first aid, games, films, sport,
// night shifts, pets, grief for an old relative or a pet; about 40% with
// words such as kill, dead, shoot, hang, choke, overdose or a child's
// age used harmlessly; 135 in Spanish, Portuguese, French or German) by
// two writers with their own personas who saw neither the training set,
// the patterns nor the other sets; 2 of 600 rows close to a message we
// hold were dropped unread. Never trained or tuned on. The model of
// session 10 kept 0.793 of them out of a crisis reply: one in five got
// one. Session 11, measured when each change was finished: four writers
// of everyday messages trained on (CrisisMin 0.25) 0.861; eight writers,
// at CrisisMin 0.2 (chosen first by leaving one writer out) 0.885, and at
// 0.25 (chosen then on the development checks) 0.893. Session 13 (ten
// more files of short and trigger-word messages trained on) 0.923; after
// four more writers 0.925.
func TestSafetyHeldOutEveryday(t *testing.T) {
	heldOutFloors(t, "../../testdata/safety/heldout-everyday-2026-12-02.tsv", map[string]float64{"benign": everydayFloor})
}

// TestSafetyHeldOut4 measures the triage on
// testdata/safety/heldout-2026-12-02b.tsv: 566 messages (245 crisis:
// self-harm 72, assault 59, abuse 55, minor 59; 321 benign messages with
// alarming words, in five languages) by one writer with four personas of
// its own who saw neither the training set, the patterns nor the other
// sets; 34 rows close to a message we hold were dropped unread. Never
// trained or tuned on. Measured with session 11's model before session
// 12's training: crisis 0.918, self-harm 0.903, assault 0.915, abuse
// 0.909, minor 0.949, benign kept out 0.885 (seven of its misses were
// printed once by that run's -v, before misses were hidden behind
// CONFIDANT_SAFETY_MISSES; nothing was tuned on them). Session 13, first
// round: crisis 0.927, self-harm 0.917, assault 0.915, abuse 0.909, minor
// 0.966, benign 0.916; second round: crisis 0.939 (model alone 0.943),
// self-harm 0.931, assault 0.932, abuse 0.909, minor 0.983, benign 0.919.
// Session 17 (dropout in training, the decline fixes): crisis 0.939,
// assault 0.915 (one fewer), minor 1.000 (one more), benign 0.913 (two
// fewer); over the six sets five more crisis messages got their crisis
// reply and five more benign ones were kept out. The floors sit just
// under.
func TestSafetyHeldOut4(t *testing.T) {
	heldOutFloors(t, "../../testdata/safety/heldout-2026-12-02b.tsv", map[string]float64{
		"crisis/self-harm": 0.93, "crisis/sexual-assault": 0.91, "crisis/abuse": 0.90, "crisis/minor": 0.98, "benign": 0.91,
	})
}

// TestSafetyHeldOut5 measures the triage on
// testdata/safety/heldout-2026-12-03.tsv: 699 messages (338 crisis:
// self-harm 101, assault 72, abuse 97, minor 68; 242 benign with alarming
// words; concern, past and teen; 279 in Spanish, Portuguese, French or
// German) by four writers with personas of their own (a night
// pharmacist's customers, a gaming platform's safety officer, a perinatal
// nurse, a rural social worker) who saw only the label definitions; 101
// of 800 rows close to anything we hold were dropped unread. Never trained
// or tuned on. Measured once with the shipped model (session 13): crisis
// 0.947 (any crisis reply 0.982), self-harm 0.950, assault 0.931, abuse
// 0.969, minor 0.926, benign kept out 0.946, past 0.882, teen 0.852. A
// model trained besides on the ten pending writers of
// testdata/safety/pending-2026-12-03 read the same (crisis 320 of 338,
// benign 230 of 242) and was not kept. The floors sit just under.
func TestSafetyHeldOut5(t *testing.T) {
	heldOutFloors(t, "../../testdata/safety/heldout-2026-12-03.tsv", map[string]float64{
		"crisis/self-harm": 0.94, "crisis/sexual-assault": 0.93, "crisis/abuse": 0.96, "crisis/minor": 0.92, "benign": 0.94,
	})
}

// heldOutFloors prints the figures of the patterns alone, the model alone
// and both on the labelled set at path, and fails where the combined
// triage is below a floor.
func heldOutFloors(t *testing.T, path string, floors map[string]float64) {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	set := safety.ParseExamples(string(b))
	rules := knowledgetest.MustDefault(t).Triage
	var combined safety.SafetyReport
	for _, mode := range []struct {
		name string
		mode safety.Mode
	}{{"patterns alone", safety.PatternsOnly}, {"model alone", safety.ModelOnly}, {"combined", safety.Combined}} {
		tr := safety.New(rules)
		tr.Mode = mode.mode
		r := safety.Evaluate(tr, set)
		var out strings.Builder
		r.Print(&out)
		t.Logf("%s, %s:\n%s", path, mode.name, out.String())
		if mode.mode == safety.Combined {
			combined = r
		}
	}
	for label, floor := range floors {
		if got := combined.Rate(label); got < floor {
			t.Errorf("%s %s: %.3f, below the floor %.2f", path, label, got, floor)
		}
	}
}

// TestSafetySet prints the combined triage's figures on any labelled file
// (label, lang, message), for example a new writer's messages before they
// join the training data: CONFIDANT_SAFETY_SET=FILE go test -v -run
// 'SafetySet$' ./bot/safety. The misses are printed only with
// CONFIDANT_SAFETY_MISSES=1, so that measuring a held-out set does not
// show them.
func TestSafetySet(t *testing.T) {
	path := os.Getenv("CONFIDANT_SAFETY_SET")
	if path == "" {
		t.Skip("set CONFIDANT_SAFETY_SET to a labelled file")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := safety.Evaluate(safety.New(knowledgetest.MustDefault(t).Triage), safety.ParseExamples(string(b)))
	var out strings.Builder
	r.Print(&out)
	t.Logf("%s:\n%s", path, out.String())
	if os.Getenv("CONFIDANT_SAFETY_MISSES") == "1" {
		for _, m := range r.Misses {
			t.Log("miss\t" + m)
		}
	}
}

// TestSafetyDev20261202 holds floors on three writers' files of
// 2026-12-02 (testdata/safety/dev-2026-12-02-*.tsv: self-harm, abuse and
// assault, ordinary questions; 420 rows each), written for training. As
// they came, the model of session 8 read: crisis 0.911 and 0.930, benign
// kept out 0.921, 0.887 and 0.994, past 0.733, 1.000 and 0.900. Trained
// on, they moved the three held-out sets by less than a point either way
// (0.939 / 0.962 / 0.943) and sent 6 of 63 short ordinary messages to a
// crisis reply instead of 2, so they were not kept for training; they are
// development sets. The past markers added on them ("in recovery", "years
// out", "long over", "decade ago", ...) raised past to 0.933 and 0.950;
// 25 patterns written from their missed crises ("wasting oxygen", "this is
// it for me", "tell my mum i love", "i said no & choked me", a coach who
// says not to tell the parents) raised crisis to 0.958 and 0.941 with no
// more of the 29,499 non-crisis training messages or the development
// quality sets' ordinary questions sent to crisis, and left the three
// held-out sets where they were (0.942 / 0.959 / 0.948). Session 10's
// model (pairs of words apart, the "said no" fix): self-harm 0.958 ->
// 0.947, abuse 0.892, benign 0.921 -> 0.929 and 0.887 -> 0.900, while the
// held-out sets rose to 0.950 / 0.962 / 0.948.
func TestSafetyDev20261202(t *testing.T) {
	heldOutFloors(t, "../../testdata/safety/dev-2026-12-02-s1-selfharm.tsv", map[string]float64{
		"crisis/self-harm": 0.94, "benign": 0.92, "past": 0.93,
	})
	heldOutFloors(t, "../../testdata/safety/dev-2026-12-02-s2-abuse.tsv", map[string]float64{
		"crisis/abuse": 0.88, "crisis/sexual-assault": 0.98, "crisis/minor": 0.96, "benign": 0.88, "past": 0.99,
	})
	heldOutFloors(t, "../../testdata/safety/dev-2026-12-02-s3-ordinary.tsv", map[string]float64{
		"benign": 0.99, "past": 0.94, "teen": 0.99,
	})
}

// TestSafetyEveryday20261202 holds floors on two writers' everyday
// messages of 2026-12-02 (testdata/safety/dev-2026-12-02-everyday-*.tsv:
// DIY, cars, gardening, gifts for children, first aid, money; 40 in other
// languages), written to train the model on text far from sexual health,
// after a development set of such questions found 23 of 440 sent to a
// crisis reply. As they came the model kept 0.875 and 0.915 of them out
// of crisis (0.70 to 0.90 in Spanish, Portuguese, French and German).
// Trained on, they took the development set from 23 crisis replies to 18
// but cost the held-out sets three crisis replies, two of them sexual
// assault (0.975 -> 0.950 and 0.952 -> 0.929), so they were not kept for
// training: the floors hold the defect where it is.
func TestSafetyEveryday20261202(t *testing.T) {
	heldOutFloors(t, "../../testdata/safety/dev-2026-12-02-everyday-b1.tsv", map[string]float64{"benign": 0.87})
	heldOutFloors(t, "../../testdata/safety/dev-2026-12-02-everyday-b2.tsv", map[string]float64{"benign": 0.91})
}

// everydayFloor is the least share of the everyday held-out set kept out
// of a crisis reply.
const everydayFloor = 0.92

// TestSafetyHeldOut6 measures the triage on
// testdata/safety/heldout-2026-12-03c.tsv: 757 messages (329 crisis:
// self-harm 106, assault 68, abuse 89, minor 66; 272 benign with alarming
// words; concern 74, past 54, teen 28; 303 in Spanish, Portuguese, French
// or German) by four writers with personas of their own (a school
// counsellor in Texas and Mexico City; an LGBTQ+ and sexual-health peer
// line in Lisbon and São Paulo; a community health worker in Montreal and
// Brussels; a hospital social worker in Vienna and Hamburg who moderates
// forums for men over 40 and for gamers) who saw only the label
// definitions; 43 of 800 close to anything we hold (word-set Jaccard 0.6
// or more) were dropped unread. Never trained or tuned on. Measured once as
// it came, with the shipped model and session 15's patterns: crisis 0.942
// (310 of 329; any crisis reply 0.982, the right help first or also
// 0.976), self-harm 0.981, assault 0.882, abuse 0.910, minor 0.985, benign
// kept out 0.938, past 0.852, teen 0.964; the model alone 0.942 / 0.945,
// the patterns alone 0.149 / 0.930. The floors sit just under.
func TestSafetyHeldOut6(t *testing.T) {
	heldOutFloors(t, "../../testdata/safety/heldout-2026-12-03c.tsv", map[string]float64{
		"crisis/self-harm": 0.97, "crisis/sexual-assault": 0.87, "crisis/abuse": 0.90, "crisis/minor": 0.98, "benign": 0.93,
	})
}

// TestSafetyHeldOut7 measures the triage on
// testdata/safety/heldout-2026-12-03d.tsv: 933 messages (435 crisis:
// self-harm 121, assault 109, abuse 119, minor 86; 313 benign with alarming
// words; concern 96, past 58, teen 32; 313 in Spanish, Portuguese, French
// or German) by five writers with personas of their own (a university
// sexual-violence prevention officer in Manchester and Dublin; a crisis
// text line supervisor in Ontario and Quebec; an outreach worker with
// migrant domestic workers in Madrid, Lisbon and Berlin; a moderator of
// Discord servers for trans adults and for gamers; a social worker for
// older and disabled adults in Ohio and Bavaria) who saw only the label
// definitions; 66 of 1,000 close to anything we hold were dropped unread.
// Never trained or tuned on. Measured once with the code of the session's
// start (32afbbd): crisis 0.929 (404 of 435; self-harm 0.959, assault
// 0.890, abuse 0.916, minor 0.953), benign kept out 0.984, past 0.879, teen
// 0.969; and once when session 18's triage changes were finished (a
// negation before a qualifier part no longer denies, DenyOverrule,
// ShortSure): crisis 0.940 (409; any crisis reply 0.982, the right help
// first or also 0.966; assault 0.917, abuse 0.933, the rest as before),
// benign, past and teen unchanged. The floors sit just under.
func TestSafetyHeldOut7(t *testing.T) {
	heldOutFloors(t, "../../testdata/safety/heldout-2026-12-03d.tsv", map[string]float64{
		"crisis/self-harm": 0.95, "crisis/sexual-assault": 0.91, "crisis/abuse": 0.92, "crisis/minor": 0.94, "benign": 0.98,
	})
}

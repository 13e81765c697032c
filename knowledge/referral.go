package knowledge

// The referral keys an entry may name. Their wording lives in referrals.yaml
// so moderators can change it without touching code.
const (
	ReferralTherapist           = "therapist"
	ReferralDoctor              = "doctor"
	ReferralDoctorThenTherapist = "doctor-then-therapist"
	// ReferralClinic is a sexual-health clinic or family-planning service:
	// contraception, emergency contraception, STI and HIV testing.
	ReferralClinic = "clinic"
	ReferralCrisis = "crisis"
	ReferralNone   = "none"
	// ReferralGeneral is not for entries: it is what an out-of-scope reply suggests.
	ReferralGeneral = "general"
)

// EntryReferrals are the values an entry's referral field may take.
var EntryReferrals = []string{ReferralTherapist, ReferralDoctor, ReferralDoctorThenTherapist, ReferralClinic, ReferralCrisis, ReferralNone}

// Referral is the wording of one kind of "who can help" suggestion.
type Referral struct {
	Text string `yaml:"text"`
	// Link, when set, is a directory where the person can find that provider.
	LinkTitle string `yaml:"link_title"`
	LinkURL   string `yaml:"link_url"`
}

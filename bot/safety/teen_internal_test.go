package safety

import "testing"

// TestStatesMinorAge: ages and school years only teenagers are in say the
// writer is under 18 (a teen notice, not a crisis); counts, units and an
// adult's past do not.
func TestStatesMinorAge(t *testing.T) {
	for _, c := range []struct {
		msg  string
		want bool
	}{
		{"im 15 and wondering about condoms", true},
		{"i'm fourteen is it normal", true},
		{"in 9th grade and confused about my crush", true},
		{"je suis en secondaire 3", true},
		{"estoy en 4º de la ESO", true},
		{"tenho 14 anos", true},
		{"voy en 2do de secu y me gusta una compañera", true},          // Mexico
		{"sou do 2 ano do ensino medio, onde consigo camisinha", true}, // Brazil
		{"to no ensino medio e tenho uma duvida", true},
		{"en 4e, je sais pas comment dire à mon copain", true}, // "4e" as fold leaves it
		{"je suis en 3ème et j'ai une question", true},
		{"en 2nde on a eu un cours sur la contraception", true},
		{"my period is 15 days late", false},
		{"at 11 weeks pregnant is sex safe", false},
		{"turning 15 minutes into an hour in bed", false},
		{"quando eu estava no ensino medio eu sofri bullying, hoje tenho 30", false},
		{"en se couchant il a mal au dos", false},
		{"soy profesora y tengo 35", false},
		{"hoy estoy bien, pero hace 10 años intenté suicidarme", false}, // a time ago, not an age
		{"il y a 15 ans, je me scarifiais", false},
		{"vor 12 Jahren war ich in der Klinik", false},
		{"tengo 15 años y tengo una duda", true},
		{"tengo casi 15 años", true}, // "almost": still an age, not a time ago
		{"ma copine et moi on a 17 ans, où acheter des préservatifs", true},
	} {
		if got := statesMinorAge(fold(c.msg)); got != c.want {
			t.Errorf("statesMinorAge(%q) = %v, want %v", c.msg, got, c.want)
		}
	}
}

package store_test

import (
	"bytes"
	"image/png"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/bot/store"
)

func TestChart(t *testing.T) {
	start := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		days []store.DayCount
	}{
		{"none", nil},
		{"one", []store.DayCount{{Day: start, Count: 7}}},
		{"zeros", []store.DayCount{{Day: start}, {Day: start.AddDate(0, 0, 1)}}},
		{"month", func() []store.DayCount {
			var days []store.DayCount
			for i := range 30 {
				days = append(days, store.DayCount{Day: start.AddDate(0, 0, i), Count: i * 37 % 120})
			}
			return days
		}()},
		{"many days, big counts", func() []store.DayCount {
			var days []store.DayCount
			for i := range 2000 {
				days = append(days, store.DayCount{Day: start.Add(time.Duration(i) * 24 * time.Hour), Count: 1234567 - i})
			}
			return days
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := store.Chart(tc.days, &buf); err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(&buf)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if got, want := img.Bounds().Size().X, store.ChartWidth; got != want {
				t.Errorf("width = %d, want %d", got, want)
			}
			if got, want := img.Bounds().Size().Y, store.ChartHeight; got != want {
				t.Errorf("height = %d, want %d", got, want)
			}
			// The busiest day's bar reaches near the top; with no counts nothing does.
			tall := false
			for x := 0; x < store.ChartWidth; x++ {
				r, g, b, _ := img.At(x, 12).RGBA()
				if g > r && g > b { // the bar colour is green-blue
					tall = true
				}
			}
			if busy := tc.name != "none" && tc.name != "zeros"; tall != busy {
				t.Errorf("a bar reaches the top: %v, want %v", tall, busy)
			}
		})
	}
}

package store

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"strconv"
)

// Size of the PNG that Chart draws.
const (
	ChartWidth  = 640
	ChartHeight = 240
)

var (
	chartBackground = color.RGBA{0xff, 0xff, 0xff, 0xff}
	chartAxis       = color.RGBA{0x55, 0x55, 0x55, 0xff}
	chartBar        = color.RGBA{0x2a, 0x9d, 0x8f, 0xff}
)

// digitFont is 3×5 pixels per digit, one row per byte, high bit left.
var digitFont = [10][5]byte{
	{7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {7, 1, 7, 4, 7}, {7, 1, 7, 1, 7}, {5, 5, 7, 1, 1},
	{7, 4, 7, 1, 7}, {7, 4, 7, 5, 7}, {7, 1, 1, 1, 1}, {7, 5, 7, 5, 7}, {7, 5, 7, 1, 7},
}

const fontScale = 2

// Chart draws days as a PNG bar chart of ChartWidth×ChartHeight, oldest on
// the left, bars scaled to the busiest day, whose count is written at the top
// of the y axis.
func Chart(days []DayCount, w io.Writer) error {
	img := image.NewRGBA(image.Rect(0, 0, ChartWidth, ChartHeight))
	draw.Draw(img, img.Bounds(), image.NewUniform(chartBackground), image.Point{}, draw.Src)

	most := 0
	for _, d := range days {
		most = max(most, d.Count)
	}
	label := strconv.Itoa(most)
	const top, right, bottom = 10, 8, 10
	left := len(label)*4*fontScale + 8
	plot := image.Rect(left, top, ChartWidth-right, ChartHeight-bottom)

	fill(img, image.Rect(plot.Min.X-1, plot.Min.Y, plot.Min.X, plot.Max.Y+1), chartAxis)
	fill(img, image.Rect(plot.Min.X-1, plot.Max.Y, plot.Max.X, plot.Max.Y+1), chartAxis)
	drawDigits(img, label, 4, plot.Min.Y)
	drawDigits(img, "0", left-4*fontScale-4, plot.Max.Y-5*fontScale)

	if n := len(days); n > 0 && most > 0 {
		slot := float64(plot.Dx()) / float64(n)
		width := max(1, int(slot*0.8))
		for i, d := range days {
			h := max(0, d.Count) * plot.Dy() / most
			x := plot.Min.X + int(float64(i)*slot+(slot-float64(width))/2)
			fill(img, image.Rect(x, plot.Max.Y-h, x+width, plot.Max.Y), chartBar)
		}
	}
	if err := png.Encode(w, img); err != nil {
		return fmt.Errorf("chart: %w", err)
	}
	return nil
}

func fill(img *image.RGBA, r image.Rectangle, c color.Color) {
	draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
}

// drawDigits writes s, which holds only digits, with its top left at x, y.
func drawDigits(img *image.RGBA, s string, x, y int) {
	for _, r := range s {
		glyph := digitFont[r-'0']
		for row, bits := range glyph {
			for col := range 3 {
				if bits&(4>>col) != 0 {
					px, py := x+col*fontScale, y+row*fontScale
					fill(img, image.Rect(px, py, px+fontScale, py+fontScale), chartAxis)
				}
			}
		}
		x += 4 * fontScale
	}
}

package eql

import "testing"

func TestWindow(t *testing.T) {
	tests := []struct {
		name  string
		size  int
		tail  bool
		pipes string
		n     int
		want  [2]int // bounds over 10 items
	}{
		{"default tail", 10, true, "", 10, [2]int{0, 10}},
		{"tail 3", 50, true, "| tail 3", 10, [2]int{7, 10}},
		{"head 6 with tail position", 50, true, "| head 6", 10, [2]int{0, 6}},
		{"head 4 | tail 2", 50, false, "| head 4 | tail 2", 10, [2]int{2, 4}},
		{"tail 2 | head 1", 50, false, "| tail 2 | head 1", 10, [2]int{8, 9}},
		{"size caps the pipe", 3, false, "| head 5", 10, [2]int{0, 3}},
		{"a wider second limit is ignored", 50, false, "| head 2 | tail 5", 10, [2]int{0, 2}},
		{"head 0", 50, false, "| head 0", 10, [2]int{0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := Parse("any where true " + tt.pipes)
			if err != nil {
				t.Fatal(err)
			}
			lo, hi := planWindow(tt.size, tt.tail, q.Pipes).bounds(tt.n)
			if [2]int{lo, hi} != tt.want {
				t.Errorf("bounds = [%d, %d), want %v", lo, hi, tt.want)
			}
		})
	}
}

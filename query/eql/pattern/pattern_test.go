package pattern

import "testing"

func TestWildcard(t *testing.T) {
	tests := []struct {
		pattern     string
		insensitive bool
		escapes     bool
		value       string
		want        bool
	}{
		{"*.exe", false, false, "cmd.exe", true},
		{"*.exe", false, false, "cmd.EXE", false},
		{"*.exe", true, false, "cmd.EXE", true},
		{"?:\\Windows\\*", true, false, "C:\\windows\\system32", true},
		{"c?d", false, false, "cd", false},
		{"c?d", false, false, "cäd", true},
		{"a*b*c", false, false, "axxbyyc", true},
		{"a*b*c", false, false, "axxbyy", false},
		{"*", false, false, "", true},
		{"", false, false, "", true},
		{"é*", true, false, "Éa", true},
		{"x\\*", false, true, "x*", true},
		{"x\\*", false, true, "xa", false},
		{"x\\*", false, false, "x\\abc", true},
	}
	for _, tt := range tests {
		if got := CompileWildcard(tt.pattern, tt.insensitive, tt.escapes).Match(tt.value); got != tt.want {
			t.Errorf("%q (insensitive %v, escapes %v) on %q = %v, want %v", tt.pattern, tt.insensitive, tt.escapes, tt.value, got, tt.want)
		}
	}
}

func TestRegexp(t *testing.T) {
	tests := []struct {
		pattern     string
		insensitive bool
		value       string
		want        bool
	}{
		{`[a-z]+\.exe`, false, "cmd.exe", true},
		{`[a-z]+\.exe`, false, "xcmd.exe.bak", false},
		{`[a-z]+\.exe`, true, "CMD.EXE", true},
		{`cmd`, true, "CMD", true},
		{`.*\d{3}`, false, "abc123", true},
		{`a{2,3}`, false, "aaaa", false},
		{`@`, false, "anything\nat all", true},
		{`"a.b"`, false, "a.b", true},
		{`"a.b"`, false, "axb", false},
		{`a#`, false, "a", false},
		{`^a$`, false, "^a$", true},
		{`[^-]*`, false, "abc", true},
		{`[\-x]`, false, "-", true},
		{`()a`, false, "a", true},
		{`[ʰ-˿]+`, false, "ʰ", true},
	}
	for _, tt := range tests {
		re, err := CompileRegexp(tt.pattern, tt.insensitive)
		if err != nil {
			t.Errorf("CompileRegexp(%q): %v", tt.pattern, err)
			continue
		}
		if got := re.Match(tt.value); got != tt.want {
			t.Errorf("%q (insensitive %v) on %q = %v, want %v (as %s)", tt.pattern, tt.insensitive, tt.value, got, tt.want, re)
		}
	}
}

func TestRegexpUnsupported(t *testing.T) {
	for _, p := range []string{`a&b`, `~a`, `<1-5>`, `(a`, `[a`, `a{x}`, `\`} {
		if _, err := CompileRegexp(p, false); err == nil {
			t.Errorf("CompileRegexp(%q) succeeded, want an error", p)
		}
	}
}

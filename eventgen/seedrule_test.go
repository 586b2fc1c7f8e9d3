package eventgen

import (
	"os"
	"strings"
	"testing"
)

// seedRuleQuery is the built-in rule's query, which missedClause mirrors
// clause by clause to tell which way a near miss misses it; the EQL engine
// decides whether an event matches.
const seedRuleQuery = `file where host.os.type == "windows" and event.type != "deletion" and
  file.extension : ("exe", "dll") and
  process.name : ("smss.exe",
                  "autochk.exe",
                  "csrss.exe",
                  "wininit.exe",
                  "services.exe",
                  "lsass.exe",
                  "winlogon.exe",
                  "userinit.exe",
                  "LogonUI.exe") and
  not (
    process.name : "smss.exe" and
    file.path : (
      "?:\\Windows\\System32\\wpbbin.exe",
      "\\Device\\HarddiskVolume*\\Windows\\System32\\wpbbin.exe"
    )
  ) and
  not (
    process.name : "lsass.exe" and
    file.path : (
      "?:\\Windows\\System32\\eac_usermode_*.dll",
      "\\Device\\HarddiskVolume*\\Windows\\System32\\eac_usermode_*.dll"
    )
  )`

// TestSeedRuleQueryUnchanged fails when the built-in rule's query changes,
// so that missedClause is brought along.
func TestSeedRuleQueryUnchanged(t *testing.T) {
	b, err := os.ReadFile("../rules/builtin/defense_evasion_system_critical_proc_abnormal_file_activity.toml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), seedRuleQuery) {
		t.Fatal("the built-in rule's query is not seedRuleQuery any more: update seedRuleQuery and missedClause")
	}
}

// missedClause names the first clause of seedRuleQuery doc fails, or ""
// when it matches. EQL's == is case-sensitive; its : is case-insensitive,
// with * and ? wildcards; the generator's event.type arrays hold one value.
func missedClause(doc map[string]any) string {
	name, path := field(doc, "process.name"), field(doc, "file.path")
	switch {
	case !hasValue(doc, "event.category", "file"):
		return "category"
	case field(doc, "host.os.type") != "windows":
		return "host.os.type"
	case hasValue(doc, "event.type", "deletion"):
		return "event.type"
	case !like(field(doc, "file.extension"), "exe", "dll"):
		return "file.extension"
	case !like(name, "smss.exe", "autochk.exe", "csrss.exe", "wininit.exe", "services.exe",
		"lsass.exe", "winlogon.exe", "userinit.exe", "LogonUI.exe"):
		return "process.name"
	case like(name, "smss.exe") && like(path,
		`?:\Windows\System32\wpbbin.exe`, `\Device\HarddiskVolume*\Windows\System32\wpbbin.exe`):
		return "smss.exe exclusion"
	case like(name, "lsass.exe") && like(path,
		`?:\Windows\System32\eac_usermode_*.dll`, `\Device\HarddiskVolume*\Windows\System32\eac_usermode_*.dll`):
		return "lsass.exe exclusion"
	}
	return ""
}

// lookup returns the value at a dotted path of nested objects.
func lookup(doc map[string]any, path string) (any, bool) {
	var v any = doc
	for key := range strings.SplitSeq(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[key]; !ok {
			return nil, false
		}
	}
	return v, true
}

// field returns a string field, "" when missing or not a string.
func field(doc map[string]any, path string) string {
	v, _ := lookup(doc, path)
	s, _ := v.(string)
	return s
}

// hasValue reports whether the field is want, or an array holding want.
func hasValue(doc map[string]any, path, want string) bool {
	v, _ := lookup(doc, path)
	switch v := v.(type) {
	case string:
		return v == want
	case []any:
		for _, e := range v {
			if e == want {
				return true
			}
		}
	}
	return false
}

// like is EQL's s : (patterns...): case-insensitive, * any run of
// characters, ? one character. A missing field ("") matches nothing here.
func like(s string, patterns ...string) bool {
	if s == "" {
		return false
	}
	for _, p := range patterns {
		if wildcard(strings.ToLower(s), strings.ToLower(p)) {
			return true
		}
	}
	return false
}

func wildcard(s, p string) bool {
	for p != "" {
		switch p[0] {
		case '*':
			for i := len(s); i >= 0; i-- {
				if wildcard(s[i:], p[1:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
			s, p = s[1:], p[1:]
		default:
			if s == "" || s[0] != p[0] {
				return false
			}
			s, p = s[1:], p[1:]
		}
	}
	return s == ""
}

func TestLike(t *testing.T) {
	tests := []struct {
		s, pattern string
		want       bool
	}{
		{"LSASS.EXE", "lsass.exe", true},
		{"lsasss.exe", "lsass.exe", false},
		{`C:\Windows\System32\wpbbin.exe`, `?:\Windows\System32\wpbbin.exe`, true},
		{`c:\windows\system32\WPBBIN.EXE`, `?:\Windows\System32\wpbbin.exe`, true},
		{`C:\Windows\SysWOW64\wpbbin.exe`, `?:\Windows\System32\wpbbin.exe`, false},
		{`\Device\HarddiskVolume3\Windows\System32\wpbbin.exe`, `\Device\HarddiskVolume*\Windows\System32\wpbbin.exe`, true},
		{`C:\Windows\System32\eac_usermode_1234.dll`, `?:\Windows\System32\eac_usermode_*.dll`, true},
		{`C:\Windows\System32\drivers\eac_usermode_1234.dll`, `?:\Windows\System32\eac_usermode_*.dll`, false},
		{"", "*", false},
	}
	for _, tt := range tests {
		if got := like(tt.s, tt.pattern); got != tt.want {
			t.Errorf("like(%q, %q) = %v, want %v", tt.s, tt.pattern, got, tt.want)
		}
	}
}

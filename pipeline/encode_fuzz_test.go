package pipeline

import (
	"encoding/json"
	"testing"
)

// FuzzAppendString checks that any string, invalid UTF-8 included, is
// written as valid JSON that decodes to what encoding/json would give.
func FuzzAppendString(f *testing.F) {
	for _, seed := range []string{"", "plain", "quote \" and \\ slash", "tab\tnewline\n",
		"\x00\x1f\x7f", "bad \xff\xfe utf-8", "line sep \u2028\u2029", "é 数字 🙂"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		encoded := appendString(nil, s)
		var got string
		if err := json.Unmarshal(encoded, &got); err != nil {
			t.Fatalf("%q encoded as invalid JSON %s: %v", s, encoded, err)
		}
		reference, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var want string
		if err := json.Unmarshal(reference, &want); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%q decodes to %q, encoding/json gives %q", s, got, want)
		}
	})
}

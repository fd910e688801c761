package engine

import "testing"

func TestIsolateLTR(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"اتصل بـ 116 الآن.", "اتصل بـ \u2066116\u2069 الآن."},
		{"خط نجدة الطفل: 16000 (مجاني)", "خط نجدة الطفل: \u206616000\u2069 (مجاني)"},
		{"- Childline Kenya: call 116 (free, 24/7)", "- \u2066Childline Kenya: call 116 (free, 24/7)\u2069"},
		{"زر https://takeitdown.ncmec.org/ للمساعدة", "زر \u2066 https://takeitdown.ncmec.org/ \u2069 للمساعدة"},
		{"لا شيء لاتيني", "لا شيء لاتيني"},
	} {
		if got := isolateLTR(tc.in); got != tc.want {
			t.Errorf("isolateLTR(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestIsolateLTREdges(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"+", "+"},
		{"a", "\u2066a\u2069"},
		{"(116)", "(\u2066116)\u2069"},
		{"اتصل: +254 712 345 678.", "اتصل: \u2066+254 712 345 678\u2069."},
	} {
		if got := isolateLTR(tc.in); got != tc.want {
			t.Errorf("isolateLTR(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

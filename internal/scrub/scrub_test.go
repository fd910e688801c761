package scrub

import "testing"

func TestText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"my email is amina.k@gmail.com help", "my email is [email] help"},
		{"he sent https://bit.ly/x?y=1 and www.site.example/a", "he sent [link] and [link]"},
		{"his snap is @bad_guy99", "his snap is [handle]"},
		{"call me on +254 712 345 678 pls", "call me on [number] pls"},
		{"0712-345-678", "[number]"},
		{"my id 1234567", "my id [number]"},
		{"i am 14 and he is 25", "i am 14 and he is 25"},
		{"what is sextortion", "what is sextortion"},
	} {
		if got := Text(tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

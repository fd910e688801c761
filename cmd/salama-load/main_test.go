package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// The throughput scenario runs, briefly, and finds every reply (the figures
// themselves come from full runs, in docs/PERFORMANCE.md).
func TestThroughputSmoke(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"throughput", "-rate", "50", "-duration", "1s", "-chats", "20",
		"-devset", "../../faq/en/questions.tsv", "-store", "memory"}, &out, &errOut)
	if code != 0 || !strings.Contains(out.String(), "lost replies       0") {
		t.Errorf("exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
}

func TestWhatsAppSmoke(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"whatsapp", "-rate", "50", "-duration", "1s", "-users", "20",
		"-devset", "../../faq/en/questions.tsv"}, &out, &errOut)
	if code != 0 || !strings.Contains(out.String(), "lost replies       0") {
		t.Errorf("exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
}

func TestUnknownScenario(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"stampede"}, &out, &errOut); code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
}

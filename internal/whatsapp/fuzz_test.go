package whatsapp

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzDelivery: whatever a signed webhook call carries, decoding it and
// turning it into work never panics, and the answer is one the handler
// means to give. The adapter's queues are closed: every path up to them is
// exercised, nothing is sent.
func FuzzDelivery(f *testing.F) {
	for _, seed := range []string{
		call([]map[string]any{text(alice, "hello")}),
		call([]map[string]any{{"from": alice, "id": "w1", "timestamp": "1", "type": "interactive",
			"interactive": map[string]any{"type": "list_reply", "list_reply": map[string]any{"id": "topic:grooming"}}}}),
		call([]map[string]any{{"from": alice, "id": "w2", "timestamp": "x", "type": "image", "image": map[string]any{"caption": "look"}}}),
		call(nil, map[string]any{"id": "w3", "status": "failed", "recipient_id": bob, "errors": []any{map[string]any{"code": 131026}}}),
		call([]map[string]any{{"from": "", "id": "", "type": "text"}}),
		`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"other"},"messages":[{"from":"1","id":"2","type":"text","text":{"body":"x"}}]}}]}]}`,
		`{}`, `[]`, `null`, `{"entry":null}`, `{"entry":[{"changes":[{"value":{"messages":[null]}}]}]}`,
	} {
		f.Add(seed)
	}
	a, err := New(Config{Token: "t", PhoneNumberID: testPhoneID, AppSecret: testSecret, VerifyToken: "v",
		APIURL: "http://127.0.0.1:1", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, &echoEngine{})
	if err != nil {
		f.Fatal(err)
	}
	a.ready.Store(true)
	a.work.Close()
	h := a.Handler()
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest(http.MethodPost, Path, strings.NewReader(body))
		r.Header.Set("X-Hub-Signature-256", sign(body))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		switch w.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusServiceUnavailable, http.StatusTooManyRequests:
		default:
			t.Fatalf("POST %q = %d", body, w.Code)
		}
	})
}

package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// Secrets (the channels' tokens and signing secrets) come from the
// environment or from a file, never from a flag's default: a default would
// be printed by --help and by every mistyped flag. Each value read is also
// remembered, so that whatever the program writes to standard output or
// standard error (help, errors, logs, including a library's error that
// quotes a URL with the Telegram token in its path) has it replaced by
// [redacted].

// secret returns the secret setting name: the environment variable name, or
// the contents of the file named by name_FILE (as Docker, Compose, Kubernetes
// and systemd's LoadCredential= mount secrets), without its trailing line
// break. Both set at once is an error; neither is "" and no error. Errors name
// the variable and the file, never the value.
func secret(name string) (string, error) {
	v, file := os.Getenv(name), os.Getenv(name+"_FILE")
	switch {
	case v != "" && file != "":
		return "", usageError{fmt.Errorf("both %s and %s_FILE are set; set one", name, name)}
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", usageError{fmt.Errorf("%s_FILE: %w", name, err)}
		}
		v = strings.TrimRight(string(b), "\r\n")
		if strings.TrimSpace(v) == "" {
			return "", usageError{fmt.Errorf("%s_FILE: %s is empty", name, file)}
		}
	}
	redact(v)
	return v, nil
}

// secretFlags are the secret settings of a command: a flag each, with no
// default, whose value, when the flag is not given, is read by secret.
type secretFlags []secretFlag

type secretFlag struct {
	p    *string
	name string // the flag
	env  string // the variable, and env_FILE
}

// add registers a secret setting. The help names the variables, never a value.
func (s *secretFlags) add(fs *flag.FlagSet, p *string, name, env, help string) {
	fs.StringVar(p, name, "", fmt.Sprintf("%s (env %s or %s_FILE; better than this flag, which others can read in the process list)", help, env, env))
	*s = append(*s, secretFlag{p: p, name: name, env: env})
}

// load fills the settings whose flag was not given from their variables.
func (s secretFlags) load(fs *flag.FlagSet) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, sf := range s {
		if given[sf.name] {
			redact(*sf.p)
			continue
		}
		v, err := secret(sf.env)
		if err != nil {
			return err
		}
		*sf.p = v
	}
	return nil
}

// minRedact is the shortest value redacted: a shorter one would blank out
// ordinary words, and no real token is that short.
const minRedact = 4

// redactions are the secret values read so far by this process. They are
// global because every output of the process must hide them, whichever
// command read them.
var redactions struct {
	sync.Mutex
	values [][]byte
}

// redact adds a value to those every output hides.
func redact(v string) {
	if len(v) < minRedact {
		return
	}
	redactions.Lock()
	defer redactions.Unlock()
	for _, old := range redactions.values {
		if string(old) == v {
			return
		}
	}
	redactions.values = append(redactions.values, []byte(v))
}

// redactor writes to w with every secret value replaced by [redacted]. Each
// Write is redacted on its own; the program writes whole lines (slog writes
// a record in one call), so a value is not split across two.
type redactor struct{ w io.Writer }

func (r redactor) Write(p []byte) (int, error) {
	redactions.Lock()
	out := p
	for _, v := range redactions.values {
		if bytes.Contains(out, v) {
			out = bytes.ReplaceAll(out, v, []byte("[redacted]"))
		}
	}
	redactions.Unlock()
	if _, err := r.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

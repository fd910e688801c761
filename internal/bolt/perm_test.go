package bolt

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The data directory holds the secret that keys every user's record: Open
// makes one open to other users private, and refuses one it cannot,
// saying what to do.
func TestDataDirectoryIsMadePrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix file modes")
	}
	for _, mustExist := range []bool{false, true} {
		dir := filepath.Join(t.TempDir(), "data")
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if mustExist { // the operator's commands open an existing store
			s, err := Open(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
			os.Chmod(dir, 0o755)
		}
		var told os.FileMode
		s, err := Open(dir, Options{MustExist: mustExist, Tightened: func(_ string, was os.FileMode) { told = was }})
		if err != nil {
			t.Fatalf("Open(MustExist %v): %v", mustExist, err)
		}
		s.Close()
		if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 || told != 0o755 {
			t.Errorf("MustExist %v: mode %04o, told %04o; want 0700, told 0755", mustExist, fi.Mode().Perm(), told)
		}
	}
	// a new directory is made private, and nobody is told
	dir := filepath.Join(t.TempDir(), "new")
	s, err := Open(dir, Options{Tightened: func(string, os.FileMode) { t.Error("a new directory was tightened") }})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Errorf("new data directory mode %04o, want 0700", fi.Mode().Perm())
	}
}

func TestDataDirectoryThatCannotBeMadePrivateIsRefused(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix file modes")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	otherUsers := func(string, os.FileMode) error { return os.ErrPermission }
	_, err := Open(dir, Options{chmod: otherUsers})
	if err == nil || !strings.Contains(err.Error(), "open to other users (mode 0755)") || !strings.Contains(err.Error(), "chmod 700 "+dir) {
		t.Errorf("Open of a directory that cannot be made private = %v", err)
	}
	if _, serr := os.Stat(filepath.Join(dir, secretFile)); serr == nil {
		t.Error("a secret was written into a directory open to others")
	}
}

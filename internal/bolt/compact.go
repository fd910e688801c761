package bolt

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// compactTxSize bounds the memory one transaction of a compaction uses.
const compactTxSize = 4 << 20

// reopenTimeout is how long a compaction waits to take the swapped file
// back, should an operator's command have opened it in the instant between.
const reopenTimeout = 30 * time.Second

// compactSoon schedules a compaction after a deletion: at once when the last
// one is at least Options.CompactEvery old, else when it will be.
func (s *Store) compactSoon() {
	s.cmu.Lock()
	defer s.cmu.Unlock()
	if s.compactDue != nil {
		return // one is scheduled, and will see this deletion too
	}
	wait := max(s.opts.CompactEvery-s.opts.Now().Sub(s.lastCompact), 0)
	s.compactDue = time.AfterFunc(wait, func() {
		s.cmu.Lock()
		s.compactDue = nil
		s.cmu.Unlock()
		if err := s.Compact(); err != nil && !errors.Is(err, errClosed) && s.opts.CompactFailed != nil {
			s.opts.CompactFailed(err)
		}
	})
}

// Compact rewrites the database with only its live data, so that nothing
// deleted can be read from the file's free pages, and wipes the file it
// replaces (package comment). Other calls wait while it runs; it takes
// about a second for a hundred thousand users.
func (s *Store) Compact() error {
	if err := s.flush(); err != nil {
		return err
	}
	s.dbmu.Lock()
	defer s.dbmu.Unlock()
	if s.db == nil {
		return errClosed
	}
	s.cmu.Lock()
	s.lastCompact = s.opts.Now()
	s.cmu.Unlock()

	path := filepath.Join(s.dir, dbFile)
	tmp, old := filepath.Join(s.dir, compactFile), filepath.Join(s.dir, oldFile)
	_ = os.Remove(tmp)
	dst, err := bbolt.Open(tmp, 0o600, &bbolt.Options{Timeout: s.opts.Timeout})
	if err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	if err := bbolt.Compact(dst, s.db, compactTxSize); err != nil {
		dst.Close()
		os.Remove(tmp)
		return fmt.Errorf("compact: %w", err)
	}
	if err := dst.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("compact: %w", err)
	}
	// From here the live file is closed; whatever fails, reopen what is
	// under the usual name.
	if err := s.db.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("compact: %w", err)
	}
	s.db = nil
	// keep the old file reachable under another name, to wipe it once the
	// new one is in place; without hard links it is only replaced
	linked := os.Link(path, old) == nil
	swapErr := os.Rename(tmp, path)
	if swapErr != nil {
		os.Remove(tmp)
		if linked {
			os.Remove(old) // the old file is still the database
			linked = false
		}
	}
	db, err := openDB(path, reopenTimeout)
	if err != nil {
		return fmt.Errorf("compact: reopen: %w", err)
	}
	s.db = db
	if swapErr != nil {
		return fmt.Errorf("compact: %w", swapErr)
	}
	if linked {
		if err := wipe(old); err != nil {
			return fmt.Errorf("compact: wipe the old file: %w", err)
		}
	}
	return nil
}

// wipe overwrites a file with zeros, syncs it and removes it.
func wipe(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	if err == nil {
		_, err = io.CopyN(f, zeros{}, fi.Size())
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Remove(path)
}

// zeros is an endless reader of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

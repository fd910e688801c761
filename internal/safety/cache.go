package safety

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/salama-safety/salama/internal/content"
	"github.com/salama-safety/salama/internal/learn"
	"github.com/salama-safety/salama/internal/norm"
)

// cacheVersion changes whenever training, the features or the encoding
// change in a way the key below cannot see (folding has its own version).
const cacheVersion = "scorer-1"

var memo sync.Map // key → *Scorer

// TrainCached is Train, remembered: a scorer trained on exactly these
// examples and rules with these options is kept in memory for the life of
// the process and, when dir is not empty, in a file there, so that the next
// start (or a reload with unchanged content) reads it instead of training.
// The file holds only the model's weights, derived from the curated
// examples; nothing of any user. A missing, stale or unreadable file is
// ignored and replaced.
func TrainCached(dir string, examples []content.Example, rules []content.Rule) *Scorer {
	key := cacheKey(examples, rules)
	if s, ok := memo.Load(key); ok {
		return s.(*Scorer)
	}
	file := ""
	if dir != "" {
		file = filepath.Join(dir, "scorer-"+key[:32]+".bin")
		if data, err := os.ReadFile(file); err == nil {
			if s, err := decodeScorer(data); err == nil {
				memo.Store(key, s)
				return s
			}
		}
	}
	s := Train(examples, rules)
	memo.Store(key, s)
	if file != "" {
		if data, err := s.encode(); err == nil && writeFileAtomic(file, data) == nil {
			// the scorers of older content are of no more use
			old, _ := filepath.Glob(filepath.Join(dir, "scorer-*.bin"))
			for _, o := range old {
				if o != file {
					_ = os.Remove(o)
				}
			}
		} // a cache: failing to write it costs only time
	}
	return s
}

func cacheKey(examples []content.Example, rules []content.Rule) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%d\x00%d\x00%+v\x00", cacheVersion, norm.Version, learn.Buckets, Options)
	for _, ex := range examples {
		fmt.Fprintf(h, "e\x00%s\x00%s\x00%s\x00%s\n", ex.Lang, ex.Category, ex.Related, ex.Text)
	}
	for _, r := range rules {
		fmt.Fprintf(h, "r\x00%s\x00%s\x00%s\n", r.Lang, r.Category, r.Pattern)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// A cached scorer is scorerMagic, the length of the gob-encoded scorerFile,
// the scorerFile, then the encoded model (most of the bytes, read without
// reflection).
var scorerMagic = []byte("SALAMA-SCORER\x00\x01")

// scorerFile is what a cached scorer holds besides its model.
type scorerFile struct {
	Related  []string
	Words    map[string]uint32
	Prefixes map[string]uint32
	Longest  int
	HasLex   bool
}

func (s *Scorer) encode() ([]byte, error) {
	model, err := s.model.MarshalBinary()
	if err != nil {
		return nil, err
	}
	f := scorerFile{Related: s.related}
	if s.lex != nil {
		f.Words, f.Prefixes, f.Longest, f.HasLex = s.lex.words, s.lex.prefixes, s.lex.longest, true
	}
	var head bytes.Buffer
	if err := gob.NewEncoder(&head).Encode(f); err != nil {
		return nil, err
	}
	out := append([]byte(nil), scorerMagic...)
	out = binary.LittleEndian.AppendUint32(out, uint32(head.Len()))
	out = append(out, head.Bytes()...)
	return append(out, model...), nil
}

func decodeScorer(data []byte) (*Scorer, error) {
	if !bytes.HasPrefix(data, scorerMagic) || len(data) < len(scorerMagic)+4 {
		return nil, errors.New("safety: not a cached scorer of this version")
	}
	data = data[len(scorerMagic):]
	n := int(binary.LittleEndian.Uint32(data))
	data = data[4:]
	if n > len(data) {
		return nil, errors.New("safety: cached scorer truncated")
	}
	var f scorerFile
	if err := gob.NewDecoder(bytes.NewReader(data[:n])).Decode(&f); err != nil {
		return nil, err
	}
	m, err := learn.UnmarshalModel(data[n:])
	if err != nil {
		return nil, err
	}
	if len(f.Related) != len(content.Categories) || len(m.Classes) != len(content.Categories) {
		return nil, fmt.Errorf("safety: cached scorer has %d classes", len(m.Classes))
	}
	s := newScorer(m, f.Related)
	if f.HasLex {
		s.lex = newLexicon(nil, nil)
		s.lex.words, s.lex.prefixes, s.lex.longest = f.Words, f.Prefixes, f.Longest
		s.lex.index()
	}
	return s, nil
}

func writeFileAtomic(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), ".scorer-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

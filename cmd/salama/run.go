package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/salama-safety/salama/faq"
	"github.com/salama-safety/salama/internal/bolt"
	"github.com/salama-safety/salama/internal/content"
	"github.com/salama-safety/salama/internal/engine"
	"github.com/salama-safety/salama/internal/translation"
	"github.com/salama-safety/salama/locales"
)

const usage = `Salama answers questions about online grooming, sextortion and child sexual
abuse material, from a curated FAQ, in the user's language.

Usage:
  salama chat    [--lang TAG] [--country CC] [--content DIR] [--data DIR]
                 talk to the bot in this terminal, as on Telegram
  salama ask     [--lang TAG] [--country CC] [--format text|json] [--content DIR] [QUESTION]
                 answer QUESTION, or one question per line of standard input
  salama content check [--content DIR]
                 validate the FAQ, helpline, lexicon and locale files
  salama locales check|status [--diff TAG]|new TAG|extract|update [--locales DIR] [--content DIR]
                 for translators and curators: check the files, show progress
                 per language (and how the English changed), start a new
                 language, derive the English base files from faq/, record
                 which English each translation was made from
  salama eval safety [--folds 5] [--layer combined|rules-only|scorer-only] [--misses]
                 held-out figures of the safety router (k-fold cross-validation)
  salama stats   [--since 30d] [--format text|csv|json] [--data DIR]
                 answers per entry and language, clarify and fallback rates,
                 helpful percentages, from the anonymous counters
  salama gaps    [--since 30d] [--data DIR]
                 unanswered questions by language, similar ones together
                 (kept only with SALAMA_LOG_UNANSWERED=1)
  salama data forget --platform telegram|slack --user ID [--data DIR]
                 delete everything stored about one user
  salama serve   run the configured channels: Telegram when TELEGRAM_BOT_TOKEN
                 is set, Slack when SLACK_BOT_TOKEN is set (salama serve --help)
  salama version the release, commit and Go version of this binary

--content DIR serves an edited copy of the faq/ folder without rebuilding;
--locales DIR does the same for locales/. --country CC (or SALAMA_COUNTRY)
is the deployment's default country: users whose country is not known see
its helplines and emergency numbers. Flags may stand anywhere on the line;
salama COMMAND --help lists a command's flags. Exit status: 0 done, 1
failed, 2 a mistake in the command line or the configuration, 130
interrupted.

Data is kept in bbolt in the data directory, or, for several serve replicas,
in PostgreSQL: SALAMA_STORE=postgres://… with the same SALAMA_SECRET_FILE on
every replica. stats, gaps and data forget then use the database too.
`

// Run is the whole program, callable from tests. Everything it writes to
// stdout and stderr passes through a redactor that hides secret values.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	stdout, stderr = redactor{stdout}, redactor{stderr}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "chat":
		err = runChat(ctx, args[1:], stdin, stdout)
	case "ask":
		err = runAsk(ctx, args[1:], stdin, stdout)
	case "content":
		switch {
		case len(args) > 1 && args[1] == "check":
			err = runContentCheck(args[2:], stdout)
		case len(args) > 1 && isHelp(args[1]):
			fmt.Fprint(stdout, "Usage: salama content check [--content DIR] [--locales DIR]\n")
		default:
			err = usageError{errors.New("usage: salama content check [--content DIR] [--locales DIR]")}
		}
	case "locales":
		err = runLocales(args[1:], stdout)
	case "eval":
		err = runEval(args[1:], stdout)
	case "stats":
		err = runStats(ctx, args[1:], stdout, time.Now())
	case "gaps":
		err = runGaps(ctx, args[1:], stdout, time.Now())
	case "data":
		err = runData(ctx, args[1:], stdout)
	case "serve":
		err = runServe(ctx, args[1:], stdout, stderr)
	case "version":
		err = runVersion(args[1:], stdout)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "salama: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	var ue usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errInterrupted):
		fmt.Fprintf(stderr, "\nsalama %s: interrupted\n", args[0])
		return 130
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "salama %s: %v\n", args[0], err)
		return 2
	default:
		fmt.Fprintf(stderr, "salama %s: %v\n", args[0], err)
		return 1
	}
}

func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help" || arg == "help"
}

// contentFlags are the flags every command that loads content shares.
type contentFlags struct {
	content string
	locales string
}

func (c *contentFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.content, "content", "", "serve the content from this faq folder instead of the built-in one")
	fs.StringVar(&c.locales, "locales", "", "serve the messages from this locales folder instead of the built-in ones")
}

// builtin is the built-in content, loaded once per process: a Knowledge is
// never changed after loading, and tests run many commands.
var builtin struct {
	sync.Mutex
	k *engine.Knowledge
}

func (c *contentFlags) load() (*engine.Knowledge, error) {
	if c.content == "" && c.locales == "" {
		builtin.Lock()
		defer builtin.Unlock()
		if builtin.k != nil {
			return builtin.k, nil
		}
		k, err := c.loadFS()
		if err == nil {
			builtin.k = k
		}
		return k, err
	}
	return c.loadFS()
}

// loadCtx is load for an interactive command: Ctrl-C while the content
// loads (a few seconds) ends the command at once.
func (c *contentFlags) loadCtx(ctx context.Context) (*engine.Knowledge, error) {
	type loaded struct {
		k   *engine.Knowledge
		err error
	}
	done := make(chan loaded, 1)
	go func() {
		k, err := c.load()
		done <- loaded{k, err}
	}()
	select {
	case <-ctx.Done():
		return nil, errInterrupted
	case l := <-done:
		return l.k, l.err
	}
}

func (c *contentFlags) loadFS() (*engine.Knowledge, error) {
	var faqFS, locFS fs.FS = faq.FS, locales.FS
	if c.content != "" {
		faqFS = os.DirFS(c.content)
	}
	if c.locales != "" {
		locFS = os.DirFS(c.locales)
	}
	k, err := engine.LoadWith(faqFS, locFS, engine.LoadOptions{ScorerCache: cacheDir()})
	// loading makes about 55 MB of short-lived garbage; hand it back to the
	// system at once rather than carry it as resident memory
	debug.FreeOSMemory()
	return k, err
}

// countryFlag is --country: the deployment's default country, one setting
// for every channel, from $SALAMA_COUNTRY unless given.
type countryFlag struct{ code string }

func (c *countryFlag) register(fs *flag.FlagSet) {
	fs.StringVar(&c.code, "country", os.Getenv("SALAMA_COUNTRY"), "default country (ISO code in the helpline directory, e.g. KE) for users whose country is not known; its helplines and emergency numbers are shown to them (env SALAMA_COUNTRY)")
}

// check returns the code in upper case, or a usage error naming the known
// codes when the directory does not have it.
func (c *countryFlag) check(k *engine.Knowledge) (string, error) {
	code := strings.ToUpper(strings.TrimSpace(c.code))
	if code == "" || k.KnowsCountry(code) {
		return code, nil
	}
	return "", usageError{fmt.Errorf("--country %q is not in the helpline directory (set by --country or SALAMA_COUNTRY); use one of: %s", c.code, strings.Join(k.Content.Helplines.Codes, " "))}
}

// cacheDir is where derived files that save start-up time are kept (the
// trained safety scorer, PRIVACY.md): $SALAMA_CACHE ("off" for none), else
// systemd's $CACHE_DIRECTORY, else the OS's cache folder; "" (none) when
// none can be found.
func cacheDir() string {
	if v := os.Getenv("SALAMA_CACHE"); v == "off" {
		return ""
	}
	for _, v := range []string{"SALAMA_CACHE", "CACHE_DIRECTORY"} {
		if d := os.Getenv(v); d != "" {
			return d
		}
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "salama")
	}
	return ""
}

// dataDir is --data, else $SALAMA_DATA, else the OS's state directory.
func dataDir(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if v := os.Getenv("SALAMA_DATA"); v != "" {
		return v, nil
	}
	if v := os.Getenv("XDG_STATE_HOME"); v != "" {
		return filepath.Join(v, "salama"), nil
	}
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(dir, "salama"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no data directory: set --data or SALAMA_DATA")
	}
	return filepath.Join(home, ".local", "state", "salama"), nil
}

func openStore(flagValue string) (*bolt.Store, error) {
	dir, err := dataDir(flagValue)
	if err != nil {
		return nil, err
	}
	return bolt.Open(dir, bolt.Options{})
}

// runContentCheck runs the one validator (the same as `salama locales
// check`), prints its errors, and loads the content as the bot does.
func runContentCheck(args []string, stdout io.Writer) error {
	fset := newFlags("content check", "[--content DIR] [--locales DIR]", stdout)
	var cf contentFlags
	cf.register(fset.FlagSet)
	rest, err := fset.parse(args)
	if err != nil {
		return err
	}
	if err := fset.noArgs(rest); err != nil {
		return err
	}
	faqDir, locDir := cf.content, cf.locales
	if faqDir == "" {
		faqDir = "faq"
	}
	if locDir == "" {
		locDir = "locales"
	}
	var faqFS, locFS fs.FS = faq.FS, locales.FS
	if cf.content != "" {
		faqFS = os.DirFS(cf.content)
	}
	if cf.locales != "" {
		locFS = os.DirFS(cf.locales)
	}
	r := translation.Check(locFS, locDir, faqFS, faqDir)
	warnings := 0
	for _, f := range r.Findings {
		if f.Error {
			fmt.Fprintln(stdout, f)
		} else {
			warnings++
		}
	}
	if n := r.Errors(); n > 0 {
		return fmt.Errorf("%d errors", n)
	}
	k, err := cf.load()
	if err != nil {
		return err
	}
	en := k.Content.Langs[content.SourceLanguage]
	fmt.Fprintf(stdout, "content ok: %d entries, %d languages, %d countries, %d safety rules (en); %d warnings (salama locales check lists them)\n",
		len(en.Entries), len(k.Content.Langs), len(k.Content.Helplines.Codes), len(en.Rules), warnings)
	return nil
}

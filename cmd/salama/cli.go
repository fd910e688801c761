package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
)

// usageError is a mistake on the command line or in the configuration: the
// program exits 2, which the systemd unit does not restart
// (RestartPreventExitStatus=2), since trying again cannot fix it.
type usageError struct{ error }

// errInterrupted ends a command stopped by Ctrl-C or SIGTERM (exit 130).
var errInterrupted = errors.New("interrupted")

// flags is a subcommand's flag set as every subcommand parses it: flags may
// stand anywhere on the line (before "--"), --help prints the usage on
// standard output and exits 0, and a mistake is one line on standard error
// and exit 2.
type flags struct {
	*flag.FlagSet
	name, synopsis string
	out            io.Writer
	// text is true for a command whose arguments are free text (ask)
	text bool
}

// newFlags returns the flag set of `salama name`; synopsis is what follows
// the command's name in the usage ("[--since 30d] [--data DIR]"), and --help
// writes to out.
func newFlags(name, synopsis string, out io.Writer) *flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // parse reports mistakes itself, on one line
	fs.Usage = func() {}
	return &flags{FlagSet: fs, name: name, synopsis: synopsis, out: out}
}

// parse parses args, flags anywhere among them, and returns the others in
// order. After "--" everything is an argument.
func (f *flags) parse(args []string) ([]string, error) {
	var rest []string
	for {
		err := f.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			f.printUsage()
			return nil, flag.ErrHelp
		}
		if err != nil {
			hint := ""
			if f.text && strings.Contains(err.Error(), "not defined") {
				hint = `; to ask something that starts with "-", put it after -- (salama ask -- "-_- is this normal")`
			}
			return nil, usageError{fmt.Errorf("%v%s (salama %s --help lists the flags)", err, hint, f.name)}
		}
		left := f.Args()
		if len(left) == 0 {
			return rest, nil
		}
		if used := len(args) - len(left); used > 0 && args[used-1] == "--" {
			return append(rest, left...), nil
		}
		rest, args = append(rest, left[0]), left[1:]
	}
}

func (f *flags) printUsage() {
	fmt.Fprintf(f.out, "Usage: salama %s %s\n", f.name, f.synopsis)
	n := 0
	f.VisitAll(func(*flag.Flag) { n++ })
	if n == 0 {
		return
	}
	fmt.Fprintln(f.out, "\nFlags (anywhere on the line):")
	f.SetOutput(f.out)
	f.PrintDefaults()
	f.SetOutput(io.Discard)
}

// noArgs refuses arguments a command does not take.
func (f *flags) noArgs(args []string) error {
	if len(args) > 0 {
		return usageError{fmt.Errorf("unexpected argument %q (salama %s --help)", args[0], f.name)}
	}
	return nil
}

// readLines sends the lines of r until the end of input, then its error (nil
// at a clean end) on errc. The reading goroutine may outlive ctx, blocked in
// a read no signal can interrupt; the caller stops waiting for it at once.
func readLines(ctx context.Context, r io.Reader) (<-chan string, <-chan error) {
	lines, errc := make(chan string), make(chan error, 1)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		errc <- sc.Err()
	}()
	return lines, errc
}

// eachLine calls fn for each line of r, and returns errInterrupted at once
// when ctx is done (Ctrl-C, SIGTERM), even while waiting for input.
func eachLine(ctx context.Context, r io.Reader, fn func(string) error) error {
	lines, errc := readLines(ctx, r)
	for {
		select {
		case <-ctx.Done():
			return errInterrupted
		case line, ok := <-lines:
			if !ok {
				select {
				case err := <-errc:
					return err
				default: // stopped by ctx
					return errInterrupted
				}
			}
			if err := fn(line); err != nil {
				if ctx.Err() != nil {
					return errInterrupted
				}
				return err
			}
		}
	}
}

// version and commit are stamped by the release script
// (-ldflags "-X main.version=… -X main.commit=…"); when empty, they come from
// the build information Go records (the module version, and the commit with
// -buildvcs).
var version, commit string

// buildInfo is what `salama version` prints.
type buildInfo struct {
	Version, Commit, CommitTime string
	Modified                    bool
	Go, Platform                string
}

func readBuildInfo() buildInfo {
	b := buildInfo{Version: version, Commit: commit, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if info, ok := debug.ReadBuildInfo(); ok {
		if b.Version == "" {
			b.Version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				if b.Commit == "" {
					b.Commit = s.Value
				}
			case "vcs.time":
				b.CommitTime = s.Value
			case "vcs.modified":
				b.Modified = s.Value == "true"
			}
		}
	}
	if b.Version == "" {
		b.Version = "(devel)"
	}
	return b
}

func runVersion(args []string, stdout io.Writer) error {
	fs := newFlags("version", "", stdout)
	rest, err := fs.parse(args)
	if err != nil {
		return err
	}
	if err := fs.noArgs(rest); err != nil {
		return err
	}
	b := readBuildInfo()
	fmt.Fprintf(stdout, "salama %s\n", b.Version)
	c := b.Commit
	if c == "" {
		c = "unknown (built without -buildvcs or a release stamp)"
	}
	if b.CommitTime != "" {
		c += " (" + b.CommitTime + ")"
	}
	if b.Modified {
		c += ", with uncommitted changes"
	}
	fmt.Fprintf(stdout, "commit %s\n", c)
	fmt.Fprintf(stdout, "built with %s for %s\n", b.Go, b.Platform)
	return nil
}

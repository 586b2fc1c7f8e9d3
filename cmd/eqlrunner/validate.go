package main

import (
	"context"
	"fmt"
	"io"

	"github.com/eqlrunner/eqlrunner/rules"
)

func runValidate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("validate", stderr)
	lockPath := fs.String("version-lock", "", "detection-rules `version.lock.json` giving versions to rules without one")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: eqlrunner validate [flags] [PATH...]")
		fmt.Fprintln(stderr, "\nLoads rules from each PATH (a .toml or .ndjson file, or a directory tree),")
		fmt.Fprintln(stderr, "or the built-in rules when no PATH is given, and prints every problem.")
		fmt.Fprintln(stderr, "Exits 1 when any rule has an error.")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	opts := rules.LoadOptions{CheckQuery: checkEQL}
	if *lockPath != "" {
		lock, err := rules.ReadVersionLock(ctx, *lockPath)
		if err != nil {
			fmt.Fprintf(stderr, "eqlrunner: %v\n", err)
			return exitUsage
		}
		opts.VersionLock = lock
	}
	var res *rules.Result
	if fs.NArg() == 0 {
		res = rules.Builtin(opts)
	} else {
		res = rules.Load(ctx, opts, fs.Args()...)
	}
	for _, p := range res.Problems {
		fmt.Fprintln(stdout, p)
	}
	fmt.Fprintf(stdout, "%d %s valid, %d %s, %d %s\n",
		len(res.Rules), plural(len(res.Rules), "rule", "rules"),
		res.Errors(), plural(res.Errors(), "error", "errors"),
		res.Warnings(), plural(res.Warnings(), "warning", "warnings"))
	if res.Errors() > 0 {
		return exitProblems
	}
	return exitOK
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

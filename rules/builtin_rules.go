package rules

import (
	"io/fs"
	"path"

	"github.com/eqlrunner/eqlrunner/rules/builtin"
)

// BuiltinPrefix names built-in rule files in problems and rule sources.
const BuiltinPrefix = "builtin:"

// Builtin loads the rules compiled into eqlrunner. They are Elastic prebuilt
// rules, so they load as immutable.
func Builtin(opts LoadOptions) *Result {
	opts.Immutable = true
	var files []sourceFile
	res := &Result{}
	err := fs.WalkDir(builtin.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isRuleFile(p) {
			return err
		}
		data, err := fs.ReadFile(builtin.FS, p)
		if err != nil {
			return err
		}
		files = append(files, sourceFile{path: BuiltinPrefix + path.Clean(p), data: data})
		return nil
	})
	if err != nil {
		res.Problems = append(res.Problems, Problem{Pos: Position{Path: BuiltinPrefix}, Message: err.Error()})
		return res
	}
	loaded := loadFiles(opts, files)
	loaded.Problems = append(res.Problems, loaded.Problems...)
	sortProblems(loaded.Problems)
	return loaded
}

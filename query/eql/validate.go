package eql

// Validate parses and checks query and returns every problem found, each
// at a byte offset of the query (Pos.Offset); nil when it is valid. It is
// what rule validation plugs in.
func Validate(query string) ErrorList {
	q, err := Parse(query)
	if err == nil {
		err = Check(q)
	}
	switch err := err.(type) {
	case nil:
		return nil
	case ErrorList:
		return err
	default:
		return ErrorList{{Pos: Pos{Line: 1, Col: 1}, Msg: err.Error()}}
	}
}

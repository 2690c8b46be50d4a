package checkpoint

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
)

// This file is a pickle virtual machine for the opcodes of pickle protocols
// 2 to 4 (https://docs.python.org/3/library/pickle.html, opcodes as listed
// in CPython's Lib/pickletools.py) that torch.save uses for state_dicts.
// It builds Go values and never runs Python: calls through REDUCE or
// NEWOBJ to functions it does not know become pickleObject values that
// record the callable.

// Pickle values other than Go's own bool, int64, float64, string and []byte.
type (
	pickleNone   struct{}
	pickleTuple  []any
	pickleGlobal struct{ module, name string }

	pickleList struct{ items []any }

	// pickleDict keeps insertion order, as both dict and OrderedDict do.
	pickleDict struct {
		keys     []any
		values   []any
		position map[string]int // index in keys of each string key
	}

	// pickleObject is the result of calling a class or function that the
	// machine does not model, such as a user's nn.Module subclass.
	pickleObject struct {
		class pickleGlobal
		args  any
		state any
	}

	// pickleBigInt is an integer too wide for int64, in two's complement
	// little-endian bytes.
	pickleBigInt []byte
)

func (g pickleGlobal) String() string { return g.module + "." + g.name }

func (d *pickleDict) set(key, value any) {
	s, isString := key.(string)
	if i, ok := d.position[s]; isString && ok {
		d.values[i] = value
		return
	}
	if isString {
		if d.position == nil {
			d.position = make(map[string]int)
		}
		d.position[s] = len(d.keys)
	}
	d.keys = append(d.keys, key)
	d.values = append(d.values, value)
}

// get returns the value stored under a string key.
func (d *pickleDict) get(key string) (any, bool) {
	i, ok := d.position[key]
	if !ok {
		return nil, false
	}
	return d.values[i], true
}

// callFunc evaluates REDUCE: a call of callable with args.
type callFunc func(callable pickleGlobal, args pickleTuple) (any, error)

// unpickler is the machine's state: the program, the stack, the mark
// stack and the memo.
type unpickler struct {
	data           []byte
	pos            int
	stack          []any
	marks          []int
	memo           map[int64]any
	call           callFunc
	persistentLoad func(pid any) (any, error)
}

// errPickle marks errors in the pickle program itself.
var errPickle = errors.New("invalid pickle")

func (u *unpickler) errorf(format string, args ...any) error {
	return fmt.Errorf("%w at byte %d: %s", errPickle, u.pos, fmt.Sprintf(format, args...))
}

// run executes the program until STOP and returns the value it leaves.
func (u *unpickler) run() (any, error) {
	u.memo = make(map[int64]any)
	for {
		if u.pos >= len(u.data) {
			return nil, u.errorf("program ends without STOP (truncated?)")
		}
		opcode := u.data[u.pos]
		u.pos++
		if opcode == '.' { // STOP
			return u.pop()
		}
		if err := u.step(opcode); err != nil {
			return nil, err
		}
	}
}

// step executes one opcode. It is one long switch because each case is a
// line or two and the cases read best side by side, as in pickletools.
func (u *unpickler) step(opcode byte) error {
	switch opcode {
	case 0x80: // PROTO
		version, err := u.readByte()
		if err == nil && version > 5 {
			err = u.errorf("unsupported pickle protocol %d", version)
		}
		return err
	case 0x95: // FRAME: a length prefix that needs no action here
		_, err := u.read(8)
		return err
	case '(': // MARK
		u.marks = append(u.marks, len(u.stack))
		return nil
	case '}': // EMPTY_DICT
		u.push(&pickleDict{})
		return nil
	case ']': // EMPTY_LIST
		u.push(&pickleList{})
		return nil
	case ')': // EMPTY_TUPLE
		u.push(pickleTuple{})
		return nil
	case 'N': // NONE
		u.push(pickleNone{})
		return nil
	case 0x88: // NEWTRUE
		u.push(true)
		return nil
	case 0x89: // NEWFALSE
		u.push(false)
		return nil
	case 'J', 'K', 'M', 0x8a, 0x8b: // BININT, BININT1, BININT2, LONG1, LONG4
		return u.readInt(opcode)
	case 'G': // BINFLOAT
		b, err := u.read(8)
		if err == nil {
			u.push(math.Float64frombits(binary.BigEndian.Uint64(b)))
		}
		return err
	case 'X', 0x8c, 0x8d, 'T', 'U': // BINUNICODE, SHORT_BINUNICODE, BINUNICODE8,
		return u.readString(opcode) // BINSTRING, SHORT_BINSTRING
	case 'B', 'C', 0x8e: // BINBYTES, SHORT_BINBYTES, BINBYTES8
		return u.readBytes(opcode)
	case 'q', 'r', 'h', 'j', 'p', 'g', 0x94: // memo puts and gets
		return u.memoOp(opcode)
	case 't', 0x85, 0x86, 0x87: // TUPLE, TUPLE1, TUPLE2, TUPLE3
		return u.tuple(opcode)
	case 'l', 'd': // LIST, DICT
		return u.collectionFromMark(opcode)
	case 'a', 'e', 's', 'u': // APPEND, APPENDS, SETITEM, SETITEMS
		return u.addItems(opcode)
	case 'c', 0x93: // GLOBAL, STACK_GLOBAL
		return u.global(opcode)
	case 'R', 0x81, 0x92: // REDUCE, NEWOBJ, NEWOBJ_EX
		return u.reduce(opcode)
	case 'b': // BUILD
		return u.build()
	case 'Q': // BINPERSID
		return u.persistentID()
	case '0': // POP
		_, err := u.pop()
		return err
	case '1': // POP_MARK
		_, err := u.popMark()
		return err
	case '2': // DUP
		top, err := u.top()
		if err == nil {
			u.push(top)
		}
		return err
	}
	return u.errorf("unsupported pickle opcode 0x%02x", opcode)
}

func (u *unpickler) push(v any) { u.stack = append(u.stack, v) }

func (u *unpickler) pop() (any, error) {
	if len(u.stack) == 0 || (len(u.marks) > 0 && len(u.stack) == u.marks[len(u.marks)-1]) {
		return nil, u.errorf("stack underflow")
	}
	v := u.stack[len(u.stack)-1]
	u.stack = u.stack[:len(u.stack)-1]
	return v, nil
}

func (u *unpickler) top() (any, error) {
	if len(u.stack) == 0 {
		return nil, u.errorf("stack underflow")
	}
	return u.stack[len(u.stack)-1], nil
}

// popMark removes and returns the items above the latest mark.
func (u *unpickler) popMark() ([]any, error) {
	if len(u.marks) == 0 {
		return nil, u.errorf("no MARK on the stack")
	}
	mark := u.marks[len(u.marks)-1]
	u.marks = u.marks[:len(u.marks)-1]
	items := append([]any{}, u.stack[mark:]...)
	u.stack = u.stack[:mark]
	return items, nil
}

func (u *unpickler) readByte() (byte, error) {
	b, err := u.read(1)
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

// read returns the next n bytes, checking n against what is left first.
func (u *unpickler) read(n uint64) ([]byte, error) {
	if n > uint64(len(u.data)-u.pos) {
		return nil, u.errorf("needs %d bytes but %d remain (truncated?)", n, len(u.data)-u.pos)
	}
	b := u.data[u.pos : u.pos+int(n)]
	u.pos += int(n)
	return b, nil
}

// readLength reads a little-endian length of width 1, 4 or 8 bytes.
func (u *unpickler) readLength(width int) (uint64, error) {
	b, err := u.read(uint64(width))
	if err != nil {
		return 0, err
	}
	switch width {
	case 1:
		return uint64(b[0]), nil
	case 4:
		return uint64(binary.LittleEndian.Uint32(b)), nil
	}
	return binary.LittleEndian.Uint64(b), nil
}

// readLine reads up to a newline, for the text opcodes GLOBAL, PUT and GET.
func (u *unpickler) readLine() (string, error) {
	for i := u.pos; i < len(u.data); i++ {
		if u.data[i] == '\n' {
			line := string(u.data[u.pos:i])
			u.pos = i + 1
			return line, nil
		}
	}
	return "", u.errorf("missing newline (truncated?)")
}

func (u *unpickler) readInt(opcode byte) error {
	switch opcode {
	case 'J':
		b, err := u.read(4)
		if err == nil {
			u.push(int64(int32(binary.LittleEndian.Uint32(b))))
		}
		return err
	case 'K':
		b, err := u.read(1)
		if err == nil {
			u.push(int64(b[0]))
		}
		return err
	case 'M':
		b, err := u.read(2)
		if err == nil {
			u.push(int64(binary.LittleEndian.Uint16(b)))
		}
		return err
	}

	width := 1 // LONG1
	if opcode == 0x8b {
		width = 4 // LONG4
	}
	n, err := u.readLength(width)
	if err != nil {
		return err
	}
	b, err := u.read(n)
	if err != nil {
		return err
	}
	u.push(decodeLong(b))
	return nil
}

// decodeLong converts a two's complement little-endian integer to int64,
// or to pickleBigInt when it does not fit.
func decodeLong(b []byte) any {
	if len(b) > 8 {
		return pickleBigInt(append([]byte{}, b...))
	}
	var v uint64
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	if len(b) > 0 && len(b) < 8 && b[len(b)-1]&0x80 != 0 {
		v |= ^uint64(0) << (8 * len(b)) // sign-extend
	}
	return int64(v)
}

func (u *unpickler) readString(opcode byte) error {
	width := 4 // BINUNICODE, BINSTRING
	switch opcode {
	case 0x8c, 'U': // SHORT_BINUNICODE, SHORT_BINSTRING
		width = 1
	case 0x8d: // BINUNICODE8
		width = 8
	}
	n, err := u.readLength(width)
	if err != nil {
		return err
	}
	b, err := u.read(n)
	if err != nil {
		return err
	}
	if (opcode == 'X' || opcode == 0x8c || opcode == 0x8d) && !utf8.Valid(b) {
		return u.errorf("string is not valid UTF-8")
	}
	u.push(string(b))
	return nil
}

func (u *unpickler) readBytes(opcode byte) error {
	width := 4 // BINBYTES
	switch opcode {
	case 'C': // SHORT_BINBYTES
		width = 1
	case 0x8e: // BINBYTES8
		width = 8
	}
	n, err := u.readLength(width)
	if err != nil {
		return err
	}
	b, err := u.read(n)
	if err == nil {
		u.push(append([]byte{}, b...))
	}
	return err
}

// memoOp runs the memo opcodes: BINPUT, LONG_BINPUT, PUT and MEMOIZE store
// the top of the stack, and BINGET, LONG_BINGET and GET push a stored value.
func (u *unpickler) memoOp(opcode byte) error {
	var index int64
	var err error
	switch opcode {
	case 'q', 'h':
		var n uint64
		n, err = u.readLength(1)
		index = int64(n)
	case 'r', 'j':
		var n uint64
		n, err = u.readLength(4)
		index = int64(n)
	case 'p', 'g':
		var line string
		line, err = u.readLine()
		if err == nil {
			index, err = strconv.ParseInt(line, 10, 64)
		}
	case 0x94:
		index = int64(len(u.memo))
	}
	if err != nil {
		return u.errorf("invalid memo index: %v", err)
	}

	if opcode == 'h' || opcode == 'j' || opcode == 'g' {
		v, ok := u.memo[index]
		if !ok {
			return u.errorf("memo index %d not set", index)
		}
		u.push(v)
		return nil
	}
	top, err := u.top()
	if err == nil {
		u.memo[index] = top
	}
	return err
}

func (u *unpickler) tuple(opcode byte) error {
	if opcode == 't' {
		items, err := u.popMark()
		if err == nil {
			u.push(pickleTuple(items))
		}
		return err
	}
	n := int(opcode - 0x84) // TUPLE1 is 0x85
	items := make(pickleTuple, n)
	for i := n - 1; i >= 0; i-- {
		v, err := u.pop()
		if err != nil {
			return err
		}
		items[i] = v
	}
	u.push(items)
	return nil
}

func (u *unpickler) collectionFromMark(opcode byte) error {
	items, err := u.popMark()
	if err != nil {
		return err
	}
	if opcode == 'l' {
		u.push(&pickleList{items: items})
		return nil
	}
	dict := &pickleDict{}
	if err := u.setItems(dict, items); err != nil {
		return err
	}
	u.push(dict)
	return nil
}

func (u *unpickler) setItems(dict *pickleDict, items []any) error {
	if len(items)%2 != 0 {
		return u.errorf("odd number of items (%d) for a dict", len(items))
	}
	for i := 0; i < len(items); i += 2 {
		dict.set(items[i], items[i+1])
	}
	return nil
}

func (u *unpickler) addItems(opcode byte) error {
	var items []any
	var err error
	switch opcode {
	case 'a':
		items = make([]any, 1)
		items[0], err = u.pop()
	case 's':
		items = make([]any, 2)
		if items[1], err = u.pop(); err == nil {
			items[0], err = u.pop()
		}
	default:
		items, err = u.popMark()
	}
	if err != nil {
		return err
	}

	target, err := u.top()
	if err != nil {
		return err
	}
	switch target := target.(type) {
	case *pickleList:
		if opcode == 's' || opcode == 'u' {
			return u.errorf("SETITEM on a list")
		}
		target.items = append(target.items, items...)
		return nil
	case *pickleDict:
		if opcode == 'a' || opcode == 'e' {
			return u.errorf("APPEND on a dict")
		}
		return u.setItems(target, items)
	case *pickleObject:
		// Opaque objects (a set, a user's container) take the items but
		// the machine has no use for them.
		return nil
	}
	return u.errorf("cannot add items to %s", describe(target))
}

func (u *unpickler) global(opcode byte) error {
	var module, name string
	var err error
	if opcode == 'c' {
		module, err = u.readLine()
		if err == nil {
			name, err = u.readLine()
		}
	} else {
		var nameValue, moduleValue any
		if nameValue, err = u.pop(); err == nil {
			moduleValue, err = u.pop()
		}
		var ok1, ok2 bool
		name, ok1 = nameValue.(string)
		module, ok2 = moduleValue.(string)
		if err == nil && !(ok1 && ok2) {
			err = u.errorf("STACK_GLOBAL needs two strings")
		}
	}
	if err == nil {
		u.push(pickleGlobal{module: module, name: name})
	}
	return err
}

// reduce runs REDUCE (callable, args), NEWOBJ (class, args) and NEWOBJ_EX
// (class, args, kwargs).
func (u *unpickler) reduce(opcode byte) error {
	if opcode == 0x92 {
		if _, err := u.pop(); err != nil { // kwargs
			return err
		}
	}
	argsValue, err := u.pop()
	if err != nil {
		return err
	}
	callableValue, err := u.pop()
	if err != nil {
		return err
	}
	callable, ok := callableValue.(pickleGlobal)
	if !ok {
		return u.errorf("call of %s, not a global", describe(callableValue))
	}
	args, ok := argsValue.(pickleTuple)
	if !ok {
		return u.errorf("call of %s with %s, not a tuple", callable, describe(argsValue))
	}

	if opcode != 'R' {
		u.push(&pickleObject{class: callable, args: args})
		return nil
	}
	result, err := u.call(callable, args)
	if err != nil {
		return u.errorf("%s: %v", callable, err)
	}
	u.push(result)
	return nil
}

// build runs BUILD, which sets an object's state. Only opaque objects keep
// it; the state of a dict (OrderedDict's _metadata) and a tensor is unused.
func (u *unpickler) build() error {
	state, err := u.pop()
	if err != nil {
		return err
	}
	target, err := u.top()
	if err != nil {
		return err
	}
	if object, ok := target.(*pickleObject); ok {
		object.state = state
	}
	return nil
}

func (u *unpickler) persistentID() error {
	pid, err := u.pop()
	if err != nil {
		return err
	}
	if u.persistentLoad == nil {
		return u.errorf("persistent id in a pickle that allows none")
	}
	v, err := u.persistentLoad(pid)
	if err != nil {
		return u.errorf("persistent id: %v", err)
	}
	u.push(v)
	return nil
}

// describe names the kind of a pickle value for messages, without
// formatting its contents, which may be large or cyclic.
func describe(v any) string {
	switch v := v.(type) {
	case pickleNone:
		return "None"
	case bool:
		return "a bool"
	case int64, pickleBigInt:
		return "an int"
	case float64:
		return "a float"
	case string:
		return "a string"
	case []byte:
		return "bytes"
	case pickleTuple:
		return fmt.Sprintf("a tuple of %d", len(v))
	case *pickleList:
		return fmt.Sprintf("a list of %d", len(v.items))
	case *pickleDict:
		return fmt.Sprintf("a dict of %d", len(v.keys))
	case pickleGlobal:
		return "global " + v.String()
	case *pickleObject:
		return "an object of class " + v.class.String()
	case *pthTensor:
		return "a tensor"
	case *pthStorage:
		return "a storage"
	}
	return fmt.Sprintf("%T", v)
}

package ipdb

/*
#include <stdlib.h>
#include <ipdb.h>
*/
import "C"

import (
	"net/netip"
)

// Errors of transactions to compare with errors.Is.
var (
	ErrNoTransaction      = &Error{Status: StatusNoTransaction}
	ErrCommitFailed       = &Error{Status: StatusCommitFailed}
	ErrHookVeto           = &Error{Status: StatusHookVeto}
	ErrRollbackIncomplete = &Error{Status: StatusRollbackIncomplete}
)

// Txn is a transaction on the database's namespace (ipdb_txn_*): stage
// changes, look at them with Review, then Commit (every change or none)
// or Drop. Staging sends nothing to the kernel; a bad argument is refused
// when staged. A Txn is closed by Commit (whatever its outcome) and Drop.
type Txn struct {
	db *DB
	id C.uint64_t
}

// Begin opens a transaction; several may be open at once.
func (db *DB) Begin() (*Txn, error) {
	t := &Txn{db: db}
	if err := call(func() C.int { return C.ipdb_txn_begin(db.p, &t.id) }); err != nil {
		return nil, err
	}
	return t, nil
}

// withName calls f with the C text of a link name.
func (t *Txn) withName(link string, f func(p *C.char, n C.size_t) C.int) error {
	p, n := text(link)
	return call(func() C.int { return f(p, n) })
}

// SetMTU stages: set the MTU of link.
func (t *Txn) SetMTU(link string, mtu uint32) error {
	return t.withName(link, func(p *C.char, n C.size_t) C.int {
		return C.ipdb_txn_link_set_mtu(t.db.p, t.id, p, n, C.uint32_t(mtu))
	})
}

func (t *Txn) setUp(link string, up bool) error {
	return t.withName(link, func(p *C.char, n C.size_t) C.int {
		return C.ipdb_txn_link_set_up(t.db.p, t.id, p, n, C.bool(up))
	})
}

// Up stages: set link up.
func (t *Txn) Up(link string) error { return t.setUp(link, true) }

// Down stages: set link down.
func (t *Txn) Down(link string) error { return t.setUp(link, false) }

func (t *Txn) ip(link string, add bool, i Interface) error {
	c, err := cIface(i)
	if err != nil {
		return err
	}
	return t.withName(link, func(p *C.char, n C.size_t) C.int {
		return C.ipdb_txn_link_ip(t.db.p, t.id, p, n, C.bool(add), &c)
	})
}

// AddIP stages: add the address i (e.g. 10.0.0.1/24) on link.
func (t *Txn) AddIP(link string, i Interface) error { return t.ip(link, true, i) }

// DelIP stages: delete the address i from link.
func (t *Txn) DelIP(link string, i Interface) error { return t.ip(link, false, i) }

// RouteSpec is a route to add or delete. Zero fields are "not given":
// table main, no priority, no gateway, no device. A deletion matches the
// route by the fields given.
type RouteSpec struct {
	Dst      netip.Prefix // host bits clear
	Gateway  netip.Addr
	Table    uint32
	Priority uint32
	Dev      string // also a link the transaction creates
}

func (t *Txn) route(add bool, r RouteSpec) error {
	var c C.ipdb_route_spec
	dst, err := cNet(r.Dst)
	if err != nil {
		return err
	}
	c.dst = dst
	if r.Gateway.IsValid() {
		if c.gateway, err = cAddr(r.Gateway); err != nil {
			return err
		}
	}
	c.table = C.uint32_t(r.Table)
	c.priority = C.uint32_t(r.Priority)
	if err := cName(&c.dev, r.Dev); err != nil {
		return err
	}
	return call(func() C.int { return C.ipdb_txn_route(t.db.p, t.id, C.bool(add), &c) })
}

// AddRoute stages: add a route.
func (t *Txn) AddRoute(r RouteSpec) error { return t.route(true, r) }

// DelRoute stages: delete the route matching r.
func (t *Txn) DelRoute(r RouteSpec) error { return t.route(false, r) }

// Review is what the transaction would change, against the namespace as
// it is now, as JSON (see ipdb_txn_review in ipdb.h).
func (t *Txn) Review() (string, error) {
	var n C.size_t
	buf := make([]C.char, 4096)
	review := func() C.int {
		return C.ipdb_txn_review(t.db.p, t.id, &buf[0], C.size_t(len(buf)), &n)
	}
	err := call(review)
	if e, ok := err.(*Error); ok && e.Status == StatusBufferTooSmall {
		buf = make([]C.char, n+1)
		err = call(review)
	}
	if err != nil {
		return "", err
	}
	return C.GoStringN(&buf[0], C.int(n)), nil
}

// Commit applies every change or none and closes the transaction. On
// failure the error is an *Error with the status (ErrCommitFailed: a step
// was refused, rolled back and verified; ErrHookVeto;
// ErrRollbackIncomplete) and the library's message (the step, the
// kernel's errno and extended-ack text).
func (t *Txn) Commit() error {
	return call(func() C.int { return C.ipdb_txn_commit(t.db.p, t.id, nil) })
}

// Drop closes the transaction without sending anything
// (ErrNoTransaction when it is already closed).
func (t *Txn) Drop() error {
	return call(func() C.int { return C.ipdb_txn_drop(t.db.p, t.id) })
}

// cName writes a link name into a NUL-terminated name field; empty stays
// empty ("not given" where the field is optional).
func cName(dst *[C.IPDB_NAME_SIZE]C.char, s string) error {
	if len(s) >= len(dst) {
		return invalid("link name %q is longer than %d bytes", s, len(dst)-1)
	}
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return invalid("link name %q contains a NUL byte", s)
		}
		dst[i] = C.char(s[i])
	}
	return nil
}

package ipdb

/*
#include <stdlib.h>
#include <ipdb.h>
*/
import "C"

import (
	"net"
	"net/netip"
	"runtime/cgo"
	"sync"
	"unsafe"
)

// The database's status codes (200 and up in ipdb.h).
const (
	StatusKernelError        Status = C.IPDB_KERNEL_ERROR
	StatusSystemError        Status = C.IPDB_SYSTEM_ERROR
	StatusProtocolError      Status = C.IPDB_PROTOCOL_ERROR
	StatusNoTransaction      Status = C.IPDB_NO_TRANSACTION
	StatusCommitFailed       Status = C.IPDB_COMMIT_FAILED
	StatusHookVeto           Status = C.IPDB_HOOK_VETO
	StatusRollbackIncomplete Status = C.IPDB_ROLLBACK_INCOMPLETE
)

// Errors of the database to compare with errors.Is.
var (
	ErrKernel = &Error{Status: StatusKernelError}
	ErrSystem = &Error{Status: StatusSystemError}
)

// DB is a kernel-synchronised database of one network namespace's links,
// addresses, routes, neighbours and rules (ipdb_db). Its methods may be
// called from any goroutine; Close must come last.
type DB struct {
	p *C.ipdb_db

	mu        sync.Mutex
	callbacks map[uint64]cgo.Handle
}

// Open opens a database of the calling process's network namespace, with
// a monitor thread that applies the kernel's events as they come.
func Open() (*DB, error) { return OpenWith(OpenOptions{}) }

// OpenInNetns opens a database of the namespace of the file at path
// (/run/netns/NAME, /proc/PID/ns/net).
func OpenInNetns(path string) (*DB, error) { return OpenWith(OpenOptions{Netns: path}) }

// OpenOptions says how OpenWith opens a database.
type OpenOptions struct {
	// Netns is the path of a namespace file (/run/netns/NAME,
	// /proc/PID/ns/net); empty for the calling process's namespace.
	Netns string
	// NoThread opens without a monitor thread: the caller waits for Fd to
	// be readable and calls Process, which also runs the callbacks.
	NoThread bool
}

// OpenWith opens a database as o says.
func OpenWith(o OpenOptions) (*DB, error) {
	var path *C.char
	if o.Netns != "" {
		path = C.CString(o.Netns)
		defer C.free(unsafe.Pointer(path))
	}
	var flags C.uint32_t
	if o.NoThread {
		flags |= C.IPDB_OPEN_NO_THREAD
	}
	db := &DB{callbacks: map[uint64]cgo.Handle{}}
	if err := call(func() C.int { return C.ipdb_db_open(path, flags, &db.p) }); err != nil {
		return nil, err
	}
	return db, nil
}

// Fd is the database's event socket, for a poll loop on a database opened
// with NoThread: when it is readable, call Process. It belongs to the
// database (do not close or read it) and stays valid until Close.
func (db *DB) Fd() (int, error) {
	var fd C.int
	if err := call(func() C.int { return C.ipdb_db_fd(db.p, &fd) }); err != nil {
		return -1, err
	}
	return int(fd), nil
}

// Process applies, without blocking, what the kernel has sent since the
// last call and returns how many kernel messages it applied. Without a
// monitor thread the callbacks run inside it, on this goroutine. It reads
// a bounded amount: while HasMore is true, call it again before waiting
// for Fd.
func (db *DB) Process() (int, error) {
	var n C.size_t
	if err := call(func() C.int { return C.ipdb_db_process(db.p, &n) }); err != nil {
		return 0, err
	}
	return int(n), nil
}

// HasMore says whether Process has work left that will not make Fd
// readable (it stopped at its budget, or re-reads are due).
func (db *DB) HasMore() bool {
	var more C.bool
	// The call fails only on a closed handle; then there is nothing more.
	if call(func() C.int { return C.ipdb_db_has_more(db.p, &more) }) != nil {
		return false
	}
	return bool(more)
}

// Close stops the database's threads (a callback running now finishes
// first) and frees it. It must not be called from a callback.
func (db *DB) Close() error {
	if db.p == nil {
		return nil
	}
	C.ipdb_db_close(db.p)
	db.p = nil
	db.mu.Lock()
	for id, h := range db.callbacks {
		h.Delete()
		delete(db.callbacks, id)
	}
	db.mu.Unlock()
	return nil
}

// Link is a network interface (ipdb_link).
type Link struct {
	Index     uint32
	Name      string
	Kind      string // "veth", "bridge", ...; empty for links without one
	MTU       uint32
	Flags     uint32 // IFF_*
	Master    uint32 // 0: none
	OperState uint8  // IF_OPER_*
	MAC       net.HardwareAddr
}

// Address is an interface address (ipdb_address).
type Address struct {
	Index  uint32
	Family uint8 // AF_INET or AF_INET6
	Scope  uint8
	Local  netip.Prefix // the address with its prefix length
	Peer   netip.Addr   // point-to-point peer; invalid when none
	Label  string
}

// Route is a route of any table (ipdb_route).
type Route struct {
	Family   uint8
	Table    uint32
	Dst      netip.Prefix
	Src      netip.Prefix // source prefix (IPv6 source routing); invalid when none
	Gateway  netip.Addr   // invalid when none
	OIF      uint32       // 0: none
	Priority uint32
	Protocol uint8
	Scope    uint8
	Type     uint8 // RTN_*
	PrefSrc  netip.Addr
	NextHops int // hops of a multipath route
}

func optAddr(c *C.ipdb_addr) netip.Addr {
	if c.family == 0 {
		return netip.Addr{}
	}
	return goAddr(c)
}

func goName(c *[C.IPDB_NAME_SIZE]C.char) string { return C.GoString(&c[0]) }

func goLink(c *C.ipdb_link) Link {
	mac := make(net.HardwareAddr, int(c.mac_len))
	for i := range mac {
		mac[i] = byte(c.mac[i])
	}
	return Link{
		Index: uint32(c.index), Name: goName(&c.name), Kind: goName(&c.kind),
		MTU: uint32(c.mtu), Flags: uint32(c.flags), Master: uint32(c.master),
		OperState: uint8(c.operstate), MAC: mac,
	}
}

func goAddress(c *C.ipdb_address) Address {
	return Address{
		Index: uint32(c.index), Family: uint8(c.family), Scope: uint8(c.scope),
		Local: netip.PrefixFrom(optAddr(&c.local), int(c.prefixlen)),
		Peer:  optAddr(&c.peer), Label: goName(&c.label),
	}
}

// optIP is a route's address (ipdb_ip: no scope id); invalid when absent.
func optIP(c *C.ipdb_ip) netip.Addr {
	if c.family == 0 {
		return netip.Addr{}
	}
	return addrFrom(c.family, &c.bytes)
}

// optPrefix is a route's prefix; invalid when its address is absent.
func optPrefix(c *C.ipdb_ip, bits C.uint8_t) netip.Prefix {
	if c.family == 0 {
		return netip.Prefix{}
	}
	return netip.PrefixFrom(optIP(c), int(bits))
}

func goRoute(c *C.ipdb_route) Route {
	return Route{
		Family: uint8(c.family), Table: uint32(c.table),
		Dst: optPrefix(&c.dst, c.dst_len), Src: optPrefix(&c.src, c.src_len),
		Gateway: optIP(&c.gateway), OIF: uint32(c.oif), Priority: uint32(c.priority),
		Protocol: uint8(c.protocol), Scope: uint8(c.scope), Type: uint8(c.route_type),
		PrefSrc: optIP(&c.prefsrc), NextHops: int(c.nexthops),
	}
}

// snapshot runs f on a snapshot of the database, freed afterwards.
func (db *DB) snapshot(f func(s *C.ipdb_snapshot) error) error {
	var s *C.ipdb_snapshot
	if err := call(func() C.int { return C.ipdb_db_snapshot(db.p, &s) }); err != nil {
		return err
	}
	defer C.ipdb_snapshot_free(s)
	return f(s)
}

// Links returns every link, by index, from one consistent snapshot.
func (db *DB) Links() ([]Link, error) {
	var out []Link
	err := db.snapshot(func(s *C.ipdb_snapshot) error {
		var items *C.ipdb_link
		var n C.size_t
		if err := call(func() C.int { return C.ipdb_snapshot_links(s, &items, &n) }); err != nil {
			return err
		}
		for _, l := range unsafe.Slice(items, int(n)) {
			out = append(out, goLink(&l))
		}
		return nil
	})
	return out, err
}

// Addresses returns every interface address.
func (db *DB) Addresses() ([]Address, error) {
	var out []Address
	err := db.snapshot(func(s *C.ipdb_snapshot) error {
		var items *C.ipdb_address
		var n C.size_t
		if err := call(func() C.int { return C.ipdb_snapshot_addresses(s, &items, &n) }); err != nil {
			return err
		}
		for _, a := range unsafe.Slice(items, int(n)) {
			out = append(out, goAddress(&a))
		}
		return nil
	})
	return out, err
}

// Routes returns every route of every table, IPv4 then IPv6.
func (db *DB) Routes() ([]Route, error) {
	var out []Route
	err := db.snapshot(func(s *C.ipdb_snapshot) error {
		var items *C.ipdb_route
		var n C.size_t
		if err := call(func() C.int { return C.ipdb_snapshot_routes(s, &items, &n) }); err != nil {
			return err
		}
		for _, r := range unsafe.Slice(items, int(n)) {
			out = append(out, goRoute(&r))
		}
		return nil
	})
	return out, err
}

// LinkByName returns the link named name; ok is false when there is none.
func (db *DB) LinkByName(name string) (l Link, ok bool, err error) {
	var c C.ipdb_link
	p, n := text(name)
	err = call(func() C.int { return C.ipdb_db_link_by_name(db.p, p, n, &c) })
	if e, isErr := err.(*Error); isErr && e.Status == StatusNoValue {
		return Link{}, false, nil
	}
	if err != nil {
		return Link{}, false, err
	}
	return goLink(&c), true, nil
}

// MainTable is the id of the main routing table.
const MainTable = 254

// Lookup is the longest-prefix match of a in the main table, from the
// database (no kernel call); ok is false when no route covers a.
func (db *DB) Lookup(a netip.Addr) (Route, bool, error) {
	return db.LookupTable(MainTable, a)
}

// LookupTable is Lookup in the routing table with id table.
func (db *DB) LookupTable(table uint32, a netip.Addr) (Route, bool, error) {
	ca, err := cAddr(a)
	if err != nil {
		return Route{}, false, err
	}
	var c C.ipdb_route
	err = call(func() C.int { return C.ipdb_db_route_lookup(db.p, C.uint32_t(table), &ca, &c) })
	if e, isErr := err.(*Error); isErr && e.Status == StatusNoValue {
		return Route{}, false, nil
	}
	if err != nil {
		return Route{}, false, err
	}
	return goRoute(&c), true, nil
}

// Package ipdb is the Go binding of libipdb's C library: IP math with the
// semantics of Python's ipaddress module, on net/netip types, and the
// kernel-synchronised database of a network namespace (DB: Open,
// OpenInNetns, Links, Routes, Lookup, OnEvent).
//
// Addresses are netip.Addr (an IPv6 zone is the scope id), networks are
// netip.Prefix (which has no zone: a network's scope id is dropped) and
// interfaces, an address with host bits on a network, are Interface.
// Errors are *Error values carrying the library's status code and message;
// test them with errors.Is against the Err* values or errors.As.
//
// Building: cgo finds the library with pkg-config. After
// `make install PREFIX=$P` at the top of the repository,
//
//	PKG_CONFIG_PATH=$P/lib/pkgconfig LD_LIBRARY_PATH=$P/lib go test ./...
//
// (or CGO_LDFLAGS=-Wl,-rpath,$P/lib instead of LD_LIBRARY_PATH). Go's build
// cache does not notice a changed ipdb.h; after upgrading the library, use
// `go clean -cache` or put the header's hash in CGO_CFLAGS as
// scripts/test-all does.
package ipdb

/*
#cgo pkg-config: ipdb
#include <stdlib.h>
#include <ipdb.h>
*/
import "C"

import (
	"fmt"
	"net/netip"
	"runtime"
	"unsafe"
)

// Status is a libipdb status code (IPDB_* in ipdb.h).
type Status int

// The status codes; the numbers are the C library's and never change.
const (
	StatusOK                Status = C.IPDB_OK
	StatusNullParameter     Status = C.IPDB_NULL_PARAMETER
	StatusInvalidUTF8       Status = C.IPDB_INVALID_UTF8
	StatusBufferTooSmall    Status = C.IPDB_BUFFER_TOO_SMALL
	StatusPanic             Status = C.IPDB_PANIC
	StatusInvalidArgument   Status = C.IPDB_INVALID_ARGUMENT
	StatusInvalidHandle     Status = C.IPDB_INVALID_HANDLE
	StatusIterEnd           Status = C.IPDB_ITER_END
	StatusNoValue           Status = C.IPDB_NO_VALUE
	StatusAddressValueError Status = C.IPDB_ADDRESS_VALUE_ERROR
	StatusNetmaskValueError Status = C.IPDB_NETMASK_VALUE_ERROR
	StatusValueError        Status = C.IPDB_VALUE_ERROR
	StatusTypeError         Status = C.IPDB_TYPE_ERROR
	StatusIndexError        Status = C.IPDB_INDEX_ERROR
)

// String gives the code's name and meaning, from ipdb_status_str.
func (s Status) String() string {
	return C.GoString(C.ipdb_status_str(C.int(s)))
}

// Error is a failed libipdb call: the status and the library's message
// (for IP math errors it names the offending part and the CPython class).
type Error struct {
	Status  Status
	Message string
}

func (e *Error) Error() string {
	if e.Message == "" {
		return "ipdb: " + e.Status.String()
	}
	return "ipdb: " + e.Message
}

// Is makes errors.Is(err, ErrValue) and friends match on the status alone.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Status == e.Status && (t.Message == "" || t.Message == e.Message)
}

// Errors to compare with errors.Is, one per status a caller may want to tell apart.
var (
	ErrInvalidArgument = &Error{Status: StatusInvalidArgument}
	ErrInvalidUTF8     = &Error{Status: StatusInvalidUTF8}
	ErrAddressValue    = &Error{Status: StatusAddressValueError}
	ErrNetmaskValue    = &Error{Status: StatusNetmaskValueError}
	ErrValue           = &Error{Status: StatusValueError}
	ErrType            = &Error{Status: StatusTypeError}
	ErrIndex           = &Error{Status: StatusIndexError}
)

// call runs one C call and turns a failure into an *Error with this
// thread's last-error message. The goroutine stays on its OS thread between
// the call and the message read, since the message is per thread.
func call(f func() C.int) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	rc := Status(f())
	if rc == StatusOK {
		return nil
	}
	return &Error{Status: rc, Message: lastError()}
}

func lastError() string {
	var buf [512]C.char
	var n C.size_t
	if C.ipdb_last_error(&buf[0], C.size_t(len(buf)), &n) != C.IPDB_OK {
		big := make([]C.char, n+1)
		if C.ipdb_last_error(&big[0], n+1, &n) != C.IPDB_OK {
			return ""
		}
		return C.GoStringN(&big[0], C.int(n))
	}
	return C.GoStringN(&buf[0], C.int(n))
}

func invalid(format string, args ...any) error {
	return &Error{Status: StatusInvalidArgument, Message: fmt.Sprintf(format, args...)}
}

// text is a Go string as the (pointer, length) pair the C side reads; the
// bytes are a Go copy, kept alive by cgo for the duration of the call.
func text(s string) (*C.char, C.size_t) {
	b := []byte(s)
	if len(b) == 0 {
		b = []byte{0}
	}
	return (*C.char)(unsafe.Pointer(&b[0])), C.size_t(len(s))
}

// cAddr converts a netip.Addr (IPv4, IPv6, IPv6 with zone) to an ipdb_addr.
func cAddr(a netip.Addr) (C.ipdb_addr, error) {
	var c C.ipdb_addr
	switch {
	case a.Is4():
		c.family = C.IPDB_V4
		b := a.As4()
		for i := range b {
			c.bytes[i] = C.uint8_t(b[i])
		}
	case a.Is6():
		c.family = C.IPDB_V6
		b := a.As16()
		for i := range b {
			c.bytes[i] = C.uint8_t(b[i])
		}
		z := a.Zone()
		if len(z) >= C.IPDB_SCOPE_ID_SIZE {
			return c, invalid("zone %q is longer than %d bytes", z, C.IPDB_SCOPE_ID_SIZE-1)
		}
		for i := 0; i < len(z); i++ {
			if z[i] == 0 {
				return c, invalid("zone %q contains a NUL byte", z)
			}
			c.scope_id[i] = C.char(z[i])
		}
	default:
		return c, invalid("the zero netip.Addr is not an address")
	}
	return c, nil
}

// goAddr converts an ipdb_addr the library wrote back to a netip.Addr.
// addrFrom is the address of the bytes and family that ipdb_addr and
// ipdb_ip share.
func addrFrom(family C.uint8_t, bytes *[16]C.uint8_t) netip.Addr {
	if family == C.IPDB_V4 {
		return netip.AddrFrom4([4]byte{byte(bytes[0]), byte(bytes[1]), byte(bytes[2]), byte(bytes[3])})
	}
	var b [16]byte
	for i := range b {
		b[i] = byte(bytes[i])
	}
	return netip.AddrFrom16(b)
}

func goAddr(c *C.ipdb_addr) netip.Addr {
	a := addrFrom(c.family, &c.bytes)
	if c.family == C.IPDB_V6 && c.scope_id[0] != 0 {
		a = a.WithZone(C.GoString(&c.scope_id[0]))
	}
	return a
}

// cNet converts a prefix; host bits set are refused by the library
// (ErrValue) rather than masked: pass p.Masked() to mask them.
func cNet(p netip.Prefix) (C.ipdb_net, error) {
	var c C.ipdb_net
	if !p.IsValid() {
		return c, invalid("invalid netip.Prefix %v", p)
	}
	a, err := cAddr(p.Addr())
	if err != nil {
		return c, err
	}
	c.addr = a
	c.prefixlen = C.uint8_t(p.Bits())
	return c, nil
}

// goNet converts a network the library wrote back (the zone is dropped:
// netip.Prefix has none).
func goNet(c *C.ipdb_net) netip.Prefix {
	return netip.PrefixFrom(goAddr(&c.addr).WithZone(""), int(c.prefixlen))
}

func goNets(c []C.ipdb_net) []netip.Prefix {
	out := make([]netip.Prefix, len(c))
	for i := range c {
		out[i] = goNet(&c[i])
	}
	return out
}

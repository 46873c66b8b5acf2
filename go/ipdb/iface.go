package ipdb

/*
#include <ipdb.h>
*/
import "C"

import (
	"net/netip"
	"strconv"
)

// Interface is an address on a network with host bits allowed (Python's
// IPv4Interface / IPv6Interface), e.g. 192.0.2.5/24. Unlike netip.Prefix it
// keeps the address's zone.
type Interface struct {
	Addr netip.Addr
	Bits int
}

// String is Addr/Bits, zone included (Python's str(interface)).
func (i Interface) String() string {
	return i.Addr.String() + "/" + strconv.Itoa(i.Bits)
}

// ParseInterface parses as Python's ip_interface(s).
func ParseInterface(s string) (Interface, error) {
	return ParseInterfaceVersion(s, 0)
}

// ParseInterfaceVersion parses as IPv4Interface (version 4), IPv6Interface
// (version 6) or ip_interface (version 0).
func ParseInterfaceVersion(s string, version int) (Interface, error) {
	var out C.ipdb_iface
	p, n := text(s)
	if err := call(func() C.int { return C.ipdb_iface_parse(p, n, C.int(version), &out) }); err != nil {
		return Interface{}, err
	}
	return Interface{Addr: goAddr(&out.addr), Bits: int(out.prefixlen)}, nil
}

func cIface(i Interface) (C.ipdb_iface, error) {
	var c C.ipdb_iface
	a, err := cAddr(i.Addr)
	if err != nil {
		return c, err
	}
	if i.Bits < 0 || i.Bits > 255 {
		return c, invalid("prefix length %d out of range", i.Bits)
	}
	c.addr = a
	c.prefixlen = C.uint8_t(i.Bits)
	return c, nil
}

func withIface(i Interface, f func(*C.ipdb_iface) C.int) error {
	c, err := cIface(i)
	if err != nil {
		return err
	}
	return call(func() C.int { return f(&c) })
}

// Network is the prefix the interface's address sits on (host bits cleared).
func (i Interface) Network() (netip.Prefix, error) {
	var out C.ipdb_net
	if err := withIface(i, func(c *C.ipdb_iface) C.int { return C.ipdb_iface_network(c, &out) }); err != nil {
		return netip.Prefix{}, err
	}
	return goNet(&out), nil
}

// Format writes the interface as Python does: Compressed (with the zone),
// WithPrefixlen, WithNetmask, WithHostmask (no zone), Exploded, ReversePointer.
func (i Interface) Format(style Style) (string, error) {
	c, err := cIface(i)
	if err != nil {
		return "", err
	}
	return formatInto(func(b *C.char, n C.size_t, l *C.size_t) C.int {
		return C.ipdb_iface_format(&c, C.int(style), b, n, l)
	})
}

// Flags gives the is_* properties of the interface (Python's rules).
func (i Interface) Flags() (Flags, error) {
	var f C.uint32_t
	err := withIface(i, func(c *C.ipdb_iface) C.int { return C.ipdb_iface_flags(c, &f) })
	return Flags(f), err
}

package ipdb

/*
#include <ipdb.h>
*/
import "C"

import (
	"net/netip"
)

// Style selects a text form, as the properties of Python's ipaddress objects.
type Style int

// Text forms (IPDB_TEXT_* in ipdb.h). WithPrefixlen, WithNetmask and
// WithHostmask apply to prefixes and interfaces only.
const (
	Compressed     Style = C.IPDB_TEXT_COMPRESSED
	Exploded       Style = C.IPDB_TEXT_EXPLODED
	ReversePointer Style = C.IPDB_TEXT_REVERSE_POINTER
	WithPrefixlen  Style = C.IPDB_TEXT_WITH_PREFIXLEN
	WithNetmask    Style = C.IPDB_TEXT_WITH_NETMASK
	WithHostmask   Style = C.IPDB_TEXT_WITH_HOSTMASK
)

// Flags are the is_* properties of an address, prefix or interface.
type Flags uint32

// The flag bits (IPDB_FLAG_* in ipdb.h).
const (
	Multicast   Flags = C.IPDB_FLAG_MULTICAST
	Private     Flags = C.IPDB_FLAG_PRIVATE
	Global      Flags = C.IPDB_FLAG_GLOBAL
	Unspecified Flags = C.IPDB_FLAG_UNSPECIFIED
	Reserved    Flags = C.IPDB_FLAG_RESERVED
	Loopback    Flags = C.IPDB_FLAG_LOOPBACK
	LinkLocal   Flags = C.IPDB_FLAG_LINK_LOCAL
	SiteLocal   Flags = C.IPDB_FLAG_SITE_LOCAL
	IPv4Mapped  Flags = C.IPDB_FLAG_IPV4_MAPPED
	SixToFour   Flags = C.IPDB_FLAG_SIXTOFOUR
	Teredo      Flags = C.IPDB_FLAG_TEREDO
)

// Has reports whether every bit of x is set in f.
func (f Flags) Has(x Flags) bool { return f&x == x }

// ParseAddr parses as Python's ip_address(s): IPv4 if it is one, else IPv6
// (with an optional %zone). Strict: leading zeros in IPv4 octets, spaces and
// other forms net/netip may accept or refuse differently follow CPython.
func ParseAddr(s string) (netip.Addr, error) {
	return ParseAddrVersion(s, 0)
}

// ParseAddrVersion parses as IPv4Address(s) (version 4), IPv6Address(s)
// (version 6) or ip_address(s) (version 0).
func ParseAddrVersion(s string, version int) (netip.Addr, error) {
	var out C.ipdb_addr
	p, n := text(s)
	err := call(func() C.int { return C.ipdb_addr_parse(p, n, C.int(version), &out) })
	if err != nil {
		return netip.Addr{}, err
	}
	return goAddr(&out), nil
}

// withAddr converts a and runs f on it.
func withAddr(a netip.Addr, f func(*C.ipdb_addr) C.int) error {
	c, err := cAddr(a)
	if err != nil {
		return err
	}
	return call(func() C.int { return f(&c) })
}

// formatInto runs a *_format style C function with a stack buffer that
// fits every form, growing only for wide format specs.
func formatInto(f func(buf *C.char, n C.size_t, outLen *C.size_t) C.int) (string, error) {
	var buf [C.IPDB_TEXT_SIZE]C.char
	var n C.size_t
	err := call(func() C.int { return f(&buf[0], C.size_t(len(buf)), &n) })
	if e, ok := err.(*Error); ok && e.Status == StatusBufferTooSmall {
		big := make([]C.char, n+1)
		err = call(func() C.int { return f(&big[0], n+1, &n) })
		if err != nil {
			return "", err
		}
		return C.GoStringN(&big[0], C.int(n)), nil
	}
	if err != nil {
		return "", err
	}
	return C.GoStringN(&buf[0], C.int(n)), nil
}

// FormatAddr writes a as text: Compressed (str(addr), with the zone),
// Exploded or ReversePointer.
func FormatAddr(a netip.Addr, style Style) (string, error) {
	c, err := cAddr(a)
	if err != nil {
		return "", err
	}
	return formatInto(func(b *C.char, n C.size_t, l *C.size_t) C.int {
		return C.ipdb_addr_format(&c, C.int(style), b, n, l)
	})
}

// FormatSpec is Python's format(addr, spec): "", "[[fill]align][width][.prec]s",
// or the integer forms "[#][_](b|x|X|n)".
func FormatSpec(a netip.Addr, spec string) (string, error) {
	c, err := cAddr(a)
	if err != nil {
		return "", err
	}
	sp, sn := text(spec)
	return formatInto(func(b *C.char, n C.size_t, l *C.size_t) C.int {
		return C.ipdb_addr_format_spec(&c, sp, sn, b, n, l)
	})
}

// AddrFlags gives the is_* properties of a, plus whether it is IPv4-mapped,
// 6to4 or Teredo.
func AddrFlags(a netip.Addr) (Flags, error) {
	var f C.uint32_t
	err := withAddr(a, func(c *C.ipdb_addr) C.int { return C.ipdb_addr_flags(c, &f) })
	return Flags(f), err
}

// embedded runs one of the "address inside an address" getters; IPDB_NO_VALUE
// and an invalid input both give ok == false.
func embedded(a netip.Addr, f func(*C.ipdb_addr, *C.ipdb_addr) C.int) (netip.Addr, bool) {
	var out C.ipdb_addr
	if err := withAddr(a, func(c *C.ipdb_addr) C.int { return f(c, &out) }); err != nil {
		return netip.Addr{}, false
	}
	return goAddr(&out), true
}

// IPv4MappedOf returns the IPv4 address inside an IPv4-mapped IPv6 address
// (::ffff:a.b.c.d).
func IPv4MappedOf(a netip.Addr) (netip.Addr, bool) {
	return embedded(a, func(c, o *C.ipdb_addr) C.int { return C.ipdb_addr_ipv4_mapped(c, o) })
}

// SixToFourOf returns the IPv4 address inside a 6to4 address (2002::/16).
func SixToFourOf(a netip.Addr) (netip.Addr, bool) {
	return embedded(a, func(c, o *C.ipdb_addr) C.int { return C.ipdb_addr_sixtofour(c, o) })
}

// IPv6MappedOf returns ::ffff:a.b.c.d for an IPv4 address.
func IPv6MappedOf(a netip.Addr) (netip.Addr, bool) {
	return embedded(a, func(c, o *C.ipdb_addr) C.int { return C.ipdb_addr_ipv6_mapped(c, o) })
}

// TeredoOf returns the server and client IPv4 addresses of a Teredo
// address (2001::/32).
func TeredoOf(a netip.Addr) (server, client netip.Addr, ok bool) {
	var s, c C.ipdb_addr
	if err := withAddr(a, func(in *C.ipdb_addr) C.int { return C.ipdb_addr_teredo(in, &s, &c) }); err != nil {
		return netip.Addr{}, netip.Addr{}, false
	}
	return goAddr(&s), goAddr(&c), true
}

// Add returns a + delta (negative delta subtracts); leaving the address
// space is ErrAddressValue. The zone is dropped, as in Python.
func Add(a netip.Addr, delta int64) (netip.Addr, error) {
	var out C.ipdb_addr
	if err := withAddr(a, func(c *C.ipdb_addr) C.int { return C.ipdb_addr_add(c, C.int64_t(delta), &out) }); err != nil {
		return netip.Addr{}, err
	}
	return goAddr(&out), nil
}

// CompareAddr orders two addresses as Python does within a version, IPv4
// before IPv6: -1, 0 or +1.
func CompareAddr(a, b netip.Addr) (int, error) {
	ca, err := cAddr(a)
	if err != nil {
		return 0, err
	}
	cb, err := cAddr(b)
	if err != nil {
		return 0, err
	}
	var out C.int
	err = call(func() C.int { return C.ipdb_addr_compare(&ca, &cb, &out) })
	return int(out), err
}

// Summarize is Python's summarize_address_range(first, last): the fewest
// prefixes covering first..last exactly, in order.
func Summarize(first, last netip.Addr) ([]netip.Prefix, error) {
	a, err := cAddr(first)
	if err != nil {
		return nil, err
	}
	b, err := cAddr(last)
	if err != nil {
		return nil, err
	}
	var out [C.IPDB_SUMMARIZE_MAX]C.ipdb_net
	var n C.size_t
	err = call(func() C.int { return C.ipdb_addr_summarize(&a, &b, &out[0], C.size_t(len(out)), &n) })
	if err != nil {
		return nil, err
	}
	return goNets(out[:n]), nil
}

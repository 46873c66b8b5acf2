package ipdb

/*
#include <ipdb.h>
*/
import "C"

import (
	"net/netip"
)

// ParsePrefix parses as Python's ip_network(s, strict): "addr",
// "addr/prefixlen", and for IPv4 "addr/netmask" or "addr/hostmask". With
// strict, host bits set are ErrValue; without, they are cleared. A zone in
// the text is checked but dropped (netip.Prefix has none).
func ParsePrefix(s string, strict bool) (netip.Prefix, error) {
	return ParsePrefixVersion(s, 0, strict)
}

// ParsePrefixVersion parses as IPv4Network (version 4), IPv6Network
// (version 6) or ip_network (version 0).
func ParsePrefixVersion(s string, version int, strict bool) (netip.Prefix, error) {
	var out C.ipdb_net
	p, n := text(s)
	err := call(func() C.int { return C.ipdb_net_parse(p, n, C.int(version), C.bool(strict), &out) })
	if err != nil {
		return netip.Prefix{}, err
	}
	return goNet(&out), nil
}

// withNet converts p and runs f on it.
func withNet(p netip.Prefix, f func(*C.ipdb_net) C.int) error {
	c, err := cNet(p)
	if err != nil {
		return err
	}
	return call(func() C.int { return f(&c) })
}

// withNets converts p and q and runs f on them.
func withNets(p, q netip.Prefix, f func(*C.ipdb_net, *C.ipdb_net) C.int) error {
	a, err := cNet(p)
	if err != nil {
		return err
	}
	b, err := cNet(q)
	if err != nil {
		return err
	}
	return call(func() C.int { return f(&a, &b) })
}

// FormatPrefix writes p as text: Compressed/WithPrefixlen, WithNetmask,
// WithHostmask, Exploded or ReversePointer (Python's: the reversed text).
func FormatPrefix(p netip.Prefix, style Style) (string, error) {
	c, err := cNet(p)
	if err != nil {
		return "", err
	}
	return formatInto(func(b *C.char, n C.size_t, l *C.size_t) C.int {
		return C.ipdb_net_format(&c, C.int(style), b, n, l)
	})
}

// PrefixFlags gives the is_* properties of the network p.
func PrefixFlags(p netip.Prefix) (Flags, error) {
	var f C.uint32_t
	err := withNet(p, func(c *C.ipdb_net) C.int { return C.ipdb_net_flags(c, &f) })
	return Flags(f), err
}

// netAddr runs a getter that turns a network into one address.
func netAddr(p netip.Prefix, f func(*C.ipdb_net, *C.ipdb_addr) C.int) (netip.Addr, error) {
	var out C.ipdb_addr
	if err := withNet(p, func(c *C.ipdb_net) C.int { return f(c, &out) }); err != nil {
		return netip.Addr{}, err
	}
	return goAddr(&out), nil
}

// Broadcast is the last address of p (broadcast_address).
func Broadcast(p netip.Prefix) (netip.Addr, error) {
	return netAddr(p, func(c *C.ipdb_net, o *C.ipdb_addr) C.int { return C.ipdb_net_broadcast_address(c, o) })
}

// Netmask is p's netmask as an address (255.255.255.0).
func Netmask(p netip.Prefix) (netip.Addr, error) {
	return netAddr(p, func(c *C.ipdb_net, o *C.ipdb_addr) C.int { return C.ipdb_net_netmask(c, o) })
}

// Hostmask is p's hostmask as an address (0.0.0.255).
func Hostmask(p netip.Prefix) (netip.Addr, error) {
	return netAddr(p, func(c *C.ipdb_net, o *C.ipdb_addr) C.int { return C.ipdb_net_hostmask(c, o) })
}

// Index is Python's network[i]: negative i counts from the end; out of
// range is ErrIndex.
func Index(p netip.Prefix, i int64) (netip.Addr, error) {
	return netAddr(p, func(c *C.ipdb_net, o *C.ipdb_addr) C.int { return C.ipdb_net_get(c, C.int64_t(i), o) })
}

// NumAddresses is p's number of addresses, saturated at 2^64-1.
func NumAddresses(p netip.Prefix) (uint64, error) {
	var n C.uint64_t
	err := withNet(p, func(c *C.ipdb_net) C.int { return C.ipdb_net_num_addresses(c, &n) })
	return uint64(n), err
}

// Contains is Python's `a in p`: false across versions, zones ignored.
func Contains(p netip.Prefix, a netip.Addr) (bool, error) {
	ca, err := cAddr(a)
	if err != nil {
		return false, err
	}
	var out C.bool
	err = withNet(p, func(c *C.ipdb_net) C.int { return C.ipdb_net_contains(c, &ca, &out) })
	return bool(out), err
}

// Overlaps reports whether p and q share an address (false across versions).
func Overlaps(p, q netip.Prefix) (bool, error) {
	var out C.bool
	err := withNets(p, q, func(a, b *C.ipdb_net) C.int { return C.ipdb_net_overlaps(a, b, &out) })
	return bool(out), err
}

// SubnetOf is Python's p.subnet_of(q); ErrType across versions.
func SubnetOf(p, q netip.Prefix) (bool, error) {
	var out C.bool
	err := withNets(p, q, func(a, b *C.ipdb_net) C.int { return C.ipdb_net_subnet_of(a, b, &out) })
	return bool(out), err
}

// SupernetOf is Python's p.supernet_of(q); ErrType across versions.
func SupernetOf(p, q netip.Prefix) (bool, error) {
	var out C.bool
	err := withNets(p, q, func(a, b *C.ipdb_net) C.int { return C.ipdb_net_supernet_of(a, b, &out) })
	return bool(out), err
}

// ComparePrefix orders two prefixes: IPv4 before IPv6, then Python's
// network order (address, then prefix length): -1, 0 or +1.
func ComparePrefix(p, q netip.Prefix) (int, error) {
	var out C.int
	err := withNets(p, q, func(a, b *C.ipdb_net) C.int { return C.ipdb_net_compare(a, b, &out) })
	return int(out), err
}

// supernet calls ipdb_net_supernet with either argument given.
func supernet(p netip.Prefix, diff, newPrefix *C.int64_t) (netip.Prefix, error) {
	var out C.ipdb_net
	if err := withNet(p, func(c *C.ipdb_net) C.int { return C.ipdb_net_supernet(c, diff, newPrefix, &out) }); err != nil {
		return netip.Prefix{}, err
	}
	return goNet(&out), nil
}

// Supernet is Python's p.supernet(new_prefix=newPrefix).
func Supernet(p netip.Prefix, newPrefix int) (netip.Prefix, error) {
	np := C.int64_t(newPrefix)
	return supernet(p, nil, &np)
}

// SupernetBy is Python's p.supernet(prefixlen_diff=diff).
func SupernetBy(p netip.Prefix, diff int) (netip.Prefix, error) {
	d := C.int64_t(diff)
	return supernet(p, &d, nil)
}

// AddressExclude is Python's p.address_exclude(q): p minus q, in Python's
// order. q must lie inside p (ErrValue; ErrType across versions).
func AddressExclude(p, q netip.Prefix) ([]netip.Prefix, error) {
	var out [C.IPDB_EXCLUDE_MAX]C.ipdb_net
	var n C.size_t
	err := withNets(p, q, func(a, b *C.ipdb_net) C.int {
		return C.ipdb_net_address_exclude(a, b, &out[0], C.size_t(len(out)), &n)
	})
	if err != nil {
		return nil, err
	}
	return goNets(out[:n]), nil
}

// Collapse is Python's collapse_addresses(ps): the fewest prefixes covering
// the same addresses, sorted. All must be of one version (ErrType); ps is
// not modified.
func Collapse(ps []netip.Prefix) ([]netip.Prefix, error) {
	if len(ps) == 0 {
		return nil, nil
	}
	nets := make([]C.ipdb_net, len(ps))
	for i, p := range ps {
		c, err := cNet(p)
		if err != nil {
			return nil, err
		}
		nets[i] = c
	}
	var n C.size_t
	if err := call(func() C.int { return C.ipdb_net_collapse(&nets[0], C.size_t(len(nets)), &n) }); err != nil {
		return nil, err
	}
	return goNets(nets[:n]), nil
}

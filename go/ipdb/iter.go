package ipdb

/*
#include <ipdb.h>
*/
import "C"

import (
	"net/netip"
	"runtime"
)

// AddrIter walks addresses of a prefix lazily (Hosts, Addresses). Call
// Close when done early; a finalizer frees it otherwise. Not safe for
// concurrent use.
type AddrIter struct {
	h   *C.ipdb_addr_iter
	err error
}

// Next returns the next address, or false at the end (or on an error; see Err).
func (it *AddrIter) Next() (netip.Addr, bool) {
	if it == nil || it.h == nil {
		return netip.Addr{}, false
	}
	var out C.ipdb_addr
	err := call(func() C.int { return C.ipdb_addr_iter_next(it.h, &out) })
	if err != nil {
		if e, ok := err.(*Error); !ok || e.Status != StatusIterEnd {
			it.err = err
		}
		it.Close()
		return netip.Addr{}, false
	}
	return goAddr(&out), true
}

// Err is the error that ended the walk early, if any.
func (it *AddrIter) Err() error { return it.err }

// Close frees the iterator; it is safe to call more than once.
func (it *AddrIter) Close() {
	if it.h != nil {
		C.ipdb_addr_iter_free(it.h)
		it.h = nil
		runtime.SetFinalizer(it, nil)
	}
}

func newAddrIter(p netip.Prefix, start func(*C.ipdb_net, **C.ipdb_addr_iter) C.int) (*AddrIter, error) {
	var h *C.ipdb_addr_iter
	if err := withNet(p, func(c *C.ipdb_net) C.int { return start(c, &h) }); err != nil {
		return nil, err
	}
	it := &AddrIter{h: h}
	runtime.SetFinalizer(it, (*AddrIter).Close)
	return it, nil
}

// Hosts walks the usable hosts of p, Python's p.hosts().
func Hosts(p netip.Prefix) (*AddrIter, error) {
	return newAddrIter(p, func(c *C.ipdb_net, h **C.ipdb_addr_iter) C.int { return C.ipdb_net_hosts(c, h) })
}

// Addresses walks every address of p, Python's iter(p).
func Addresses(p netip.Prefix) (*AddrIter, error) {
	return newAddrIter(p, func(c *C.ipdb_net, h **C.ipdb_addr_iter) C.int { return C.ipdb_net_addresses(c, h) })
}

// PrefixIter walks subnets lazily; same rules as AddrIter.
type PrefixIter struct {
	h   *C.ipdb_net_iter
	err error
}

// Next returns the next prefix, or false at the end (or on an error; see Err).
func (it *PrefixIter) Next() (netip.Prefix, bool) {
	if it == nil || it.h == nil {
		return netip.Prefix{}, false
	}
	var out C.ipdb_net
	err := call(func() C.int { return C.ipdb_net_iter_next(it.h, &out) })
	if err != nil {
		if e, ok := err.(*Error); !ok || e.Status != StatusIterEnd {
			it.err = err
		}
		it.Close()
		return netip.Prefix{}, false
	}
	return goNet(&out), true
}

// Err is the error that ended the walk early, if any.
func (it *PrefixIter) Err() error { return it.err }

// Close frees the iterator; it is safe to call more than once.
func (it *PrefixIter) Close() {
	if it.h != nil {
		C.ipdb_net_iter_free(it.h)
		it.h = nil
		runtime.SetFinalizer(it, nil)
	}
}

func subnets(p netip.Prefix, diff, newPrefix *C.int64_t) (*PrefixIter, error) {
	var h *C.ipdb_net_iter
	if err := withNet(p, func(c *C.ipdb_net) C.int { return C.ipdb_net_subnets(c, diff, newPrefix, &h) }); err != nil {
		return nil, err
	}
	it := &PrefixIter{h: h}
	runtime.SetFinalizer(it, (*PrefixIter).Close)
	return it, nil
}

// Subnets walks p's subnets at newPrefix, Python's p.subnets(new_prefix=newPrefix).
func Subnets(p netip.Prefix, newPrefix int) (*PrefixIter, error) {
	np := C.int64_t(newPrefix)
	return subnets(p, nil, &np)
}

// SubnetsBy walks p's subnets diff bits longer, Python's p.subnets(prefixlen_diff=diff).
func SubnetsBy(p netip.Prefix, diff int) (*PrefixIter, error) {
	d := C.int64_t(diff)
	return subnets(p, &d, nil)
}

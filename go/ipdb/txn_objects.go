package ipdb

/*
#include <ipdb.h>
*/
import "C"

import (
	"net"
	"net/netip"
)

// Macvlan and macvtap modes for LinkSpec.Mode (IPDB_MACVLAN_* in ipdb.h).
const (
	MacvlanVEPA     uint32 = C.IPDB_MACVLAN_VEPA
	MacvlanPrivate  uint32 = C.IPDB_MACVLAN_PRIVATE
	MacvlanBridge   uint32 = C.IPDB_MACVLAN_BRIDGE
	MacvlanPassthru uint32 = C.IPDB_MACVLAN_PASSTHRU
	MacvlanSource   uint32 = C.IPDB_MACVLAN_SOURCE
)

// linkKinds maps LinkSpec.Kind, the kernel's kind names, to IPDB_LINK_*.
var linkKinds = map[string]C.uint32_t{
	"dummy":   C.IPDB_LINK_DUMMY,
	"ifb":     C.IPDB_LINK_IFB,
	"bridge":  C.IPDB_LINK_BRIDGE,
	"veth":    C.IPDB_LINK_VETH,
	"vlan":    C.IPDB_LINK_VLAN,
	"macvlan": C.IPDB_LINK_MACVLAN,
	"macvtap": C.IPDB_LINK_MACVTAP,
	"vxlan":   C.IPDB_LINK_VXLAN,
	"tun":     C.IPDB_LINK_TUN,
	"tap":     C.IPDB_LINK_TAP,
}

// LinkSpec is a link to create (ipdb_link_spec). Name and Kind are
// required; each kind reads only its own fields and ignores the others.
type LinkSpec struct {
	Name string
	// Kind is the kernel's name for it: dummy, ifb, bridge, veth, vlan,
	// macvlan, macvtap, vxlan, tun or tap.
	Kind string
	// Peer is a veth's other end.
	Peer string
	// Parent is the lower link of a vlan, macvlan, macvtap (required) or
	// vxlan (optional), also one the same transaction creates.
	Parent string
	// Mode is a macvlan's or macvtap's Macvlan* mode; 0 is VEPA.
	Mode uint32
	// VlanID is a vlan's id, 1..=4094.
	VlanID uint16
	// VxlanID is a vxlan's VNI (24 bits).
	VxlanID uint32
	// Remote is a vxlan's remote or multicast group; invalid for none.
	Remote netip.Addr
	// Local is a vxlan's source address; invalid for none.
	Local netip.Addr
	// Port is a vxlan's destination UDP port; 0 for the kernel's (8472).
	Port uint16
}

func optCAddr(a netip.Addr) (C.ipdb_addr, error) {
	if !a.IsValid() {
		return C.ipdb_addr{}, nil
	}
	return cAddr(a)
}

func (s *LinkSpec) c() (C.ipdb_link_spec, error) {
	var c C.ipdb_link_spec
	kind, ok := linkKinds[s.Kind]
	if !ok {
		return c, invalid("unknown link kind %q", s.Kind)
	}
	c.kind = kind
	for _, f := range []struct {
		dst *[C.IPDB_NAME_SIZE]C.char
		s   string
	}{{&c.name, s.Name}, {&c.peer, s.Peer}, {&c.parent, s.Parent}} {
		if err := cName(f.dst, f.s); err != nil {
			return c, err
		}
	}
	c.mode = C.uint32_t(s.Mode)
	c.vlan_id = C.uint16_t(s.VlanID)
	c.port = C.uint16_t(s.Port)
	c.vni = C.uint32_t(s.VxlanID)
	var err error
	if c.remote, err = optCAddr(s.Remote); err != nil {
		return c, err
	}
	if c.local, err = optCAddr(s.Local); err != nil {
		return c, err
	}
	return c, nil
}

// CreateLink stages: create the link s describes. Later steps may name it
// (set it up, add addresses, make it a port, route over it).
func (t *Txn) CreateLink(s LinkSpec) error {
	c, err := s.c()
	if err != nil {
		return err
	}
	return call(func() C.int { return C.ipdb_txn_link_create(t.db.p, t.id, &c) })
}

func (t *Txn) port(master string, add bool, port string) error {
	mp, mn := text(master)
	pp, pn := text(port)
	return call(func() C.int { return C.ipdb_txn_link_port(t.db.p, t.id, mp, mn, C.bool(add), pp, pn) })
}

// AddPort stages: make link port a port of the bridge or bond master.
func (t *Txn) AddPort(master, port string) error { return t.port(master, true, port) }

// DelPort stages: release link port from master.
func (t *Txn) DelPort(master, port string) error { return t.port(master, false, port) }

// RemoveLink stages: delete link name (a veth's peer goes with it).
func (t *Txn) RemoveLink(name string) error {
	return t.withName(name, func(p *C.char, n C.size_t) C.int {
		return C.ipdb_txn_link_remove(t.db.p, t.id, p, n)
	})
}

// NeighbourSpec is a neighbour (ARP/NDP) or bridge FDB entry
// (ipdb_neighbour_spec).
type NeighbourSpec struct {
	// Dev is the link, also one the transaction creates.
	Dev string
	// Dst is a neighbour's IP address (required); for an FDB entry on a
	// vxlan, the remote; invalid for one on a bridge port.
	Dst netip.Addr
	// LLAddr is the 6-byte MAC address; a neighbour may leave it nil, an
	// FDB entry needs it.
	LLAddr net.HardwareAddr
	// FDB makes it a bridge FDB entry (bridge fdb) rather than a
	// neighbour (ip neigh).
	FDB bool
}

func (t *Txn) neighbour(add bool, n NeighbourSpec) error {
	var c C.ipdb_neighbour_spec
	if err := cName(&c.dev, n.Dev); err != nil {
		return err
	}
	var err error
	if c.dst, err = optCAddr(n.Dst); err != nil {
		return err
	}
	if n.LLAddr != nil {
		if len(n.LLAddr) != len(c.lladdr) {
			return invalid("MAC address %v is not %d bytes", n.LLAddr, len(c.lladdr))
		}
		for i, b := range n.LLAddr {
			c.lladdr[i] = C.uint8_t(b)
		}
		c.has_lladdr = true
	}
	c.fdb = C.bool(n.FDB)
	return call(func() C.int { return C.ipdb_txn_neighbour(t.db.p, t.id, C.bool(add), &c) })
}

// AddNeighbour stages: add a permanent neighbour or a static FDB entry.
// The commit fails when the entry exists.
func (t *Txn) AddNeighbour(n NeighbourSpec) error { return t.neighbour(true, n) }

// DelNeighbour stages: delete a neighbour or FDB entry.
func (t *Txn) DelNeighbour(n NeighbourSpec) error { return t.neighbour(false, n) }

// RuleSpec is a policy-routing rule (ipdb_rule_spec). Zero fields are
// "not given"; an added rule without Table looks up main. Without From
// and To the rule is IPv4.
type RuleSpec struct {
	Priority uint32
	Table    uint32
	FwMark   uint32
	FwMask   uint32 // 0: all bits
	From     netip.Prefix
	To       netip.Prefix
}

func optCNet(p netip.Prefix) (C.ipdb_net, error) {
	if p == (netip.Prefix{}) {
		return C.ipdb_net{}, nil
	}
	return cNet(p)
}

func (t *Txn) rule(add bool, r RuleSpec) error {
	var c C.ipdb_rule_spec
	c.priority = C.uint32_t(r.Priority)
	c.table = C.uint32_t(r.Table)
	c.fwmark = C.uint32_t(r.FwMark)
	c.fwmask = C.uint32_t(r.FwMask)
	var err error
	if c.from, err = optCNet(r.From); err != nil {
		return err
	}
	if c.to, err = optCNet(r.To); err != nil {
		return err
	}
	return call(func() C.int { return C.ipdb_txn_rule(t.db.p, t.id, C.bool(add), &c) })
}

// AddRule stages: add a rule.
func (t *Txn) AddRule(r RuleSpec) error { return t.rule(true, r) }

// DelRule stages: delete the rule matching the fields r gives.
func (t *Txn) DelRule(r RuleSpec) error { return t.rule(false, r) }

//! Transaction steps on whole objects: creating links by kind, bridge and
//! bond ports, removing links, neighbours and rules, each from a
//! plain-old-data spec.

use std::ffi::{c_char, c_int};

use ipdb::spec::{LinkKind, LinkSpec, MacvlanMode, NeighbourSpec, RuleSpec, TunSpec, VxlanSpec};

use crate::boundary::{input, Failure};
use crate::db::ipdb_db;
use crate::records::IPDB_NAME_SIZE;
use crate::txn::{link_name, link_text, with_txn};
use crate::types::{ipdb_addr, ipdb_net};

/// `ipdb_link_spec.kind`: a `dummy` link.
pub const IPDB_LINK_DUMMY: u32 = 1;
/// `ipdb_link_spec.kind`: an `ifb` link.
pub const IPDB_LINK_IFB: u32 = 2;
/// `ipdb_link_spec.kind`: a bridge (kernel default settings).
pub const IPDB_LINK_BRIDGE: u32 = 3;
/// `ipdb_link_spec.kind`: a veth pair; `peer` names the other end.
pub const IPDB_LINK_VETH: u32 = 4;
/// `ipdb_link_spec.kind`: a vlan on `parent` with `vlan_id`.
pub const IPDB_LINK_VLAN: u32 = 5;
/// `ipdb_link_spec.kind`: a macvlan on `parent` in `mode`.
pub const IPDB_LINK_MACVLAN: u32 = 6;
/// `ipdb_link_spec.kind`: a macvtap on `parent` in `mode`.
pub const IPDB_LINK_MACVTAP: u32 = 7;
/// `ipdb_link_spec.kind`: a vxlan (`vni`, `remote`, `local`, `port`,
/// optional `parent`).
pub const IPDB_LINK_VXLAN: u32 = 8;
/// `ipdb_link_spec.kind`: a persistent tun device.
pub const IPDB_LINK_TUN: u32 = 9;
/// `ipdb_link_spec.kind`: a persistent tap device.
pub const IPDB_LINK_TAP: u32 = 10;

/// `ipdb_link_spec.mode` (`MACVLAN_MODE_PRIVATE`).
pub const IPDB_MACVLAN_PRIVATE: u32 = 1;
/// `ipdb_link_spec.mode` (`MACVLAN_MODE_VEPA`, also what 0 gives).
pub const IPDB_MACVLAN_VEPA: u32 = 2;
/// `ipdb_link_spec.mode` (`MACVLAN_MODE_BRIDGE`).
pub const IPDB_MACVLAN_BRIDGE: u32 = 4;
/// `ipdb_link_spec.mode` (`MACVLAN_MODE_PASSTHRU`).
pub const IPDB_MACVLAN_PASSTHRU: u32 = 8;
/// `ipdb_link_spec.mode` (`MACVLAN_MODE_SOURCE`).
pub const IPDB_MACVLAN_SOURCE: u32 = 16;

/// A link to create in a transaction. Zero every field first (`= {0}`),
/// then set `name`, `kind` and the fields that kind reads; the others are
/// ignored.
#[repr(C)]
#[derive(Copy, Clone, Debug)]
pub struct ipdb_link_spec {
    /// Name of the new link, NUL-terminated.
    pub name: [c_char; IPDB_NAME_SIZE],
    /// `IPDB_LINK_*`.
    pub kind: u32,
    /// veth: the peer's name, NUL-terminated.
    pub peer: [c_char; IPDB_NAME_SIZE],
    /// vlan, macvlan, macvtap (required) and vxlan (optional): the lower
    /// link by name (also one this transaction creates); empty for none.
    pub parent: [c_char; IPDB_NAME_SIZE],
    /// macvlan, macvtap: `IPDB_MACVLAN_*`; 0 for vepa.
    pub mode: u32,
    /// vlan: the VLAN id, 1..=4094.
    pub vlan_id: u16,
    /// vxlan: destination UDP port; 0 for the kernel's default (8472).
    pub port: u16,
    /// vxlan: the VNI (24 bits).
    pub vni: u32,
    /// vxlan: remote or multicast group; `family` 0 for none.
    pub remote: ipdb_addr,
    /// vxlan: local source address; `family` 0 for none.
    pub local: ipdb_addr,
}

/// A NUL-terminated name field: `None` when empty.
fn name_field(
    field: &[c_char; IPDB_NAME_SIZE],
    arg: &'static str,
) -> Result<Option<String>, Failure> {
    let n = field.iter().position(|&c| c == 0).ok_or(Failure::Invalid {
        arg,
        why: "no NUL terminator",
    })?;
    match n {
        0 => Ok(None),
        n => link_text(field.as_ptr(), n).map(|t| Some(t.to_owned())),
    }
}

fn required<T>(v: Option<T>, arg: &'static str) -> Result<T, Failure> {
    v.ok_or(Failure::Invalid {
        arg,
        why: "required for this kind",
    })
}

fn optional_addr(a: &ipdb_addr, arg: &'static str) -> Result<Option<std::net::IpAddr>, Failure> {
    Ok(match a.family {
        0 => None,
        _ => Some(a.check(arg)?.into()),
    })
}

fn macvlan_mode(m: u32) -> Result<MacvlanMode, Failure> {
    Ok(match m {
        0 | IPDB_MACVLAN_VEPA => MacvlanMode::Vepa,
        IPDB_MACVLAN_PRIVATE => MacvlanMode::Private,
        IPDB_MACVLAN_BRIDGE => MacvlanMode::Bridge,
        IPDB_MACVLAN_PASSTHRU => MacvlanMode::Passthru,
        IPDB_MACVLAN_SOURCE => MacvlanMode::Source,
        _ => {
            return Err(Failure::Invalid {
                arg: "spec.mode",
                why: "not an IPDB_MACVLAN_* value",
            })
        }
    })
}

/// The Rust link spec and lower link of a C one.
pub(crate) fn link_spec(s: &ipdb_link_spec) -> Result<(LinkSpec, Option<String>), Failure> {
    let name = required(name_field(&s.name, "spec.name")?, "spec.name")?;
    let parent = name_field(&s.parent, "spec.parent")?;
    let kind = match s.kind {
        IPDB_LINK_DUMMY => LinkKind::Dummy,
        IPDB_LINK_IFB => LinkKind::Ifb,
        IPDB_LINK_BRIDGE => LinkKind::bridge(),
        IPDB_LINK_VETH => LinkKind::Veth {
            peer: required(name_field(&s.peer, "spec.peer")?, "spec.peer")?,
        },
        IPDB_LINK_VLAN => {
            required(parent.clone(), "spec.parent")?;
            if !(1..=4094).contains(&s.vlan_id) {
                return Err(Failure::Invalid {
                    arg: "spec.vlan_id",
                    why: "a VLAN id is 1 to 4094",
                });
            }
            LinkKind::Vlan {
                link: 0,
                id: s.vlan_id,
                protocol: None,
            }
        }
        IPDB_LINK_MACVLAN | IPDB_LINK_MACVTAP => {
            required(parent.clone(), "spec.parent")?;
            let mode = macvlan_mode(s.mode)?;
            if s.kind == IPDB_LINK_MACVLAN {
                LinkKind::Macvlan { link: 0, mode }
            } else {
                LinkKind::Macvtap { link: 0, mode }
            }
        }
        IPDB_LINK_VXLAN => {
            if s.vni >= 1 << 24 {
                return Err(Failure::Invalid {
                    arg: "spec.vni",
                    why: "a VNI has 24 bits",
                });
            }
            LinkKind::Vxlan(VxlanSpec {
                id: s.vni,
                group: optional_addr(&s.remote, "spec.remote")?,
                local: optional_addr(&s.local, "spec.local")?,
                port: (s.port != 0).then_some(s.port),
                ..VxlanSpec::default()
            })
        }
        IPDB_LINK_TUN => LinkKind::Tun(TunSpec::default()),
        IPDB_LINK_TAP => LinkKind::Tap(TunSpec::default()),
        _ => {
            return Err(Failure::Invalid {
                arg: "spec.kind",
                why: "not an IPDB_LINK_* value",
            })
        }
    };
    Ok((LinkSpec::new(&name, kind), parent))
}

/// Stages: create the link `spec` describes (see `ipdb_link_spec`). A
/// later call may refer to it by name (set it up, add addresses, make it
/// a port, put routes on it).
///
/// # Safety
/// `db` is a live handle; `spec` points to an `ipdb_link_spec`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_txn_link_create(
    db: *const ipdb_db,
    id: u64,
    spec: *const ipdb_link_spec,
) -> c_int {
    with_txn(db, id, |t| {
        let (spec, parent) = link_spec(input(spec, "spec")?)?;
        match parent {
            Some(p) => t.create_on(spec, p),
            None => t.create(spec),
        };
        Ok(())
    })
}

/// Stages: make link `port` a port of the bridge or bond `master` (`add`
/// true), or release it.
///
/// # Safety
/// `db` is a live handle; `master` points to `master_len` bytes and
/// `port` to `port_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn ipdb_txn_link_port(
    db: *const ipdb_db,
    id: u64,
    master: *const c_char,
    master_len: usize,
    add: bool,
    port: *const c_char,
    port_len: usize,
) -> c_int {
    with_txn(db, id, |t| {
        let m = link_name(master, master_len)?;
        let p = link_name(port, port_len)?;
        let mut l = t.link(m);
        if add {
            l.add_port(p);
        } else {
            l.del_port(p);
        }
        Ok(())
    })
}

/// Stages: delete link `name` (with a veth, its peer goes too).
///
/// # Safety
/// `db` is a live handle; `name` points to `name_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn ipdb_txn_link_remove(
    db: *const ipdb_db,
    id: u64,
    name: *const c_char,
    name_len: usize,
) -> c_int {
    with_txn(db, id, |t| {
        t.remove(link_name(name, name_len)?);
        Ok(())
    })
}

/// A neighbour (ARP/NDP) or bridge FDB entry to add or delete.
#[repr(C)]
#[derive(Copy, Clone, Debug)]
pub struct ipdb_neighbour_spec {
    /// The link, NUL-terminated (also one the transaction creates).
    pub dev: [c_char; IPDB_NAME_SIZE],
    /// Neighbour: its IP address (required). FDB on a vxlan: the remote;
    /// on a bridge port: `family` 0.
    pub dst: ipdb_addr,
    /// The MAC address; neighbour entries may leave `has_lladdr` false.
    pub lladdr: [u8; 6],
    /// Whether `lladdr` is given (always for FDB entries).
    pub has_lladdr: bool,
    /// An FDB entry (`bridge fdb`) rather than a neighbour (`ip neigh`).
    pub fdb: bool,
}

/// Stages: add (`add` true; permanent neighbour, static FDB entry) or
/// delete a neighbour or FDB entry. An add fails at commit when the entry
/// exists (for a vxlan: any entry for that MAC, including the all-zero
/// default one its `remote` made).
///
/// # Safety
/// `db` is a live handle; `spec` points to an `ipdb_neighbour_spec`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_txn_neighbour(
    db: *const ipdb_db,
    id: u64,
    add: bool,
    spec: *const ipdb_neighbour_spec,
) -> c_int {
    with_txn(db, id, |t| {
        let (dev, n) = neighbour_spec(input(spec, "spec")?)?;
        if add {
            t.add_neighbour(dev, n);
        } else {
            t.remove_neighbour(dev, n);
        }
        Ok(())
    })
}

/// The Rust neighbour spec of a C one and its link's name (`index` is left
/// 0 for the caller to resolve).
pub(crate) fn neighbour_spec(s: &ipdb_neighbour_spec) -> Result<(String, NeighbourSpec), Failure> {
    let dev = required(name_field(&s.dev, "spec.dev")?, "spec.dev")?;
    let dst = optional_addr(&s.dst, "spec.dst")?;
    let mac = s.has_lladdr.then_some(s.lladdr);
    let n = match (s.fdb, dst, mac) {
        (false, Some(d), mac) => NeighbourSpec::ip(0, d, mac),
        (false, None, _) => {
            return Err(Failure::Invalid {
                arg: "spec.dst",
                why: "a neighbour needs an address",
            })
        }
        (true, _, None) => {
            return Err(Failure::Invalid {
                arg: "spec.lladdr",
                why: "an FDB entry needs a MAC address",
            })
        }
        (true, Some(d), Some(m)) => NeighbourSpec::vxlan_fdb(0, m, d),
        (true, None, Some(m)) => NeighbourSpec::fdb(0, m),
    };
    Ok((dev, n))
}

/// A policy-routing rule to add or delete. Zero means "not given" for
/// every field; an added rule without `table` looks up main.
#[repr(C)]
#[derive(Copy, Clone, Debug)]
pub struct ipdb_rule_spec {
    /// Priority.
    pub priority: u32,
    /// Table to look up.
    pub table: u32,
    /// Firewall mark to match.
    pub fwmark: u32,
    /// Mask for `fwmark` (0: all bits).
    pub fwmask: u32,
    /// Source prefix; `addr.family` 0 for any.
    pub from: ipdb_net,
    /// Destination prefix; `addr.family` 0 for any.
    pub to: ipdb_net,
}

/// Stages: add (`add` true) or delete a rule (a deletion matches by the
/// fields given). Without `from`/`to` the rule is IPv4.
///
/// # Safety
/// `db` is a live handle; `spec` points to an `ipdb_rule_spec`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_txn_rule(
    db: *const ipdb_db,
    id: u64,
    add: bool,
    spec: *const ipdb_rule_spec,
) -> c_int {
    with_txn(db, id, |t| {
        let r = rule_spec(input(spec, "spec")?)?;
        if add {
            t.add_rule(r);
        } else {
            t.remove_rule(r);
        }
        Ok(())
    })
}

/// The Rust rule spec of a C one.
pub(crate) fn rule_spec(s: &ipdb_rule_spec) -> Result<RuleSpec, Failure> {
    let net = |n: &ipdb_net, arg| -> Result<_, Failure> {
        Ok(match n.addr.family {
            0 => None,
            _ => Some(n.check(arg)?),
        })
    };
    let nz = |v: u32| (v != 0).then_some(v);
    let r = RuleSpec {
        priority: nz(s.priority),
        table: nz(s.table),
        fwmark: nz(s.fwmark),
        fwmask: nz(s.fwmask),
        from: net(&s.from, "spec.from")?,
        to: net(&s.to, "spec.to")?,
        ..RuleSpec::default()
    };
    Ok(r)
}

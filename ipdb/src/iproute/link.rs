//! Creating, changing and deleting links (`ip link add|set|del`), and
//! reading one link.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::Path;

use ipdb_core::wire::link::LinkRepr;
use ipdb_core::wire::uapi::*;
use ipdb_core::wire::FamilyRepr;

use super::IpRoute;
use crate::error::{Error, ErrorKind, Object, Op};
use crate::records::Link;
use crate::spec::{outcome, LinkChange, LinkId, LinkKind, LinkSettings, LinkSpec, Netns, Verb};

impl IpRoute {
    /// Creates a link (`ip link add NAME type KIND ...`) and returns when
    /// the kernel has acked. A name in use is `EEXIST`; a kind this kernel
    /// does not have is `EOPNOTSUPP` ("Unknown device type").
    ///
    /// tun and tap devices are created through `/dev/net/tun` in this
    /// handle's namespace and made persistent (see [`IpRoute::link_del`]
    /// to remove them). An alias is set by a second request right after
    /// creation (the kernel ignores `IFLA_IFALIAS` on create).
    pub fn link_add(&mut self, spec: &LinkSpec) -> Result<(), Error> {
        if let LinkKind::Tun(_) | LinkKind::Tap(_) = spec.kind {
            return self.tuntap_add(spec);
        }
        let sent = spec.with_repr(|r| {
            self.request(Op::Add, Object::Link, RTM_NEWLINK, Verb::Add.flags(), |b| {
                r.emit(b)
            })
        });
        outcome(sent, Op::Add, Object::Link, spec)?;
        if let Some(alias) = &spec.settings.alias {
            self.link_set(&LinkChange {
                link: LinkId::Name(spec.name.clone()),
                rename: None,
                settings: LinkSettings {
                    alias: Some(alias.clone()),
                    ..LinkSettings::default()
                },
            })?;
        }
        Ok(())
    }

    /// Changes a link (`ip link set dev LINK up|down mtu N name NEW
    /// address MAC txqlen N master M|nomaster alias TEXT`). A rename of a
    /// link given by name looks its index up first.
    pub fn link_set(&mut self, change: &LinkChange) -> Result<(), Error> {
        if let (LinkId::Name(name), Some(_)) = (&change.link, &change.rename) {
            let index = self.link_get(&LinkId::Name(name.clone()))?.index;
            let by_index = LinkChange {
                link: LinkId::Index(index),
                ..change.clone()
            };
            return self
                .link_set(&by_index)
                .map_err(|e| e.with_target(change.to_string()));
        }
        let sent = change
            .with_repr(|r| self.request(Op::Set, Object::Link, RTM_NEWLINK, 0, |b| r.emit(b)));
        outcome(sent, Op::Set, Object::Link, change)
    }

    /// Deletes a link (`ip link del LINK`); for a veth pair, both ends go.
    /// A missing link is `ENODEV`.
    pub fn link_del(&mut self, link: impl Into<LinkId>) -> Result<(), Error> {
        let link = link.into();
        let sent = link
            .with_repr(|r| self.request(Op::Delete, Object::Link, RTM_DELLINK, 0, |b| r.emit(b)));
        outcome(sent, Op::Delete, Object::Link, &format!("dev {link}"))
    }

    /// Reads one link (`ip link show dev LINK`): a non-dump `RTM_GETLINK`.
    /// A missing link is `ENODEV`.
    pub fn link_get(&mut self, link: &LinkId) -> Result<Link, Error> {
        let mut found = None;
        let mut bad = None;
        let sent = link.with_repr(|r| {
            self.request_with(
                Op::Get,
                Object::Link,
                RTM_GETLINK,
                0,
                &mut |b| r.emit(b),
                |m| match LinkRepr::parse(&m) {
                    Ok(l) => found = Some(Link::from(&l)),
                    Err(e) => bad = Some(e),
                },
            )
        });
        let target = format!("dev {link}");
        outcome(sent, Op::Get, Object::Link, &target)?;
        match (found, bad) {
            (Some(l), _) => Ok(l),
            (None, Some(e)) => {
                Err(Error::new(Op::Get, Object::Link, ErrorKind::Decode(e)).with_target(target))
            }
            (None, None) => Err(Error::new(
                Op::Get,
                Object::Link,
                ErrorKind::InvalidArgument("the kernel acked without sending the link"),
            )
            .with_target(target)),
        }
    }

    /// Moves a link to the network namespace whose file is `netns` (e.g.
    /// `/run/netns/NAME`): `ip link set dev LINK netns NAME`. The link
    /// keeps its settings; its addresses and routes stay behind.
    pub fn link_set_netns(
        &mut self,
        link: impl Into<LinkId>,
        netns: impl AsRef<Path>,
    ) -> Result<(), Error> {
        let path = netns.as_ref();
        let file = File::open(path).map_err(|e| {
            Error::new(Op::Set, Object::Link, ErrorKind::Transport(e.into()))
                .with_target(format!("namespace file {}", path.display()))
        })?;
        let mut change = LinkChange::new(link);
        // `file` stays open until the kernel has answered.
        change.settings.netns = Some(Netns::Fd(file.as_raw_fd()));
        self.link_set(&change)
    }

    /// The index of the link named `name`.
    pub fn link_index(&mut self, name: &str) -> Result<u32, Error> {
        Ok(self.link_get(&LinkId::Name(name.to_owned()))?.index)
    }
}

//! tun/tap devices: created through `/dev/net/tun` (the kernel refuses to
//! create them over rtnetlink) in the handle's namespace, made persistent,
//! then configured like any link.

use std::fs::File;
use std::io;
use std::os::fd::AsFd;

use netlink_raw::{NetlinkError, Tun, TunMode, TunOptions};

use super::IpRoute;
use crate::error::{Error, ErrorKind, Object, Op};
use crate::spec::{LinkChange, LinkId, LinkKind, LinkSettings, LinkSpec, TunSpec};

impl IpRoute {
    /// Creates the persistent tun or tap device `spec` describes (called
    /// by [`IpRoute::link_add`] for [`LinkKind::Tun`]/[`LinkKind::Tap`]).
    ///
    /// `TUNSETIFF` attaches to an existing tun device of that name instead
    /// of failing, so the name is checked first: in use is `EEXIST`, as for
    /// every other kind (a device created between the check and the ioctl
    /// is not detected).
    pub(crate) fn tuntap_add(&mut self, spec: &LinkSpec) -> Result<(), Error> {
        let (mode, t) = match &spec.kind {
            LinkKind::Tun(t) => (TunMode::Tun, t),
            LinkKind::Tap(t) => (TunMode::Tap, t),
            _ => {
                return Err(Error::new(
                    Op::Add,
                    Object::Link,
                    ErrorKind::InvalidArgument("not a tun/tap kind"),
                ))
            }
        };
        let target = || spec.to_string();
        if spec.name.is_empty() || spec.name.contains('%') {
            // The kernel would pick the name; the settings below need it known.
            return Err(Error::new(
                Op::Add,
                Object::Link,
                ErrorKind::InvalidArgument(
                    "name: tun/tap devices need a full name (no %d pattern)",
                ),
            )
            .with_target(target()));
        }
        match self.link_get(&LinkId::Name(spec.name.clone())) {
            Ok(_) => {
                // The answer the kernel gives for any other kind.
                let exists = NetlinkError {
                    errno: libc::EEXIST,
                    message: None,
                    offset: None,
                };
                let kind = ErrorKind::Kernel(exists);
                return Err(Error::new(Op::Add, Object::Link, kind).with_target(target()));
            }
            Err(e) if e.errno() == Some(libc::ENODEV) => {}
            Err(e) => return Err(e.with_target(target())),
        }
        self.create_persistent_tun(&spec.name, mode, t)
            .map_err(|e| Error::transport(Op::Add, Object::Link, e.into()).with_target(target()))?;
        let settings = spec.settings.clone();
        if settings != LinkSettings::default() {
            self.link_set(&LinkChange {
                link: LinkId::Name(spec.name.clone()),
                rename: None,
                settings,
            })?;
        }
        Ok(())
    }

    fn create_persistent_tun(&self, name: &str, mode: TunMode, t: &TunSpec) -> io::Result<()> {
        let options = TunOptions {
            mode,
            packet_info: t.packet_info,
            multi_queue: t.multi_queue,
        };
        let tun = match self.netns_path() {
            Some(path) => Tun::create_in_netns(File::open(path)?.as_fd(), name, &options)?,
            None => Tun::create(name, &options)?,
        };
        if let Some(uid) = t.owner {
            tun.set_owner(uid)?;
        }
        if let Some(gid) = t.group {
            tun.set_group(gid)?;
        }
        // Last: until now, closing the fd (on any error above) removes the device.
        tun.set_persist(true)
    }
}

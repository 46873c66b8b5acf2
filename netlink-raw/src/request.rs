//! Requests and dumps: sequence numbers, waiting for the matching ack, and
//! walking a dump's multi-part reply until `NLMSG_DONE`.
//!
//! Requests are netlink messages built by the caller (usually with
//! `ipdb_core::wire::MessageBuilder`); these functions stamp them with the
//! socket's next sequence number and port id before sending. Replies are
//! handed out as `ipdb_core::wire::Message` views over the socket's receive
//! buffer: nothing is allocated per message.
//!
//! Replies are matched to a request by sequence number and port id; other
//! messages (stale replies of an abandoned request, multicast events) are
//! skipped. Use a separate socket for multicast events and for requests, or
//! events arriving while a request waits are lost to the request.

use ipdb_core::wire::uapi::{NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST};
use ipdb_core::wire::{Control, ExtAck, Message, Messages, NlmsgBuf};

use crate::{Error, NetlinkError, Socket};

/// How many times [`Socket::dump`] restarts a dump the kernel marked
/// inconsistent (`NLM_F_DUMP_INTR`) before giving up with
/// [`Error::DumpInterrupted`].
pub const MAX_DUMP_RESTARTS: u32 = 8;

/// What a dump hands to its callback.
#[derive(Debug, Clone, Copy)]
pub enum DumpEvent<'a> {
    /// One reply message of the dump (a family message such as
    /// `RTM_NEWLINK`; control messages are handled by the dump itself).
    Message(Message<'a>),
    /// The kernel marked the dump inconsistent (objects changed while it
    /// ran); it is being restarted. Discard every message received so far:
    /// the dump will deliver the whole set again.
    Restart,
}

/// What [`Socket::dump_runs`] hands to its callback.
#[derive(Debug, Clone, Copy)]
pub enum DumpRun<'a> {
    /// Consecutive reply messages, whole and 4-aligned.
    Messages(&'a [u8]),
    /// As [`DumpEvent::Restart`]: discard everything received so far.
    Restart,
}

/// Figures about a finished dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DumpSummary {
    /// Messages delivered by the final, consistent pass.
    pub messages: usize,
    /// Datagrams the final pass arrived in.
    pub datagrams: usize,
    /// How many times the dump was restarted (each announced with
    /// [`DumpEvent::Restart`]).
    pub restarts: u32,
}

impl Socket {
    /// Stamps the request in `request` (one complete netlink message) with
    /// the next sequence number and this socket's port id, adds
    /// `NLM_F_REQUEST`, sends it, and returns the sequence number. Does not
    /// wait for anything; see [`Socket::wait_ack`].
    pub fn send_request(&mut self, request: &mut [u8]) -> Result<u32, Error> {
        self.stamp_and_send(request, NLM_F_REQUEST)
    }

    /// Sends the request with `NLM_F_ACK` added and waits for its ack.
    /// A refusal comes back as [`Error::Kernel`] with the errno and the
    /// kernel's extended-ack text and offset.
    pub fn request(&mut self, request: &mut [u8]) -> Result<(), Error> {
        self.request_with(request, |_| {})
    }

    /// [`Socket::request`], handing every other message that answers the
    /// request (e.g. the object a non-dump `RTM_GET*` returns, or the echo
    /// of `NLM_F_ECHO`) to `on_reply` before the ack arrives.
    pub fn request_with<F>(&mut self, request: &mut [u8], on_reply: F) -> Result<(), Error>
    where
        F: FnMut(Message<'_>),
    {
        let seq = self.stamp_and_send(request, NLM_F_REQUEST | NLM_F_ACK)?;
        self.wait_ack(seq, on_reply)
    }

    /// Receives until the ack (or error) for the request with sequence
    /// number `seq` from this socket arrives; other messages answering that
    /// request go to `on_reply`, messages for anything else are skipped.
    /// The request must have asked for an ack (`NLM_F_ACK`), or have been
    /// refused, or this waits for ever (blocking socket).
    ///
    /// Several requests may be sent before waiting (the kernel answers them
    /// in order), but wait for them in the order they were sent: waiting for
    /// a later one skips, and so loses, the earlier ones' answers.
    pub fn wait_ack<F>(&mut self, seq: u32, mut on_reply: F) -> Result<(), Error>
    where
        F: FnMut(Message<'_>),
    {
        let port = self.port_id();
        loop {
            let datagram = self.recv()?;
            for m in Messages::new(datagram) {
                let m = m?;
                let h = m.header();
                if h.seq != seq || h.pid != port {
                    continue;
                }
                match m.control()? {
                    Control::Error(e) if e.is_ack() => return Ok(()),
                    Control::Error(e) => return Err(kernel_error(e.code, &e.ext).into()),
                    Control::Data => on_reply(m),
                    Control::Done(_) | Control::Noop | Control::Overrun => {}
                }
            }
        }
    }

    /// Sends the dump request in `request` (`NLM_F_DUMP` is added) and hands
    /// each reply message to `on_event`, across as many datagrams as the
    /// kernel uses, until `NLMSG_DONE`.
    ///
    /// When the kernel marks the dump inconsistent (`NLM_F_DUMP_INTR`), the
    /// callback gets [`DumpEvent::Restart`] (discard what was collected), the
    /// rest of that pass is read and dropped, and the request is sent again
    /// with a new sequence number; after [`MAX_DUMP_RESTARTS`] restarts the
    /// dump fails with [`Error::DumpInterrupted`]. So at `Ok` the callback
    /// has seen, since its last `Restart`, exactly one consistent dump.
    ///
    /// An error at the start (e.g. `EINVAL` for a bad filter under strict
    /// checking) or at the end (`NLMSG_DONE` carrying an errno) comes back as
    /// [`Error::Kernel`]. After [`Error::Io`], [`Error::Overrun`] or
    /// [`Error::Malformed`] the rest of the dump may still be queued on the
    /// socket; a new dump on it could then fail with `EBUSY`.
    pub fn dump<F>(&mut self, request: &mut [u8], mut on_event: F) -> Result<DumpSummary, Error>
    where
        F: FnMut(DumpEvent<'_>),
    {
        self.dump_runs(request, |run| match run {
            // Already walked once by `dump_runs`: these parse.
            DumpRun::Messages(bytes) => Messages::new(bytes)
                .flatten()
                .for_each(|m| on_event(DumpEvent::Message(m))),
            DumpRun::Restart => on_event(DumpEvent::Restart),
        })
    }

    /// Like [`Socket::dump`], but hands over the reply messages as runs of
    /// consecutive bytes (typically every message of one datagram), for a
    /// caller that moves them elsewhere whole, e.g. to another thread:
    /// one copy per datagram instead of one per message. Each run holds
    /// complete, 4-aligned messages; walk it with
    /// [`Messages`](ipdb_core::wire::Messages).
    pub fn dump_runs<F>(&mut self, request: &mut [u8], mut on_run: F) -> Result<DumpSummary, Error>
    where
        F: FnMut(DumpRun<'_>),
    {
        let port = self.port_id();
        let mut restarts = 0;
        loop {
            let seq = self.stamp_and_send(request, NLM_F_REQUEST | NLM_F_DUMP)?;
            let mut pass = DumpSummary {
                restarts,
                ..DumpSummary::default()
            };
            let mut interrupted = false;
            let mut done = false;
            while !done {
                let datagram = self.recv()?;
                let mut ours = false;
                // The run of data messages not yet handed over.
                let mut run = 0..0;
                for m in Messages::new(datagram) {
                    let m = m?;
                    let h = m.header();
                    if h.seq != seq || h.pid != port {
                        continue;
                    }
                    ours = true;
                    if h.is_dump_intr() && !interrupted {
                        interrupted = true;
                        on_run(DumpRun::Restart);
                        run = 0..0;
                    }
                    match m.control()? {
                        Control::Done(d) if d.code < 0 => {
                            return Err(kernel_error(d.code, &d.ext).into())
                        }
                        Control::Done(_) => {
                            done = true;
                            break;
                        }
                        Control::Error(e) if !e.is_ack() => {
                            return Err(kernel_error(e.code, &e.ext).into())
                        }
                        Control::Data if !interrupted => {
                            pass.messages += 1;
                            let at = m.bytes().as_ptr() as usize - datagram.as_ptr() as usize;
                            let end =
                                (at + m.bytes().len().next_multiple_of(4)).min(datagram.len());
                            if at != run.end {
                                if !run.is_empty() {
                                    on_run(DumpRun::Messages(&datagram[run]));
                                }
                                run = at..at;
                            }
                            run.end = end;
                        }
                        _ => {}
                    }
                }
                if !run.is_empty() {
                    on_run(DumpRun::Messages(&datagram[run]));
                }
                pass.datagrams += usize::from(ours);
            }
            if !interrupted {
                return Ok(pass);
            }
            restarts += 1;
            if restarts > MAX_DUMP_RESTARTS {
                return Err(Error::DumpInterrupted { restarts });
            }
        }
    }

    fn stamp_and_send(&mut self, request: &mut [u8], flags: u16) -> Result<u32, Error> {
        let seq = self.next_seq();
        let port = self.port_id();
        let mut view = NlmsgBuf::new_checked(&mut *request)?;
        view.set_seq(seq);
        view.set_pid(port);
        view.set_flags(view.flags() | flags);
        let len = view.length() as usize;
        self.send(&request[..len])?;
        Ok(seq)
    }
}

/// The typed error for a negative `NLMSG_ERROR`/`NLMSG_DONE` code.
fn kernel_error(code: i32, ext: &ExtAck<'_>) -> NetlinkError {
    NetlinkError {
        errno: code.saturating_neg(),
        message: ext.msg.map(|m| String::from_utf8_lossy(m).into_owned()),
        offset: ext.offs,
    }
}

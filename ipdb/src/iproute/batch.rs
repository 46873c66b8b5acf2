//! Pipelined requests: many changes sent without waiting for each ack.
//!
//! A [`Batch`] holds complete request messages back to back (as the spec
//! builders write them: `spec.request(verb, buf)`). [`IpRoute::send_batch`]
//! stamps each with its own sequence number, packs them into large
//! datagrams, keeps up to [`WINDOW`] of them in flight, and matches the
//! kernel's acks to requests by sequence number. The kernel handles the
//! messages of a datagram in order and answers each, so one answer per
//! request comes back, in order; a refusal answers only its own request and
//! the ones after it are still applied. That is what makes a batch fast
//! (one system call per datagram, not two per request) and still exact:
//! every request ends [`Acked::Done`], [`Acked::Refused`] or, when the
//! answers stopped coming (deadline, lost acks), [`Acked::Unanswered`].

use std::os::fd::AsFd;
use std::time::Instant;

use ipdb_core::wire::uapi::{NLM_F_ACK, NLM_F_REQUEST};
use ipdb_core::wire::{Control, Messages, NlmsgBuf};
use netlink_raw::NetlinkError;

use super::IpRoute;
use crate::error::{Error, ErrorKind, Object, Op};
use crate::spec::SpecError;

/// Requests in flight at most: their acks must fit the receive buffer the
/// batch asks for (2 MiB); a lost ack would leave a request
/// [`Acked::Unanswered`].
pub const WINDOW: usize = 1024;

/// Largest datagram a batch sends: well under the socket's default send
/// buffer (the kernel refuses a datagram larger than it).
const DATAGRAM: usize = 64 * 1024;

/// Receive buffer asked for while a batch runs: [`WINDOW`] acks of about
/// a kilobyte of kernel bookkeeping each, twice over.
const ACK_BUFFER: usize = 2 * WINDOW * 1024;

/// Request messages, stored back to back, to send with
/// [`IpRoute::send_batch`].
///
/// ```
/// use ipdb::iproute::batch::Batch;
/// use ipdb::spec::{RouteSpec, Verb};
/// let mut batch = Batch::new();
/// let spec = RouteSpec::new("10.0.0.0/24".parse().unwrap());
/// batch.push(|buf| spec.request(Verb::Add, buf)).unwrap();
/// assert_eq!(batch.len(), 1);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Batch {
    bytes: Vec<u8>,
    /// End offset of each message in `bytes`.
    ends: Vec<usize>,
}

/// How the kernel answered one request of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Acked {
    /// Acked: the change is made.
    Done,
    /// Refused, with the kernel's errno and message: nothing changed.
    Refused(NetlinkError),
    /// No answer came (deadline passed, or the socket failed; see
    /// [`BatchOutcome::failure`]): the change may or may not be made.
    Unanswered,
}

/// The answers to a batch, one per request in order.
#[derive(Debug)]
pub struct BatchOutcome {
    /// `results[i]` answers the `i`-th request.
    pub results: Vec<Acked>,
    /// Why the answers stopped before the end, when they did (deadline
    /// passed: `ETIMEDOUT`; socket error).
    pub failure: Option<Error>,
}

impl BatchOutcome {
    /// Whether every request was acked.
    pub fn all_done(&self) -> bool {
        self.failure.is_none() && self.results.iter().all(|r| *r == Acked::Done)
    }
}

impl Batch {
    /// An empty batch.
    pub fn new() -> Batch {
        Batch::default()
    }

    /// How many requests the batch holds.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the batch holds no request.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Appends the request `write` builds (e.g. `|b| spec.request(Verb::Add,
    /// b)`) into the buffer it is given; the space grows and `write` runs
    /// again while it reports a buffer too small. On error nothing is added.
    pub fn push(
        &mut self,
        mut write: impl FnMut(&mut [u8]) -> Result<&mut [u8], SpecError>,
    ) -> Result<(), SpecError> {
        let start = self.bytes.len();
        let mut room = 512;
        loop {
            self.bytes.resize(start + room, 0);
            match write(&mut self.bytes[start..]) {
                Ok(msg) => {
                    let n = msg.len();
                    // Messages are 4-byte aligned on the wire.
                    let end = start + n.div_ceil(4) * 4;
                    self.bytes.truncate(end);
                    self.ends.push(end);
                    return Ok(());
                }
                Err(SpecError::Wire(e))
                    if e.kind == ipdb_core::wire::ErrorKind::BufferTooSmall && room < 1 << 20 =>
                {
                    room *= 4;
                }
                Err(e) => {
                    self.bytes.truncate(start);
                    return Err(e);
                }
            }
        }
    }

    fn range(&self, i: usize) -> (usize, usize) {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        (start, self.ends[i])
    }
}

impl IpRoute {
    /// Sends every request of `batch` pipelined (see the module docs) and
    /// returns each one's answer. `deadline` bounds the whole batch: when it
    /// passes, the requests not yet answered are [`Acked::Unanswered`] and
    /// [`BatchOutcome::failure`] says `ETIMEDOUT`.
    ///
    /// `object` names the kind of object in errors. The socket's receive
    /// buffer is enlarged for the acks (and stays so).
    pub fn send_batch(
        &mut self,
        batch: &mut Batch,
        object: Object,
        deadline: Option<Instant>,
    ) -> BatchOutcome {
        let n = batch.len();
        let mut results = vec![Acked::Unanswered; n];
        if n == 0 {
            return BatchOutcome {
                results,
                failure: None,
            };
        }
        // Best effort: a smaller buffer only makes lost acks possible in
        // very large windows, which then show as `Unanswered`.
        if self.sock.recv_buffer_size().unwrap_or(0) < ACK_BUFFER {
            let _ = self.sock.set_recv_buffer_size(ACK_BUFFER);
        }
        let port = self.sock.port_id();
        let mut first = 0;
        for i in 0..n {
            let seq = self.sock.next_seq();
            if i == 0 {
                first = seq;
            }
            let (s, e) = batch.range(i);
            // Pushed messages came from the builders: the header is there.
            if let Ok(mut view) = NlmsgBuf::new_checked(&mut batch.bytes[s..e]) {
                view.set_seq(seq);
                view.set_pid(port);
                view.set_flags(view.flags() | NLM_F_REQUEST | NLM_F_ACK);
            }
        }
        let mut sent = 0;
        let mut answered = 0;
        let failure = loop {
            if answered == n {
                break None;
            }
            if sent < n && sent - answered < WINDOW / 2 {
                let (start, _) = batch.range(sent);
                let mut end_i = sent + 1;
                while end_i < n
                    && end_i - answered < WINDOW
                    && batch.range(end_i).1 - start <= DATAGRAM
                {
                    end_i += 1;
                }
                let end = batch.range(end_i - 1).1;
                if let Err(e) = self.sock.send(&batch.bytes[start..end]) {
                    break Some(Error::transport(Op::Add, object, e));
                }
                sent = end_i;
                continue;
            }
            if let Some(d) = deadline {
                let left = d.saturating_duration_since(Instant::now());
                match netlink_raw::poll::wait_readable([self.sock.as_fd()], Some(left)) {
                    Ok([true]) => {}
                    Ok([false]) => break Some(timed_out(object)),
                    Err(e) => break Some(Error::transport(Op::Add, object, e)),
                }
            }
            let datagram = match self.sock.recv() {
                Ok(d) => d,
                Err(e) => break Some(Error::transport(Op::Add, object, e)),
            };
            let mut bad = None;
            for m in Messages::new(datagram) {
                let Ok(m) = m else { continue };
                let h = m.header();
                let i = h.seq.wrapping_sub(first) as usize;
                if h.pid != port || i >= sent {
                    continue;
                }
                match m.control() {
                    Ok(Control::Error(e)) => {
                        if results[i] == Acked::Unanswered {
                            answered += 1;
                        }
                        results[i] = if e.is_ack() {
                            Acked::Done
                        } else {
                            Acked::Refused(NetlinkError {
                                errno: e.code.saturating_neg(),
                                message: e.ext.msg.map(|m| String::from_utf8_lossy(m).into_owned()),
                                offset: e.ext.offs,
                            })
                        };
                    }
                    Ok(_) => {}
                    Err(e) => bad = Some(e),
                }
            }
            if let Some(e) = bad {
                break Some(Error::new(Op::Add, object, ErrorKind::Decode(e)));
            }
        };
        BatchOutcome { results, failure }
    }
}

fn timed_out(object: Object) -> Error {
    Error::new(
        Op::Add,
        object,
        ErrorKind::Transport(netlink_raw::Error::Io(std::io::Error::from_raw_os_error(
            libc::ETIMEDOUT,
        ))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{RouteSpec, Verb};

    #[test]
    fn messages_are_stored_back_to_back_as_built() {
        let mut batch = Batch::new();
        let mut expected = Vec::new();
        for i in 0..300u32 {
            let mut spec =
                RouteSpec::new(format!("10.{}.{}.0/24", i / 256, i % 256).parse().unwrap());
            // Make lengths differ (metrics add an attribute).
            if i % 3 == 0 {
                spec.metrics.mtu = Some(1400 + i);
            }
            batch.push(|b| spec.request(Verb::Add, b)).unwrap();
            let mut buf = [0u8; 512];
            expected.push(spec.request(Verb::Add, &mut buf).unwrap().to_vec());
        }
        assert_eq!(batch.len(), 300);
        for (i, want) in expected.iter().enumerate() {
            let (s, e) = batch.range(i);
            assert_eq!(&batch.bytes[s..s + want.len()], &want[..], "message {i}");
            assert_eq!(e - s, want.len().div_ceil(4) * 4);
        }
    }

    #[test]
    fn a_refused_spec_adds_nothing() {
        let mut batch = Batch::new();
        let mut bad = RouteSpec::new("10.0.0.0/24".parse().unwrap());
        bad.prefsrc = Some("2001:db8::1".parse().unwrap());
        assert!(batch.push(|b| bad.request(Verb::Add, b)).is_err());
        assert!(batch.is_empty());
        assert!(batch.bytes.is_empty());
    }
}

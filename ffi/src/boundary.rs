//! The boundary every export goes through: the panic guard, the per-thread
//! last error, and the checked conversions of raw C arguments.
//!
//! All raw-pointer `unsafe` of the crate is here, in small helpers; the
//! exported functions only call them.

use std::cell::RefCell;
use std::ffi::{c_char, c_int};
use std::fmt::{self, Write as _};
use std::panic::{self, AssertUnwindSafe};
use std::ptr::NonNull;

use ipdb::ip::IpError;

use crate::status::*;

/// Why a call failed (or ended without a value), with enough context for
/// the last-error message.
#[derive(Debug)]
pub(crate) enum Failure {
    /// A required pointer argument was NULL.
    Null(&'static str),
    /// Text argument (or scope id) that is not UTF-8.
    Utf8(&'static str),
    /// Output buffer too small; the needed size was already reported.
    BufferTooSmall {
        arg: &'static str,
        needed: usize,
        given: usize,
    },
    /// An argument value out of range.
    Invalid {
        arg: &'static str,
        why: &'static str,
    },
    /// A handle that is not live or of another type.
    Handle(&'static str),
    /// An iterator is exhausted.
    IterEnd,
    /// An optional result is absent.
    NoValue(&'static str),
    /// An IP math error, and the argument it came from when the input was a
    /// C struct rather than text.
    Ip {
        err: IpError,
        arg: Option<&'static str>,
    },
    /// A database or kernel call failed.
    Db(ipdb::Error),
    /// A database call failed with its own status and message (commits,
    /// transaction ids).
    Status { status: c_int, message: String },
}

impl Failure {
    pub(crate) fn status(&self) -> c_int {
        match self {
            Failure::Null(_) => IPDB_NULL_PARAMETER,
            Failure::Utf8(_) => IPDB_INVALID_UTF8,
            Failure::BufferTooSmall { .. } => IPDB_BUFFER_TOO_SMALL,
            Failure::Invalid { .. } => IPDB_INVALID_ARGUMENT,
            Failure::Handle(_) => IPDB_INVALID_HANDLE,
            Failure::IterEnd => IPDB_ITER_END,
            Failure::NoValue(_) => IPDB_NO_VALUE,
            Failure::Ip { err, .. } => ip_status(err),
            Failure::Db(e) => db_status(e),
            Failure::Status { status, .. } => *status,
        }
    }

    /// An IP error about the struct argument `arg`.
    pub(crate) fn in_arg(arg: &'static str) -> impl Fn(IpError) -> Failure {
        move |err| Failure::Ip {
            err,
            arg: Some(arg),
        }
    }
}

impl From<ipdb::Error> for Failure {
    fn from(e: ipdb::Error) -> Self {
        Failure::Db(e)
    }
}

/// The status of a database error: by its cause, not by the operation.
fn db_status(e: &ipdb::Error) -> c_int {
    match e.kind {
        ipdb::ErrorKind::Kernel(_) => IPDB_KERNEL_ERROR,
        ipdb::ErrorKind::Transport(_) => IPDB_SYSTEM_ERROR,
        ipdb::ErrorKind::InvalidArgument(_) => IPDB_INVALID_ARGUMENT,
        _ => IPDB_PROTOCOL_ERROR,
    }
}

impl From<IpError> for Failure {
    fn from(err: IpError) -> Self {
        Failure::Ip { err, arg: None }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Null(arg) => write!(f, "argument '{arg}' is NULL"),
            Failure::Utf8(arg) => write!(f, "argument '{arg}' is not valid UTF-8"),
            Failure::BufferTooSmall { arg, needed, given } => {
                write!(f, "buffer '{arg}' holds {given}, {needed} needed")
            }
            Failure::Invalid { arg, why } => write!(f, "argument '{arg}': {why}"),
            Failure::Handle(arg) => write!(f, "argument '{arg}' is not a live handle of its type"),
            Failure::IterEnd => f.write_str("the iterator has no more items"),
            Failure::NoValue(what) => write!(f, "no value: {what}"),
            Failure::Ip {
                err,
                arg: Some(arg),
            } => write!(f, "argument '{arg}': {err}"),
            Failure::Ip { err, arg: None } => write!(f, "{err} ({})", err.python_class()),
            Failure::Db(e) => write!(f, "{e}"),
            Failure::Status { message, .. } => f.write_str(message),
        }
    }
}

pub(crate) type Outcome = Result<(), Failure>;

thread_local! {
    /// The message of this thread's last failed call.
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

fn set_last_error(args: fmt::Arguments<'_>) {
    // `try_with`: during thread teardown the slot may be gone; the status
    // code still tells the caller what happened.
    let _ = LAST_ERROR.try_with(|m| {
        if let Ok(mut m) = m.try_borrow_mut() {
            m.clear();
            let _ = m.write_fmt(args);
        }
    });
}

/// Run the body of an export: panics become `IPDB_PANIC`, failures set the
/// thread's last error and become their status code.
///
/// The success path is a status compare and nothing else: the last error
/// is only touched on failure, and the failure and panic paths live in
/// cold functions, so they cost the hot path neither code nor stack.
#[inline]
pub(crate) fn guard(body: impl FnOnce() -> Outcome) -> c_int {
    match panic::catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => IPDB_OK,
        Ok(Err(failure)) => fail(failure),
        Err(payload) => panicked(payload),
    }
}

/// The status of a failed call, after recording its message.
#[cold]
#[inline(never)]
fn fail(failure: Failure) -> c_int {
    match failure {
        // "No more items" and "no such value" are answers, not errors: they
        // leave the last error message as it was.
        Failure::IterEnd | Failure::NoValue(_) => {}
        _ => set_last_error(format_args!("{failure}")),
    }
    failure.status()
}

/// `IPDB_PANIC`, after recording the panic's message.
#[cold]
#[inline(never)]
fn panicked(payload: Box<dyn std::any::Any + Send>) -> c_int {
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    set_last_error(format_args!("internal error (panic): {what}"));
    IPDB_PANIC
}

/// Copies this thread's last error message into `buf` as NUL-terminated
/// UTF-8: the reason the most recent failing `ipdb_*` call on this thread
/// gave (the IP error's text, naming the octet/group/offset and the CPython
/// class, or which argument was NULL, too small...). Empty if no call on
/// this thread has failed yet. Successful calls, and the non-error statuses
/// `IPDB_ITER_END` and `IPDB_NO_VALUE`, do not change it, so read it right
/// after the call that failed.
///
/// - `buf`, `len`: the caller's buffer and its size in bytes.
/// - `out_len`: receives the message length in bytes, without the NUL, also
///   when the result is `IPDB_BUFFER_TOO_SMALL` (then nothing is written to
///   `buf`; `*out_len + 1` bytes are needed).
///
/// Returns `IPDB_OK`, `IPDB_NULL_PARAMETER` or `IPDB_BUFFER_TOO_SMALL`.
/// This function never changes the last error itself. Thread-safe: each
/// thread has its own message.
///
/// # Safety
/// `buf` must point to `len` writable bytes; `out_len` to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn ipdb_last_error(
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> c_int {
    let r = panic::catch_unwind(|| {
        let out = TextOut::new(buf, len, out_len, "buf")?;
        let text = LAST_ERROR
            .try_with(|m| m.try_borrow().map(|m| m.clone()).unwrap_or_default())
            .unwrap_or_default();
        out.write(&text)
    });
    match r {
        Ok(Ok(())) => IPDB_OK,
        Ok(Err(f)) => f.status(),
        Err(_) => IPDB_PANIC,
    }
}

/// `p` as non-NULL, or the `Null` failure naming `arg`. (Not `ok_or`: a
/// failure built eagerly is dropped again on every successful call, an
/// out-of-line call since `Failure` owns heap data in some variants.)
#[inline]
fn non_null<T>(p: *mut T, arg: &'static str) -> Result<NonNull<T>, Failure> {
    match NonNull::new(p) {
        Some(p) => Ok(p),
        None => Err(Failure::Null(arg)),
    }
}

/// An optional result that is there, or the `NoValue` answer saying what
/// is absent (built only when it is, as in [`non_null`]).
#[inline]
pub(crate) fn present<T>(v: Option<T>, absent: &'static str) -> Result<T, Failure> {
    match v {
        Some(v) => Ok(v),
        None => Err(Failure::NoValue(absent)),
    }
}

/// A checked, non-NULL input pointer turned into a reference.
///
/// The C caller promises (header contract) that a non-NULL pointer points to
/// a valid, aligned value that stays valid for the call.
#[inline]
pub(crate) fn input<'a, T>(p: *const T, arg: &'static str) -> Result<&'a T, Failure> {
    if p.is_null() {
        return Err(Failure::Null(arg));
    }
    // SAFETY: non-NULL checked above; validity and alignment for the duration
    // of the call are the caller's documented obligation.
    Ok(unsafe { &*p })
}

/// An optional input pointer: NULL means "not given".
#[inline]
pub(crate) fn optional<T: Copy>(p: *const T) -> Option<T> {
    if p.is_null() {
        None
    } else {
        // SAFETY: non-NULL; a given pointer must point to a valid value for
        // the call (documented on each optional argument).
        Some(unsafe { *p })
    }
}

/// Input text given as pointer and length (no NUL needed), checked UTF-8.
#[inline]
pub(crate) fn input_str<'a>(
    p: *const c_char,
    len: usize,
    arg: &'static str,
) -> Result<&'a str, Failure> {
    text_of(input_bytes(p, len, arg)?, arg)
}

/// Input bytes given as pointer and length, not yet checked as text: for
/// parsers that read bytes ([`ipdb::ip::IpAddress::parse_common`]) and
/// call [`text_of`] only when they cannot answer.
#[inline]
pub(crate) fn input_bytes<'a>(
    p: *const c_char,
    len: usize,
    arg: &'static str,
) -> Result<&'a [u8], Failure> {
    if p.is_null() {
        return Err(Failure::Null(arg));
    }
    // SAFETY: non-NULL; the caller promises `len` readable bytes at `p` that
    // stay unchanged for the call.
    Ok(unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len) })
}

/// The bytes of argument `arg` as text: `IPDB_INVALID_UTF8` unless UTF-8.
#[inline]
pub(crate) fn text_of<'a>(bytes: &'a [u8], arg: &'static str) -> Result<&'a str, Failure> {
    // IP text is ASCII: this test (a few overlapping word loads, no loop
    // for text up to 16 bytes) costs less than the general validator on
    // short text, a measurable part of a parse call; anything else takes
    // the full check.
    if is_ascii_short(bytes) {
        // SAFETY: every byte is ASCII, so the bytes are valid UTF-8.
        return Ok(unsafe { std::str::from_utf8_unchecked(bytes) });
    }
    std::str::from_utf8(bytes).map_err(|_| Failure::Utf8(arg))
}

/// ASCII test for short text: the high bits of overlapping 8-byte (or
/// 4-byte) words that cover the text, ORed together; no early exit.
#[inline(always)]
fn is_ascii_short(bytes: &[u8]) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let word = |w: &[u8; 8]| u64::from_ne_bytes(*w);
    if let (Some(first), Some(last)) = (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        // 8..=16 bytes: `first` and `last` cover them; longer text adds
        // the whole words in between.
        let mut acc = word(first) | word(last);
        for w in bytes[8..].chunks_exact(8) {
            acc |= u64::from_ne_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        }
        return acc & HIGH == 0;
    }
    if let (Some(first), Some(last)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        return (u32::from_ne_bytes(*first) | u32::from_ne_bytes(*last)) & 0x8080_8080 == 0;
    }
    bytes.iter().fold(0u8, |a, &b| a | b) < 0x80
}

/// An in/out array of `len` values (`len == 0` accepts any pointer, even
/// NULL, and gives an empty slice).
pub(crate) fn input_slice_mut<'a, T>(
    p: *mut T,
    len: usize,
    arg: &'static str,
) -> Result<&'a mut [T], Failure> {
    if len == 0 {
        return Ok(&mut []);
    }
    if p.is_null() {
        return Err(Failure::Null(arg));
    }
    // SAFETY: non-NULL; the caller promises `len` valid, aligned, writable
    // values at `p`, not aliased for the duration of the call.
    Ok(unsafe { std::slice::from_raw_parts_mut(p, len) })
}

/// A checked, non-NULL out-pointer; written at most once, on success.
pub(crate) struct Out<T>(NonNull<T>);

impl<T> Out<T> {
    #[inline]
    pub(crate) fn new(p: *mut T, arg: &'static str) -> Result<Self, Failure> {
        non_null(p, arg).map(Out)
    }

    #[inline]
    pub(crate) fn write(self, v: T) {
        // SAFETY: non-NULL by construction; the caller promises a writable,
        // aligned `T` there. `write` does not read or drop the old contents.
        unsafe { self.0.as_ptr().write(v) }
    }

    /// Write `v` and hand back the written value to finish in place.
    #[inline]
    pub(crate) fn init<'a>(self, v: T) -> &'a mut T {
        // SAFETY: as in `write`; after it the pointee is an initialised T,
        // which the caller lets us use exclusively for the call.
        unsafe {
            self.0.as_ptr().write(v);
            &mut *self.0.as_ptr()
        }
    }
}

impl<U> Out<*mut U> {
    /// A handle out-pointer: `*p` receives a new boxed `v`, which the caller
    /// gives back to the matching `*_free`.
    pub(crate) fn write_box(self, v: U) {
        self.write(Box::into_raw(Box::new(v)))
    }
}

/// An array the library fills: `cap` slots, and where to report the count.
pub(crate) struct ArrayOut<T> {
    buf: *mut T,
    cap: usize,
    out_len: Out<usize>,
    arg: &'static str,
}

impl<T> ArrayOut<T> {
    pub(crate) fn new(
        buf: *mut T,
        cap: usize,
        out_len: *mut usize,
        arg: &'static str,
    ) -> Result<Self, Failure> {
        let out_len = Out::new(out_len, "out_len")?;
        if buf.is_null() && cap > 0 {
            return Err(Failure::Null(arg));
        }
        Ok(ArrayOut {
            buf,
            cap,
            out_len,
            arg,
        })
    }

    /// Write `items`, or, when they do not fit, report how many there are
    /// and write nothing else.
    pub(crate) fn write(self, items: &[T]) -> Outcome
    where
        T: Copy,
    {
        if items.len() > self.cap {
            self.out_len.write(items.len());
            return Err(Failure::BufferTooSmall {
                arg: self.arg,
                needed: items.len(),
                given: self.cap,
            });
        }
        if !items.is_empty() {
            // SAFETY: items.len() <= cap, so buf is non-NULL (checked in
            // `new` for cap > 0) and the caller promises `cap` writable,
            // aligned slots; `items` is our own memory, so no overlap.
            unsafe { std::ptr::copy_nonoverlapping(items.as_ptr(), self.buf, items.len()) };
        }
        self.out_len.write(items.len());
        Ok(())
    }
}

/// A text result: caller buffer, its size, and where to report the length.
pub(crate) struct TextOut {
    buf: *mut c_char,
    len: usize,
    out_len: Out<usize>,
    arg: &'static str,
}

impl TextOut {
    pub(crate) fn new(
        buf: *mut c_char,
        len: usize,
        out_len: *mut usize,
        arg: &'static str,
    ) -> Result<Self, Failure> {
        let out_len = Out::new(out_len, "out_len")?;
        if buf.is_null() && len > 0 {
            return Err(Failure::Null(arg));
        }
        Ok(TextOut {
            buf,
            len,
            out_len,
            arg,
        })
    }

    /// Copy `text` and a NUL into the buffer (needs `text.len() + 1`
    /// bytes); report the length without the NUL either way.
    pub(crate) fn write(self, text: &str) -> Outcome {
        self.out_len.write(text.len());
        if text.len() >= self.len {
            return Err(Failure::BufferTooSmall {
                arg: self.arg,
                needed: text.len() + 1,
                given: self.len,
            });
        }
        // SAFETY: text.len() + 1 <= len, buf is non-NULL (len > 0) and the
        // caller promises `len` writable bytes; the source is our own string,
        // so the regions cannot overlap.
        unsafe {
            std::ptr::copy_nonoverlapping(text.as_ptr(), self.buf.cast::<u8>(), text.len());
            self.buf.add(text.len()).write(0);
        }
        Ok(())
    }
}

/// A handle type: `#[repr(C)]` with a `u32` tag as its first field, so the
/// tag of any handle can be read at offset 0 before trusting its type.
///
/// # Safety
/// Implementors must be `#[repr(C)]` with a `u32` first field that holds
/// `TAG` while the handle is live.
pub(crate) unsafe trait Tagged {
    /// The value of the first field of a live handle of this type.
    const TAG: u32;
}

/// The tag at the start of a non-NULL handle pointer, whatever its type.
fn tag_of<T: Tagged>(p: NonNull<T>) -> u32 {
    // SAFETY: every handle type is `Tagged` (repr(C), u32 first), so the
    // first 4 bytes of any live handle are its tag; the caller promises a
    // live handle from this library (of some type).
    unsafe { p.cast::<u32>().as_ptr().read() }
}

/// A live handle of type `T` behind a raw pointer, checked by its tag.
pub(crate) fn handle<'a, T: Tagged>(p: *mut T, arg: &'static str) -> Result<&'a mut T, Failure> {
    let p = non_null(p, arg)?;
    if tag_of(p) != T::TAG {
        return Err(Failure::Handle(arg));
    }
    // SAFETY: a live handle of type T (tag checked); the caller promises no
    // other thread uses it during the call.
    Ok(unsafe { &mut *p.as_ptr() })
}

/// A live handle of type `T` used by shared reference: for handles that
/// are safe to use from several threads at once (`ipdb_db`).
pub(crate) fn shared_handle<'a, T: Tagged + Sync>(
    p: *const T,
    arg: &'static str,
) -> Result<&'a T, Failure> {
    let p = non_null(p.cast_mut(), arg)?;
    if tag_of(p) != T::TAG {
        return Err(Failure::Handle(arg));
    }
    // SAFETY: a live handle of type T (tag checked); T is Sync, so shared
    // use from several threads is sound; the caller promises it is not
    // freed during the call.
    Ok(unsafe { &*p.as_ptr() })
}

/// An optional NUL-terminated string argument (a path): NULL is "not
/// given"; the bytes need not be UTF-8.
pub(crate) fn optional_cstr<'a>(p: *const c_char) -> Option<&'a [u8]> {
    if p.is_null() {
        return None;
    }
    // SAFETY: non-NULL; the caller promises a NUL-terminated string that
    // stays unchanged for the call.
    Some(unsafe { std::ffi::CStr::from_ptr(p) }.to_bytes())
}

/// Hands out a borrowed array as pointer and count (the pointer is never
/// NULL, even for an empty array).
pub(crate) fn lend<T>(items: &[T], out_items: *mut *const T, out_count: *mut usize) -> Outcome {
    let out_items = Out::new(out_items, "out_items")?;
    let out_count = Out::new(out_count, "out_count")?;
    out_items.write(items.as_ptr());
    out_count.write(items.len());
    Ok(())
}

/// Free a boxed handle made by [`Out::write_box`]. NULL, and a pointer
/// whose tag is not `T`'s (another type, or already freed and not reused),
/// are no-ops.
pub(crate) fn free_handle<T: Tagged>(p: *mut T) {
    let Some(p) = NonNull::new(p) else { return };
    if tag_of(p) != T::TAG {
        return;
    }
    // SAFETY: made by Box::into_raw in `Out::write_box` (tag checked), freed
    // once: the tag is cleared first so a second free is caught while the
    // memory is not reused.
    unsafe {
        p.cast::<u32>().as_ptr().write(0);
        drop(Box::from_raw(p.as_ptr()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn last() -> String {
        LAST_ERROR.with(|m| m.borrow().clone())
    }

    #[test]
    fn panics_become_a_status_and_a_message() {
        let prev = panic::take_hook();
        panic::set_hook(Box::new(|_| {}));
        let rc = guard(|| panic!("boom {}", 7));
        panic::set_hook(prev);
        assert_eq!(rc, IPDB_PANIC);
        assert_eq!(last(), "internal error (panic): boom 7");
    }

    /// Law: the short ASCII test agrees with the standard one for every
    /// length up to 40 and every position of a non-ASCII byte.
    #[test]
    fn short_ascii_test_agrees_with_std() {
        for len in 0..=40 {
            let text = vec![b'7'; len];
            assert!(is_ascii_short(&text), "len {len}");
            for at in 0..len {
                for bad in [0x80u8, 0xc3, 0xff] {
                    let mut t = text.clone();
                    t[at] = bad;
                    assert!(!is_ascii_short(&t), "len {len}, {bad:#x} at {at}");
                }
            }
        }
    }

    #[test]
    fn failures_set_the_message_and_successes_keep_it() {
        assert_eq!(guard(|| Err(Failure::Null("x"))), IPDB_NULL_PARAMETER);
        assert_eq!(last(), "argument 'x' is NULL");
        assert_eq!(guard(|| Ok(())), IPDB_OK);
        assert_eq!(last(), "argument 'x' is NULL");
    }
}

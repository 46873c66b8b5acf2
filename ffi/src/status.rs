//! Status codes: what every exported function returns.
//!
//! The numbers are part of the ABI: a code is never renumbered or reused.
//! 0 is success; 1..=99 are about the call itself (arguments, buffers,
//! handles, the library); 100..=199 are IP math errors, one per CPython
//! exception class; 200..=299 are the database's (kernel, system,
//! transactions).

use std::ffi::{c_char, c_int};

use ipdb::ip::IpError;

/// Success.
pub const IPDB_OK: c_int = 0;
/// A required pointer argument was NULL.
pub const IPDB_NULL_PARAMETER: c_int = 1;
/// Input text (or a scope id in an `ipdb_addr`) is not valid UTF-8.
pub const IPDB_INVALID_UTF8: c_int = 2;
/// A caller buffer is too small; the needed size was written to the length
/// out-pointer. Nothing else was written.
pub const IPDB_BUFFER_TOO_SMALL: c_int = 3;
/// The library hit a bug (a Rust panic), caught before it reached the caller.
/// Please report it with the `ipdb_last_error` text.
pub const IPDB_PANIC: c_int = 4;
/// An argument value is out of range: an unknown `family`, `version`,
/// text style, a prefix length above the maximum, an IPv4 `ipdb_addr` with
/// bytes set past the fourth or with a scope id, a scope id with no NUL.
pub const IPDB_INVALID_ARGUMENT: c_int = 5;
/// A handle is not one this library handed out for that type, or was freed.
/// (Detection is best-effort: a freed handle is undefined behaviour in C.)
pub const IPDB_INVALID_HANDLE: c_int = 6;
/// An iterator has no more items; the out-pointer was not written.
/// Not an error.
pub const IPDB_ITER_END: c_int = 7;
/// An optional result is absent (e.g. `ipdb_addr_sixtofour` of an address
/// outside 2002::/16); the out-pointer was not written. Not an error.
pub const IPDB_NO_VALUE: c_int = 8;
/// CPython `AddressValueError`: the address text, bytes or arithmetic
/// result is not a valid address.
pub const IPDB_ADDRESS_VALUE_ERROR: c_int = 100;
/// CPython `NetmaskValueError`: the prefix length or mask is invalid.
pub const IPDB_NETMASK_VALUE_ERROR: c_int = 101;
/// CPython `ValueError`: a valid value the operation refuses (host bits set
/// with strict parsing, neither version parses, bad subnet arguments...).
pub const IPDB_VALUE_ERROR: c_int = 102;
/// CPython `TypeError`: IPv4 and IPv6 values mixed where the operation needs
/// one version, or an unsupported format spec.
pub const IPDB_TYPE_ERROR: c_int = 103;
/// CPython `IndexError`: a network index out of range.
pub const IPDB_INDEX_ERROR: c_int = 104;

/// The kernel refused a request: the last error has the errno and the
/// kernel's extended-ack text when it sent one.
pub const IPDB_KERNEL_ERROR: c_int = 200;
/// A system call failed (opening a socket, entering a namespace, starting a
/// thread, a receive queue overrun the database could not heal); the last
/// error has the errno.
pub const IPDB_SYSTEM_ERROR: c_int = 201;
/// A kernel reply did not decode, or a request did not fit the wire format.
pub const IPDB_PROTOCOL_ERROR: c_int = 202;
/// No open transaction has that id (never begun, or already committed or
/// dropped).
pub const IPDB_NO_TRANSACTION: c_int = 203;
/// A commit failed (a step was refused or got no answer, or it could not be
/// planned) and everything it applied was rolled back and verified.
pub const IPDB_COMMIT_FAILED: c_int = 204;
/// A commit hook vetoed; everything the commit applied was rolled back and
/// verified.
pub const IPDB_HOOK_VETO: c_int = 205;
/// A commit failed and its rollback could not restore everything (or could
/// not verify it): the last error lists what differs.
pub const IPDB_ROLLBACK_INCOMPLETE: c_int = 206;

/// The status code for an IP math error: its CPython class.
pub(crate) fn ip_status(e: &IpError) -> c_int {
    match e {
        IpError::Address(_) => IPDB_ADDRESS_VALUE_ERROR,
        IpError::Netmask(_) => IPDB_NETMASK_VALUE_ERROR,
        IpError::Value(_) => IPDB_VALUE_ERROR,
        IpError::Type(_) => IPDB_TYPE_ERROR,
        IpError::Index { .. } => IPDB_INDEX_ERROR,
    }
}

/// The name and meaning of each code, NUL-terminated for C.
fn describe(status: c_int) -> &'static str {
    match status {
        IPDB_OK => "IPDB_OK: success\0",
        IPDB_NULL_PARAMETER => "IPDB_NULL_PARAMETER: a required pointer argument was NULL\0",
        IPDB_INVALID_UTF8 => "IPDB_INVALID_UTF8: text is not valid UTF-8\0",
        IPDB_BUFFER_TOO_SMALL => "IPDB_BUFFER_TOO_SMALL: the caller buffer is too small\0",
        IPDB_PANIC => "IPDB_PANIC: internal error in libipdb (a bug; please report it)\0",
        IPDB_INVALID_ARGUMENT => "IPDB_INVALID_ARGUMENT: an argument value is out of range\0",
        IPDB_INVALID_HANDLE => "IPDB_INVALID_HANDLE: not a live handle of the expected type\0",
        IPDB_ITER_END => "IPDB_ITER_END: the iterator has no more items\0",
        IPDB_NO_VALUE => "IPDB_NO_VALUE: the optional result is absent\0",
        IPDB_ADDRESS_VALUE_ERROR => {
            "IPDB_ADDRESS_VALUE_ERROR: not a valid address (AddressValueError)\0"
        }
        IPDB_NETMASK_VALUE_ERROR => {
            "IPDB_NETMASK_VALUE_ERROR: not a valid prefix length or mask (NetmaskValueError)\0"
        }
        IPDB_VALUE_ERROR => "IPDB_VALUE_ERROR: value refused by the operation (ValueError)\0",
        IPDB_TYPE_ERROR => {
            "IPDB_TYPE_ERROR: IPv4 and IPv6 mixed, or unsupported format (TypeError)\0"
        }
        IPDB_INDEX_ERROR => "IPDB_INDEX_ERROR: index out of range (IndexError)\0",
        IPDB_KERNEL_ERROR => "IPDB_KERNEL_ERROR: the kernel refused the request\0",
        IPDB_SYSTEM_ERROR => "IPDB_SYSTEM_ERROR: a system call failed\0",
        IPDB_PROTOCOL_ERROR => "IPDB_PROTOCOL_ERROR: a netlink message did not decode or encode\0",
        IPDB_NO_TRANSACTION => "IPDB_NO_TRANSACTION: no open transaction has that id\0",
        IPDB_COMMIT_FAILED => "IPDB_COMMIT_FAILED: the commit failed and was rolled back\0",
        IPDB_HOOK_VETO => "IPDB_HOOK_VETO: a commit hook vetoed; the commit was rolled back\0",
        IPDB_ROLLBACK_INCOMPLETE => {
            "IPDB_ROLLBACK_INCOMPLETE: the commit failed and its rollback is incomplete\0"
        }
        _ => "IPDB_UNKNOWN: unknown status code\0",
    }
}

/// The name and a one-line meaning of a status code, e.g.
/// `"IPDB_NULL_PARAMETER: a required pointer argument was NULL"`.
///
/// Returns a static NUL-terminated string, never NULL (unknown codes give
/// `"IPDB_UNKNOWN: ..."`); the caller must not free it. The one export that
/// returns no status, since it cannot fail. Thread-safe.
#[no_mangle]
pub extern "C" fn ipdb_status_str(status: c_int) -> *const c_char {
    describe(status).as_ptr().cast()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn every_code_has_its_own_text() {
        let codes = [
            IPDB_OK,
            IPDB_NULL_PARAMETER,
            IPDB_INVALID_UTF8,
            IPDB_BUFFER_TOO_SMALL,
            IPDB_PANIC,
            IPDB_INVALID_ARGUMENT,
            IPDB_INVALID_HANDLE,
            IPDB_ITER_END,
            IPDB_NO_VALUE,
            IPDB_ADDRESS_VALUE_ERROR,
            IPDB_NETMASK_VALUE_ERROR,
            IPDB_VALUE_ERROR,
            IPDB_TYPE_ERROR,
            IPDB_INDEX_ERROR,
            IPDB_KERNEL_ERROR,
            IPDB_SYSTEM_ERROR,
            IPDB_PROTOCOL_ERROR,
            IPDB_NO_TRANSACTION,
            IPDB_COMMIT_FAILED,
            IPDB_HOOK_VETO,
            IPDB_ROLLBACK_INCOMPLETE,
        ];
        let mut seen = std::collections::HashSet::new();
        for c in codes {
            // SAFETY: ipdb_status_str returns a static NUL-terminated string.
            let s = unsafe { CStr::from_ptr(ipdb_status_str(c)) }
                .to_str()
                .unwrap();
            assert!(
                s.starts_with("IPDB_") && !s.starts_with("IPDB_UNKNOWN"),
                "{c}: {s}"
            );
            assert!(seen.insert(s), "duplicate text {s}");
        }
        // SAFETY: as above.
        let unknown = unsafe { CStr::from_ptr(ipdb_status_str(-7)) };
        assert!(unknown.to_str().unwrap().starts_with("IPDB_UNKNOWN"));
    }
}

//! Advice to the kernel about memory the caller holds.

/// Asks the kernel to back `region` with transparent huge pages where it
/// can (`madvise(MADV_HUGEPAGE)`), for a large buffer about to be filled:
/// a few faults of 2 MiB instead of one per 4 KiB. Only the whole pages
/// inside `region` are advised. Advice only: the contents are untouched,
/// and where huge pages are off or not available it changes nothing, so
/// errors are ignored.
///
/// ```
/// let mut v: Vec<u8> = Vec::with_capacity(8 << 20);
/// netlink_raw::memory::advise_huge_pages(v.spare_capacity_mut());
/// v.resize(8 << 20, 1);
/// ```
pub fn advise_huge_pages<T>(region: &[T]) {
    const PAGE: usize = 4096;
    let range = region.as_ptr_range();
    let start = (range.start as usize).next_multiple_of(PAGE);
    let end = range.end as usize & !(PAGE - 1);
    if end <= start {
        return;
    }
    // SAFETY: madvise reads no memory and writes none; MADV_HUGEPAGE only
    // changes how the kernel backs pages of this process's own mapping,
    // never their contents, and a range that is not mapped fails with
    // ENOMEM, which is ignored.
    unsafe {
        libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
    }
}

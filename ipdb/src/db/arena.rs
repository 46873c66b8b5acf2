//! [`Arena`]: where one route table keeps its routes' message bytes, as
//! entries chained per prefix.
//!
//! An entry is `[next: u32][body length: u32][body, padded to 4]`, found
//! by a `u32` offset. The bytes live in chunks that are never moved: the
//! first grows by doubling up to [`CHUNK`] bytes, later ones are allocated
//! at that size at once. A single growing buffer would be copied at every
//! doubling, and each copy lands in fresh memory that faults in 4 KiB at a
//! time; loading a million routes spent a fifth of its time there. Full
//! chunks ask for transparent huge pages (see
//! [`netlink_raw::memory::advise_huge_pages`]).

/// Bits of an offset that address bytes within a chunk; the bits above
/// number the chunk.
const CHUNK_BITS: u32 = 23;

/// Bytes in a full chunk (8 MiB: at least three 2 MiB-aligned huge pages
/// fit inside wherever the allocator puts it). Offsets span 512 chunks,
/// 4 GiB, as a plain `u32` offset into one buffer would.
pub const CHUNK: usize = 1 << CHUNK_BITS;

/// Bytes of an entry before its body.
pub const ENTRY_HEAD: usize = 8;

/// No entry: the end of a chain. Never a real offset (entries start
/// 4-aligned; this is not).
pub const NIL: u32 = u32::MAX;

/// The `next` of an entry taken out of every chain (garbage until the
/// next compaction): like [`NIL`], never a real offset.
pub const DEAD: u32 = u32::MAX - 1;

/// Entries of route message bodies, chained per prefix.
#[derive(Debug, Clone, Default)]
pub struct Arena {
    chunks: Vec<Vec<u8>>,
}

/// Splits an offset into (chunk, position in it).
fn split(off: u32) -> (usize, usize) {
    (
        (off >> CHUNK_BITS) as usize,
        (off & ((1 << CHUNK_BITS) - 1)) as usize,
    )
}

fn read_u32(b: &[u8], at: usize) -> u32 {
    u32::from_ne_bytes(b[at..at + 4].try_into().expect("4 bytes"))
}

impl Arena {
    /// Appends an entry for `body`, at the end of no chain (`next` is
    /// [`NIL`]); returns its offset.
    pub fn push(&mut self, body: &[u8]) -> u32 {
        let need = ENTRY_HEAD + body.len().next_multiple_of(4);
        // An entry must start within a chunk's offset bits; the last chunk
        // takes it if it has (or may grow to) room for all of it.
        let fits = self.chunks.last().is_some_and(|c| c.len() + need <= CHUNK);
        if !fits {
            // A body longer than a chunk (not a route message the kernel
            // sends) gets a chunk of its own size; it still starts at
            // position 0, which is all an offset needs.
            self.chunks
                .push(Vec::with_capacity(need.max(if self.chunks.is_empty() {
                    need.next_power_of_two().max(4 << 10)
                } else {
                    CHUNK
                })));
            self.advise_if_full();
        }
        let index = self.chunks.len() - 1;
        let chunk = self.chunks.last_mut().expect("a chunk was just ensured");
        if chunk.capacity() - chunk.len() < need {
            // The first chunk, below full size: double it (up to a chunk).
            let to = (chunk.len() + need).next_power_of_two().min(CHUNK);
            chunk.reserve_exact(to - chunk.len());
            self.advise_if_full();
        }
        let chunk = self.chunks.last_mut().expect("a chunk was just ensured");
        let at = chunk.len();
        let mut head = [0u8; ENTRY_HEAD];
        head[..4].copy_from_slice(&NIL.to_ne_bytes());
        head[4..].copy_from_slice(&(body.len() as u32).to_ne_bytes());
        chunk.extend_from_slice(&head);
        chunk.extend_from_slice(body);
        chunk.resize(at + need, 0);
        ((index as u32) << CHUNK_BITS) | at as u32
    }

    /// Asks for huge pages on the room left in the last chunk once it is
    /// a full-size one.
    fn advise_if_full(&mut self) {
        if let Some(c) = self.chunks.last_mut() {
            if c.capacity() >= CHUNK {
                netlink_raw::memory::advise_huge_pages(c.spare_capacity_mut());
            }
        }
    }

    /// The chunk holding the entry at `off`, and where in it the entry
    /// starts.
    pub fn entry(&self, off: u32) -> (&[u8], usize) {
        let (c, at) = split(off);
        (&self.chunks[c], at)
    }

    /// The body of the entry at `off`.
    pub fn body(&self, off: u32) -> &[u8] {
        let (chunk, at) = self.entry(off);
        entry_body(chunk, at)
    }

    /// The entry after `off` in its chain, or [`NIL`].
    pub fn next(&self, off: u32) -> u32 {
        let (chunk, at) = self.entry(off);
        read_u32(chunk, at)
    }

    /// Chains `next` after `off`.
    pub fn set_next(&mut self, off: u32, next: u32) {
        let (c, at) = split(off);
        self.chunks[c][at..at + 4].copy_from_slice(&next.to_ne_bytes());
    }

    /// Bytes the entry at `off` takes.
    pub fn entry_len(&self, off: u32) -> usize {
        ENTRY_HEAD + self.body(off).len().next_multiple_of(4)
    }

    /// The offsets of every entry, in the order they were pushed (for a
    /// table loaded from a dump, the kernel's order), dead ones included.
    pub fn offsets(&self) -> impl Iterator<Item = u32> + '_ {
        self.chunks.iter().enumerate().flat_map(|(c, chunk)| {
            let mut at = 0;
            core::iter::from_fn(move || {
                if at >= chunk.len() {
                    return None;
                }
                let here = at;
                at += ENTRY_HEAD + (read_u32(chunk, here + 4) as usize).next_multiple_of(4);
                Some(((c as u32) << CHUNK_BITS) | here as u32)
            })
        })
    }

    /// Bytes of entries written (live or not).
    pub fn len(&self) -> usize {
        self.chunks.iter().map(Vec::len).sum()
    }
}

/// The body of the entry starting at `at` in `chunk`.
pub fn entry_body(chunk: &[u8], at: usize) -> &[u8] {
    let o = at + ENTRY_HEAD;
    &chunk[o..o + read_u32(chunk, at + 4) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Entries read back as written, across chunks, chains included.
    #[test]
    fn entries_read_back_across_chunks() {
        let mut a = Arena::default();
        let bodies: Vec<Vec<u8>> = (0..400_000u32)
            .map(|i| (0..(i % 61) as u8).map(|b| b ^ i as u8).collect())
            .collect();
        let offs: Vec<u32> = bodies.iter().map(|b| a.push(b)).collect();
        assert!(a.chunks.len() > 1, "the test must cross a chunk");
        for w in offs.windows(2) {
            a.set_next(w[0], w[1]);
        }
        for (i, (&off, b)) in offs.iter().zip(&bodies).enumerate() {
            assert_eq!(off % 4, 0);
            assert_eq!(a.body(off), &b[..]);
            assert_eq!(a.entry_len(off), ENTRY_HEAD + b.len().next_multiple_of(4));
            let want = offs.get(i + 1).copied().unwrap_or(NIL);
            assert_eq!(a.next(off), want);
        }
        assert_eq!(a.offsets().collect::<Vec<_>>(), offs);
        let total: usize = bodies
            .iter()
            .map(|b| ENTRY_HEAD + b.len().next_multiple_of(4))
            .sum();
        assert_eq!(a.len(), total);
    }

    /// A body longer than a chunk gets a chunk of its own.
    #[test]
    fn oversized_body() {
        let mut a = Arena::default();
        let small = a.push(b"x");
        let big = vec![7u8; CHUNK + 5];
        let b = a.push(&big);
        let after = a.push(b"yz");
        assert_eq!(a.body(small), b"x");
        assert_eq!(a.body(b), &big[..]);
        assert_eq!(a.body(after), b"yz");
    }
}

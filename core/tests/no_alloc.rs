//! Proof that the core allocates nothing: one counting global allocator,
//! armed only on the thread running the measured code, must see zero
//! allocations while the IP math and the wire codec work.

mod no_alloc {
    pub mod ip_networks;
    pub mod wire;
}

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::fmt::Write as _;

use ipdb_core::ip::{
    collapse_addresses, summarize_address_range, IpAddress, IpInterface, IpNetwork, Ipv4Address,
    Ipv4Network, Ipv6Address, Ipv6Network, TextBuf,
};

struct Counting;

thread_local! {
    static ARMED: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator unchanged; only counts calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // `try_with`: thread-locals may be gone while a thread shuts down.
        let _ = ARMED.try_with(|armed| {
            if armed.get() {
                COUNT.with(|c| c.set(c.get() + 1));
            }
        });
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Run `f` with the counter armed; return how many allocations it made.
pub(crate) fn allocations(f: impl FnOnce()) -> usize {
    COUNT.with(|c| c.set(0));
    ARMED.with(|a| a.set(true));
    f();
    ARMED.with(|a| a.set(false));
    COUNT.with(|c| c.get())
}

#[test]
fn ip_math_allocates_nothing() {
    // Inputs are prepared outside the armed region.
    let v4_text = ["192.0.2.1", "10.0.0.255", "1.2.3.04", "256.1.1.1", ""];
    let v6_text = [
        "2001:db8::1",
        "fe80::1%eth0",
        "::ffff:192.0.2.1",
        "1:2:3:4:5:6:7:8",
        "1::2::3",
    ];
    let nets4: Vec<Ipv4Network> = (0..64u32)
        .map(|i| {
            Ipv4Network::new_truncate(Ipv4Address::from_u32(0x0a00_0000 + i * 256), 24).unwrap()
        })
        .collect();
    let mut work = nets4.clone();

    let n = allocations(|| {
        let mut out = TextBuf::<256>::new();
        for s in v4_text {
            match s.parse::<Ipv4Address>() {
                Ok(a) => {
                    let _ = write!(out, "{a} {} {}", a.is_private(), a.is_global());
                }
                Err(e) => {
                    let _ = write!(out, "{e}");
                }
            }
            out.clear();
        }
        for s in v6_text {
            match s.parse::<Ipv6Address>() {
                Ok(a) => {
                    let _ = write!(out, "{a} {} {:?}", a.exploded(), a.ipv4_mapped());
                }
                Err(e) => {
                    let _ = write!(out, "{e}");
                }
            }
            out.clear();
        }
        for s in ["10.1.2.3", "::1", "bogus"] {
            let _ = s.parse::<IpAddress>();
        }
        for s in ["10.0.0.0/8", "2001:db8::/32", "10.0.0.1/8"] {
            let _ = s.parse::<IpNetwork>();
            let _ = s.parse::<IpInterface>();
        }
        let net: Ipv6Network = "2001:db8::/120".parse().unwrap();
        let _ = net.hosts().take(10).count();
        let _ = net.subnets(Some(4), None).unwrap().count();
        let big: Ipv4Network = "10.0.0.0/16".parse().unwrap();
        let small: Ipv4Network = "10.0.77.0/24".parse().unwrap();
        let _ = big.address_exclude(&small).unwrap().count();
        let _ = write!(out, "{}", big.with_netmask());
        let first = Ipv4Address::from_u32(0x0a00_0001);
        let last = Ipv4Address::from_u32(0x0a00_ff00);
        let _ = summarize_address_range(first, last).unwrap().count();
        let kept = collapse_addresses(&mut work);
        assert_eq!(kept, 1 /* 10.0.0.0/18 */);
    });
    assert_eq!(n, 0, "the IP math allocated {n} times");
}

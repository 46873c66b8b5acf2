//! Link settings for the C library.

fn main() {
    // The installed name is libipdb.so.0 (ABI major 0); the Makefile renames
    // cargo's libipdb_ffi.so and makes the symlinks. Exports are already
    // limited to the `#[no_mangle]` functions by rustc's own version script;
    // scripts/test-all checks with `nm -D` that only `ipdb_*` are exported.
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libipdb.so.0");
    println!("cargo:rerun-if-changed=build.rs");
}

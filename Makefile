# Build and install libipdb's C library: libipdb.so.0 (+ libipdb.so, libipdb.a),
# include/ipdb.h and ipdb.pc.
#
#   make                      build the library (cargo, release profile)
#   make install PREFIX=/opt  install library, header and pkg-config file
#   make header               regenerate include/ipdb.h with cbindgen
#   make check-header         fail if include/ipdb.h differs from a fresh generation
#   make uninstall PREFIX=... remove what install put there
#
# Cargo builds the C library as libipdb_ffi.{so,a} (the crate name `ipdb`
# belongs to the Rust std layer); the SONAME is already libipdb.so.0
# (ffi/build.rs), so install only renames: libipdb.so.$(VERSION) with the
# symlinks libipdb.so.0 (runtime) and libipdb.so (link time).

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DESTDIR ?=

CARGO ?= cargo
CBINDGEN ?= cbindgen
CARGO_TARGET_DIR ?= target
BUILD := $(CARGO_TARGET_DIR)/release
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
ABI_MAJOR := 0

.PHONY: all build header check-header install uninstall

all: build

build:
	CARGO_TARGET_DIR=$(CARGO_TARGET_DIR) $(CARGO) build --release -p ipdb-ffi

header:
	$(CBINDGEN) --quiet --config ffi/cbindgen.toml --crate ipdb-ffi --output include/ipdb.h

check-header:
	@tmp=$$(mktemp) && \
	$(CBINDGEN) --quiet --config ffi/cbindgen.toml --crate ipdb-ffi --output $$tmp && \
	if diff -u include/ipdb.h $$tmp; then rm -f $$tmp; \
	else rm -f $$tmp; echo "include/ipdb.h is stale: run 'make header' and commit it" >&2; exit 1; fi

install: build
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR)
	install -m 755 $(BUILD)/libipdb_ffi.so $(DESTDIR)$(LIBDIR)/libipdb.so.$(VERSION)
	ln -sf libipdb.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libipdb.so.$(ABI_MAJOR)
	ln -sf libipdb.so.$(ABI_MAJOR) $(DESTDIR)$(LIBDIR)/libipdb.so
	install -m 644 $(BUILD)/libipdb_ffi.a $(DESTDIR)$(LIBDIR)/libipdb.a
	install -m 644 include/ipdb.h $(DESTDIR)$(INCLUDEDIR)/ipdb.h
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
	    ipdb.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/ipdb.pc

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libipdb.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libipdb.so.$(ABI_MAJOR) \
	      $(DESTDIR)$(LIBDIR)/libipdb.so $(DESTDIR)$(LIBDIR)/libipdb.a \
	      $(DESTDIR)$(INCLUDEDIR)/ipdb.h $(DESTDIR)$(PKGCONFIGDIR)/ipdb.pc

package ipdb

import (
	"errors"
	"net/netip"
	"reflect"
	"strings"
	"testing"
)

func mustPrefix(t *testing.T, s string) netip.Prefix {
	t.Helper()
	p, err := ParsePrefix(s, true)
	if err != nil {
		t.Fatalf("ParsePrefix(%q): %v", s, err)
	}
	return p
}

func prefixes(t *testing.T, ss ...string) []netip.Prefix {
	t.Helper()
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = mustPrefix(t, s)
	}
	return out
}

func TestParseAddrKeepsVersionAndZone(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"192.0.2.1", "192.0.2.1"},
		{"2001:DB8::1", "2001:db8::1"},
		{"fe80::1%eth0", "fe80::1%eth0"},
		{"::ffff:10.0.0.1", "::ffff:10.0.0.1"},
	} {
		a, err := ParseAddr(tc.in)
		if err != nil {
			t.Fatalf("ParseAddr(%q): %v", tc.in, err)
		}
		if got := a.String(); got != tc.want {
			t.Errorf("ParseAddr(%q) = %s, want %s", tc.in, got, tc.want)
		}
		text, err := FormatAddr(a, Compressed)
		if err != nil || text != tc.want {
			t.Errorf("FormatAddr(%v) = %q, %v; want %q", a, text, err, tc.want)
		}
	}
	if a, _ := ParseAddr("fe80::1%eth0"); a.Zone() != "eth0" {
		t.Errorf("zone = %q, want eth0", a.Zone())
	}
}

func TestParseErrorsCarryStatusAndMessage(t *testing.T) {
	_, err := ParseAddr("1.2.3.04")
	if !errors.Is(err, ErrValue) {
		t.Fatalf("ParseAddr(1.2.3.04) = %v, want ErrValue", err)
	}
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(e.Message, "octet 4 has a leading zero") {
		t.Errorf("message = %v", err)
	}
	if _, err := ParseAddrVersion("1.2.3.04", 4); !errors.Is(err, ErrAddressValue) {
		t.Errorf("IPv4Address(1.2.3.04) = %v, want ErrAddressValue", err)
	}
	if _, err := ParseAddrVersion("1.2.3.4", 5); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("version 5 = %v, want ErrInvalidArgument", err)
	}
	if _, err := ParseAddr("fe80::1%\xff"); !errors.Is(err, ErrInvalidUTF8) {
		t.Errorf("bad UTF-8 = %v, want ErrInvalidUTF8", err)
	}
	if _, err := ParseAddr(""); !errors.Is(err, ErrValue) {
		t.Errorf("empty = %v, want ErrValue", err)
	}
	if _, err := ParsePrefix("10.0.0.1/8", true); !errors.Is(err, ErrValue) {
		t.Errorf("strict host bits = %v, want ErrValue", err)
	}
	if _, err := ParsePrefixVersion("10.0.0.0/33", 4, true); !errors.Is(err, ErrNetmaskValue) {
		t.Errorf("/33 = %v, want ErrNetmaskValue", err)
	}
	if _, err := FormatAddr(netip.Addr{}, Compressed); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("zero Addr = %v, want ErrInvalidArgument", err)
	}
	if got := StatusBufferTooSmall.String(); !strings.HasPrefix(got, "IPDB_BUFFER_TOO_SMALL") {
		t.Errorf("status text = %q", got)
	}
}

func TestTextForms(t *testing.T) {
	a := netip.MustParseAddr("2001:db8::1")
	for style, want := range map[Style]string{
		Exploded:       "2001:0db8:0000:0000:0000:0000:0000:0001",
		ReversePointer: "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
	} {
		if got, err := FormatAddr(a, style); err != nil || got != want {
			t.Errorf("FormatAddr(%v, %d) = %q, %v; want %q", a, style, got, err, want)
		}
	}
	if _, err := FormatAddr(a, WithNetmask); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("address WithNetmask = %v, want ErrInvalidArgument", err)
	}
	p := mustPrefix(t, "192.0.2.0/24")
	for style, want := range map[Style]string{
		Compressed:     "192.0.2.0/24",
		WithNetmask:    "192.0.2.0/255.255.255.0",
		WithHostmask:   "192.0.2.0/0.0.0.255",
		ReversePointer: "0/24.2.0.192.in-addr.arpa",
	} {
		if got, err := FormatPrefix(p, style); err != nil || got != want {
			t.Errorf("FormatPrefix(%v, %d) = %q, %v; want %q", p, style, got, err, want)
		}
	}
	// A wide format spec grows past the stack buffer.
	wide, err := FormatSpec(netip.MustParseAddr("10.0.0.1"), ">300s")
	if err != nil || len(wide) != 300 || !strings.HasSuffix(wide, " 10.0.0.1") {
		t.Errorf("FormatSpec >300s = %d bytes, %v", len(wide), err)
	}
	if got, err := FormatSpec(netip.MustParseAddr("192.168.1.1"), "#_x"); err != nil || got != "0xc0a8_0101" {
		t.Errorf("FormatSpec #_x = %q, %v", got, err)
	}
	if _, err := FormatSpec(netip.MustParseAddr("192.168.1.1"), "q"); !errors.Is(err, ErrType) {
		t.Errorf("FormatSpec q = %v, want ErrType", err)
	}
}

func TestFlagsAndEmbeddedAddresses(t *testing.T) {
	f, err := AddrFlags(netip.MustParseAddr("fe80::1%eth0"))
	if err != nil || !f.Has(LinkLocal|Private) || f.Has(Global) {
		t.Errorf("fe80::1 flags = %b, %v", f, err)
	}
	f, _ = AddrFlags(netip.MustParseAddr("8.8.8.8"))
	if !f.Has(Global) || f.Has(Private) {
		t.Errorf("8.8.8.8 flags = %b", f)
	}
	if v4, ok := SixToFourOf(netip.MustParseAddr("2002:c000:204::1")); !ok || v4.String() != "192.0.2.4" {
		t.Errorf("6to4 = %v, %v", v4, ok)
	}
	if _, ok := IPv4MappedOf(netip.MustParseAddr("::1")); ok {
		t.Error("::1 is not IPv4-mapped")
	}
	s, c, ok := TeredoOf(netip.MustParseAddr("2001:0:4136:e378:8000:63bf:3fff:fdd2"))
	if !ok || s.String() != "65.54.227.120" || c.String() != "192.0.2.45" {
		t.Errorf("teredo = %v %v %v", s, c, ok)
	}
	if m, ok := IPv6MappedOf(netip.MustParseAddr("10.0.0.1")); !ok || m.String() != "::ffff:10.0.0.1" {
		t.Errorf("ipv6_mapped = %v %v", m, ok)
	}
	pf, err := PrefixFlags(mustPrefix(t, "10.0.0.0/8"))
	if err != nil || !pf.Has(Private) {
		t.Errorf("10/8 flags = %b, %v", pf, err)
	}
}

func TestArithmeticAndComparison(t *testing.T) {
	if a, err := Add(netip.MustParseAddr("10.0.0.0"), -1); err != nil || a.String() != "9.255.255.255" {
		t.Errorf("10.0.0.0 - 1 = %v, %v", a, err)
	}
	if _, err := Add(netip.MustParseAddr("255.255.255.255"), 1); !errors.Is(err, ErrAddressValue) {
		t.Errorf("overflow = %v, want ErrAddressValue", err)
	}
	if c, err := CompareAddr(netip.MustParseAddr("::"), netip.MustParseAddr("255.255.255.255")); err != nil || c != 1 {
		t.Errorf("compare v6 v4 = %d, %v; want 1", c, err)
	}
	if c, _ := ComparePrefix(mustPrefix(t, "10.0.0.0/8"), mustPrefix(t, "10.0.0.0/16")); c != -1 {
		t.Errorf("compare /8 /16 = %d; want -1", c)
	}
}

func TestNetworkOps(t *testing.T) {
	p := mustPrefix(t, "192.0.2.0/24")
	if b, _ := Broadcast(p); b.String() != "192.0.2.255" {
		t.Errorf("broadcast = %v", b)
	}
	if m, _ := Netmask(p); m.String() != "255.255.255.0" {
		t.Errorf("netmask = %v", m)
	}
	if m, _ := Hostmask(p); m.String() != "0.0.0.255" {
		t.Errorf("hostmask = %v", m)
	}
	if n, _ := NumAddresses(p); n != 256 {
		t.Errorf("num_addresses = %d", n)
	}
	if a, _ := Index(p, -2); a.String() != "192.0.2.254" {
		t.Errorf("p[-2] = %v", a)
	}
	if _, err := Index(p, 256); !errors.Is(err, ErrIndex) {
		t.Errorf("p[256] = %v, want ErrIndex", err)
	}
	if in, _ := Contains(p, netip.MustParseAddr("192.0.2.9")); !in {
		t.Error("192.0.2.9 not in 192.0.2.0/24")
	}
	if in, err := Contains(p, netip.MustParseAddr("::1")); in || err != nil {
		t.Errorf("::1 in v4 net = %v, %v", in, err)
	}
	half := mustPrefix(t, "192.0.2.128/25")
	if ok, _ := SubnetOf(half, p); !ok {
		t.Error("/25 not subnet_of /24")
	}
	if ok, _ := SupernetOf(p, half); !ok {
		t.Error("/24 not supernet_of /25")
	}
	if ok, _ := Overlaps(p, half); !ok {
		t.Error("no overlap")
	}
	if _, err := SubnetOf(p, mustPrefix(t, "::/0")); !errors.Is(err, ErrType) {
		t.Errorf("mixed subnet_of = %v, want ErrType", err)
	}
	if s, _ := Supernet(p, 16); s.String() != "192.0.0.0/16" {
		t.Errorf("supernet(new_prefix=16) = %v", s)
	}
	if s, _ := SupernetBy(p, 2); s.String() != "192.0.0.0/22" {
		t.Errorf("supernet(prefixlen_diff=2) = %v", s)
	}
	// Host bits in a netip.Prefix are refused, not masked.
	if _, err := Broadcast(netip.MustParsePrefix("192.0.2.1/24")); !errors.Is(err, ErrValue) {
		t.Errorf("host bits = %v, want ErrValue", err)
	}
	i, err := ParseInterface("192.0.2.5/24")
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := i.Network(); n != p {
		t.Errorf("interface network = %v", n)
	}
	if s, _ := i.Format(WithNetmask); s != "192.0.2.5/255.255.255.0" {
		t.Errorf("interface with_netmask = %q", s)
	}
	if zi, _ := ParseInterface("fe80::1%eth0/64"); zi.String() != "fe80::1%eth0/64" {
		t.Errorf("scoped interface = %v", zi)
	}
}

func TestIterators(t *testing.T) {
	it, err := Hosts(mustPrefix(t, "192.0.2.0/30"))
	if err != nil {
		t.Fatal(err)
	}
	var hosts []string
	for a, ok := it.Next(); ok; a, ok = it.Next() {
		hosts = append(hosts, a.String())
	}
	if it.Err() != nil || !reflect.DeepEqual(hosts, []string{"192.0.2.1", "192.0.2.2"}) {
		t.Errorf("hosts = %v, %v", hosts, it.Err())
	}
	it.Close()

	all, _ := Addresses(mustPrefix(t, "2001:db8::/127"))
	n := 0
	for _, ok := all.Next(); ok; _, ok = all.Next() {
		n++
	}
	if n != 2 {
		t.Errorf("addresses of /127 = %d", n)
	}

	sub, err := Subnets(mustPrefix(t, "10.0.0.0/8"), 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for p, ok := sub.Next(); ok; p, ok = sub.Next() {
		got = append(got, p.String())
	}
	want := []string{"10.0.0.0/10", "10.64.0.0/10", "10.128.0.0/10", "10.192.0.0/10"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("subnets = %v", got)
	}
	// Stopping early and closing twice is fine.
	big, _ := SubnetsBy(mustPrefix(t, "::/0"), 64)
	if p, ok := big.Next(); !ok || p.String() != "::/64" {
		t.Errorf("first /64 = %v", p)
	}
	big.Close()
	big.Close()
	if _, err := Subnets(mustPrefix(t, "10.0.0.0/8"), 7); !errors.Is(err, ErrValue) {
		t.Errorf("subnets(new_prefix=7) = %v, want ErrValue", err)
	}
}

func TestRanges(t *testing.T) {
	got, err := Collapse(prefixes(t, "192.0.2.128/25", "192.0.2.0/25", "192.0.2.7/32", "10.0.0.0/8"))
	if err != nil || !reflect.DeepEqual(got, prefixes(t, "10.0.0.0/8", "192.0.2.0/24")) {
		t.Errorf("collapse = %v, %v", got, err)
	}
	if _, err := Collapse(prefixes(t, "10.0.0.0/8", "::/0")); !errors.Is(err, ErrType) {
		t.Errorf("mixed collapse = %v, want ErrType", err)
	}
	sum, err := Summarize(netip.MustParseAddr("192.0.2.0"), netip.MustParseAddr("192.0.2.130"))
	if err != nil || !reflect.DeepEqual(sum, prefixes(t, "192.0.2.0/25", "192.0.2.128/31", "192.0.2.130/32")) {
		t.Errorf("summarize = %v, %v", sum, err)
	}
	if _, err := Summarize(netip.MustParseAddr("10.0.0.2"), netip.MustParseAddr("10.0.0.1")); !errors.Is(err, ErrValue) {
		t.Errorf("last < first = %v, want ErrValue", err)
	}
	ex, err := AddressExclude(mustPrefix(t, "192.0.2.0/28"), mustPrefix(t, "192.0.2.1/32"))
	want := prefixes(t, "192.0.2.8/29", "192.0.2.4/30", "192.0.2.2/31", "192.0.2.0/32")
	if err != nil || !reflect.DeepEqual(ex, want) {
		t.Errorf("address_exclude = %v, %v", ex, err)
	}
}

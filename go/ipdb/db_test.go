package ipdb

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"testing"
	"time"
)

// testNetns creates a network namespace for one test and deletes it when
// the test ends, pass or fail. Without root the test is skipped loudly, or
// fails when IPDB_REQUIRE_NETNS=1.
func testNetns(t *testing.T) (name, path string) {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("IPDB_REQUIRE_NETNS") == "1" {
			t.Fatal("needs root for ip netns, and IPDB_REQUIRE_NETNS=1")
		}
		t.Skip("SKIPPED: needs root for ip netns (set IPDB_REQUIRE_NETNS=1 to fail instead)")
	}
	name = fmt.Sprintf("ipdb-go-%d", os.Getpid())
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add: %v: %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", name).Run() })
	return name, "/run/netns/" + name
}

func nsip(t *testing.T, ns string, args ...string) {
	t.Helper()
	full := append([]string{"-n", ns}, args...)
	if out, err := exec.Command("ip", full...).CombinedOutput(); err != nil {
		t.Fatalf("ip %v: %v: %s", full, err, out)
	}
}

func TestDatabaseInNetns(t *testing.T) {
	ns, path := testNetns(t)
	nsip(t, ns, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
	nsip(t, ns, "link", "set", "v0", "up")
	nsip(t, ns, "link", "set", "v1", "up")
	nsip(t, ns, "addr", "add", "10.1.0.1/24", "dev", "v0")
	nsip(t, ns, "route", "add", "10.9.0.0/16", "via", "10.1.0.254")

	db, err := OpenInNetns(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	links, err := db.Links()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]Link{}
	for _, l := range links {
		names[l.Name] = l
	}
	v0, ok := names["v0"]
	if !ok || v0.Kind != "veth" || v0.MTU != 1500 || len(v0.MAC) != 6 {
		t.Fatalf("links %+v: no veth v0 with MTU 1500 and a MAC", links)
	}
	if _, ok := names["lo"]; !ok {
		t.Fatalf("links %+v: no lo", links)
	}
	byName, ok, err := db.LinkByName("v0")
	if err != nil || !ok || byName.Index != v0.Index {
		t.Fatalf("LinkByName(v0) = %+v, %v, %v", byName, ok, err)
	}
	if _, ok, err := db.LinkByName("nope0"); ok || err != nil {
		t.Fatalf("LinkByName(nope0) = %v, %v", ok, err)
	}

	routes, err := db.Routes()
	if err != nil {
		t.Fatal(err)
	}
	want := netip.MustParsePrefix("10.9.0.0/16")
	found := false
	for _, r := range routes {
		if r.Dst == want && r.Gateway == netip.MustParseAddr("10.1.0.254") && r.OIF == v0.Index {
			found = true
		}
	}
	if !found {
		t.Fatalf("routes %+v: no 10.9.0.0/16 via 10.1.0.254 dev v0", routes)
	}

	r, ok, err := db.Lookup(netip.MustParseAddr("10.9.200.1"))
	if err != nil || !ok || r.Dst != want {
		t.Fatalf("Lookup(10.9.200.1) = %+v, %v, %v", r, ok, err)
	}
	if _, ok, err := db.Lookup(netip.MustParseAddr("192.0.2.1")); ok || err != nil {
		t.Fatalf("Lookup(192.0.2.1) = %v, %v; want no route", ok, err)
	}

	addrs, err := db.Addresses()
	if err != nil {
		t.Fatal(err)
	}
	if !containsAddr(addrs, "10.1.0.1/24") {
		t.Fatalf("addresses %+v: no 10.1.0.1/24", addrs)
	}

	// A callback sees a change made after it was registered.
	got := make(chan Address, 16)
	id, err := db.OnEvent(func(e Event) {
		if e.Kind == EventAdd && e.Address != nil {
			got <- *e.Address
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	nsip(t, ns, "addr", "add", "10.2.0.1/24", "dev", "v1")
	deadline := time.After(10 * time.Second)
	for waiting := true; waiting; {
		select {
		case a := <-got:
			waiting = a.Local != netip.MustParsePrefix("10.2.0.1/24")
		case <-deadline:
			t.Fatal("no event for 10.2.0.1/24 within 10s")
		}
	}
	if err := db.Unregister(id); err != nil {
		t.Fatal(err)
	}
	if err := db.Unregister(id); !errors.Is(err, &Error{Status: StatusNoValue}) {
		t.Fatalf("second Unregister = %v, want StatusNoValue", err)
	}
}

func containsAddr(addrs []Address, s string) bool {
	p := netip.MustParsePrefix(s)
	for _, a := range addrs {
		if a.Local == p {
			return true
		}
	}
	return false
}

func TestOpenMissingNetnsIsASystemError(t *testing.T) {
	_, err := OpenInNetns("/nonexistent/netns/file")
	if !errors.Is(err, ErrSystem) {
		t.Fatalf("OpenInNetns(missing) = %v, want ErrSystem", err)
	}
}

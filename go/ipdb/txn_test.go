package ipdb

import (
	"errors"
	"net/netip"
	"os/exec"
	"strings"
	"testing"
)

func nsout(t *testing.T, ns string, args ...string) string {
	t.Helper()
	full := append([]string{"-n", ns}, args...)
	out, err := exec.Command("ip", full...).CombinedOutput()
	if err != nil {
		t.Fatalf("ip %v: %v: %s", full, err, out)
	}
	return string(out)
}

func mustIface(t *testing.T, s string) Interface {
	t.Helper()
	i, err := ParseInterface(s)
	if err != nil {
		t.Fatal(err)
	}
	return i
}

func TestTransactionsInNetns(t *testing.T) {
	ns, path := testNetns(t)
	nsip(t, ns, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
	db, err := OpenInNetns(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	// A transaction that works: MTU, up, an address, a route on it.
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	route := RouteSpec{
		Dst:     netip.MustParsePrefix("10.6.0.0/16"),
		Gateway: netip.MustParseAddr("10.5.0.254"),
		Dev:     "v0",
	}
	for _, err := range []error{
		tx.SetMTU("v0", 1400),
		tx.Up("v0"),
		tx.AddIP("v0", mustIface(t, "10.5.0.1/24")),
		tx.AddRoute(route),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.SetMTU("", 1400); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("empty link name: %v", err)
	}
	if err := tx.AddRoute(RouteSpec{Dst: route.Dst, Dev: "0123456789abcdef"}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("long device name: %v", err)
	}
	review, err := tx.Review()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"name":"v0"`, `"new":"1400"`, `"add_ip":["10.5.0.1/24"]`, `10.6.0.0/16`} {
		if !strings.Contains(review, want) {
			t.Errorf("review lacks %s: %s", want, review)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); !errors.Is(err, ErrNoTransaction) {
		t.Errorf("second commit: %v", err)
	}
	link := nsout(t, ns, "link", "show", "v0")
	if !strings.Contains(link, "mtu 1400") || !strings.Contains(link, ",UP") {
		t.Errorf("after commit: %s", link)
	}
	if r := nsout(t, ns, "route", "show", "10.6.0.0/16"); !strings.Contains(r, "via 10.5.0.254 dev v0") {
		t.Errorf("route missing: %q", r)
	}

	// A transaction failing at its last step: everything rolled back, the
	// error carries the status and the kernel's word.
	before := nsout(t, ns, "addr", "show") + nsout(t, ns, "route", "show")
	tx, err = db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{
		tx.SetMTU("v0", 1300),
		tx.DelRoute(route),
		tx.AddRoute(RouteSpec{Dst: netip.MustParsePrefix("10.79.0.0/16"), Gateway: netip.MustParseAddr("192.0.2.99")}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	err = tx.Commit()
	var e *Error
	if !errors.Is(err, ErrCommitFailed) || !errors.As(err, &e) ||
		!strings.Contains(e.Message, "192.0.2.99") || !strings.Contains(e.Message, "rolled back") {
		t.Fatalf("failing commit: %v", err)
	}
	after := nsout(t, ns, "addr", "show") + nsout(t, ns, "route", "show")
	if before != after {
		t.Errorf("not rolled back:\n%s\nvs\n%s", before, after)
	}

	// Undo in two transactions (the kernel drops the routes of a link
	// that goes down or loses its last address, so the route goes first).
	tx, err = db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.DelRoute(route); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	tx, err = db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.DelIP("v0", mustIface(t, "10.5.0.1/24")); err != nil {
		t.Fatal(err)
	}
	if err := tx.Down("v0"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if a := nsout(t, ns, "addr", "show", "v0"); strings.Contains(a, "10.5.0.1") || strings.Contains(nsout(t, ns, "link", "show", "v0"), ",UP") {
		t.Errorf("after undo: %s", a)
	}
	if r := nsout(t, ns, "route", "show"); strings.Contains(r, "10.6.0.0") {
		t.Errorf("route still there: %s", r)
	}

	// Drop sends nothing and closes.
	tx, err = db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.SetMTU("v0", 1280); err != nil {
		t.Fatal(err)
	}
	if err := tx.Drop(); err != nil {
		t.Fatal(err)
	}
	if err := tx.Drop(); !errors.Is(err, ErrNoTransaction) {
		t.Errorf("second drop: %v", err)
	}
	if link := nsout(t, ns, "link", "show", "v0"); !strings.Contains(link, "mtu 1400") {
		t.Errorf("after drop: %s", link)
	}
}

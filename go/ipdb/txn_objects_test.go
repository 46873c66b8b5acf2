package ipdb

import (
	"encoding/json"
	"errors"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// nsLink is one link of `ip -n NS -j -d link show`.
type nsLink struct {
	Name     string `json:"ifname"`
	Master   string `json:"master"`
	Flags    []string
	LinkInfo struct {
		Kind string `json:"info_kind"`
	} `json:"linkinfo"`
}

func nsLinks(t *testing.T, ns string) map[string]nsLink {
	t.Helper()
	var links []nsLink
	out := nsout(t, ns, "-j", "-d", "link", "show")
	if err := json.Unmarshal([]byte(out), &links); err != nil {
		t.Fatalf("ip -j link: %v: %s", err, out)
	}
	m := map[string]nsLink{}
	for _, l := range links {
		m[l.Name] = l
	}
	return m
}

func isUp(l nsLink) bool {
	for _, f := range l.Flags {
		if f == "UP" {
			return true
		}
	}
	return false
}

func begin(t *testing.T, db *DB) *Txn {
	t.Helper()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	return tx
}

func staged(t *testing.T, errs ...error) {
	t.Helper()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestCreateBridgeVethPortRuleNeighbour(t *testing.T) {
	ns, path := testNetns(t)
	db, err := OpenInNetns(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	tx := begin(t, db)
	mac := net.HardwareAddr{0x02, 0, 0, 0, 0, 0x42}
	neigh := NeighbourSpec{Dev: "vb", Dst: netip.MustParseAddr("10.8.0.2"), LLAddr: mac}
	rule := RuleSpec{Priority: 1234, Table: 100, From: netip.MustParsePrefix("10.77.0.0/16")}
	staged(t,
		tx.CreateLink(LinkSpec{Name: "br0", Kind: "bridge"}),
		tx.CreateLink(LinkSpec{Name: "va", Kind: "veth", Peer: "vb"}),
		tx.AddPort("br0", "va"),
		tx.Up("br0"), tx.Up("va"), tx.Up("vb"),
		tx.AddIP("vb", mustIface(t, "10.8.0.1/24")),
		tx.AddNeighbour(neigh),
		tx.AddRule(rule),
	)
	// Refused when staged, before anything is sent.
	if err := tx.CreateLink(LinkSpec{Name: "x0", Kind: "warpdrive"}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("unknown kind: %v", err)
	}
	if err := tx.CreateLink(LinkSpec{Name: "0123456789abcdef", Kind: "bridge"}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("long name: %v", err)
	}
	if err := tx.AddNeighbour(NeighbourSpec{Dev: "vb", Dst: neigh.Dst, LLAddr: mac[:3]}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("short MAC: %v", err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}

	links := nsLinks(t, ns)
	br, va, vb := links["br0"], links["va"], links["vb"]
	if br.LinkInfo.Kind != "bridge" || !isUp(br) {
		t.Errorf("br0: %+v", br)
	}
	if va.LinkInfo.Kind != "veth" || va.Master != "br0" || !isUp(va) {
		t.Errorf("va: %+v, want an up veth with master br0", va)
	}
	if vb.LinkInfo.Kind != "veth" || vb.Master != "" || !isUp(vb) {
		t.Errorf("vb: %+v, want an up veth without master", vb)
	}
	if n := nsout(t, ns, "neigh", "show", "dev", "vb"); !strings.Contains(n, "10.8.0.2 lladdr 02:00:00:00:00:42 PERMANENT") {
		t.Errorf("neighbour missing: %q", n)
	}
	if r := nsout(t, ns, "rule", "show"); !strings.Contains(r, "1234:\tfrom 10.77.0.0/16 lookup 100") {
		t.Errorf("rule missing: %q", r)
	}

	// Release the port, delete the neighbour and the rule.
	tx = begin(t, db)
	staged(t, tx.DelPort("br0", "va"), tx.DelNeighbour(neigh), tx.DelRule(rule))
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if va := nsLinks(t, ns)["va"]; va.Master != "" {
		t.Errorf("va still has master %q", va.Master)
	}
	if n := nsout(t, ns, "neigh", "show", "dev", "vb"); strings.Contains(n, "10.8.0.2") {
		t.Errorf("neighbour still there: %q", n)
	}
	if r := nsout(t, ns, "rule", "show"); strings.Contains(r, "1234:") {
		t.Errorf("rule still there: %q", r)
	}

	// Remove the links: the veth's peer goes with it.
	tx = begin(t, db)
	staged(t, tx.RemoveLink("br0"), tx.RemoveLink("va"))
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	links = nsLinks(t, ns)
	for _, name := range []string{"br0", "va", "vb"} {
		if _, ok := links[name]; ok {
			t.Errorf("%s still there after RemoveLink", name)
		}
	}
}

func TestTimedCommit(t *testing.T) {
	ns, path := testNetns(t)
	db, err := OpenInNetns(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	create := func(name string, d time.Duration) *Pending {
		t.Helper()
		tx := begin(t, db)
		staged(t, tx.CreateLink(LinkSpec{Name: name, Kind: "bridge"}))
		p, err := tx.CommitWithTimeout(d)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := nsLinks(t, ns)[name]; !ok {
			t.Fatalf("%s missing right after CommitWithTimeout", name)
		}
		return p
	}

	// Closed without Confirm: Close returns at once, and the library's
	// thread rolls the commit back when the time is up.
	p := create("tb0", 1500*time.Millisecond)
	p.Close()
	if _, ok := nsLinks(t, ns)["tb0"]; !ok {
		t.Error("tb0 gone right after Close: Close waited for the deadline")
	}
	gone := time.Now().Add(20 * time.Second)
	for time.Now().Before(gone) {
		if _, ok := nsLinks(t, ns)["tb0"]; !ok {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, ok := nsLinks(t, ns)["tb0"]; ok {
		t.Error("tb0 still there after the deadline of an unconfirmed Close")
	}
	p.Close() // a second Close is a no-op
	if err := p.Confirm(); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("Confirm after Close: %v", err)
	}
	if _, err := p.Rollback(); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("Rollback after Close: %v", err)
	}

	// Rolled back on request: undone now, long before its minute is up.
	p = create("tb3", time.Minute)
	start := time.Now()
	n, err := p.Rollback()
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("Rollback undid %d steps, want 1", n)
	}
	if el := time.Since(start); el > 15*time.Second {
		t.Errorf("Rollback took %v", el)
	}
	if _, ok := nsLinks(t, ns)["tb3"]; ok {
		t.Error("tb3 still there after Rollback")
	}
	if _, err := p.Rollback(); !errors.Is(err, &Error{Status: StatusNoValue}) {
		t.Errorf("second Rollback: %v", err)
	}
	if err := p.Confirm(); !errors.Is(err, &Error{Status: StatusNoValue}) {
		t.Errorf("Confirm after Rollback: %v", err)
	}
	p.Close()

	// Confirmed in time: it stays; a second Confirm has no value.
	p = create("tb1", 30*time.Second)
	if err := p.Confirm(); err != nil {
		t.Fatal(err)
	}
	if err := p.Confirm(); !errors.Is(err, &Error{Status: StatusNoValue}) {
		t.Errorf("second Confirm: %v", err)
	}
	p.Close()
	if _, ok := nsLinks(t, ns)["tb1"]; !ok {
		t.Error("tb1 gone after Confirm")
	}

	// Confirmed too late: the rollback already ran, and Confirm says so.
	p = create("tb2", 100*time.Millisecond)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if _, ok := nsLinks(t, ns)["tb2"]; !ok {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := p.Confirm(); !errors.Is(err, ErrCommitFailed) {
		t.Errorf("late Confirm: %v, want ErrCommitFailed", err)
	}
	p.Close()
	if _, ok := nsLinks(t, ns)["tb2"]; ok {
		t.Error("tb2 still there after a late Confirm")
	}

	if _, err := begin(t, db).CommitWithTimeout(-time.Second); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("negative timeout: %v", err)
	}
}

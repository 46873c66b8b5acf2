package ipdb

import (
	"syscall"
	"testing"
	"time"
)

// waitReadable waits up to timeout for fd to be readable.
func waitReadable(t *testing.T, fd int, timeout time.Duration) bool {
	t.Helper()
	ep, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(ep)
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(fd)}
	if err := syscall.EpollCtl(ep, syscall.EPOLL_CTL_ADD, fd, &ev); err != nil {
		t.Fatal(err)
	}
	got := make([]syscall.EpollEvent, 1)
	for {
		n, err := syscall.EpollWait(ep, got, int(timeout.Milliseconds()))
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		return n > 0
	}
}

func TestNoThreadSeesChangesOnlyThroughProcess(t *testing.T) {
	ns, path := testNetns(t)
	db, err := OpenWith(OpenOptions{Netns: path, NoThread: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fd, err := db.Fd()
	if err != nil || fd < 0 {
		t.Fatalf("Fd() = %d, %v", fd, err)
	}
	events := make(chan Event, 64)
	if _, err := db.OnEvent(func(e Event) { events <- e }); err != nil {
		t.Fatal(err)
	}

	nsip(t, ns, "link", "add", "nt0", "type", "ifb")
	if !waitReadable(t, fd, 10*time.Second) {
		t.Fatal("the event socket did not become readable within 10s of ip link add")
	}
	// No monitor thread: nothing is applied until Process.
	if _, ok, err := db.LinkByName("nt0"); ok || err != nil {
		t.Fatalf("before Process: LinkByName(nt0) = %v, %v; want not there yet", ok, err)
	}
	applied := 0
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, err := db.Process()
		if err != nil {
			t.Fatal(err)
		}
		applied += n
		if _, ok, _ := db.LinkByName("nt0"); ok || time.Now().After(deadline) {
			break
		}
		if !db.HasMore() {
			waitReadable(t, fd, 100*time.Millisecond)
		}
	}
	l, ok, err := db.LinkByName("nt0")
	if err != nil || !ok || l.Kind != "ifb" {
		t.Fatalf("after Process: LinkByName(nt0) = %+v, %v, %v", l, ok, err)
	}
	if applied == 0 {
		t.Error("Process applied the link but reported 0 messages")
	}
	// The callbacks ran inside Process, on this goroutine: already queued.
	seen := false
	for len(events) > 0 {
		e := <-events
		seen = seen || (e.Kind == EventAdd && e.Link != nil && e.Link.Name == "nt0")
	}
	if !seen {
		t.Error("no add event for nt0 delivered by the time Process returned")
	}
}

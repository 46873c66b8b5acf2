package ipdb

/*
#include <stdint.h>
#include <ipdb.h>

extern void ipdbGoEvent(ipdb_event *ev, uintptr_t userdata);

static void ipdb_go_trampoline(const ipdb_event *ev, void *userdata)
{
	ipdbGoEvent((ipdb_event *)ev, (uintptr_t)userdata);
}

// The handle travels as the callback's userdata; converting it here keeps
// Go code free of uintptr-to-pointer conversions.
static int ipdb_go_register(ipdb_db *db, uintptr_t handle, uint64_t *id)
{
	return ipdb_db_register_callback(db, ipdb_go_trampoline, (void *)handle, id);
}
*/
import "C"

import (
	"runtime/cgo"
)

// EventKind says what happened to an object.
type EventKind uint8

// Event kinds (IPDB_EVENT_* in ipdb.h).
const (
	EventAdd    EventKind = C.IPDB_EVENT_ADD
	EventChange EventKind = C.IPDB_EVENT_CHANGE
	EventDel    EventKind = C.IPDB_EVENT_DEL
)

// Event is a change the database applied, copied out of the C event. One
// of Link, Address and Route is set for those kinds of object; for others
// (neighbours, rules, nexthops) only Object says what changed.
type Event struct {
	Kind    EventKind
	Object  uint8 // IPDB_OBJECT_*
	Link    *Link
	Address *Address
	Route   *Route
}

// OnEvent registers f to be called with every change the database applies
// from now on. f runs on the database's callback thread (not a goroutine
// of the caller), one event at a time, in order; it must not call Close.
// It returns an id for Unregister.
func (db *DB) OnEvent(f func(Event)) (uint64, error) {
	h := cgo.NewHandle(f)
	var id C.uint64_t
	if err := call(func() C.int { return C.ipdb_go_register(db.p, C.uintptr_t(h), &id) }); err != nil {
		h.Delete()
		return 0, err
	}
	db.mu.Lock()
	db.callbacks[uint64(id)] = h
	db.mu.Unlock()
	return uint64(id), nil
}

// Unregister stops the callback id; a call running now finishes first.
// The Go function is released by Close.
func (db *DB) Unregister(id uint64) error {
	if err := call(func() C.int { return C.ipdb_db_unregister_callback(db.p, C.uint64_t(id)) }); err != nil {
		return err
	}
	// The handle stays until Close: a call that started before the
	// unregister may still be about to read it on the callback thread.
	return nil
}

//export ipdbGoEvent
func ipdbGoEvent(ev *C.ipdb_event, userdata uintptr) {
	f := cgo.Handle(userdata).Value().(func(Event))
	e := Event{Kind: EventKind(ev.kind), Object: uint8(ev.object)}
	if ev.link != nil {
		l := goLink(ev.link)
		e.Link = &l
	}
	if ev.address != nil {
		a := goAddress(ev.address)
		e.Address = &a
	}
	if ev.route != nil {
		r := goRoute(ev.route)
		e.Route = &r
	}
	f(e)
}

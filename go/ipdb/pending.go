package ipdb

/*
#include <ipdb.h>
*/
import "C"

import (
	"sync"
	"time"
)

// Pending is a commit that is rolled back when its time is up unless
// Confirm comes first, or at once by Rollback (ipdb_pending). Close it in
// every case.
type Pending struct {
	mu sync.Mutex
	p  *C.ipdb_pending
}

// CommitWithTimeout commits as Commit does, closes the transaction, and
// rolls everything back d later (on a thread of the library) unless the
// returned Pending is confirmed first. d is rounded down to milliseconds.
// On failure nothing stays applied and there is no Pending; a negative d
// is refused before anything is sent and leaves the transaction open.
func (t *Txn) CommitWithTimeout(d time.Duration) (*Pending, error) {
	if d < 0 {
		return nil, invalid("negative timeout %v", d)
	}
	p := &Pending{}
	ms := C.uint64_t(d.Milliseconds())
	if err := call(func() C.int { return C.ipdb_txn_commit_with_timeout(t.db.p, t.id, ms, &p.p) }); err != nil {
		return nil, err
	}
	return p, nil
}

// Confirm keeps the commit if the time is not up. When too late, the error
// is the rollback's (ErrCommitFailed saying it was not confirmed, or
// ErrRollbackIncomplete); after a Confirm or Rollback it gives
// StatusNoValue.
func (p *Pending) Confirm() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.p == nil {
		return invalid("the pending commit is closed")
	}
	return call(func() C.int { return C.ipdb_pending_confirm(p.p) })
}

// Rollback undoes the commit now instead of at the deadline and returns when
// that is done (ipdb_pending_rollback): the number of steps undone, or
// ErrRollbackIncomplete with the library's list of what could not be
// restored. When the deadline came first, the rollback that already ran is
// the one reported. After a Confirm or Rollback it gives StatusNoValue.
func (p *Pending) Rollback() (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.p == nil {
		return 0, invalid("the pending commit is closed")
	}
	var n C.uint64_t
	if err := call(func() C.int { return C.ipdb_pending_rollback(p.p, &n) }); err != nil {
		return 0, err
	}
	return int(n), nil
}

// Close frees the handle without blocking. A commit neither confirmed nor
// rolled back stays pending: the library's thread still rolls it back when
// the time is up (and discards the outcome); call Rollback first to undo it
// now and see the outcome. A second Close is a no-op.
func (p *Pending) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	C.ipdb_pending_free(p.p)
	p.p = nil
}

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
// Confirm comes first (ipdb_pending). Close it in every case.
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
// ErrRollbackIncomplete); a second Confirm gives StatusNoValue.
func (p *Pending) Confirm() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.p == nil {
		return invalid("the pending commit is closed")
	}
	return call(func() C.int { return C.ipdb_pending_confirm(p.p) })
}

// Close frees the handle. When it was not confirmed, it first waits until
// the time is up and the commit is rolled back. A second Close is a no-op.
func (p *Pending) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	C.ipdb_pending_free(p.p)
	p.p = nil
}

package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// Where deliveries stand: one small Badger store of the dispatcher's own,
// DIR/webhooks/store, beside the ledger and never part of it (no replay
// rebuilds it, no mirror copies it). Keys:
//
//	cur/<id>             be64: the ledger index the subscription's next
//	                     delivery starts looking at (its durable cursor)
//	ok/<id>              be64: events delivered
//	seq/<id>             be64: attempts logged
//	d/<id>/<be64 seq>    JSON Delivery: one attempt
//
// The signing key of every secret is DIR/webhooks/secret.key (32 random
// bytes, mode 0600).

// Files under the dispatcher's directory.
const (
	storeDir   = "store"
	secretFile = "secret.key"
)

// keepDeliveries is how many attempts the log keeps per subscription; the
// oldest go first.
const keepDeliveries = 10_000

// Delivery is one attempt to deliver an event: the delivery log.
type Delivery struct {
	Seq        uint64    `json:"seq"`
	Index      uint64    `json:"index"`
	EventType  string    `json:"event_type"`
	Attempt    int       `json:"attempt"`
	At         time.Time `json:"at"`
	Status     string    `json:"status"` // delivered or failed
	HTTPStatus int       `json:"http_status,omitempty"`
	Error      string    `json:"error,omitempty"`
	DurationMS float64   `json:"duration_ms"`
	// NextAttemptAt is when a failed delivery is tried again.
	NextAttemptAt *time.Time `json:"next_attempt_at,omitempty"`
}

// Delivery statuses.
const (
	Delivered = "delivered"
	Failed    = "failed"
)

// State is where a subscription's deliveries stand.
type State struct {
	// Next is the ledger index the next delivery starts looking at.
	Next      uint64 `json:"next_index"`
	Delivered uint64 `json:"delivered"`
	// LastError is the last attempt's failure, while it is not delivered.
	LastError string `json:"last_error,omitempty"`
}

type store struct {
	db  *badger.DB
	key []byte // signs the secrets
}

func openStore(dir string) (*store, error) {
	bo := badger.DefaultOptions("").WithInMemory(true)
	key := make([]byte, 32)
	if dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		var err error
		if key, err = loadOrCreateKey(filepath.Join(dir, secretFile)); err != nil {
			return nil, err
		}
		// A small store, every write synced: a cursor moves only once it is
		// on disk.
		bo = badger.DefaultOptions(filepath.Join(dir, storeDir)).WithSyncWrites(true).
			WithMemTableSize(8 << 20).WithValueLogFileSize(16 << 20).WithNumMemtables(2).WithNumLevelZeroTables(2)
	} else if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	db, err := badger.Open(bo.WithLogger(nil).WithDetectConflicts(false))
	if err != nil {
		return nil, fmt.Errorf("open the webhook store: %w", err)
	}
	return &store{db: db, key: key}, nil
}

func loadOrCreateKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		if len(b) != 32 {
			return nil, fmt.Errorf("%s: want 32 bytes, it holds %d", path, len(b))
		}
		return b, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	b = make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return b, f.Close()
}

// secret is subscription id's secret: HMAC-SHA256 of its id under the
// store's key, hex. It is never stored; the same id always gets the same.
func (s *store) secret(id string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("hwledger webhook secret v1\n" + id))
	return hex.EncodeToString(m.Sum(nil))
}

func be64(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

func getU64(txn *badger.Txn, k string) (uint64, bool, error) {
	item, err := txn.Get([]byte(k))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	var n uint64
	err = item.Value(func(v []byte) error {
		if len(v) != 8 {
			return fmt.Errorf("webhook store: %s is not 8 bytes", k)
		}
		n = binary.BigEndian.Uint64(v)
		return nil
	})
	return n, true, err
}

// cursor returns the subscription's durable cursor, ok false when it has
// none yet.
func (s *store) cursor(id string) (next uint64, ok bool, err error) {
	err = s.db.View(func(txn *badger.Txn) error {
		next, ok, err = getU64(txn, "cur/"+id)
		return err
	})
	return next, ok, err
}

// state returns the subscription's counters (without LastError).
func (s *store) state(id string, from uint64) (State, error) {
	st := State{Next: from}
	err := s.db.View(func(txn *badger.Txn) error {
		if n, ok, err := getU64(txn, "cur/"+id); err != nil {
			return err
		} else if ok {
			st.Next = n
		}
		var err error
		st.Delivered, _, err = getU64(txn, "ok/"+id)
		return err
	})
	return st, err
}

// record logs attempt d (nil: none) and, when next is not nil, moves the
// cursor to it, in one synced transaction.
func (s *store) record(id string, d *Delivery, next *uint64) error {
	return s.db.Update(func(txn *badger.Txn) error {
		if d != nil {
			seq, _, err := getU64(txn, "seq/"+id)
			if err != nil {
				return err
			}
			d.Seq = seq
			b, err := json.Marshal(d)
			if err != nil {
				return err
			}
			if err := txn.Set(deliveryKey(id, seq), b); err != nil {
				return err
			}
			if seq >= keepDeliveries {
				if err := txn.Delete(deliveryKey(id, seq-keepDeliveries)); err != nil {
					return err
				}
			}
			if err := txn.Set([]byte("seq/"+id), be64(seq+1)); err != nil {
				return err
			}
			if d.Status == Delivered {
				n, _, err := getU64(txn, "ok/"+id)
				if err != nil {
					return err
				}
				if err := txn.Set([]byte("ok/"+id), be64(n+1)); err != nil {
					return err
				}
			}
		}
		if next != nil {
			return txn.Set([]byte("cur/"+id), be64(*next))
		}
		return nil
	})
}

func deliveryKey(id string, seq uint64) []byte { return append([]byte("d/"+id+"/"), be64(seq)...) }

// deliveries returns up to limit attempts of subscription id, newest
// first, before the attempt whose seq is cursor ("" from the newest).
func (s *store) deliveries(id string, limit int, cursor string) (items []Delivery, next string, err error) {
	prefix := []byte("d/" + id + "/")
	seek := append(append([]byte(nil), prefix...), 0xff)
	if cursor != "" {
		n, err := strconv.ParseUint(cursor, 10, 64)
		if err != nil {
			return nil, "", ErrBadCursor
		}
		seek = deliveryKey(id, n)
	}
	items = []Delivery{}
	err = s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, Reverse: true, PrefetchValues: true})
		defer it.Close()
		for it.Seek(seek); it.ValidForPrefix(prefix); it.Next() {
			var d Delivery
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &d) }); err != nil {
				return err
			}
			if cursor != "" && strconv.FormatUint(d.Seq, 10) == cursor {
				continue // the cursor is the last item of the previous page
			}
			if len(items) == limit {
				next = strconv.FormatUint(items[len(items)-1].Seq, 10)
				return nil
			}
			items = append(items, d)
		}
		return nil
	})
	return items, next, err
}

// ErrBadCursor: a deliveries cursor this server did not give.
var ErrBadCursor = errors.New("not a cursor from this server")

func (s *store) close() error { return s.db.Close() }

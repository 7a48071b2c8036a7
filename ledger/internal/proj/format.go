package proj

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/dgraph-io/badger/v4"
	"github.com/hwledger/hwledger/ledger/chain"
)

// Format is the layout of the projections this code writes (doc.go).
// A store records the format of its projections under the key
// meta/projections; the ledger rebuilds the projections from the log when
// a store holds another, so a change of layout needs no manual step and
// verify keeps holding. Change it with every change of a key or value.
const Format = 25

// StoredFormat returns the projection format recorded in log's store (0:
// none recorded).
func StoredFormat(log *chain.Log) (int, error) {
	v := 0
	err := log.DB().View(func(txn *badger.Txn) error {
		item, err := txn.Get([]byte(keyFormat))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return item.Value(func(b []byte) error {
			n, err := strconv.Atoi(string(b))
			if err != nil {
				return fmt.Errorf("corrupt projection format %q", b)
			}
			v = n
			return nil
		})
	})
	return v, err
}

// setFormat records in log's store that its projections are in Format.
func setFormat(log *chain.Log) error {
	return log.DB().Update(func(txn *badger.Txn) error {
		return txn.Set([]byte(keyFormat), []byte(strconv.Itoa(Format)))
	})
}

// Upgrade makes the projections of log's store the current Format: a store
// without events only records it; one with events in another format has
// its projections rebuilt from the log with apply first (rebuilt true). It
// logs a rebuild to lg. Nothing else may write meanwhile.
func Upgrade(log *chain.Log, apply Apply, lg *slog.Logger) (rebuilt bool, err error) {
	v, err := StoredFormat(log)
	if err != nil || v == Format {
		return false, err
	}
	if log.Size() > 0 {
		lg.Warn("projections are in another format: rebuilding them from the log", "format", v, "now", Format)
		n, err := Rebuild(log, apply)
		if err != nil {
			return false, fmt.Errorf("rebuild projections (format %d to %d): %w", v, Format, err)
		}
		lg.Info("projections rebuilt", "events", n)
		rebuilt = true
	}
	return rebuilt, setFormat(log)
}

// Package proj is the storage of hwledger's projections: the records,
// indexes, counts and aggregates that apply functions derive from the log
// (package chain) and queries read. It owns every key outside the chain's
// and every byte layout of their values; the domain (package ledger)
// reads and writes them only through this package, and holds the JSON of
// its own records.
//
// Projections are a pure function of the log: replaying every event in
// order into an empty store produces the same keys and bytes (Rebuild;
// a Checker proves it for a store). So a value never depends on how the
// writer batched commands, only on the events.
//
// # Stores
//
// Apply functions and commands work on a [Store]: the writer's *chain.Tx
// inside a command, the transaction of a replay, or a read-only [Snapshot]
// for queries. Snapshots also walk lists newest first ([Snapshot.Iter])
// and seek ([Snapshot.EachDayAgg]).
//
// # Keys and values, byte for byte
//
// be64 is 8 bytes big-endian; "seq" is the log index of the event that
// registered or created a record. JSON records are the domain's structs
// encoded by encoding/json.
//
//	c/…                        the log: package chain owns these keys
//	p/<id>                     party: JSON (ledger.Party)
//	pc/<credit code>           the id of the party with that credit code
//	ps/<id>                    party summary: the JSON array [credit code, name,
//	                           street]
//	x/pr/<role>/<id>           the party id, one key per party and role
//	t/<sha256 hex of token>    token: JSON {"id","party","hash","person","revoked"}
//	tid/<token id>             the sha256 hex of that token
//	tp/<party>/<token id>      empty: the party's tokens
//	u/<id>                     person: JSON (ledger.Person)
//	un/<username>              the id of the person with that username
//	uph/<mobile>               the id of the person with that mobile number
//	up/<party>/<person id>     empty: the party's people
//	w/<id>                     batch: JSON (ledger.Waste), written when the
//	                           batch first changes; until then the data of
//	                           its registration event is the batch, found
//	                           through the seq its id carries (batchid.go)
//	wn/<generator>/<yyyymmdd>  label record: the batches of that generator and
//	                           day (Asia/Shanghai), one section per waste code
//	                           in code order, each the code's 8 digits, the
//	                           number of its batches n and the length of their
//	                           seqs in bytes (uvarints), then the n seqs in
//	                           serial order as uvarints: the first seq, then
//	                           each seq less the one before
//	m/<id>                     manifest: JSON (ledger.Manifest) without its track
//	mt/<id>/<be64 n>           GPS point n of manifest id: JSON (ledger.TrackPoint)
//	mts/<id>/<be64 slot>       empty: the track holds a point in that slot (its
//	                           time's Unix second / 10, TrackSlot)
//	mn/<yyyy><province><city>  the last manifest serial of that year and place,
//	                           decimal, no leading zeros
//	mo/<batch id>              the id of the open manifest the batch is on
//	mpn/<paper number>         the id of the manifest entered from that paper
//	                           manifest (a back-entry, 补录)
//	apv/<id>                   cross-province approval: JSON (ledger.Approval)
//	apn/<number>               the id of the approval with that number
//	mc/<id>                    correction request: JSON (ledger.Correction)
//	a/<id>                     alert: JSON (ledger.Alert)
//	ac/<kind>/<subject>        the id of the open alert of that kind about subject
//	an/<be64 index>            the id of the alert event index is about (raised,
//	                           resolved or acknowledged): the notice index
//	anp/<party>/<be64 index>   the same, for each party the alert concerns
//	hk/<id>                    webhook subscription: JSON (ledger.Webhook)
//	dl/<be64 h><be64 s>        deadline block: the deadlines in unix hour h of
//	                           subjects whose seq>>5 is s, in the order added,
//	                           each be64 unix seconds ‖ one byte n ‖ n bytes
//	                           "<alert kind>/<subject id>"
//	ev/<subject>/<be64 index>  empty: event index is about subject (a batch's
//	                           registration is its seq and has no key)
//	x/<list><be64 b>           posting block b of list (below)
//	x/wg/<be64 h><be64 b>      posting block b of hour h of the generated-at list
//	n/<status>, n/overdue      count of batches in that status, or overdue: be64
//	                           (an int64)
//	ag/<yyyymmdd>/<party>      day aggregate (DayAgg): its 11 fields in order,
//	                           each a signed varint (encoding/binary.AppendVarint)
//	gm/<party>/<yyyymm>        monthly figures of a generator's batches, one
//	                           section per waste code in code order, each the
//	                           code's length (uvarint), the code, then its
//	                           MonthAgg: its 5 fields in order, each a signed
//	                           varint
//	go/<party>/<yyyymm>/<receiver>/<code>/<method>
//	                           what the generator handed to a receiver in the
//	                           month of pickup, by the method the receiver
//	                           reported ("" until then): grams, batches, each
//	                           a signed varint
//	pn/<id>                    management plan: JSON (ledger.Plan)
//	pv/<party>/<yyyy>/<be64 n> the id of version n of a party's plan for a year
//	dn/<id>                    declaration: JSON (ledger.Declaration)
//	dv/<party>/<period>/<be64 n>
//	                           the id of version n of a party's declaration
//	                           for a period (2026-10, 2026-Q3, 2026)
//	i/<party>/<key>            idempotency record: JSON {"hash","result"}; a
//	                           transport cache, not a projection, not replayed
//	s/a/<person id>            account: JSON (password hash, TOTP, failures);
//	                           sign-in state (signin.go), not a projection
//	s/ss/<sha256 hex of id>    session: JSON; sign-in state
//	s/sp/<person>/<sha256 hex> empty: the person's sessions; sign-in state
//	s/l/<be64 n>, s/ln         security log entry n: JSON; the number of
//	                           entries, be64; sign-in state
//	meta/projections           the projection format (Format), decimal; not
//	                           a projection
//
// # Lists
//
// A list is an index name and value; its entries have a suffix, the
// record's seq (be64), or in the generated-at list the generated-at unix
// second (be64) then the seq. Entries are packed into posting blocks: the
// entries whose seq>>bits is b are block b, bits 8 for the batches of one
// party, street or code (wp/, wt/, wc/) and 6 for every other list, and
// in the generated-at list block b of the hour the second falls in. A block's value is its entries
// in ascending suffix order, each the suffix, the record id, then one byte:
// the id's length (0 in lists of batches, which are found by seq). With
// the length last, the newest entry is read from the end.
//
//	ws/<status>/               batches in a status (every batch is in one)
//	wp/<party>/                batches a party generated or is on a manifest of
//	wt/<street>/               batches of a street
//	wc/<category>/<code>/      batches of a code (a category: its codes together)
//	wg/                        batches by generated-at
//	wo/                        batches past their storage or disposal limit
//	ms/<status>/, ma/          manifests in a status, every manifest
//	mp/<party>/                manifests a party is on
//	as/<status>/, aa/          alerts in a status, every alert
//	ak/<kind>/, at/<street>/   alerts of a kind, of a street
//	ap/<party>/                alerts a party sees
//	cs/<status>/               correction requests in a status
//	cp/<party>/                correction requests of the manifests a party is on
package proj

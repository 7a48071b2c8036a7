// Package webhook delivers the ledger's events to subscribers' URLs
// (POST /api/v1/webhooks): each event a subscription may see, in ledger
// order, one POST per event with the body
//
//	{"index": N, "event": <the event's bytes>, "inclusion_proof": [base64...],
//	 "checkpoint": "<the signed checkpoint the proof is against>"}
//
// and the header Hwledger-Signature: sha256=<hex HMAC-SHA256 of the body
// under the subscription's secret>. A delivery is retried, waiting 1 s
// doubling to 5 minutes, until the receiver answers 2xx; only then does
// the subscription's durable cursor move past it. So every event is
// delivered at least once (again after a crash between the answer and
// the cursor's write: Hwledger-Event-Index tells the receiver), and never
// one before the one ahead of it. Every attempt is kept in the delivery
// log (the newest 10,000 per subscription).
//
// What a subscription may see is decided when its worker reaches the
// event, by ledger.Service.EventVisibleTo: an inspector's subscription
// (the bureau) gets every event, a party's the events of its traces and
// alerts, about itself and its own doings.
//
// The subscriptions are ledger events; the secrets and the cursors are not.
// A secret is derived from the subscription's id and a key of this
// server's, DIR/webhooks/secret.key, so no secret is stored anywhere; the
// cursors and the delivery log are in a small store of their own,
// DIR/webhooks/store. A server restored from a mirror has neither: copy
// DIR/webhooks from the old server's backup to keep the subscribers'
// secrets and positions; without it the secrets change (subscribers must
// be given new ones by subscribing again) and deliveries start again from
// each subscription's first event.
package webhook

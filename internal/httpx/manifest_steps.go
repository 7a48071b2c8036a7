package httpx

import (
	"context"

	"github.com/hwledger/hwledger/ledger"
)

// BasePath prefixes every API route.
const BasePath = "/api/v1"

// ManifestStep is one step of a manifest sent as a JSON body to
// POST /api/v1/manifests/{id}/{name}. The web UI's scan page sends the
// carrier's steps to POST /ui/api/manifests/{id}/{name}; both run the step
// with Run, so the two decode, refuse and answer alike.
type ManifestStep struct {
	// Name is the last path segment: "pickup", "handover"...
	Name string
	// Roles are the roles of which the step needs one (the Service checks
	// the rest).
	Roles []ledger.Role
	run   func(ctx context.Context, svc *ledger.Service, p ledger.Principal, id, contentType string, body []byte) (*ledger.Manifest, error)
}

// Path is the API route path of the step on manifest id, the path the
// idempotency hash of either surface is taken over.
func (s ManifestStep) Path(id string) string { return BasePath + "/manifests/" + id + "/" + s.Name }

// Run decodes body strictly (DecodeJSON) as the step's input and runs the
// step for p on manifest id.
func (s ManifestStep) Run(ctx context.Context, svc *ledger.Service, p ledger.Principal, id, contentType string, body []byte) (*ledger.Manifest, error) {
	return s.run(ctx, svc, p, id, contentType, body)
}

// Manifest steps.
var (
	StepPickup    = manifestStep("pickup", carrier, (*ledger.Service).Pickup)
	StepHandover  = manifestStep("handover", carrier, (*ledger.Service).Handover)
	StepPositions = manifestStep("positions", carrier, (*ledger.Service).Positions)
	StepDeliver   = manifestStep("deliver", carrier, (*ledger.Service).Deliver)
	// The receiver named on the manifest receives: a receiver, a
	// collector, or on a return the generator taking its batches back.
	StepReceive = manifestStep("receive", []ledger.Role{ledger.RoleReceiver, ledger.RoleCollector, ledger.RoleGenerator}, (*ledger.Service).Receive)
	// The consignor cancels: the generator (or collector) of the batches,
	// or on a return or redirect the party that refused them.
	StepCancel = manifestStep("cancel", []ledger.Role{ledger.RoleGenerator, ledger.RoleReceiver, ledger.RoleCollector}, (*ledger.Service).Cancel)
)

var carrier = []ledger.Role{ledger.RoleTransporter}

// CarrierSteps are the steps a carrier sends from the scan page.
var CarrierSteps = []ManifestStep{StepPickup, StepHandover, StepPositions, StepDeliver}

func manifestStep[In any](name string, roles []ledger.Role,
	fn func(*ledger.Service, context.Context, ledger.Principal, string, In) (*ledger.Manifest, error)) ManifestStep {
	return ManifestStep{Name: name, Roles: roles,
		run: func(ctx context.Context, svc *ledger.Service, p ledger.Principal, id, contentType string, body []byte) (*ledger.Manifest, error) {
			var in In
			if err := DecodeJSON(contentType, body, &in); err != nil {
				return nil, err
			}
			return fn(svc, ctx, p, id, in)
		}}
}

package ledger

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger/ident"
	"github.com/hwledger/hwledger/ledger/internal/proj"
	"github.com/hwledger/hwledger/ledger/workday"
)

// CreateManifest files a transfer manifest. An ordinary transfer is
// filed by the batches' generator; a return or redirect (in.Kind) by the
// receiver holding rejected batches, to their generator or to another
// licensed receiver.
func (s *Service) CreateManifest(ctx context.Context, p Principal, in ManifestInput) (*Manifest, error) {
	kind := in.Kind
	if kind == "" {
		kind = ManifestTransfer
	}
	f := fieldErrors{}
	var err error
	switch kind {
	case ManifestTransfer:
		if p, err = p.actAsAny("only a generator (or a collector, for the batches it consolidated) files a transfer manifest", RoleGenerator, RoleCollector); err != nil {
			return nil, err
		}
	case ManifestReturn, ManifestRedirect:
		if p, err = p.actAsAny("only the receiver holding rejected batches files a return or redirect", RoleReceiver, RoleCollector); err != nil {
			return nil, err
		}
	default:
		f.add("kind", Text{"应为以下之一：%s", "must be one of %s"}, strings.Join(ManifestKinds, ", "))
	}
	checkTags(f, &in)
	checkManifestLines(f, &in)
	checkApprovalRef(f, in.Approval)
	if err := f.err(); err != nil {
		return nil, err
	}
	return exec(ctx, s, p, func(c *cmd) (*Manifest, error) {
		occurred, err := c.occurred(in.OccurredAt, time.Time{})
		if err != nil {
			return nil, err
		}
		consignor, err := loadParty(c.tx, p.Party)
		if err != nil {
			return nil, err
		}
		carriers := make([]*Party, len(in.Carriers))
		for i, id := range in.Carriers {
			cp, err := loadParty(c.tx, id)
			if err != nil {
				return nil, invalid(fmt.Sprintf("carriers[%d]", i), Text{"没有单位 %s", "no party %s"}, id)
			}
			if !cp.HasRole(RoleTransporter) || strings.TrimSpace(cp.TransportPermit) == "" {
				return nil, ruleErr(Text{"运输单位 %s 没有道路危险货物运输许可证", "carrier %s holds no transport permit"}, cp.Name)
			}
			carriers[i] = cp
		}
		recv, err := loadParty(c.tx, in.Receiver)
		if err != nil {
			return nil, invalid("receiver", Text{"没有单位 %s", "no party %s"}, in.Receiver)
		}
		if kind != ManifestReturn && !recv.Receives() {
			return nil, ruleErr(Text{"%s 不是持证接收单位", "%s is not a licensed receiver"}, recv.Name)
		}
		if kind == ManifestRedirect && recv.ID == consignor.ID {
			return nil, ruleErr(Text{"转移（改送）应送往 %s 以外的接收单位：正是它拒收了这些批次", "a redirect goes to another receiver than %s, which refused the batches"}, consignor.Name)
		}
		m := &ManifestCreatedData{ID: c.s.newID(), Generator: consignor.ID, Carriers: in.Carriers, Receiver: recv.ID,
			PlannedPickupAt:   in.PlannedPickupAt.UTC().Truncate(time.Microsecond),
			EmergencyMeasures: in.EmergencyMeasures, DangerousGoods: dangerousGoods(&in)}
		if in.Paper != nil {
			if err := paperRefusal(c.tx, in.Paper.Number); err != nil {
				return nil, err
			}
			m.Paper = &PaperData{Number: in.Paper.Number, EnteredReason: in.Paper.EnteredReason}
		}
		if in.Approval != nil {
			m.Approval = (*ApprovalRefData)(in.Approval)
		}
		if kind != ManifestTransfer {
			m.Kind = kind
		}
		var batches []*Waste
		for _, id := range in.WasteIDs {
			w, err := loadWaste(c.tx, id)
			if err != nil {
				return nil, ruleErr(Text{"批次 %s 不属于本单位", "batch %s is not yours"}, id)
			}
			if err := manifestBatchProblem(kind, consignor, recv, w); err != nil {
				return nil, err
			}
			if open, ok, err := c.tx.Get(proj.OpenManifestKey(id)); err != nil {
				return nil, err
			} else if ok {
				return nil, ruleErr(Text{"批次 %s 已在未办结的联单 %s 上", "batch %s is already on open manifest %s"}, w.Label, open)
			}
			for _, cp := range carriers {
				if prob := scopeProblem(cp, w.Code); prob != (Text{}) {
					return nil, ruleErr(Text{"%s", "%s"}, prob)
				}
			}
			if kind != ManifestReturn {
				if prob := licenseProblem(recv.License, w.Code, m.PlannedPickupAt); prob != (Text{}) {
					return nil, ruleErr(Text{"%s：%s", "%s: %s"}, recv.Name, prob)
				}
			}
			if w.RejectedOn != "" && kind != ManifestTransfer && !contains(m.RejectedOn, w.RejectedOn) {
				m.RejectedOn = append(m.RejectedOn, w.RejectedOn)
			}
			if kind == ManifestTransfer {
				if err := planRefusal(c.tx, consignor.ID, occurred.In(workday.Shanghai).Year(), w.Code); err != nil {
					return nil, err
				}
			}
			batches = append(batches, w)
			m.WasteIDs = append(m.WasteIDs, w.ID)
			m.Labels = append(m.Labels, w.Label)
			m.Total += w.Quantity
			if w.LastOccurredAt.After(occurred) {
				return nil, invalid("occurred_at", Text{"不能早于批次 %s 的上一步时间", "must not be earlier than batch %s's previous event"}, w.Label)
			}
		}
		if err := c.approvalProblem(kind, in.Approval, consignor, recv, batches, m.Total, occurred, m.PlannedPickupAt); err != nil {
			return nil, err
		}
		year := c.now.In(workday.Shanghai).Year()
		if kind != ManifestReturn {
			received := recv.ReceivedIn(year)
			// What it has received this year, what open manifests already
			// bring it, and this manifest.
			capacity := KgToGrams(recv.License.CapacityTonnes * 1000)
			if float64(received+recv.Pending+m.Total) > s.rules.CapacityRefuse*float64(capacity) {
				return nil, ruleErr(Text{"%s 将超过年度核准经营规模 %[3]g 吨的 %.0[2]f %%（本年已接收 %.3[4]f 吨，在途联单 %.3[5]f 吨）", "%s would pass %.0f %% of its annual capacity of %g t (received %.3f t this year, %.3f t on open manifests)"},
					recv.Name, s.rules.CapacityRefuse*100, recv.License.CapacityTonnes, received.Tonnes(), recv.Pending.Tonnes())
			}
		}
		prefix := fmt.Sprintf("%04d%s%s", year, s.prov, s.city)
		var last int
		if _, err := getJSON(c.tx, proj.ManifestNoKey(prefix), &last); err != nil {
			return nil, err
		}
		if m.Number, err = ident.MakeManifestNumber(year, s.prov, s.city, last+1); err != nil {
			return nil, ruleErr(Text{"%d 年的联单编号已用完", "manifest numbers for %d are exhausted"}, year)
		}
		if _, err := c.emit(EvManifestCreated, m.ID, occurred, m); err != nil {
			return nil, err
		}
		return c.manifest(m.ID)
	})
}

// manifestBatchProblem says why batch w may not go on a manifest of kind
// from consignor to recv, or nil. The message is the same whether or not
// the consignor may see the batch, so it tells nothing about others'.
func manifestBatchProblem(kind string, consignor, recv *Party, w *Waste) error {
	switch kind {
	case ManifestTransfer:
		if w.Generator != consignor.ID {
			return ruleErr(Text{"批次 %s 不属于本单位", "batch %s is not yours"}, w.ID)
		}
		if w.Status != WasteStored && w.Status != WasteRejected {
			return ruleErr(Text{"批次 %s 当前为“%s”：只有贮存中或被拒收的批次可以填联单", "batch %s is %s: only stored or rejected batches go on a manifest"}, w.Label, w.Status)
		}
		return nil
	}
	if w.Status != WasteRejected || w.RejectedBy != consignor.ID {
		return ruleErr(Text{"批次 %s 不是本单位持有的被拒收批次：只有 %s 拒收的批次可以退回或改送", "batch %s is not a rejected batch you hold: only batches %s refused go on its return or redirect"}, w.ID, consignor.Name)
	}
	if kind == ManifestReturn && w.Generator != recv.ID {
		return ruleErr(Text{"退回应送回批次 %s 的产生单位（%s），不能送往 %s", "a return goes back to the generator of batch %s (%s), not to %s"}, w.Label, w.GeneratorName, recv.Name)
	}
	return nil
}

// manifest loads a manifest with its track.
func (c *cmd) manifest(id string) (*Manifest, error) { return readManifest(c.tx, id) }

// TrackWindow is how many GPS points a manifest is read with: the latest
// received. The whole track is read page by page (Service.Track).
const TrackWindow = 100

// readManifest loads a manifest with the latest TrackWindow points of its
// track.
func readManifest(s proj.Store, id string) (*Manifest, error) {
	m, err := loadManifest(s, id)
	if err != nil {
		return nil, err
	}
	m.Track, err = trackPoints(s, id, max(0, m.TrackPoints-TrackWindow), m.TrackPoints)
	return m, err
}

// trackPoints reads GPS points from..to-1 of manifest id (never nil).
func trackPoints(s proj.Store, id string, from, to int) ([]TrackPoint, error) {
	out := make([]TrackPoint, 0, max(0, to-from))
	err := proj.TrackPoints(s, id, from, to, func(_ int, v []byte) error {
		var pt TrackPoint
		if err := json.Unmarshal(v, &pt); err != nil {
			return err
		}
		out = append(out, pt)
		return nil
	})
	return out, err
}

// TrackPage is one page of a manifest's GPS track.
type TrackPage = List[TrackPoint]

// MaxTrackPage is the most points one page of a track holds; the default
// page is TrackDefaultPage.
const (
	MaxTrackPage     = 2000
	TrackDefaultPage = 500
)

// Track returns one page of the GPS track of a manifest the caller may
// see, in the order the points were received: pg.Limit points (default
// TrackDefaultPage, at most MaxTrackPage) from pg.Cursor (the previous
// page's NextCursor; "" is the first point).
func (s *Service) Track(ctx context.Context, p Principal, id string, pg Page) (TrackPage, error) {
	out := TrackPage{Items: []TrackPoint{}}
	from := 0
	if pg.Cursor != "" {
		n, err := strconv.Atoi(pg.Cursor)
		if err != nil || n < 0 {
			return out, invalid("cursor", Text{"不是本接口给出的游标", "must be a cursor this route returned"})
		}
		from = n
	}
	limit := pg.Limit
	switch {
	case limit == 0:
		limit = TrackDefaultPage
	case limit < 0 || limit > MaxTrackPage:
		return out, invalid("limit", Text{"应在 1 到 %d 之间", "must be between 1 and %d"}, MaxTrackPage)
	}
	err := s.view(func(r *proj.Snapshot) error {
		m, err := loadManifest(r, id)
		if err != nil {
			return err
		}
		if !p.SeesAll() && !m.OnManifest(p.Party) {
			return notFound("manifest", id)
		}
		to := min(m.TrackPoints, from+limit)
		if out.Items, err = trackPoints(r, id, from, to); err != nil {
			return err
		}
		if to < m.TrackPoints {
			out.NextCursor = strconv.Itoa(to)
		}
		return nil
	})
	return out, err
}

// visibleManifest loads a manifest the caller may see, else ErrNotFound.
func (c *cmd) visibleManifest(id string) (*Manifest, error) {
	m, err := loadManifest(c.tx, id)
	if err != nil {
		return nil, err
	}
	if !c.p.SeesAll() && !m.OnManifest(c.p.Party) {
		return nil, notFound("manifest", id)
	}
	return m, nil
}

// consignorRole is the role the consignor p of m acts in: generator, or
// receiver for a return or redirect of rejected batches; a collector acts
// as collector.
func consignorRole(m *Manifest, p Principal) Role {
	if m.Kind == ManifestReturn || m.Kind == ManifestRedirect {
		return orCollector(p, RoleReceiver)
	}
	return orCollector(p, RoleGenerator)
}

// orCollector is r, or collector when p holds that role and not r.
func orCollector(p Principal, r Role) Role {
	if !p.Has(r) && p.Has(RoleCollector) {
		return RoleCollector
	}
	return r
}

// roleOn is the role party acts in on manifest m: its consignor's, a
// carrier's (transporter) or its receiver's.
func roleOn(m *Manifest, p Principal) Role {
	party := p.Party
	switch {
	case party == m.Generator:
		return consignorRole(m, p)
	case party == m.Receiver:
		if m.Kind == ManifestReturn {
			return RoleGenerator
		}
		return orCollector(p, RoleReceiver)
	case contains(m.Carriers, party):
		return RoleTransporter
	}
	return ""
}

// Cancel cancels a manifest before pickup, by its consignor: its batches
// return to where they were (stored, or rejected at the receiver holding
// them).
func (s *Service) Cancel(ctx context.Context, p Principal, id string, in CancelInput) (*Manifest, error) {
	if !p.HasAny(RoleGenerator, RoleReceiver, RoleCollector) {
		return nil, fmt.Errorf("%w: only the consignor cancels its manifest", ErrForbidden)
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if err := ValidateInput(&in); err != nil {
		return nil, err
	}
	return exec(ctx, s, p, func(c *cmd) (*Manifest, error) {
		m, err := c.visibleManifest(id)
		if err != nil {
			return nil, err
		}
		if m.Generator != p.Party {
			return nil, ruleErr(Text{"只有联单 %s 的移出单位可以取消", "only the consignor of manifest %s may cancel it"}, m.Number)
		}
		c.p.acting = consignorRole(m, c.p)
		if m.Status != ManifestSubmitted {
			return nil, transitionErr(Text{"取消联单", "cancel a manifest"}, m.Status)
		}
		occurred, err := c.occurred(in.OccurredAt, m.LastOccurredAt)
		if err != nil {
			return nil, err
		}
		if _, err := c.emit(EvManifestCancel, m.ID, occurred, ManifestCancelledData{Reason: in.Reason}); err != nil {
			return nil, err
		}
		for _, wid := range m.WasteIDs {
			w, err := loadWaste(c.tx, wid)
			if err != nil {
				return nil, err
			}
			if deferredAlerts(ctx) {
				break
			}
			if err := c.sweepSubject(w); err != nil {
				return nil, err
			}
		}
		return c.manifest(m.ID)
	})
}

// Manifest returns a manifest the caller may see, with its track.
func (s *Service) Manifest(ctx context.Context, p Principal, id string) (*Manifest, error) {
	var out *Manifest
	err := s.view(func(r *proj.Snapshot) error {
		m, err := readManifest(r, id)
		if err != nil {
			return err
		}
		if !p.SeesAll() && !m.OnManifest(p.Party) {
			return notFound("manifest", id)
		}
		out = m
		return nil
	})
	return out, err
}

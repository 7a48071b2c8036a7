package ledger

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hwledger/hwledger/ledger/internal/proj"
)

// labelMismatch compares the labels scanned with m's. It returns the
// labels of m not scanned and the refusal (nil when every label matches).
func labelMismatch(m *Manifest, scanned []string) (missing []string, refusal *RuleError) {
	want := map[string]bool{}
	for _, l := range m.Labels {
		want[l] = true
	}
	got := map[string]bool{}
	unexpected := []string{}
	for _, l := range scanned {
		l = strings.TrimSpace(l)
		if got[l] {
			continue
		}
		got[l] = true
		if !want[l] {
			unexpected = append(unexpected, l)
		}
	}
	missing = []string{}
	for _, l := range m.Labels {
		if !got[l] {
			missing = append(missing, l)
		}
	}
	if len(missing) == 0 && len(unexpected) == 0 {
		return missing, nil
	}
	sort.Strings(missing)
	sort.Strings(unexpected)
	zh := "有 %[2]d 个标签不是本联单的，还有 %[1]d 个未扫描；没有装车"
	if len(unexpected) == 0 {
		zh = "还有 %[1]d 个容器未扫描；没有装车。只装一部分时，请说明其余批次留下的原因"
	}
	e := ruleErr(Text{zh, "scanned labels do not match the manifest: %d missing, %d unexpected; nothing was loaded"},
		len(missing), len(unexpected))
	e.Details = map[string]any{"missing": missing, "unexpected": unexpected}
	return missing, e
}

// loading is what a pickup or handover scan loads: the batches of m whose
// labels were scanned, and those a partial pickup leaves behind.
type loading struct {
	WasteIDs, Labels []string
	Left             []string // waste ids
}

// scanLoading checks the scan in against m. Every label must be scanned,
// unless a pickup gives a left-behind reason: then the labels scanned
// must be some of m's (at least one), and the others stay behind.
func scanLoading(m *Manifest, in CustodyInput, pickup bool) (loading, error) {
	missing, bad := labelMismatch(m, in.Labels)
	partial := in.LeftBehindReason != ""
	switch {
	case partial && !pickup:
		return loading{}, invalid("left_behind_reason", Text{"只有提货时可以留下部分批次；接驳交接须扫描全部标签",
			"only a pickup leaves batches behind: a handover scans every label"})
	case partial && bad == nil:
		return loading{}, invalid("left_behind_reason", Text{"全部标签都已扫描：没有留下的批次",
			"every label was scanned: no batch stays behind"})
	case partial && len(bad.Details["unexpected"].([]string)) == 0 && len(missing) < len(m.Labels):
		bad = nil
	}
	if bad != nil {
		return loading{}, bad
	}
	var l loading
	left := map[string]bool{}
	for _, x := range missing {
		left[x] = true
	}
	for i, label := range m.Labels {
		if left[label] {
			l.Left = append(l.Left, m.WasteIDs[i])
		} else {
			l.WasteIDs, l.Labels = append(l.WasteIDs, m.WasteIDs[i]), append(l.Labels, label)
		}
	}
	return l, nil
}

func validateCustody(in *CustodyInput) error {
	in.VehiclePlate = strings.TrimSpace(in.VehiclePlate)
	in.Driver = strings.TrimSpace(in.Driver)
	in.Escort = strings.TrimSpace(in.Escort)
	in.VehiclePermit = strings.TrimSpace(in.VehiclePermit)
	in.LeftBehindReason = strings.TrimSpace(in.LeftBehindReason)
	f := fieldErrors{}
	checkTags(f, in)
	return f.err()
}

// Pickup records loading by the first carrier. The scanned labels must
// equal the manifest's exactly, else nothing is recorded and the
// RuleError lists the missing and unexpected labels; unless the input
// says why the batches not scanned stay behind (a partial pickup): they
// go back to storage, off the manifest, and the others are loaded.
func (s *Service) Pickup(ctx context.Context, p Principal, id string, in CustodyInput) (*Manifest, error) {
	return s.custody(ctx, p, id, in, true)
}

// Handover records the next carrier taking over from the one holding it.
func (s *Service) Handover(ctx context.Context, p Principal, id string, in CustodyInput) (*Manifest, error) {
	return s.custody(ctx, p, id, in, false)
}

func (s *Service) custody(ctx context.Context, p Principal, id string, in CustodyInput, pickup bool) (*Manifest, error) {
	p, err := p.actAs(RoleTransporter, "only a transporter takes custody")
	if err != nil {
		return nil, err
	}
	if err := validateCustody(&in); err != nil {
		return nil, err
	}
	return exec(ctx, s, p, func(c *cmd) (*Manifest, error) {
		m, err := c.visibleManifest(id)
		if err != nil {
			return nil, err
		}
		typ, next := EvManifestHandover, m.CarrierIndex+1
		if pickup {
			typ, next = EvManifestPickedUp, 0
			if m.Status != ManifestSubmitted {
				return nil, transitionErr(Text{"提货", "pick up a manifest"}, m.Status)
			}
		} else if m.Status != ManifestInTransit {
			return nil, transitionErr(Text{"接驳交接", "hand over a manifest"}, m.Status)
		}
		if next >= len(m.Carriers) {
			return nil, ruleErr(Text{"联单 %s 没有下一家运输单位", "no further carrier is named on manifest %s"}, m.Number)
		}
		if m.Carriers[next] != p.Party {
			return nil, ruleErr(Text{"联单 %[2]s 的第 %[1]d 家运输单位不是本单位", "carrier %d on manifest %s is another party"}, next+1, m.Number)
		}
		load, err := scanLoading(m, in, pickup)
		if err != nil {
			return nil, err
		}
		occurred, err := c.occurred(in.OccurredAt, m.LastOccurredAt)
		if err != nil {
			return nil, err
		}
		step := CustodyData{Party: p.Party, Labels: load.Labels, VehiclePlate: in.VehiclePlate, Driver: in.Driver,
			Escort: in.Escort, VehiclePermit: in.VehiclePermit, Location: (*LocationData)(in.Location)}
		gapDue := occurred.Add(s.rules.TrackGap)
		var d any = ManifestHandedOverData{CustodyData: step, TrackGapDue: gapDue}
		if pickup {
			limit := s.rules.Transit
			if c.anyMedical(load.WasteIDs) {
				limit = s.rules.MedicalTransit
			}
			pd := ManifestPickedUpData{CustodyData: step, TransitDue: occurred.Add(limit), TrackGapDue: gapDue}
			if len(load.Left) > 0 {
				pd.LeftBehind, pd.LeftBehindReason = load.Left, in.LeftBehindReason
			}
			d = pd
		}
		if _, err := c.emit(typ, m.ID, occurred, d); err != nil {
			return nil, err
		}
		loaded, err := loadManifest(c.tx, m.ID)
		if err != nil {
			return nil, err
		}
		if err := c.stopManifestClocks(typ, loaded, occurred); err != nil {
			return nil, err
		}
		if pickup {
			if err := c.checkExceeded(loaded, occurred); err != nil {
				return nil, err
			}
			if err := c.checkPaperLate(loaded, occurred); err != nil {
				return nil, err
			}
		}
		for _, id := range load.Left {
			w, err := loadWaste(c.tx, id)
			if err != nil {
				return nil, err
			}
			if deferredAlerts(ctx) {
				break
			}
			if err := c.sweepSubject(w); err != nil { // back in storage, perhaps past its limit
				return nil, err
			}
		}
		return c.manifest(m.ID)
	})
}

func (c *cmd) anyMedical(wasteIDs []string) bool {
	for _, id := range wasteIDs {
		if w, err := loadWaste(c.tx, id); err == nil && w.Medical {
			return true
		}
	}
	return false
}

// holder checks that the caller is the carrier holding an in-transit manifest.
func (c *cmd) holder(id string, what Text) (*Manifest, error) {
	m, err := c.visibleManifest(id)
	if err != nil {
		return nil, err
	}
	if m.Status != ManifestInTransit {
		return nil, transitionErr(what, m.Status)
	}
	if m.Holder != c.p.Party {
		return nil, ruleErr(Text{"只有持有联单 %s 的运输单位可以%s", "only the carrier holding manifest %s may %s"}, m.Number, what)
	}
	return m, nil
}

// MaxTrackPoints is the most GPS points a manifest's track keeps: about
// 83 hours at one point per slot (proj.TrackSlot, 10 s), longer than the
// transit limit.
const MaxTrackPoints = 30_000

// Positions adds GPS track points from the carrier holding the manifest.
// The track keeps at most one point per 10-second slot (proj.TrackSlot):
// a point in a slot the track, or an earlier point of the request,
// already holds is a duplicate and is dropped, as is every point once the
// track holds MaxTrackPoints. A request whose points are all dropped
// records nothing and answers the manifest as it is.
func (s *Service) Positions(ctx context.Context, p Principal, id string, in PositionsInput) (*Manifest, error) {
	p, err := p.actAs(RoleTransporter, "only a transporter sends positions")
	if err != nil {
		return nil, err
	}
	if err := ValidateInput(&in); err != nil {
		return nil, err
	}
	return exec(ctx, s, p, func(c *cmd) (*Manifest, error) {
		m, err := c.holder(id, Text{"发送轨迹", "send positions"})
		if err != nil {
			return nil, err
		}
		var pts []TrackPointData
		latest := time.Time{}
		slots := map[string]bool{}
		for i, pt := range in.Points {
			pt.At = pt.At.UTC().Truncate(time.Microsecond)
			if pt.At.After(c.now.Add(s.rules.MaxFutureOccurrence)) {
				return nil, invalid(fmt.Sprintf("points[%d].at", i), Text{"不能晚于现在", "must not be in the future"})
			}
			if m.PickedUpAt != nil && pt.At.Before(m.PickedUpAt.Add(-time.Hour)) {
				return nil, invalid(fmt.Sprintf("points[%d].at", i), Text{"不能早于提货时间", "must not be before the pickup"})
			}
			slot := string(proj.TrackSlotKey(m.ID, pt.At))
			if slots[slot] || m.TrackPoints+len(pts) >= MaxTrackPoints {
				continue
			}
			slots[slot] = true
			if held, err := proj.TrackSlotHeld(c.tx, m.ID, pt.At); err != nil {
				return nil, err
			} else if held {
				continue
			}
			if pt.At.After(latest) {
				latest = pt.At
			}
			pts = append(pts, TrackPointData(pt))
		}
		if len(pts) == 0 {
			return c.manifest(m.ID)
		}
		occurred, err := c.occurred(in.OccurredAt, m.LastOccurredAt)
		if err != nil {
			return nil, err
		}
		last := latest
		if m.LastPositionAt != nil && m.LastPositionAt.After(last) {
			last = *m.LastPositionAt
		}
		if last.Add(s.rules.TrackGap).After(c.now) {
			// The gap is closed: resolve first, so the new deadline is indexed.
			if err := c.stopClocks(EvManifestTrack, SubjectManifest, m.ID, occurred); err != nil {
				return nil, err
			}
		}
		if _, err := c.emit(EvManifestTrack, m.ID, occurred, ManifestPositionsData{Points: pts, TrackGapDue: last.Add(s.rules.TrackGap)}); err != nil {
			return nil, err
		}
		return c.manifest(m.ID)
	})
}

// Deliver records arrival at the receiver by the last carrier. A delivery
// implausible in place or time is refused (checkDelivery).
func (s *Service) Deliver(ctx context.Context, p Principal, id string, in DeliverInput) (*Manifest, error) {
	p, err := p.actAs(RoleTransporter, "only a transporter delivers")
	if err != nil {
		return nil, err
	}
	if err := ValidateInput(&in); err != nil {
		return nil, err
	}
	return exec(ctx, s, p, func(c *cmd) (*Manifest, error) {
		m, err := c.holder(id, Text{"确认送达", "deliver"})
		if err != nil {
			return nil, err
		}
		if m.CarrierIndex != len(m.Carriers)-1 {
			return nil, ruleErr(Text{"联单 %s 还需交接给下一家运输单位，不能由本单位送达", "hand over to the next carrier before delivering manifest %s"}, m.Number)
		}
		occurred, err := c.occurred(in.OccurredAt, m.LastOccurredAt)
		if err != nil {
			return nil, err
		}
		if err := c.checkDelivery(m, in.Location, occurred); err != nil {
			return nil, err
		}
		due := s.cal.AddWorkdays(occurred, s.rules.ReceiptWorkdays)
		if _, err := c.emit(EvManifestDeliver, m.ID, occurred, ManifestDeliveredData{Location: (*LocationData)(in.Location), ReceiptDue: due}); err != nil {
			return nil, err
		}
		if err := c.stopManifestClocks(EvManifestDeliver, m, occurred); err != nil {
			return nil, err
		}
		return c.manifest(m.ID)
	})
}

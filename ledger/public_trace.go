package ledger

import "context"

// PublicTrace is the trace of manifest id for the public verification
// page, which anyone may open without signing in: every event about the
// manifest with its inclusion proof. The caller decides what of it to
// publish (party names, not personal data). An id that is not a
// manifest's is ErrNotFound.
func (s *Service) PublicTrace(ctx context.Context, id string) (*Trace, error) {
	reader := Principal{Party: SystemParty, Roles: []Role{RoleInspector}}
	if _, err := s.Manifest(ctx, reader, id); err != nil {
		return nil, err
	}
	return s.Trace(ctx, reader, id)
}

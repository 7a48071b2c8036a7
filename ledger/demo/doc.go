// Package demo seeds a realistic, deterministic demo district into an empty
// ledger: Zhengzhou's Guancheng Hui District (管城回族区, 410104) with its
// hospitals, clinics, auto-repair and body shops, printers and labs spread
// over the district's twelve streets; licensed carriers with 豫A vehicles;
// three licensed receivers (medical waste disposal, general incineration and
// landfill, used-oil recycling); an inspector; and a year of waste batches
// and transfer manifests in every status, some overdue and some with
// significant discrepancies. Then the ways transfers go wrong (cases.go):
// a licensed collector consolidating small clinics' bags, a refused drum
// returned and another redirected, corrections applied, refused and
// pending, paper manifests entered in time and late, and a transfer to a
// receiver in Wuhan under a cross-province approval.
//
// Everything is drawn from a math/rand/v2 generator with a fixed seed and
// every time is relative to the service clock, so two seeds with the same
// clock give the same district. Batches and manifests are submitted by many
// goroutines at once so that the ledger's writer can group the commits.
//
// Seed is used by `hwledger serve --demo`; it writes each demo party's
// token to demo-tokens.json and, with Options.People, the people who sign
// in for each party (people.go) to demo-people.json.
package demo

// Package manifestpdf renders the printable 危险废物转移联单 of a manifest
// as a PDF whose font is embedded (a subset of the glyphs it uses), so it
// prints the same on any machine.
//
// The PDF has three parts, 移出人联, 承运人联 and 接受人联, each starting
// on a page of its own and each a full copy: the parties with their credit
// codes and contacts, the receiver's licence and the carriers' permits
// (办法 Art 10, 11, 13), every batch with its label, code, name, hazards,
// form, quantity, containers and dangerous-goods class and UN number where
// declared, the emergency measures, every step with its time, party and
// person, 补录 for a manifest entered from paper, and a QR code of the
// public verification page /verify/manifests/{id}.
//
// Load gathers a Sheet from the ledger as the caller may see it; Font
// holds the CJK TrueType font (LoadFont); Render writes the PDF.
package manifestpdf

// Package catalog knows the National Hazardous Waste List (国家危险废物名录):
// its editions, their codes, categories and exemption lists, and the
// utilisation and disposal method codes (利用/处置方式).
//
// A waste code is 8 digits written NNN-NNN-NN: industry of origin, sequence,
// and category, where the last two digits NN mean category HWNN. Medical
// waste is HW01 (industry 841); data using the 2016 numbering 831-00x-01 is
// read as 841-00x-01. Besides the rows of the table, 900-000-xx is the code
// of waste found hazardous by identification testing, xx its category.
//
// [Builtin] holds the 2021 edition (467 codes, 46 categories, the 32-item
// exemption list) from embedded data (data/, with its provenance in
// data/README.md). [LoadFile] adds a later edition from a file in the same
// form; [Catalog.At] gives the edition in force at a moment. An [Edition]
// and a [Catalog] are immutable and safe for concurrent use; values they
// return are copies the caller may modify.
package catalog

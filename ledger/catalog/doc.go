// Package catalog knows the waste codes of the National Hazardous Waste List
// (国家危险废物名录), its 46 categories, and the utilisation and disposal
// method codes (利用/处置方式).
//
// A waste code is 8 digits written NNN-NNN-NN: industry of origin, sequence,
// and category, where the last two digits NN mean category HWNN. Medical
// waste is HW01 (industry 841); data using the 2016 numbering 831-00x-01 is
// mapped to 841-00x-01 on input.
//
// [Builtin] holds the categories, the five medical codes and the codes this
// district's generators use most, from embedded data (data/*.csv, every row
// naming its source). [LoadFile] adds the rows of the full official table.
// A [Catalog] is immutable and safe for concurrent use; values it returns are
// copies the caller may modify.
package catalog

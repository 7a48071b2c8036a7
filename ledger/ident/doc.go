// Package ident checks and builds the identifiers hwledger records:
//
//   - the unified social credit code (统一社会信用代码, GB 32100-2015) that
//     identifies a party;
//   - the 37-character digital ID (数字识别码) of an HJ 1276-2022 waste
//     label: credit code + waste code digits + YYYYMMDD + 3-digit serial;
//   - the 14-digit electronic transfer manifest number: year + province +
//     city + 6-digit serial.
//
// The package is pure. Dates are civil days in Asia/Shanghai. Errors wrap
// [ErrInvalidCreditCode], [ErrInvalidLabel] or [ErrInvalidManifestNumber]
// and say precisely what is wrong.
package ident

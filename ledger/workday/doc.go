// Package workday does working-day arithmetic in China's time zone.
//
// A working day is Monday to Friday, minus the statutory holidays of a
// [Calendar], plus the weekend days the State Council adjusts into working
// days (调休上班). All days are civil days in Asia/Shanghai ([Shanghai]),
// whatever the location of the time.Time values passed in; deadlines are
// returned in UTC.
//
// The package is pure: a Calendar is immutable once built and safe for
// concurrent use.
package workday

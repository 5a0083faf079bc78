// Rows in PostgreSQL's binary COPY format (COPY … FROM STDIN (FORMAT
// binary)), built on the client so that the server does not parse text: the
// merge's profile showed the server's text input functions for timestamps and
// numerics (DecodeDateTime, numeric_in, strtod) among its largest costs.
//
// Every field is written in the type's send/recv form (int32 length, then the
// bytes; -1 for NULL). What the server stores is exactly what the text path
// (AppendCopyField and COPY's text format) stored for the same Value: the
// numeric is sent exactly as its shortest decimal text and the server applies
// the column's (p,s) as numeric_in would. pg_binary_copy_test.cc checks each
// encoding against a real server.
//
// Stateless functions appending to a caller's buffer; thread-safe; never
// allocate beyond growing that buffer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "catalog/column_type.h"
#include "catalog/value.h"

namespace sluice {

// The 19-byte header a binary COPY stream starts with, and the trailer (a
// field count of -1) it may end with. A COPY TO STDOUT sends the header with
// its first row and the trailer as a message of its own.
inline constexpr size_t kBinaryCopyHeaderBytes = 19;
inline constexpr std::string_view kBinaryCopyTrailer{"\xff\xff", 2};
void AppendBinaryCopyHeader(std::string* out);
void AppendBinaryCopyTrailer(std::string* out);
// Starts a row (tuple) of `fields` fields.
void AppendBinaryRowStart(int fields, std::string* out);

// One field, in the form the recv function of PgDialect::TypeName(type) reads:
// bigint (int8), boolean (bool), double precision (float8), text/varchar
// (the UTF-8 bytes), date (int32 days since 2000-01-01), timestamp (int64
// microseconds since 2000-01-01 00:00:00), numeric (ndigits, weight, sign,
// dscale, base-10000 digits), jsonb (version 1, then the JSON text). `value`
// is the merge's Value for a column of `type` (catalog/cast.h); its text
// lives in `arena`. False (with nothing appended) for a Value the column's
// type cannot come from, which the merge's casts never produce.
bool AppendBinaryField(const Value& value, const ColumnType& type, std::string_view arena, std::string* out);

// A one-dimensional array parameter in the binary format (array_recv's):
// StartBinaryArray leaves room for the header, the elements follow as
// AppendBinaryField writes them (the same length-prefixed form), and
// FinishBinaryArray fills the header in. Sent as `$n::<type>[]`.
void StartBinaryArray(std::string* out);
void FinishBinaryArray(const ColumnType& type, int elements, bool has_null, std::string* out);
// The SQL name of the array type FinishBinaryArray's header declares
// ("varchar[]", "numeric[]"…): no (n) or (p,s), which the INSERT applies.
std::string BinaryArrayTypeName(const ColumnType& type);

// The pieces, exposed for the tests.
void AppendBinaryNull(std::string* out);
// `text` in JSON number syntax (an optional sign, digits, an optional
// fraction and exponent: "-12.5", "1e+20") as an exact numeric. False for
// anything else.
bool AppendBinaryNumeric(std::string_view text, std::string* out);
// "YYYY-MM-DD HH:MM:SS.ffffff" (FormatTimestampTo's form) and "YYYY-MM-DD".
bool AppendBinaryTimestamp(std::string_view text, std::string* out);
bool AppendBinaryDate(std::string_view text, std::string* out);

}  // namespace sluice

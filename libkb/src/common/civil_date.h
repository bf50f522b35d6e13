// Calendar dates (YYYY-MM-DD) as day numbers: verified / stale_after arithmetic, day buckets of the usage log.
#ifndef KB_SRC_CIVIL_DATE_H_
#define KB_SRC_CIVIL_DATE_H_

#include <string>
#include <string_view>

namespace kb::internal {

// Parses YYYY-MM-DD into days since 1970-01-01; false if malformed or not a real date.
bool ParseDate(std::string_view ymd, long* days);
// Days since 1970-01-01 → YYYY-MM-DD.
std::string FormatDate(long days);

}  // namespace kb::internal

#endif  // KB_SRC_CIVIL_DATE_H_

// Number formatting shared by the Markdown tables.
#ifndef KB_BENCH_EVAL_FORMAT_H_
#define KB_BENCH_EVAL_FORMAT_H_

#include <cstdio>
#include <string>

namespace kb::eval {

inline std::string Fixed(double v, int digits = 3) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

inline std::string Signed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.3f", v);
  return buf;
}

// A change to three decimals; "0" when it rounds to nothing (no "-0.000" for float noise).
inline std::string Delta(double v) { return v > -0.0005 && v < 0.0005 ? "0" : Signed(v); }

// a / b to three decimals, "-" when b is 0.
inline std::string Ratio(double a, double b) { return b > 0 ? Fixed(a / b, 3) : "-"; }

}  // namespace kb::eval

#endif  // KB_BENCH_EVAL_FORMAT_H_

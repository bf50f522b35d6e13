// Helpers for tests that run Xapian's own servers on 127.0.0.1: such a server runs as a Child with
// own_group (it forks one process per connection, and those die with it); test_support.h has the rest
// (free ports, WaitForPort, WaitFor).
#ifndef KB_TESTS_SCALE_LOOPBACK_H_
#define KB_TESTS_SCALE_LOOPBACK_H_

#include <string>
#include <vector>

#include "../test_support.h"

namespace kb::testing {

// Starts a Xapian server (argv[0] a path) in its own process group, its output appended to `log_path`.
inline ChildOptions XapianProcessOptions(const std::string& log_path) {
  return ChildOptions{.log_path = log_path, .own_group = true};
}

}  // namespace kb::testing

#endif  // KB_TESTS_SCALE_LOOPBACK_H_

// Which malloc the running program uses: "jemalloc 5.3.0-..." when it was linked with jemalloc (CMake's
// kb_malloc, KB_JEMALLOC), else "glibc malloc". Shown by `kb-index --version` and `kb-server --version`, so a
// report of memory use or speed says which allocator it was measured with.
//
// Thread-safety: stateless.
#ifndef KB_CLI_ALLOCATOR_H_
#define KB_CLI_ALLOCATOR_H_

#include <cstddef>
#include <string>

// jemalloc's control interface; weak, so that it is null in a program not linked with jemalloc.
extern "C" int mallctl(const char* name, void* oldp, std::size_t* oldlenp, void* newp, std::size_t newlen)
    __attribute__((weak));

namespace kb::flags {

inline std::string AllocatorName() {
  if (mallctl == nullptr) return "glibc malloc";
  const char* version = nullptr;
  std::size_t size = sizeof(version);
  if (mallctl("version", &version, &size, nullptr, 0) != 0 || version == nullptr) return "jemalloc";
  return std::string("jemalloc ") + version;
}

}  // namespace kb::flags

#endif  // KB_CLI_ALLOCATOR_H_

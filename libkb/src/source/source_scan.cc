// Listing a source's files: the directory walk with its include/exclude selection.
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <vector>

#include "glob.h"
#include "kb/source.h"

namespace kb {

namespace fs = std::filesystem;

namespace {

// Margin under which a file's times are too recent to vouch for its bytes: file times advance in clock ticks,
// so a write just after the scan, in the same tick and of the same size, would leave the stamp as it was.
constexpr std::int64_t kRacyNanoseconds = 2'000'000'000;

std::int64_t Nanoseconds(const struct timespec& t) {
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

// The file's size and stamp from one stat(2) (following a link, as reading it does); on failure neither is set
// (size 0, no stamp), and reading the file reports the error.
void StatFile(const fs::path& path, std::int64_t scan_start, SourceFile* file) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return;
  file->size = static_cast<std::uint64_t>(st.st_size);
  if (Nanoseconds(st.st_mtim) + kRacyNanoseconds < scan_start &&
      Nanoseconds(st.st_ctim) + kRacyNanoseconds < scan_start) {
    file->stamp = std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
                  std::to_string(st.st_mtim.tv_nsec) + ":" + std::to_string(st.st_ctim.tv_sec) + "." +
                  std::to_string(st.st_ctim.tv_nsec) + ":" + std::to_string(st.st_ino);
  }
}

std::int64_t NowNanoseconds() {
  struct timespec now {};
  timespec_get(&now, TIME_UTC);
  return Nanoseconds(now);
}

}  // namespace

Result<ScanResult> ScanSource(const Source& source) {
  try {
    ScanResult out;
    const std::int64_t scan_start = NowNanoseconds();
    std::error_code ec;
    const fs::path root(source.real_root);
    fs::directory_iterator probe(root, ec);
    if (ec) return Status::IoError(source.root + ": cannot read directory: " + ec.message());

    std::vector<std::string> pending = {""};  // directories relative to the root
    while (!pending.empty()) {
      const std::string rel_dir = pending.back();
      pending.pop_back();
      std::vector<std::pair<std::string, fs::directory_entry>> entries;
      for (fs::directory_iterator it(root / rel_dir, ec), end; !ec && it != end; it.increment(ec)) {
        entries.emplace_back(it->path().filename().string(), *it);
      }
      if (ec) {
        out.skipped.push_back({source.name, rel_dir, "cannot read directory: " + ec.message()});
        ec.clear();
        continue;
      }
      for (const auto& [name, entry] : entries) {
        const std::string rel = rel_dir.empty() ? name : rel_dir + "/" + name;
        if (name.front() == '.') {
          if (!entry.is_directory(ec)) ++out.ignored;
          continue;
        }
        if (entry.is_symlink(ec)) {
          if (entry.is_directory(ec) || !entry.is_regular_file(ec) || !internal::IsSelected(source.config, rel)) {
            ++out.ignored;  // directory links are not followed: they can form cycles or leave the tree
            continue;
          }
          const std::string target = fs::canonical(entry.path(), ec).string();
          if (ec || target.rfind(source.real_root + "/", 0) != 0) {
            out.skipped.push_back({source.name, rel, "symbolic link to a file outside the source (not read)"});
            ec.clear();
            continue;
          }
        } else if (entry.is_directory(ec)) {
          pending.push_back(rel);
          continue;
        }
        if (!entry.is_regular_file(ec) || !internal::IsSelected(source.config, rel)) {
          ++out.ignored;
          continue;
        }
        SourceFile file;
        file.path = rel;
        StatFile(entry.path(), scan_start, &file);
        out.files.push_back(std::move(file));
      }
    }
    std::sort(out.files.begin(), out.files.end(),
              [](const SourceFile& a, const SourceFile& b) { return a.path < b.path; });
    return out;
  } catch (const std::exception& e) {
    return Status::Internal(source.root + ": scanning failed: " + e.what());
  }
}

}  // namespace kb

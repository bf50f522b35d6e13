// Listing a source's files: the directory walk with its include/exclude selection.
#include <algorithm>
#include <filesystem>
#include <vector>

#include "glob.h"
#include "kb/source.h"

namespace kb {

namespace fs = std::filesystem;

Result<ScanResult> ScanSource(const Source& source) {
  try {
    ScanResult out;
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
        const std::uintmax_t size = entry.file_size(ec);
        out.files.push_back({rel, ec ? 0 : static_cast<std::uint64_t>(size)});
        ec.clear();
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

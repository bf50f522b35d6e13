#include "db_files.h"

#include <sys/stat.h>

#include <cstdint>
#include <cstdio>

#include "shard_layout.h"
#include "shard_set.h"

namespace kb::internal {
namespace {

constexpr std::size_t kMaxStubBytes = 65536;

std::string VersionFile(const std::string& dir) { return dir + "/" + kGlassVersionFile; }

// "dev:ino" of `path`, with ":size:mtime" when `with_time`; "-" when it does not exist.
std::string StatKey(const std::string& path, bool with_time) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "-";
  char buf[128];
  if (with_time) {
    std::snprintf(buf, sizeof buf, "%ju:%ju:%jd:%jd.%ld", static_cast<std::uintmax_t>(st.st_dev),
                  static_cast<std::uintmax_t>(st.st_ino), static_cast<std::intmax_t>(st.st_size),
                  static_cast<std::intmax_t>(st.st_mtim.tv_sec), static_cast<long>(st.st_mtim.tv_nsec));
  } else {
    std::snprintf(buf, sizeof buf, "%ju:%ju", static_cast<std::uintmax_t>(st.st_dev),
                  static_cast<std::uintmax_t>(st.st_ino));
  }
  return buf;
}

// The stub file's text ("" when `db` is not a stub; an empty stub reads as "\n" so that it still counts).
std::string ReadStub(const std::string& db) {
  std::FILE* f = std::fopen((db + "/" + kStubFile).c_str(), "r");
  if (f == nullptr) return "";
  std::string out;
  char buf[512];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0 && out.size() < kMaxStubBytes) out.append(buf, n);
  std::fclose(f);
  return out.empty() ? "\n" : out;
}

// The version file of every database the stub names with "auto PATH".
std::vector<std::string> StubVersionFiles(const std::string& db, const std::string& stub) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < stub.size()) {
    std::size_t end = stub.find('\n', pos);
    if (end == std::string::npos) end = stub.size();
    const std::string line = stub.substr(pos, end - pos);
    pos = end + 1;
    if (line.rfind("auto ", 0) != 0) continue;
    const std::string path = line.substr(5);
    out.push_back(VersionFile(!path.empty() && path[0] == '/' ? path : db + "/" + path));
  }
  return out;
}

// Version files of a local location: its own, or those of the databases its stub names.
std::vector<std::string> VersionFiles(const std::string& db) {
  if (const std::string stub = ReadStub(db); !stub.empty()) return StubVersionFiles(db, stub);
  return {VersionFile(db)};
}

}  // namespace

DatabasesFingerprint FingerprintDatabases(const std::vector<std::string>& locations) {
  DatabasesFingerprint out;
  for (const std::string& db : locations) {
    if (IsRemoteLocation(db)) {
      out.identity += db + ";";
      continue;
    }
    if (const std::string stub = ReadStub(db); !stub.empty()) {
      // Readers of a replica close and reopen it rather than reopen() in place (Xapian's replication docs),
      // since the stub may switch to a new copy: any change under a stub counts as a new identity.
      std::string key = StatKey(db, false) + "|" + stub + "|";
      for (const std::string& file : StubVersionFiles(db, stub)) key += StatKey(file, true) + ",";
      out.identity += key + ";";
      out.version += key + ";";
      continue;
    }
    out.identity += StatKey(db, false) + ";";
    out.version += StatKey(db, false) + "|" + StatKey(VersionFile(db), true) + ";";
  }
  return out;
}

double NewestCommitTime(const std::vector<std::string>& locations) {
  double newest = -1;
  for (const std::string& db : locations) {
    if (IsRemoteLocation(db)) continue;
    for (const std::string& file : VersionFiles(db)) {
      struct stat st {};
      if (::stat(file.c_str(), &st) != 0) continue;
      const double t = static_cast<double>(st.st_mtim.tv_sec) + static_cast<double>(st.st_mtim.tv_nsec) / 1e9;
      if (t > newest) newest = t;
    }
  }
  return newest;
}

}  // namespace kb::internal

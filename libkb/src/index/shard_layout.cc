// The on-disk shard layout (shard-K directories, the XAPIANDB stub) and the item → shard function.
#include "shard_layout.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace kb::internal {
namespace {

std::string ShardDir(int k) { return "shard-" + std::to_string(k); }

}  // namespace

Result<int> ExistingShards(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::path(path) / kGlassVersionFile, ec)) return 1;
  std::ifstream in(std::filesystem::path(path) / kStubFile);
  if (!in) return 0;
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    if (line != "auto " + ShardDir(n)) {
      return Status::InvalidArgument(path + "/" + kStubFile + " is not a kb-index shard list (line '" + line +
                                     "'); pass another --db");
    }
    ++n;
  }
  if (n < 2) return Status::InvalidArgument(path + "/" + kStubFile + " lists fewer than 2 shards; pass another --db");
  return n;
}

Status WriteStub(const std::string& path, int n) {
  std::string text;
  for (int k = 0; k < n; ++k) text += "auto " + ShardDir(k) + "\n";
  const std::filesystem::path stub = std::filesystem::path(path) / kStubFile;
  {
    std::ifstream in(stub);
    std::string old((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (old == text) return Status::Ok();
  }
  const std::filesystem::path tmp = stub.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    out.flush();
    if (!out) return Status::IoError(tmp.string() + ": cannot write the shard list");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, stub, ec);
  if (ec) return Status::IoError(stub.string() + ": " + ec.message());
  return Status::Ok();
}

std::vector<std::string> DatabasePaths(const std::string& path, int n) {
  if (n <= 1) return {path};
  std::vector<std::string> out;
  for (int k = 0; k < n; ++k) out.push_back(path + "/" + ShardDir(k));
  return out;
}

int ShardOf(const std::string& id, int shards) {
  if (shards <= 1) return 0;
  std::uint64_t hash = 14695981039346656037ull;  // FNV-1a offset basis and prime: fixed, so shards are stable
  for (unsigned char c : id) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return static_cast<int>(hash % static_cast<std::uint64_t>(shards));
}

}  // namespace kb::internal

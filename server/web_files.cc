#include "web_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace kb::server {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxFiles = 256;
constexpr std::uintmax_t kMaxFileBytes = 4u << 20;

const char* ContentType(const std::string& ext) {
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return nullptr;
}

}  // namespace

Result<std::unique_ptr<WebFiles>> WebFiles::Load(const std::string& root) {
  auto out = std::make_unique<WebFiles>();
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end;
  if (ec) return Status::IoError("cannot read web root '" + root + "': " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return Status::IoError("cannot read web root '" + root + "': " + ec.message());
    const fs::path& p = it->path();
    const std::string name = p.filename().string();
    const fs::file_status st = it->symlink_status(ec);
    if (!name.empty() && name[0] == '.') {
      if (fs::is_directory(st)) it.disable_recursion_pending();
      continue;
    }
    if (!fs::is_regular_file(st)) continue;  // symlinks are not followed: they could point anywhere
    const char* type = ContentType(p.extension().string());
    if (type == nullptr || it->file_size(ec) > kMaxFileBytes) continue;
    if (out->files_.size() >= kMaxFiles) return Status::InvalidArgument("web root '" + root + "' has too many files");
    std::ifstream in(p, std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    if (!in) return Status::IoError("cannot read '" + p.string() + "'");
    out->files_[fs::relative(p, root).generic_string()] = WebFile{type, body.str()};
  }
  if (out->Find("/") == nullptr) return Status::InvalidArgument("web root '" + root + "' has no index.html");
  return out;
}

const WebFile* WebFiles::Find(const std::string& path) const {
  if (path.empty() || path[0] != '/') return nullptr;
  std::string key = path.substr(1);
  if (key.empty() || key.back() == '/') key += "index.html";
  auto it = files_.find(key);
  return it == files_.end() ? nullptr : &it->second;
}

}  // namespace kb::server

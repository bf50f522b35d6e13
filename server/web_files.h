// kb::server::WebFiles: the web page's files, read into memory once at start.
//
// Requests are answered from this table only, keyed by the relative paths found when scanning the web root,
// so no request path ever reaches the file system: `../`, encoded dots and symlinks cannot escape the root.
// Only regular files with a known content type are loaded; symlinks and dotfiles are skipped.
//
// Thread-safety: immutable after Load(); Find() may be called from any thread.
#ifndef KB_SERVER_WEB_FILES_H_
#define KB_SERVER_WEB_FILES_H_

#include <map>
#include <memory>
#include <string>

#include "kb/status.h"

namespace kb::server {

struct WebFile {
  std::string content_type;
  std::string body;
};

class WebFiles {
 public:
  static Result<std::unique_ptr<WebFiles>> Load(const std::string& root);
  // `path` as requested ("/", "/app.js"); null when not served.
  const WebFile* Find(const std::string& path) const;
  std::size_t size() const { return files_.size(); }

 private:
  std::map<std::string, WebFile> files_;  // "index.html", "app.js", "img/logo.svg"
};

}  // namespace kb::server

#endif  // KB_SERVER_WEB_FILES_H_

// Loading a source: the NAME=DIR argument, kb-source.yaml, synonyms.txt, and reading its files.
#include "kb/source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "content_hash.h"
#include "git_commit.h"
#include "kb/curation.h"
#include "kb/index_writer.h"
#include "text.h"

namespace kb {
namespace {

namespace fs = std::filesystem;

// Bumped when the indexer changes how a file becomes an item in a way `update` must not keep stale.
constexpr int kItemFormat = 3;  // 2: front matter `scope`; 3: Turkish plurals stemmed as singulars
constexpr std::size_t kMaxNameBytes = 64;

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

bool IsValidName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes) return false;
  for (char c : name) {
    if (!IsNameChar(c)) return false;
  }
  return true;
}

// A directory's basename made into a valid source name ("My Docs" → "My-Docs").
std::string NameFromDirectory(const std::string& real_root) {
  std::string base = fs::path(real_root).filename().string();
  std::string name;
  for (char c : base) name += IsNameChar(c) ? c : '-';
  if (name.size() > kMaxNameBytes) name.resize(kMaxNameBytes);
  return name.empty() ? "root" : name;
}

std::string Quoted(std::string_view s) {
  std::string out = "'";
  out += s;
  out += '\'';
  return out;
}

Status ConfigError(std::string_view path, const YAML::Node& node, const std::string& message) {
  const YAML::Mark mark = node.Mark();
  std::string where(path);
  if (!mark.is_null()) {
    where += ':';
    where += std::to_string(mark.line + 1);
    where += ':';
    where += std::to_string(mark.column + 1);
  }
  return Status::InvalidArgument(where + ": " + message);
}

Status ReadStringList(std::string_view path, const std::string& key, const YAML::Node& node,
                      std::vector<std::string>* out) {
  out->clear();
  if (node.IsScalar()) {
    out->push_back(node.Scalar());
    return Status::Ok();
  }
  if (!node.IsSequence()) return ConfigError(path, node, "'" + key + "' must be a list of strings");
  for (const YAML::Node& element : node) {
    if (!element.IsScalar()) return ConfigError(path, element, "each entry of '" + key + "' must be a string");
    out->push_back(element.Scalar());
  }
  return Status::Ok();
}

Status ReadScalar(std::string_view path, const std::string& key, const YAML::Node& node, std::string* out) {
  if (node.IsNull()) {
    out->clear();
    return Status::Ok();
  }
  if (!node.IsScalar()) return ConfigError(path, node, "'" + key + "' must be a single value");
  *out = std::string(internal::Trim(node.Scalar()));
  return Status::Ok();
}

Status ReadWholeFile(const std::string& path, std::uint64_t max_bytes, std::string* out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError(path + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::IoError(path + ": not a regular file");
  }
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    ::close(fd);
    return Status::InvalidArgument(path + ": file is " + std::to_string(st.st_size) + " bytes, over the limit of " +
                                   std::to_string(max_bytes));
  }
  out->resize(static_cast<std::size_t>(st.st_size));
  std::size_t got = 0;
  while (got < out->size()) {
    const ssize_t n = ::read(fd, out->data() + got, out->size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return Status::IoError(path + ": read failed: " + std::strerror(err));
    }
    if (n == 0) break;  // the file shrank since fstat
    got += static_cast<std::size_t>(n);
  }
  out->resize(got);
  ::close(fd);
  return Status::Ok();
}

}  // namespace

ParseOptions Source::ItemParseOptions() const {
  ParseOptions options;
  options.default_lang = config.lang;
  options.default_owner = config.owner;
  options.id_prefix = config.id_prefix;
  return options;
}

std::string Source::DisplayPath(std::string_view relative_path) const {
  std::string base = root;
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  std::string out(relative_path);
  if (base == "/") {
    out = base + out;
  } else if (!base.empty() && base != ".") {
    out = base + "/" + out;
  }
  while (out.rfind("./", 0) == 0) out.erase(0, 2);
  return out;
}

Result<SourceConfig> ParseSourceConfig(std::string_view path, std::string_view yaml) {
  SourceConfig config;
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    if (!root.IsDefined() || root.IsNull()) return config;
    if (!root.IsMap()) return ConfigError(path, root, "the config must be a map of 'key: value' lines");
    for (const auto& entry : root) {
      const std::string key = entry.first.Scalar();
      const YAML::Node& value = entry.second;
      Status s;
      std::string text;
      if (key == "include") {
        s = ReadStringList(path, key, value, &config.include);
      } else if (key == "exclude") {
        s = ReadStringList(path, key, value, &config.exclude);
      } else if (key == "required") {
        s = ReadStringList(path, key, value, &config.required);
        for (std::string& field : config.required) field = internal::AsciiLower(internal::Trim(field));
      } else if (key == "lang") {
        if (s = ReadScalar(path, key, value, &config.lang); s.ok() && config.lang.size() != 2) {
          s = ConfigError(path, value, "'lang' must be a 2-letter ISO 639-1 code such as 'en'");
        }
        config.lang = internal::AsciiLower(config.lang);
      } else if (key == "owner") {
        s = ReadScalar(path, key, value, &config.owner);
      } else if (key == "id_prefix") {
        s = ReadScalar(path, key, value, &config.id_prefix);
      } else if (key == "name") {
        if (s = ReadScalar(path, key, value, &config.name); s.ok() && !IsValidName(config.name)) {
          s = ConfigError(path, value, "'name' must be 1-64 characters from A-Z a-z 0-9 . _ -");
        }
      } else if (key == "unknown_fields") {
        if (s = ReadScalar(path, key, value, &text); s.ok()) {
          if (text == "error") config.unknown_fields = UnknownFieldPolicy::kError;
          else if (text == "warning") config.unknown_fields = UnknownFieldPolicy::kWarning;
          else if (text == "ignore") config.unknown_fields = UnknownFieldPolicy::kIgnore;
          else s = ConfigError(path, value, "'unknown_fields' must be error, warning or ignore");
        }
      } else {
        s = ConfigError(path, entry.first,
                        "unknown key '" + key +
                            "' (known: name include exclude lang owner id_prefix required "
                            "unknown_fields)");
      }
      if (!s.ok()) return s;
    }
  } catch (const YAML::Exception& e) {
    std::string where(path);
    if (!e.mark.is_null()) where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    return Status::InvalidArgument(where + ": not valid YAML: " + e.msg);
  }
  return config;
}

std::vector<std::vector<std::string>> ParseSynonyms(std::string_view text) {
  std::vector<std::vector<std::string>> groups;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = internal::Trim(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string> group = internal::Split(line, ',');
    if (group.size() >= 2) groups.push_back(std::move(group));
  }
  return groups;
}

Result<Source> LoadSource(std::string_view arg) {
  try {
    Source source;
    std::string_view dir = arg;
    if (const std::size_t eq = arg.find('='); eq != std::string_view::npos && IsValidName(arg.substr(0, eq))) {
      source.name = std::string(arg.substr(0, eq));
      dir = arg.substr(eq + 1);
    } else if (eq != std::string_view::npos && eq > 0 && arg.substr(0, eq).find('/') == std::string_view::npos) {
      return Status::InvalidArgument(Quoted(arg) + ": a source name must be 1-64 characters from A-Z a-z 0-9 . _ -");
    }
    if (dir.empty()) return Status::InvalidArgument(Quoted(arg) + ": no directory given");
    source.root = std::string(dir);
    std::error_code ec;
    const fs::file_status st = fs::status(source.root, ec);
    if (!fs::exists(st)) return Status::NotFound(source.root + ": no such directory");
    if (!fs::is_directory(st)) return Status::InvalidArgument(source.root + ": not a directory");
    source.real_root = fs::canonical(source.root, ec).string();
    if (ec) return Status::IoError(source.root + ": " + ec.message());

    const std::string config_path = source.real_root + "/" + kSourceConfigFile;
    std::string bytes;
    if (fs::exists(config_path, ec)) {
      source.config_path = source.DisplayPath(kSourceConfigFile);
      if (Status s = ReadWholeFile(config_path, 1u << 20, &bytes); !s.ok()) return s;
      Result<SourceConfig> config = ParseSourceConfig(source.config_path, bytes);
      if (!config.ok()) return config.status();
      source.config = std::move(config).value();
    }
    if (source.name.empty()) source.name = source.config.name;
    if (source.name.empty()) source.name = NameFromDirectory(source.real_root);

    const std::string synonyms_path = source.real_root + "/" + kSynonymsFile;
    if (fs::exists(synonyms_path, ec)) {
      if (Status s = ReadWholeFile(synonyms_path, 16u << 20, &bytes); !s.ok()) return s;
      source.synonyms = ParseSynonyms(bytes);
    }
    const std::string curation_path = source.real_root + "/" + kCurationFile;
    if (fs::exists(curation_path, ec)) {
      if (Status s = ReadWholeFile(curation_path, 1u << 20, &source.curation_text); !s.ok()) return s;
      source.curation_path = source.DisplayPath(kCurationFile);
    }
    source.commit = internal::DetectGitCommit(source.real_root);
    source.fingerprint =
        internal::ContentHash("format=" + std::to_string(kItemFormat) + "\nschema=" + std::to_string(kSchemaVersion) +
                              "\nname=" + source.name + "\nlang=" + source.config.lang +
                              "\nowner=" + source.config.owner + "\nid_prefix=" + source.config.id_prefix + "\n");
    return source;
  } catch (const std::exception& e) {
    return Status::Internal(std::string(arg) + ": " + e.what());
  }
}

Result<std::string> ReadSourceFile(const Source& source, std::string_view relative_path, std::uint64_t max_bytes) {
  std::string bytes;
  const std::string full = source.real_root + "/" + std::string(relative_path);
  if (Status s = ReadWholeFile(full, max_bytes, &bytes); !s.ok()) {
    // Messages name the file as the user knows it, not by its resolved absolute path.
    std::string message = s.message();
    if (message.rfind(full, 0) == 0) message = source.DisplayPath(relative_path) + message.substr(full.size());
    return Status(s.code(), message);
  }
  return bytes;
}

}  // namespace kb

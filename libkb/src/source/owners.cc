// Parsing owners.yaml (kb/owners.h).
#include "kb/owners.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "text.h"

namespace kb {
namespace {

constexpr std::uint64_t kMaxOwnersBytes = 1u << 20;

Status Error(std::string_view path, int line, const std::string& message) {
  return Status::InvalidArgument(std::string(path) + ":" + std::to_string(line) + ": " + message);
}

int LineOf(const YAML::Node& node) { return node.Mark().is_null() ? 1 : node.Mark().line + 1; }

// Reads one team's map of details into `team`.
Status ReadTeam(std::string_view path, const YAML::Node& details, Team* team) {
  if (details.IsNull()) return Status::Ok();
  if (!details.IsMap()) {
    return Error(path, LineOf(details),
                 "team '" + team->id +
                     "' must be a map of name, intake, oncall, contact, "
                     "hours and escalation_note");
  }
  const std::pair<const char*, std::string*> fields[] = {
      {"name", &team->name},       {"intake", &team->intake}, {"oncall", &team->oncall},
      {"contact", &team->contact}, {"hours", &team->hours},   {"escalation_note", &team->escalation_note}};
  for (const auto& entry : details) {
    const std::string key = entry.first.IsScalar() ? internal::AsciiLower(entry.first.Scalar()) : "";
    std::string* out = nullptr;
    for (const auto& [name, target] : fields) {
      if (key == name) out = target;
    }
    if (out == nullptr) {
      return Error(path, LineOf(entry.first),
                   "unknown field '" + key + "' for team '" + team->id +
                       "' (known: name intake oncall contact hours escalation_note)");
    }
    if (!entry.second.IsNull() && !entry.second.IsScalar()) {
      return Error(path, LineOf(entry.second), "field '" + key + "' of team '" + team->id + "' must be text");
    }
    if (entry.second.IsScalar()) *out = std::string(internal::Trim(entry.second.Scalar()));
  }
  return Status::Ok();
}

}  // namespace

const Team* OwnersRegistry::Find(std::string_view id) const {
  auto it = teams.find(std::string(id));
  return it == teams.end() ? nullptr : &it->second;
}

void OwnersRegistry::Merge(const OwnersRegistry& other) {
  present = present || other.present;
  for (const auto& [id, team] : other.teams) teams.emplace(id, team);
}

Result<OwnersRegistry> ParseOwners(std::string_view path, std::string_view bytes) {
  OwnersRegistry out;
  out.present = true;
  out.path = std::string(path);
  if (!internal::IsValidUtf8(bytes)) return Error(path, 1, "not valid UTF-8");
  try {
    const YAML::Node root = YAML::Load(std::string(bytes));
    if (!root.IsDefined() || root.IsNull()) return out;
    if (!root.IsMap()) return Error(path, 1, "owners.yaml must map team ids to their details");
    for (const auto& entry : root) {
      if (!entry.first.IsScalar() || internal::Trim(entry.first.Scalar()).empty()) {
        return Error(path, LineOf(entry.first), "a team id must be a non-empty name");
      }
      Team team;
      team.id = std::string(internal::Trim(entry.first.Scalar()));
      team.line = LineOf(entry.first);
      if (Status s = ReadTeam(path, entry.second, &team); !s.ok()) return s;
      if (team.name.empty()) team.name = team.id;
      if (out.teams.count(team.id)) {
        return Error(path, team.line, "team '" + team.id + "' is listed twice");
      }
      out.teams.emplace(team.id, std::move(team));
    }
  } catch (const YAML::Exception& e) {
    return Error(path, e.mark.is_null() ? 1 : e.mark.line + 1, "not valid YAML: " + e.msg);
  }
  return out;
}

Result<std::string> ReadOwnersFile(const Source& source) {
  std::error_code ec;
  if (!std::filesystem::exists(source.real_root + "/" + kOwnersFile, ec)) return std::string();
  return ReadSourceFile(source, kOwnersFile, kMaxOwnersBytes);
}

Result<OwnersRegistry> LoadOwners(const Source& source) {
  Result<std::string> bytes = ReadOwnersFile(source);
  if (!bytes.ok()) return bytes.status();
  std::error_code ec;
  if (bytes->empty() && !std::filesystem::exists(source.real_root + "/" + kOwnersFile, ec)) {
    return OwnersRegistry();
  }
  return ParseOwners(source.DisplayPath(kOwnersFile), *bytes);
}

}  // namespace kb
